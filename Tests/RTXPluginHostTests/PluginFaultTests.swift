import CRTXABI
import Foundation
import Testing
@testable import RTXPluginHost

/// Every plugin fault gets the group's fallback and is counted against the instance.
@Suite struct PluginFaultTests {
    func host(_ scratch: Scratch, mode: String, fallback: String, extra: String = "") throws -> PluginHost {
        try scratch.fixture("faulty_plugins", as: "libfaulty.so")
        let host = scratch.host(try scratch.manifest("""
        version: 1
        plugins:
          - id: route
            kind: routing-policy
            path: libfaulty.so
        \(extra)    config:
              mode: \(mode)
          - id: fees
            kind: fee-model
            path: libfaulty.so
            config:
              mode: \(mode)
        bindings:
          groups:
            - {group: retail, routing: route, fee_model: fees, fallback: \(fallback)}
        """))
        try host.loadAll()
        return host
    }

    @Test(arguments: ["error", "bad-book", "bad-hedge", "unterminated", "unknown-lp"])
    func routingFaultsFallBackToBBookAndAreCounted(mode: String) throws {
        let scratch = try Scratch()
        let log = CollectingLogSink()
        try scratch.fixture("faulty_plugins", as: "libfaulty.so")
        let host = scratch.host(try scratch.manifest("""
        version: 1
        plugins:
          - id: route
            kind: routing-policy
            path: libfaulty.so
            config:
              mode: \(mode)
          - {id: fees, kind: fee-model, path: libfaulty.so}
        bindings:
          groups:
            - {group: retail, routing: route, fee_model: fees, fallback: b-book}
        """), logSink: log)
        try host.loadAll()
        defer { host.shutdown() }
        let reader = host.epochs.register()!
        defer { reader.unregister() }
        for _ in 0 ..< 3 {
            let outcome = host.routing.decide(group: "retail", request: RoutingRequest(), reader: reader)
            guard case .fellBack(let decision, let fault) = outcome else {
                Issue.record("\(mode): \(outcome)")
                return
            }
            #expect(decision.book == .b && decision.hedgeRatioPPM == 0)
            #expect(decision.reason.hasPrefix("fallback b-book: route (org.rtx.fixture.faulty 1.0.0) decide failed"))
            #expect(fault.contains("org.rtx.fixture.faulty 1.0.0"))
        }
        let stats = try #require(host.managedRoutingPolicy(id: "route")).callGuard.stats
        #expect(stats.calls == 3)
        #expect(mode == "error" ? stats.errors == 3 : stats.outOfRange == 3)
        #expect(stats.faults == 3)
        #expect(log.messages.contains { $0.contains("[route] warning: org.rtx.fixture.faulty 1.0.0:") })
    }

    @Test func rejectFallbackRefusesWithAReason() throws {
        let scratch = try Scratch()
        let host = try host(scratch, mode: "bad-book", fallback: "reject")
        defer { host.shutdown() }
        let reader = host.epochs.register()!
        defer { reader.unregister() }
        let outcome = host.routing.decide(group: "retail", request: RoutingRequest(), reader: reader)
        guard case .rejected(let reason) = outcome else { Issue.record("\(outcome)"); return }
        #expect(reason.hasPrefix("routing unavailable for group 'retail': route (org.rtx.fixture.faulty 1.0.0) decide failed"))
        #expect(reason.contains("book 7"))
        // An unbound group is refused, never guessed.
        guard case .rejected(let unbound) = host.routing.decide(group: "vip", request: RoutingRequest(), reader: reader) else {
            Issue.record("unbound group was not rejected"); return
        }
        #expect(unbound.contains("'vip' has no routing binding"))
    }

    @Test(arguments: ["error", "bad-currency", "negative", "unknown-symbol", "ignore-sink-errors"])
    func feeFaultsKeepTheScheduleInForceAndAreCounted(mode: String) throws {
        let scratch = try Scratch()
        let host = try host(scratch, mode: mode, fallback: "b-book")
        defer { host.shutdown() }
        let reader = host.epochs.register()!
        defer { reader.unregister() }
        let symbols = [FeeSymbol(symbolID: 1, symbol: "EURUSD", priceDigits: 5, profitCurrency: "USD", contractUnitsE8: 1)]
        guard case .failed(let fault) = host.fees.requestSchedule(group: "retail", symbols: symbols, nowNs: 0, reader: reader) else {
            Issue.record("\(mode): a schedule was accepted"); return
        }
        #expect(fault.contains("fees (org.rtx.fixture.faulty 1.0.0) build_schedule failed"))
        let stats = try #require(host.managedFeeModel(id: "fees")).callGuard.stats
        #expect(stats.calls == 1 && stats.faults == 1)
    }

    @Test func lateAnswersAreDiscardedAndRepeatedOverrunsQuarantine() throws {
        let scratch = try Scratch()
        let probe = try ProbeSetup(scratch)
        let log = CollectingLogSink()
        // A 1 ms budget; the probe spins 5 ms per call; quarantine after 3 overruns in a row.
        let text = probe.manifestText(generation: 1, extraRouting: "    call_budget_us: 1000\n    max_overruns: 3\n")
            .replacingOccurrences(of: "generation: 1\n  - id: fees", with: "generation: 1\n      spin_us: 5000\n  - id: fees")
        let host = scratch.host(try probe.manifest(text), logSink: log)
        try host.loadAll()
        defer { host.shutdown() }
        let reader = host.epochs.register()!
        defer { reader.unregister() }
        for call in 1 ... 5 {
            let outcome = host.routing.decide(group: "retail", request: RoutingRequest(), reader: reader)
            guard case .fellBack(let decision, let fault) = outcome else { Issue.record("call \(call): \(outcome)"); continue }
            #expect(decision.book == .b)
            #expect(fault.contains(call <= 3 ? "overran its 1000 µs budget" : "is quarantined"), "call \(call): \(fault)")
        }
        let stats = try #require(host.managedRoutingPolicy(id: "route")).callGuard.stats
        #expect(stats.calls == 3, "a quarantined plugin is not called")
        #expect(stats.overruns == 3)
        #expect(stats.skippedWhileQuarantined == 2)
        #expect(stats.quarantined)
        #expect(log.messages.contains { $0.contains("[route] error: org.rtx.fixture.swap-probe 1.0.0-A quarantined after 3 overruns in a row") })

        // Swapping in a fixed build (no spin) lifts the quarantine: it is a new instance. (Its
        // budget is generous so a slow or sanitized machine cannot overrun it.)
        let fixed = probe.manifestText(generation: 2, extraRouting: "    call_budget_us: 1000000\n    max_overruns: 3\n")
        #expect(host.apply(try probe.manifest(fixed), trigger: "test").failed.isEmpty)
        #expect(host.routing.decide(group: "retail", request: RoutingRequest(), reader: reader).decision?.reason == "variant=A gen=2")
    }

    @Test func anInBudgetCallResetsTheOverrunStreak() throws {
        let scratch = try Scratch()
        let probe = try ProbeSetup(scratch)
        let host = scratch.host(try probe.manifest(probe.manifestText(generation: 1, extraRouting: "    call_budget_us: 200000\n    max_overruns: 2\n")))
        try host.loadAll()
        defer { host.shutdown() }
        let guardian = try #require(host.managedRoutingPolicy(id: "route")).callGuard
        #expect(!guardian.recordDuration(300_000_000))
        #expect(guardian.recordDuration(1_000))
        #expect(!guardian.recordDuration(300_000_000))
        #expect(!guardian.stats.quarantined, "two overruns, but not in a row")
        #expect(!guardian.recordDuration(300_000_000))
        #expect(guardian.stats.quarantined)
    }
}
