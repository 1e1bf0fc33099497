#if canImport(Glibc)
import Glibc
#endif

/// A Redis server of our own, for `rtx run` without a configured Redis URL and for tests:
/// `redis-server` on 127.0.0.1 only, on a free port (or the one the caller pins), protected mode on, no persistence (no
/// RDB snapshots, no AOF: it holds caches and pub/sub only), its files in one folder:
///
/// ```
/// <folder>/redis.conf   written at each start
/// <folder>/redis.pid    the daemon's pid (redis writes it)
/// <folder>/redis.log    its log
/// <folder>/port         the port it last listened on (reused when free)
/// ```
///
/// The daemon outlives our process; a later `start` on the same folder reuses it while it
/// answers `PING`, and starts a new one when the pid file is stale. Redis runs as the user we
/// are (it does not refuse root).
///
/// Thread: the handle is immutable and `Sendable`; `start` and `stop` block the calling
/// thread for at most `startTimeoutSeconds` (10 s by default) plus a few seconds.
public final class PrivateRedis: Sendable {
    public let folder: String
    public let port: UInt16
    public let pid: Int32
    /// True when `start` found this server already running and did not start it.
    public let reused: Bool
    public let logFile: String

    public static let defaultStartTimeoutSeconds = 10
    static let portAttempts = 3

    /// `redis://127.0.0.1:PORT`.
    public var url: String { "redis://127.0.0.1:\(port)" }

    private init(folder: String, port: UInt16, pid: Int32, reused: Bool) {
        self.folder = folder
        self.port = port
        self.pid = pid
        self.reused = reused
        logFile = folder + "/redis.log"
    }

    /// Starts (or reuses) the Redis server for `folder`, creating the folder when missing. A
    /// new server listens on `port` when given (1024...65535; taken by another process: an
    /// error, no other port is tried), else on the port it last used when free, else on a free
    /// one. A server already running for `folder` is reused on its port even when `port`
    /// differs (logged; the pin applies at its next start).
    public static func start(folder: String, port pinnedPort: UInt16? = nil, log: StoreLogger = StoreLog.standardError,
                             startTimeoutSeconds: Int = defaultStartTimeoutSeconds) throws(PrivateServerError) -> PrivateRedis {
        let what = "start Redis"
        guard !folder.isEmpty else { throw PrivateServerError(what, "the folder is empty", fix: "pass a folder path") }
        guard (1 ... 600).contains(startTimeoutSeconds) else {
            throw PrivateServerError(what, "start timeout \(startTimeoutSeconds) s is outside 1...600", fix: "pass a timeout in seconds")
        }
        if let pinnedPort, pinnedPort < 1_024 {
            throw PrivateServerError(what, "port \(pinnedPort) is below 1024", fix: "pin a port from 1024 to 65535, or none to pick a free one")
        }
        let folder = ServerFiles.absolute(folder)
        guard !folder.contains("\""), !folder.contains("\\"), !folder.contains("\n") else {
            throw PrivateServerError(what, "the folder \(folder) contains a quote, backslash or newline, which redis.conf cannot carry",
                                     fix: "choose a folder without them")
        }
        guard let executable = ServerFiles.findExecutable("redis-server") else {
            throw PrivateServerError(what, "redis-server not found on PATH (\(getenv("PATH").map { String(cString: $0) } ?? ""))",
                                     fix: "apt-get install redis-server")
        }
        try ServerFiles.makeFolders(folder, mode: 0o700, what: what)
        let pidFile = folder + "/redis.pid", portFile = folder + "/port"
        let timeoutMs = startTimeoutSeconds * 1_000

        let remembered = ServerFiles.readText(portFile, limitBytes: 64).flatMap { UInt16($0.split(separator: "\n").first ?? "") }
        if let pid = readPid(pidFile) {
            if ServerFiles.isAlive(pid), let port = remembered, waitPong(port: port, pid: pid, timeoutMs: timeoutMs) {
                log("reusing Redis (pid \(pid)) on 127.0.0.1:\(port) for \(folder)")
                if let pinnedPort, pinnedPort != port {
                    log("Redis for \(folder) already runs on port \(port), not on the pinned port \(pinnedPort): kept; the pin applies when it next starts")
                }
                return PrivateRedis(folder: folder, port: port, pid: pid, reused: true)
            }
            if ServerFiles.isAlive(pid) {
                throw PrivateServerError(what, "a process (pid \(pid)) named in \(pidFile) runs but no Redis answers PING on the remembered port \(remembered.map(String.init) ?? "?")",
                                         fix: "stop it (kill \(pid)) or remove \(pidFile) if that pid is not Redis")
            }
            log("stale Redis pid file (pid \(pid) is not running) in \(folder): starting it again")
            unlink(pidFile)
        }

        if let pinnedPort, !LoopbackTCP.isFree(pinnedPort) { throw pinnedPortInUse(pinnedPort) }
        var preferred = remembered
        for attempt in 1 ... (pinnedPort == nil ? portAttempts : 1) {
            let port: UInt16
            if let pinnedPort {
                port = pinnedPort
            } else if let previous = preferred, LoopbackTCP.isFree(previous) { port = previous } else { port = try LoopbackTCP.freePort() }
            preferred = nil
            let config = """
                bind 127.0.0.1
                port \(port)
                protected-mode yes
                daemonize yes
                pidfile "\(pidFile)"
                logfile "\(folder)/redis.log"
                dir "\(folder)"
                save ""
                appendonly no
                unixsocket ""
                maxclients 1000
                timeout 0
                """
            try ServerFiles.writeText(config + "\n", to: folder + "/redis.conf", mode: 0o600, what: what)
            let outcome = try ChildProcess.run(executable, [folder + "/redis.conf"], timeoutMs: timeoutMs, what: what)
            if outcome.succeeded, let pid = waitPid(pidFile, timeoutMs: timeoutMs), waitPong(port: port, pid: pid, timeoutMs: timeoutMs) {
                try ServerFiles.writeText("\(port)\n", to: portFile, mode: 0o644, what: what)
                log("started Redis (pid \(pid)) on 127.0.0.1:\(port) for \(folder)")
                return PrivateRedis(folder: folder, port: port, pid: pid, reused: false)
            }
            let logTail = ServerFiles.logTail(folder + "/redis.log")
            let portTaken = logTail.contains("Address already in use")
            if portTaken, let pinnedPort { throw pinnedPortInUse(pinnedPort) }
            if portTaken && attempt < portAttempts { continue }
            if portTaken {
                throw PrivateServerError(what, "port \(port) in use (tried \(portAttempts) ports); the log: \(logTail)", fix: "free a port or retry")
            }
            throw PrivateServerError(what, "redis-server did not come up on 127.0.0.1:\(port) within \(startTimeoutSeconds) s (exit \(outcome.status)): \(ChildProcess.tail(outcome.output)); the log: \(logTail)",
                                     fix: "read the log at \(folder)/redis.log")
        }
        fatalError("unreachable: the loop returns or throws")
    }

    /// Stops the server: `SHUTDOWN NOSAVE`, then SIGTERM, then SIGKILL, waiting at most
    /// 5 s for each. Stopping a stopped server does nothing.
    public func stop() throws(PrivateServerError) {
        guard ServerFiles.isAlive(pid) else { return }
        _ = LoopbackTCP.exchange(port: port, request: Array("SHUTDOWN NOSAVE\r\n".utf8), timeoutMs: 2_000)
        if ServerFiles.waitGone(pid, timeoutMs: 5_000) { return }
        kill(pid, SIGTERM)
        if ServerFiles.waitGone(pid, timeoutMs: 5_000) { return }
        kill(pid, SIGKILL)
        if ServerFiles.waitGone(pid, timeoutMs: 5_000) { return }
        throw PrivateServerError("stop Redis", "Redis (pid \(pid)) did not exit after SHUTDOWN, SIGTERM and SIGKILL",
                                 fix: "look at it with ps -p \(pid)")
    }

    /// The port of the server `start(folder:)` would reuse: the pid in `<folder>/redis.pid`
    /// lives and answers `PING` on the remembered port. Nil otherwise. Creates and changes nothing.
    public static func runningPort(folder: String) -> UInt16? {
        let folder = ServerFiles.absolute(folder)
        guard let pid = readPid(folder + "/redis.pid"), ServerFiles.isAlive(pid),
              let port = ServerFiles.readText(folder + "/port", limitBytes: 64).flatMap({ UInt16($0.split(separator: "\n").first ?? "") }),
              pong(port: port, timeoutMs: 1_000) else { return nil }
        return port
    }

    static func pinnedPortInUse(_ port: UInt16) -> PrivateServerError {
        PrivateServerError("start Redis", "the pinned port 127.0.0.1:\(port) is in use (by another process)",
                           fix: "choose a free port, or pin none to let rtx pick one")
    }

    /// Sends `PING` over a plain TCP connection; true on `+PONG`.
    public func ping(timeoutMs: Int = 2_000) -> Bool { Self.pong(port: port, timeoutMs: timeoutMs) }

    static func pong(port: UInt16, timeoutMs: Int = 2_000) -> Bool {
        guard let answer = LoopbackTCP.exchange(port: port, request: Array("PING\r\n".utf8), timeoutMs: timeoutMs) else { return false }
        return answer.starts(with: Array("+PONG".utf8))
    }

    private static func readPid(_ path: String) -> Int32? {
        ServerFiles.readText(path, limitBytes: 64).flatMap { Int32($0.split(separator: "\n").first ?? "") }
    }

    private static func waitPid(_ path: String, timeoutMs: Int) -> Int32? {
        let deadline = MonotonicClock.nowMs() + Int64(timeoutMs)
        while MonotonicClock.nowMs() <= deadline {
            if let pid = readPid(path) { return pid }
            MonotonicClock.sleep(ms: 20)
        }
        return nil
    }

    /// Waits for `PING` to answer while `pid` lives.
    private static func waitPong(port: UInt16, pid: Int32, timeoutMs: Int) -> Bool {
        let deadline = MonotonicClock.nowMs() + Int64(timeoutMs)
        while !pong(port: port, timeoutMs: 500) {
            if MonotonicClock.nowMs() > deadline || !ServerFiles.isAlive(pid) { return false }
            MonotonicClock.sleep(ms: 20)
        }
        return true
    }
}
