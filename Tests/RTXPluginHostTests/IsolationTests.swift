import CRTXABI
import Foundation
import Testing
@testable import RTXPluginHost

/// Two libraries exporting identical symbol names load side by side (RTLD_LOCAL) and keep
/// using their own code and data.
@Suite struct IsolationTests {
    @Test func identicalSymbolNamesStaySeparate() throws {
        let scratch = try Scratch()
        let a = try scratch.fixture("identity_policy", as: "libidentity_a.so", defines: ["FIXTURE_NAME=\"a\""])
        let b = try scratch.fixture("identity_policy", as: "libidentity_b.so", defines: ["FIXTURE_NAME=\"b\""])
        // Both really export the same names.
        for library in [a, b] {
            let symbols = try run("nm", ["-D", "--defined-only", library]).output
            for name in ["rtx_plugin_entry_v1", "rtx_fixture_identity", "rtx_fixture_calls"] {
                #expect(symbols.contains(name), "\(library) exports \(name)")
            }
        }
        let manifest = try scratch.manifest("""
        version: 1
        plugins:
          - {id: policy-a, kind: routing-policy, path: libidentity_a.so}
          - {id: policy-b, kind: routing-policy, path: libidentity_b.so}
        """)
        let host = scratch.host(manifest)
        try host.loadAll()
        defer { host.shutdown() }
        let pa = try #require(host.routingPolicy(id: "policy-a"))
        let pb = try #require(host.routingPolicy(id: "policy-b"))
        #expect(pa.library.descriptor.pluginID == "org.rtx.fixture.identity-a")
        #expect(pb.library.descriptor.pluginID == "org.rtx.fixture.identity-b")
        let request = RoutingRequest()
        #expect(try pa.decide(request, knownLPs: { _ in false }).get().reason == "identity=a calls=1")
        #expect(try pa.decide(request, knownLPs: { _ in false }).get().reason == "identity=a calls=2")
        #expect(try pb.decide(request, knownLPs: { _ in false }).get().reason == "identity=b calls=1")
        #expect(try pa.decide(request, knownLPs: { _ in false }).get().reason == "identity=a calls=3")
    }
}

/// The host refuses a plugin's bad answers: errors, out-of-range decisions, malformed schedules.
@Suite struct PluginAnswerTests {
    func host(_ scratch: Scratch, mode: String) throws -> PluginHost {
        try scratch.fixture("faulty_plugins", as: "libfaulty.so")
        let manifest = try scratch.manifest("""
        version: 1
        plugins:
          - id: route
            kind: routing-policy
            path: libfaulty.so
            config:
              mode: \(mode)
          - id: fees
            kind: fee-model
            path: libfaulty.so
            config:
              mode: \(mode)
        """)
        let host = scratch.host(manifest)
        try host.loadAll()
        return host
    }

    @Test(arguments: [
        ("ok", nil),
        ("error", "decide failed [internal]: fixture asked to fail"),
        ("bad-book", "out-of-range answer: book 7 is not RTX_BOOK_A (1), RTX_BOOK_B (2) or RTX_BOOK_C (3)"),
        ("bad-hedge", "out-of-range answer: hedge_ratio_ppm 1500000 is outside 0...1000000 (0 to 1)"),
        ("unterminated", "out-of-range answer: preferred_lp or reason is not a NUL-terminated UTF-8 string"),
        ("unknown-lp", "out-of-range answer: preferred_lp 'no-such-lp' is not an LP adapter of this engine"),
    ] as [(String, String?)])
    func routingAnswersAreChecked(mode: String, expected: String?) throws {
        let scratch = try Scratch()
        let host = try host(scratch, mode: mode)
        defer { host.shutdown() }
        let result = try #require(host.routingPolicy(id: "route")).decide(RoutingRequest(), knownLPs: { $0 == "lp-1" })
        switch (result, expected) {
        case (.success(let decision), nil):
            #expect(decision == RoutingDecision(book: .c, hedgeRatioPPM: 250_000, preferredLP: "", reason: "faulty fixture"))
        case (.failure(let error), let expected?):
            #expect(error.description.contains(expected), "\(error)")
            #expect(error.description.hasPrefix("route (org.rtx.fixture.faulty 1.0.0)"))
        default:
            Issue.record("mode \(mode): got \(result)")
        }
    }

    @Test(arguments: [
        ("ok", nil),
        ("error", "build_schedule failed [internal]: fixture asked to fail"),
        ("bad-currency", "malformed fee schedule: commission tier */*: currency must be three capital letters"),
        ("negative", "malformed fee schedule: commission tier */*: from_volume, per_lot_money and minimum_money must not be negative"),
        ("unknown-symbol", "malformed fee schedule: commission tier: unknown symbol 'NOPE'"),
        // A plugin that ignores the sink's refusal and returns RTX_OK still gets its schedule refused.
        ("ignore-sink-errors", "build_schedule failed [invalid-argument]: malformed fee schedule: commission tier */*: currency must be three capital letters"),
    ] as [(String, String?)])
    func feeSchedulesAreChecked(mode: String, expected: String?) throws {
        let scratch = try Scratch()
        let host = try host(scratch, mode: mode)
        defer { host.shutdown() }
        let symbols = [FeeSymbol(symbolID: 1, symbol: "EURUSD", priceDigits: 5, profitCurrency: "USD", contractUnitsE8: 1)]
        let result = try #require(host.feeModel(id: "fees")).buildSchedule(groups: ["retail"], symbols: symbols, nowNs: 0)
        switch (result, expected) {
        case (.success(let schedule), nil):
            #expect(schedule.commissionTiers.count == 1)
        case (.failure(let error), let expected?):
            #expect(error.description.contains(expected), "\(error)")
        default:
            Issue.record("mode \(mode): got \(result)")
        }
    }

    @Test func createFailureNamesTheLine() throws {
        let scratch = try Scratch()
        try scratch.fixture("faulty_plugins", as: "libfaulty.so")
        let manifest = try scratch.manifest("""
        version: 1
        plugins:
          - id: route
            kind: routing-policy
            path: libfaulty.so
            config:
              mode: ok
              fail_create: yes
        """)
        let reports = PluginChecker.check(manifest: manifest, stateDirectory: scratch.stateDirectory, logSink: CollectingLogSink())
        #expect(reports.first?.refusal?.contains("plugins.yaml:8: fail_create is yes") == true, "\(reports.first?.refusal ?? "")")
    }
}
