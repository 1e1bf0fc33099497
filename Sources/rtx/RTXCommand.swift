import ArgumentParser
import RTXEngine

/// `rtx`: the RTX trading engine's command line.
struct RTXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtx",
        abstract: "RTX trading engine.",
        subcommands: [RunCommand.self, ReplayCommand.self, PluginsCommand.self, CoreCommand.self, OrderCommand.self, AccountCommand.self, QuotesCommand.self,
                      WatchCommand.self, StatusCommand.self, MetricsCommand.self, RolloverCommand.self, HashPasswordCommand.self])
}

/// `rtx plugins ...`: inspect and exercise the plugins of a manifest.
struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "Check and exercise the plugins named in a manifest.",
        subcommands: [PluginsCheckCommand.self, PluginsStreamCommand.self, PluginsPinCommand.self, PluginsReloadCommand.self])
}

/// `rtx plugins reload`: the running engine re-reads plugins.yaml and applies the difference.
struct PluginsReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Ask the running engine to re-read plugins.yaml and hot-swap what changed.")
    @OptionGroup var socket: SocketOption

    func run() throws {
        try sendControl(["op": "reload"], socket) { $0["report"] as? String ?? "" }
    }
}
