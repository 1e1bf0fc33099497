import RTXCore
import RTXMarketData
import RTXPluginHost

/// What the routing context needs that lives on other threads: account facts and exposure
/// (written by the core thread after each batch), the consolidated quotes, the symbols'
/// volatility, the LP states and each LP's last quote time per symbol (all from the LP
/// manager, through the LP pump). Read by the sequencer when it routes an order, so a
/// context may trail the core by at most one batch — the context is journaled as the policy
/// saw it.
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
        public var volumeStep: Int64
        /// The latest raw quote, ticks (0: none yet).
        public var bidTicks: Int64 = 0
        public var askTicks: Int64 = 0
        /// Mean absolute mid move per quote (an EWMA over `Volatility.spanQuotes` quotes, each
        /// LP's move against its own previous quote), ppm of the price; from the LP manager.
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
        /// Symbol name → index (the core's index: the order of definition).
        var symbolIndexByName: [String: SymbolIndex] = [:]
        /// LP states as the LP manager derives them, by LP id.
        var lpHealth: [String: LPHealth] = [:]
        /// By symbol index: each LP's last accepted quote for it, monotonic ns.
        var lpQuoteTimes: [[String: Int64]] = []
    }

    /// Window of the volatility estimate, in quotes (an exponential average with this span).
    public static let volatilitySpanQuotes: Int64 = Volatility.spanQuotes
    private let monitor = Monitor(State())

    public init() {}

    func setSymbols(_ facts: [SymbolFacts]) {
        monitor.withLock { s in
            s.symbols = facts
            s.symbolIndexByName = Dictionary(facts.enumerated().map { ($0.element.name, SymbolIndex($0.offset)) }) { first, _ in first }
        }
    }

    func addSymbol(_ facts: SymbolFacts) {
        monitor.withLock { s in
            if s.symbolIndexByName[facts.name] == nil { s.symbolIndexByName[facts.name] = SymbolIndex(s.symbols.count) }
            s.symbols.append(facts)
        }
    }

    func updateAccount(_ id: AccountID, _ facts: AccountFacts) { monitor.withLock { $0.accounts[id] = facts } }

    func updateExposure(symbol: SymbolIndex, a: Int64, b: Int64, c: Int64) {
        monitor.withLock { s in
            guard Int(symbol) < s.symbols.count else { return }
            s.symbols[Int(symbol)].exposure = (a, b, c)
        }
    }

    /// Records a consolidated raw quote and the symbol's volatility (both from the LP manager).
    func recordQuote(symbol: SymbolIndex, bidTicks: Int64, askTicks: Int64, volatilityPPM: UInt32) {
        monitor.withLock { s in
            guard symbol >= 0, Int(symbol) < s.symbols.count else { return }
            s.symbols[Int(symbol)].bidTicks = bidTicks
            s.symbols[Int(symbol)].askTicks = askTicks
            s.symbols[Int(symbol)].volatilityPPM = volatilityPPM
        }
    }

    /// Records when `lp`'s last accepted quote for `symbol` arrived (monotonic ns).
    func recordLPQuote(symbol: SymbolIndex, lp: String, monotonicNs: Int64) {
        monitor.withLock { s in
            guard symbol >= 0 else { return }
            while s.lpQuoteTimes.count <= Int(symbol) { s.lpQuoteTimes.append([:]) }
            s.lpQuoteTimes[Int(symbol)][lp] = monotonicNs
        }
    }

    /// The LPs bound to `symbol`, in priority order (after a manifest reload).
    func setLPs(symbol: SymbolIndex, _ lps: [String]) {
        monitor.withLock { s in
            guard symbol >= 0, Int(symbol) < s.symbols.count else { return }
            s.symbols[Int(symbol)].lps = lps
        }
    }

    /// An LP's state as the LP manager derived it (connected, stale, down ...).
    func setLPHealth(_ lp: String, _ health: LPHealth) {
        monitor.withLock { s in s.lpHealth[lp] = health }
    }

    /// The ABI's connection state for an LP manager state: `stale` (connected but no fresh
    /// quote) is shown to routing policies as RTX_CONNECTION_DEGRADED.
    static func connectionState(_ h: LPHealth) -> ConnectionState {
        switch h {
        case .disconnected: .disconnected
        case .connecting: .connecting
        case .connected: .connected
        case .stale: .degraded
        case .down: .down
        }
    }

    public func account(_ id: AccountID) -> AccountFacts? { monitor.withLock { $0.accounts[id] } }

    /// The symbol called `name`: its index and facts (name, digits, volume limits are fixed
    /// once defined). Lets request parsing skip a round trip to the core thread.
    public func symbol(named name: String) -> (index: SymbolIndex, facts: SymbolFacts)? {
        monitor.withLock { s in
            guard let i = s.symbolIndexByName[name], Int(i) < s.symbols.count else { return nil }
            return (i, s.symbols[Int(i)])
        }
    }

    public func symbol(_ index: SymbolIndex) -> SymbolFacts? {
        monitor.withLock { s in Int(index) < s.symbols.count && index >= 0 ? s.symbols[Int(index)] : nil }
    }

    /// The states of the LPs bound to `symbol` (stale shown as degraded, see
    /// `connectionState`), with the age of each one's last accepted quote for this symbol
    /// (ms, −1: none).
    public func lpStates(for symbol: SymbolIndex) -> [RoutingLPState] {
        let now = EngineClock.monotonicNs()
        return monitor.withLock { s in
            guard Int(symbol) < s.symbols.count, symbol >= 0 else { return [] }
            let times = Int(symbol) < s.lpQuoteTimes.count ? s.lpQuoteTimes[Int(symbol)] : [:]
            return s.symbols[Int(symbol)].lps.map { lp in
                let age = times[lp].map { max(0, now - $0) / 1_000_000 } ?? -1
                return RoutingLPState(lpID: lp, state: Self.connectionState(s.lpHealth[lp] ?? .disconnected), lastQuoteAgeMs: age)
            }
        }
    }

    /// Every LP's state (connected, stale, down ...), by id.
    public func allLPStates() -> [(String, LPHealth)] {
        monitor.withLock { s in s.lpHealth.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 } }
    }
}
