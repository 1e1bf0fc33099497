import CoreMetrics
import Metrics
import Prometheus
import Synchronization

/// The process's metrics: swift-metrics bootstrapped once onto a Prometheus registry, and
/// that registry's text (the Prometheus exposition format) for `rtx metrics` now and the
/// HTTP `/metrics` endpoint later.
///
/// Metrics created before `bootstrap()` go nowhere (swift-metrics binds a metric to the
/// factory that exists when it is made), so the engine calls `bootstrap()` before it makes
/// any. Thread: any; `bootstrap` is idempotent.
public enum EngineMetrics {
    /// The registry every engine metric lives in.
    public static let registry = PrometheusCollectorRegistry()
    private static let bootstrapped = Atomic<Bool>(false)

    /// Latency histogram buckets, from 10 µs to 5 s (the pipeline's latencies are µs to ms).
    public static let durationBuckets: [Duration] = [
        .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
        .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5),
    ]

    /// Points swift-metrics at the Prometheus registry (first call only; later calls do nothing).
    public static func bootstrap() {
        guard !bootstrapped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = durationBuckets
        MetricsSystem.bootstrap(factory)
    }

    /// Whether `bootstrap()` ran in this process.
    public static var isBootstrapped: Bool { bootstrapped.load(ordering: .acquiring) }

    /// Every metric, in the Prometheus text format (version 0.0.4).
    public static func prometheusText() -> String { registry.emitToString() }
}
