import RTXCore
import RTXPluginHost

/// What the routing context needs that lives on other threads: account facts and exposure
/// (written by the core thread after each batch), quotes and volatility (the quote pump),
/// LP states (the LP pump). Read by the sequencer when it routes an order, so a context may
/// trail the core by at most one batch — the context is journaled as the policy saw it.
///
/// Thread: any (one lock; every call is short).
public final class MarketView: @unchecked Sendable {
    public struct AccountFacts: Sendable, Equatable {
        public var group: String
        public var statistics: TradingStatistics
        /// Account currency, 1e-8.
        public var equity: Int64
    }

    public struct SymbolFacts: Sendable, Equatable {
        public var name: String
        public var digits: Int
        public var volumeMin: Int64
        public var volumeMax: Int64
        /// The latest raw quote, ticks (0: none yet).
        public var bidTicks: Int64 = 0
        public var askTicks: Int64 = 0
        /// Mean absolute mid change per quote over the recent window, ppm of the price.
        public var volatilityPPM: UInt32 = 0
        /// Clients' net volume per book, 1e-8 lots (A, B, C).
        public var exposure: (a: Int64, b: Int64, c: Int64) = (0, 0, 0)
        /// LPs bound to the symbol (priority order).
        public var lps: [String] = []

        public static func == (l: Self, r: Self) -> Bool {
            l.name == r.name && l.bidTicks == r.bidTicks && l.askTicks == r.askTicks && l.exposure == r.exposure && l.volatilityPPM == r.volatilityPPM
        }
    }

    struct State {
        var accounts: [AccountID: AccountFacts] = [:]
        var symbols: [SymbolFacts] = []
        var lpStates: [String: (state: ConnectionState, lastQuoteMonotonicNs: Int64)] = [:]
    }

    /// Window of the volatility estimate, in quotes (an exponential average with this span).
    public static let volatilitySpanQuotes: Int64 = 64
    private let monitor = Monitor(State())

    public init() {}

    func setSymbols(_ facts: [SymbolFacts]) { monitor.withLock { $0.symbols = facts } }

    func addSymbol(_ facts: SymbolFacts) { monitor.withLock { $0.symbols.append(facts) } }

    func updateAccount(_ id: AccountID, _ facts: AccountFacts) { monitor.withLock { $0.accounts[id] = facts } }

    func updateExposure(symbol: SymbolIndex, a: Int64, b: Int64, c: Int64) {
        monitor.withLock { s in
            guard Int(symbol) < s.symbols.count else { return }
            s.symbols[Int(symbol)].exposure = (a, b, c)
        }
    }

    /// Records a raw quote and folds its mid change into the volatility estimate.
    func recordQuote(symbol: SymbolIndex, bidTicks: Int64, askTicks: Int64, lp: String) {
        let now = EngineClock.monotonicNs()
        monitor.withLock { s in
            s.lpStates[lp, default: (.connected, now)].lastQuoteMonotonicNs = now
            guard Int(symbol) < s.symbols.count else { return }
            var f = s.symbols[Int(symbol)]
            if f.bidTicks > 0, bidTicks > 0 {
                let oldMid = (f.bidTicks + f.askTicks) / 2, newMid = (bidTicks + askTicks) / 2
                let changePPM = oldMid > 0 ? min(Int64(UInt32.max), abs(newMid - oldMid) * 1_000_000 / oldMid) : 0
                let span = Self.volatilitySpanQuotes
                f.volatilityPPM = UInt32((Int64(f.volatilityPPM) * (span - 1) + changePPM) / span)
            }
            f.bidTicks = bidTicks
            f.askTicks = askTicks
            s.symbols[Int(symbol)] = f
        }
    }

    func setLPState(_ lp: String, _ state: ConnectionState) {
        monitor.withLock { s in s.lpStates[lp, default: (state, 0)].state = state }
    }

    public func account(_ id: AccountID) -> AccountFacts? { monitor.withLock { $0.accounts[id] } }

    public func symbol(_ index: SymbolIndex) -> SymbolFacts? {
        monitor.withLock { s in Int(index) < s.symbols.count && index >= 0 ? s.symbols[Int(index)] : nil }
    }

    /// The states of the LPs bound to `symbol`, with the age of their last quote (ms, −1: none).
    public func lpStates(for symbol: SymbolIndex) -> [RoutingLPState] {
        let now = EngineClock.monotonicNs()
        return monitor.withLock { s in
            guard Int(symbol) < s.symbols.count, symbol >= 0 else { return [] }
            return s.symbols[Int(symbol)].lps.map { lp in
                let known = s.lpStates[lp]
                let age = known.map { $0.lastQuoteMonotonicNs > 0 ? (now - $0.lastQuoteMonotonicNs) / 1_000_000 : -1 } ?? -1
                return RoutingLPState(lpID: lp, state: known?.state ?? .disconnected, lastQuoteAgeMs: age)
            }
        }
    }

    /// Every LP's state, by id.
    public func allLPStates() -> [(String, ConnectionState)] {
        monitor.withLock { s in s.lpStates.map { ($0.key, $0.value.state) }.sorted { $0.0 < $1.0 } }
    }
}
