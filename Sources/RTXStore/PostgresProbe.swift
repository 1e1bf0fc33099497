import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// Checks a PostgreSQL server before the engine relies on it: opens one session with libpq's
/// non-blocking connect under our own deadline (libpq's `connect_timeout` counts whole
/// seconds, at least 2), then closes it. Thread: any; no shared state. Limits: at most
/// `timeoutMs` (name resolution aside: libpq resolves host names with a blocking call).
/// The password is handed to libpq as a keyword, never put in a URL or a message.
public enum PostgresProbe {
    public enum Outcome: Sendable, Equatable {
        case connected
        /// libpq's error, on one line (`connection to server at "127.0.0.1", port 1 failed: Connection refused ...`).
        case failed(message: String)
        /// The server did not finish the start-up (TCP, TLS, authentication) within the timeout.
        case timedOut
    }

    /// PostgreSQL's port when the URL names none.
    public static let defaultPort: UInt16 = 5432

    /// Connects to `url` (a libpq URL or conninfo) with `password` if given.
    public static func check(url: String, password: String?, timeoutMs: Int) -> Outcome {
        let deadlineMs = MonotonicClock.nowMs() + Int64(timeoutMs)
        var pairs = [("dbname", url), ("connect_timeout", String(max(2, (timeoutMs + 999) / 1_000))), ("application_name", "rtx-check")]
        if let password { pairs.append(("password", password)) }
        let keys = pairs.map { strdup($0.0) } + [nil]
        let values = pairs.map { strdup($0.1) } + [nil]
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        let constKeys: [UnsafePointer<CChar>?] = keys.map { $0.map { UnsafePointer($0) } }
        let constValues: [UnsafePointer<CChar>?] = values.map { $0.map { UnsafePointer($0) } }
        let started: OpaquePointer? = constKeys.withUnsafeBufferPointer { k in
            constValues.withUnsafeBufferPointer { v in PQconnectStartParams(k.baseAddress, v.baseAddress, 1) }
        }
        guard let connection = started else { return .failed(message: "out of memory in libpq") }
        defer { PQfinish(connection) }
        if PQstatus(connection) == CONNECTION_BAD { return .failed(message: message(connection, password: password)) }
        // PQconnectPoll's contract: call it once the socket is ready for what it last asked.
        var state = PGRES_POLLING_WRITING
        while true {
            switch state {
            case PGRES_POLLING_OK: return .connected
            case PGRES_POLLING_FAILED: return .failed(message: message(connection, password: password))
            default:
                let fd = PQsocket(connection)
                if fd >= 0, !TCPDial.wait(fd, forWriting: state == PGRES_POLLING_WRITING, deadlineMs: deadlineMs) {
                    return MonotonicClock.nowMs() >= deadlineMs ? .timedOut : .failed(message: "poll() failed: \(String(cString: strerror(errno)))")
                }
                state = PQconnectPoll(connection)
            }
        }
    }

    /// libpq's error message on one line, with the password (should libpq ever echo it) hidden.
    private static func message(_ connection: OpaquePointer, password: String?) -> String {
        var text = PQerrorMessage(connection).map { String(cString: $0) } ?? "unknown libpq error"
        if let password, !password.isEmpty { text = text.replacing(password, with: "<hidden>") }
        return text.split(whereSeparator: \.isNewline)
            .map { String($0.drop { $0 == " " || $0 == "\t" }) }
            .filter { !$0.isEmpty }
            .joined(separator: "; ")
    }
}
