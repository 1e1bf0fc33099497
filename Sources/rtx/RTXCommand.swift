import ArgumentParser
import RTXEngine

/// `rtx`: the RTX trading engine's command line.
struct RTXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtx",
        abstract: "RTX trading engine.",
        subcommands: [PluginsCommand.self, CoreCommand.self])
}

/// `rtx plugins ...`: inspect and exercise the plugins of a manifest.
struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "Check and exercise the plugins named in a manifest.",
        subcommands: [PluginsCheckCommand.self, PluginsStreamCommand.self, PluginsPinCommand.self])
}
