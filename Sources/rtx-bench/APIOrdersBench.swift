import Foundation
import RTXPluginHost

/// Market orders through the client REST API (issue 10): `POST /api/v1/orders` over HTTP/1.1
/// keep-alive connections on loopback, into the real engine (PostgreSQL journal with group
/// commit, `synchronous_commit = on`: an answered order is durable). An open-loop phase paced
/// at the target rate (latency from each order's due time, see `HTTPLoadClient`), then a
/// closed loop with every connection busy (the most orders/s). Every answer is checked: 200 or
/// 201 with the order filled. Prints the disk's one-row commit latency and the target
/// p99 < max(2 ms, commit p99 + 1 ms) at the paced rate, met or missed.
enum APIOrdersBench {
    static let symbols = ["EURUSD", "GBPUSD", "USDJPY", "AUDUSD"]

    /// Sizes, each from the environment variable named beside it.
    struct Settings {
        var rate = 5_000                 // RTX_BENCH_API_RATE, orders/s of the paced phase
        var seconds = 15                 // RTX_BENCH_API_SECONDS, paced phase length
        var warmupSeconds = 3            // RTX_BENCH_API_WARMUP_SECONDS, paced, not counted
        var closedSeconds = 10           // RTX_BENCH_API_CLOSED_SECONDS, closed-loop phase length
        var connections = 32             // RTX_BENCH_API_CONNECTIONS
        var accounts = 16                // RTX_BENCH_API_ACCOUNTS, logins demo1...demoN
        var readModels = 1               // RTX_BENCH_READ_MODELS, 1: the projector on (rtx run's default), 0: off
        var baselineMs = 3_000           // RTX_BENCH_BASELINE_MS, one-row commit baseline

        static func fromEnvironment() throws -> Settings {
            var s = Settings()
            let env = ProcessInfo.processInfo.environment
            for (name, path) in [("RTX_BENCH_API_RATE", \Settings.rate), ("RTX_BENCH_API_SECONDS", \.seconds),
                                 ("RTX_BENCH_API_WARMUP_SECONDS", \.warmupSeconds), ("RTX_BENCH_API_CLOSED_SECONDS", \.closedSeconds),
                                 ("RTX_BENCH_API_CONNECTIONS", \.connections), ("RTX_BENCH_API_ACCOUNTS", \.accounts),
                                 ("RTX_BENCH_BASELINE_MS", \.baselineMs)] as [(String, WritableKeyPath<Settings, Int>)] {
                guard let text = env[name] else { continue }
                guard let n = Int(text.replacingOccurrences(of: "_", with: "")), n > 0 else { throw BenchError("\(name)=\(text) is not a positive whole number") }
                s[keyPath: path] = n
            }
            if let text = env["RTX_BENCH_READ_MODELS"] {
                guard text == "0" || text == "1" else { throw BenchError("RTX_BENCH_READ_MODELS=\(text): 0 or 1") }
                s.readModels = Int(text)!
            }
            return s
        }
    }

    /// One phase: the client's view, the engine's own command → answer figures, CPU.
    struct Phase {
        var client: HTTPLoadClient.Result
        var engineP50Ns: Int64?, engineP99Ns: Int64?, engineP999Ns: Int64?
        /// This process less the client thread (engine, API server, plugins), and PostgreSQL, ns.
        var serverCPUNs: Int64
        var postgresCPUNs: Int64

        func cores(_ ns: Int64) -> String { format(client.wallNs > 0 ? Double(ns) / Double(client.wallNs) : 0, decimals: 2) }
    }

    static func run(_ setup: BenchSetup) throws {
        let s = try Settings.fromEnvironment()
        benchLog("starting PostgreSQL, the engine and its API")
        let server = try APIBenchEngine.start(setup, .init(name: "api-orders", symbols: symbols, accounts: s.accounts,
                                                            quotesPerSecondPerSymbol: 10, readModels: s.readModels == 1))
        defer { server.stop() }

        benchLog("one-row commit baseline, \(s.baselineMs) ms")
        let baseline = try CommitBaseline.plainInserts(url: try server.postgres.createDatabase("baseline"), durationMs: Int64(s.baselineMs))

        benchLog("logging in \(s.accounts) accounts")
        let tokens = try server.logIn()
        let client = try HTTPLoadClient(port: server.port, connections: s.connections,
                                        request: { order(k: $0, tokens: tokens) }, check: check)
        defer { client.close() }

        let warmupCount = s.rate * s.warmupSeconds
        benchLog("warm-up: \(warmupCount) orders at \(s.rate)/s")
        let warmup = client.runOpenLoop(first: 0, count: warmupCount, perSecond: s.rate)
        if warmup.errors > 0 { benchLog("warm-up: \(warmup.errors) errors; the first: \(warmup.firstError ?? "?")") }

        let pacedCount = s.rate * s.seconds
        benchLog("paced: \(pacedCount) orders at \(s.rate)/s over \(s.connections) connections")
        let paced = measure(server) { client.runOpenLoop(first: warmupCount, count: pacedCount, perSecond: s.rate) }

        benchLog("closed loop: \(s.closedSeconds) s, \(s.connections) connections each with one order in flight")
        let closed = measure(server) {
            client.runClosedLoop(first: warmupCount + pacedCount, durationNs: Int64(s.closedSeconds) * 1_000_000_000)
        }
        APIOrdersReport(settings: s, baseline: baseline, paced: paced, closed: closed).print()
    }

    /// Order k: account k mod N; its orders alternate buy and sell of the same symbol and
    /// volume (0.01 to 0.05 lots), so the netting positions open and close and stay small.
    static func order(k: Int, tokens: [String]) -> [UInt8] {
        let account = k % tokens.count
        let pair = k / tokens.count
        let side = pair % 2 == 0 ? "buy" : "sell"
        let round = pair / 2
        let body = "{\"client_order_id\":\"o\(k)\",\"symbol\":\"\(symbols[round % symbols.count])\",\"side\":\"\(side)\",\"volume\":\"0.0\(round % 5 + 1)\"}"
        return LoopbackHTTP.request("POST", "/api/v1/orders", json: body, token: tokens[account])
    }

    private static let filled = Array("\"state\":\"filled\"".utf8)

    /// 200 or 201 with the order filled; anything else is an error (with the answer's start).
    static func check(_ r: HTTPResponseReader.Response) -> String? {
        guard r.status == 200 || r.status == 201 else { return "HTTP \(r.status): \(r.text.prefix(200))" }
        return ByteSearch.firstIndex(of: filled, in: r.body) == nil ? "not filled: \(r.text.prefix(200))" : nil
    }

    private static func measure(_ server: APIBenchEngine, _ body: () -> HTTPLoadClient.Result) -> Phase {
        server.engine.resetLatencies()
        let selfBefore = ProcessCPU.selfNs(), pgBefore = server.postgresCPUNs
        let result = body()
        let selfAfter = ProcessCPU.selfNs(), pgAfter = server.postgresCPUNs
        let e = server.engine
        return Phase(client: result, engineP50Ns: e.latencyPercentile(50), engineP99Ns: e.latencyPercentile(99), engineP999Ns: e.latencyPercentile(99.9),
                     serverCPUNs: selfAfter - selfBefore - result.clientCPUNs, postgresCPUNs: pgAfter - pgBefore)
    }
}
