#if canImport(Glibc)
import Glibc
#endif

/// Runs a short-lived program to completion (initdb, pg_ctl, redis-server's daemonizing
/// parent, test(1)) with a time limit, capturing the tail of its standard output and error.
///
/// The child starts in `/` with standard input from /dev/null, in its own process group, and
/// inherits no descriptor of ours but the output pipe (everything else is close-on-exec or
/// closed). Waits for the child's exit, not for end of file, so a daemon it leaves behind
/// holding the pipe cannot stall us. Thread: any; blocks the calling thread.
enum ChildProcess {
    struct Outcome {
        /// The exit code, or 128 + the signal number when it was killed.
        var status: Int32
        /// The last `outputLimitBytes` of standard output and error, interleaved.
        var output: String
        var succeeded: Bool { status == 0 }
    }

    /// Output kept per run; older bytes are dropped.
    static let outputLimitBytes = 64 << 10

    static func run(_ executable: String, _ arguments: [String], timeoutMs: Int, what: String) throws(PrivateServerError) -> Outcome {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw PrivateServerError(what, "cannot create a pipe: \(String(cString: strerror(errno)))", fix: "check the process's open-file limit (ulimit -n)")
        }
        defer { close(fds[0]) }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        _ = GNUSpawnActions.closeFrom?(&actions, 3)
        _ = GNUSpawnActions.changeDirectory?(&actions, "/")
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        close(fds[1])
        guard spawned == 0 else {
            throw PrivateServerError(what, "cannot run \(executable): \(String(cString: strerror(spawned)))",
                                     fix: "check that \(executable) exists and is executable")
        }

        var output = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 8_192)
        let deadline = MonotonicClock.nowMs() + Int64(timeoutMs)
        var exitStatus: Int32?
        var endOfOutput = false
        /// Reads what is there: one chunk after waiting up to `waitMs`, or (0) all that is ready.
        func drain(waitMs: Int32) {
            if endOfOutput {
                if waitMs > 0 { MonotonicClock.sleep(ms: Int(waitMs)) }
                return
            }
            var poller = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
            while poll(&poller, 1, waitMs) > 0 {
                let n = chunk.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
                if n <= 0 {
                    endOfOutput = n == 0
                    return
                }
                output.append(contentsOf: chunk[0 ..< n])
                if output.count > outputLimitBytes { output.removeFirst(output.count - outputLimitBytes) }
                if waitMs > 0 { return }
            }
        }
        while exitStatus == nil {
            drain(waitMs: 50)
            var raw: Int32 = 0
            let reaped = waitpid(pid, &raw, WNOHANG)
            if reaped == pid {
                exitStatus = Self.decode(raw)
            } else if reaped < 0 && errno != EINTR {
                exitStatus = -1
            } else if MonotonicClock.nowMs() > deadline {
                kill(pid, SIGKILL)
                while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
                drain(waitMs: 0)
                throw PrivateServerError(what, "\(executable) did not finish within \(timeoutMs) ms and was killed; its output: \(Self.tail(output))",
                                         fix: "look at the output above and at the server's log")
            }
        }
        drain(waitMs: 0)
        return Outcome(status: exitStatus ?? -1, output: String(decoding: output, as: UTF8.self))
    }

    private static func decode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7F
        return signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
    }

    /// The last few lines of output, joined on one line, for messages.
    static func tail(_ bytes: [UInt8], lines: Int = 8) -> String {
        tail(String(decoding: bytes, as: UTF8.self), lines: lines)
    }

    static func tail(_ text: String, lines: Int = 8) -> String {
        let kept = text.split(whereSeparator: { $0 == "\n" }).suffix(lines).joined(separator: " | ")
        return kept.isEmpty ? "(no output)" : kept
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34) and `..._addchdir_np` (2.29),
/// which Swift's Glibc module hides (they need _GNU_SOURCE); looked up once, nil on an
/// older C library (then the child keeps our working folder and non-close-on-exec fds).
enum GNUSpawnActions {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    static let closeFrom: CloseFrom? = lookup("posix_spawn_file_actions_addclosefrom_np")
    static let changeDirectory: ChangeDirectory? = lookup("posix_spawn_file_actions_addchdir_np")

    private static func lookup<F>(_ name: String) -> F? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: F.self)
    }
}
