import Testing
@testable import RTXMarketData

/// Digits conversion: bid rounds down, ask rounds up when digits are lost; exact otherwise.
@Suite struct PriceScaleTests {
    @Test func losingDigitsRoundsTheBidDownAndTheAskUp() {
        // 1.085004 at 6 digits is 1.08500 (bid) or 1.08501 (ask) at 5.
        #expect(PriceScale.rescale(1_085_004, from: 6, to: 5, roundUp: false) == 108_500)
        #expect(PriceScale.rescale(1_085_004, from: 6, to: 5, roundUp: true) == 108_501)
        // 1.085009: still 1.08500 / 1.08501 (no rounding to nearest).
        #expect(PriceScale.rescale(1_085_009, from: 6, to: 5, roundUp: false) == 108_500)
        #expect(PriceScale.rescale(1_085_009, from: 6, to: 5, roundUp: true) == 108_501)
        // Exact: no rounding either way.
        #expect(PriceScale.rescale(1_085_000, from: 6, to: 5, roundUp: true) == 108_500)
        // Three digits lost: 151.2049 (4) → 151 bid, 152 ask at 0 digits.
        #expect(PriceScale.rescale(1_512_049, from: 4, to: 0, roundUp: false) == 151)
        #expect(PriceScale.rescale(1_512_049, from: 4, to: 0, roundUp: true) == 152)
    }

    @Test func addingDigitsIsExactAndOverflowIsNil() {
        #expect(PriceScale.rescale(151_200, from: 3, to: 5, roundUp: false) == 15_120_000)
        #expect(PriceScale.rescale(108_500, from: 5, to: 5, roundUp: true) == 108_500)
        #expect(PriceScale.rescale(Int64.max / 10 + 1, from: 0, to: 1, roundUp: false) == nil)
        #expect(PriceScale.rescale(1, from: 0, to: 19, roundUp: false) == nil)
    }
}
