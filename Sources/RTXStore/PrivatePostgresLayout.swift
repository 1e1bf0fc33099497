#if canImport(Glibc)
import Glibc
#endif

/// The files of one private PostgreSQL server, under the folder it was asked to use (or,
/// when the `postgres` user cannot reach that folder, under a stand-in in /var/tmp named
/// after it, so the same request always finds the same data).
///
/// ```
/// <base>/password      superuser password (ours, 0600)
/// <base>/port          the port it last listened on (reused when free)
/// <base>/pg/           the server's own folder (owned by the server user, 0700):
///     data/            PGDATA (postmaster.pid inside names the running server)
///     server.log       the server's log (pg_ctl -l)
///     .s.PGSQL.<port>  the unix socket, unless the path would be too long (then /tmp/rtx-pg-<hash>/)
/// ```
struct PrivatePostgresLayout: Sendable {
    /// The folder the caller asked for (absolute).
    var requested: String
    /// The folder actually used (the requested one or its stand-in).
    var base: String

    /// Where stand-ins for unreachable folders live.
    static let standInRoot = "/var/tmp/rtx-postgres"
    /// Linux's unix socket path limit is 108 bytes, NUL included; keep a margin.
    static let socketPathLimit = 100

    var serverFolder: String { base + "/pg" }
    var data: String { serverFolder + "/data" }
    var logFile: String { serverFolder + "/server.log" }
    var passwordFile: String { base + "/password" }
    var portFile: String { base + "/port" }
    var postmasterPidFile: String { data + "/postmaster.pid" }

    var socketFolder: String {
        if (serverFolder + "/.s.PGSQL.65535.lock").utf8.count <= Self.socketPathLimit { return serverFolder }
        return "/tmp/rtx-pg-" + ServerFiles.stableHash(base)
    }

    /// The stand-in for `requested`: its last component (letters, digits, '-', '_', '.')
    /// and a hash of the whole path.
    static func standIn(for requested: String) -> String {
        let last = requested.split(separator: "/").last.map(String.init) ?? "root"
        let clean = String(last.unicodeScalars.map { scalar -> Character in
            let c = Character(scalar)
            return c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == ".") ? c : "_"
        }.prefix(40))
        return standInRoot + "/" + clean + "-" + ServerFiles.stableHash(requested).prefix(12)
    }

    /// The running server's pid and port from `postmaster.pid` (lines 1 and 4), if present.
    func postmaster() -> (pid: Int32, port: UInt16?)? {
        guard let text = ServerFiles.readText(postmasterPidFile, limitBytes: 4_096) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let pid = lines.first.flatMap({ Int32($0.trimmingPrefix(" ")) }) else { return nil }
        let port = lines.count > 3 ? UInt16(lines[3]) : nil
        return (pid, port)
    }

    /// Removes the unix socket and its lock file left by a crashed postmaster `deadPid`.
    /// PostgreSQL checks the lock's pid with kill(pid, 0), which a dead but unreaped
    /// (zombie) postmaster still passes, e.g. in a container whose init does not reap.
    func removeStaleSocket(port: UInt16, deadPid: Int32) {
        let socket = socketFolder + "/.s.PGSQL.\(port)"
        let owner = ServerFiles.readText(socket + ".lock", limitBytes: 4_096)?.split(separator: "\n").first.flatMap { Int32($0) }
        guard owner == deadPid else { return }
        unlink(socket + ".lock")
        unlink(socket)
    }
}
