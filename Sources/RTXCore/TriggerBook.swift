/// What a price trigger does when it fires.
enum TriggerTarget: Equatable {
    case pending(OrderID)
    case stopLoss(PositionID)
    case takeProfit(PositionID)
    /// A trailing stop's next move: fires when the price passes the stop by more than its distance.
    case trailing(PositionID)
    /// An account's margin level may have crossed its next level (see `Risk`).
    case risk(Int32)
}

/// Which price and direction fire a trigger.
enum TriggerSide: Int, CaseIterable {
    /// Fires when the ask rises to or above the price (buy stop, short stop loss).
    case askAtOrAbove = 0
    /// Fires when the ask falls to or below the price (buy limit, short take profit, short trailing).
    case askAtOrBelow = 1
    /// Fires when the bid rises to or above the price (sell limit, long take profit, long trailing).
    case bidAtOrAbove = 2
    /// Fires when the bid falls to or below the price (sell stop, long stop loss).
    case bidAtOrBelow = 3
}

struct TriggerEntry: Comparable {
    /// The heap key: the price for "at or above" books, minus the price for "at or below".
    var key: Int64
    /// Breaks ties at one price (see `TradingCore.tieBreak`), so firing order is deterministic.
    var sequence: UInt64
    var target: TriggerTarget
    /// Valid while its owner's current trigger version for this target equals it.
    var version: UInt64

    static func < (a: Self, b: Self) -> Bool { a.key < b.key || (a.key == b.key && a.sequence < b.sequence) }
    static func == (a: Self, b: Self) -> Bool { a.key == b.key && a.sequence == b.sequence && a.target == b.target && a.version == b.version }
}

/// Triggers by (key, sequence). Entries whose owner moved or went away stay until they
/// surface (lazy deletion); `stale` counts them so the heap is compacted when more than half
/// of it is dead.
struct TriggerHeap {
    private(set) var heap = MinHeap<TriggerEntry>()
    var stale = 0

    var entries: [TriggerEntry] { heap.entries }
    var peek: TriggerEntry? { heap.peek }
    mutating func push(_ e: TriggerEntry) { heap.push(e) }
    mutating func pop() -> TriggerEntry? { heap.pop() }

    /// True when dead entries are more than half the heap (and more than a few).
    var needsCompaction: Bool { stale > 64 && stale * 2 > heap.count }

    /// Drops dead entries.
    mutating func compact(isLive: (TriggerEntry) -> Bool) {
        heap.filter(isLive)
        stale = 0
    }
}

/// The four trigger heaps of one (symbol, group).
struct TriggerBooks {
    var heaps: [TriggerHeap] = Array(repeating: TriggerHeap(), count: 4)
    var count: Int { heaps.reduce(0) { $0 + $1.entries.count } }
}
