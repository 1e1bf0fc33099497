import Foundation
import RTXEngine
import RTXStore
import Testing

/// `rtx run` with its private PostgreSQL stopped mid-run, and the routing context as the
/// journal keeps it. The routing policy is a fixture that writes what it saw into its reason.
@Suite(.serialized) struct JournalOutageAndContextTests {
    static let plugins = """
        version: 1
        plugins:
          - id: synthetic
            kind: lp-adapter
            path: PLUGINS/libsynthetic_lp.so
            config:
              seed: 5
              quotes_per_second: 40
              instruments: EURUSD=1.08500/5/8, GBPUSD=1.26500/5/10
          - id: context-echo
            kind: routing-policy
            path: PLUGINS/libcontext_echo.so
          - id: flat
            kind: fee-model
            path: PLUGINS/libflat_commission.so
            config:
              per_lot: 3.50
              minimum: 0.50
              currency: USD
        bindings:
          symbols:
            - symbol: EURUSD
              lps: [{lp: synthetic, priority: 1}]
            - symbol: GBPUSD
              lps: [{lp: synthetic, priority: 1}]
          groups:
            - group: retail
              routing: context-echo
              fee_model: flat
              fallback: b-book
        """

    static func engine(_ name: String) throws -> EngineProcess {
        let engine = try EngineProcess(name: name, pluginsYAML: plugins, libraries: ["libsynthetic_lp.so", "libflat_commission.so"],
                                       accounts: PipelineIntegrationTests.retailAccount, groups: PipelineIntegrationTests.retailGroup)
        try engine.addFixturePlugin("context_echo")
        return engine
    }

    func order(_ engine: EngineProcess, side: String = "buy", volume: String = "0.10", clientID: String? = nil) throws -> [String: Any] {
        var request: [String: Any] = ["op": "order", "account": 7, "symbol": "EURUSD", "side": side, "volume": volume]
        if let clientID { request["client_id"] = clientID }
        return try engine.request(request)
    }

    func code(_ answer: [String: Any]) -> String? { (answer["error"] as? [String: Any])?["code"] as? String }

    /// PostgreSQL stopped mid-run: orders are refused with `journal_unavailable` and a
    /// message saying why, quotes keep reaching a quote subscriber, trading resumes when the
    /// server is back, and every acknowledged order is there exactly once (also after a
    /// restart, and in an offline replay).
    @Test func ordersPauseWhileThePostgreSQLJournalIsDownAndQuotesKeepFlowing() throws {
        let engine = try Self.engine("outage")
        defer { engine.cleanUp() }
        try engine.start()
        let first = try engine.request(["op": "order", "account": 7, "symbol": "EURUSD", "side": "buy", "volume": "0.10", "client_id": "before"]) {
            self.code($0) != "no_quote"
        }
        #expect(first["ok"] as? Bool == true, "\(first)")
        var acknowledged = ["before"]

        let quotes = try ControlClient(path: engine.socket)
        try quotes.send(["op": "quotes", "symbols": ["EURUSD"]])
        #expect(try quotes.readObject(timeoutMs: 5_000)?["ok"] as? Bool == true)

        try engine.privatePostgres().stop()
        var refusal: [String: Any] = [:]
        var attempt = 0
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let id = "down-\(attempt)"
            attempt += 1
            let answer = try order(engine, clientID: id)
            if answer["ok"] as? Bool == true { acknowledged.append(id) }
            if code(answer) == "journal_unavailable" { refusal = answer; break }
            usleep(20_000)
        }
        let message = (refusal["error"] as? [String: Any])?["message"] as? String ?? ""
        #expect(message.contains("the journal cannot be written"), "\(refusal)")
        let status = try engine.request(["op": "status"])
        #expect(status["paused"] as? Bool == true && !(status["pause_reason"] as? String ?? "").isEmpty, "\(status)")

        // Quotes reach the subscriber while the journal is down.
        var quotesWhileDown = 0
        let until = Date().addingTimeInterval(1.5)
        while Date() < until, let line = try quotes.readObject(timeoutMs: 1_500) {
            if line["symbol"] as? String == "EURUSD", line["bid"] != nil { quotesWhileDown += 1 }
        }
        #expect(quotesWhileDown >= 5, "quotes while the journal was down: \(quotesWhileDown)")
        #expect(code(try order(engine, clientID: "still-down")) == "journal_unavailable")

        // PostgreSQL is back (same data folder and port): trading resumes by itself.
        _ = try engine.privatePostgres()
        let resumed = try engine.request(["op": "order", "account": 7, "symbol": "EURUSD", "side": "sell", "volume": "0.10", "client_id": "after"],
                                         until: { $0["ok"] as? Bool == true }, timeoutSeconds: 60)
        #expect(resumed["ok"] as? Bool == true, "trading did not resume: \(resumed)")
        acknowledged.append("after")

        // Every acknowledged order is journaled once: resending its client id repeats it.
        for id in acknowledged {
            let again = try order(engine, clientID: id)
            #expect(!events(again, type: "order_repeated").isEmpty, "\(id) was lost: \(again)")
        }
        let positions = (try engine.request(["op": "account", "account": 7])["positions"] as? [Any])?.count ?? -1
        let output = engine.terminate()
        let (stoppedAt, engineHash) = try #require(stoppedLine(output), "no final line in:\n\(output)")
        try engine.start()
        #expect((try engine.request(["op": "account", "account": 7])["positions"] as? [Any])?.count == positions)
        engine.terminate()
        let replay = try engine.replay()
        #expect(replay.sequence >= stoppedAt)
        if replay.sequence == stoppedAt { #expect(replay.hash == engineHash) }
    }

    /// The context the journal records with an order is the one the policy was shown: the
    /// fixture policy writes the fields it saw into its reason, and the test compares them
    /// with the journaled context, field by field, after some trading made them non-trivial.
    @Test func theRoutingContextInTheJournalIsTheOneThePolicySaw() throws {
        let engine = try Self.engine("context")
        defer { engine.cleanUp() }
        try engine.start()
        let opened = try engine.request(["op": "order", "account": 7, "symbol": "EURUSD", "side": "buy", "volume": "0.30"]) { self.code($0) != "no_quote" }
        let position = try #require(events(opened, type: "position").first?["position"] as? Int, "\(opened)")
        _ = try engine.request(["op": "close", "account": 7, "position": position, "volume": "0.10"])
        _ = try engine.request(["op": "account", "account": 7])
        usleep(300_000)     // a few quotes: volatility and LP quote age move

        let answer = try order(engine, side: "sell", volume: "0.05")
        let sequence = try #require(answer["sequence"] as? Int, "\(answer)")
        let journal = try PostgresJournal(url: try engine.privatePostgres().url)
        let meta = try #require(try journal.meta(of: UInt64(sequence)), "no decision record at \(sequence)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(meta)) as? [String: Any])
        let routing = try #require(record["routing"] as? [String: Any], "\(record)")
        let context = try #require(record["context"] as? [String: Any], "\(record)")
        #expect(routing["outcome"] as? String == "decided" && routing["book"] as? String == "B")
        #expect(routing["plugin"] as? String == "org.rtx.fixture.context-echo" && routing["version"] as? String == "1.0.0", "\(routing)")
        let sha = try sha256(ofFile: engine.folder + "/plugins/libcontext_echo.so")
        #expect(routing["sha256"] as? String == sha, "\(routing)")

        // What the policy saw, from its reason: "a=7 g=retail s=EURUSD v=... l=1:synthetic:3".
        var saw: [String: String] = [:]
        for pair in (routing["reason"] as? String ?? "").split(separator: " ") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { saw[String(kv[0])] = String(kv[1]) }
        }
        func int(_ key: String) -> String { "\((context[key] as? NSNumber)?.int64Value ?? -1)" }
        let exposure = context["exposure"] as? [String: Any] ?? [:]
        let lps = context["lps"] as? [[String: Any]] ?? []
        let stateNumbers = ["disconnected": 1, "connecting": 2, "connected": 3, "degraded": 4, "down": 5]
        #expect(saw["a"] == int("account") && saw["a"] == "7")
        #expect(saw["g"] == context["group"] as? String && saw["g"] == "retail")
        #expect(saw["s"] == context["symbol"] as? String && saw["s"] == "EURUSD")
        #expect(saw["v"] == int("volume") && saw["v"] == "5000000")
        #expect(saw["b"] == int("bid") && saw["k"] == int("ask") && saw["b"] != "0")
        #expect(saw["vp"] == int("volatility_ppm"))
        #expect(saw["t"] == int("trades") && saw["t"] == "1", "trades: \(saw["t"] ?? "")")
        #expect(saw["e"] == int("equity") && saw["e"] != "0")
        #expect(saw["x"] == "\((exposure["a"] as? NSNumber)?.int64Value ?? -1)/\((exposure["b"] as? NSNumber)?.int64Value ?? -1)/\((exposure["c"] as? NSNumber)?.int64Value ?? -1)")
        #expect(saw["x"] == "0/20000000/0", "exposure: \(saw["x"] ?? "")")
        let lp = lps.first.map { "\(lps.count):\($0["id"] as? String ?? ""):\(stateNumbers[$0["state"] as? String ?? ""] ?? -1)" }
        #expect(saw["l"] == lp && saw["l"] == "1:synthetic:3", "lps: \(saw["l"] ?? "") vs \(lp ?? "")")
    }
}

/// The sha256 of a file, in lowercase hex (coreutils' sha256sum).
func sha256(ofFile path: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["sha256sum", path]
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(String(decoding: data, as: UTF8.self).prefix(64))
}
