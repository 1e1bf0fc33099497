/// A min-heap of (time, id) pairs: GTD expiries and LP deadlines. Entries whose order has
/// gone or changed are skipped by the caller when they surface. Thread: the core's.
struct ExpiryHeap {
    private(set) var entries: [(time: Int64, id: UInt64)] = []

    var peek: (time: Int64, id: UInt64)? { entries.first }

    @inline(__always)
    private static func less(_ a: (time: Int64, id: UInt64), _ b: (time: Int64, id: UInt64)) -> Bool {
        a.time < b.time || (a.time == b.time && a.id < b.id)
    }

    mutating func push(time: Int64, id: UInt64) {
        entries.append((time, id))
        var i = entries.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.less(entries[i], entries[parent]) else { break }
            entries.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (time: Int64, id: UInt64)? {
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
                if l < n, Self.less(entries[l], entries[m]) { m = l }
                if r < n, Self.less(entries[r], entries[m]) { m = r }
                if m == i { break }
                entries.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}
