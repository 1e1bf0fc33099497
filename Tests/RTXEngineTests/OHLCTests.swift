@testable import RTXEngine
import Testing

/// The OHLC bucketing and bar arithmetic the projector uses, against bars computed by hand.
@Suite struct OHLCTests {
    static let second: Int64 = 1_000_000_000
    /// 2026-11-27 00:00:00 UTC (day 20,784 since the epoch).
    static let day = 20_784 * 86_400 * second

    static func at(_ hours: Int64, _ minutes: Int64, _ seconds: Int64, plusNs: Int64 = 0, nextDay: Bool = false) -> Int64 {
        day + (nextDay ? 86_400 * second : 0) + (hours * 3_600 + minutes * 60 + seconds) * second + plusNs
    }

    /// Seven ticks from 23:58:30 to 00:05:00 the next day: two minute, one 5-minute, one hour
    /// and one day boundary, and ticks one nanosecond before a boundary.
    static let ticks: [(time: Int64, bid: Int64, ask: Int64)] = [
        (at(23, 58, 30), 100, 102),
        (at(23, 58, 59, plusNs: 999_999_999), 105, 107),
        (at(23, 59, 0), 98, 100),
        (at(23, 59, 30), 101, 103),
        (at(0, 0, 0, nextDay: true), 110, 111),
        (at(0, 4, 59, plusNs: 999_999_999, nextDay: true), 90, 95),
        (at(0, 5, 0, nextDay: true), 95, 96),
    ]

    static func accumulate(_ range: Range<Int>) -> OHLCAccumulator {
        var a = OHLCAccumulator()
        for i in range { a.add(symbol: 3, timeNs: ticks[i].time, bidTicks: ticks[i].bid, askTicks: ticks[i].ask, sequence: UInt64(i + 1)) }
        return a
    }

    static func bar(_ period: OHLCPeriod, _ start: Int64, bid: (Int64, Int64, Int64, Int64), ask: (Int64, Int64, Int64, Int64), ticks: Int64,
                    seqs: ClosedRange<UInt64>) -> OHLCBar {
        OHLCBar(symbol: 3, period: period, bucketStartNs: start, bid: OHLCPrices(open: bid.0, high: bid.1, low: bid.2, close: bid.3),
                ask: OHLCPrices(open: ask.0, high: ask.1, low: ask.2, close: ask.3), ticks: ticks, firstSequence: seqs.lowerBound, lastSequence: seqs.upperBound)
    }

    /// The bars by hand (bid and ask: open, high, low, close).
    static let expected: [OHLCBar] = [
        bar(.oneMinute, at(23, 58, 0), bid: (100, 105, 100, 105), ask: (102, 107, 102, 107), ticks: 2, seqs: 1 ... 2),
        bar(.oneMinute, at(23, 59, 0), bid: (98, 101, 98, 101), ask: (100, 103, 100, 103), ticks: 2, seqs: 3 ... 4),
        bar(.oneMinute, at(0, 0, 0, nextDay: true), bid: (110, 110, 110, 110), ask: (111, 111, 111, 111), ticks: 1, seqs: 5 ... 5),
        bar(.oneMinute, at(0, 4, 0, nextDay: true), bid: (90, 90, 90, 90), ask: (95, 95, 95, 95), ticks: 1, seqs: 6 ... 6),
        bar(.oneMinute, at(0, 5, 0, nextDay: true), bid: (95, 95, 95, 95), ask: (96, 96, 96, 96), ticks: 1, seqs: 7 ... 7),
        bar(.fiveMinutes, at(23, 55, 0), bid: (100, 105, 98, 101), ask: (102, 107, 100, 103), ticks: 4, seqs: 1 ... 4),
        bar(.fiveMinutes, at(0, 0, 0, nextDay: true), bid: (110, 110, 90, 90), ask: (111, 111, 95, 95), ticks: 2, seqs: 5 ... 6),
        bar(.fiveMinutes, at(0, 5, 0, nextDay: true), bid: (95, 95, 95, 95), ask: (96, 96, 96, 96), ticks: 1, seqs: 7 ... 7),
        bar(.oneHour, at(23, 0, 0), bid: (100, 105, 98, 101), ask: (102, 107, 100, 103), ticks: 4, seqs: 1 ... 4),
        bar(.oneHour, at(0, 0, 0, nextDay: true), bid: (110, 110, 90, 95), ask: (111, 111, 95, 96), ticks: 3, seqs: 5 ... 7),
        bar(.oneDay, day, bid: (100, 105, 98, 101), ask: (102, 107, 100, 103), ticks: 4, seqs: 1 ... 4),
        bar(.oneDay, at(0, 0, 0, nextDay: true), bid: (110, 110, 90, 95), ask: (111, 111, 95, 96), ticks: 3, seqs: 5 ... 7),
    ]

    static func sorted(_ bars: [OHLCBar]) -> [OHLCBar] {
        bars.sorted { ($0.period, $0.bucketStartNs) < ($1.period, $1.bucketStartNs) }
    }

    @Test func bucketsStartAtTheFloorOfTheirPeriodInUTC() {
        #expect(OHLCPeriod.oneMinute.bucketStart(Self.at(23, 58, 59, plusNs: 999_999_999)) == Self.at(23, 58, 0))
        #expect(OHLCPeriod.oneMinute.bucketStart(Self.at(23, 59, 0)) == Self.at(23, 59, 0))
        #expect(OHLCPeriod.fiveMinutes.bucketStart(Self.at(23, 59, 30)) == Self.at(23, 55, 0))
        #expect(OHLCPeriod.fiveMinutes.bucketStart(Self.at(0, 4, 59, plusNs: 999_999_999, nextDay: true)) == Self.at(0, 0, 0, nextDay: true))
        #expect(OHLCPeriod.oneHour.bucketStart(Self.at(23, 59, 59)) == Self.at(23, 0, 0))
        #expect(OHLCPeriod.oneDay.bucketStart(Self.at(23, 59, 59, plusNs: 999_999_999)) == Self.day)
        #expect(OHLCPeriod.oneDay.bucketStart(Self.at(0, 0, 0, nextDay: true)) == Self.day + 86_400 * Self.second)
        // Before the epoch the floor goes down, not toward zero.
        #expect(OHLCPeriod.oneMinute.bucketStart(-1) == -60 * Self.second)
        #expect(OHLCPeriod.oneMinute.bucketStart(-60 * Self.second) == -60 * Self.second)
        #expect(OHLCPeriod.allCases.map(\.name) == ["1m", "5m", "1h", "1d"])
    }

    @Test func barsOfTicksAcrossMinuteFiveMinuteHourAndDayBoundariesAreTheHandComputedOnes() {
        let bars = Self.accumulate(0 ..< Self.ticks.count).bars
        #expect(bars.count == Self.expected.count)
        #expect(Self.sorted(bars) == Self.expected)
    }

    /// The upsert merges a stored bar with a later batch's bar: any split of the ticks into
    /// two batches gives the bars of all ticks at once.
    @Test func mergingTheBarsOfTwoBatchesEqualsTheBarsOfAllTicks() {
        for split in 0 ... Self.ticks.count {
            let first = Self.accumulate(0 ..< split).bars, second = Self.accumulate(split ..< Self.ticks.count).bars
            var merged: [OHLCBar] = first
            for later in second {
                if let i = merged.firstIndex(where: { $0.period == later.period && $0.bucketStartNs == later.bucketStartNs }) {
                    merged[i] = merged[i].merged(with: later)
                } else {
                    merged.append(later)
                }
            }
            #expect(Self.sorted(merged) == Self.expected, "split at \(split)")
        }
    }

    @Test func tickPartitionsAreUTCDaysNamedByDate() {
        #expect(TickPartitions.dateText(day: 0) == "1970-01-01")
        #expect(TickPartitions.dateText(day: 19_723) == "2024-01-01")
        #expect(TickPartitions.dateText(day: 19_782) == "2024-02-29")
        #expect(TickPartitions.dateText(day: 20_784) == "2026-11-27")
        #expect(TickPartitions.dateText(day: -1) == "1969-12-31")
        #expect(TickPartitions.day(ofNs: Self.at(23, 59, 59, plusNs: 999_999_999)) == 20_784)
        #expect(TickPartitions.day(ofNs: Self.at(0, 0, 0, nextDay: true)) == 20_785)
        #expect(TickPartitions.day(ofNs: -1) == -1)
        #expect(TickPartitions.tableName(day: 20_784) == "rtx_ticks_20261127")
        #expect(TickPartitions.createStatement(day: 20_784)
            == "CREATE TABLE IF NOT EXISTS rtx_ticks_20261127 PARTITION OF rtx_ticks FOR VALUES FROM ('2026-11-27 00:00:00+00') TO ('2026-11-28 00:00:00+00')")
    }
}
