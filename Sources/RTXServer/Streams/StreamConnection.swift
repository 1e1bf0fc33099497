import Foundation
import NIOCore
import NIOWebSocket
import RTXCore
import RTXEngine
import Synchronization

/// One WebSocket's outgoing side. Messages are written straight to the connection's NIO channel
/// on its event loop, one batch at a time: while a batch has not been taken by the kernel (the
/// promise of its last write is not complete), new quotes are conflated to the latest per symbol
/// and private messages queue, at most `server.stream_buffer_messages` of them; the batch's
/// completion writes what waits. So a client that reads gets every quote with no task or thread
/// hop per message, and one that stops reading holds at most one batch in NIO's buffer.
///
/// A connection whose private queue overflows, or that has had a batch unfinished for
/// `server.stream_max_lag_seconds`, is cut off with a reason (the close frame's), and nobody else
/// waits for it. What needs the engine or Swift concurrency (the account summary after the
/// account's events, heartbeats, the close handshake) is left to the connection's chores task
/// (`nextChore`).
///
/// Thread: `offerMessage`, `tick` (the hub's ticker), `close` and `nextChore` from any thread;
/// `offerQuotesOnLoop` on the channel's event loop; writes always on the event loop.
final class StreamConnection: Sendable {
    struct State {
        var symbols: Set<String> = []
        var quotes: [String: ByteBuffer] = [:]
        var quoteOrder: [String] = []
        var messages: [ByteBuffer] = []
        var summaryDirty = false
        var heartbeatDue = false
        var closedReason: String?
        var choreWaiter: CheckedContinuation<Void, Never>?
        /// When the batch in flight started, or the last one finished (monotonic ns).
        var progressNs: Int64 = StreamConnection.nowNs()
        /// A batch is written and its last write's promise not complete.
        var inFlight = false
        /// A `drain` is queued on the event loop.
        var drainQueued = false
        /// Quotes replaced by a newer one before they were written.
        var conflated = 0
        /// Ticks seen (one a second), for the heartbeat.
        var ticks = 0
        /// When `closedReason` was set (monotonic ns), and whether the socket was closed after it.
        var closedAtNs: Int64 = 0
        var socketClosed = false
        /// A slow cut-off was reported to the ticker (which writes its close frame).
        var cutOffSaid = false
    }

    /// What the hub's ticker does after a tick.
    enum TickResult: Equatable {
        case nothing
        /// Cut off as too slow just now: write the close frame straight to the channel (a batch
        /// may be stuck behind a full socket); the socket is closed a grace period later.
        case cutOff(String)
        /// Closed by the server or cut off, and the grace for the close handshake is over.
        case closeSocket
    }

    /// What the chores task does next.
    enum Chore {
        /// Render the account summary and offer it (the account's events were offered).
        case summary
        case heartbeat
        /// Say goodbye (close handshake unless the reason is a slow cut-off or the client's own close).
        case close(String)
    }

    let id: Int
    let account: AccountID
    let group: String
    let capacity: Int
    let maxLagNs: Int64
    /// The largest frame written, bytes; longer messages are split into continuation frames.
    let maxFrameBytes: Int
    let channel: any Channel
    private let state = Mutex(State())
    /// The frame encoder's context, on the channel's event loop.
    private let encoderContext: NIOLoopBoundBox<ChannelHandlerContext?>

    /// Ticks between heartbeats (`server.stream_heartbeat_seconds`).
    let heartbeatTicks: Int
    /// How long a cut-off slow client's close frame may take to drain, and how long a client has
    /// to answer the server's own close frame, before the socket is closed (ns).
    static let slowCloseGraceNs: Int64 = 5_000_000_000
    static let serverCloseGraceNs: Int64 = 1_000_000_000

    init(id: Int, account: AccountID, group: String, channel: any Channel, capacity: Int, maxLagSeconds: Int,
         heartbeatSeconds: Int, maxFrameBytes: Int) {
        heartbeatTicks = max(1, heartbeatSeconds)
        self.id = id
        self.account = account
        self.group = group
        self.channel = channel
        encoderContext = NIOLoopBoundBox.makeEmptyBox(valueType: ChannelHandlerContext.self, eventLoop: channel.eventLoop)
        self.capacity = capacity
        self.maxFrameBytes = maxFrameBytes
        maxLagNs = Int64(maxLagSeconds) * 1_000_000_000
    }

    /// The close reason when the server stops (sent with 1001, going away).
    static let serverStopping = "server stopping"
    /// The close reason when the client closed or went away (nothing is sent).
    static let clientClosed = "client closed"
    /// The start of every slow-consumer close reason.
    static let slowPrefix = "too slow"

    static func nowNs() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds) }

    func subscribe(_ names: [String]) { state.withLock { $0.symbols.formUnion(names) } }
    func unsubscribe(_ names: [String]) {
        state.withLock { s in
            s.symbols.subtract(names)
            for n in names where s.quotes.removeValue(forKey: n) != nil { s.quoteOrder.removeAll { $0 == n } }
        }
    }
    var subscribed: [String] { state.withLock { $0.symbols.sorted() } }

    /// One rendered quote message as wire bytes (`WebSocketWire`), shared by every connection
    /// that gets it (not copied).
    struct QuoteFrame: Sendable {
        let group: String
        let symbol: String
        let wire: ByteBuffer
    }

    /// The quotes of one hub pass on one event loop, and the buffers of them already built:
    /// connections that take the same quotes (the same group and subscriptions, usually most)
    /// write the same buffer, built once. Loop-local; one per pass and loop.
    struct PassBuffers {
        let quotes: [QuoteFrame]
        /// Which quotes (bit i: quotes[i]) → those quotes' wire bytes one after another.
        var built: [UInt64: ByteBuffer] = [:]

        init(_ quotes: [QuoteFrame]) { self.quotes = quotes }

        mutating func buffer(_ taken: [Int]) -> ByteBuffer {
            guard taken.count > 1 else { return quotes[taken[0]].wire }
            let key = quotes.count <= 64 ? taken.reduce(UInt64(0)) { $0 | 1 << UInt64($1) } : nil
            if let key, let known = built[key] { return known }
            let out = WebSocketWire.joined(taken.map { quotes[$0].wire })
            if let key { built[key] = out }
            return out
        }
    }

    /// The latest quotes the hub took in one pass (one per symbol and group); those of this
    /// connection's group and subscriptions are taken. On the channel's event loop: written at
    /// once as one batch (one flush) when nothing is in flight, else kept, each replacing an
    /// unwritten older quote of its symbol.
    func offerQuotesOnLoop(_ pass: inout PassBuffers) {
        let quotes = pass.quotes
        let taken: [Int]? = state.withLock { s in
            guard s.closedReason == nil else { return nil }
            let idle = !s.inFlight && s.messages.isEmpty && s.quoteOrder.isEmpty
            var now: [Int] = []
            for (i, q) in quotes.enumerated() where q.group == group && s.symbols.contains(q.symbol) {
                if idle { now.append(i); continue }
                if s.quotes.updateValue(q.wire, forKey: q.symbol) == nil { s.quoteOrder.append(q.symbol) } else {
                    s.conflated += 1
                    APIMetrics.streamQuotesConflated.increment()
                }
            }
            guard !now.isEmpty else { return nil }
            s.inFlight = true
            s.progressNs = Self.nowNs()
            return now
        }
        if let taken { write(pass.buffer(taken), quotes: taken.count, messages: 0) }
    }

    /// A private message (order, position, margin call, answer ...); an overflow of the queue
    /// cuts the connection off. `summaryDirty` asks the chores task for an account summary after it.
    func offerMessage(_ bytes: [UInt8], summaryDirty: Bool) {
        let (queueDrain, waiter): (Bool, CheckedContinuation<Void, Never>?) = state.withLock { s in
            guard s.closedReason == nil else { return (false, nil) }
            if s.messages.count >= capacity {
                s.closedReason = "too slow: \(capacity) private messages waiting (server.stream_buffer_messages); \(s.conflated) quotes conflated"
                s.closedAtNs = Self.nowNs()
            } else {
                s.messages.append(WebSocketWire.text(bytes, maxFrameBytes: maxFrameBytes))
                if summaryDirty { s.summaryDirty = true }
            }
            let queue = s.closedReason == nil && !s.inFlight && !s.drainQueued
            if queue { s.drainQueued = true }
            return (queue, Self.takeWaiter(&s))
        }
        waiter?.resume()
        if queueDrain { channel.eventLoop.execute { self.drain() } }
    }

    /// The hub's ticker, once a second: checks the lag (cutting the connection off when a batch
    /// has been unfinished or messages waiting for `server.stream_max_lag_seconds`), asks the
    /// chores task for a heartbeat every `heartbeatTicks`, and says when the socket is to be
    /// closed after a close (1 s for the server's own close frame, 5 s after a slow cut-off).
    func tick(nowNs now: Int64 = StreamConnection.nowNs()) -> TickResult {
        let (waiter, result): (CheckedContinuation<Void, Never>?, TickResult) = state.withLock { s in
            s.ticks += 1
            var result = TickResult.nothing
            let pending = s.inFlight || !s.messages.isEmpty || !s.quoteOrder.isEmpty
            if s.closedReason == nil, pending, now - s.progressNs > maxLagNs {
                s.closedReason = "too slow: no message written for \((now - s.progressNs) / 1_000_000_000) s with messages waiting (server.stream_max_lag_seconds); \(s.conflated) quotes conflated"
                s.closedAtNs = now
            }
            if let reason = s.closedReason, reason.hasPrefix(Self.slowPrefix), !s.cutOffSaid {
                // Cut off (by lag here, or by a private queue overflow since the last tick).
                s.cutOffSaid = true
                result = .cutOff(reason)
            } else if let reason = s.closedReason, reason != Self.clientClosed, !s.socketClosed {
                let grace = reason.hasPrefix(Self.slowPrefix) ? Self.slowCloseGraceNs : Self.serverCloseGraceNs
                if now - s.closedAtNs >= grace {
                    s.socketClosed = true
                    result = .closeSocket
                }
            }
            if s.closedReason == nil, s.ticks % heartbeatTicks == 0 { s.heartbeatDue = true }
            return (Self.takeWaiter(&s), result)
        }
        waiter?.resume()
        return result
    }

    /// Ends the connection's writing with a reason (the first one given stays); what waits is dropped.
    func close(_ reason: String) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            if s.closedReason == nil {
                s.closedReason = reason
                s.closedAtNs = Self.nowNs()
            }
            return Self.takeWaiter(&s)
        }
        waiter?.resume()
    }

    /// Waits for the next chore: the close first, then a summary, then a heartbeat. After
    /// `.close` it is not called again.
    func nextChore() async -> Chore {
        while true {
            let chore: Chore? = state.withLock { s in
                if let reason = s.closedReason { return .close(reason) }
                if s.summaryDirty { s.summaryDirty = false; return .summary }
                if s.heartbeatDue { s.heartbeatDue = false; return .heartbeat }
                return nil
            }
            if let chore { return chore }
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s -> Bool in
                    if s.closedReason != nil || s.summaryDirty || s.heartbeatDue { return true }
                    s.choreWaiter = c
                    return false
                }
                if ready { c.resume() }
            }
        }
    }

    private static func takeWaiter(_ s: inout State) -> CheckedContinuation<Void, Never>? {
        guard s.closedReason != nil || s.summaryDirty || s.heartbeatDue else { return nil }
        defer { s.choreWaiter = nil }
        return s.choreWaiter
    }

    /// On the event loop: writes what waits as one batch, private messages first (in order),
    /// then the conflated quotes; nothing while a batch is in flight or once closed.
    private func drain() {
        let batch: (parts: [ByteBuffer], quotes: Int)? = state.withLock { s in
            s.drainQueued = false
            guard s.closedReason == nil, !s.inFlight, !s.messages.isEmpty || !s.quoteOrder.isEmpty else { return nil }
            var out = s.messages
            s.messages.removeAll(keepingCapacity: true)
            let privateCount = out.count
            for key in s.quoteOrder { if let q = s.quotes.removeValue(forKey: key) { out.append(q) } }
            s.quoteOrder.removeAll(keepingCapacity: true)
            s.inFlight = true
            s.progressNs = Self.nowNs()
            return (out, out.count - privateCount)
        }
        guard let batch else { return }
        write(WebSocketWire.joined(batch.parts), quotes: batch.quotes, messages: batch.parts.count - batch.quotes)
    }

    /// On the event loop: one batch of encoded frames (`quotes` quotes and `messages` private
    /// messages), written below the frame encoder and flushed once; its completion lets the
    /// next batch go.
    private func write(_ out: ByteBuffer, quotes: Int, messages: Int) {
        guard let below = belowEncoder() else {
            close("internal error: the WebSocket pipeline has no frame encoder")
            channel.close(promise: nil)
            return
        }
        let promise = channel.eventLoop.makePromise(of: Void.self)
        below.writeAndFlush(NIOAny(out), promise: promise)
        promise.futureResult.whenComplete { [self] result in
            let written: Bool
            if case .success = result { written = true } else { written = false }
            if written {
                APIMetrics.streamQuotesSent.increment(by: quotes)
                APIMetrics.streamPrivateSent.increment(by: messages)
            }
            let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
                s.inFlight = false
                s.progressNs = Self.nowNs()
                // The channel is gone (the client left or the socket was closed): nothing more is written.
                if !written, s.closedReason == nil {
                    s.closedReason = Self.clientClosed
                    s.closedAtNs = Self.nowNs()
                }
                return Self.takeWaiter(&s)
            }
            waiter?.resume()
            drain()
        }
    }

    /// On the event loop: the context of the channel's `WebSocketFrameEncoder`, whose `write`
    /// passes encoded bytes on toward the socket (found once, then kept).
    private func belowEncoder() -> ChannelHandlerContext? {
        if let known = encoderContext.value { return known }
        let found = try? channel.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self)
        encoderContext.value = found
        return found
    }
}
