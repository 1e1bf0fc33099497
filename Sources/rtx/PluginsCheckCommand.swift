import ArgumentParser
import RTXEngine
import RTXPluginHost

/// `rtx plugins check [FILE]`: loads every plugin of a manifest exactly as the engine would
/// (permission and pin checks, private copy, dlopen, ABI checks, factory, create with its
/// config), prints each descriptor, and exits non-zero naming every refusal.
struct PluginsCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Load every plugin of a manifest and say whether each would load.")

    @Argument(help: "The manifest.")
    var manifest: String = "plugins.yaml"

    @Option(name: .customLong("state-dir"), help: "Folder for the engine's private state (the plugin cache lives in <state-dir>/plugin-cache).")
    var stateDirectory: String = ".rtx"

    func run() throws {
        let parsed = try CommandSupport.loadManifest(manifest)
        try StateDirectory.ensure(stateDirectory)
        let reports = PluginChecker.check(manifest: parsed, stateDirectory: stateDirectory)
        print("\(manifest): \(parsed.plugins.count) plugin(s), \(parsed.symbols.count) symbol binding(s), \(parsed.groups.count) group binding(s); host ABI \(HostABI.versionString)")
        for report in reports {
            print("")
            print("\(report.entry.id)  [\(report.entry.kind.rawValue)]")
            if let d = report.descriptor {
                print("  plugin     \(d.pluginID) \(d.pluginVersion)")
                if let text = d.description { print("  about      \(text)") }
                print("  abi        \(d.abiVersion) (descriptor \(d.structSize) bytes)")
                print("  toolchain  \(d.toolchain)")
                if let license = d.license { print("  license    \(license)") }
            }
            print("  path       \(report.entry.resolvedPath)")
            if let v = report.verified {
                print("  sha256     \(v.sha256)\(report.entry.sha256 == nil ? "" : " (pinned)")")
                print("  loaded as  \(v.cachePath)")
            }
            print(report.wouldLoad ? "  ok         would load" : "  REFUSED    \(report.refusal!)")
        }
        let refused = reports.filter { !$0.wouldLoad }.count
        print("")
        if refused > 0 {
            print("\(refused) of \(reports.count) plugin(s) would not load")
            throw ExitCode(1)
        }
        print("all \(reports.count) plugin(s) would load")
    }
}

func printError(_ text: String) {
    var stream = StandardError()
    print(text, to: &stream)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        _ = string.withCString { Glibc.write(2, $0, strlen($0)) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
