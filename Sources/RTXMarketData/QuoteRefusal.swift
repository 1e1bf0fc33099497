/// Why the LP manager (or the plugin host at the ABI boundary, for crossed, non-positive and
/// unsubscribed quotes) did not use a quote. The raw values are the metric's `reason` label.
public enum QuoteRefusal: String, Error, Sendable, Equatable, CaseIterable, Comparable {
    /// Bid above ask, as the LP sent it.
    case crossed
    /// A bid or an ask of zero or less, as sent or after conversion to the symbol's digits.
    case nonPositive = "non_positive"
    /// A mid move beyond the jump threshold that no rule confirmed (see `JumpFilter`).
    case spike
    /// Older than `stale_after_ms` when processed (by the host's arrival time or the venue's timestamp).
    case stale
    /// A symbol the LP is not bound to (or an id the host never gave it).
    case unmapped
    /// Prices that do not fit the symbol's digits (overflow), bad digits or volumes, a short struct.
    case malformed

    public static func < (a: Self, b: Self) -> Bool { a.order < b.order }
    private var order: Int { Self.allCases.firstIndex(of: self)! }
}

/// The checks that need no history: prices and age. Thread: any (pure).
public enum QuoteCheck {
    /// The quote at `digits` (bid rounded down, ask up), or why it is refused: non-positive
    /// or crossed as sent, malformed when the conversion overflows, non-positive when the
    /// bid rounds to zero, stale when older than `staleAfterNs` at `now`.
    public static func normalize(_ q: LPQuote, digits: Int, staleAfterNs: Int64, now: MarketTime) -> Result<NormalizedQuote, QuoteRefusal> {
        guard q.bidTicks > 0, q.askTicks > 0 else { return .failure(.nonPositive) }
        guard q.bidTicks <= q.askTicks else { return .failure(.crossed) }
        guard q.priceDigits >= 0, q.bidVolume >= 0, q.askVolume >= 0,
              let bid = PriceScale.rescale(q.bidTicks, from: q.priceDigits, to: digits, roundUp: false),
              let ask = PriceScale.rescale(q.askTicks, from: q.priceDigits, to: digits, roundUp: true) else { return .failure(.malformed) }
        guard bid > 0 else { return .failure(.nonPositive) }
        if age(q, now: now) > staleAfterNs { return .failure(.stale) }
        return .success(NormalizedQuote(bidTicks: bid, askTicks: ask, bidVolume: q.bidVolume, askVolume: q.askVolume, receivedNs: q.receivedNs))
    }

    /// How old the quote is at `now`, ns: the larger of the time since the host took it and
    /// the time since the venue's timestamp (when it has one; a venue clock ahead of ours
    /// counts as 0).
    public static func age(_ q: LPQuote, now: MarketTime) -> Int64 {
        let hostAge = max(0, now.monotonicNs &- q.receivedNs)
        let venueAge = q.lpTimeNs > 0 ? max(0, now.wallNs &- q.lpTimeNs) : 0
        return max(hostAge, venueAge)
    }
}
