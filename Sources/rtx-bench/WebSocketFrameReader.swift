#if canImport(Glibc)
import Glibc
#endif

/// A WebSocket client's side of RFC 6455 for the fan-out benchmark: the upgrade request, masked
/// frames to the server, and a reader of the server's (unmasked) frames over a fixed buffer of
/// `capacity` bytes (a frame larger than that is an error, never a larger buffer). The reader
/// first consumes the server's `101 Switching Protocols` head, then frames.
struct WebSocketFrameReader {
    enum Opcode: UInt8 { case continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 }

    enum Status {
        case open
        /// The peer closed the TCP connection or the read failed.
        case ended(String)
        case failed(String)
    }

    private var buffer: [UInt8]
    private var used = 0
    private(set) var upgraded = false

    init(capacity: Int = 16 * 1_024) { buffer = [UInt8](repeating: 0, count: capacity) }

    /// Reads what the socket has (non-blocking) and hands each complete frame to `frame`
    /// (opcode and payload; the payload slice is valid during the call only).
    mutating func read(_ fd: Int32, frame: (UInt8, ArraySlice<UInt8>) -> Void) -> Status {
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + used, $0.count - used) }
            if n == 0 { return .ended("the server closed the connection") }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN { return .open }
                return .ended("read: \(String(cString: strerror(errno)))")
            }
            used += n
            var offset = 0
            if !upgraded {
                guard let end = headEnd() else {
                    if used == buffer.count { return .failed("upgrade answer over \(buffer.count) bytes") }
                    continue
                }
                let head = String(decoding: buffer[0 ..< end], as: UTF8.self)
                guard head.hasPrefix("HTTP/1.1 101") else { return .failed("upgrade refused: \(head.prefix(120))") }
                upgraded = true
                offset = end + 4
            }
            while let (opcode, start, length) = frameAt(offset) {
                frame(opcode, buffer[start ..< start + length])
                offset = start + length
            }
            if offset > 0 {
                buffer.withUnsafeMutableBytes { b in _ = memmove(b.baseAddress!, b.baseAddress! + offset, used - offset) }
                used -= offset
            }
            if used == buffer.count { return .failed("a frame over \(buffer.count) bytes") }
        }
    }

    /// The frame starting at `offset` when it is complete: opcode, payload start, payload length.
    private func frameAt(_ offset: Int) -> (UInt8, Int, Int)? {
        guard used - offset >= 2 else { return nil }
        let opcode = buffer[offset] & 0x0F
        var length = Int(buffer[offset + 1] & 0x7F)
        var start = offset + 2
        if length == 126 {
            guard used - offset >= 4 else { return nil }
            length = Int(buffer[offset + 2]) << 8 | Int(buffer[offset + 3])
            start += 2
        } else if length == 127 {
            guard used - offset >= 10 else { return nil }
            length = (0 ..< 8).reduce(0) { $0 << 8 | Int(buffer[offset + 2 + $1]) }
            start += 8
        }
        if buffer[offset + 1] & 0x80 != 0 { start += 4 }   // servers do not mask, but skip a key if one came
        guard length <= buffer.count, used >= start + length else { return nil }
        return (opcode, start, length)
    }

    private func headEnd() -> Int? {
        guard used >= 4 else { return nil }
        for i in 0 ... used - 4 where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 { return i }
        return nil
    }

    /// The upgrade request for `path` (the key is fixed: the benchmark does not check the answer's accept hash).
    static func upgradeRequest(path: String) -> [UInt8] {
        Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: cnR4LWJlbmNoLWZhbm91dA==\r\nSec-WebSocket-Version: 13\r\n\r\n".utf8)
    }

    /// A masked client frame (payloads under 64 KiB).
    static func clientFrame(_ opcode: Opcode, _ payload: [UInt8]) -> [UInt8] {
        precondition(payload.count < 65_536)
        var out: [UInt8] = [0x80 | opcode.rawValue]
        if payload.count < 126 {
            out.append(0x80 | UInt8(payload.count))
        } else {
            out += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        }
        let mask: [UInt8] = [0x5A, 0x17, 0xC3, 0x8E]
        out += mask
        for (i, b) in payload.enumerated() { out.append(b ^ mask[i & 3]) }
        return out
    }
}
