/// OHLC bars from ticks (pure; no I/O): the bucketing and the bar arithmetic the projector
/// uses, so the SQL upsert only merges what this computed.
///
/// A bar covers [bucketStart, bucketStart + period) in UTC, counted from the Unix epoch
/// (1d bars run 00:00 to 24:00 UTC). Bars are kept for the bid and for the ask separately
/// (a mid would need a rounding rule; both sides are exact ticks). Ticks must arrive in time
/// order (the journal's order: the sequencer's time never goes backwards), so the open is the
/// first tick and the close the last.
public enum OHLCPeriod: Int, Sendable, CaseIterable, Comparable {
    case oneMinute = 0, fiveMinutes, oneHour, oneDay

    public var nanoseconds: Int64 {
        switch self {
        case .oneMinute: 60_000_000_000
        case .fiveMinutes: 300_000_000_000
        case .oneHour: 3_600_000_000_000
        case .oneDay: 86_400_000_000_000
        }
    }

    /// As stored in `rtx_ohlc.period`.
    public var name: String {
        switch self {
        case .oneMinute: "1m"
        case .fiveMinutes: "5m"
        case .oneHour: "1h"
        case .oneDay: "1d"
        }
    }

    /// The start of the bucket holding `timeNs` (floor, also for times before the epoch).
    public func bucketStart(_ timeNs: Int64) -> Int64 {
        let p = nanoseconds
        let q = timeNs / p
        return (timeNs % p < 0 ? q - 1 : q) * p
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// One side's open, high, low and close, ticks.
public struct OHLCPrices: Sendable, Equatable {
    public var open: Int64
    public var high: Int64
    public var low: Int64
    public var close: Int64

    public init(open: Int64, high: Int64, low: Int64, close: Int64) {
        self.open = open
        self.high = high
        self.low = low
        self.close = close
    }

    public init(first price: Int64) { self.init(open: price, high: price, low: price, close: price) }

    public mutating func add(_ price: Int64) {
        high = max(high, price)
        low = min(low, price)
        close = price
    }

    /// `later` covers ticks after all of `self`'s.
    public func merged(with later: OHLCPrices) -> OHLCPrices {
        OHLCPrices(open: open, high: max(high, later.high), low: min(low, later.low), close: later.close)
    }
}

/// A bar of one symbol, period and bucket.
public struct OHLCBar: Sendable, Equatable {
    public var symbol: Int32
    public var period: OHLCPeriod
    public var bucketStartNs: Int64
    public var bid: OHLCPrices
    public var ask: OHLCPrices
    public var ticks: Int64
    /// Journal sequences of the first and last tick in the bar.
    public var firstSequence: UInt64
    public var lastSequence: UInt64

    public init(symbol: Int32, period: OHLCPeriod, bucketStartNs: Int64, bid: OHLCPrices, ask: OHLCPrices, ticks: Int64,
                firstSequence: UInt64, lastSequence: UInt64) {
        self.symbol = symbol
        self.period = period
        self.bucketStartNs = bucketStartNs
        self.bid = bid
        self.ask = ask
        self.ticks = ticks
        self.firstSequence = firstSequence
        self.lastSequence = lastSequence
    }

    /// The bar of `self`'s ticks followed by `later`'s (same symbol, period and bucket): what
    /// the upsert in `rtx_ohlc` does with an existing row and a batch's bar.
    public func merged(with later: OHLCBar) -> OHLCBar {
        OHLCBar(symbol: symbol, period: period, bucketStartNs: bucketStartNs, bid: bid.merged(with: later.bid), ask: ask.merged(with: later.ask),
                ticks: ticks + later.ticks, firstSequence: firstSequence, lastSequence: later.lastSequence)
    }
}

/// Folds ticks into bars of every period, in order of first appearance. Thread: one owner.
public struct OHLCAccumulator: Sendable {
    public private(set) var bars: [OHLCBar] = []
    private var index: [Key: Int] = [:]

    private struct Key: Hashable {
        var symbol: Int32
        var period: OHLCPeriod
        var bucket: Int64
    }

    public init() {}

    /// Adds one tick (in time order) to its bar in each period.
    public mutating func add(symbol: Int32, timeNs: Int64, bidTicks: Int64, askTicks: Int64, sequence: UInt64) {
        for period in OHLCPeriod.allCases {
            let key = Key(symbol: symbol, period: period, bucket: period.bucketStart(timeNs))
            if let i = index[key] {
                bars[i].bid.add(bidTicks)
                bars[i].ask.add(askTicks)
                bars[i].ticks += 1
                bars[i].lastSequence = sequence
            } else {
                index[key] = bars.count
                bars.append(OHLCBar(symbol: symbol, period: period, bucketStartNs: key.bucket, bid: OHLCPrices(first: bidTicks),
                                    ask: OHLCPrices(first: askTicks), ticks: 1, firstSequence: sequence, lastSequence: sequence))
            }
        }
    }

    public var isEmpty: Bool { bars.isEmpty }
}
