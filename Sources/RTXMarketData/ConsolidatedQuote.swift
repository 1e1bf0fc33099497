/// A symbol's quote as the LP manager publishes it: raw (no markup), at the symbol's digits,
/// from one LP (failover) or the best of several (aggregate). The engine hands it to the
/// core (journaled), the quote subscribers and the cache.
public struct ConsolidatedQuote: Sendable, Equatable {
    public var symbol: String
    /// The core's symbol index (from `MarketSymbol.engineIndex`).
    public var engineIndex: Int32
    public var digits: Int
    public var bidTicks: Int64
    public var askTicks: Int64
    /// 1e-8 lots; 0 when the LPs do not say.
    public var bidVolume: Int64
    public var askVolume: Int64
    /// The LPs the bid and the ask come from (the same one in failover mode).
    public var bidLP: String
    public var askLP: String
    /// The symbol's recent volatility when it was published, ppm.
    public var volatilityPPM: UInt32
    /// Arrival (monotonic ns) of the newest LP quote it is made of.
    public var receivedNs: Int64

    /// Same prices, sizes and sources (the time aside).
    func samePrices(as other: ConsolidatedQuote) -> Bool {
        bidTicks == other.bidTicks && askTicks == other.askTicks && bidVolume == other.bidVolume && askVolume == other.askVolume
            && bidLP == other.bidLP && askLP == other.askLP
    }
}

/// A change of the LP a failover symbol's quotes come from.
public struct SourceSwitch: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// The first source (or the first after a spell with none that follows no other).
        case initial
        /// Away from a source that went stale, down or away, to a lower-priority LP.
        case failover
        /// Back to a higher-priority LP that has been fresh for `failback_after_ms`.
        case failback
    }

    public var symbol: String
    /// The previous source, "" when there was none.
    public var from: String
    public var to: String
    public var kind: Kind
    /// Monotonic ns.
    public var atNs: Int64
}
