import RTXCore

/// The answer to one client input: the core's events for its command, or a refusal. Filled
/// once by the core thread (or the sequencer, for a refusal); waited on by the caller.
/// Thread: any. Lifetime: shared by the caller and the pipeline (class).
public final class Reply: @unchecked Sendable {
    public enum Outcome: Sendable {
        /// The command was journaled (at `sequence`) and applied; the events it produced.
        case applied(sequence: UInt64, events: [CoreEvent])
        case refused(EngineRefusal)
    }

    /// The outcome once there is one, and the `whenComplete` callback until it is called.
    struct Slot {
        var outcome: Outcome?
        var callback: (@Sendable (Outcome) -> Void)?
    }

    private let monitor = Monitor(Slot())

    public init() {}

    func complete(_ outcome: Outcome) {
        let (first, callback): (Bool, (@Sendable (Outcome) -> Void)?) = monitor.withLock { slot in
            guard slot.outcome == nil else { return (false, nil) }
            slot.outcome = outcome
            defer { slot.callback = nil }
            return (true, slot.callback)
        }
        monitor.broadcast()
        if first, case .refused(let refusal) = outcome { PipelineMetrics.shared.refused(refusal) }
        callback?(outcome)
    }

    /// Calls `body` once with the outcome: at once (on this thread) when there is one already,
    /// else on the thread that completes the reply (the core, the sequencer, or a refusing
    /// caller), so `body` must be quick and must not block (resuming a continuation is). One
    /// `body` per reply (a second replaces the first). No time-out here: the caller bounds its wait.
    public func whenComplete(_ body: @escaping @Sendable (Outcome) -> Void) {
        let done: Outcome? = monitor.withLock { slot in
            if let outcome = slot.outcome { return outcome }
            slot.callback = body
            return nil
        }
        if let done { body(done) }
    }

    /// Waits up to `timeoutMs` for the outcome.
    public func wait(timeoutMs: Int64) -> Outcome {
        let deadline = EngineClock.monotonicNs() + timeoutMs * 1_000_000
        return monitor.withLock { slot, waiter in
            while slot.outcome == nil {
                if !waiter.wait(&slot, untilMonotonicNs: deadline), slot.outcome == nil { return Self.timedOut(waitMs: timeoutMs) }
            }
            return slot.outcome!
        }
    }

    /// What a caller that stopped waiting after `waitMs` answers; counted in
    /// `rtx_commands_refused_total{reason="timed_out"}` as `wait`'s time-outs are.
    public static func timedOut(waitMs: Int64) -> Outcome {
        PipelineMetrics.shared.refused(.timedOut(waitMs: waitMs))
        return .refused(.timedOut(waitMs: waitMs))
    }

    /// The outcome if there is one yet.
    public var outcome: Outcome? { monitor.withLock { $0.outcome } }
}
