import CRTXABI
import Foundation
import Synchronization
import Testing
@testable import RTXPluginHost

/// Counters the swap probe fixture keeps about its own instances.
struct ProbeCounters: Equatable {
    var created = 0, destroyed = 0, callsAfterDestroy = 0
    static func + (a: Self, b: Self) -> Self {
        Self(created: a.created + b.created, destroyed: a.destroyed + b.destroyed, callsAfterDestroy: a.callsAfterDestroy + b.callsAfterDestroy)
    }
    static func read(_ library: LoadedLibrary) -> ProbeCounters {
        typealias Fn = @convention(c) (UnsafeMutablePointer<Int>, UnsafeMutablePointer<Int>, UnsafeMutablePointer<Int>) -> Void
        guard let symbol = library.symbol(named: "swap_probe_counters") else { return ProbeCounters() }
        var c = 0, d = 0, a = 0
        unsafeBitCast(symbol, to: Fn.self)(&c, &d, &a)
        return ProbeCounters(created: c, destroyed: d, callsAfterDestroy: a)
    }
}

/// Builds the probe variants and a manifest around them.
struct ProbeSetup {
    let scratch: Scratch
    init(_ scratch: Scratch) throws {
        self.scratch = scratch
        try scratch.fixture("swap_probe", as: "libprobe_a.so", defines: ["PROBE_VARIANT=\"A\""])
        try scratch.fixture("swap_probe", as: "libprobe_b.so", defines: ["PROBE_VARIANT=\"B\""])
    }

    func manifestText(routing: String = "libprobe_a.so", fees: String = "libprobe_a.so", generation: Int = 0,
                      extraRouting: String = "", fallback: String = "b-book") -> String {
        """
        version: 1
        plugins:
          - id: route
            kind: routing-policy
            path: \(routing)
        \(extraRouting)    config:
              generation: \(generation)
          - id: fees
            kind: fee-model
            path: \(fees)
            config:
              generation: \(generation)
        bindings:
          groups:
            - {group: retail, routing: route, fee_model: fees, fallback: \(fallback)}
        """
    }

    func manifest(_ text: String) throws -> Manifest {
        try ManifestDecoder.decode(text: text, path: scratch.path + "/plugins.yaml")
    }
}

@Suite(.serialized) struct HotSwapTests {
    static let symbols = [FeeSymbol(symbolID: 1, symbol: "EURUSD", priceDigits: 5, profitCurrency: "USD", contractUnitsE8: 1)]

    @Test func thousandSwapsOfEachKindWhileTwoThreadsCallContinuously() throws {
        let scratch = try Scratch()
        let probe = try ProbeSetup(scratch)
        let host = scratch.host(try probe.manifest(probe.manifestText()))
        try host.loadAll()
        let stop = Atomic<Bool>(false)
        let bad = Mutex<[String]>([])
        let callsMade = Atomic<Int>(0)
        let answered = Atomic<Int>(0)
        let done = DispatchGroup()
        for thread in 0 ..< 2 {
            done.enter()
            Thread {
                let reader = host.epochs.register()!
                var lastGeneration = -1
                while !stop.load(ordering: .relaxed) {
                    callsMade.add(2, ordering: .relaxed)
                    let outcome = host.routing.decide(group: "retail", request: RoutingRequest(), reader: reader)
                    guard case .decided(let decision, _) = outcome,
                          let generation = Int(decision.reason.split(separator: "=").last ?? "") else {
                        bad.withLock { $0.append("thread \(thread) routing: \(outcome)") }
                        continue
                    }
                    if generation < lastGeneration { bad.withLock { $0.append("thread \(thread) went back from \(lastGeneration) to \(generation)") } }
                    lastGeneration = generation
                    answered.add(1, ordering: .relaxed)
                    switch host.fees.requestSchedule(group: "retail", symbols: Self.symbols, nowNs: 0, reader: reader) {
                    case .schedule(let s, _, _) where s.commissionTiers.count == 1: answered.add(1, ordering: .relaxed)
                    case let other: bad.withLock { $0.append("thread \(thread) fees: \(other)") }
                    }
                }
                reader.unregister()
                done.leave()
            }.start()
        }
        // Let the callers get going, then swap 1,000 times: every swap changes both plugins'
        // config, and every other one also changes their library build (A <-> B).
        _ = eventually { answered.load(ordering: .relaxed) > 100 }
        for i in 1 ... 1000 {
            let library = i % 2 == 0 ? "libprobe_a.so" : "libprobe_b.so"
            let report = host.apply(try probe.manifest(probe.manifestText(routing: library, fees: library, generation: i)), trigger: "test")
            if !report.failed.isEmpty || report.applied.count != 2 { bad.withLock { $0.append("swap \(i): \(report)") } }
        }
        let callsDuringSwaps = answered.load(ordering: .relaxed)
        _ = eventually { answered.load(ordering: .relaxed) > callsDuringSwaps + 100 }
        stop.store(true, ordering: .relaxed)
        done.wait()

        #expect(bad.withLock { $0 }.isEmpty, "\(bad.withLock { $0.prefix(5) })")
        #expect(answered.load(ordering: .relaxed) == callsMade.load(ordering: .relaxed), "no lost call: every call was answered by a plugin")
        #expect(callsDuringSwaps > 500, "the two threads kept calling during the swaps")
        // The last swap is in force.
        let reader = host.epochs.register()!
        if case .decided(let d, let source) = host.routing.decide(group: "retail", request: RoutingRequest(), reader: reader) {
            #expect(d.reason == "variant=A gen=1000")
            #expect(source.pluginVersion == "1.0.0-A")
        } else { Issue.record("no decision after the swaps") }
        reader.unregister()

        #expect(host.reclaimer.drain(timeoutNs: 5_000_000_000))
        let libraries = host.loader.libraries
        #expect(libraries.count == 2, "two builds, each loaded once")
        let counters = libraries.map(ProbeCounters.read).reduce(ProbeCounters(), +)
        #expect(counters.callsAfterDestroy == 0, "no call into a destroyed instance")
        #expect(counters.created == 2 * 1001)
        #expect(counters.destroyed == counters.created - 2, "every replaced instance destroyed; the two current ones live")
        host.shutdown()
        #expect(libraries.map(ProbeCounters.read).reduce(ProbeCounters(), +).destroyed == counters.created)
    }

    @Test func aFailedSwapLeavesTheOldPluginServing() throws {
        let scratch = try Scratch()
        let probe = try ProbeSetup(scratch)
        let host = scratch.host(try probe.manifest(probe.manifestText(generation: 1)))
        try host.loadAll()
        defer { host.shutdown() }
        let reader = host.epochs.register()!
        defer { reader.unregister() }
        func reason() -> String? { host.routing.decide(group: "retail", request: RoutingRequest(), reader: reader).decision?.reason }
        #expect(reason() == "variant=A gen=1")

        // The plugin's own init/create error.
        var text = probe.manifestText(generation: 2).replacingOccurrences(of: "generation: 2\n  - id: fees", with: "generation: 2\n      fail_create: yes\n  - id: fees")
        var report = host.apply(try probe.manifest(text), trigger: "test")
        #expect(report.failed.contains { $0.contains("route") && $0.contains("fail_create") && $0.contains("the old instance keeps serving") }, "\(report)")
        #expect(reason() == "variant=A gen=1")

        // A bad file: group-writable.
        try FileManager.default.copyItem(atPath: scratch.path + "/libprobe_b.so", toPath: scratch.path + "/libprobe_w.so")
        chmod(scratch.path + "/libprobe_w.so", 0o775)
        report = host.apply(try probe.manifest(probe.manifestText(routing: "libprobe_w.so", generation: 3)), trigger: "test")
        #expect(report.failed.contains { $0.contains("route") && $0.contains("writable by group") }, "\(report)")
        #expect(reason() == "variant=A gen=1")

        // An ABI refusal.
        try scratch.fixture("abi_version", as: "libminor9.so", defines: ["FIXTURE_MAJOR=1", "FIXTURE_MINOR=9"])
        report = host.apply(try probe.manifest(probe.manifestText(routing: "libminor9.so", generation: 4)), trigger: "test")
        #expect(report.failed.contains { $0.contains("needs RTX ABI 1.9; this host provides RTX ABI 1.1") }, "\(report)")
        #expect(reason() == "variant=A gen=1")

        // A manifest that does not validate changes nothing.
        text = probe.manifestText(generation: 5).replacingOccurrences(of: "kind: routing-policy", with: "kind: routing")
        try scratch.write(text, to: "plugins.yaml")
        report = host.reload(trigger: "test")
        #expect(report.failed.first?.contains("unknown plugin kind 'routing'") == true, "\(report)")
        #expect(reason() == "variant=A gen=1")

        // And a good swap still works afterwards.
        report = host.apply(try probe.manifest(probe.manifestText(routing: "libprobe_b.so", generation: 6)), trigger: "test")
        #expect(report.failed.isEmpty, "\(report)")
        #expect(reason() == "variant=B gen=6")
    }

    @Test func aRebuiltLibraryAtTheSamePathIsLoadedAsNewCode() throws {
        let scratch = try Scratch()
        let probe = try ProbeSetup(scratch)
        let path = scratch.path + "/libprobe.so"
        try FileManager.default.copyItem(atPath: scratch.path + "/libprobe_a.so", toPath: path)
        let host = scratch.host(try probe.manifest(probe.manifestText(routing: "libprobe.so", generation: 1)))
        try host.loadAll()
        defer { host.shutdown() }
        let reader = host.epochs.register()!
        defer { reader.unregister() }
        #expect(host.routing.decide(group: "retail", request: RoutingRequest(), reader: reader).decision?.reason == "variant=A gen=1")
        // "Rebuild" in place the way a deploy should: new file, renamed over the old path.
        try scratch.fixture("swap_probe", as: "libprobe.so.new", defines: ["PROBE_VARIANT=\"B\""])
        #expect(rename(scratch.path + "/libprobe.so.new", path) == 0)
        let report = host.apply(try probe.manifest(probe.manifestText(routing: "libprobe.so", generation: 1)), trigger: "test")
        #expect(report.applied.contains { $0.contains("route: swapped") && $0.contains("1.0.0-A") && $0.contains("1.0.0-B") }, "\(report)")
        #expect(host.routing.decide(group: "retail", request: RoutingRequest(), reader: reader).decision?.reason == "variant=B gen=1")
    }

    @Test func reloadFollowsAFileChangeAndASIGHUP() throws {
        let scratch = try Scratch()
        let probe = try ProbeSetup(scratch)
        let file = try scratch.write(probe.manifestText(generation: 1), to: "plugins.yaml")
        let host = scratch.host(try ManifestDecoder.load(path: file))
        try host.loadAll()
        defer { host.shutdown() }
        let watcher = ManifestWatcher(host: host, pollIntervalMs: 20)
        watcher.start()
        defer { watcher.stop() }
        let reader = host.epochs.register()!
        defer { reader.unregister() }
        func reason() -> String? { host.routing.decide(group: "retail", request: RoutingRequest(), reader: reader).decision?.reason }

        // A tool rewrites the manifest atomically: the watcher sees it and swaps.
        try AtomicFile.write(probe.manifestText(generation: 2), to: file)
        #expect(eventually { reason() == "variant=A gen=2" })
        // The report is stored just after the swap becomes visible.
        #expect(eventually { watcher.reloadReports.last?.trigger == "file change" })

        // SIGHUP reloads even when the file looks unchanged to the poller (same size and
        // mtime restored): the library changed underneath instead.
        var info = stat()
        stat(file, &info)
        try FileManager.default.removeItem(atPath: scratch.path + "/libprobe_a.so")
        try FileManager.default.copyItem(atPath: scratch.path + "/libprobe_b.so", toPath: scratch.path + "/libprobe_a.so")
        let before = watcher.reloadReports.count
        usleep(100_000)
        #expect(watcher.reloadReports.count == before, "no reload without a trigger")
        kill(getpid(), SIGHUP)
        #expect(eventually { reason() == "variant=B gen=2" })
        #expect(eventually { watcher.reloadReports.last?.trigger == "SIGHUP" })
    }

    @Test func restartingOneLPAdapterLeavesAnotherStreaming() throws {
        let scratch = try Scratch()
        try scratch.example("synthetic_lp")
        func text(seedOfFirst: Int) -> String {
            """
            version: 1
            plugins:
              - id: lp-one
                kind: lp-adapter
                path: libsynthetic_lp.so
                config:
                  seed: \(seedOfFirst)
                  quotes_per_second: 200
              - id: lp-two
                kind: lp-adapter
                path: libsynthetic_lp.so
                config:
                  seed: 2
                  quotes_per_second: 200
            bindings:
              symbols:
                - symbol: EURUSD
                  lps: [{lp: lp-one, priority: 1}, {lp: lp-two, priority: 2}]
            """
        }
        let file = try scratch.write(text(seedOfFirst: 1), to: "plugins.yaml")
        let host = scratch.host(try ManifestDecoder.load(path: file))
        try host.loadAll()
        try host.startAdapters()
        defer { host.shutdown() }
        let one = try #require(host.lpAdapter(id: "lp-one"))
        let two = try #require(host.lpAdapter(id: "lp-two"))
        #expect(eventually { one.drainQuotes { _ in } > 0 && two.drainQuotes { _ in } > 0 })

        // Drain lp-two on another thread across the restart of lp-one.
        let stop = Atomic<Bool>(false)
        let receivedDuringReload = Atomic<Int>(0)
        let reloading = Atomic<Bool>(false)
        let done = DispatchGroup()
        done.enter()
        Thread {
            while !stop.load(ordering: .relaxed) {
                let n = two.drainQuotes { _ in }
                if reloading.load(ordering: .relaxed) { receivedDuringReload.add(n, ordering: .relaxed) }
                usleep(1_000)
            }
            done.leave()
        }.start()
        _ = two.takeConnectionEvents()
        let emittedBefore = two.stats()?.quotesEmitted ?? 0
        try AtomicFile.write(text(seedOfFirst: 7), to: file)
        reloading.store(true, ordering: .relaxed)
        let report = host.reload(trigger: "test")
        // Keep watching lp-two a little after the reload, then stop.
        _ = eventually(timeoutMs: 2_000) { receivedDuringReload.load(ordering: .relaxed) > 0 }
        stop.store(true, ordering: .relaxed)
        done.wait()

        #expect(report.applied == ["lp-one: restarted with org.rtx.examples.synthetic-lp 1.0.0"], "\(report)")
        #expect(host.lpAdapter(id: "lp-two") === two, "lp-two was not touched")
        #expect(two.state == .started)
        #expect(two.takeConnectionEvents().isEmpty, "lp-two did not reconnect or stop")
        #expect(two.stats()?.reconnects == 0)
        #expect((two.stats()?.quotesEmitted ?? 0) > emittedBefore, "lp-two kept emitting")
        #expect(receivedDuringReload.load(ordering: .relaxed) > 0, "lp-two's quotes kept arriving")
        let restarted = try #require(host.lpAdapter(id: "lp-one"))
        #expect(restarted !== one)
        #expect(one.state == .destroyed)
        #expect(eventually { restarted.drainQuotes { _ in } > 0 })
    }
}
