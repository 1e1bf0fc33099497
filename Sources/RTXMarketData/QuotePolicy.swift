/// The settings that govern one symbol's quotes (rtx.yaml `market:` defaults, overridden per
/// symbol by `quote_*` keys). Plain values; the configuration decoder checks them against the
/// ranges below. Times are milliseconds, the floor parts per million of the price.
public struct QuotePolicy: Sendable, Equatable {
    public var mode: QuoteMode
    /// An LP with no accepted quote for the symbol for longer than this is stale for it, and a
    /// quote older than this when it is processed is refused as stale, ms.
    public var staleAfterMs: Int64
    /// A mid move larger than this multiple of the symbol's recent volatility is a spike.
    public var maxJumpMultiple: Int64
    /// The smallest move ever called a spike, ppm of the price (so a quiet market, whose
    /// volatility is near zero, does not refuse every move).
    public var jumpFloorPPM: Int64
    /// Consecutive quotes from one LP at a new level after which the level is accepted as a
    /// real move (the K-th is accepted, the K-1 before it were dropped as spikes).
    public var jumpConfirmations: Int
    /// How long the primary (or any higher-priority LP) must have been fresh again before
    /// quotes fail back to it, ms.
    public var failbackAfterMs: Int64

    public init(mode: QuoteMode, staleAfterMs: Int64, maxJumpMultiple: Int64, jumpFloorPPM: Int64, jumpConfirmations: Int,
                failbackAfterMs: Int64) {
        self.mode = mode
        self.staleAfterMs = staleAfterMs
        self.maxJumpMultiple = maxJumpMultiple
        self.jumpFloorPPM = jumpFloorPPM
        self.jumpConfirmations = jumpConfirmations
        self.failbackAfterMs = failbackAfterMs
    }

    public static let defaults = QuotePolicy(mode: .failover, staleAfterMs: 2_000, maxJumpMultiple: 10, jumpFloorPPM: 500,
                                             jumpConfirmations: 3, failbackAfterMs: 5_000)

    /// Accepted ranges (the decoder refuses anything outside them).
    public static let staleAfterRange: ClosedRange<Int64> = 10 ... 3_600_000
    public static let maxJumpMultipleRange: ClosedRange<Int64> = 1 ... 1_000_000
    public static let jumpFloorRange: ClosedRange<Int64> = 1 ... 1_000_000
    public static let jumpConfirmationsRange: ClosedRange<Int> = 2 ... 1_000
    public static let failbackAfterRange: ClosedRange<Int64> = 0 ... 3_600_000

    var staleAfterNs: Int64 { staleAfterMs * 1_000_000 }
    var failbackAfterNs: Int64 { failbackAfterMs * 1_000_000 }
}
