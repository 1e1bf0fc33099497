import CRTXPluginABI

/// State of one LP as the host sees it when the decision is asked for (`rtx_lp_state_t`).
public struct RTXLPState: Sendable, Equatable {
    public var state: RTXConnectionState
    /// The LP adapter's manifest id.
    public var lpID: String
    /// Age of the LP's last quote for this symbol, ms; -1 if none.
    public var lastQuoteAgeMilliseconds: Int64

    public init(state: RTXConnectionState, lpID: String, lastQuoteAgeMilliseconds: Int64) {
        self.state = state
        self.lpID = lpID
        self.lastQuoteAgeMilliseconds = lastQuoteAgeMilliseconds
    }
}

/// Everything a routing policy may look at for one order (`rtx_routing_context_t`), copied
/// out of the host's borrowed struct before `decide` is called. Volumes are 1e-8 lots,
/// prices ticks at `priceDigits`, money 1e-8 units of the account's currency, ratios ppm,
/// times ns. `public init()` gives an all-zero context for your own tests.
/// Thread: any (a value type, `Sendable`).
public struct RTXRoutingContext: Sendable, Equatable {
    public var symbolID: UInt32 = 0
    public var accountID: UInt64 = 0
    /// Engine symbol name.
    public var symbol: String = ""
    /// The account's group.
    public var group: String = ""
    public var side = RTXSide(rawValue: 0)
    public var orderType = RTXOrderType(rawValue: 0)
    /// Digits of every price below.
    public var priceDigits: Int32 = 0
    /// The order's volume, 1e-8 lots.
    public var volume: Int64 = 0
    /// The symbol's limits, 1e-8 lots.
    public var symbolVolumeMin: Int64 = 0
    public var symbolVolumeMax: Int64 = 0
    /// Current raw quote; 0 when none.
    public var bidTicks: Int64 = 0
    public var askTicks: Int64 = 0
    /// Recent realized volatility of the mid, ppm of price, over `volatilityWindowMilliseconds`.
    public var volatilityPPM: UInt32 = 0
    public var volatilityWindowMilliseconds: UInt32 = 0
    /// Closed trades of the account.
    public var accountTradeCount: UInt64 = 0
    /// Share of profitable closed trades, ppm.
    public var accountWinRatePPM: UInt32 = 0
    /// Mean holding time of closed trades, ms.
    public var accountAverageHoldMilliseconds: Int64 = 0
    /// 1e-8 units of the account's currency.
    public var accountRealizedPnL: Int64 = 0
    public var accountEquity: Int64 = 0
    /// Broker exposure in this symbol, signed net volume per book (long positive), 1e-8 lots.
    public var exposureABook: Int64 = 0
    public var exposureBBook: Int64 = 0
    public var exposureCBook: Int64 = 0
    /// The LPs' states.
    public var lpStates: [RTXLPState] = []
    /// Wall time of the decision, ns since the epoch.
    public var nowNanoseconds: Int64 = 0

    public init() {}

    /// Copies the host's context. Its LP states are walked by `lp_state_size`, not by this
    /// SDK's `sizeof`, so a newer host's larger elements still work.
    init(_ pointer: UnsafePointer<rtx_routing_context_t>) throws(RTXPluginError) {
        let size = RTXStructSize.of(pointer)
        guard size >= MemoryLayout<rtx_routing_context_t>.size else {
            throw .invalidArgument("routing context struct_size \(size) is smaller than rtx_routing_context_t (\(MemoryLayout<rtx_routing_context_t>.size))")
        }
        let c = pointer.pointee
        symbolID = c.symbol_id
        accountID = c.account_id
        symbol = RTXCStrings.string(c.symbol)
        group = RTXCStrings.string(c.group)
        side = RTXSide(rawValue: c.side)
        orderType = RTXOrderType(rawValue: c.order_type)
        priceDigits = c.price_digits
        volume = c.volume
        symbolVolumeMin = c.symbol_volume_min
        symbolVolumeMax = c.symbol_volume_max
        bidTicks = c.bid_ticks
        askTicks = c.ask_ticks
        volatilityPPM = c.volatility_ppm
        volatilityWindowMilliseconds = c.volatility_window_ms
        accountTradeCount = c.account_trade_count
        accountWinRatePPM = c.account_win_rate_ppm
        accountAverageHoldMilliseconds = c.account_average_hold_ms
        accountRealizedPnL = c.account_realized_pnl
        accountEquity = c.account_equity
        exposureABook = c.exposure_a_book
        exposureBBook = c.exposure_b_book
        exposureCBook = c.exposure_c_book
        nowNanoseconds = c.now_ns
        let count = Int(c.lp_state_count)
        if count > 0 {
            let stride = Int(c.lp_state_size)
            guard let base = c.lp_states.map({ UnsafeRawPointer($0) }) else {
                throw .invalidArgument("routing context has \(count) LP states but lp_states is NULL")
            }
            guard stride >= MemoryLayout<rtx_lp_state_t>.size else {
                throw .invalidArgument("routing context lp_state_size \(stride) is smaller than rtx_lp_state_t (\(MemoryLayout<rtx_lp_state_t>.size))")
            }
            guard !count.multipliedReportingOverflow(by: stride).overflow else {
                throw .invalidArgument("routing context: \(count) LP states of \(stride) bytes do not fit in memory")
            }
            var states: [RTXLPState] = []
            states.reserveCapacity(count)
            for i in 0 ..< count {
                let s = base.advanced(by: i * stride).loadUnaligned(as: rtx_lp_state_t.self)
                states.append(RTXLPState(state: RTXConnectionState(rawValue: s.state), lpID: RTXCStrings.string(s.lp_id),
                                         lastQuoteAgeMilliseconds: s.last_quote_age_ms))
            }
            lpStates = states
        }
    }
}
