/// `mode: failover`: which one LP a symbol's quotes come from.
///
/// LPs are in priority order (index 0 the primary). An LP is eligible when it is up and fresh
/// for the symbol (see `LPManager`); `eligibleSince` is when its current unbroken stretch of
/// eligibility began (the arrival of its first accepted quote after a gap, a stale spell or a
/// reconnection).
/// - The source stays while it is eligible, except that it **fails back** to a higher-priority
///   LP once that one has been eligible for `failbackAfterNs` (the highest such LP wins).
/// - When the source is not eligible (stale, down, disconnected, removed) it **fails over** at
///   once to the highest-priority eligible LP, whatever its failback time.
/// - With no eligible LP there is no source; the last consolidated quote stays as it was.
/// Thread: any (pure).
public enum Failover {
    public struct Candidate: Sendable, Equatable {
        public var eligible: Bool
        /// Monotonic ns; meaningful only when eligible.
        public var eligibleSince: Int64

        public init(eligible: Bool, eligibleSince: Int64) {
            self.eligible = eligible
            self.eligibleSince = eligibleSince
        }
    }

    /// The source at `now` given the current one.
    public static func choose(current: Int?, candidates: [Candidate], now: Int64, failbackAfterNs: Int64) -> Int? {
        choose(current: current, count: candidates.count, now: now, failbackAfterNs: failbackAfterNs) { candidates[$0] }
    }

    /// The same over `count` candidates read through `candidate` (no array needed).
    public static func choose(current: Int?, count: Int, now: Int64, failbackAfterNs: Int64, candidate: (Int) -> Candidate) -> Int? {
        if let c = current, c < count, candidate(c).eligible {
            for i in 0 ..< c {
                let e = candidate(i)
                if e.eligible && now &- e.eligibleSince >= failbackAfterNs { return i }
            }
            return c
        }
        return (0 ..< count).first { candidate($0).eligible }
    }
}
