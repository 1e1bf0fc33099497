#if canImport(Glibc)
import Glibc
#endif

/// Severity of a plugin's log record (the ABI's RTX_LOG_* values).
public enum PluginLogLevel: Int32, Sendable, Comparable, CustomStringConvertible {
    case trace = 0, debug, info, warning, error
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String {
        switch self {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .warning: "warning"
        case .error: "error"
        }
    }
}

/// Where plugin log records and the host's own records about plugins go.
/// Thread: `write` is called from any thread, concurrently (plugin threads included).
public protocol PluginLogSink: Sendable {
    func write(source: String, level: PluginLogLevel, message: String)
}

/// Writes records to standard error as `[source] level: message` (stdio serializes lines).
public struct StandardErrorLogSink: PluginLogSink {
    public var minimumLevel: PluginLogLevel
    public init(minimumLevel: PluginLogLevel = .info) { self.minimumLevel = minimumLevel }
    public func write(source: String, level: PluginLogLevel, message: String) {
        guard level >= minimumLevel else { return }
        let line = "[\(source)] \(level): \(message)\n"
        _ = line.withCString { Glibc.write(2, $0, strlen($0)) }
    }
}
