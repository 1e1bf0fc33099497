import NIOCore
import NIOWebSocket

/// Server-to-client WebSocket frames encoded once, as the bytes that go on the wire (RFC 6455
/// §5.2: FIN and opcode, the payload length in 7, 7+16 or 7+64 bits, no mask), so that one
/// rendered quote is written to a thousand connections without a frame header each. A message
/// longer than `maxFrameBytes` becomes a text frame and continuation frames.
///
/// The bytes are written below NIO's `WebSocketFrameEncoder` (from its context), so they pass
/// no handler that expects `WebSocketFrame`s. Thread: any; the results are immutable values.
enum WebSocketWire {
    /// A text message (UTF-8 bytes) as wire frames.
    static func text(_ payload: some Collection<UInt8>, maxFrameBytes: Int) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(payload.count + 14 * (payload.count / max(1, maxFrameBytes) + 1))
        var rest = payload[...]
        var opcode: UInt8 = 0x1   // text; then 0x0, continuation
        repeat {
            let part = rest.prefix(maxFrameBytes)
            rest = rest.dropFirst(part.count)
            writeHeader(fin: rest.isEmpty, opcode: opcode, length: part.count, into: &out)
            out.writeBytes(part)
            opcode = 0x0
        } while !rest.isEmpty
        return out
    }

    /// Encoded frames one after another, as one buffer (one write, one flush).
    static func joined(_ parts: [ByteBuffer]) -> ByteBuffer {
        if parts.count == 1 { return parts[0] }
        var out = ByteBuffer()
        out.reserveCapacity(parts.reduce(0) { $0 + $1.readableBytes })
        for part in parts { out.writeImmutableBuffer(part) }
        return out
    }

    private static func writeHeader(fin: Bool, opcode: UInt8, length: Int, into out: inout ByteBuffer) {
        out.writeInteger((fin ? 0x80 : 0x00) | opcode)
        switch length {
        case ..<126: out.writeInteger(UInt8(length))
        case ..<65_536:
            out.writeInteger(UInt8(126))
            out.writeInteger(UInt16(length))
        default:
            out.writeInteger(UInt8(127))
            out.writeInteger(UInt64(length))
        }
    }
}
