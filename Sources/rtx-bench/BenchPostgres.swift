import Foundation
import RTXStore

/// A private PostgreSQL server for one benchmark run, in a fresh folder
/// `/var/tmp/rtx-bench-<name>-<pid>` (mode 0755, so the `postgres` user the server runs as
/// when we are root can reach it).
///
/// Contract: `start` either returns a running server or throws having removed what it made;
/// `close()` stops the server and removes the folder, and must be called on every way out
/// (it is idempotent). On a crash (a trap, a bad pointer) `CrashStop` stops the server and
/// the folder stays behind; after SIGKILL both do (`pg_ctl stop -D <folder>/pg/data`, then
/// remove the folder).
final class BenchPostgres {
    let folder: String
    let server: PrivatePostgres
    private var closed = false

    private init(folder: String, server: PrivatePostgres) {
        self.folder = folder
        self.server = server
    }

    /// The journal's URL (database `rtx`).
    var url: String { server.url }

    static func start(name: String) throws -> BenchPostgres {
        let folder = "/var/tmp/rtx-bench-\(name)-\(getpid())"
        try? FileManager.default.removeItem(atPath: folder)
        guard mkdir(folder, 0o755) == 0 else { throw BenchError("cannot create \(folder): \(String(cString: strerror(errno)))") }
        _ = chmod(folder, 0o755)
        do {
            let server = try PrivatePostgres.start(folder: folder, log: { line in benchLog("postgres: \(line)") })
            CrashStop.arm(postmaster: server.pid)
            return BenchPostgres(folder: folder, server: server)
        } catch {
            try? FileManager.default.removeItem(atPath: folder)
            throw BenchError("could not start a private PostgreSQL in \(folder): \(error)")
        }
    }

    /// Creates database `name` (empty) on the server and returns its URL.
    func createDatabase(_ name: String) throws -> String {
        let admin = try PostgresConnection(url: server.url(database: "postgres"))
        defer { admin.close() }
        try admin.execute("CREATE DATABASE \(name)")
        return server.url(database: name)
    }

    /// Stops the server and removes its folder (a failure to stop is reported, the folder is
    /// removed anyway so no data lingers; the server then dies on its missing data folder).
    func close() {
        guard !closed else { return }
        closed = true
        CrashStop.disarm()
        do { try server.stop() } catch { benchLog("PostgreSQL did not stop cleanly: \(error)") }
        do { try FileManager.default.removeItem(atPath: folder) } catch { benchLog("could not remove \(folder): \(error)") }
    }

    deinit { close() }
}

/// A progress or diagnostic line on standard error (the numbers go to standard output).
func benchLog(_ line: String) {
    FileHandle.standardError.write(Data("  [\(line)]\n".utf8))
}
