import Testing
@testable import RTXMarketData

/// The LP manager with explicit times: failover and failback timing, aggregation, refusals
/// per LP and reason, LP states, reconfiguration. Times are ms from 0 (monotonic; wall time
/// is a fixed epoch plus the same offset).
@Suite struct LPManagerStateTests {
    static let ms: Int64 = 1_000_000
    static let epochNs: Int64 = 1_700_000_000_000_000_000

    static func at(_ t: Int64) -> MarketTime { MarketTime(monotonicNs: t * ms, wallNs: epochNs + t * ms) }

    static func policy(_ mode: QuoteMode, stale: Int64 = 1_000, failback: Int64 = 3_000, floorPPM: Int64 = 500, confirmations: Int = 3) -> QuotePolicy {
        QuotePolicy(mode: mode, staleAfterMs: stale, maxJumpMultiple: 10, jumpFloorPPM: floorPPM, jumpConfirmations: confirmations, failbackAfterMs: failback)
    }

    static func eurusd(_ policy: QuotePolicy, lps: [String] = ["p", "s"]) -> MarketSymbol {
        MarketSymbol(name: "EURUSD", hostSymbolID: 1, engineIndex: 0, digits: 5,
                     sources: lps.enumerated().map { LPSource(lp: $0.element, priority: $0.offset + 1, venueSymbol: "EUR/USD") }, policy: policy)
    }

    /// A manager with EURUSD bound to p (priority 1) and s (2), both connected at 0.
    struct Harness {
        var m = LPManager()
        var published: [ConsolidatedQuote] = []

        init(_ policy: QuotePolicy, connect: Bool = true) {
            _ = m.configure(symbols: [LPManagerStateTests.eurusd(policy)], lps: ["p", "s"], at: at(0))
            if connect {
                _ = m.link(lp: "p", state: .connected, at: at(0))
                _ = m.link(lp: "s", state: .connected, at: at(0))
            }
        }

        @discardableResult
        mutating func quote(_ lp: String, _ bid: Int64, _ ask: Int64, at t: Int64, digits: Int = 5, symbolID: UInt32 = 1,
                            lpTimeNs: Int64 = 0) -> LPManager.IngestResult {
            let r = m.ingest(LPQuote(symbolID: symbolID, priceDigits: digits, bidTicks: bid, askTicks: ask, bidVolume: 100, askVolume: 200,
                                     lpTimeNs: lpTimeNs, receivedNs: t * ms), lp: m.lpSlot(lp)!, at: at(t))
            if let q = r.published { published.append(q) }
            return r
        }

        mutating func evaluate(at t: Int64) -> [ConsolidatedQuote] {
            let out = m.evaluate(at: LPManagerStateTests.at(t))
            published += out
            return out
        }

        var status: MarketStatus.Symbol { m.status(at: at(0)).symbol("EURUSD")! }
    }

    @Test func failoverWhenThePrimaryGoesStaleAndFailbackAfterItIsFreshForFailbackAfter() throws {
        var h = Harness(Self.policy(.failover, stale: 1_000, failback: 3_000))
        #expect(h.quote("p", 108_500, 108_510, at: 0).published?.bidLP == "p")
        #expect(h.quote("s", 108_600, 108_610, at: 10).published == nil)          // not the source
        #expect(h.quote("p", 108_501, 108_511, at: 500).published?.bidTicks == 108_501)
        #expect(h.quote("s", 108_601, 108_611, at: 600).published == nil)
        #expect(h.quote("s", 108_602, 108_612, at: 1_400).published == nil)
        // p's last quote arrived at 500: fresh up to 1500 inclusive, stale from 1501.
        #expect(h.evaluate(at: 1_500).isEmpty)
        let failover = h.evaluate(at: 1_501)
        #expect(failover.count == 1 && failover.first?.bidLP == "s" && failover.first?.bidTicks == 108_602)   // s's last quote, at once
        #expect(h.status.source == "s" && h.status.failovers == 1)
        // p is back at 2000: quotes still come from s until p has been fresh for 3000 ms.
        #expect(h.quote("p", 108_520, 108_530, at: 2_000).published == nil)
        #expect(h.quote("s", 108_603, 108_613, at: 2_200).published?.bidLP == "s")
        for t in [2_800, 3_600, 4_400] as [Int64] {
            #expect(h.quote("p", 108_520, 108_530, at: t).published == nil)
            #expect(h.quote("s", 108_603, 108_613, at: t + 200).published?.bidLP == "s")
        }
        #expect(h.evaluate(at: 4_999).isEmpty)
        let failback = h.evaluate(at: 5_000)
        #expect(failback.count == 1 && failback.first?.bidLP == "p" && failback.first?.bidTicks == 108_520)
        #expect(h.status.source == "p" && h.status.failovers == 1 && h.status.failbacks == 1)
        #expect(h.quote("s", 108_603, 108_613, at: 5_100).published == nil)   // s is fresh, but p is the source again
        #expect(h.m.takeSwitches().map { "\($0.kind.rawValue) \($0.from)>\($0.to) @\($0.atNs / Self.ms)" }
            == ["initial >p @0", "failover p>s @1501", "failback s>p @5000"])
        let states = h.m.takeHealthChanges().filter { $0.lp == "p" }.map { "\($0.health)" }
        #expect(states == ["connected", "stale", "connected"])
    }

    @Test func aDownReportFailsOverAtOnceAndTheReconnectionStartsTheFailbackClock() {
        var h = Harness(Self.policy(.failover, stale: 1_000, failback: 3_000))
        h.quote("p", 108_500, 108_510, at: 0)
        h.quote("s", 108_600, 108_610, at: 10)
        let down = h.m.link(lp: "p", state: .down, at: Self.at(100))
        #expect(down.map(\.bidLP) == ["s"] && h.status.failovers == 1)
        #expect(h.m.status(at: Self.at(100)).lp("p")?.health == .down)
        // Reconnected at 200 (its quote of 0 is still fresh): eligible from 200, so failback at 3200.
        #expect(h.m.link(lp: "p", state: .connected, at: Self.at(200)).isEmpty)
        for t in [900, 1_700, 2_500, 3_100] as [Int64] {
            h.quote("p", 108_500, 108_510, at: t)
            h.quote("s", 108_600, 108_610, at: t + 1)
        }
        #expect(h.evaluate(at: 3_199).isEmpty)
        #expect(h.evaluate(at: 3_200).map(\.bidLP) == ["p"])
    }

    @Test func failoverWithNoEligibleLPKeepsTheLastQuoteAndTakesWhicheverComesBack() {
        var h = Harness(Self.policy(.failover, stale: 1_000, failback: 3_000))
        h.quote("p", 108_500, 108_510, at: 0)
        #expect(h.evaluate(at: 1_001).isEmpty && h.status.source == "" && h.status.bidTicks == 108_500)
        // s quotes first: it becomes the source (a failover from p); p coming back waits for failback.
        #expect(h.quote("s", 108_600, 108_610, at: 1_100).published?.bidLP == "s")
        #expect(h.status.failovers == 1)
        #expect(h.quote("p", 108_500, 108_510, at: 1_200).published == nil)
    }

    @Test func aggregateTakesTheBestBidAndTheBestAskOfTheFreshLPs() throws {
        var h = Harness(Self.policy(.aggregate, stale: 1_000))
        #expect(h.quote("p", 108_500, 108_510, at: 0).published.map { [$0.bidTicks, $0.askTicks] } == [108_500, 108_510])
        let both = try #require(h.quote("s", 108_505, 108_515, at: 10).published)
        #expect(both.bidTicks == 108_505 && both.bidLP == "s" && both.askTicks == 108_510 && both.askLP == "p")
        #expect(both.bidVolume == 100 && both.askVolume == 200)
        // A refresh from a contributing LP is published; a quote that changes nothing from another is not.
        #expect(h.quote("s", 108_505, 108_515, at: 20).published != nil)
        #expect(h.quote("p", 108_500, 108_510, at: 30).published != nil)             // p gives the ask
        #expect(h.quote("s", 108_504, 108_520, at: 40).published.map { [$0.bidTicks, $0.askTicks] } == [108_504, 108_510])
        // p's last quote (30) goes stale at 1031: the consolidated quote is s's alone.
        #expect(h.evaluate(at: 1_030).isEmpty)
        let alone = try #require(h.evaluate(at: 1_031).first)
        #expect(alone.bidTicks == 108_504 && alone.askTicks == 108_520 && alone.bidLP == "s" && alone.askLP == "s")
        // The same best price at two LPs: volumes add up, the bid is credited to the primary.
        h.quote("s", 108_504, 108_520, at: 1_040)
        let tie = try #require(h.quote("p", 108_504, 108_518, at: 1_050).published)
        #expect(tie.bidTicks == 108_504 && tie.bidVolume == 200 && tie.bidLP == "p" && tie.askTicks == 108_518)
    }

    @Test func lpsCrossingEachOtherPublishThePrimarysQuoteAndAreCounted() throws {
        var h = Harness(Self.policy(.aggregate, stale: 1_000, floorPPM: 50_000))
        h.quote("p", 108_500, 108_510, at: 0)
        // s's bid 108520 is above p's ask 108510: the consolidated quote stays p's own (nothing new to publish).
        #expect(h.quote("s", 108_520, 108_530, at: 10).published == nil)
        #expect(h.status.crossedAcrossLPs == 1 && h.status.bidTicks == 108_500 && h.status.askTicks == 108_510 && h.status.bidLP == "p")
        // p moves while they still cross: p's new quote, whole.
        let crossed = try #require(h.quote("p", 108_501, 108_511, at: 15).published)
        #expect(crossed.bidTicks == 108_501 && crossed.askTicks == 108_511 && crossed.bidLP == "p" && crossed.askLP == "p")
        #expect(h.status.crossedAcrossLPs == 2)
        #expect(h.quote("s", 108_505, 108_530, at: 20).published.map { [$0.bidTicks, $0.askTicks] } == [108_505, 108_511])
        #expect(h.status.crossedAcrossLPs == 2)
    }

    @Test func refusalsAreCountedPerLPAndReasonAndNeverPublished() {
        var h = Harness(Self.policy(.failover, stale: 1_000))
        #expect(h.quote("p", 108_500, 108_510, at: 0).refusal == nil)
        #expect(h.quote("p", 108_500, 108_510, at: 10, symbolID: 2).refusal == .unmapped)
        #expect(h.quote("p", 108_520, 108_510, at: 20).refusal == .crossed)
        #expect(h.quote("p", 0, 108_510, at: 30).refusal == .nonPositive)
        #expect(h.quote("p", 108_500, 108_510, at: 40, lpTimeNs: Self.epochNs + 40 * Self.ms - 10_000 * Self.ms).refusal == .stale)
        // 5 % up from 108505: a spike (threshold: the 500 ppm floor, the symbol being quiet).
        #expect(h.quote("p", 113_925, 113_935, at: 50).refusal == .spike)
        h.m.countBoundaryRefusals(lp: "p", reason: .crossed, count: 2)
        let c = h.m.status(at: Self.at(60)).lp("p")!.counters
        #expect(c.received == 8 && c.accepted == 1 && c.refusedTotal == 7)
        #expect(c.refusals.map { "\($0.reason.rawValue)=\($0.count)" } == ["crossed=3", "non_positive=1", "spike=1", "stale=1", "unmapped=1", "malformed=0"])
        #expect(h.published.count == 1 && h.status.bidTicks == 108_500 && h.status.volatilityPPM == 0)
        #expect(h.m.status(at: Self.at(60)).lp("s")!.counters.received == 0)
    }

    @Test func aJumpIsAcceptedWhenASecondLPQuotesTheNewLevelOrAfterKQuotes() {
        var h = Harness(Self.policy(.failover, stale: 1_000, confirmations: 3))
        h.quote("p", 108_500, 108_510, at: 0)
        h.quote("s", 109_500, 109_510, at: 10)     // s's own first quote: no reference yet
        // p jumps ~0.92 % to s's level: s confirms it.
        #expect(h.quote("p", 109_498, 109_508, at: 20).refusal == nil)
        // p jumps 5 % where nobody quotes: dropped twice, accepted the third time.
        #expect(h.quote("p", 114_975, 114_985, at: 30).refusal == .spike)
        #expect(h.quote("p", 114_976, 114_986, at: 40).refusal == .spike)
        #expect(h.quote("p", 114_977, 114_987, at: 50).refusal == nil)
        #expect(h.m.status(at: Self.at(50)).lp("p")!.counters.refused(.spike) == 2)
        #expect(h.status.bidTicks == 114_977)
    }

    @Test func theFirstQuoteAfterAStaleGapIsTheNewReference() {
        var h = Harness(Self.policy(.failover, stale: 1_000))
        h.quote("p", 108_500, 108_510, at: 0)
        #expect(h.quote("p", 113_925, 113_935, at: 1_001).refusal == nil)
    }

    @Test func volatilityIsTheEWMAOfEachLPsOwnMidMoves() throws {
        var h = Harness(Self.policy(.aggregate, stale: 1_000, floorPPM: 5_000))
        h.quote("p", 108_500, 108_510, at: 0)     // double mid 217010
        h.quote("s", 109_000, 109_010, at: 5)     // s's first quote: no move (the gap between LPs is no move)
        // p: 217010 → 217210: 200e9 / 217010 = 921,616 ppb; EWMA 921616 / 64 = 14,400 ppb = 14 ppm.
        let q = try #require(h.quote("p", 108_600, 108_610, at: 10).published)
        #expect(q.volatilityPPM == 14 && h.m.volatilityPPM(symbol: "EURUSD") == 14)
    }

    @Test func digitsAreConvertedBidDownAskUp() throws {
        var h = Harness(Self.policy(.failover))
        let q = try #require(h.quote("p", 1_085_004, 1_085_096, at: 0, digits: 6).published)
        #expect(q.bidTicks == 108_500 && q.askTicks == 108_510 && q.digits == 5 && q.engineIndex == 0 && q.symbol == "EURUSD")
    }

    @Test func lpStatesFollowReportsAndQuoteAges() {
        var h = Harness(Self.policy(.failover, stale: 1_000))
        _ = h.m.takeHealthChanges()
        // Connected at 0 without a quote: connected for the grace of stale_after_ms, then stale.
        _ = h.evaluate(at: 1_000)
        #expect(h.m.status(at: Self.at(1_000)).lp("p")?.health == .connected)
        _ = h.evaluate(at: 1_001)
        #expect(h.m.status(at: Self.at(1_001)).lp("p")?.health == .stale)
        h.quote("p", 108_500, 108_510, at: 1_100)
        #expect(h.m.status(at: Self.at(1_100)).lp("p")?.health == .connected)
        _ = h.m.link(lp: "p", state: .connecting, at: Self.at(1_200))
        #expect(h.m.status(at: Self.at(1_200)).lp("p")?.health == .connecting)
        _ = h.m.link(lp: "p", state: .disconnected, at: Self.at(1_300))
        #expect(h.m.status(at: Self.at(1_300)).lp("p")?.link == .disconnected)
        #expect(h.m.takeHealthChanges().filter { $0.lp == "p" }.map(\.health) == [.stale, .connected, .connecting, .disconnected])
    }

    @Test func anLPThatNeverReportsIsJudgedByItsQuotes() {
        var h = Harness(Self.policy(.failover, stale: 1_000), connect: false)
        #expect(h.m.status(at: Self.at(0)).lp("p")?.health == .disconnected && h.m.status(at: Self.at(0)).lp("p")?.link == nil)
        #expect(h.quote("p", 108_500, 108_510, at: 0).published != nil)
        #expect(h.m.status(at: Self.at(0)).lp("p")?.health == .connected)
        _ = h.evaluate(at: 1_001)
        #expect(h.m.status(at: Self.at(1_001)).lp("p")?.health == .stale)
    }

    @Test func reconfigurationKeepsStateAndRemovingTheSourceFailsOver() throws {
        var h = Harness(Self.policy(.failover, stale: 1_000))
        h.quote("p", 108_500, 108_510, at: 0)
        h.quote("s", 108_600, 108_610, at: 10)
        let out = h.m.configure(symbols: [Self.eurusd(Self.policy(.failover, stale: 1_000), lps: ["s"])], lps: ["s"], at: Self.at(20))
        #expect(out.map(\.bidLP) == ["s"])
        let status = h.m.status(at: Self.at(20))
        #expect(status.lps.map(\.id) == ["s"] && status.lp("s")?.counters.accepted == 1 && status.symbol("EURUSD")?.failovers == 1)
        #expect(h.m.takeHealthChanges().contains { $0.lp == "p" && $0.health == .disconnected })
        // Switching the symbol to aggregate keeps the quotes.
        let agg = h.m.configure(symbols: [Self.eurusd(Self.policy(.aggregate, stale: 1_000), lps: ["s"])], lps: ["s"], at: Self.at(30))
        #expect(agg.isEmpty && h.m.status(at: Self.at(30)).symbol("EURUSD")?.mode == .aggregate)
    }

    @Test func statusShowsEachLPsLastQuotePerSymbol() throws {
        var h = Harness(Self.policy(.aggregate, stale: 1_000))
        h.quote("p", 108_500, 108_510, at: 0)
        h.quote("s", 108_505, 108_515, at: 10)
        let s = h.m.status(at: Self.at(260))
        let feed = try #require(s.lp("s")?.feeds.first)
        #expect(feed.symbol == "EURUSD" && feed.venueSymbol == "EUR/USD" && feed.priority == 2 && feed.bidTicks == 108_505 && feed.ageMs == 250 && feed.eligible)
        #expect(s.symbol("EURUSD").map { [$0.bidTicks, $0.askTicks] } == [108_505, 108_510] && s.symbol("EURUSD")?.lps == ["p", "s"])
    }
}
