import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import RTXCore
import RTXEngine

/// `GET /api/v1/stream`: the WebSocket of live quotes and the account's private stream.
///
/// Authentication: the access token as the query parameter `token`
/// (`/api/v1/stream?token=...`; with a bad one the upgrade still happens, then an error message
/// and close 1008 "unauthorized", which browsers can read, unlike a refused upgrade), or, without
/// it, the first message `{"op":"auth","token":"..."}` within 10 s. Then the server sends
/// `{"type":"ready","account","group","heartbeat_seconds"}` and the account summary, and the
/// client sends `{"op":"subscribe","symbols":[...]}` / `{"op":"unsubscribe","symbols":[...]}`
/// (answered `{"type":"subscribed","symbols":[all now subscribed]}`) and `{"op":"ping"}`
/// (answered `{"type":"pong"}`). See `StreamConnection` for the slow-consumer rules.
///
/// Thread: handlers on the server's event loops and tasks.
extension APIServer {
    static let streamPath = "/api/v1/stream"
    /// Longest wait for the `auth` message of a connection without a `token` query.
    static let streamAuthSeconds = 10
    /// The largest WebSocket frame read or written (longer messages out are split into continuations), bytes.
    static let streamMaxFrameBytes = 16 * 1_024
    /// The stream socket's kernel send buffer (SO_SNDBUF; Linux doubles it), fixed so that it does not autotune to megabytes.
    static let streamSocketSendBuffer: SocketOptionValue = 64 * 1_024

    /// Decides an HTTP/1 upgrade request: only on the stream's path, and with a valid token when one is given.
    func shouldUpgrade(_ head: HTTPRequest, channel: any Channel) async throws -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let target = head.path ?? ""
        let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        guard path == Self.streamPath else { return .dontUpgrade }
        var account: AccountID?
        var badToken = false
        if let query = target.split(separator: "?", maxSplits: 1).dropFirst().first,
           let pair = query.split(separator: "&").first(where: { $0.hasPrefix("token=") }) {
            let token = String(pair.dropFirst("token=".count)).removingPercentEncoding ?? ""
            if let a = try? await tokens.account(of: token, kind: .access) { account = a } else { badToken = true }
        }
        let preset = account
        let refused = badToken
        // Over the address's rate: upgraded only to say so (a refused upgrade is a bare 400 that
        // a browser cannot read), then closed 1013 "try again later".
        if let remote = channel.remoteAddress?.ipAddress, case let d = limits.allowAddress(remote), !d.allowed {
            APIMetrics.limitedByAddress.increment()
            return .upgrade([:]) { _, outbound, _ in
                try await outbound.writeTextMessage(String(decoding: Self.errorMessage("rate_limited",
                    "too many connections from this address (server.rate_address_per_second); retry after \(d.retryAfterSeconds) s",
                    retryAfter: d.retryAfterSeconds), as: UTF8.self))
                try await outbound.close(.init(codeNumber: 1013), reason: "rate limited")
            }
        }
        // Small write buffers, so that a client that does not read is seen as behind early: NIO's
        // (32 KiB) and the kernel's. Without SO_SNDBUF, Linux grows a loopback or fast link's send
        // buffer to megabytes (tcp_wmem), seconds of quotes that a stalled client never blocks.
        _ = channel.setOption(ChannelOptions.writeBufferWaterMark, value: .init(low: 8 * 1_024, high: 32 * 1_024))
        _ = channel.setOption(ChannelOptions.socketOption(.so_sndbuf), value: Self.streamSocketSendBuffer)
        return .upgrade([:]) { [self] inbound, outbound, _ in
            if refused {
                try await outbound.writeTextMessage(String(decoding: Self.errorMessage("unauthorized", "the access token is invalid or expired; log in again (POST /api/v1/auth/login)", field: "token"), as: UTF8.self))
                try await outbound.close(.policyViolation, reason: "unauthorized")
                return
            }
            try await serveStream(inbound: inbound, outbound: outbound, channel: channel, account: preset)
        }
    }

    private func serveStream(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel,
                             account preset: AccountID?) async throws {
        var messages = inbound.messages(maxSize: Self.streamMaxFrameBytes).makeAsyncIterator()
        var account = preset
        if account == nil {
            let timeout = channel.eventLoop.scheduleTask(in: .seconds(Int64(Self.streamAuthSeconds))) { channel.close(promise: nil) }
            defer { timeout.cancel() }
            guard let first = try await messages.next() else { return }
            let op = Self.object(first)
            if op?["op"] as? String == "auth", let token = op?["token"] as? String, let a = try? await tokens.account(of: token, kind: .access) {
                account = a
            } else {
                try await outbound.writeTextMessage(String(decoding: Self.errorMessage("unauthorized", "the first message must be {\"op\":\"auth\",\"token\":\"<access token>\"} with a valid access token"), as: UTF8.self))
                try await outbound.close(.policyViolation, reason: "unauthorized")
                return
            }
        }
        guard let account else { return }
        let group = try await calls.run { [engine] in engine.read { $0.groupSpec(of: account)?.name } ?? nil }
        guard let group else {
            try await outbound.close(.unexpectedServerError, reason: "account \(account) has no group")
            return
        }
        let conn = StreamConnection(id: hub.makeID(), account: account, group: group, channel: channel, capacity: settings.streamBufferMessages,
                                    maxLagSeconds: settings.streamMaxLagSeconds, heartbeatSeconds: settings.streamHeartbeatSeconds,
                                    maxFrameBytes: Self.streamMaxFrameBytes)
        hub.register(conn)
        defer { hub.remove(conn) }
        var hello = JSONText(capacity: 128)
        hello.beginObject()
        hello.field("type", "ready")
        hello.field("account", account)
        hello.field("group", group)
        hello.field("heartbeat_seconds", settings.streamHeartbeatSeconds)
        hello.endObject()
        conn.offerMessage(hello.bytes, summaryDirty: true)

        // Messages are written by the connection on the channel's event loop; this task does
        // what needs the engine or the close handshake; the hub's ticker checks the lag.
        let chores = Task { [self] in await choresLoop(conn, outbound: outbound) }
        defer { chores.cancel() }
        // The client's messages, until it closes (or the socket is closed).
        do {
            while let message = try await messages.next() { try await handle(message, conn) }
        } catch {}
        conn.close(StreamConnection.clientClosed)
        _ = await chores.result
    }

    /// The connection's chores until it closes: the account summary after the account's events,
    /// heartbeats, and the close frame when the server closes it (stopping, stream restarted).
    /// A slow cut-off's close frame is written by the tick (the socket may be full), and a client's
    /// own close is answered by the WebSocket handler.
    private func choresLoop(_ conn: StreamConnection, outbound: WebSocketOutboundWriter) async {
        while true {
            switch await conn.nextChore() {
            case .close(let reason):
                if reason != StreamConnection.clientClosed, !reason.hasPrefix(StreamConnection.slowPrefix) {
                    try? await outbound.close(reason == StreamConnection.serverStopping ? .goingAway : .policyViolation, reason: String(reason.prefix(120)))
                }
                return
            case .summary:
                let account = conn.account
                if let s = try? await calls.run({ [engine] in engine.read { $0.accountSummary(account) } ?? nil }) {
                    var json = JSONText(capacity: 512)
                    json.beginObject()
                    json.field("type", "account")
                    json.beginObject("account")
                    AccountJSON.writeSummary(s, into: &json)
                    json.endObject()
                    json.endObject()
                    conn.offerMessage(json.bytes, summaryDirty: false)
                }
            case .heartbeat:
                conn.offerMessage(Array("{\"type\":\"heartbeat\",\"time_ns\":\(EngineClock.wallNs())}".utf8), summaryDirty: false)
            }
        }
    }

    private func handle(_ message: WebSocketMessage, _ conn: StreamConnection) async throws {
        guard let op = Self.object(message), let name = op["op"] as? String else {
            conn.offerMessage(Self.errorMessage("invalid_message", "a message is a JSON object with \"op\": subscribe, unsubscribe or ping", field: "op"), summaryDirty: false)
            return
        }
        switch name {
        case "subscribe", "unsubscribe":
            guard let symbols = op["symbols"] as? [String], symbols.count <= 1_024 else {
                conn.offerMessage(Self.errorMessage("invalid_field", "\"symbols\" must be a list of symbol names (at most 1024)", field: "symbols"), summaryDirty: false)
                return
            }
            let unknown = try await calls.run { [engine] in engine.read { core in symbols.filter { core.symbolIndex(named: $0) == nil } } ?? [] }
            if let bad = unknown.first {
                conn.offerMessage(Self.errorMessage("unknown_symbol", "no symbol \(bad)", field: "symbols"), summaryDirty: false)
                return
            }
            if name == "subscribe" { conn.subscribe(symbols) } else { conn.unsubscribe(symbols) }
            var json = JSONText(capacity: 128)
            json.beginObject()
            json.field("type", "subscribed")
            json.beginArray("symbols")
            for s in conn.subscribed { json.field(nil, s) }
            json.endArray()
            json.endObject()
            conn.offerMessage(json.bytes, summaryDirty: false)
        case "ping":
            conn.offerMessage(Array("{\"type\":\"pong\"}".utf8), summaryDirty: false)
        case "auth":
            conn.offerMessage(Self.errorMessage("already_authenticated", "this connection is authenticated already", field: "op"), summaryDirty: false)
        default:
            conn.offerMessage(Self.errorMessage("unknown_op", "unknown op \"\(name)\"; use subscribe, unsubscribe or ping", field: "op"), summaryDirty: false)
        }
    }

    static func object(_ message: WebSocketMessage) -> [String: Any]? {
        let data: Data
        switch message {
        case .text(let s): data = Data(s.utf8)
        case .binary(let b): data = Data(b.readableBytesView)
        }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// `{"type":"error","error":{code,message,field}}`: the API's one error shape on the stream.
    static func errorMessage(_ code: String, _ message: String, field: String? = nil, retryAfter: Int? = nil) -> [UInt8] {
        var json = JSONText(capacity: 256)
        json.beginObject()
        json.field("type", "error")
        if let retryAfter { json.field("retry_after_seconds", retryAfter) }
        json.beginObject("error")
        json.field("code", code)
        json.field("message", message)
        if let field { json.field("field", field) } else { json.null("field") }
        json.endObject()
        json.endObject()
        return json.bytes
    }

    static func writeClose(_ channel: any Channel, code: WebSocketErrorCode, reason: String) {
        var buffer = channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        buffer.write(webSocketErrorCode: code)
        buffer.writeString(String(reason.prefix(120)))
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .connectionClose, data: buffer), promise: nil)
    }
}
