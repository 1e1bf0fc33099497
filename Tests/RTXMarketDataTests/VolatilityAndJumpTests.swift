import Testing
@testable import RTXMarketData

/// The integer EWMA and the spike rule, with hand-computed numbers.
@Suite struct VolatilityAndJumpTests {
    @Test func movesAreInPartsPerBillionOfTheReference() {
        // Twice the mid of 1.08496/1.08504 is 217000 ticks; +4 is 4e9 / 217000 = 18433.17 ppb.
        #expect(Volatility.movePPB(from: 217_000, to: 217_004) == 18_433)
        #expect(Volatility.movePPB(from: 217_000, to: 216_996) == 18_433)
        #expect(Volatility.movePPB(from: 0, to: 5) == 0)
    }

    @Test func theAverageIsAnIntegerEWMAOverSixtyFourQuotes() {
        var v = Volatility()
        #expect(v.ppm == 0)
        v.add(movePPB: 64_000)              // 0 + (64000 - 0) / 64 = 1000 ppb
        #expect(v.ewmaPPB == 1_000 && v.ppm == 1)
        v.add(movePPB: 64_000)              // 1000 + 63000 / 64 = 1000 + 984 = 1984
        #expect(v.ewmaPPB == 1_984 && v.ppm == 2)
        v.add(movePPB: 0)                   // 1984 + (-1984) / 64 = 1984 - 31 = 1953 (toward zero)
        #expect(v.ewmaPPB == 1_953 && v.ppm == 2 && v.samples == 3)
        // Small moves still register (a 1-tick EURUSD move is ~9.2 ppm; ppm-only state would round it away).
        var quiet = Volatility()
        for _ in 0 ..< 64 { quiet.add(movePPB: 9_216) }
        #expect(quiet.ppm > 0)
    }

    @Test func theThresholdIsTheMultipleOfVolatilityWithAFloor() {
        // 10 × 10,000 ppb = 100,000 < floor 500 ppm = 500,000 ppb.
        #expect(JumpFilter.thresholdPPB(volatilityPPB: 10_000, maxJumpMultiple: 10, jumpFloorPPM: 500) == 500_000)
        // 10 × 80,000 = 800,000 > floor.
        #expect(JumpFilter.thresholdPPB(volatilityPPB: 80_000, maxJumpMultiple: 10, jumpFloorPPM: 500) == 800_000)
        #expect(JumpFilter.thresholdPPB(volatilityPPB: .max, maxJumpMultiple: 10, jumpFloorPPM: 500) == .max)
    }

    @Test func aJumpBeyondTheThresholdIsASpikeAndTheOldLevelStays() {
        var f = JumpFilter()
        let threshold: Int64 = 500_000       // 217000 × 0.0005 = 108.5 double-mid ticks
        let never: (Int64) -> Bool = { _ in false }
        #expect(f.judge(doubleMid: 217_000, thresholdPPB: threshold, confirmations: 3, otherLP: never).0 == .firstQuote)
        // +108: 108e9 / 217000 = 497,695 ppb ≤ 500,000: within.
        #expect(f.judge(doubleMid: 217_108, thresholdPPB: threshold, confirmations: 3, otherLP: never) == (.within, 497_695))
        // From 217108, +109: 109e9 / 217108 = 502,054 ppb: a spike; the reference stays 217108.
        #expect(f.judge(doubleMid: 217_217, thresholdPPB: threshold, confirmations: 3, otherLP: never).0 == .spike)
        #expect(f.reference == 217_108 && f.pendingCount == 1)
        // Back near the old level: accepted, the count ends.
        #expect(f.judge(doubleMid: 217_110, thresholdPPB: threshold, confirmations: 3, otherLP: never).0 == .within)
        #expect(f.pendingCount == 0)
    }

    @Test func aNewLevelIsAcceptedOnTheKthConsecutiveQuote() {
        var f = JumpFilter()
        let never: (Int64) -> Bool = { _ in false }
        _ = f.judge(doubleMid: 217_000, thresholdPPB: 500_000, confirmations: 3, otherLP: never)
        // 5 % up: 227,850. Two dropped, the third accepted.
        #expect(f.judge(doubleMid: 227_850, thresholdPPB: 500_000, confirmations: 3, otherLP: never).0 == .spike)
        #expect(f.judge(doubleMid: 227_860, thresholdPPB: 500_000, confirmations: 3, otherLP: never).0 == .spike)
        let (verdict, move) = f.judge(doubleMid: 227_870, thresholdPPB: 500_000, confirmations: 3, otherLP: never)
        #expect(verdict == .newLevel && f.reference == 227_870)
        #expect(move == 50_092_165)          // (227870 - 217000) × 1e9 / 217000
        // A jump elsewhere restarts the count: up, down (far from the first jump), up again.
        var g = JumpFilter()
        _ = g.judge(doubleMid: 217_000, thresholdPPB: 500_000, confirmations: 2, otherLP: never)
        #expect(g.judge(doubleMid: 227_850, thresholdPPB: 500_000, confirmations: 2, otherLP: never).0 == .spike)
        #expect(g.judge(doubleMid: 206_150, thresholdPPB: 500_000, confirmations: 2, otherLP: never).0 == .spike)
        #expect(g.pendingCount == 1)
        #expect(g.judge(doubleMid: 206_160, thresholdPPB: 500_000, confirmations: 2, otherLP: never).0 == .newLevel)
    }

    @Test func aJumpAnotherLPConfirmsIsAcceptedAtOnce() {
        var f = JumpFilter()
        _ = f.judge(doubleMid: 217_000, thresholdPPB: 500_000, confirmations: 3) { _ in false }
        var asked: [Int64] = []
        let verdict = f.judge(doubleMid: 227_850, thresholdPPB: 500_000, confirmations: 3) { mid in
            asked.append(mid)
            return true
        }
        #expect(verdict.0 == .confirmedByOtherLP && asked == [227_850] && f.reference == 227_850)
        // Not asked for a move within the threshold.
        asked = []
        _ = f.judge(doubleMid: 227_851, thresholdPPB: 500_000, confirmations: 3) { mid in asked.append(mid); return false }
        #expect(asked.isEmpty)
    }

    @Test func aResetForgetsTheReference() {
        var f = JumpFilter()
        _ = f.judge(doubleMid: 217_000, thresholdPPB: 500_000, confirmations: 3) { _ in false }
        f.reset()
        #expect(f.judge(doubleMid: 300_000, thresholdPPB: 500_000, confirmations: 3) { _ in false }.0 == .firstQuote)
    }
}
