/// A binary min-heap. Thread: the core's.
struct MinHeap<Element: Comparable> {
    private(set) var entries: [Element] = []

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }
    var peek: Element? { entries.first }

    mutating func push(_ e: Element) {
        entries.append(e)
        var i = entries.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard entries[i] < entries[parent] else { break }
            entries.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Element? {
        guard !entries.isEmpty else { return nil }
        let top = entries[0]
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var i = 0
            let n = entries.count
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < n, entries[l] < entries[m] { m = l }
                if r < n, entries[r] < entries[m] { m = r }
                if m == i { break }
                entries.swapAt(i, m)
                i = m
            }
        }
        return top
    }

    /// Keeps only the entries `keep` accepts.
    mutating func filter(_ keep: (Element) -> Bool) {
        let kept = entries.filter(keep)
        entries.removeAll(keepingCapacity: true)
        for e in kept { push(e) }
    }
}

/// A (time, id) pair ordered by time, then id: GTD expiries and LP deadlines.
struct TimedID: Comparable {
    var time: Int64
    var id: UInt64
    static func < (a: Self, b: Self) -> Bool { (a.time, a.id) < (b.time, b.id) }
}
