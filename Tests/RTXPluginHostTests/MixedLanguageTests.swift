import CRTXABI
import Foundation
import Synchronization
import Testing
@testable import RTXPluginHost

/// Swift plugins (built with the SDK's Swift helpers) and C plugins of every kind, loaded
/// into one process and called from several threads; LP quotes arrive from each plugin's
/// own thread.
@Suite struct MixedLanguageTests {
    static let swiftExamples = ["SwiftRandomWalkLP", "SwiftVolumeRouting", "SwiftTieredCommission"]

    /// The Swift examples as `make plugins` builds them (built here if missing).
    static func swiftPlugin(_ name: String, into scratch: Scratch) throws -> String {
        let built = Repo.root + "/.build/plugins/lib\(name).so"
        if !FileManager.default.fileExists(atPath: built) {
            try run("swift", ["build", "-c", "release", "--package-path", Repo.root + "/sdk/examples/swift/\(name)",
                              "--scratch-path", Repo.root + "/.build/swift-plugins/\(name)"])
            try FileManager.default.createDirectory(atPath: Repo.root + "/.build/plugins", withIntermediateDirectories: true)
            try run("install", ["-m", "755", Repo.root + "/.build/swift-plugins/\(name)/release/lib\(name).so", built])
        }
        let copy = scratch.path + "/lib\(name).so"
        try FileManager.default.copyItem(atPath: built, toPath: copy)
        chmod(copy, 0o755)
        return copy
    }

    @Test func swiftAndCPluginsOfEveryKindServeTogetherFromManyThreads() throws {
        let scratch = try Scratch()
        for name in Self.swiftExamples { _ = try Self.swiftPlugin(name, into: scratch) }
        try scratch.example("synthetic_lp")
        try scratch.example("b_book_routing")
        try scratch.example("flat_commission")
        let host = scratch.host(try scratch.manifest("""
        version: 1
        plugins:
          - id: c-lp
            kind: lp-adapter
            path: libsynthetic_lp.so
            config:
              quotes_per_second: 200
          - id: swift-lp
            kind: lp-adapter
            path: libSwiftRandomWalkLP.so
            config:
              seed: 9
              quotes_per_second: 200
          - id: c-routing
            kind: routing-policy
            path: libb_book_routing.so
          - id: swift-routing
            kind: routing-policy
            path: libSwiftVolumeRouting.so
            config:
              threshold_lots: 1
              hedge_ppm: 400000
              lp: swift-lp
          - id: c-fees
            kind: fee-model
            path: libflat_commission.so
            config:
              per_lot: 3.50
          - id: swift-fees
            kind: fee-model
            path: libSwiftTieredCommission.so
            config:
              per_lot: 7
              large_per_lot: 4.5
              large_from_lots: 10
        bindings:
          symbols:
            - symbol: EURUSD
              lps: [{lp: c-lp, priority: 1}, {lp: swift-lp, priority: 2}]
          groups:
            - {group: retail, routing: c-routing, fee_model: swift-fees}
            - {group: vip, routing: swift-routing, fee_model: c-fees}
        """))
        try host.loadAll()
        defer { host.shutdown() }
        #expect(host.lpAdapter(id: "swift-lp")?.library.descriptor.toolchain == SwiftToolchain.current)
        #expect(host.routingPolicy(id: "swift-routing")?.library.descriptor.pluginID == "org.rtx.examples.swift-volume-routing")
        try host.startAdapters()

        // Quotes from both adapters' own threads.
        for id in ["c-lp", "swift-lp"] {
            let adapter = try #require(host.lpAdapter(id: id))
            var quotes: [IngestedQuote] = []
            #expect(eventually { adapter.drainQuotes { quotes.append($0) }; return quotes.count >= 10 }, "\(id) streams")
            #expect(quotes.allSatisfy { $0.quote.symbol_id == host.symbols.id(of: "EURUSD") && $0.quote.bid_ticks < $0.quote.ask_ticks })
            #expect(adapter.connectionState == .connected)
        }
        // An order through the Swift adapter fills at its own price.
        let swiftLP = try #require(host.lpAdapter(id: "swift-lp"))
        try swiftLP.sendOrder(LPOrder(engineOrderID: 77, symbolID: host.symbols.id(of: "EURUSD")!, lpSymbol: "EURUSD",
                                      side: RTX_SIDE_BUY, priceDigits: 5, volume: 50_000_000))
        var reports: [ExecutionReport] = []
        #expect(eventually { reports += swiftLP.takeExecutionReports(); return !reports.isEmpty })
        #expect(reports.first?.kind == .fill && reports.first?.engineOrderID == 77 && reports.first?.lastVolume == 50_000_000)

        // Four threads call both routing policies and both fee models at once.
        let symbols = [FeeSymbol(symbolID: 1, symbol: "EURUSD", priceDigits: 5, profitCurrency: "USD", contractUnitsE8: 100_000 * 100_000_000)]
        let problems = Mutex<[String]>([])
        let done = DispatchGroup()
        for t in 0 ..< 4 {
            done.enter()
            Thread {
                let reader = host.epochs.register()!
                defer { reader.unregister(); done.leave() }
                var big = RoutingRequest()
                big.volume = 200_000_000
                big.lpStates = [RoutingLPState(lpID: "swift-lp", state: .connected, lastQuoteAgeMs: 1)]
                var small = big
                small.volume = 10_000_000
                for i in 0 ..< 2_000 {
                    let vip = host.routing.decide(group: "vip", request: i % 2 == 0 ? big : small, reader: reader)
                    let expected: (Book, UInt32) = i % 2 == 0 ? (.c, 400_000) : (.b, 0)
                    if vip.decision?.book != expected.0 || vip.decision?.hedgeRatioPPM != expected.1
                        || (i % 2 == 0 && vip.decision?.preferredLP != "swift-lp") {
                        problems.withLock { $0.append("thread \(t) vip: \(vip)") }
                    }
                    if host.routing.decide(group: "retail", request: big, reader: reader).decision?.book != .b {
                        problems.withLock { $0.append("thread \(t) retail routing") }
                    }
                    if i % 50 == 0 {
                        for (group, perLot) in [("retail", Int64(700_000_000)), ("vip", Int64(350_000_000))] {
                            guard case .schedule(let s, _, _) = host.fees.requestSchedule(group: group, symbols: symbols, nowNs: 0, reader: reader),
                                  s.commissionTiers.first(where: { $0.fromVolume == 0 })?.perLotMoney == perLot else {
                                problems.withLock { $0.append("thread \(t) \(group) fees") }
                                continue
                            }
                        }
                    }
                }
            }.start()
        }
        done.wait()
        #expect(problems.withLock { $0 }.isEmpty, "\(problems.withLock { $0.prefix(3) })")
        let swiftRouting = try #require(host.managedRoutingPolicy(id: "swift-routing")).callGuard.stats
        #expect(swiftRouting.calls == 8_000 && swiftRouting.faults == 0)
        #expect(try #require(host.lpAdapter(id: "swift-lp")).feedCounters.quotesRefused == 0)
    }
}
