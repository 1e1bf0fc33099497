/// Recent volatility of one symbol: an exponentially weighted mean of the absolute mid move
/// per accepted quote (each LP's mid against that LP's previous accepted mid, so the gap
/// between two LPs' price levels is never counted as a move), in integers.
///
/// The mean is kept in parts per billion so that small moves still register (a 1-tick move
/// of EURUSD is about 9,200 ppb; kept in ppm, the integer update would round it away), and
/// read in ppm. Update: `ewma += (move - ewma) / span` (Swift's integer division, toward
/// zero), from 0 (a new symbol starts quiet; `QuotePolicy.jumpFloorPPM` covers the start).
/// Thread: owned by the LP manager's caller.
public struct Volatility: Sendable, Equatable {
    /// Span of the average, in quotes.
    public static let spanQuotes: Int64 = 64
    /// The mean absolute move per quote, ppb of the price.
    public private(set) var ewmaPPB: Int64 = 0
    /// Moves folded in so far.
    public private(set) var samples: Int64 = 0

    public init() {}

    public mutating func add(movePPB: Int64) {
        ewmaPPB += (movePPB - ewmaPPB) / Self.spanQuotes
        samples += 1
    }

    /// The mean in ppm of the price, rounded half up (what the routing context shows).
    public var ppm: UInt32 { UInt32(clamping: (ewmaPPB + 500) / 1_000) }

    /// |to - from| in ppb of `from` (both the same kind of price, e.g. twice the mid), rounded
    /// down; saturates at Int64.max. Zero when `from` is not positive.
    public static func movePPB(from: Int64, to: Int64) -> Int64 {
        guard from > 0 else { return 0 }
        let diff = Int128(to) - Int128(from)
        let ppb = (diff < 0 ? -diff : diff) * 1_000_000_000 / Int128(from)
        return ppb > Int128(Int64.max) ? .max : Int64(ppb)
    }
}
