#if canImport(Glibc)
import Glibc
#endif

/// Milliseconds on the monotonic clock, for bounded waits (not wall time).
enum MonotonicClock {
    static func nowMs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// Sleeps `ms` milliseconds (restarted after signals).
    static func sleep(ms: Int) {
        var request = timespec(tv_sec: ms / 1_000, tv_nsec: (ms % 1_000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
