import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The client side of the control socket, for the `rtx` commands and tests.
/// Thread: one owner. Lifetime: closes the socket on deinit.
public final class ControlClient {
    private let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to the engine's control socket; the error says how to start the engine.
    public init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ControlClientError("cannot create a socket: \(String(cString: strerror(errno)))") }
        var address = try Self.address(path)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let why = String(cString: strerror(errno))
            close(fd)
            throw ControlClientError("no engine answers on \(path) (\(why)): start one with `rtx run` (or `make run`)")
        }
    }

    deinit { close(fd) }

    static func address(_ path: String) throws -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw ControlClientError("the control socket path \(path) is longer than \(MemoryLayout.size(ofValue: address.sun_path) - 1) bytes; choose a shorter engine.control_socket")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
            raw[bytes.count] = 0
        }
        return address
    }

    /// Whether an engine is listening on `path`.
    public static func isAlive(path: String) -> Bool { (try? ControlClient(path: path)) != nil }

    /// Sends one request (a JSON object) and returns the first response line.
    public func request(_ json: [String: Any]) throws -> [String: Any] {
        try send(json)
        guard let line = try readObject(timeoutMs: 60_000) else { throw ControlClientError("the engine closed the connection without an answer") }
        return line
    }

    public func send(_ json: [String: Any]) throws {
        var data = try JSONSerialization.data(withJSONObject: json)
        data.append(UInt8(ascii: "\n"))
        let sent = data.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == data.count else { throw ControlClientError("the engine closed the connection") }
    }

    /// The next response line as an object; nil at end of stream or after `timeoutMs`.
    public func readObject(timeoutMs: Int32) throws -> [String: Any]? {
        guard let line = readLine(timeoutMs: timeoutMs) else { return nil }
        guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            throw ControlClientError("the engine answered something that is not a JSON object")
        }
        return object
    }

    private func readLine(timeoutMs: Int32) -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, timeoutMs) > 0 else { return nil }
            let n = recv(fd, &chunk, chunk.count, 0)
            guard n > 0 else { return nil }
            buffer += chunk[0 ..< n]
        }
    }
}

public struct ControlClientError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}

/// Response lines.
enum ControlResponse {
    static func error(code: String, message: String, field: String? = nil) -> [UInt8] {
        var json = JSONText()
        json.beginObject()
        json.field("ok", false)
        json.beginObject("error")
        json.field("code", code)
        json.field("message", message)
        if let field { json.field("field", field) }
        json.endObject()
        json.endObject()
        return json.bytes + [UInt8(ascii: "\n")]
    }
}
