import NIOCore
import NIOEmbedded
import NIOWebSocket
@testable import RTXServer
import Testing

/// The stream's own frame encoding (`WebSocketWire`, written below NIO's frame encoder) read back
/// by NIO's `WebSocketFrameDecoder`: every length form of RFC 6455 (7-bit, 16-bit, 64-bit) and
/// the split of long messages into a text frame and continuations.
@Suite struct WebSocketWireTests {
    /// Decodes wire bytes with NIO's decoder: the frames in order.
    static func decode(_ wire: ByteBuffer) throws -> [WebSocketFrame] {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
        try channel.writeInbound(wire)
        var frames: [WebSocketFrame] = []
        while let frame = try channel.readInbound(as: WebSocketFrame.self) { frames.append(frame) }
        _ = try channel.finish()
        return frames
    }

    static func message(_ count: Int) -> [UInt8] { (0 ..< count).map { UInt8(ascii: "a") + UInt8($0 % 26) } }

    @Test(arguments: [0, 1, 125, 126, 127, 16_384, 65_535, 65_536, 70_000])
    func oneFrameOfEveryLengthForm(_ count: Int) throws {
        let payload = Self.message(count)
        let wire = WebSocketWire.text(payload, maxFrameBytes: 1 << 20)
        let header = count < 126 ? 2 : count < 65_536 ? 4 : 10
        #expect(wire.readableBytes == header + count)
        let frames = try Self.decode(wire)
        #expect(frames.count == 1)
        #expect(frames.first?.fin == true && frames.first?.opcode == .text && frames.first?.maskKey == nil)
        #expect(frames.first.map { Array($0.data.readableBytesView) } == payload)
    }

    @Test func aLongMessageIsATextFrameAndContinuations() throws {
        let payload = Self.message(40_000)
        let frames = try Self.decode(WebSocketWire.text(payload, maxFrameBytes: 16_384))
        #expect(frames.map(\.opcode) == [.text, .continuation, .continuation])
        #expect(frames.map(\.fin) == [false, false, true])
        #expect(frames.map(\.data.readableBytes) == [16_384, 16_384, 7_232])
        #expect(frames.flatMap { Array($0.data.readableBytesView) } == payload)
        // Exactly the frame size: one frame, no empty continuation.
        #expect(try Self.decode(WebSocketWire.text(Self.message(16_384), maxFrameBytes: 16_384)).map(\.fin) == [true])
    }

    @Test func framesOfSeveralMessagesBackToBackReadAsThoseMessages() throws {
        var wire = ByteBuffer()
        let messages = [Self.message(10), Self.message(300), Self.message(2)]
        for m in messages { wire.writeImmutableBuffer(WebSocketWire.text(m, maxFrameBytes: 16_384)) }
        #expect(try Self.decode(wire).map { Array($0.data.readableBytesView) } == messages)
    }
}
