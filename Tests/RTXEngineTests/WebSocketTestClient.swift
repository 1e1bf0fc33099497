import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal WebSocket client (RFC 6455) for the stream tests, over a plain TCP socket: the
/// HTTP/1.1 upgrade with a random `Sec-WebSocket-Key` (the `Sec-WebSocket-Accept` answer is
/// checked), masked client frames, and reading text, binary, ping, pong and close frames
/// (fragments joined). Pings are answered with pongs unless `answerPings` is false. A slow
/// consumer is a client that simply does not call `next` for a while, with a small receive
/// buffer (`receiveBuffer`) so that the server's writes back up early. No mocks: it talks to
/// `rtx run`'s real server.
final class WebSocketTestClient {
    enum Event: CustomStringConvertible {
        case text(String)
        case binary([UInt8])
        case ping
        case close(code: Int?, reason: String)
        /// Nothing arrived within the timeout.
        case timeout
        /// The server closed the socket without a close frame (or the read failed).
        case eof

        var description: String {
            switch self {
            case .text(let s): "text \(s)"
            case .binary(let b): "binary \(b.count) bytes"
            case .ping: "ping"
            case .close(let code, let reason): "close \(code.map(String.init) ?? "-") \(reason)"
            case .timeout: "timeout"
            case .eof: "eof"
            }
        }

        /// A text frame as a JSON object.
        var json: [String: Any]? {
            guard case .text(let s) = self else { return nil }
            return (try? JSONSerialization.jsonObject(with: Data(s.utf8))) as? [String: Any]
        }
    }

    /// The HTTP answer when the server did not switch protocols.
    struct Refused: Error, CustomStringConvertible {
        var status: Int
        var head: String
        var description: String { "upgrade refused: \(head)" }
    }

    private let fd: Int32
    private var buffer: [UInt8] = []
    var answerPings = true
    private(set) var pings = 0
    private(set) var closed = false

    /// Connects and upgrades `path` (with its query). `receiveBuffer` sets SO_RCVBUF before connecting.
    init(port: UInt16, path: String, origin: String? = nil, receiveBuffer: Int? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSetupError("socket: errno \(errno)") }
        if var size = receiveBuffer.map(Int32.init) {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw TestSetupError("connect to 127.0.0.1:\(port): errno \(errno)")
        }
        let key = Data((0 ..< 16).map { _ in UInt8.random(in: 0 ... 255) }).base64EncodedString()
        var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        head += "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n"
        if let origin { head += "Origin: \(origin)\r\n" }
        head += "\r\n"
        try writeAll(Array(head.utf8))
        // The answer's head, up to the blank line; what follows is already frames.
        let deadline = Date().addingTimeInterval(10)
        var end: Int?
        while end == nil, !closed, Date() < deadline {
            _ = try fill(timeoutMs: 1_000)
            end = Self.find([13, 10, 13, 10], in: buffer)
        }
        guard let end else {
            close(fd)
            throw TestSetupError("no upgrade answer: \(String(decoding: buffer, as: UTF8.self))")
        }
        let text = String(decoding: buffer[..<end], as: UTF8.self)
        buffer.removeFirst(end + 4)
        let lines = text.components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ").dropFirst().first ?? "") ?? 0
        guard status == 101 else {
            close(fd)
            throw Refused(status: status, head: text)
        }
        let accept = lines.first { $0.lowercased().hasPrefix("sec-websocket-accept:") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces)
        let expected = Data(SHA1.hash(Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))).base64EncodedString()
        guard accept == expected else {
            close(fd)
            throw TestSetupError("Sec-WebSocket-Accept \(accept ?? "missing"), expected \(expected)")
        }
    }

    deinit { close(fd) }

    /// Sends a text frame (masked, as a client must).
    func send(_ text: String) throws { try sendFrame(opcode: 1, Array(text.utf8)) }

    func send(json: [String: Any]) throws {
        try send(String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self))
    }

    /// Sends a close frame with a code.
    func sendClose(code: UInt16 = 1000) throws { try sendFrame(opcode: 8, [UInt8(code >> 8), UInt8(code & 0xFF)]) }

    func sendFrame(opcode: UInt8, _ payload: [UInt8]) throws {
        var frame: [UInt8] = [0x80 | opcode]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            frame.append(0x80 | 126)
            frame += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            frame.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8((UInt64(payload.count) >> UInt64(shift)) & 0xFF)) }
        }
        let mask = (0 ..< 4).map { _ in UInt8.random(in: 0 ... 255) }
        frame += mask
        for (i, b) in payload.enumerated() { frame.append(b ^ mask[i % 4]) }
        try writeAll(frame)
    }

    /// The next frame the test sees (pings are answered first, and returned as `.ping`);
    /// `.timeout` when nothing complete arrived within `timeout` seconds.
    func next(timeout: Double = 10) throws -> Event {
        let deadline = Date().addingTimeInterval(timeout)
        var message: [UInt8] = []
        var messageOpcode: UInt8 = 0
        while true {
            if let (fin, opcode, payload) = takeFrame() {
                switch opcode {
                case 9:
                    pings += 1
                    if answerPings { try? sendFrame(opcode: 10, payload) }
                    return .ping
                case 10: continue
                case 8:
                    let code = payload.count >= 2 ? Int(payload[0]) << 8 | Int(payload[1]) : nil
                    let reason = payload.count > 2 ? String(decoding: payload[2...], as: UTF8.self) : ""
                    return .close(code: code, reason: reason)
                default:
                    if opcode != 0 { messageOpcode = opcode }
                    message += payload
                    if fin { return messageOpcode == 2 ? .binary(message) : .text(String(decoding: message, as: UTF8.self)) }
                    continue
                }
            }
            if closed { return .eof }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return .timeout }
            _ = try fill(timeoutMs: Int32(min(left * 1_000, 1_000)) + 1)
        }
    }

    /// Reads until a text message that `match` accepts (other frames are skipped); nil at a close, eof or the timeout.
    func next(timeout: Double = 10, where match: ([String: Any]) -> Bool) throws -> [String: Any]? {
        let deadline = Date().addingTimeInterval(timeout)
        while deadline.timeIntervalSinceNow > 0 {
            let e = try next(timeout: deadline.timeIntervalSinceNow)
            switch e {
            case .close, .eof, .timeout: return nil
            default: if let j = e.json, match(j) { return j }
            }
        }
        return nil
    }

    /// Reads until the close frame (or eof/timeout), returning it and the count of messages before it.
    func untilClose(timeout: Double = 30) throws -> (Event, Int) {
        let deadline = Date().addingTimeInterval(timeout)
        var count = 0
        while deadline.timeIntervalSinceNow > 0 {
            let e = try next(timeout: deadline.timeIntervalSinceNow)
            switch e {
            case .close, .eof: return (e, count)
            case .timeout: return (e, count)
            default: count += 1
            }
        }
        return (.timeout, count)
    }

    // MARK: - Bytes

    private func takeFrame() -> (fin: Bool, opcode: UInt8, payload: [UInt8])? {
        guard buffer.count >= 2 else { return nil }
        let fin = buffer[0] & 0x80 != 0
        let opcode = buffer[0] & 0x0F
        let masked = buffer[1] & 0x80 != 0
        var length = Int(buffer[1] & 0x7F)
        var offset = 2
        if length == 126 {
            guard buffer.count >= 4 else { return nil }
            length = Int(buffer[2]) << 8 | Int(buffer[3])
            offset = 4
        } else if length == 127 {
            guard buffer.count >= 10 else { return nil }
            length = (2 ..< 10).reduce(0) { $0 << 8 | Int(buffer[$1]) }
            offset = 10
        }
        let maskOffset = offset
        if masked { offset += 4 }
        guard buffer.count >= offset + length else { return nil }
        var payload = Array(buffer[offset ..< offset + length])
        if masked { for i in payload.indices { payload[i] ^= buffer[maskOffset + i % 4] } }
        buffer.removeFirst(offset + length)
        return (fin, opcode, payload)
    }

    /// Reads what is there within the timeout; false on a timeout.
    private func fill(timeoutMs: Int32) throws -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&p, 1, timeoutMs)
        guard ready > 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = read(fd, &chunk, chunk.count)
        if n <= 0 {
            closed = true
            return false
        }
        buffer += chunk[0 ..< n]
        return true
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestSetupError("write: errno \(errno)") }
            sent += n
        }
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        return (0 ... bytes.count - needle.count).first { Array(bytes[$0 ..< $0 + needle.count]) == needle }
    }
}

/// SHA-1, only to check `Sec-WebSocket-Accept`.
enum SHA1 {
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var m = message
        let bitLength = UInt64(message.count) * 8
        m.append(0x80)
        while m.count % 64 != 56 { m.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { m.append(UInt8((bitLength >> UInt64(shift)) & 0xFF)) }
        for chunk in stride(from: 0, to: m.count, by: 64) {
            var w = [UInt32](repeating: 0, count: 80)
            for i in 0 ..< 16 {
                w[i] = (0 ..< 4).reduce(UInt32(0)) { $0 << 8 | UInt32(m[chunk + i * 4 + $1]) }
            }
            for i in 16 ..< 80 {
                let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
                w[i] = x << 1 | x >> 31
            }
            var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
            for i in 0 ..< 80 {
                let (f, k): (UInt32, UInt32) = switch i {
                case 0 ..< 20: ((b & c) | (~b & d), 0x5A82_7999)
                case 20 ..< 40: (b ^ c ^ d, 0x6ED9_EBA1)
                case 40 ..< 60: ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                default: (b ^ c ^ d, 0xCA62_C1D6)
                }
                let t = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
                (e, d, c, b, a) = (d, c, b << 30 | b >> 2, a, t)
            }
            h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e
        }
        return h.flatMap { v in (0 ..< 4).map { UInt8((v >> UInt32(24 - 8 * $0)) & 0xFF) } }
    }
}
