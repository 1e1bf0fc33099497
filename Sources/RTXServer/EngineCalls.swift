import Dispatch
import RTXCore
import RTXEngine
import Synchronization

/// Runs the engine's blocking calls (`submit` waits for the journal and the core, `read` for
/// the core thread, bcrypt for up to ~250 ms of CPU) on `threads` threads of their own
/// (`BlockingCallPool`), so the server's event loops and Swift's cooperative pool never wait,
/// and as many orders as there are threads can wait for one group commit. At most
/// `maxInFlight` calls at a time (running or queued for a thread); beyond that a request gets
/// 503 `busy` at once instead of queueing without bound.
///
/// Thread: any. Lifetime: the server's; `shutdown` when it stops.
final class EngineCalls: Sendable {
    /// Most blocking calls in flight at once.
    static let maxInFlight = 256
    /// Threads that may block at once.
    static let threads = 64
    private let pool = BlockingCallPool(threads: EngineCalls.threads, name: "rtx-api-call")
    private let inFlight = Atomic<Int>(0)

    /// Ends the threads once the calls already queued have run.
    func shutdown() { pool.shutdown() }

    func run<R: Sendable>(_ body: @escaping @Sendable () throws -> R) async throws -> R {
        guard inFlight.add(1, ordering: .relaxed).newValue <= Self.maxInFlight else {
            inFlight.subtract(1, ordering: .relaxed)
            throw APIError(.serviceUnavailable, "busy", "the server has \(Self.maxInFlight) engine calls in flight; try again shortly")
        }
        defer { inFlight.subtract(1, ordering: .relaxed) }
        return try await withCheckedThrowingContinuation { continuation in
            pool.enqueue {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
        }
    }

    /// Submits `command` and awaits its outcome without holding a thread: the reply's
    /// completion (on the core or sequencer thread) resumes the task. Counted in `maxInFlight`
    /// like `run`; after `waitMs` the answer is `.refused(.timedOut)` (the command may still
    /// be applied, as with `Engine.submit`).
    func submit(_ command: Command, to engine: Engine, waitMs: Int64) async throws -> Reply.Outcome {
        guard inFlight.add(1, ordering: .relaxed).newValue <= Self.maxInFlight else {
            inFlight.subtract(1, ordering: .relaxed)
            throw APIError(.serviceUnavailable, "busy", "the server has \(Self.maxInFlight) engine calls in flight; try again shortly")
        }
        defer { inFlight.subtract(1, ordering: .relaxed) }
        let reply = engine.submitNoWait(command)
        return await withCheckedContinuation { continuation in
            let once = ResumeOnce(continuation)
            reply.whenComplete { outcome in once.resume { outcome } }
            // The time-out fires in any case and does nothing once the outcome came (so it is
            // counted as a time-out only when it answered).
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(waitMs))) { once.resume { Reply.timedOut(waitMs: waitMs) } }
        }
    }
}

/// A continuation resumed by whichever comes first (the outcome or the time-out). Thread: any.
private final class ResumeOnce: Sendable {
    private let continuation: CheckedContinuation<Reply.Outcome, Never>
    private let resumed = Atomic<Bool>(false)

    init(_ continuation: CheckedContinuation<Reply.Outcome, Never>) { self.continuation = continuation }

    /// Resumes with `outcome()` unless resumed already (then `outcome` is not called).
    func resume(_ outcome: () -> Reply.Outcome) {
        if !resumed.exchange(true, ordering: .acquiringAndReleasing) { continuation.resume(returning: outcome()) }
    }
}
