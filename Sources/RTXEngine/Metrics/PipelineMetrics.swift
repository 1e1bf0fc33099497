import Metrics
import RTXObservability

/// The pipeline's metrics (swift-metrics, exported by `EngineMetrics` as Prometheus text):
/// latencies of quote-in → core, command → journal (durable) → answer, journal appends and
/// their batch sizes, inputs journaled and applied, refusals by reason, queue depths and the
/// journal's pause state. One set per process (`shared`), made after the metrics system is
/// bootstrapped. Thread: any (swift-metrics handlers are thread-safe).
final class PipelineMetrics: Sendable {
    static let shared: PipelineMetrics = {
        EngineMetrics.bootstrap()
        return PipelineMetrics()
    }()

    /// LP adapter emitted a quote → the core applied it (the quote pump stamps the LP thread's time).
    let quoteToCore = Timer(label: "rtx_quote_to_core_seconds")
    /// A client command submitted → its input durable in the journal.
    let commandJournaled = Timer(label: "rtx_command_journaled_seconds")
    /// A client command submitted → its answer (applied by the core after it was durable).
    let commandAnswered = Timer(label: "rtx_command_ack_seconds")
    /// One journal append (a group commit), start to commit.
    let journalAppend = Timer(label: "rtx_journal_append_seconds")
    /// Inputs per journal append.
    let journalBatchInputs = Recorder(label: "rtx_journal_batch_inputs", aggregate: true)
    let journaledInputs = Counter(label: "rtx_journaled_inputs_total")
    let appliedInputs = Counter(label: "rtx_applied_inputs_total")
    /// 1 while the journal cannot be written (orders refused), else 0.
    let journalPaused = Gauge(label: "rtx_journal_paused")
    let queueClient = Gauge(label: "rtx_queue_depth", dimensions: [("queue", "client")])
    let queueSystem = Gauge(label: "rtx_queue_depth", dimensions: [("queue", "system")])
    let queueQuotes = Gauge(label: "rtx_queue_depth", dimensions: [("queue", "quotes")])
    let queueHandoff = Gauge(label: "rtx_queue_depth", dimensions: [("queue", "handoff")])
    private let refusals: [String: Counter]

    private init() {
        var r: [String: Counter] = [:]
        for code in ["queue_full", "journal_unavailable", "not_running", "timed_out", "invalid_request", "routing_refused"] {
            r[code] = Counter(label: "rtx_commands_refused_total", dimensions: [("reason", code)])
        }
        refusals = r
    }

    /// Counts a refused command by its code.
    func refused(_ refusal: EngineRefusal) { refusals[refusal.code]?.increment() }
}
