#if canImport(Glibc)
import Glibc
#endif

/// Where the store's few log lines go (server started, reused, moved to another folder).
/// Thread: called from whichever thread starts or stops a server.
public typealias StoreLogger = @Sendable (String) -> Void

public enum StoreLog {
    /// Writes `[store] line` to standard error, one write per line.
    public static let standardError: StoreLogger = { line in
        let text = "[store] \(line)\n"
        _ = text.withCString { Glibc.write(2, $0, strlen($0)) }
    }

    /// Drops every line.
    public static let silent: StoreLogger = { _ in }
}
