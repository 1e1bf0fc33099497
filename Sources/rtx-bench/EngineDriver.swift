import Foundation
import RTXCore
import RTXEngine
import RTXPluginHost

/// Drives a running engine from client threads, each keeping a bounded number of inputs in
/// flight, and checks every answer.
enum EngineDriver {
    /// How one drive went.
    struct Outcome {
        var inputs = 0
        var orders = 0
        var ordersFilled = 0
        /// Answers that were not `.applied`, orders that did not fill, other inputs the core rejected.
        var failures = 0
        var firstFailure: String?
        /// First submission to last answer seen, over all submitters, ns.
        var wallNs: Int64 = 0
        /// Submission → the submitter saw the answer, ns, one per input when asked for. Exact
        /// with one input in flight; with more, an answer that arrived while the submitter
        /// waited for an older one is seen late (an upper bound).
        var observedNs: [Int64] = []

        /// 0 when nothing was driven.
        var inputsPerSecond: Double { wallNs > 0 ? Double(inputs) / (Double(wallNs) / 1e9) : 0 }
        var ordersPerSecond: Double { wallNs > 0 ? Double(orders) / (Double(wallNs) / 1e9) : 0 }
    }

    /// Submits `count` inputs from `submitters` threads (submitter t sends indexes 0..<n_t of
    /// `command(t, _)`, the counts differing by at most one) with `submitNoWait`, each thread
    /// holding at most `inFlight` unanswered inputs (it waits for its oldest, up to `waitMs`,
    /// before submitting more). With `perSecond` the submitters are paced to that total rate
    /// (each submits its k-th input at start + k·submitters/perSecond, or at once when late);
    /// without, they submit as fast as answers allow. Returns when every input is answered
    /// or has timed out.
    static func drive(_ engine: Engine, count: Int, submitters: Int, inFlight: Int, perSecond: Int? = nil, recordObserved: Bool = false,
                      waitMs: Int64 = 30_000, command: @escaping @Sendable (_ submitter: Int, _ index: Int) -> Command) -> Outcome {
        precondition(submitters > 0 && inFlight > 0 && (perSecond ?? 1) > 0)
        let intervalNs = perSecond.map { Int64(submitters) * 1_000_000_000 / Int64($0) } ?? 0
        let slots = (0 ..< submitters).map { _ in SubmitterResult() }
        let group = DispatchGroup()
        for t in 0 ..< submitters {
            let share = count / submitters + (t < count % submitters ? 1 : 0)
            let slot = slots[t]
            group.enter()
            let thread = Thread {
                slot.run(engine, count: share, inFlight: inFlight, intervalNs: intervalNs, recordObserved: recordObserved, waitMs: waitMs) {
                    command(t, $0)
                }
                group.leave()
            }
            thread.name = "bench-submitter-\(t)"
            thread.start()
        }
        group.wait()
        var outcome = Outcome()
        let started = slots.filter { $0.outcome.inputs > 0 }
        if let first = started.map(\.firstSubmitNs).min(), let last = started.map(\.lastAnswerNs).max() { outcome.wallNs = last - first }
        for slot in slots {
            let o = slot.outcome
            outcome.inputs += o.inputs
            outcome.orders += o.orders
            outcome.ordersFilled += o.ordersFilled
            outcome.failures += o.failures
            if outcome.firstFailure == nil { outcome.firstFailure = o.firstFailure }
            outcome.observedNs += o.observedNs
        }
        return outcome
    }
}

/// One submitter's loop and tallies. Thread: written only by its submitter thread, read after
/// the drive's `DispatchGroup` wait (which orders the accesses).
private final class SubmitterResult: @unchecked Sendable {
    var outcome = EngineDriver.Outcome()
    var firstSubmitNs: Int64 = 0
    var lastAnswerNs: Int64 = 0

    private struct Pending {
        var reply: Reply
        var submittedNs: Int64
        var isOrder: Bool
    }

    func run(_ engine: Engine, count: Int, inFlight: Int, intervalNs: Int64, recordObserved: Bool, waitMs: Int64, command: (Int) -> Command) {
        if recordObserved { outcome.observedNs.reserveCapacity(count) }
        // A ring of the unanswered inputs, oldest at `head`.
        var ring = [Pending?](repeating: nil, count: inFlight)
        var head = 0, waiting = 0
        firstSubmitNs = HostClock.monotonicNanoseconds()
        func settleOldest() {
            settle(ring[head]!, recordObserved: recordObserved, waitMs: waitMs)
            ring[head] = nil
            head = (head + 1) % inFlight
            waiting -= 1
        }
        for index in 0 ..< count {
            if waiting == inFlight { settleOldest() }
            if intervalNs > 0 { sleepUntil(firstSubmitNs + Int64(index) * intervalNs) }
            let c = command(index)
            let isOrder: Bool
            if case .placeMarketOrder = c { isOrder = true } else { isOrder = false }
            let submitted = HostClock.monotonicNanoseconds()
            ring[(head + waiting) % inFlight] = Pending(reply: engine.submitNoWait(c), submittedNs: submitted, isOrder: isOrder)
            waiting += 1
        }
        while waiting > 0 { settleOldest() }
        lastAnswerNs = HostClock.monotonicNanoseconds()
    }

    /// Sleeps until the monotonic clock reads `dueNs` (returns at once when it is past).
    private func sleepUntil(_ dueNs: Int64) {
        let waitNs = dueNs - HostClock.monotonicNanoseconds()
        guard waitNs > 0 else { return }
        var ts = timespec(tv_sec: Int(waitNs / 1_000_000_000), tv_nsec: Int(waitNs % 1_000_000_000))
        nanosleep(&ts, nil)
    }

    private func settle(_ p: Pending, recordObserved: Bool, waitMs: Int64) {
        let answer = p.reply.wait(timeoutMs: waitMs)
        if recordObserved { outcome.observedNs.append(HostClock.monotonicNanoseconds() - p.submittedNs) }
        outcome.inputs += 1
        if p.isOrder { outcome.orders += 1 }
        switch answer {
        case .refused(let refusal):
            fail("refused: \(refusal)")
        case .applied(let sequence, let events):
            if p.isOrder {
                let filled = events.contains { if case .order(let e) = $0 { e.state == .filled } else { false } }
                if filled { outcome.ordersFilled += 1 } else { fail("order at \(sequence) did not fill: \(events.first.map { "\($0)" } ?? "no event")") }
            } else if let rejected = events.first(where: { if case .commandRejected = $0 { true } else { false } }) {
                fail("input at \(sequence) rejected: \(rejected)")
            }
        }
    }

    private func fail(_ why: String) {
        outcome.failures += 1
        if outcome.firstFailure == nil { outcome.firstFailure = why }
    }
}
