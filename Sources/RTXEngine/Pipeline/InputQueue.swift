import RTXCore

/// The bounded queue in front of the sequencer: a client lane (capacity from the config;
/// a full lane refuses new client inputs at once with `queueFull`), a system lane (LP
/// reports, time, fee schedules, definitions; capacity `systemCapacity`, at which `put`
/// waits up to `systemWaitMs` and then reports failure to its caller, which keeps the input
/// at its source — an LP adapter's own report queue — and retries), and the latest quote per
/// symbol (conflated: a quote replaces the one not yet taken, so quotes never fill anything).
///
/// Thread: any producer; one consumer (the sequencer).
final class InputQueue: @unchecked Sendable {
    struct State {
        var client: RingBuffer<EngineInput>
        var system: RingBuffer<EngineInput>
        /// Latest untaken quote per symbol index (nil: none waiting), and which are waiting.
        var quotes: [(command: Command, receivedNs: Int64)?] = []
        var quoteSymbols: [SymbolIndex] = []
        var closed = false
        var takenQuotes = 0
        var conflatedQuotes = 0
    }

    let clientCapacity: Int
    let systemCapacity: Int
    static let systemWaitMs: Int64 = 1_000
    private let monitor: Monitor<State>

    init(clientCapacity: Int, systemCapacity: Int = 65_536) {
        self.clientCapacity = clientCapacity
        self.systemCapacity = systemCapacity
        monitor = Monitor(State(client: RingBuffer(capacity: clientCapacity), system: RingBuffer(capacity: systemCapacity)))
    }

    /// Queues a client input, or refuses it when the lane is full or the queue is closed.
    func putClient(_ input: EngineInput) -> EngineRefusal? {
        let refusal: EngineRefusal? = monitor.withLock { s in
            if s.closed { return .notRunning }
            return s.client.push(input) ? nil : .queueFull(capacity: clientCapacity)
        }
        if refusal == nil { monitor.broadcast() }
        return refusal
    }

    /// Queues a system input, waiting up to `systemWaitMs` for space; false when it could not.
    @discardableResult
    func putSystem(_ input: EngineInput) -> Bool {
        let deadline = EngineClock.monotonicNs() + Self.systemWaitMs * 1_000_000
        let ok: Bool = monitor.withLock { s, waiter in
            while !s.closed {
                if s.system.push(input) { return true }
                if !waiter.wait(&s, untilMonotonicNs: deadline) { return false }
            }
            return false
        }
        monitor.broadcast()
        return ok
    }

    /// Keeps the latest quote of its symbol (replacing an untaken one). `receivedNs`
    /// (monotonic) is when the LP adapter emitted it, for the quote-in → core latency.
    func putQuote(symbol: SymbolIndex, _ quote: Command, receivedNs: Int64 = EngineClock.monotonicNs()) {
        monitor.withLock { s in
            let i = Int(symbol)
            if i >= s.quotes.count { s.quotes += [(command: Command, receivedNs: Int64)?](repeating: nil, count: i + 1 - s.quotes.count) }
            if s.quotes[i] == nil { s.quoteSymbols.append(symbol) } else { s.conflatedQuotes += 1 }
            s.quotes[i] = (quote, receivedNs)
        }
        monitor.broadcast()
    }

    /// Takes up to `max` inputs (system lane first, then client, then quotes in arrival
    /// order of their symbols), waiting up to `waitMs` for the first. Empty when closed.
    func take(max: Int, waitMs: Int64, into batch: inout [EngineInput]) {
        let deadline = EngineClock.monotonicNs() + waitMs * 1_000_000
        monitor.withLock { s, waiter in
            while s.system.isEmpty && s.client.isEmpty && s.quoteSymbols.isEmpty && !s.closed {
                if !waiter.wait(&s, untilMonotonicNs: deadline) { break }
            }
            while batch.count < max, let input = s.system.pop() { batch.append(input) }
            while batch.count < max, let input = s.client.pop() { batch.append(input) }
            var taken = 0
            while batch.count < max, taken < s.quoteSymbols.count {
                let symbol = s.quoteSymbols[taken]
                let waiting = s.quotes[Int(symbol)]!
                var input = EngineInput.system(waiting.command)
                input.submittedNs = waiting.receivedNs
                batch.append(input)
                s.quotes[Int(symbol)] = nil
                taken += 1
            }
            s.quoteSymbols.removeFirst(taken)
            s.takenQuotes += taken
        }
        monitor.broadcast()     // room for waiting system producers
    }

    /// Refuses everything from now on and wakes the consumer.
    func close() {
        monitor.withLock { $0.closed = true }
        monitor.broadcast()
    }

    /// Inputs waiting (client, system, quotes), and quotes replaced before they were taken.
    var depths: (client: Int, system: Int, quotes: Int, conflated: Int) {
        monitor.withLock { s in (s.client.count, s.system.count, s.quoteSymbols.count, s.conflatedQuotes) }
    }
}

/// A fixed-capacity FIFO. Not thread-safe (guarded by its owner).
struct RingBuffer<Element> {
    private var storage: [Element?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) { storage = [Element?](repeating: nil, count: max(1, capacity)) }

    var isEmpty: Bool { count == 0 }
    var capacity: Int { storage.count }

    /// False when full.
    mutating func push(_ e: Element) -> Bool {
        guard count < storage.count else { return false }
        storage[(head + count) % storage.count] = e
        count += 1
        return true
    }

    mutating func pop() -> Element? {
        guard count > 0 else { return nil }
        let e = storage[head]
        storage[head] = nil
        head = (head + 1) % storage.count
        count -= 1
        return e
    }
}
