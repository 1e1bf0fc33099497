import Glibc
import Synchronization

/// A plain POSIX thread for LP adapters, so they need neither Foundation nor Dispatch: start
/// a closure on a new thread, join it in `stop()`.
///
/// Thread: `start` and `join` from any thread (normally the host's control thread); `join`
/// may be called more than once (later calls return at once) but never from the thread
/// itself. Lifetime: the closure is retained until it returns. Keep the returned object and
/// join it before your `stop()` returns: after stop no code of yours may run.
/// The closure must not throw or trap (a trap takes down the host process).
public final class RTXPluginThread: Sendable {
    private let handle: pthread_t
    private let joined = Atomic<Bool>(false)

    private init(handle: pthread_t) {
        self.handle = handle
    }

    /// Starts body on a new thread. Throws `RTX_E_INTERNAL` when the thread cannot be created.
    public static func start(_ body: @escaping @Sendable () -> Void) throws(RTXPluginError) -> RTXPluginThread {
        let context = Unmanaged.passRetained(ThreadStart(body: body)).toOpaque()
        var handle = pthread_t()
        let rc = pthread_create(&handle, nil, threadMain, context)
        guard rc == 0 else {
            Unmanaged<ThreadStart>.fromOpaque(context).release()
            throw .internalError("pthread_create failed: \(RTXCStrings.string(strerror(rc)))")
        }
        return RTXPluginThread(handle: handle)
    }

    /// Waits until the thread's closure has returned. Idempotent.
    public func join() {
        if joined.exchange(true, ordering: .acquiringAndReleasing) {
            return
        }
        pthread_join(handle, nil)
    }

    /// CLOCK_MONOTONIC, ns: the clock of `sleep(untilMonotonicNanoseconds:)`. (The host's
    /// `monotonicNanoseconds` may use another origin: do not mix the two.)
    public static func monotonicNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
    }

    /// Sleeps until an absolute `monotonicNanoseconds()` deadline (returns at once if past).
    public static func sleep(untilMonotonicNanoseconds deadline: Int64) {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
    }

    /// Sleeps for a duration in ns (<= 0: returns at once).
    public static func sleep(nanoseconds: Int64) {
        guard nanoseconds > 0 else {
            return
        }
        sleep(untilMonotonicNanoseconds: monotonicNanoseconds() &+ nanoseconds)
    }
}

/// What a new thread runs; retained by `start` and released by the thread when body returns.
private final class ThreadStart {
    let body: @Sendable () -> Void

    init(body: @escaping @Sendable () -> Void) {
        self.body = body
    }
}

/// The thread's entry: a nonisolated C function with no captures.
nonisolated private func threadMain(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let argument else {
        return nil
    }
    let start = Unmanaged<ThreadStart>.fromOpaque(argument).takeRetainedValue()
    start.body()
    return nil
}
