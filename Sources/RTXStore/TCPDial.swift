#if canImport(Glibc)
import Glibc
#endif

/// A TCP connection to `host:port` opened within a deadline, for connection checks (Redis's
/// `PING`). Thread: any; no shared state. Limits: the whole dial (every address the name
/// resolves to) takes at most `timeoutMs`, except that resolving the name itself
/// (getaddrinfo) is the system resolver's blocking call and is bounded by its own timeouts.
public enum TCPDial {
    /// Why a dial failed, in words for a message ("Connection refused", "no answer within 800 ms").
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        /// True when the deadline passed (the host did not answer), false when it refused.
        public var timedOut: Bool
        public var description: String { reason }
    }

    /// A connected socket in blocking mode; the caller bounds each read with `wait` and closes
    /// it. `deadlineMs` is on `MonotonicClock.nowMs()`.
    static func connect(host: String, port: UInt16, deadlineMs: Int64) -> Result<Int32, Failure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            return .failure(Failure(reason: "cannot resolve host '\(host)': \(String(cString: gai_strerror(status)))", timedOut: false))
        }
        defer { freeaddrinfo(first) }
        var lastFailure = Failure(reason: "no address for host '\(host)'", timedOut: false)
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            switch attempt(info.pointee, deadlineMs: deadlineMs) {
            case .success(let fd): return .success(fd)
            case .failure(let failure):
                lastFailure = failure
                if failure.timedOut { return .failure(failure) }
            }
        }
        return .failure(lastFailure)
    }

    /// Waits until `fd` can be read (or written, with `forWriting`) or the deadline passes.
    static func wait(_ fd: Int32, forWriting: Bool, deadlineMs: Int64) -> Bool {
        while true {
            let leftMs = deadlineMs - MonotonicClock.nowMs()
            if leftMs <= 0 { return false }
            var entry = pollfd(fd: fd, events: Int16(forWriting ? POLLOUT : POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(min(leftMs, Int64(Int32.max))))
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return false }
        }
    }

    private static func attempt(_ info: addrinfo, deadlineMs: Int64) -> Result<Int32, Failure> {
        let fd = socket(info.ai_family, info.ai_socktype | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), info.ai_protocol)
        guard fd >= 0 else { return .failure(Failure(reason: "socket(): \(String(cString: strerror(errno)))", timedOut: false)) }
        if Glibc.connect(fd, info.ai_addr, info.ai_addrlen) != 0 && errno != EINPROGRESS {
            let reason = String(cString: strerror(errno))
            close(fd)
            return .failure(Failure(reason: reason, timedOut: false))
        }
        guard wait(fd, forWriting: true, deadlineMs: deadlineMs) else {
            close(fd)
            return .failure(Failure(reason: "no answer", timedOut: true))
        }
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
        guard code == 0 else {
            close(fd)
            return .failure(Failure(reason: String(cString: strerror(code)), timedOut: false))
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return .success(fd)
    }
}
