import Logging
#if canImport(Glibc)
import Glibc
#endif

/// A swift-log handler writing one line per record to standard error:
/// `2026-11-27T06:58:26.123Z info rtx.engine message key=value key=value`, metadata sorted by
/// key, values with spaces or quotes quoted — greppable by a person and parseable by a log
/// shipper. Thread: any (one `write` per line, which the kernel keeps whole for lines under
/// PIPE_BUF on a pipe).
public struct KeyValueLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String

    public init(label: String, level: Logger.Level = .info) {
        self.label = label
        logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        var line = "\(Self.timestamp()) \(event.level) \(label) \(event.message)"
        for key in all.keys.sorted() { line += " \(key)=\(Self.quoted("\(all[key]!)"))" }
        line += "\n"
        _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    }

    /// Wall time in UTC, ISO 8601 with milliseconds.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let ms = now.tv_nsec / 1_000_000
        let msText = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(msText)Z"
    }

    static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\n" }) else { return value }
        var out = "\""
        for c in value {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out + "\""
    }
}

/// Logging for the process: swift-log bootstrapped once onto `KeyValueLogHandler`.
public enum EngineLogging {
    nonisolated(unsafe) private static var done = false
    private static let lock = PThreadOnce()

    /// Bootstraps swift-log (first call only). Thread: any.
    public static func bootstrap(level: Logger.Level = .info) {
        lock.run {
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { KeyValueLogHandler(label: $0, level: level) }
        }
    }
}

/// A pthread mutex for one-time set-up.
final class PThreadOnce: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    func run(_ body: () -> Void) {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        body()
    }
}
