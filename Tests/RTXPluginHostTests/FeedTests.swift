import CRTXABI
import Foundation
import Testing
@testable import RTXPluginHost

@Suite struct BoundedMPSCRingTests {
    @Test func fifoAndBounded() {
        let ring = BoundedMPSCRing<Int>(capacity: 5)
        #expect(ring.capacity == 8)
        #expect(ring.pop() == nil)
        for i in 0 ..< 8 { #expect(ring.push(i)) }
        #expect(!ring.push(99), "a full ring takes nothing")
        #expect(ring.pop() == 0)
        #expect(ring.push(8))
        var out: [Int] = []
        while let v = ring.pop() { out.append(v) }
        #expect(out == Array(1 ... 8))
    }

    /// Real OS threads (not tasks: spinning tasks could starve the consumer on a 2-core pool).
    @Test func manyProducersLoseNothingAndKeepTheirOrder() {
        let ring = BoundedMPSCRing<UInt64>(capacity: 1024)
        let producers = 4
        let perProducer = 200_000
        let done = DispatchGroup()
        for p in 0 ..< producers {
            done.enter()
            Thread {
                for i in 0 ..< perProducer {
                    // Retry on full so every value is eventually taken.
                    while !ring.push(UInt64(p) << 32 | UInt64(i)) { sched_yield() }
                }
                done.leave()
            }.start()
        }
        var seen = [Int](repeating: -1, count: producers)
        var count = 0
        var ordered = true
        while count < producers * perProducer {
            guard let v = ring.pop() else { sched_yield(); continue }
            let p = Int(v >> 32), i = Int(v & 0xffff_ffff)
            if i != seen[p] + 1 { ordered = false }
            seen[p] = i
            count += 1
        }
        done.wait()
        #expect(ordered, "each producer's values arrive in its order")
        #expect(seen == [Int](repeating: perProducer - 1, count: producers))
        #expect(ring.pop() == nil)
    }
}

/// What an adapter pushes is checked at the door: malformed quotes are refused and counted.
@Suite struct QuoteValidationTests {
    @Test func crossedQuotesAreRefusedAndCounted() throws {
        let scratch = try Scratch()
        try scratch.example("synthetic_lp")
        let log = CollectingLogSink()
        let manifest = try scratch.manifest("""
        version: 1
        plugins:
          - id: crossing
            kind: lp-adapter
            path: libsynthetic_lp.so
            config:
              quotes_per_second: 500
              quote_fault: cross
              fault_after_quotes: 10
        bindings:
          symbols:
            - symbol: EURUSD
              lps: [{lp: crossing}]
        """)
        let host = scratch.host(manifest, logSink: log)
        try host.loadAll()
        defer { host.shutdown() }
        let lp = try #require(host.lpAdapter(id: "crossing"))
        try lp.start()
        #expect(eventually { lp.feedCounters.quotesRefused >= 2 })
        var delivered: [IngestedQuote] = []
        lp.drainQuotes { delivered.append($0) }
        #expect(!delivered.isEmpty)
        #expect(delivered.allSatisfy { $0.quote.bid_ticks <= $0.quote.ask_ticks })
        #expect(log.messages.contains { $0.contains("[crossing] warning: quote refused: crossed") })
    }

    @Test func aFullQuoteRingDropsAndCountsWithoutBlockingTheAdapter() throws {
        let scratch = try Scratch()
        try scratch.example("synthetic_lp")
        let manifest = try scratch.manifest("""
        version: 1
        plugins:
          - id: fast
            kind: lp-adapter
            path: libsynthetic_lp.so
            config:
              quotes_per_second: 5000
        bindings:
          symbols:
            - symbol: EURUSD
              lps: [{lp: fast}]
        """)
        let loader = scratch.loader()
        let library = try loader.load(path: manifest.plugins[0].resolvedPath, expectedSHA256: nil, pluginID: "fast")
        let adapter = try LPAdapterInstance(instanceID: "fast", library: library, factory: try library.factory(for: .lpAdapter, pluginID: "fast"),
                                            config: manifest.plugins[0].config, manifestPath: manifest.path,
                                            logSink: CollectingLogSink(), quoteCapacity: 16)
        defer { adapter.destroy() }
        try adapter.subscribe([LPSubscription(symbolID: 1, symbol: "EURUSD", lpSymbol: "EURUSD")])
        try adapter.start()
        // Nobody drains: the 16-slot ring fills and further quotes are dropped, not queued.
        #expect(eventually { adapter.feedCounters.quotesDroppedFull > 0 })
        adapter.stop()
        let counters = adapter.feedCounters
        #expect(counters.quotesAccepted == 16)
        #expect(adapter.drainQuotes { _ in } == 16)
    }
}
