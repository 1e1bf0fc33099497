import Metrics
import RTXMarketData
import RTXObservability

/// The LP manager's metrics (swift-metrics; exported with the others by `rtx metrics`):
/// - `rtx_lp_quotes_total{lp}`: every quote of the LP the engine saw (refused at the ABI
///   boundary or by the LP manager, or accepted);
/// - `rtx_lp_quotes_refused_total{lp,reason}`: reason crossed | non_positive | spike | stale |
///   unmapped | malformed (every reason is exported from the LP's first appearance, at 0);
/// - `rtx_lp_state{lp}`: 0 disconnected, 1 connecting, 2 connected, 3 stale, 4 down;
/// - `rtx_quote_failovers_total{symbol}`: switches of a failover symbol away from a source
///   that went stale, down or away.
///
/// Thread: the LP pump's only (the metric objects themselves are thread-safe).
final class LPMetrics {
    private var quotes: [String: Counter] = [:]
    private var refused: [String: [Counter]] = [:]
    private var states: [String: Gauge] = [:]
    private var failovers: [String: Counter] = [:]

    init() { EngineMetrics.bootstrap() }

    /// Makes the LP's series (so they appear before anything happened).
    func register(lp: String) {
        guard quotes[lp] == nil else { return }
        quotes[lp] = Counter(label: "rtx_lp_quotes_total", dimensions: [("lp", lp)])
        refused[lp] = QuoteRefusal.allCases.map { Counter(label: "rtx_lp_quotes_refused_total", dimensions: [("lp", lp), ("reason", $0.rawValue)]) }
        states[lp] = Gauge(label: "rtx_lp_state", dimensions: [("lp", lp)])
    }

    func accepted(lp: String, count: Int64 = 1) {
        register(lp: lp)
        quotes[lp]!.increment(by: count)
    }

    func refused(lp: String, reason: QuoteRefusal, count: Int64 = 1) {
        register(lp: lp)
        quotes[lp]!.increment(by: count)
        refused[lp]![QuoteRefusal.allCases.firstIndex(of: reason)!].increment(by: count)
    }

    func state(lp: String, _ health: LPHealth) {
        register(lp: lp)
        states[lp]!.record(health.rawValue)
    }

    func failover(symbol: String) {
        if failovers[symbol] == nil { failovers[symbol] = Counter(label: "rtx_quote_failovers_total", dimensions: [("symbol", symbol)]) }
        failovers[symbol]!.increment()
    }

    /// Makes the symbol's failover series (0 until the first failover).
    func register(symbol: String) {
        if failovers[symbol] == nil { failovers[symbol] = Counter(label: "rtx_quote_failovers_total", dimensions: [("symbol", symbol)]) }
    }
}
