/// One quote as the cache writes it: the raw consolidated quote (`group` nil) or one
/// group's client prices, in ticks at the symbol's digits.
struct CachedQuote: Sendable, Equatable {
    var symbol: String
    var group: String?
    var digits: Int
    var bidTicks: Int64
    var askTicks: Int64
    /// Wall clock, ns since 1970, when the engine published it.
    var timeNs: Int64

    var key: Key { Key(symbol: symbol, group: group) }

    struct Key: Hashable, Sendable {
        var symbol: String
        var group: String?
    }
}

/// The hand-off from the LP pump to the cache writer: conflating, so it holds at most the
/// latest quote per key (per symbol, and per group and symbol) and cannot grow with the
/// quote rate; at most `maxKeys` distinct keys (a new key beyond that is dropped and counted
/// in `droppedKeys`). `put` never waits for the writer: it takes a lock that the writer
/// holds only to swap the dictionary out (never across I/O), and wakes the writer only when
/// the buffer goes from empty to not empty.
///
/// Thread: `put` from the LP pump, `take` and `sleep` from the writer, `close` from any.
final class QuoteCacheBuffer: @unchecked Sendable {
    private struct State {
        var pending: [CachedQuote.Key: CachedQuote] = [:]
        var closed = false
        var droppedKeys: UInt64 = 0
    }

    let maxKeys: Int
    private let monitor = Monitor(State())

    init(maxKeys: Int) { self.maxKeys = max(1, maxKeys) }

    func put(_ quote: CachedQuote) {
        let wake = monitor.withLock { s -> Bool in
            let wasEmpty = s.pending.isEmpty
            let key = quote.key
            if s.pending[key] == nil, s.pending.count >= maxKeys {
                s.droppedKeys &+= 1
                return false
            }
            s.pending[key] = quote
            return wasEmpty
        }
        if wake { monitor.broadcast() }
    }

    /// What is pending (and empties the buffer), waiting up to `deadlineNs` (monotonic) for
    /// something to arrive; empty at the deadline or once closed.
    func take(untilMonotonicNs deadlineNs: Int64) -> [CachedQuote.Key: CachedQuote] {
        monitor.withLock { s, waiter in
            while s.pending.isEmpty && !s.closed {
                if !waiter.wait(&s, untilMonotonicNs: deadlineNs) { break }
            }
            defer { s.pending = [:] }
            return s.pending
        }
    }

    /// Waits until `deadlineNs` (monotonic) or `close`, whatever arrives meanwhile (the
    /// writer's back-off); true when closed.
    func sleep(untilMonotonicNs deadlineNs: Int64) -> Bool {
        monitor.withLock { s, waiter in
            while !s.closed {
                if EngineClock.monotonicNs() >= deadlineNs { break }
                _ = waiter.wait(&s, untilMonotonicNs: deadlineNs)
            }
            return s.closed
        }
    }

    /// Wakes the writer for good (stop).
    func close() {
        monitor.withLock { $0.closed = true }
        monitor.broadcast()
    }

    var isClosed: Bool { monitor.withLock { $0.closed } }
    var droppedKeys: UInt64 { monitor.withLock { $0.droppedKeys } }
}
