import RTXCore
import Synchronization

/// Fans the core's events and the client quotes out to subscribers (the control socket's
/// `watch` and `quotes` streams today; the WebSocket server later). Each subscriber has a
/// bounded queue: quotes are conflated to the latest per symbol, events are queued up to
/// `eventCapacity`; a subscriber whose event queue overflows is cut off with a reason, and
/// nobody else waits for it.
///
/// Thread: `publish` from the core thread, `publishQuote` from the quote pump, the
/// subscriber's `next` from its own thread.
final class EventPublisher: @unchecked Sendable {
    private let subscribers = Monitor<[Int: Subscriber]>([:])
    private let nextID = Atomic<Int>(1)
    private let anyEvents = Atomic<Int>(0)
    private let anyQuotes = Atomic<Int>(0)
    /// The Redis quote cache, when the engine has one: it gets every client quote (and the
    /// pump hands it the raw quote). Set by the engine before the LP pump thread starts (the
    /// thread's start orders the write before the pump's reads) and never changed after.
    var quoteCache: QuoteCache?

    init() {}

    func subscribe(events: Bool, quotes: Bool, eventCapacity: Int = 4_096) -> Subscriber {
        let s = Subscriber(id: nextID.add(1, ordering: .relaxed).oldValue, wantsEvents: events, wantsQuotes: quotes,
                           eventCapacity: eventCapacity) { [weak self] id in self?.unsubscribe(id) }
        subscribers.withLock { $0[s.id] = s }
        if events { anyEvents.add(1, ordering: .relaxed) }
        if quotes { anyQuotes.add(1, ordering: .relaxed) }
        return s
    }

    private func unsubscribe(_ id: Int) {
        guard let s = subscribers.withLock({ $0.removeValue(forKey: id) }) else { return }
        if s.wantsEvents { anyEvents.subtract(1, ordering: .relaxed) }
        if s.wantsQuotes { anyQuotes.subtract(1, ordering: .relaxed) }
    }

    func publish(sequence: UInt64, events: [CoreEvent]) {
        guard anyEvents.load(ordering: .relaxed) > 0, !events.isEmpty else { return }
        for s in subscribers.withLock({ Array($0.values) }) where s.wantsEvents { s.offer(sequence: sequence, events: events) }
    }

    func publishQuote(_ quote: ClientQuote) {
        quoteCache?.offer(quote)
        guard anyQuotes.load(ordering: .relaxed) > 0 else { return }
        for s in subscribers.withLock({ Array($0.values) }) where s.wantsQuotes { s.offer(quote) }
    }
}

/// A quote as a client of one group sees it.
public struct ClientQuote: Sendable, Equatable {
    public var symbol: SymbolIndex
    public var name: String
    public var digits: Int
    public var group: String
    public var bidTicks: Int64
    public var askTicks: Int64
    public var timeNs: Int64
}

/// One subscriber's bounded queue. Thread: producers via the publisher; `next` from one reader.
public final class Subscriber: @unchecked Sendable {
    public enum Item: Sendable {
        case events(sequence: UInt64, [CoreEvent])
        case quote(ClientQuote)
        /// The subscriber fell behind and was cut off.
        case closed(String)
    }

    struct State {
        var events: RingBuffer<(UInt64, [CoreEvent])>
        var quotes: [String: ClientQuote] = [:]
        var quoteOrder: [String] = []
        var closedReason: String?
    }

    let id: Int
    let wantsEvents: Bool
    let wantsQuotes: Bool
    private let monitor: Monitor<State>
    private let onClose: (Int) -> Void

    init(id: Int, wantsEvents: Bool, wantsQuotes: Bool, eventCapacity: Int, onClose: @escaping (Int) -> Void) {
        self.id = id
        self.wantsEvents = wantsEvents
        self.wantsQuotes = wantsQuotes
        self.onClose = onClose
        monitor = Monitor(State(events: RingBuffer(capacity: eventCapacity)))
    }

    func offer(sequence: UInt64, events: [CoreEvent]) {
        let overflow: Bool = monitor.withLock { s in
            guard s.closedReason == nil else { return false }
            if s.events.push((sequence, events)) { return false }
            s.closedReason = "too slow: \(s.events.capacity) event batches waiting"
            return true
        }
        monitor.broadcast()
        if overflow { onClose(id) }
    }

    func offer(_ q: ClientQuote) {
        monitor.withLock { s in
            let key = "\(q.name)/\(q.group)"
            if s.quotes[key] == nil { s.quoteOrder.append(key) }
            s.quotes[key] = q
        }
        monitor.broadcast()
    }

    /// The next item, waiting up to `waitMs`; nil on time-out.
    public func next(waitMs: Int64) -> Item? {
        let deadline = EngineClock.monotonicNs() + waitMs * 1_000_000
        return monitor.withLock { s, waiter in
            while true {
                if let (seq, events) = s.events.pop() { return .events(sequence: seq, events) }
                if !s.quoteOrder.isEmpty {
                    let key = s.quoteOrder.removeFirst()
                    return .quote(s.quotes.removeValue(forKey: key)!)
                }
                if let reason = s.closedReason { return .closed(reason) }
                if !waiter.wait(&s, untilMonotonicNs: deadline) { return nil }
            }
        }
    }

    public func cancel() { onClose(id) }
}
