import Metrics

/// Feeds a monotonically growing count read from elsewhere (a plugin instance's call
/// counter, an LP feed's quote counter) into a swift-metrics `Counter`, adding only what
/// grew since the last reading. A source that restarts from zero (a swapped plugin
/// instance: a new source key) starts a new baseline, so the counter never goes back.
///
/// Thread: one caller at a time (the metrics refresh).
public final class CounterDelta {
    private var seen: [String: UInt64] = [:]

    public init() {}

    /// Adds `total - previous total of source` to `counter` (nothing when it shrank).
    public func update(_ counter: Counter, source: String, total: UInt64) {
        let previous = seen[source] ?? 0
        if total > previous { counter.increment(by: Int64(clamping: total - previous)) }
        seen[source] = total
    }
}
