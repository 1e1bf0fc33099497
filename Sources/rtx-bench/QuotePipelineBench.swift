import Foundation
import RTXEngine
import RTXPluginHost
import RTXStore

/// Quotes through the whole engine: an LP plugin's thread → the host's ring → the LP pump
/// and LP manager (validation, aggregation) → the sequencer's conflated slot per symbol →
/// the PostgreSQL journal (group commit) → the core. Two runs: a burst LP pushing as fast as
/// it can (throughput at each stage; conflation is the designed answer to an LP faster than
/// the journal), and the synthetic LP at a broker-like rate (LP → core latency).
enum QuotePipelineBench {
    static let symbols = ["EURUSD", "GBPUSD", "USDJPY", "AUDUSD"]

    static func run(_ setup: BenchSetup) throws {
        let burstCount = ProcessInfo.processInfo.environment["RTX_BENCH_BURST_QUOTES"].flatMap(Int.init) ?? 2_000_000
        let pacedPerSymbol = ProcessInfo.processInfo.environment["RTX_BENCH_PACED_QUOTES_PER_SYMBOL"].flatMap(Int.init) ?? 500
        let pacedSeconds = ProcessInfo.processInfo.environment["RTX_BENCH_PACED_SECONDS"].flatMap(Int.init) ?? 10
        let postgres = try BenchPostgres.start(name: "quote-pipeline")
        defer { postgres.close() }

        let burst = try measure(setup, postgres: postgres, database: "burst", lp: """
              - id: burst
                kind: lp-adapter
                path: \(try setup.plugin("libburst_lp.so"))
                config:
                  count: \(burstCount)
            """, lpID: "burst", seconds: nil, expectedLPQuotes: UInt64(burstCount))
        let paced = try measure(setup, postgres: postgres, database: "paced", lp: """
              - id: synthetic
                kind: lp-adapter
                path: \(try setup.plugin("libsynthetic_lp.so"))
                config:
                  quotes_per_second: \(pacedPerSymbol)
                  instruments: EURUSD=1.08500/5/8, GBPUSD=1.26500/5/10, USDJPY=151.200/3/12, AUDUSD=0.65400/5/9
            """, lpID: "synthetic", seconds: pacedSeconds, expectedLPQuotes: nil)

        print("quote-pipeline: LP plugin thread → LP manager → conflated slot → PostgreSQL journal → core, \(symbols.count) symbols (\(machineDescription()))")
        print("  burst LP (\(burstCount) quotes as fast as its thread can push)")
        burst.print()
        print("  synthetic LP at \(pacedPerSymbol) quotes/s per symbol (\(pacedPerSymbol * symbols.count)/s), \(pacedSeconds) s")
        paced.print()
    }

    struct Result {
        var seconds: Double
        var pushed: UInt64
        var counters: QuotePipelineCounters
        var p50: Int64?, p99: Int64?, p999: Int64?
        var batches: UInt64
        /// Quotes the host's ring refused because it was full (the pump fell behind the LP).
        var droppedFull: UInt64

        func rate(_ n: UInt64) -> String { "\(Int(Double(n) / seconds).formatted())/s" }
        func us(_ ns: Int64?) -> String { ns.map { "\($0 / 1_000)" } ?? "-" }

        func print() {
            Swift.print("    LP thread pushed          \(pushed.formatted()) in \(String(format: "%.2f", seconds)) s = \(rate(pushed))")
            Swift.print("    dropped, host ring full   \(droppedFull.formatted()) (the LP pump fell behind the LP's thread)")
            Swift.print("    LP manager accepted       \(counters.lpAccepted.formatted()) = \(rate(counters.lpAccepted)) (refused or ignored \(counters.lpRefused))")
            Swift.print("    consolidated, published   \(counters.published.formatted()) = \(rate(counters.published))")
            Swift.print("    journaled and applied     \(counters.applied.formatted()) = \(rate(counters.applied)) in \(batches.formatted()) journal batches (the rest conflated: the newest per symbol replaces the one waiting)")
            Swift.print("    LP → core latency         p50 \(us(p50))  p99 \(us(p99))  p99.9 \(us(p999)) µs (applied quotes)")
        }
    }

    private static func measure(_ setup: BenchSetup, postgres: BenchPostgres, database: String, lp: String, lpID: String,
                                seconds: Int?, expectedLPQuotes: UInt64?) throws -> Result {
        let url = try postgres.createDatabase(database)
        let folder = "/tmp/rtx-bench-\(geteuid())-quote-pipeline-\(database)"
        try? FileManager.default.removeItem(atPath: folder)
        mkdir(folder, 0o700)
        try AtomicFile.write("""
            version: 1
            plugins:
            \(lp)
            bindings:
              symbols:
            \(symbols.map { "    - {symbol: \($0), lps: [{lp: \(lpID)}]}" }.joined(separator: "\n"))
            """, to: folder + "/plugins.yaml")
        try AtomicFile.write("""
            version: 1
            engine:
              data: \(folder)/data
              plugins: plugins.yaml
              time_tick_ms: 100
            market:
              mode: aggregate
              stale_after_ms: 5000
            symbols:
            \(BenchConfigYAML.symbols(symbols))
            groups:
              - name: retail
            accounts: []
            """, to: folder + "/rtx.yaml")
        let config = try EngineConfigDecoder.load(path: folder + "/rtx.yaml")
        let manifest = try ManifestDecoder.load(path: folder + "/plugins.yaml")
        mkdir(folder + "/data", 0o700)
        let host = PluginHost(manifest: manifest, stateDirectory: folder + "/data/plugins")
        try host.loadAll()
        let engine = Engine(parameters: EngineParameters(config: config), journal: try PostgresJournal(url: url), snapshots: nil, host: host,
                            log: { _ in })
        let startNs = DispatchTime.now().uptimeNanoseconds
        try engine.start()
        defer { engine.stop() }
        let adapter = host.lpAdapter(id: lpID)
        if let expectedLPQuotes {
            // Until the LP thread has pushed everything and the pipeline is idle.
            while (adapter?.stats()?.messagesReceived ?? 0) < expectedLPQuotes { usleep(1_000) }
            var last = engine.quotePipelineCounters().applied
            while true {
                usleep(50_000)
                let now = engine.quotePipelineCounters().applied
                if now == last { break }
                last = now
            }
        } else {
            sleep(UInt32(seconds ?? 1))
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - startNs) / 1e9
        let counters = engine.quotePipelineCounters()
        let pushed = adapter?.stats().map { max($0.messagesReceived, $0.quotesEmitted) } ?? 0
        return Result(seconds: elapsed, pushed: pushed, counters: counters, p50: engine.quoteLatencyPercentile(50),
                      p99: engine.quoteLatencyPercentile(99), p999: engine.quoteLatencyPercentile(99.9), batches: engine.status().batches,
                      droppedFull: adapter?.feedCounters.quotesDroppedFull ?? 0)
    }
}
