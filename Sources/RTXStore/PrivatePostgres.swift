import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL server of our own, for `rtx run` without a configured database URL and for
/// tests: listening on 127.0.0.1 only, on a free port (or the one the caller pins),
/// `fsync=on`, password (SCRAM) auth, superuser `rtx`, database `rtx`.
///
/// As root it runs as the `postgres` user (PostgreSQL refuses root), with its folder owned
/// by that user. The server outlives our process (pg_ctl detaches it): a later `start` on
/// the same folder reuses it while it runs, and starts it again on the same data when its
/// pid file is stale. `stop()` shuts it down (fast mode: open sessions are ended).
///
/// Thread: the handle is immutable and `Sendable`; `start` and `stop` block the calling
/// thread for at most the start timeout (30 s by default) plus a few seconds.
public final class PrivatePostgres: Sendable {
    /// The folder the caller asked for.
    public let requestedFolder: String
    /// The folder holding the server's files (the requested one, or its /var/tmp stand-in).
    public let folder: String
    public let port: UInt16
    /// The postmaster's process id.
    public let pid: Int32
    /// True when `start` found this server already running and did not start it.
    public let reused: Bool
    public let user = "rtx"
    public let password: String
    public let logFile: String
    public let dataFolder: String
    private let binaries: PostgresBinaries
    private let serverUser: ServerUser?

    /// Longest wait for the server to start or stop, in seconds.
    public static let defaultStartTimeoutSeconds = 30
    /// Start attempts when the chosen port turns out taken.
    static let portAttempts = 3

    /// `postgresql://rtx:...@127.0.0.1:PORT/rtx`.
    public var url: String { url(database: "rtx") }

    public func url(database: String) -> String {
        "postgresql://\(user):\(password)@127.0.0.1:\(port)/\(database)"
    }

    private init(layout: PrivatePostgresLayout, port: UInt16, pid: Int32, reused: Bool, password: String,
                 binaries: PostgresBinaries, serverUser: ServerUser?) {
        requestedFolder = layout.requested
        folder = layout.base
        self.port = port
        self.pid = pid
        self.reused = reused
        self.password = password
        logFile = layout.logFile
        dataFolder = layout.data
        self.binaries = binaries
        self.serverUser = serverUser
    }

    /// Starts (or reuses) the server for `folder`, creating the folder and the cluster on
    /// first use, and the database `rtx`. A new server listens on `port` when given (1024...65535;
    /// taken by another process: an error, no other port is tried), else on the port it last
    /// used when free, else on a free one. A server already running for `folder` is reused on
    /// its port even when `port` differs (logged; the pin applies at its next start).
    public static func start(folder: String, port pinnedPort: UInt16? = nil, log: StoreLogger = StoreLog.standardError,
                             startTimeoutSeconds: Int = defaultStartTimeoutSeconds) throws(PrivateServerError) -> PrivatePostgres {
        let what = "start PostgreSQL"
        guard !folder.isEmpty else { throw PrivateServerError(what, "the folder is empty", fix: "pass a folder path") }
        guard (1 ... 600).contains(startTimeoutSeconds) else {
            throw PrivateServerError(what, "start timeout \(startTimeoutSeconds) s is outside 1...600", fix: "pass a timeout in seconds")
        }
        if let pinnedPort, pinnedPort < 1_024 {
            throw PrivateServerError(what, "port \(pinnedPort) is below 1024", fix: "pin a port from 1024 to 65535, or none to pick a free one")
        }
        let binaries = try PostgresBinaries.locate()
        let serverUser = ServerUser.weAreRoot ? try ServerUser.named("postgres", for: what) : nil
        let layout = try prepareFolders(ServerFiles.absolute(folder), serverUser: serverUser, log: log)
        let timeoutMs = startTimeoutSeconds * 1_000

        if let running = layout.postmaster() {
            if ServerFiles.isAlive(running.pid) {
                let port = try waitForPort(layout, pid: running.pid, timeoutMs: timeoutMs)
                guard waitAnswering(port: port, timeoutMs: timeoutMs) else {
                    throw PrivateServerError(what, "a PostgreSQL (pid \(running.pid)) runs for \(layout.data) but does not answer on 127.0.0.1:\(port) within \(startTimeoutSeconds) s; its log: \(ServerFiles.logTail(layout.logFile))",
                                             fix: "stop it (kill \(running.pid)) and start again")
                }
                let password = try readPassword(layout)
                log("reusing PostgreSQL (pid \(running.pid)) on 127.0.0.1:\(port) for \(layout.base)")
                if let pinnedPort, pinnedPort != port {
                    log("PostgreSQL for \(layout.base) already runs on port \(port), not on the pinned port \(pinnedPort): kept; the pin applies when it next starts")
                }
                let server = PrivatePostgres(layout: layout, port: port, pid: running.pid, reused: true, password: password,
                                             binaries: binaries, serverUser: serverUser)
                try server.createDatabase(timeoutMs: timeoutMs)
                return server
            }
            log("stale PostgreSQL pid file (pid \(running.pid) is not running) in \(layout.data): starting it again on the same data")
            unlink(layout.postmasterPidFile)
            if let port = running.port { layout.removeStaleSocket(port: port, deadPid: running.pid) }
        }

        if !ServerFiles.exists(layout.data + "/PG_VERSION") {
            try initialize(layout, binaries: binaries, serverUser: serverUser, log: log)
        }
        let password = try readPassword(layout)
        let port = try launch(layout, pinnedPort: pinnedPort, binaries: binaries, serverUser: serverUser, startTimeoutSeconds: startTimeoutSeconds)
        guard let started = layout.postmaster(), ServerFiles.isAlive(started.pid) else {
            throw PrivateServerError(what, "pg_ctl reported a start but no server runs for \(layout.data); its log: \(ServerFiles.logTail(layout.logFile))",
                                     fix: "look at \(layout.logFile)")
        }
        log("started PostgreSQL (pid \(started.pid)) on 127.0.0.1:\(port) for \(layout.base)")
        let server = PrivatePostgres(layout: layout, port: port, pid: started.pid, reused: false, password: password,
                                     binaries: binaries, serverUser: serverUser)
        try server.createDatabase(timeoutMs: timeoutMs)
        return server
    }

    /// Stops the server (pg_ctl stop -m fast: sessions are ended, the data is checkpointed),
    /// waiting at most the default start timeout. Stopping a stopped server does nothing.
    public func stop() throws(PrivateServerError) {
        let outcome = try ServerUser.run(serverUser, binaries.pgCtl,
                                         ["stop", "-D", dataFolder, "-m", "fast", "-w", "-t", String(Self.defaultStartTimeoutSeconds)],
                                         timeoutMs: (Self.defaultStartTimeoutSeconds + 10) * 1_000, what: "stop PostgreSQL")
        if outcome.succeeded || outcome.output.contains("Is server running?") { return }
        throw PrivateServerError("stop PostgreSQL", "pg_ctl stop failed for \(dataFolder): \(ChildProcess.tail(outcome.output))",
                                 fix: "stop it by hand: kill \(pid)")
    }

    /// True when the server answers on its port right now.
    public var isAnswering: Bool { Self.answers(port: port) }

    /// The port of the server `start(folder:)` would reuse: one whose postmaster runs for
    /// `folder` (or its /var/tmp stand-in). Nil when none runs. Creates and changes nothing.
    public static func runningPort(folder: String) -> UInt16? {
        let requested = ServerFiles.absolute(folder)
        for base in [requested, PrivatePostgresLayout.standIn(for: requested)] {
            let layout = PrivatePostgresLayout(requested: requested, base: base)
            if let running = layout.postmaster(), ServerFiles.isAlive(running.pid), let port = running.port { return port }
        }
        return nil
    }

    // MARK: - Steps

    private static func prepareFolders(_ requested: String, serverUser: ServerUser?,
                                       log: StoreLogger) throws(PrivateServerError) -> PrivatePostgresLayout {
        let what = "prepare the PostgreSQL folder"
        guard !requested.contains("'"), !requested.contains("\""), !requested.contains("\\") else {
            throw PrivateServerError(what, "the folder \(requested) contains a quote or backslash, which pg_ctl's command line cannot carry",
                                     fix: "choose a folder without quotes or backslashes")
        }
        try ServerFiles.makeFolders(requested, mode: 0o755, what: what)
        var layout = PrivatePostgresLayout(requested: requested, base: requested)
        if let serverUser, !serverUser.canReach(requested) {
            layout.base = PrivatePostgresLayout.standIn(for: requested)
            try ServerFiles.makeFolders(layout.base, mode: 0o755, what: what)
            guard serverUser.canReach(layout.base) else {
                throw PrivateServerError(what, "user \(serverUser.name) can reach neither \(requested) nor \(layout.base)",
                                         fix: "make \(PrivatePostgresLayout.standInRoot) searchable: chmod 755 /var/tmp \(PrivatePostgresLayout.standInRoot)")
            }
            log("user \(serverUser.name) cannot reach \(requested) (a folder on the way is not searchable by it): keeping PostgreSQL's files in \(layout.base) instead")
        }
        for folder in [layout.serverFolder, layout.socketFolder] {
            try ServerFiles.makeFolders(folder, mode: 0o700, what: what)
            try ServerFiles.chown(folder, to: serverUser, what: what)
            _ = chmod(folder, 0o700)
        }
        return layout
    }

    private static func initialize(_ layout: PrivatePostgresLayout, binaries: PostgresBinaries, serverUser: ServerUser?,
                                   log: StoreLogger) throws(PrivateServerError) {
        let what = "initdb"
        let password = try randomPassword()
        try ServerFiles.writeText(password + "\n", to: layout.passwordFile, mode: 0o600, what: what)
        let passwordForInitdb = layout.serverFolder + "/initdb-password"
        try ServerFiles.writeText(password + "\n", to: passwordForInitdb, mode: 0o600, what: what)
        defer { unlink(passwordForInitdb) }
        try ServerFiles.chown(passwordForInitdb, to: serverUser, what: what)
        let outcome = try ServerUser.run(serverUser, binaries.initdb,
                                         ["-D", layout.data, "-U", "rtx", "--pwfile=\(passwordForInitdb)",
                                          "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
                                          "-E", "UTF8", "--no-locale", "--no-instructions"],
                                         timeoutMs: 120_000, what: what)
        guard outcome.succeeded else {
            throw PrivateServerError(what, "initdb failed for \(layout.data) (exit \(outcome.status)): \(ChildProcess.tail(outcome.output))",
                                     fix: "read the message above; if \(layout.data) is a half-made cluster, remove it and start again")
        }
        log("created a PostgreSQL cluster in \(layout.data)")
    }

    /// Starts the postmaster with pg_ctl on the pinned port (one attempt), else on the
    /// remembered port when free, else a free one; returns the port.
    private static func launch(_ layout: PrivatePostgresLayout, pinnedPort: UInt16?, binaries: PostgresBinaries, serverUser: ServerUser?,
                               startTimeoutSeconds: Int) throws(PrivateServerError) -> UInt16 {
        let what = "start PostgreSQL"
        if let pinnedPort, !LoopbackTCP.isFree(pinnedPort) { throw pinnedPortInUse(pinnedPort) }
        var remembered = ServerFiles.readText(layout.portFile, limitBytes: 64).flatMap { UInt16($0.split(separator: "\n").first ?? "") }
        for attempt in 1 ... (pinnedPort == nil ? portAttempts : 1) {
            let port: UInt16
            if let pinnedPort {
                port = pinnedPort
            } else if let previous = remembered, LoopbackTCP.isFree(previous) { port = previous } else { port = try LoopbackTCP.freePort() }
            remembered = nil
            let options = "-c listen_addresses=127.0.0.1 -p \(port) -c unix_socket_directories='\(layout.socketFolder)'"
                + " -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c max_connections=50 -c shared_buffers=64MB"
            let outcome = try ServerUser.run(serverUser, binaries.pgCtl,
                                             ["start", "-D", layout.data, "-l", layout.logFile, "-w", "-t", String(startTimeoutSeconds), "-o", options],
                                             timeoutMs: (startTimeoutSeconds + 10) * 1_000, what: what)
            if outcome.succeeded {
                try ServerFiles.writeText("\(port)\n", to: layout.portFile, mode: 0o644, what: what)
                return port
            }
            let logTail = ServerFiles.logTail(layout.logFile)
            let portTaken = logTail.contains("could not bind") || logTail.contains("Address already in use")
            if portTaken, let pinnedPort { throw pinnedPortInUse(pinnedPort) }
            if portTaken && attempt < portAttempts { continue }
            if portTaken {
                throw PrivateServerError(what, "port \(port) in use (tried \(portAttempts) ports); the log: \(logTail)",
                                         fix: "free a port or retry")
            }
            throw PrivateServerError(what, "pg_ctl start failed for \(layout.data) (exit \(outcome.status)): \(ChildProcess.tail(outcome.output)); the log: \(logTail)",
                                     fix: "read the log at \(layout.logFile)")
        }
        fatalError("unreachable: the loop returns or throws")
    }

    static func pinnedPortInUse(_ port: UInt16) -> PrivateServerError {
        PrivateServerError("start PostgreSQL", "the pinned port 127.0.0.1:\(port) is in use (by another process)",
                           fix: "choose a free port, or pin none to let rtx pick one")
    }

    /// Creates the database `rtx` when missing.
    private func createDatabase(timeoutMs: Int) throws(PrivateServerError) {
        let what = "create the database rtx"
        do {
            let admin = try PostgresConnection(PostgresConfiguration(conninfo: url(database: "postgres"),
                                                                     connectTimeoutSeconds: max(2, timeoutMs / 1_000)))
            defer { admin.close() }
            let exists = try admin.execute("SELECT 1 FROM pg_database WHERE datname = 'rtx'", params: []).rowCount == 1
            if !exists {
                do { try admin.execute("CREATE DATABASE rtx") } catch where error.sqlState == "42P04" { /* made meanwhile */ }
            }
        } catch {
            throw PrivateServerError(what, "\(error)", fix: "look at \(logFile)")
        }
    }

    private static func readPassword(_ layout: PrivatePostgresLayout) throws(PrivateServerError) -> String {
        guard let text = ServerFiles.readText(layout.passwordFile, limitBytes: 1_024),
              let line = text.split(separator: "\n").first, !line.isEmpty else {
            throw PrivateServerError("start PostgreSQL", "the password file \(layout.passwordFile) is missing or empty, but the cluster in \(layout.data) exists",
                                     fix: "restore the file, or remove \(layout.base) to start with a new, empty cluster")
        }
        return String(line)
    }

    private static func randomPassword() throws(PrivateServerError) -> String {
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        var bytes = [UInt8](repeating: 0, count: 16)
        let got = fd < 0 ? -1 : bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if fd >= 0 { close(fd) }
        guard got == bytes.count else {
            throw PrivateServerError("initdb", "cannot read 16 random bytes from /dev/urandom", fix: "check that /dev/urandom exists")
        }
        return HexBytes.encode(bytes)
    }

    /// The port of a server found running (postmaster.pid may still be filling in).
    private static func waitForPort(_ layout: PrivatePostgresLayout, pid: Int32, timeoutMs: Int) throws(PrivateServerError) -> UInt16 {
        let deadline = MonotonicClock.nowMs() + Int64(timeoutMs)
        while MonotonicClock.nowMs() <= deadline {
            if let port = layout.postmaster()?.port { return port }
            MonotonicClock.sleep(ms: 50)
        }
        throw PrivateServerError("start PostgreSQL", "PostgreSQL (pid \(pid)) runs for \(layout.data) but its pid file names no port",
                                 fix: "stop it (kill \(pid)) and start again")
    }

    private static func waitAnswering(port: UInt16, timeoutMs: Int) -> Bool {
        let deadline = MonotonicClock.nowMs() + Int64(timeoutMs)
        while !answers(port: port) {
            if MonotonicClock.nowMs() > deadline { return false }
            MonotonicClock.sleep(ms: 100)
        }
        return true
    }

    static func answers(port: UInt16) -> Bool {
        PQping("host=127.0.0.1 port=\(port) dbname=postgres connect_timeout=2") == PQPING_OK
    }
}
