import CRTXBenchSupport
#if canImport(Glibc)
import Glibc
#endif

/// TCP sockets to 127.0.0.1 for the API benchmarks' load clients: a non-blocking connect with
/// TCP_NODELAY, whole writes, reads into a caller's buffer, and the process's descriptor limit.
enum LoopbackSocket {
    /// A non-blocking socket connecting to 127.0.0.1:`port` (the connect may still be in
    /// progress: wait for it to become writable). Throws on any other failure.
    static func connect(port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 || errno == EINPROGRESS else {
            let why = String(cString: strerror(errno))
            close(fd)
            throw BenchError("connect to 127.0.0.1:\(port): \(why)")
        }
        return fd
    }

    /// The pending error of a socket whose connect finished (0 when it connected).
    static func connectError(_ fd: Int32) -> Int32 {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        return error
    }

    /// Writes all of `bytes`, waiting (poll, up to 1 s each time) when the socket's buffer is
    /// full. False when the peer is gone or the wait timed out.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n > 0 { offset += n; continue }
            guard n < 0, errno == EAGAIN || errno == EINTR else { return false }
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&p, 1, 1_000) > 0 else { return false }
        }
        return true
    }

    /// Raises the soft limit on open descriptors to at least `needed` (up to the hard limit);
    /// returns the soft limit now in force.
    static func raiseDescriptorLimit(to needed: Int) -> Int {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < rlim_t(needed) {
            limit.rlim_cur = min(limit.rlim_max, rlim_t(needed))
            setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
            getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(limit.rlim_cur)
    }

    /// Wall clock (CLOCK_REALTIME), ns: the clock of the server's `time_ns` fields.
    static func wallNs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

/// An epoll instance with a fixed event array (`CRTXBenchSupport`), closed on deinit.
final class EventPoll {
    let fd: Int32
    private var events = [rtx_bs_event](repeating: rtx_bs_event(), count: 512)

    init() throws {
        fd = rtx_bs_epoll_create()
        guard fd >= 0 else { throw BenchError("epoll_create1: \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    func add(_ socket: Int32, events: UInt32, token: UInt64) { _ = rtx_bs_epoll_control(fd, 1, socket, events, token) }
    func modify(_ socket: Int32, events: UInt32, token: UInt64) { _ = rtx_bs_epoll_control(fd, 3, socket, events, token) }
    func remove(_ socket: Int32) { _ = rtx_bs_epoll_remove(fd, socket) }

    /// Waits up to `timeoutMs` and calls `body(events, token)` for each ready descriptor.
    func wait(timeoutMs: Int32, _ body: (UInt32, UInt64) -> Void) {
        let n = events.withUnsafeMutableBufferPointer { rtx_bs_epoll_wait(fd, $0.baseAddress, Int32($0.count), timeoutMs) }
        guard n > 0 else { return }
        for i in 0 ..< Int(n) { body(events[i].events, events[i].token) }
    }
}
