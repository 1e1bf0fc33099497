import Metrics
import RTXObservability

/// The read-model projector's metrics (swift-metrics, exported by `EngineMetrics` with the
/// engine's others): `rtx_read_models_checkpoint` (the journal sequence the read models hold),
/// `rtx_read_models_lag_inputs` (journaled inputs the core applied that they do not hold yet),
/// `rtx_read_models_records_total` and `rtx_read_models_batches_total` (projected), the
/// histogram `rtx_read_models_batch_seconds` (one transaction, read to commit) and
/// `rtx_read_models_staleness_seconds` (the age of a batch's newest record when it commits),
/// and the gauge `rtx_read_models_failing` (1 while the projector retries after a failure).
/// Thread: the projector's (swift-metrics handlers are thread-safe).
final class ReadModelMetrics: Sendable {
    static let shared: ReadModelMetrics = {
        EngineMetrics.bootstrap()
        return ReadModelMetrics()
    }()

    let checkpoint = Gauge(label: "rtx_read_models_checkpoint")
    let lag = Gauge(label: "rtx_read_models_lag_inputs")
    let records = Counter(label: "rtx_read_models_records_total")
    let batches = Counter(label: "rtx_read_models_batches_total")
    let batchDuration = Timer(label: "rtx_read_models_batch_seconds")
    let staleness = Timer(label: "rtx_read_models_staleness_seconds")
    let failing = Gauge(label: "rtx_read_models_failing")
}
