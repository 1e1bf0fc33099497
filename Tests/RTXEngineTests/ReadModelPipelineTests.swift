import Foundation
import RTXCore
import RTXEngine
import RTXStore
import Synchronization
import Testing

/// The engine's projector fed through the pipeline (issue 9): orders placed through the
/// sequencer appear in the read models with their decision records, the engine's status
/// shows the projector's checkpoint and lag, and a projector stopped mid-way (engine stop, or
/// `rtx run` killed with SIGKILL) writes nothing twice and misses nothing after a restart.
/// Quotes here take their time from the sequencer's wall clock (real time: the bars of a
/// run cross a minute boundary only by chance); bars across minute, hour and day
/// boundaries are shown by `ReadModelTests` with explicit journal times.
@Suite(.serialized) struct ReadModelPipelineTests {
    static let usd = Currency("USD")!

    /// Waits until the read models hold the journal up to `sequence` (checkpoint in PostgreSQL).
    static func waitForProjector(url: String, sequence: UInt64, timeoutSeconds: Double = 60) throws -> Bool {
        let db = try PostgresConnection(url: url)
        defer { db.close() }
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while Date() < deadline {
            if let at = try? ReadModelChecks.int(db, "SELECT seq FROM rtx_projector WHERE name = 'read_models'"), at >= Int64(sequence) { return true }
            usleep(50_000)
        }
        return false
    }

    /// In process: an engine built from an rtx.yaml (`read_model_batch: 64`), quotes through
    /// `submitSystem`, orders through `submit`; the status shows the projector catching up;
    /// the engine is stopped while the projector is behind and a new engine on the same
    /// database continues: the tables equal a replay of the journal.
    @Test func ordersThroughThePipelineAppearInTheReadModelsAndAnEngineRestartWritesNothingTwice() throws {
        let folder = try engineTestFolder("read-models-pipeline")
        let postgres = try PrivatePostgres.start(folder: folder + "/postgres", log: { _ in })
        defer {
            try? postgres.stop()
            try? FileManager.default.removeItem(atPath: folder)
        }
        let text = EngineProcess.config(data: folder + "/data", socket: folder + "/rtx.sock", timeTickMs: 1_000,
                                        groups: PipelineIntegrationTests.retailGroup, accounts: PipelineIntegrationTests.retailAccount)
            + "\ndatabase:\n  read_model_batch: 64\n"
        try "version: 1\nplugins: []\n".write(toFile: folder + "/plugins.yaml", atomically: true, encoding: .utf8)
        try text.write(toFile: folder + "/rtx.yaml", atomically: true, encoding: .utf8)
        let config = try EngineConfigDecoder.load(path: folder + "/rtx.yaml")
        #expect(config.database.readModelBatch == 64 && config.database.readModels)
        let parameters = EngineParameters(config: config)
        #expect(parameters.readModels.batchMax == 64)

        func runEngine(orders: Int, waitForProjector: Bool) throws {
            let engine = Engine(parameters: parameters, journal: try PostgresJournal(url: postgres.url), snapshots: try PostgresJournal(url: postgres.url),
                                host: nil, log: { _ in })
            try engine.start()
            defer { engine.stop() }
            var replies: [Reply] = []
            var opened: [PositionID] = []
            for i in 0 ..< orders {
                let bid = Int64(108_500 + (i * 7) % 23)
                _ = engine.submitSystem(.quote(symbol: Int32(i % 2), bidTicks: bid + (i % 2 == 1 ? 18_000 : 0), askTicks: bid + 9 + (i % 2 == 1 ? 18_000 : 0)))
                let order = MarketOrderRequest(account: 7, clientOrderID: ClientOrderID("p\(engine.status().lastSequence)-\(i)")!, symbol: Int32(i % 2),
                                               side: i % 3 == 0 ? .sell : .buy, volume: 1_000_000 * Int64(1 + i % 7))
                if waitForProjector {
                    if case .applied(_, let events) = engine.submit(.placeMarketOrder(order)) {
                        for case .position(let p) in events where p.change == .opened { opened.append(p.positionID) }
                    }
                    if i % 5 == 4, let p = opened.popLast() { _ = engine.submit(.closePosition(account: 7, position: p, volume: 0)) }
                } else {
                    replies.append(engine.submitNoWait(.placeMarketOrder(order)))
                }
            }
            for reply in replies { _ = reply.wait(timeoutMs: 30_000) }
            let last = engine.status().lastSequence
            if waitForProjector {
                let projector = try #require(engine.projector)
                #expect(projector.waitForCheckpoint(last, timeoutMs: 60_000), "projector at \(projector.checkpoint) of \(last): \(projector.problem)")
                let status = engine.status()
                #expect(status.projectorCheckpoint >= last && status.projectorProblem.isEmpty, "\(status)")
                #expect(status.projectorLag <= status.lastSequence - last, "\(status)")
                let metrics = engine.metricsText()
                for name in ["rtx_read_models_checkpoint", "rtx_read_models_lag_inputs", "rtx_read_models_records_total", "rtx_read_models_batches_total",
                             "rtx_read_models_batch_seconds", "rtx_read_models_staleness_seconds", "rtx_read_models_failing"] {
                    #expect(metrics.contains(name), "\(name) missing from the metrics")
                }
            }
        }

        // First engine: orders and closes, caught up; then a burst the projector is still
        // behind on when the engine stops.
        try runEngine(orders: 60, waitForProjector: true)
        try runEngine(orders: 400, waitForProjector: false)
        let db = try PostgresConnection(url: postgres.url)
        defer { db.close() }
        let stoppedAt = try ReadModelChecks.int(db, "SELECT seq FROM rtx_projector")
        let journalEnd = try ReadModelChecks.int(db, "SELECT max(seq) FROM rtx_journal")
        // Second engine on the same database: it recovers, the projector resumes from its checkpoint.
        try runEngine(orders: 40, waitForProjector: true)
        let checkpoint = UInt64(try ReadModelChecks.int(db, "SELECT seq FROM rtx_projector"))
        #expect(checkpoint > UInt64(journalEnd), "stopped at \(stoppedAt) of \(journalEnd), now \(checkpoint)")

        let tally = try JournalTally.replay(url: postgres.url, through: checkpoint)
        #expect(tally.decisions >= 500)
        try ReadModelChecks.verify(tally, url: postgres.url, accounts: [(7, Self.usd)])
        // Every order placed through the pipeline is in rtx_orders with its decision record
        // (no routing policy here: outcome 'none', the request's B-Book stands).
        #expect(try ReadModelChecks.int(db, """
            SELECT count(*) FROM rtx_orders o JOIN rtx_decision_records d USING (order_id)
            WHERE o.state = 'filled' AND d.outcome = 'none' AND d.book = 'B' AND d.plugin_id IS NULL AND o.book = 'B'
            """) == Int64(tally.decisions))
        #expect(try ReadModelChecks.int(db, "SELECT count(*) FROM rtx_trades t JOIN rtx_orders o USING (order_id) WHERE t.change = 'opened'") > 0)
    }

    /// `rtx run` with the fixture routing policy (`context_echo`), a flat commission and the
    /// synthetic LP: orders placed through the control socket appear in rtx_orders,
    /// rtx_positions, rtx_trades and rtx_ledger_entries, each with its decision record (the
    /// plugin's id, version and sha256, the context it saw, the fee schedule that priced it);
    /// `rtx status` shows the read models' checkpoint; `rtx run` is killed with SIGKILL while
    /// orders stream, restarted, and the tables equal a replay of the journal up to the
    /// checkpoint, bars included.
    @Test func ordersThroughRTXRunCarryTheirDecisionRecordAndAKill9LosesAndDoublesNothing() throws {
        let engine = try JournalOutageAndContextTests.engine("read-models-run")
        defer { engine.cleanUp() }
        try engine.start()
        func order(_ side: String, _ volume: String, _ id: String) throws -> [String: Any] {
            try engine.request(["op": "order", "account": 7, "symbol": "EURUSD", "side": side, "volume": volume, "client_id": id]) {
                ($0["error"] as? [String: Any])?["code"] as? String != "no_quote"
            }
        }
        let opened = try order("buy", "0.30", "open")
        let position = try #require(events(opened, type: "position").first?["position"] as? Int, "\(opened)")
        let closed = try engine.request(["op": "close", "account": 7, "position": position, "volume": "0.10"])
        #expect(closed["ok"] as? Bool == true, "\(closed)")
        let sold = try order("sell", "0.05", "sell")
        let sequences = try [opened, sold].map { try #require($0["sequence"] as? Int, "\($0)") }
        let url = try engine.privatePostgres().url
        let closedAt = try #require(closed["sequence"] as? Int)
        #expect(try Self.waitForProjector(url: url, sequence: UInt64(closedAt + 1)))
        let status = try engine.request(["op": "status"])
        #expect((status["read_models_checkpoint"] as? Int ?? 0) >= closedAt, "\(status)")
        #expect(status["read_models_problem"] as? String == "", "\(status)")

        let db = try PostgresConnection(url: url)
        defer { db.close() }
        let sha = try sha256(ofFile: engine.folder + "/plugins/libcontext_echo.so")
        let schedule = try ReadModelChecks.int(db, "SELECT max(fee_schedule_id) FROM rtx_decision_records")
        #expect(schedule > 0)
        for seq in sequences {
            // The decision record: the plugin, its version and sha256, the context exactly as
            // journaled, the book and the fee schedule in force.
            let row = try db.execute("""
                SELECT d.plugin_id, d.plugin_version, d.plugin_sha256, d.outcome, d.book, d.hedge_ratio_ppm::text, d.lp IS NOT NULL,
                    (d.decision = convert_from(j.meta, 'UTF8')::jsonb)::text, d.decision -> 'context' ->> 'account', d.reason,
                    d.fee_schedule_id::text, o.state, o.fee_schedule_id::text
                FROM rtx_decision_records d JOIN rtx_journal j ON j.seq = d.order_id JOIN rtx_orders o USING (order_id)
                WHERE d.order_id = \(seq)
                """)
            #expect(row.rowCount == 1, "no decision record for \(seq)")
            guard row.rowCount == 1 else { continue }
            #expect(try row.text(0, 0) == "org.rtx.fixture.context-echo" && row.text(0, 1) == "1.0.0" && row.text(0, 2) == sha)
            #expect(try row.text(0, 3) == "decided" && row.text(0, 4) == "B" && row.text(0, 5) == "0")
            #expect(try row.text(0, 7) == "true", "the decision record differs from the journaled one")
            #expect(try row.text(0, 8) == "7" && row.text(0, 9).contains("a=7"))
            #expect(try row.text(0, 10) == "\(schedule)" && row.text(0, 11) == "filled" && row.text(0, 12) == "\(schedule)")
        }
        // The position, its trades with commission and the fee schedule, the ledger.
        let p = try db.execute("SELECT status, volume_e8, opened_volume_e8, commission_e8 > 0 FROM rtx_positions WHERE position_id = \(position)")
        #expect(try p.text(0, 0) == "open" && p.int64(0, 1) == 20_000_000 && p.int64(0, 2) == 30_000_000 && p.text(0, 3) == "t")
        let trades = try db.execute("SELECT change, side, volume_e8, commission_e8, fee_schedule_id FROM rtx_trades WHERE position_id = \(position) ORDER BY seq")
        #expect(trades.rowCount == 2)
        #expect(try trades.text(0, 0) == "opened" && trades.text(0, 1) == "buy" && trades.int64(0, 2) == 30_000_000 && trades.int64(0, 3) > 0)
        #expect(try trades.text(1, 0) == "reduced" && trades.text(1, 1) == "sell" && trades.int64(1, 2) == 10_000_000 && trades.int64(1, 4) == schedule)
        #expect(try ReadModelChecks.int(db, "SELECT sum(commission_e8) FROM rtx_trades WHERE account_id = 7")
            == ReadModelChecks.int(db, "SELECT -sum(amount_e8) FROM rtx_ledger_entries WHERE ledger_account = 'balance:7' AND kind = 'commission'"))

        // SIGKILL while orders stream (the projector is mid-way), then start again.
        let streaming = Atomic<Bool>(true)
        let streamer = Thread {
            var i = 0
            while streaming.load(ordering: .acquiring) {
                _ = try? engine.request(["op": "order", "account": 7, "symbol": i % 2 == 0 ? "EURUSD" : "GBPUSD", "side": i % 3 == 0 ? "sell" : "buy",
                                         "volume": "0.01", "client_id": "k\(i)"])
                i += 1
            }
        }
        streamer.start()
        usleep(1_500_000)
        engine.kill9()
        streaming.store(false, ordering: .releasing)
        usleep(300_000)
        try engine.start()
        let after = try order("buy", "0.02", "after-restart")
        let afterSequence = try #require(after["sequence"] as? Int, "\(after)")
        #expect(try Self.waitForProjector(url: url, sequence: UInt64(afterSequence)))
        db.close()
        engine.terminate()      // rtx run stops its private PostgreSQL on the way out: start it again to look
        let stoppedURL = try engine.privatePostgres().url
        let stopped = try PostgresConnection(url: stoppedURL)
        defer { stopped.close() }
        let checkpoint = UInt64(try ReadModelChecks.int(stopped, "SELECT seq FROM rtx_projector"))
        let tally = try JournalTally.replay(url: stoppedURL, through: checkpoint)
        #expect(tally.decisions > 10 && tally.quotes > 10, "\(tally.decisions) orders, \(tally.quotes) quotes")
        try ReadModelChecks.verify(tally, url: stoppedURL, accounts: [(7, Self.usd)])
        #expect(try ReadModelChecks.int(stopped, "SELECT count(*) FROM rtx_decision_records WHERE plugin_id = 'org.rtx.fixture.context-echo' AND plugin_sha256 = '\(sha)'")
            == Int64(tally.decisions))
    }

    /// `database.read_models` and `read_model_batch` in rtx.yaml: decoded into the engine's
    /// parameters, and a bad value reported as file:line:column with the setting and the fix.
    @Test func theReadModelSettingsAreDecodedAndCheckedWhereTheyAreWritten() throws {
        let base = EngineProcess.config(data: "/tmp/rtx-rm-data", socket: "/tmp/rtx-rm.sock", timeTickMs: 100,
                                        groups: PipelineIntegrationTests.retailGroup, accounts: PipelineIntegrationTests.retailAccount)
        let off = try EngineConfigDecoder.decode(text: base + "\ndatabase:\n  read_models: false\n  read_model_batch: 250\n", path: "/tmp/rtx.yaml")
        #expect(!off.database.readModels && off.database.readModelBatch == 250)
        #expect(EngineParameters(config: off).readModels == ReadModelSettings(enabled: false, batchMax: 250))
        let defaults = try EngineConfigDecoder.decode(text: base, path: "/tmp/rtx.yaml")
        #expect(EngineParameters(config: defaults).readModels == ReadModelSettings())
        let lines = base.split(separator: "\n", omittingEmptySubsequences: false).count
        do {
            _ = try EngineConfigDecoder.decode(text: base + "\ndatabase:\n  read_model_batch: 0\n", path: "/tmp/rtx.yaml")
            Issue.record("read_model_batch: 0 was accepted")
        } catch {
            #expect(error.description.contains("rtx.yaml:\(lines + 2):21: error: database.read_model_batch:"), "\(error)")
            #expect(error.description.contains("1...10000") || error.description.contains("10000"), "\(error)")
        }
        do {
            _ = try EngineConfigDecoder.decode(text: base + "\ndatabase:\n  read_models: maybe\n", path: "/tmp/rtx.yaml")
            Issue.record("read_models: maybe was accepted")
        } catch {
            #expect(error.description.contains("database.read_models"), "\(error)")
        }
    }
}
