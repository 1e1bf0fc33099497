import Foundation
import Testing

/// `rtx run`'s metrics (Prometheus text through the control socket, as `rtx metrics` prints
/// them) and its structured logs.
@Suite(.serialized) struct MetricsTests {
    /// The value of a sample line `name{labels} value` (the first whose name and labels start so).
    static func sample(_ text: String, _ prefix: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { return value }
        }
        return nil
    }

    @Test func theMetricsCarryLatenciesQueuesLPsAndPluginCallsAndTheLogsAreStructured() throws {
        let engine = try EngineProcess(name: "metrics", pluginsYAML: RunEndToEndTests.plugins(retailFees: "flat"), libraries: RunEndToEndTests.libraries,
                                       accounts: RunEndToEndTests.accounts, groups: RunEndToEndTests.groups)
        defer { engine.cleanUp() }
        try engine.start()
        let placed = try engine.request(["op": "order", "account": 2, "symbol": "EURUSD", "side": "buy", "volume": "0.10"]) {
            ($0["error"] as? [String: Any])?["code"] as? String != "no_quote"
        }
        #expect(placed["ok"] as? Bool == true, "\(placed)")
        let refused = try engine.request(["op": "order", "account": 2, "symbol": "EURUSD", "side": "buy", "volume": "0.10", "client_id": String(repeating: "x", count: 40)])
        #expect(refused["ok"] as? Bool == false)

        let answer = try engine.cli(["metrics"])
        let text = try #require(answer["text"] as? String, "\(answer)")
        for name in ["rtx_quote_to_core_seconds_bucket", "rtx_command_journaled_seconds_bucket", "rtx_command_ack_seconds_bucket",
                     "rtx_journal_append_seconds_bucket", "rtx_journal_batch_inputs_count", "rtx_journaled_inputs_total",
                     "rtx_applied_inputs_total", "rtx_journal_paused", "rtx_queue_depth{queue=\"client\"}", "rtx_queue_depth{queue=\"system\"}",
                     "rtx_queue_depth{queue=\"quotes\"}", "rtx_queue_depth{queue=\"handoff\"}", "rtx_commands_refused_total{reason=\"queue_full\"}",
                     "rtx_plugin_calls_total{plugin=\"group-routing\",kind=\"routing-policy\"}",
                     "rtx_plugin_faults_total{plugin=\"group-routing\",kind=\"routing-policy\",fault=\"error\"}",
                     "rtx_plugin_quarantined{plugin=\"flat\",kind=\"fee-model\"}",
                     "rtx_lp_adapter_quotes_total{lp=\"synthetic\",outcome=\"accepted\"}",
                     "rtx_lp_state{lp=\"synthetic\"}", "rtx_lp_quotes_total{lp=\"synthetic\"}", "rtx_lp_quotes_refused_total{lp=\"synthetic\"",
                     "rtx_quote_failovers_total", "rtx_redis_degraded", "rtx_redis_writes_total", "rtx_read_models_checkpoint",
                     "rtx_read_models_lag_inputs"] {
            #expect(text.contains(name), "no \(name) in the metrics")
        }
        #expect((Self.sample(text, "rtx_command_ack_seconds_count") ?? 0) >= 1)
        #expect((Self.sample(text, "rtx_quote_to_core_seconds_count") ?? 0) >= 1)
        #expect((Self.sample(text, "rtx_plugin_calls_total{plugin=\"group-routing\"") ?? 0) >= 1)
        #expect((Self.sample(text, "rtx_lp_adapter_quotes_total{lp=\"synthetic\",outcome=\"accepted\"}") ?? 0) >= 1)
        #expect(Self.sample(text, "rtx_journal_paused") == 0)

        // `rtx metrics --output FILE` writes the same format atomically.
        let file = engine.folder + "/metrics.prom"
        _ = try? engine.cli(["metrics", "--output", file])
        let written = try String(contentsOfFile: file, encoding: .utf8)
        #expect(written.contains("# TYPE rtx_command_ack_seconds histogram"))

        // Logs: `time level label message key=value`, plugin records with their plugin id.
        let log = engine.terminate()
        let lines = log.split(separator: "\n")
        #expect(lines.contains { $0.contains(" info rtx.engine recovered ") }, "\(log)")
        #expect(lines.contains { $0.contains(" rtx.plugin ") && $0.contains("plugin=synthetic") }, "\(log)")
    }
}
