#if canImport(Glibc)
import Glibc
#endif

/// Stops a private PostgreSQL when the benchmark crashes (a Swift trap, a bad pointer): on
/// SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE or SIGABRT it sends the postmaster SIGINT (fast
/// shutdown; `kill` is async-signal-safe), puts the previous handler back (Swift's
/// backtracer) and returns, so the faulting instruction runs again and that handler reports
/// the crash as before. The server's folder stays behind (nothing else is safe to do there).
///
/// Thread: `arm` and `disarm` from one thread, not concurrently with each other.
enum CrashStop {
    static let signals: [Int32] = [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT]

    /// Watches for a crash while `postmaster` runs.
    static func arm(postmaster: pid_t) {
        crashStopPostmaster = postmaster
        for s in signals {
            sigaction(s, nil, crashStopSaved + Int(s))
            signal(s) { sig in
                if crashStopPostmaster > 0 { kill(crashStopPostmaster, SIGINT) }
                sigaction(sig, crashStopSaved + Int(sig), nil)
            }
        }
    }

    /// Puts the previous handlers back.
    static func disarm() {
        guard crashStopPostmaster > 0 else { return }
        for s in signals { sigaction(s, crashStopSaved + Int(s), nil) }
        crashStopPostmaster = 0
    }
}

/// The armed postmaster (0: none) and the handlers in force before `arm`, by signal number;
/// globals because a signal handler cannot capture.
nonisolated(unsafe) private var crashStopPostmaster: pid_t = 0
nonisolated(unsafe) private let crashStopSaved = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
