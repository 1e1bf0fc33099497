import Logging
import RTXObservability
import RTXPluginHost

/// The engine's structured logs through swift-log: one logger per part (`rtx.engine`,
/// `rtx.plugin`), records carry metadata (the plugin id, the LP, the sequence) as key=value.
/// `bootstrap()` once per process before logging (the `rtx` command does it first thing).
/// Thread: any.
public enum EngineLog {
    public static func bootstrap(level: Logger.Level = .info) { EngineLogging.bootstrap(level: level) }

    /// A line of the engine's own (start, stop, recovery, journal pauses).
    public static func info(_ message: String, _ metadata: Logger.Metadata = [:]) {
        engine.info("\(message)", metadata: metadata.isEmpty ? nil : metadata)
    }

    public static func warning(_ message: String, _ metadata: Logger.Metadata = [:]) {
        engine.warning("\(message)", metadata: metadata.isEmpty ? nil : metadata)
    }

    static let engine = Logger(label: "rtx.engine")
}

/// Plugin log records (the ABI's host `log` service) as swift-log records of `rtx.plugin`
/// with the instance id as `plugin` metadata. Thread: any (plugins log from their threads).
public struct SwiftLogPluginSink: PluginLogSink {
    private let logger = Logger(label: "rtx.plugin")

    public init() {}

    public func write(source: String, level: PluginLogLevel, message: String) {
        let mapped: Logger.Level = switch level {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .warning: .warning
        case .error: .error
        }
        logger.log(level: mapped, "\(message)", metadata: ["plugin": "\(source)"])
    }
}
