/// Percentiles of a set of latencies (ns), nearest rank below (index ⌊(n−1)·p/100⌋ of the
/// sorted values, as the engine's `LatencyRecorder` does). Empty sets give nil percentiles.
struct LatencyFigures {
    let sortedNs: [Int64]

    init(_ samplesNs: [Int64]) { sortedNs = samplesNs.sorted() }

    var count: Int { sortedNs.count }

    func percentileNs(_ p: Double) -> Int64? {
        guard !sortedNs.isEmpty else { return nil }
        return sortedNs[min(sortedNs.count - 1, Int(Double(sortedNs.count - 1) * p / 100))]
    }

    /// "p50 X  p99 Y  p99.9 Z µs".
    var summary: String { Self.summary(p50: percentileNs(50), p99: percentileNs(99), p999: percentileNs(99.9)) }

    static func summary(p50: Int64?, p99: Int64?, p999: Int64?) -> String {
        func us(_ ns: Int64?) -> String { ns.map { String(($0 + 500) / 1_000) } ?? "-" }
        return "p50 \(us(p50))  p99 \(us(p99))  p99.9 \(us(p999)) µs"
    }
}
