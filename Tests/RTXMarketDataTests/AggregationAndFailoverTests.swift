import Testing
@testable import RTXMarketData

/// Best bid / best ask across LPs (ties, crossed LPs, a locked book) and the failover choice.
@Suite struct AggregationAndFailoverTests {
    func q(_ bid: Int64, _ ask: Int64, _ bv: Int64 = 1, _ av: Int64 = 1) -> NormalizedQuote {
        NormalizedQuote(bidTicks: bid, askTicks: ask, bidVolume: bv, askVolume: av, receivedNs: 0)
    }

    @Test func eachSideComesFromTheLPWithTheBestPrice() throws {
        let r = try #require(Aggregation.consolidate([q(108_500, 108_510, 1, 2), q(108_505, 108_515, 3, 4)]))
        #expect(r.bid == .init(ticks: 108_505, volume: 3, source: 1))
        #expect(r.ask == .init(ticks: 108_510, volume: 2, source: 0))
        #expect(!r.crossedAcrossLPs)
    }

    @Test func tiesAddTheVolumesAndCreditTheHigherPriorityLP() throws {
        let r = try #require(Aggregation.consolidate([q(108_500, 108_510, 2, 3), q(108_500, 108_512, 5, 7), q(108_499, 108_510, 1, 10)]))
        #expect(r.bid == .init(ticks: 108_500, volume: 7, source: 0))
        #expect(r.ask == .init(ticks: 108_510, volume: 13, source: 0))
    }

    @Test func lpsCrossingEachOtherGiveTheFirstEligibleLPsQuote() throws {
        // Best bid 108520 (second LP) is above best ask 108510 (first): the first LP's quote, whole.
        let r = try #require(Aggregation.consolidate([nil, q(108_500, 108_510, 1, 2), q(108_520, 108_530, 3, 4)]))
        #expect(r.crossedAcrossLPs)
        #expect(r.bid == .init(ticks: 108_500, volume: 1, source: 1) && r.ask == .init(ticks: 108_510, volume: 2, source: 1))
        // A locked book (best bid = best ask) is a quote.
        let locked = try #require(Aggregation.consolidate([q(108_500, 108_510), q(108_510, 108_520)]))
        #expect(!locked.crossedAcrossLPs && locked.bid.ticks == 108_510 && locked.ask.ticks == 108_510)
        #expect(Aggregation.consolidate([nil, nil]) == nil)
        #expect(Aggregation.consolidate([q(1, 2, .max, 1), q(1, 3, 5, 1)])?.bid.volume == .max)
    }

    typealias C = Failover.Candidate

    @Test func failoverGoesToTheNextEligibleLPAtOnce() {
        let ms: Int64 = 1_000_000
        // The primary (0) is not eligible: the secondary (1), whatever its failback time.
        #expect(Failover.choose(current: 0, candidates: [C(eligible: false, eligibleSince: 0), C(eligible: true, eligibleSince: 990 * ms)],
                                now: 1_000 * ms, failbackAfterNs: 5_000 * ms) == 1)
        // Nothing eligible: no source.
        #expect(Failover.choose(current: 1, candidates: [C(eligible: false, eligibleSince: 0), C(eligible: false, eligibleSince: 0)],
                                now: 0, failbackAfterNs: 0) == nil)
        // No source yet: the highest-priority eligible one.
        #expect(Failover.choose(current: nil, candidates: [C(eligible: false, eligibleSince: 0), C(eligible: true, eligibleSince: 0), C(eligible: true, eligibleSince: 0)],
                                now: 0, failbackAfterNs: 0) == 1)
    }

    @Test func failbackWaitsUntilTheHigherLPHasBeenFreshForFailbackAfter() {
        let ms: Int64 = 1_000_000
        let cands = [C(eligible: true, eligibleSince: 2_000 * ms), C(eligible: true, eligibleSince: 0), C(eligible: true, eligibleSince: 0)]
        #expect(Failover.choose(current: 1, candidates: cands, now: 4_999 * ms, failbackAfterNs: 3_000 * ms) == 1)
        #expect(Failover.choose(current: 1, candidates: cands, now: 5_000 * ms, failbackAfterNs: 3_000 * ms) == 0)
        // From the third LP: the highest-priority LP that qualifies wins.
        let two = [C(eligible: true, eligibleSince: 4_000 * ms), C(eligible: true, eligibleSince: 1_000 * ms), C(eligible: true, eligibleSince: 0)]
        #expect(Failover.choose(current: 2, candidates: two, now: 5_000 * ms, failbackAfterNs: 3_000 * ms) == 1)
        #expect(Failover.choose(current: 2, candidates: two, now: 7_000 * ms, failbackAfterNs: 3_000 * ms) == 0)
        // A lower-priority LP never takes over from an eligible source.
        #expect(Failover.choose(current: 0, candidates: two, now: 9_000 * ms, failbackAfterNs: 0) == 0)
    }
}
