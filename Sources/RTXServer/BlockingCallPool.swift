import Foundation

/// A fixed set of threads for calls that block (waiting for the journal and the core, bcrypt).
/// Why not a dispatch queue: on Linux a concurrent queue runs on libdispatch's global pool,
/// about one thread per core, so with 2 cores only 2 orders could wait for their commit at
/// once and the journal's group commit never saw more than 2 (the REST benchmark held at
/// ~2,500 orders/s). Here up to `threads` calls wait at once.
///
/// The job list is bounded by its callers (`EngineCalls.maxInFlight`); jobs run in order of
/// arrival. Thread: `enqueue` and `shutdown` from any thread. Lifetime: the threads start in
/// `init` and end after `shutdown`, once the jobs already queued have run.
final class BlockingCallPool: @unchecked Sendable {
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var jobs: [@Sendable () -> Void] = []
    private var stopping = false

    init(threads: Int, name: String) {
        precondition(threads > 0)
        for i in 0 ..< threads {
            let thread = Thread { [self] in work() }
            thread.name = "\(name)-\(i)"
            thread.stackSize = 512 * 1_024
            thread.start()
        }
    }

    /// Queues `job`; after `shutdown` (a call late in the server's stop) it runs on a thread of its own.
    func enqueue(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        if stopping {
            condition.unlock()
            Thread.detachNewThread(job)
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// The threads finish the queued jobs and end.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty, !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
