import RTXPluginHost
#if canImport(Glibc)
import Glibc
#endif

/// `rtx-bench NAME [--plugins DIR]`: the RTX benchmarks. Each prints its numbers; none
/// asserts a target (a missed target is a finding, recorded in BENCHMARKS.md).
let benches: [String: (BenchSetup) throws -> Void] = [
    "plugin-call": PluginCallBench.run,
    "quote-ingest": QuoteIngestBench.run,
    "core-orders": CoreOrdersBench.run,
    "core-quotes": CoreQuotesBench.run,
    "core-risk": CoreRiskBench.run,
    "engine-orders": EngineOrdersBench.run,
    "quote-pipeline": QuotePipelineBench.run,
    "projector-lag": ProjectorLagBench.run,
    "api-orders": APIOrdersBench.run,
    "api-fanout": APIFanoutBench.run,
]

var arguments = Array(CommandLine.arguments.dropFirst())
var pluginDirectory = ".build/plugins"
if let i = arguments.firstIndex(of: "--plugins"), i + 1 < arguments.count {
    pluginDirectory = arguments[i + 1]
    arguments.removeSubrange(i ... i + 1)
}
let names = arguments.isEmpty ? benches.keys.sorted() : arguments
for name in names {
    guard let bench = benches[name] else {
        print("unknown benchmark '\(name)'; known: \(benches.keys.sorted().joined(separator: ", "))")
        exit(2)
    }
    do {
        try bench(BenchSetup(pluginDirectory: pluginDirectory))
    } catch {
        print("\(name): failed: \(error)")
        exit(1)
    }
}
