/// A snapshot of the LP manager for `rtx status` and the tests: each LP's state, counts and
/// last quote per symbol, and each symbol's mode, source and consolidated quote. Prices are
/// ticks at the symbol's digits; ages are ms (-1: never).
public struct MarketStatus: Sendable, Equatable {
    public struct Feed: Sendable, Equatable {
        public var symbol: String
        public var venueSymbol: String
        public var priority: Int
        public var digits: Int
        /// The LP's last accepted quote for the symbol (0 and 0: none).
        public var bidTicks: Int64
        public var askTicks: Int64
        public var ageMs: Int64
        /// Fresh and up: it may be a source now.
        public var eligible: Bool
    }

    public struct LP: Sendable, Equatable {
        public var id: String
        /// The adapter's last report; nil when it never reported.
        public var link: LinkState?
        public var health: LPHealth
        public var counters: LPCounters
        public var feeds: [Feed]
    }

    public struct Symbol: Sendable, Equatable {
        public var name: String
        public var digits: Int
        public var mode: QuoteMode
        /// LP ids in priority order.
        public var lps: [String]
        /// Failover: the LP quotes come from now ("" when none is eligible). Aggregate: "".
        public var source: String
        /// The last consolidated quote and where its sides came from (0 and "": none yet).
        public var bidTicks: Int64
        public var askTicks: Int64
        public var bidLP: String
        public var askLP: String
        public var volatilityPPM: UInt32
        public var failovers: UInt64
        public var failbacks: UInt64
        /// Aggregate: accepted quotes that left the LPs crossing each other (best bid above best ask).
        public var crossedAcrossLPs: UInt64
    }

    public var lps: [LP]
    public var symbols: [Symbol]

    public init(lps: [LP] = [], symbols: [Symbol] = []) {
        self.lps = lps
        self.symbols = symbols
    }

    public func lp(_ id: String) -> LP? { lps.first { $0.id == id } }
    public func symbol(_ name: String) -> Symbol? { symbols.first { $0.name == name } }
}

extension LPManager {
    /// The state at `now`, in configuration order.
    public func status(at now: MarketTime) -> MarketStatus {
        let t = now.monotonicNs
        let lpStatus = lps.map { lp in
            MarketStatus.LP(id: lp.id, link: lp.reported ? lp.link : nil, health: lp.health, counters: lp.counters,
                            feeds: lp.feeds.map { b, k in
                                let book = books[b], f = book.feeds[k]
                                return MarketStatus.Feed(symbol: book.symbol.name, venueSymbol: f.source.venueSymbol, priority: f.source.priority,
                                                         digits: book.symbol.digits, bidTicks: f.last?.bidTicks ?? 0, askTicks: f.last?.askTicks ?? 0,
                                                         ageMs: f.last == nil ? -1 : max(0, t &- f.lastAcceptedNs) / 1_000_000,
                                                         eligible: isEligible(b, k, now: t))
                            })
        }
        let symbolStatus = books.map { book in
            MarketStatus.Symbol(name: book.symbol.name, digits: book.symbol.digits, mode: book.symbol.policy.mode, lps: book.feeds.map(\.source.lp),
                                source: book.symbol.policy.mode == .failover ? book.source.map { book.feeds[$0].source.lp } ?? "" : "",
                                bidTicks: book.published?.bidTicks ?? 0, askTicks: book.published?.askTicks ?? 0,
                                bidLP: book.published?.bidLP ?? "", askLP: book.published?.askLP ?? "",
                                volatilityPPM: book.volatility.ppm, failovers: book.failovers, failbacks: book.failbacks,
                                crossedAcrossLPs: book.crossedAcrossLPs)
        }
        return MarketStatus(lps: lpStatus, symbols: symbolStatus)
    }

    /// The symbol's volatility now, ppm (0 for an unknown symbol).
    public func volatilityPPM(symbol: String) -> UInt32 {
        guard let b = books.firstIndex(where: { $0.symbol.name == symbol }) else { return 0 }
        return books[b].volatility.ppm
    }
}
