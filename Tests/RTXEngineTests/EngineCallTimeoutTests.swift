import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
import RTXStore

/// An order the engine cannot answer in time: PostgreSQL (the journal) is frozen with SIGSTOP,
/// so the order waits for its commit. The REST call answers 503 `timed_out` after 10 s, telling
/// the client to look the order up by its client order id, and counts it in
/// `rtx_commands_refused_total{reason="timed_out"}`; once PostgreSQL runs again the order is
/// applied exactly once, and repeating the request with the same client order id answers that
/// order instead of placing a second.
@Suite(.serialized) struct EngineCallTimeoutTests {
    typealias API = ClientAPITests

    /// The pids of `parent` and of every process whose parent it is (PostgreSQL's backends).
    static func processTree(_ parent: Int32) -> [Int32] {
        var pids = [parent]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // pid (comm) state ppid ...: the fields after the command's closing parenthesis.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, Int32(fields[1]) == parent { pids.append(pid) }
        }
        return pids
    }

    @Test func anOrderUnansweredIn10sIsRefusedTimedOutCountedAndAppliedOnceLater() throws {
        let (engine, api) = try ClientStreamTests.start("call-timeout", quotesPerSecond: 20, server: "server:\n  listen: 127.0.0.1:0")
        defer { engine.cleanUp() }
        let token = try API.login(api, "trader1", "pass-2001").access
        for _ in 0 ..< 100 {
            if let q = try api.send("GET", "/api/v1/quotes?symbols=EURUSD", token: token).json["quotes"] as? [Any], !q.isEmpty { break }
            usleep(200_000)
        }
        let positionsBefore = (try api.send("GET", "/api/v1/positions", token: token).json["positions"] as? [Any])?.count ?? -1
        let metricsBefore = try api.send("GET", "/metrics").text
        let timedOutBefore = ClientStreamTests.metric(metricsBefore, "rtx_commands_refused_total{reason=\"timed_out\"}") ?? 0

        let postgres = try engine.privatePostgres()
        let frozen = Self.processTree(postgres.pid)
        #expect(frozen.count > 1, "PostgreSQL's postmaster and its backends")
        for pid in frozen { kill(pid, SIGSTOP) }
        var thawed = false
        defer { if !thawed { for pid in frozen { kill(pid, SIGCONT) } } }

        var slow = api
        slow.readTimeoutSeconds = 30
        let order: [String: Any] = ["symbol": "EURUSD", "side": "buy", "volume": "0.10", "client_order_id": "frozen-1"]
        let started = Date()
        let answer = try slow.send("POST", "/api/v1/orders", token: token, json: order)
        let waited = Date().timeIntervalSince(started)
        #expect(answer.status == 503, "\(answer.status) \(answer.text)")
        #expect(answer.error.code == "timed_out", "\(answer.text)")
        #expect(answer.text.contains("client order id"), "\(answer.text)")
        #expect(waited >= 9.5 && waited < 20, "answered after \(waited) s")

        for pid in frozen { kill(pid, SIGCONT) }
        thawed = true
        // Applied once PostgreSQL runs again: one new position, and the same client order id
        // answers that order rather than placing a second one.
        var positions: [[String: Any]] = []
        for _ in 0 ..< 100 {
            positions = try api.send("GET", "/api/v1/positions", token: token).json["positions"] as? [[String: Any]] ?? []
            if positions.count > positionsBefore { break }
            usleep(200_000)
        }
        #expect(positions.count == positionsBefore + 1, "\(positions)")
        let again = try api.send("POST", "/api/v1/orders", token: token, json: order)
        #expect(again.status == 200 || again.status == 201, "\(again.status) \(again.text)")
        let repeated = (again.json["events"] as? [[String: Any]] ?? []).first { $0["type"] as? String == "order_repeated" }
        #expect(repeated?["client_id"] as? String == "frozen-1" && repeated?["state"] as? String == "filled"
                && repeated?["symbol"] as? String == "EURUSD", "\(again.text)")
        usleep(500_000)
        let after = try api.send("GET", "/api/v1/positions", token: token).json["positions"] as? [Any] ?? []
        #expect(after.count == positionsBefore + 1, "a repeat of the client order id placed nothing new")

        let timedOutAfter = ClientStreamTests.metric(try api.send("GET", "/metrics").text, "rtx_commands_refused_total{reason=\"timed_out\"}") ?? 0
        #expect(timedOutAfter == timedOutBefore + 1, "timed_out refusals \(timedOutBefore) → \(timedOutAfter)")
    }
}
