#if canImport(Glibc)
import Glibc
#endif

/// Checks a Redis server before the engine relies on it: connects within a deadline, sends
/// `AUTH` when a password is given, then `PING`, and says what answered. `rediss://` (TLS) is
/// not spoken here: for it only the TCP connection is checked. Thread: any; no shared state.
/// Limits: the whole check takes at most `timeoutMs` (name resolution aside, see `TCPDial`);
/// replies are read up to 4 KiB. The password is never part of an outcome.
public enum RedisProbe {
    public enum Outcome: Sendable, Equatable {
        /// It answered `PING` (after `AUTH` when a password was given).
        case answered
        /// A TLS URL: the TCP connection opened; TLS, `AUTH` and `PING` were not checked.
        case reachableTLSNotChecked
        /// No TCP connection: refused, unresolvable, or no answer within the timeout.
        case unreachable(TCPDial.Failure)
        /// Connected, but no reply came within the timeout.
        case silent
        /// The server wants a password and none was given (`-NOAUTH`, `-DENIED`).
        case needsPassword(reply: String)
        /// The server refused the user or password given.
        case passwordRefused(reply: String)
        /// Something else answered, or the connection closed: maybe not Redis.
        case unexpected(reply: String)
    }

    /// Redis's port when the URL names none.
    public static let defaultPort: UInt16 = 6379
    static let maxReplyBytes = 4_096

    public static func check(url: ServerURL, password: String?, timeoutMs: Int) -> Outcome {
        let deadlineMs = MonotonicClock.nowMs() + Int64(timeoutMs)
        let fd: Int32
        switch TCPDial.connect(host: url.host, port: url.port ?? defaultPort, deadlineMs: deadlineMs) {
        case .failure(let failure): return .unreachable(failure)
        case .success(let socket): fd = socket
        }
        defer { close(fd) }
        if url.scheme == "rediss" { return .reachableTLSNotChecked }
        func hidden(_ reply: String) -> String {
            guard let password, !password.isEmpty else { return reply }
            return reply.replacing(password, with: "<hidden>")
        }
        if let password {
            let words = url.user.map { ["AUTH", $0, password] } ?? ["AUTH", password]
            guard let reply = exchange(fd, words, deadlineMs: deadlineMs) else { return .silent }
            if reply.hasPrefix("-WRONGPASS") || reply.hasPrefix("-ERR") { return .passwordRefused(reply: hidden(reply)) }
            guard reply.hasPrefix("+OK") else { return .unexpected(reply: hidden(reply)) }
        }
        guard let reply = exchange(fd, ["PING"], deadlineMs: deadlineMs) else { return .silent }
        if reply.hasPrefix("+PONG") { return .answered }
        if reply.hasPrefix("-NOAUTH") || reply.hasPrefix("-DENIED") { return .needsPassword(reply: hidden(reply)) }
        return .unexpected(reply: hidden(reply))
    }

    /// Sends one command (a RESP array of bulk strings) and reads the first reply line; nil
    /// when nothing came before the deadline. A closed connection gives a reply saying so.
    private static func exchange(_ fd: Int32, _ words: [String], deadlineMs: Int64) -> String? {
        var request = Array("*\(words.count)\r\n".utf8)
        for word in words {
            let bytes = Array(word.utf8)
            request += Array("$\(bytes.count)\r\n".utf8) + bytes + Array("\r\n".utf8)
        }
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return "(the server closed the connection)" }
            sent += n
        }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 512)
        while reply.count < maxReplyBytes {
            if let end = reply.firstIndex(of: 13) { return String(decoding: reply[..<end], as: UTF8.self) }
            guard TCPDial.wait(fd, forWriting: false, deadlineMs: deadlineMs) else { return nil }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return reply.isEmpty ? "(the server closed the connection)" : String(decoding: reply, as: UTF8.self) }
            reply += chunk[0 ..< n]
        }
        return String(decoding: reply.prefix(200), as: UTF8.self)
    }
}
