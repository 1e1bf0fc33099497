import CRTXABI
import RTXPluginHost

/// The cost of a routing decision through the ABI with the hot-swap machinery (epoch read
/// section, table load, group lookup by index) against the plugin's decide function called
/// directly, plus the full host path (validation into Swift values) for reference.
enum PluginCallBench {
    static let iterations = 5_000_000

    static func run(_ setup: BenchSetup) throws {
        let (manifest, state) = try setup.manifest("""
        version: 1
        plugins:
          - id: b-book
            kind: routing-policy
            path: \(try setup.plugin("libb_book_routing.so"))
          - id: flat
            kind: fee-model
            path: \(try setup.plugin("libflat_commission.so"))
            config:
              per_lot: 3.50
        bindings:
          groups:
            - {group: retail, routing: b-book, fee_model: flat}
        """, name: "plugin-call")
        let host = PluginHost(manifest: manifest, stateDirectory: state)
        try host.loadAll()
        defer { host.shutdown() }
        guard let reader = host.epochs.register(), let group = host.groups.index(of: "retail"),
              let policy = host.routingPolicy(id: "b-book") else { throw BenchError("setup failed") }
        defer { reader.unregister() }

        var request = RoutingRequest()
        request.symbol = "EURUSD"
        request.group = "retail"
        request.volume = 100_000_000
        request.bidTicks = 108_500
        request.askTicks = 108_508
        let (direct, machinery, full) = request.withUnsafeCContext { context in
            let (function, instance) = policy.unsafeDecideEntry
            var decision = rtx_routing_decision_t()
            decision.struct_size = UInt32(MemoryLayout<rtx_routing_decision_t>.size)
            var error = rtx_error_t()
            error.struct_size = UInt32(MemoryLayout<rtx_error_t>.size)
            var sink = 0
            let direct = bestNanosecondsPerIteration(iterations: iterations) { n in
                for _ in 0 ..< n { sink &+= Int(function(instance, context, &decision, &error)) }
            }
            let machinery = bestNanosecondsPerIteration(iterations: iterations) { n in
                for _ in 0 ..< n {
                    sink &+= Int(host.routing.unvalidatedDecision(groupIndex: group, context: context, decision: &decision,
                                                                   error: &error, reader: reader))
                }
            }
            let full = bestNanosecondsPerIteration(iterations: iterations / 10) { n in
                for _ in 0 ..< n {
                    if case .decided = host.routing.decide(groupIndex: group, context: context, reader: reader) { sink &+= 1 }
                }
            }
            if sink == 42 { print("") }   // keeps the loops observable
            return (direct, machinery, full)
        }
        print("plugin-call: routing decision through the RTX ABI (\(iterations) calls, best of 5; \(machineDescription()))")
        print("  direct C call of the plugin's decide             \(format(direct)) ns")
        print("  through the ABI + hot-swap machinery             \(format(machinery)) ns   (added: \(format(machinery - direct)) ns; target < 10)")
        print("  full host decision (validated, Swift values)     \(format(full)) ns")
    }
}

