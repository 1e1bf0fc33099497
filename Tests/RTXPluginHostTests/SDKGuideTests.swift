import Foundation
import Testing
@testable import RTXPluginHost

/// sdk/README.md starts with a complete routing plugin: it must build with one cc line and load.
@Suite struct SDKGuideTests {
    static func firstCBlock() throws -> String {
        let guide = try String(contentsOfFile: Repo.root + "/sdk/README.md", encoding: .utf8)
        let lines = guide.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "```c" }),
              let end = lines[(start + 1)...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "```" }) else {
            throw CommandFailure(command: "find the first ```c block of sdk/README.md", output: "none")
        }
        return lines[(start + 1) ..< end].joined(separator: "\n") + "\n"
    }

    @Test func theGuidesFirstPluginIsCompleteShortAndLoads() throws {
        let source = try Self.firstCBlock()
        let lineCount = source.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        #expect(lineCount < 40, "the guide's first plugin has \(lineCount) lines")
        let scratch = try Scratch()
        let file = try scratch.write(source, to: "guide_plugin.c")
        // The one cc line the guide gives.
        try run("cc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-shared", "-fPIC", "-fvisibility=hidden",
                       "-I", Repo.sdkInclude, "-o", scratch.path + "/libguide.so", file])
        chmod(scratch.path + "/libguide.so", 0o755)
        let exported = try run("nm", ["-D", "--defined-only", scratch.path + "/libguide.so"]).output
        #expect(exported.contains("rtx_plugin_entry_v1"))
        let manifest = try scratch.manifest("""
        version: 1
        plugins:
          - id: guide
            kind: routing-policy
            path: libguide.so
            config:
              threshold_lots: 1
        """)
        let reports = PluginChecker.check(manifest: manifest, stateDirectory: scratch.stateDirectory, logSink: CollectingLogSink())
        #expect(reports.count == 1)
        #expect(reports.first?.wouldLoad == true, "\(reports.first?.refusal ?? "")")
        // And it decides.
        let host = scratch.host(manifest)
        try host.loadAll()
        defer { host.shutdown() }
        var request = RoutingRequest()
        request.volume = 100_000_000
        request.lpStates = [RoutingLPState(lpID: "synthetic", state: .connected, lastQuoteAgeMs: 1)]
        let result = try #require(host.routingPolicy(id: "guide")).decide(request, knownLPs: { _ in true })
        #expect((try? result.get()) != nil, "\(result)")
    }

    @Test func everyExampleBuildsWithTheOneLineRecipeAndExportsOnlyTheEntry() throws {
        let scratch = try Scratch()
        for example in ["synthetic_lp", "b_book_routing", "flat_commission"] {
            for compiler in ["cc", "clang"] {
                let out = scratch.path + "/lib\(example)-\(compiler).so"
                try run(compiler, ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-pedantic", "-shared", "-fPIC",
                                   "-fvisibility=hidden", "-I", Repo.sdkInclude, "-o", out, Repo.examples + "/\(example).c", "-lpthread"])
                let exported = try run("nm", ["-D", "--defined-only", out]).output
                    .split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) }
                    .filter { !$0.hasPrefix("_") }
                #expect(exported == ["rtx_plugin_entry_v1"], "\(example) with \(compiler) exports \(exported)")
            }
        }
    }
}
