import Metrics
import RTXObservability
import RTXPluginHost

/// Plugin call counts and faults, read from the plugin host's per-instance counters when the
/// metrics are exported: `rtx_plugin_calls_total` and `rtx_plugin_faults_total` (fault:
/// error, out_of_range, overrun, quarantined_skip) per plugin id and kind, the gauge
/// `rtx_plugin_quarantined`, and for LP adapters `rtx_lp_adapter_quotes_total` (outcome:
/// accepted, dropped_full, refused) and `rtx_lp_adapter_reports_total`. A swapped instance
/// starts its own counters; `CounterDelta` keeps the exported totals growing.
///
/// Thread: `refresh` from one caller at a time (the engine's metrics export holds a lock).
final class PluginMetrics {
    private let deltas = CounterDelta()
    private var counters: [String: Counter] = [:]
    private var gauges: [String: Gauge] = [:]

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        if let c = counters[key] { return c }
        let c = Counter(label: label, dimensions: dimensions)
        counters[key] = c
        return c
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)]) -> Gauge {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        if let g = gauges[key] { return g }
        let g = Gauge(label: label, dimensions: dimensions)
        gauges[key] = g
        return g
    }

    func refresh(host: PluginHost) {
        for entry in host.manifest.plugins {
            let plugin = [("plugin", entry.id), ("kind", entry.kind.rawValue)]
            let guarded: (instance: String, stats: PluginCallStats)? = switch entry.kind {
            case .routingPolicy: host.managedRoutingPolicy(id: entry.id).map { ($0.callGuard.instanceID, $0.callGuard.stats) }
            case .feeModel: host.managedFeeModel(id: entry.id).map { ($0.callGuard.instanceID, $0.callGuard.stats) }
            case .lpAdapter: nil
            }
            if let (instance, stats) = guarded {
                deltas.update(counter("rtx_plugin_calls_total", plugin), source: instance + "/calls", total: stats.calls)
                for (fault, total) in [("error", stats.errors), ("out_of_range", stats.outOfRange), ("overrun", stats.overruns),
                                       ("quarantined_skip", stats.skippedWhileQuarantined)] {
                    deltas.update(counter("rtx_plugin_faults_total", plugin + [("fault", fault)]), source: instance + "/" + fault, total: total)
                }
                gauge("rtx_plugin_quarantined", plugin).record(stats.quarantined ? 1 : 0)
            }
            if entry.kind == .lpAdapter, let adapter = host.lpAdapter(id: entry.id) {
                let feed = adapter.feedCounters
                let lp = [("lp", entry.id)]
                let source = "\(ObjectIdentifier(adapter).hashValue)"
                for (outcome, total) in [("accepted", feed.quotesAccepted), ("dropped_full", feed.quotesDroppedFull), ("refused", feed.quotesRefused)] {
                    deltas.update(counter("rtx_lp_adapter_quotes_total", lp + [("outcome", outcome)]), source: source + "/q/" + outcome, total: total)
                }
                for (outcome, total) in [("accepted", feed.reportsAccepted), ("refused", feed.reportsRefused), ("queue_full", feed.reportsQueueFull)] {
                    deltas.update(counter("rtx_lp_adapter_reports_total", lp + [("outcome", outcome)]), source: source + "/r/" + outcome, total: total)
                }
            }
        }
    }
}
