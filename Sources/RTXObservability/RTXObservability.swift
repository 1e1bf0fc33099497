/// Metrics (swift-metrics, exported in the Prometheus text format) and structured logs
/// (swift-log) for the engine.
public enum RTXObservability {}
