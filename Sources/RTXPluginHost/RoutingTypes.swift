import CRTXABI

/// The execution book of an order.
public enum Book: Int32, Sendable, CustomStringConvertible {
    case a = 1, b = 2, c = 3
    public var description: String {
        switch self {
        case .a: "A-Book"
        case .b: "B-Book"
        case .c: "C-Book"
        }
    }
}

/// A routing policy's validated answer.
public struct RoutingDecision: Sendable, Equatable {
    public var book: Book
    /// Share hedged at the LP, ppm: A-Book is 1,000,000, B-Book 0, C-Book in between (inclusive).
    public var hedgeRatioPPM: UInt32
    /// An LP adapter id, or empty for any.
    public var preferredLP: String
    public var reason: String
}

/// One LP's state as a routing policy sees it.
public struct RoutingLPState: Sendable, Equatable {
    public var lpID: String
    public var state: ConnectionState
    /// Age of the LP's last quote for the symbol, ms; -1 when none.
    public var lastQuoteAgeMs: Int64
    public init(lpID: String, state: ConnectionState, lastQuoteAgeMs: Int64) {
        self.lpID = lpID
        self.state = state
        self.lastQuoteAgeMs = lastQuoteAgeMs
    }
}

/// Everything a routing policy is shown for one order (mirrors rtx_routing_context_t).
public struct RoutingRequest: Sendable, Equatable {
    public var symbolID: UInt32 = 0
    public var accountID: UInt64 = 0
    public var symbol: String = ""
    public var group: String = ""
    public var side: Int32 = RTX_SIDE_BUY
    public var orderType: Int32 = RTX_ORDER_MARKET
    public var priceDigits: Int32 = 5
    public var volume: Int64 = 0
    public var symbolVolumeMin: Int64 = 0
    public var symbolVolumeMax: Int64 = 0
    public var bidTicks: Int64 = 0
    public var askTicks: Int64 = 0
    public var volatilityPPM: UInt32 = 0
    public var volatilityWindowMs: UInt32 = 0
    public var accountTradeCount: UInt64 = 0
    public var accountWinRatePPM: UInt32 = 0
    public var accountAverageHoldMs: Int64 = 0
    public var accountRealizedPnl: Int64 = 0
    public var accountEquity: Int64 = 0
    public var exposureABook: Int64 = 0
    public var exposureBBook: Int64 = 0
    public var exposureCBook: Int64 = 0
    public var lpStates: [RoutingLPState] = []
    public var nowNs: Int64 = 0
    public init() {}

    /// Builds the C context (strings and LP states valid inside `body` only) and calls `body`.
    public func withUnsafeCContext<R>(_ body: (UnsafePointer<rtx_routing_context_t>) -> R) -> R { withCContext(body) }

    func withCContext<R>(_ body: (UnsafePointer<rtx_routing_context_t>) -> R) -> R {
        CStringArena.withViews([symbol, group] + lpStates.map(\.lpID)) { views in
            var states = lpStates.enumerated().map { i, s in
                rtx_lp_state_t(struct_size: UInt32(MemoryLayout<rtx_lp_state_t>.size), state: s.state.rawValue,
                               lp_id: views[2 + i], last_quote_age_ms: s.lastQuoteAgeMs)
            }
            return states.withUnsafeMutableBufferPointer { buffer in
                var c = rtx_routing_context_t()
                c.struct_size = UInt32(MemoryLayout<rtx_routing_context_t>.size)
                c.symbol_id = symbolID
                c.account_id = accountID
                c.symbol = views[0]
                c.group = views[1]
                c.side = side
                c.order_type = orderType
                c.price_digits = priceDigits
                c.volume = volume
                c.symbol_volume_min = symbolVolumeMin
                c.symbol_volume_max = symbolVolumeMax
                c.bid_ticks = bidTicks
                c.ask_ticks = askTicks
                c.volatility_ppm = volatilityPPM
                c.volatility_window_ms = volatilityWindowMs
                c.account_trade_count = accountTradeCount
                c.account_win_rate_ppm = accountWinRatePPM
                c.account_average_hold_ms = accountAverageHoldMs
                c.account_realized_pnl = accountRealizedPnl
                c.account_equity = accountEquity
                c.exposure_a_book = exposureABook
                c.exposure_b_book = exposureBBook
                c.exposure_c_book = exposureCBook
                c.lp_states = UnsafePointer(buffer.baseAddress)
                c.lp_state_count = UInt32(buffer.count)
                c.lp_state_size = UInt32(MemoryLayout<rtx_lp_state_t>.size)
                c.now_ns = nowNs
                return body(&c)
            }
        }
    }
}

/// Checks a decision a plugin wrote: book in range, hedge ratio within 0...1, strings
/// NUL-terminated UTF-8, preferred LP one of the context's LPs. Normalizes A to a full hedge
/// and B to none.
enum RoutingDecisionValidator {
    static func validate(_ raw: inout rtx_routing_decision_t, knownLPs: (String) -> Bool) -> Result<RoutingDecision, ValidationProblem> {
        guard let book = Book(rawValue: raw.book) else {
            return .failure(ValidationProblem("book \(raw.book) is not RTX_BOOK_A (1), RTX_BOOK_B (2) or RTX_BOOK_C (3)"))
        }
        guard raw.hedge_ratio_ppm <= UInt32(RTX_RATIO_SCALE) else {
            return .failure(ValidationProblem("hedge_ratio_ppm \(raw.hedge_ratio_ppm) is outside 0...\(UInt32(RTX_RATIO_SCALE)) (0 to 1)"))
        }
        guard let lp = fixedCString(&raw.preferred_lp), let reason = fixedCString(&raw.reason) else {
            return .failure(ValidationProblem("preferred_lp or reason is not a NUL-terminated UTF-8 string"))
        }
        guard lp.isEmpty || knownLPs(lp) else {
            return .failure(ValidationProblem("preferred_lp '\(lp)' is not an LP adapter of this engine"))
        }
        let ratio: UInt32 = switch book {
        case .a: UInt32(RTX_RATIO_SCALE)
        case .b: 0
        case .c: raw.hedge_ratio_ppm
        }
        return .success(RoutingDecision(book: book, hedgeRatioPPM: ratio, preferredLP: lp, reason: reason))
    }

    /// Reads a fixed char array that must contain a NUL.
    static func fixedCString<T>(_ tuple: inout T) -> String? {
        withUnsafeBytes(of: &tuple) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let end = bytes.firstIndex(of: 0) else { return nil }
            return String(validating: bytes[0 ..< end], as: UTF8.self)
        }
    }
}

/// A reason a plugin's answer was refused.
struct ValidationProblem: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}
