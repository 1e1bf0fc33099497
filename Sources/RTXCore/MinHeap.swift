/// A 4-ary min-heap (half the depth of a binary heap, children adjacent in memory; sifts
/// move a hole instead of swapping). The element order must be total for pops to be
/// deterministic. Thread: the core's.
struct MinHeap<Element: Comparable> {
    private(set) var entries: [Element] = []

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }
    var peek: Element? { entries.first }

    mutating func push(_ e: Element) {
        entries.append(e)
        entries.withUnsafeMutableBufferPointer { b in
            var i = b.count - 1
            while i > 0 {
                let parent = (i - 1) >> 2
                guard e < b[parent] else { break }
                b[i] = b[parent]
                i = parent
            }
            b[i] = e
        }
    }

    mutating func pop() -> Element? {
        guard !entries.isEmpty else { return nil }
        let top = entries[0]
        let last = entries.removeLast()
        guard !entries.isEmpty else { return top }
        entries.withUnsafeMutableBufferPointer { b in
            let n = b.count
            var i = 0
            while true {
                let first = 4 * i + 1
                guard first < n else { break }
                var m = first
                let end = min(first + 4, n)
                var c = first + 1
                while c < end {
                    if b[c] < b[m] { m = c }
                    c += 1
                }
                guard b[m] < last else { break }
                b[i] = b[m]
                i = m
            }
            b[i] = last
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
