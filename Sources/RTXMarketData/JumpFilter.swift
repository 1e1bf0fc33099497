/// The spike rule for one LP's quotes of one symbol.
///
/// A quote whose mid moved from this LP's last accepted mid by more than the threshold,
/// `max(max_jump_multiple × the symbol's volatility, jump_floor_ppm)`, is a jump. A jump is
/// dropped (refused as `spike`) unless one of two things says the market really moved:
/// - **a second LP**: another fresh, connected LP of the symbol has an accepted mid within
///   the threshold of the new one (measured from that LP's mid): accepted at once;
/// - **K confirming quotes**: the LP keeps quoting the new level: each jump within the
///   threshold of the previous dropped one counts, and the K-th consecutive one
///   (`jump_confirmations`) is accepted. A quote back within the threshold of the old mid
///   ends the count (it was a spike); a jump elsewhere starts a new count at 1.
/// With no reference (the LP's first quote, or its first after it went stale for the
/// symbol) the quote is accepted as is: after a silence the market may well have moved.
///
/// Prices are compared as twice the mid (bid + ask), exactly. Thread: owned by the LP
/// manager's caller.
public struct JumpFilter: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        /// No reference to compare with.
        case firstQuote
        /// Within the threshold of the reference.
        case within
        /// A jump another LP already quotes.
        case confirmedByOtherLP
        /// A jump the LP confirmed with K consecutive quotes.
        case newLevel
        /// A jump without confirmation: dropped.
        case spike

        public var accepted: Bool { self != .spike }
    }

    /// The LP's last accepted double mid for the symbol; 0: none.
    public private(set) var reference: Int64 = 0
    /// The double mid of the last dropped jump and how many consecutive jumps led to it.
    public private(set) var pending: Int64 = 0
    public private(set) var pendingCount = 0

    public init() {}

    /// The threshold in ppb: `max(multiple × volatility, floor)`, saturating.
    public static func thresholdPPB(volatilityPPB: Int64, maxJumpMultiple: Int64, jumpFloorPPM: Int64) -> Int64 {
        let (scaled, overflow) = volatilityPPB.multipliedReportingOverflow(by: maxJumpMultiple)
        let (floor, floorOverflow) = jumpFloorPPM.multipliedReportingOverflow(by: 1_000)
        return max(overflow ? .max : scaled, floorOverflow ? .max : floor)
    }

    /// Judges a quote at `doubleMid` and, when it is accepted, makes it the reference. Returns
    /// the verdict and the move from the previous reference in ppb (0 without one).
    /// `otherLP` answers whether another LP confirms the level (called only for a jump).
    public mutating func judge(doubleMid: Int64, thresholdPPB: Int64, confirmations: Int,
                               otherLP: (Int64) -> Bool) -> (Verdict, movePPB: Int64) {
        guard reference > 0 else {
            accept(doubleMid)
            return (.firstQuote, 0)
        }
        let move = Volatility.movePPB(from: reference, to: doubleMid)
        if move <= thresholdPPB {
            accept(doubleMid)
            return (.within, move)
        }
        if otherLP(doubleMid) {
            accept(doubleMid)
            return (.confirmedByOtherLP, move)
        }
        if pendingCount > 0, Volatility.movePPB(from: pending, to: doubleMid) <= thresholdPPB {
            pendingCount += 1
        } else {
            pendingCount = 1
        }
        pending = doubleMid
        if pendingCount >= confirmations {
            accept(doubleMid)
            return (.newLevel, move)
        }
        return (.spike, move)
    }

    /// Forgets the reference (the LP went stale for the symbol) and any count.
    public mutating func reset() {
        reference = 0
        pending = 0
        pendingCount = 0
    }

    private mutating func accept(_ doubleMid: Int64) {
        reference = doubleMid
        pending = 0
        pendingCount = 0
    }
}
