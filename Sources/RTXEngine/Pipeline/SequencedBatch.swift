import RTXCore

/// A journaled input on its way to the core thread.
struct SequencedInput: Sendable {
    var envelope: Envelope
    var reply: Reply?
    /// The LP the routing policy preferred (empty: none), for A-Book and hedge orders.
    var preferredLP: String
    var submittedNs: Int64
}

/// The bounded hand-off from the sequencer to the core thread: at most `capacity` batches
/// waiting; a full hand-off makes the sequencer wait (back-pressure: the input queue then
/// fills and refuses client inputs). Thread: one producer, one consumer.
final class BatchHandoff: @unchecked Sendable {
    private let monitor: Monitor<(batches: RingBuffer<[SequencedInput]>, closed: Bool)>
    init(capacity: Int = 8) { monitor = Monitor((RingBuffer(capacity: capacity), false)) }

    /// Waits for room; false when closed.
    func put(_ batch: [SequencedInput]) -> Bool {
        let ok: Bool = monitor.withLock { s, waiter in
            while !s.closed {
                if s.batches.push(batch) { return true }
                _ = waiter.wait(&s, untilMonotonicNs: EngineClock.monotonicNs() + 100_000_000)
            }
            return false
        }
        monitor.broadcast()
        return ok
    }

    /// The next batch, waiting up to `waitMs`; nil on time-out or when closed and drained.
    func take(waitMs: Int64) -> [SequencedInput]? {
        let deadline = EngineClock.monotonicNs() + waitMs * 1_000_000
        let batch: [SequencedInput]? = monitor.withLock { s, waiter in
            while s.batches.isEmpty && !s.closed {
                if !waiter.wait(&s, untilMonotonicNs: deadline) { return nil }
            }
            return s.batches.pop()
        }
        monitor.broadcast()
        return batch
    }

    func close() {
        monitor.withLock { $0.closed = true }
        monitor.broadcast()
    }

    var depth: Int { monitor.withLock { $0.batches.count } }
}
