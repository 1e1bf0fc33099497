#if canImport(Glibc)
import Glibc
#endif

/// TCP on 127.0.0.1: finding a free port, and one request/answer exchange with a local
/// server (Redis's `PING`, `SHUTDOWN`). Thread: any; every call blocks at most its timeout.
public enum LoopbackTCP {
    /// A port nobody listens on right now, chosen by the kernel (bind to port 0). Another
    /// process may take it before we do: callers retry a start that fails with "in use".
    public static func freePort() throws(PrivateServerError) -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else {
            throw PrivateServerError("pick a free port", "socket(): \(String(cString: strerror(errno)))", fix: "check the process's open-file limit")
        }
        defer { close(fd) }
        var address = loopback(port: 0)
        guard bindTo(fd, &address) == 0 else {
            throw PrivateServerError("pick a free port", "bind 127.0.0.1:0: \(String(cString: strerror(errno)))", fix: "check that the loopback interface is up")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    /// True when no one listens on 127.0.0.1:`port`, so a server could bind it (with
    /// SO_REUSEADDR, as PostgreSQL and Redis do: connections of a stopped server lingering
    /// in TIME_WAIT do not count).
    public static func isFree(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var address = loopback(port: port)
        return bindTo(fd, &address) == 0
    }

    /// Connects to 127.0.0.1:`port`, sends `request`, and reads until the answer contains
    /// `\r\n` or the peer closes; nil when nothing answers within `timeoutMs`. Answers are
    /// capped at 64 KiB.
    public static func exchange(port: UInt16, request: [UInt8], timeoutMs: Int = 2_000) -> [UInt8]? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var limit = timeval(tv_sec: timeoutMs / 1_000, tv_usec: (timeoutMs % 1_000) * 1_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return nil }
            sent += n
        }
        var answer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4_096)
        let deadline = MonotonicClock.nowMs() + Int64(timeoutMs)
        while answer.count < 64 << 10, MonotonicClock.nowMs() <= deadline {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            answer.append(contentsOf: chunk[0 ..< n])
            if answer.count >= 2 && answer[answer.count - 2] == 13 && answer[answer.count - 1] == 10 { break }
        }
        return answer.isEmpty ? nil : answer
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        return address
    }

    private static func bindTo(_ fd: Int32, _ address: inout sockaddr_in) -> Int32 {
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}
