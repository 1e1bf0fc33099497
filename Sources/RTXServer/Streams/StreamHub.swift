import Foundation
import Logging
import RTXCore
import RTXEngine
import Synchronization

/// Fans the engine's client quotes and events out to the WebSocket connections. One engine
/// subscriber (events and quotes) is read by one pump thread, which renders each quote once
/// and offers it to the connections of its group that subscribed the symbol, and renders each
/// event of an account (order, position, account, margin call, stop-out) only for that
/// account's connections. Offering never waits (`StreamConnection` buffers are bounded), so
/// the pump keeps up with the engine's publisher, and one slow connection delays nobody.
///
/// Thread: `register`/`remove` from any thread; the pump on its own thread. Lifetime: `start`
/// once, `stop` once.
final class StreamHub: Sendable {
    private let engine: Engine
    private let connections = Mutex<[Int: StreamConnection]>([:])
    private let nextID = Atomic<Int>(1)
    private let running = Atomic<Bool>(false)
    private let subscriber = Mutex<Subscriber?>(nil)
    private let names = Mutex<[Int: (String, Int)]>([:])
    private let logger = Logger(label: "rtx.stream")

    init(engine: Engine) { self.engine = engine }

    func makeID() -> Int { nextID.add(1, ordering: .relaxed).oldValue }
    func register(_ c: StreamConnection) { APIMetrics.streamConnections.record(connections.withLock { $0[c.id] = c; return $0.count }) }
    func remove(_ c: StreamConnection) { APIMetrics.streamConnections.record(connections.withLock { $0.removeValue(forKey: c.id); return $0.count }) }
    var count: Int { connections.withLock { $0.count } }

    func start() {
        guard !running.exchange(true, ordering: .relaxed) else { return }
        let thread = Thread { [self] in pump() }
        thread.name = "rtx-stream-pump"
        thread.start()
    }

    func stop() {
        running.store(false, ordering: .relaxed)
        subscriber.withLock { $0?.cancel() }
        for c in connections.withLock({ Array($0.values) }) { c.close(StreamConnection.serverStopping) }
    }

    /// (name, digits) of a symbol index.
    func symbol(_ index: SymbolIndex) -> (String, Int) {
        if let known = names.withLock({ $0[Int(index)] }) { return known }
        let found = engine.read { core in core.symbolSpec(index).map { ($0.name, $0.digits) } } ?? nil
        let value = found ?? ("#\(index)", 5)
        if found != nil { names.withLock { $0[Int(index)] = value } }
        return value
    }

    private func pump() {
        while running.load(ordering: .relaxed) {
            let s = engine.subscribe(events: true, quotes: true)
            subscriber.withLock { $0 = s }
            defer { s.cancel() }
            while running.load(ordering: .relaxed) {
                guard let item = s.next(waitMs: 500) else { continue }
                switch item {
                case .quote(let q): fanOut(q)
                case .events(_, let events): fanOut(events)
                case .closed(let why):
                    // Our reader fell behind the engine: each connection may have missed events.
                    logger.warning("stream pump cut off by the engine (\(why)); reconnecting the WebSocket clients")
                    for c in connections.withLock({ Array($0.values) }) { c.close("server stream restarted (\(why)); reconnect") }
                }
                if case .closed = item { break }
            }
        }
    }

    private func fanOut(_ q: ClientQuote) {
        let targets = connections.withLock { $0.values.filter { $0.group == q.group } }
        guard !targets.isEmpty else { return }
        let wanted = targets.filter { $0.wants(q.name) }
        guard !wanted.isEmpty else { return }
        var json = JSONText(capacity: 160)
        json.beginObject()
        json.field("type", "quote")
        json.field("symbol", q.name)
        json.field("bid", DecimalText.format(q.bidTicks, digits: q.digits))
        json.field("ask", DecimalText.format(q.askTicks, digits: q.digits))
        json.field("time_ns", q.timeNs)
        json.endObject()
        let bytes = json.bytes
        for c in wanted { c.offerQuote(symbol: q.name, bytes: bytes) }
    }

    private func fanOut(_ events: [CoreEvent]) {
        let byAccount = connections.withLock { all -> [AccountID: [StreamConnection]] in
            Dictionary(grouping: all.values, by: \.account)
        }
        guard !byAccount.isEmpty else { return }
        for e in events {
            guard let account = StreamEventJSON.account(of: e), let targets = byAccount[account] else { continue }
            guard let bytes = StreamEventJSON.render(e, symbol: symbol) else { continue }
            for c in targets { c.offerMessage(bytes, summaryDirty: true) }
        }
    }
}
