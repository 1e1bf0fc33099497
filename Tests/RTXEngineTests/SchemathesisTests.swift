import Foundation
import Testing

/// schemathesis (from PyPI; `make schemathesis` installs the pinned version into
/// `.build-py/venv`) generates requests from `/openapi.json` against `rtx run`'s real server,
/// logged in as trader1: the coverage, fuzzing and stateful phases, bounded by example count
/// and a wall-clock limit. No answer may be a server error (5xx), and the engine must still be
/// ready afterwards with its `rtx_api_requests_total{status="5xx"}` at 0.
///
/// One worker: with two, schemathesis's threads call Python's `ast.parse` at once (hypothesis
/// describing a filter lambda), and CPython 3.11 then fails now and then with "SystemError: AST
/// constructor recursion depth mismatch" (cpython#106905) — a run error of the tool, not of ours.
@Suite(.serialized) struct SchemathesisTests {
    typealias API = ClientAPITests

    static let binary = BuiltProducts.root + "/.build-py/venv/bin/schemathesis"
    /// Examples per operation and phase; the run's wall-clock limit (s), past which it fails.
    static let maxExamples = ProcessInfo.processInfo.environment["RTX_SCHEMATHESIS_EXAMPLES"].flatMap(Int.init) ?? 40
    static let timeLimitSeconds: Double = 600
    /// Where a failed run's whole log is kept (the engine's folder is removed after the test).
    static let failedLogCopy = BuiltProducts.root + "/.build/test-artifacts/schemathesis.log"

    @Test func noServerErrorForGeneratedRequests() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw TestSetupError("\(Self.binary) is not installed: run `make schemathesis` (make test does)")
        }
        // Limits high enough that the generated requests reach the handlers, not the 429s.
        let server = """
            server:
              listen: 127.0.0.1:0
              rate_account_per_second: 100000
              rate_account_burst: 100000
              rate_address_per_second: 100000
              rate_address_burst: 100000
            """
        let (engine, api) = try ClientStreamTests.start("schemathesis", quotesPerSecond: 20, server: server)
        defer { engine.cleanUp() }
        let token = try API.login(api, "trader1", "pass-2001").access
        for _ in 0 ..< 100 {
            if let q = try api.send("GET", "/api/v1/quotes", token: token).json["quotes"] as? [Any], q.count == 2 { break }
            usleep(200_000)
        }
        // Something to find: an open position and a pending order of trader1's.
        _ = try api.send("POST", "/api/v1/orders", token: token, json: ["symbol": "EURUSD", "side": "buy", "volume": "0.10", "client_order_id": "st-market"])
        _ = try api.send("POST", "/api/v1/orders", token: token,
                         json: ["symbol": "EURUSD", "side": "buy", "volume": "0.10", "type": "limit", "price": "1.00000", "client_order_id": "st-limit"])

        let log = engine.folder + "/schemathesis.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let run = Process()
        run.executableURL = URL(fileURLWithPath: Self.binary)
        run.arguments = ["run", "http://127.0.0.1:\(api.port)/openapi.json",
                         "--header", "Authorization: Bearer \(token)",
                         "--checks", "not_a_server_error", "--max-examples", String(Self.maxExamples),
                         "--workers", "1", "--request-timeout", "20", "--no-color"]
        var environment = ProcessInfo.processInfo.environment
        environment["SCHEMATHESIS_HOOKS"] = nil
        run.environment = environment
        run.currentDirectoryURL = URL(fileURLWithPath: engine.folder)   // its .schemathesis/ cache goes there
        run.standardOutput = out
        run.standardError = out
        try run.run()
        let deadline = Date().addingTimeInterval(Self.timeLimitSeconds)
        while run.isRunning, Date() < deadline { usleep(200_000) }
        if run.isRunning { run.terminate(); run.waitUntilExit() }
        try out.close()
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let summary = Self.errorsAndSummary(text)
        let passed = run.terminationReason == .exit && run.terminationStatus == 0
        if !passed { Self.keep(log) }
        #expect(passed, "schemathesis (exit \(run.terminationStatus); whole log kept at \(Self.failedLogCopy)):\n\(summary)")
        // It really ran: every operation of the document, at least 100 generated cases.
        let tested = text.split(separator: "\n").first { $0.contains("Tested:") }.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        let paths = try api.send("GET", "/openapi.json").json["paths"] as? [String: [String: Any]] ?? [:]
        // (schemathesis leaves out the document's own route, GET /openapi.json.)
        let documented = paths.filter { $0.key != "/openapi.json" }.values.reduce(0) { $0 + $1.count }
        #expect(documented > 10 && tested == documented, "\(tested) of \(documented) operations:\n\(summary)")
        let generated = text.split(separator: "\n").first { $0.contains(" generated, ") }.flatMap { Int($0.split(separator: " ").first ?? "") } ?? 0
        #expect(generated >= 100, "\(summary)")
        print("schemathesis: \(tested) operations, \(generated) generated cases (log: \(log))")
        // The engine is still ready, and counted no server error.
        #expect(try api.send("GET", "/ready").status == 200)
        let metrics = try api.send("GET", "/metrics").text
        #expect(ClientStreamTests.metric(metrics, "rtx_api_requests_total{status=\"5xx\"}") ?? 0 == 0)
        #expect(ClientStreamTests.metric(metrics, "rtx_api_requests_total{status=\"4xx\"}") ?? 0 > 0)
    }

    /// The log's ERRORS section (each failing operation with its message, tracebacks cut to
    /// their last lines) followed by its SUMMARY: what a failure report needs, without the
    /// hundreds of lines of progress and warnings.
    static func errorsAndSummary(_ log: String) -> String {
        let lines = log.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func section(_ title: String) -> [String] {
            guard let start = lines.firstIndex(where: { $0.hasPrefix("=") && $0.contains(" \(title) ") }) else { return [] }
            let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("=====") } ?? lines.endIndex
            return Array(lines[start ..< end])
        }
        // A traceback line can hold a whole source file (hypothesis prints its cache keys): cut long lines.
        let errors = section("ERRORS").map { $0.count > 300 ? String($0.prefix(300)) + " …" : $0 }
        let summary = section("SUMMARY")
        if errors.isEmpty && summary.isEmpty { return lines.suffix(40).joined(separator: "\n") }
        return (errors.suffix(120) + summary).joined(separator: "\n")
    }

    /// Copies a failed run's log to `failedLogCopy` so it outlives the engine's folder.
    static func keep(_ log: String) {
        try? FileManager.default.createDirectory(atPath: (failedLogCopy as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: failedLogCopy)
        try? FileManager.default.copyItem(atPath: log, toPath: failedLogCopy)
    }
}
