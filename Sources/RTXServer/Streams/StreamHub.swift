import Foundation
import Logging
import NIOCore
import RTXCore
import RTXEngine
import Synchronization

/// Fans the engine's client quotes and events out to the WebSocket connections. One engine
/// subscriber (events and quotes) is read by one pump thread, which renders each quote once
/// and offers it to the connections of its group that subscribed the symbol, and renders each
/// event of an account (order, position, account, margin call, stop-out) only for that
/// account's connections. Quotes are handed to each event loop once, which writes them to its
/// connections; offering never waits (`StreamConnection` buffers are bounded), so the pump
/// keeps up with the engine's publisher, and one slow connection delays nobody.
///
/// Thread: `register`/`remove` from any thread; the pump on its own thread. Lifetime: `start`
/// once, `stop` once.
final class StreamHub: Sendable {
    private let engine: Engine
    /// The open connections, and their groupings by event loop and by account, rebuilt on the
    /// first fan-out after a connection came or went (nil until then).
    private struct Registry {
        var all: [Int: StreamConnection] = [:]
        var byLoop: [[StreamConnection]]?
        var byAccount: [AccountID: [StreamConnection]]?
    }
    private let registry = Mutex(Registry())
    private let nextID = Atomic<Int>(1)
    private let running = Atomic<Bool>(false)
    private let subscriber = Mutex<Subscriber?>(nil)
    private let names = Mutex<[Int: (String, Int)]>([:])
    private let logger = Logger(label: "rtx.stream")

    init(engine: Engine) { self.engine = engine }

    func makeID() -> Int { nextID.add(1, ordering: .relaxed).oldValue }
    func register(_ c: StreamConnection) { changed { $0[c.id] = c } }
    func remove(_ c: StreamConnection) { changed { $0.removeValue(forKey: c.id) } }
    var count: Int { registry.withLock { $0.all.count } }
    private var all: [StreamConnection] { registry.withLock { Array($0.all.values) } }

    private func changed(_ change: (inout [Int: StreamConnection]) -> Void) {
        let count = registry.withLock { r in
            change(&r.all)
            r.byLoop = nil
            r.byAccount = nil
            return r.all.count
        }
        APIMetrics.streamConnections.record(count)
    }

    /// The connections by event loop (each list shares one loop).
    private var byLoop: [[StreamConnection]] {
        registry.withLock { r in
            if let known = r.byLoop { return known }
            var lists: [ObjectIdentifier: [StreamConnection]] = [:]
            for c in r.all.values { lists[ObjectIdentifier(c.channel.eventLoop), default: []].append(c) }
            r.byLoop = Array(lists.values)
            return r.byLoop!
        }
    }

    private var byAccount: [AccountID: [StreamConnection]] {
        registry.withLock { r in
            if let known = r.byAccount { return known }
            r.byAccount = Dictionary(grouping: r.all.values, by: \.account)
            return r.byAccount!
        }
    }

    func start() {
        guard !running.exchange(true, ordering: .relaxed) else { return }
        let thread = Thread { [self] in pump() }
        thread.name = "rtx-stream-pump"
        thread.start()
        let ticker = Thread { [self] in tickEverySecond() }
        ticker.name = "rtx-stream-ticker"
        ticker.start()
    }

    /// Longest the ticker goes on after `stop` while connections remain (their close handshakes), s.
    static let tickAfterStopSeconds = 15

    /// Once a second, every connection's `tick`: a slow one's close frame is written straight
    /// to its channel and its socket closed after the grace; heartbeats are asked for. Runs
    /// until `stop`, then while connections remain (at most `tickAfterStopSeconds`).
    private func tickEverySecond() {
        var afterStop = 0
        while running.load(ordering: .relaxed) || (count > 0 && afterStop < Self.tickAfterStopSeconds) {
            sleep(1)
            if !running.load(ordering: .relaxed) { afterStop += 1 }
            let now = StreamConnection.nowNs()
            for c in all {
                switch c.tick(nowNs: now) {
                case .nothing: break
                case .cutOff(let reason):
                    logger.warning("closing slow WebSocket of account \(c.account): \(reason)")
                    APIMetrics.streamSlowClosed.increment()
                    APIServer.writeClose(c.channel, code: .policyViolation, reason: reason)
                case .closeSocket: c.channel.close(promise: nil)
                }
            }
        }
    }

    func stop() {
        running.store(false, ordering: .relaxed)
        subscriber.withLock { $0?.cancel() }
        for c in all { c.close(StreamConnection.serverStopping) }
    }

    /// (name, digits) of a symbol index.
    func symbol(_ index: SymbolIndex) -> (String, Int) {
        if let known = names.withLock({ $0[Int(index)] }) { return known }
        let found = engine.read { core in core.symbolSpec(index).map { ($0.name, $0.digits) } } ?? nil
        let value = found ?? ("#\(index)", 5)
        if found != nil { names.withLock { $0[Int(index)] = value } }
        return value
    }

    /// Most subscriber items taken in one pass; the pass's quotes go out together.
    static let maxItemsPerPass = 256

    /// Takes what the engine published, in passes: a pass waits for one item, then takes what
    /// else is there without waiting (at most `maxItemsPerPass`). Events go out as they come;
    /// the pass's quotes (the latest per symbol and group) go out together at its end, so a
    /// connection gets one write and one flush for all of them.
    private func pump() {
        while running.load(ordering: .relaxed) {
            let s = engine.subscribe(events: true, quotes: true)
            subscriber.withLock { $0 = s }
            defer { s.cancel() }
            var cutOff = false
            while running.load(ordering: .relaxed), !cutOff {
                var item = s.next(waitMs: 500)
                var quotes: [ClientQuote] = []
                var taken = 0
                while let current = item {
                    switch current {
                    case .quote(let q):
                        if let i = quotes.firstIndex(where: { $0.name == q.name && $0.group == q.group }) { quotes[i] = q } else { quotes.append(q) }
                    case .events(_, let events): fanOut(events)
                    case .closed(let why):
                        // Our reader fell behind the engine: each connection may have missed events.
                        logger.warning("stream pump cut off by the engine (\(why)); reconnecting the WebSocket clients")
                        for c in all { c.close("server stream restarted (\(why)); reconnect") }
                        cutOff = true
                    }
                    taken += 1
                    item = cutOff || taken >= Self.maxItemsPerPass ? nil : s.next(waitMs: 0)
                }
                if !quotes.isEmpty { fanOut(quotes) }
            }
        }
    }

    /// Renders each quote once and hands them to the event loops of the connections: one task
    /// per event loop, which offers them to each of its connections there (each writes its
    /// group's subscribed ones at once, or conflates them behind a batch in flight). Connections
    /// that take the same quotes share one buffer of them (`StreamConnection.PassBuffers`).
    private func fanOut(_ quotes: [ClientQuote]) {
        let loops = byLoop
        guard !loops.isEmpty else { return }
        let frames = quotes.map { q in
            var json = JSONText(capacity: 160)
            json.beginObject()
            json.field("type", "quote")
            json.field("symbol", q.name)
            json.field("bid", DecimalText.format(q.bidTicks, digits: q.digits))
            json.field("ask", DecimalText.format(q.askTicks, digits: q.digits))
            json.field("time_ns", q.timeNs)
            json.endObject()
            return StreamConnection.QuoteFrame(group: q.group, symbol: q.name, wire: WebSocketWire.text(json.bytes, maxFrameBytes: APIServer.streamMaxFrameBytes))
        }
        for targets in loops {
            targets[0].channel.eventLoop.execute {
                var shared = StreamConnection.PassBuffers(frames)
                for c in targets { c.offerQuotesOnLoop(&shared) }
            }
        }
    }

    private func fanOut(_ events: [CoreEvent]) {
        let byAccount = byAccount
        guard !byAccount.isEmpty else { return }
        for e in events {
            guard let account = StreamEventJSON.account(of: e), let targets = byAccount[account] else { continue }
            guard let bytes = StreamEventJSON.render(e, symbol: symbol) else { continue }
            for c in targets { c.offerMessage(bytes, summaryDirty: true) }
        }
    }
}
