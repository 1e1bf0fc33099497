/// What a price trigger does when it fires.
enum TriggerTarget: Equatable {
    case pending(OrderID)
    case stopLoss(PositionID)
    case takeProfit(PositionID)
    /// A trailing stop's next move: fires when the price passes the stop by more than its distance.
    case trailing(PositionID)
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

struct TriggerEntry {
    /// The heap key: the price for "at or above" books, minus the price for "at or below".
    var key: Int64
    /// Breaks ties at one price (see `TradingCore.tieBreak`), so firing order is deterministic.
    var sequence: UInt64
    var target: TriggerTarget
    /// Valid while its owner's current trigger version for this target equals it.
    var version: UInt64
}

/// A binary min-heap of triggers by (key, sequence). Entries whose owner moved or went away
/// stay until they surface (lazy deletion); `stale` counts them so the heap is compacted when
/// more than half of it is dead. Thread: the core's.
struct TriggerHeap {
    private(set) var entries: [TriggerEntry] = []
    var stale = 0

    var isEmpty: Bool { entries.isEmpty }
    var peek: TriggerEntry? { entries.first }

    @inline(__always)
    private static func less(_ a: TriggerEntry, _ b: TriggerEntry) -> Bool {
        a.key < b.key || (a.key == b.key && a.sequence < b.sequence)
    }

    mutating func push(_ e: TriggerEntry) {
        entries.append(e)
        var i = entries.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.less(entries[i], entries[parent]) else { break }
            entries.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> TriggerEntry? {
        guard !entries.isEmpty else { return nil }
        let top = entries[0]
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            siftDown(0)
        }
        return top
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let n = entries.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < n, Self.less(entries[l], entries[m]) { m = l }
            if r < n, Self.less(entries[r], entries[m]) { m = r }
            if m == i { return }
            entries.swapAt(i, m)
            i = m
        }
    }

    /// True when dead entries are more than half the heap (and more than a few).
    var needsCompaction: Bool { stale > 64 && stale * 2 > entries.count }

    /// Drops dead entries.
    mutating func compact(isLive: (TriggerEntry) -> Bool) {
        let live = entries.filter(isLive)
        entries.removeAll(keepingCapacity: true)
        for e in live { push(e) }
        stale = 0
    }
}

/// The four trigger heaps of one (symbol, group).
struct TriggerBooks {
    var heaps: [TriggerHeap] = Array(repeating: TriggerHeap(), count: 4)
    var count: Int { heaps.reduce(0) { $0 + $1.entries.count } }
}
