import Foundation
import RTXPluginHost

/// Quotes fanned out over the client WebSocket API (issue 10): 1,000 clients of
/// `/api/v1/stream` on loopback (one event-driven thread, `WebSocketFanoutClient`), each
/// authenticated (over the demo logins) and subscribed to every symbol, while the synthetic LP
/// quotes each symbol at a stated rate into the real engine (LP pump → LP manager → client
/// prices per group → StreamHub → each connection). Prints delivered messages/s against what
/// the engine published times the clients, delivery latency (the quote's `time_ns`, stamped
/// when the engine publishes it, to its receipt by the client), the CPU of the engine with its
/// API and of the client separately, and the clients cut off as slow. Target: p99 < 5 ms.
enum APIFanoutBench {
    static let allSymbols = ["EURUSD", "GBPUSD", "USDJPY", "AUDUSD"]
    static let targetP99Ns: Int64 = 5_000_000

    /// Sizes, each from the environment variable named beside it.
    struct Settings {
        var clients = 1_000              // RTX_BENCH_FANOUT_CLIENTS
        var symbols = 4                  // RTX_BENCH_FANOUT_SYMBOLS, 1...4
        var quotesPerSymbol = 10         // RTX_BENCH_FANOUT_QUOTES_PER_SYMBOL, the synthetic LP's quotes/s per symbol
        var seconds = 15                 // RTX_BENCH_FANOUT_SECONDS, measured
        var warmupSeconds = 3            // RTX_BENCH_FANOUT_WARMUP_SECONDS, after every client is subscribed
        var accounts = 4                 // RTX_BENCH_FANOUT_ACCOUNTS, logins demo1...demoN (client i uses login i mod N)
        var readModels = 1               // RTX_BENCH_READ_MODELS, 1: the projector on (rtx run's default), 0: off

        static func fromEnvironment() throws -> Settings {
            var s = Settings()
            let env = ProcessInfo.processInfo.environment
            for (name, path) in [("RTX_BENCH_FANOUT_CLIENTS", \Settings.clients), ("RTX_BENCH_FANOUT_SYMBOLS", \.symbols),
                                 ("RTX_BENCH_FANOUT_QUOTES_PER_SYMBOL", \.quotesPerSymbol), ("RTX_BENCH_FANOUT_SECONDS", \.seconds),
                                 ("RTX_BENCH_FANOUT_WARMUP_SECONDS", \.warmupSeconds), ("RTX_BENCH_FANOUT_ACCOUNTS", \.accounts)]
                    as [(String, WritableKeyPath<Settings, Int>)] {
                guard let text = env[name] else { continue }
                guard let n = Int(text.replacingOccurrences(of: "_", with: "")), n > 0 else { throw BenchError("\(name)=\(text) is not a positive whole number") }
                s[keyPath: path] = n
            }
            if let text = env["RTX_BENCH_READ_MODELS"] {
                guard text == "0" || text == "1" else { throw BenchError("RTX_BENCH_READ_MODELS=\(text): 0 or 1") }
                s.readModels = Int(text)!
            }
            guard s.symbols <= allSymbols.count else { throw BenchError("RTX_BENCH_FANOUT_SYMBOLS: at most \(allSymbols.count)") }
            return s
        }
    }

    static func run(_ setup: BenchSetup) throws {
        let s = try Settings.fromEnvironment()
        let symbols = Array(allSymbols.prefix(s.symbols))
        // Each client is two descriptors in this process (its socket and the server's).
        let limit = LoopbackSocket.raiseDescriptorLimit(to: 2 * s.clients + 512)
        benchLog("open-file limit \(limit) (raised with setrlimit when below \(2 * s.clients + 512))")
        guard limit >= 2 * s.clients + 128 else { throw BenchError("the open-file limit (\(limit)) is too low for \(s.clients) clients; raise the hard limit") }

        benchLog("starting PostgreSQL, the engine and its API")
        let server = try APIBenchEngine.start(setup, .init(name: "api-fanout", symbols: symbols, accounts: s.accounts,
                                                            quotesPerSecondPerSymbol: s.quotesPerSymbol, readModels: s.readModels == 1))
        defer { server.stop() }
        let tokens = try server.logIn()

        benchLog("connecting \(s.clients) WebSocket clients")
        let client = try WebSocketFanoutClient(port: server.port, tokens: tokens, symbols: symbols)
        defer { client.close() }
        let connectStart = HostClock.monotonicNanoseconds()
        let live = try client.connect(count: s.clients, timeoutNs: 120_000_000_000)
        let connectNs = HostClock.monotonicNanoseconds() - connectStart
        benchLog("\(live) of \(s.clients) clients subscribed in \(format(Double(connectNs) / 1e9, decimals: 2)) s; warm-up \(s.warmupSeconds) s, then \(s.seconds) s measured")

        client.idle(durationNs: Int64(s.warmupSeconds) * 1_000_000_000)
        let selfBefore = ProcessCPU.selfNs(), pgBefore = server.postgresCPUNs
        let publishedBefore = server.engine.quotePipelineCounters().published
        let result = client.measure(durationNs: Int64(s.seconds) * 1_000_000_000, maxSamples: 20_000_000)
        let published = server.engine.quotePipelineCounters().published - publishedBefore
        let selfNs = ProcessCPU.selfNs() - selfBefore, pgNs = server.postgresCPUNs - pgBefore
        APIFanoutReport(settings: s, live: live, connectNs: connectNs, result: result, published: published,
                        serverCPUNs: selfNs - result.clientCPUNs, postgresCPUNs: pgNs).print()
    }
}
