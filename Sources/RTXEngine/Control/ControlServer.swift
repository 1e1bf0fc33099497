import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The engine's local control socket: a Unix-domain stream socket (mode 0600, in the data
/// folder) speaking one JSON object per line. A request gets one response line; `quotes`
/// and `watch` stream lines until the client closes. The `rtx order | account | quotes |
/// status | plugins reload` commands use it before the HTTP API exists.
///
/// Limits: `maxConnections` at once (beyond: one error line, then closed); a request line
/// of at most `maxLineBytes` (beyond: an error, then closed).
/// Thread: `run` accepts on its own thread; each connection gets a thread.
public final class ControlServer: @unchecked Sendable {
    public static let maxConnections = 64
    public static let maxLineBytes = 65_536
    public let path: String
    private let handler: ControlHandler
    private var listener: Int32 = -1
    private let connections = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)

    public init(path: String, engine: Engine) {
        self.path = path
        handler = ControlHandler(engine: engine)
    }

    /// Binds the socket. A live engine already on the path is an error; a stale socket file
    /// is replaced.
    public func bind() throws {
        if ControlClient.isAlive(path: path) {
            throw EngineStartError("engine.control_socket: another engine is listening at \(path); stop it (Ctrl-C in its terminal, or SIGTERM) or set a different engine.control_socket")
        }
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw EngineStartError("cannot create the control socket: \(String(cString: strerror(errno)))") }
        var address = try ControlClient.address(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            close(fd)
            throw EngineStartError("cannot bind the control socket \(path): \(String(cString: strerror(errno)))")
        }
        chmod(path, 0o600)
        guard listen(fd, 64) == 0 else {
            close(fd)
            throw EngineStartError("cannot listen on \(path): \(String(cString: strerror(errno)))")
        }
        listener = fd
    }

    public func run() {
        while !stopping.load(ordering: .acquiring) {
            var pollfd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&pollfd, 1, 200) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            if connections.add(1, ordering: .relaxed).newValue > Self.maxConnections {
                connections.subtract(1, ordering: .relaxed)
                let line = ControlResponse.error(code: "too_many_connections", message: "at most \(Self.maxConnections) control connections at once")
                _ = line.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(client)
                continue
            }
            let handler = self.handler
            let thread = Thread { [self] in
                ControlConnection(fd: client, handler: handler).serve()
                connections.subtract(1, ordering: .relaxed)
            }
            thread.name = "rtx-control"
            thread.start()
        }
    }

    public func stop() {
        stopping.store(true, ordering: .releasing)
        if listener >= 0 { close(listener); listener = -1 }
        unlink(path)
    }
}

/// One client connection: reads request lines, writes response lines.
final class ControlConnection {
    let fd: Int32
    let handler: ControlHandler
    private var buffer: [UInt8] = []

    init(fd: Int32, handler: ControlHandler) {
        self.fd = fd
        self.handler = handler
    }

    func serve() {
        defer { close(fd) }
        while let line = readLine() {
            let keepOpen = handler.handle(line) { [fd] bytes in
                bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
            }
            if !keepOpen { return }
        }
    }

    /// The next line without its newline; nil at end of stream or when a line is too long
    /// (after telling the client).
    private func readLine() -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            if buffer.count > ControlServer.maxLineBytes {
                let reply = ControlResponse.error(code: "request_too_large", message: "a request line may be at most \(ControlServer.maxLineBytes) bytes")
                _ = reply.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                return nil
            }
            let n = recv(fd, &chunk, chunk.count, 0)
            guard n > 0 else { return nil }
            buffer += chunk[0 ..< n]
        }
    }
}
