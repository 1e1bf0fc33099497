import RTXPluginHost
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The rate at which an LP plugin's own thread can push quotes into the host (emit_quote:
/// validation, lock-free ring) while a host thread drains them.
enum QuoteIngestBench {
    static let count = 10_000_000
    static let runs = 5

    struct Run {
        var pushedPerSecond: Double
        var acceptedPerSecond: Double
        var dropped: UInt64
        var refused: UInt64
    }

    static func run(_ setup: BenchSetup) throws {
        let (manifest, state) = try setup.manifest("""
        version: 1
        plugins:
          - id: burst
            kind: lp-adapter
            path: \(try setup.plugin("libburst_lp.so"))
            config:
              count: \(count)
        bindings:
          symbols:
            - {symbol: EURUSD, lps: [{lp: burst}]}
            - {symbol: GBPUSD, lps: [{lp: burst}]}
            - {symbol: USDJPY, lps: [{lp: burst}]}
            - {symbol: BTCUSD, lps: [{lp: burst}]}
        """, name: "quote-ingest")
        var results: [Run] = []
        for _ in 0 ..< runs {
            let host = PluginHost(manifest: manifest, stateDirectory: state)
            try host.loadAll()
            defer { host.shutdown() }
            guard let adapter = host.lpAdapter(id: "burst") else { throw BenchError("setup failed") }
            let start = HostClock.monotonicNanoseconds()
            try adapter.start()
            var attempts: UInt64 = 0
            var polls = 0
            while attempts < UInt64(count) {
                adapter.drainQuotes { _ in }
                polls += 1
                if polls % 64 == 0 { attempts = adapter.stats()?.messagesReceived ?? 0 }
            }
            let seconds = Double(HostClock.monotonicNanoseconds() - start) / 1e9
            adapter.drainQuotes { _ in }
            adapter.stop()
            let c = adapter.feedCounters
            results.append(Run(pushedPerSecond: Double(attempts) / seconds, acceptedPerSecond: Double(c.quotesAccepted) / seconds,
                               dropped: c.quotesDroppedFull, refused: c.quotesRefused))
        }
        let sorted = results.sorted { $0.acceptedPerSecond < $1.acceptedPerSecond }
        let median = sorted[sorted.count / 2]
        print("quote-ingest: one LP plugin thread pushing \(count) quotes, one host thread draining; \(runs) runs (\(machineDescription()))")
        print("  accepted into the ring, median   \(format(median.acceptedPerSecond / 1e6, decimals: 2)) M/s   (target >= 2)")
        print("  accepted, slowest / fastest run  \(format(sorted.first!.acceptedPerSecond / 1e6, decimals: 2)) / \(format(sorted.last!.acceptedPerSecond / 1e6, decimals: 2)) M/s")
        print("  emit_quote calls, median run     \(format(median.pushedPerSecond / 1e6, decimals: 2)) M/s   (dropped ring-full \(median.dropped), refused \(median.refused))")
    }
}
