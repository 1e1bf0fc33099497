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

    private let monitor = Monitor<Outcome?>(nil)

    public init() {}

    func complete(_ outcome: Outcome) {
        let first: Bool = monitor.withLock { state in
            guard state == nil else { return false }
            state = outcome
            return true
        }
        monitor.broadcast()
        if first, case .refused(let refusal) = outcome { PipelineMetrics.shared.refused(refusal) }
    }

    /// Waits up to `timeoutMs` for the outcome.
    public func wait(timeoutMs: Int64) -> Outcome {
        let deadline = EngineClock.monotonicNs() + timeoutMs * 1_000_000
        return monitor.withLock { state, waiter in
            while state == nil {
                if !waiter.wait(&state, untilMonotonicNs: deadline), state == nil {
                    PipelineMetrics.shared.refused(.timedOut(waitMs: timeoutMs))
                    return .refused(.timedOut(waitMs: timeoutMs))
                }
            }
            return state!
        }
    }

    /// The outcome if there is one yet.
    public var outcome: Outcome? { monitor.withLock { $0 } }
}
