#if canImport(Glibc)
import Glibc
#endif

/// A mutex with a condition variable: state guarded by `withLock`, waits with a deadline.
/// Thread: any; `wait` only inside `withLock`'s body (through the `Waiter` it passes).
/// Lifetime: the pthread objects live as long as the monitor.
final class Monitor<State>: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    /// The state while no `withLock` body holds it. A body that may wait works on the state
    /// moved out of here and hands it back around each wait: an `inout` held across a wait
    /// would let the optimizer assume nobody else changes it (the law of exclusivity), and
    /// the waiter would never see another thread's change.
    private var stored: State?

    init(_ state: State) {
        stored = state
        pthread_mutex_init(&mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(&condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    /// Lets a locked body wait for a change.
    struct Waiter {
        fileprivate let monitor: Monitor
        /// Hands `state` (the body's) back, releases the lock until signalled or `deadlineNs`
        /// (CLOCK_MONOTONIC) passes, then takes the state again with other threads' changes;
        /// returns false at the deadline. Spurious wake-ups happen: re-check the state.
        func wait(_ state: inout State, untilMonotonicNs deadlineNs: Int64) -> Bool {
            monitor.stored = consume state
            var ts = timespec(tv_sec: Int(deadlineNs / 1_000_000_000), tv_nsec: Int(deadlineNs % 1_000_000_000))
            let signalled = pthread_cond_timedwait(&monitor.condition, &monitor.mutex, &ts) != ETIMEDOUT
            state = monitor.stored!
            monitor.stored = nil
            return signalled
        }
    }

    @discardableResult
    func withLock<R>(_ body: (inout State, Waiter) throws -> R) rethrows -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        var state = stored!
        stored = nil
        defer { stored = state }
        return try body(&state, Waiter(monitor: self))
    }

    @discardableResult
    func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body(&stored!)
    }

    /// Wakes every waiter (call after changing the state).
    func broadcast() { pthread_cond_broadcast(&condition) }
}

/// Monotonic and wall clocks of the engine (the core never reads a clock).
public enum EngineClock {
    public static func monotonicNs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
    }

    /// The wall clock (CLOCK_REALTIME), ns since 1970, in integers (exact; a 53-bit mantissa would round it).
    public static func wallNs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
    }
}

/// Sleeps the calling thread for `ms` milliseconds.
func sleepMs(_ ms: Int64) {
    var ts = timespec(tv_sec: Int(ms / 1000), tv_nsec: Int((ms % 1000) * 1_000_000))
    nanosleep(&ts, nil)
}
