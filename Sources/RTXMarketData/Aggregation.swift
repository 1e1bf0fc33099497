/// `mode: aggregate`: the consolidated quote of a symbol from its eligible LPs' last quotes.
///
/// Best bid = the highest bid, best ask = the lowest ask. Ties: the volumes at the best price
/// are added (saturating), and the side is credited to the highest-priority LP among the
/// tied. When the best bid is above the best ask (the LPs cross each other — one of them is
/// off, or an arbitrage that will not last), the consolidated quote is **not** the crossed
/// pair: it is the highest-priority eligible LP's own quote, whole (never crossed, since
/// each LP's quote was validated), and the caller counts the event. A locked book (best bid
/// equal to best ask) is a valid quote. Thread: any (pure).
public enum Aggregation {
    public struct Side: Sendable, Equatable {
        public var ticks: Int64
        public var volume: Int64
        /// Index of the LP credited (into the caller's priority-ordered list).
        public var source: Int
    }

    public struct Result: Sendable, Equatable {
        public var bid: Side
        public var ask: Side
        /// True when the LPs crossed each other and the first eligible LP's quote was used.
        public var crossedAcrossLPs: Bool
    }

    /// `quotes[i]` is the LP at priority position i, nil when it is not eligible. Nil when none is.
    public static func consolidate(_ quotes: [NormalizedQuote?]) -> Result? {
        var bid: Side?
        var ask: Side?
        var first: Int?
        for (i, q) in quotes.enumerated() {
            guard let q else { continue }
            if first == nil { first = i }
            if let b = bid, b.ticks == q.bidTicks {
                bid!.volume = saturatingAdd(b.volume, q.bidVolume)
            } else if bid == nil || q.bidTicks > bid!.ticks {
                bid = Side(ticks: q.bidTicks, volume: q.bidVolume, source: i)
            }
            if let a = ask, a.ticks == q.askTicks {
                ask!.volume = saturatingAdd(a.volume, q.askVolume)
            } else if ask == nil || q.askTicks < ask!.ticks {
                ask = Side(ticks: q.askTicks, volume: q.askVolume, source: i)
            }
        }
        guard let bid, let ask, let first, let q = quotes[first] else { return nil }
        if bid.ticks > ask.ticks {
            return Result(bid: Side(ticks: q.bidTicks, volume: q.bidVolume, source: first),
                          ask: Side(ticks: q.askTicks, volume: q.askVolume, source: first), crossedAcrossLPs: true)
        }
        return Result(bid: bid, ask: ask, crossedAcrossLPs: false)
    }

    static func saturatingAdd(_ a: Int64, _ b: Int64) -> Int64 {
        let (v, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : v
    }
}
