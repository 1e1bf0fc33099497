#if canImport(Glibc)
import Glibc
#endif

/// Where PostgreSQL's server programs are. Debian keeps them off PATH, in the folder
/// `pg_config --bindir` names (/usr/lib/postgresql/15/bin).
///
/// Looked for in order: `RTX_PG_BINDIR`, `pg_config --bindir`, then the newest
/// /usr/lib/postgresql/N/bin for N in 17...13.
struct PostgresBinaries: Sendable {
    var folder: String
    var initdb: String { folder + "/initdb" }
    var pgCtl: String { folder + "/pg_ctl" }

    static func locate() throws(PrivateServerError) -> PostgresBinaries {
        var candidates: [String] = []
        if let configured = getenv("RTX_PG_BINDIR") { candidates.append(String(cString: configured)) }
        if let pgConfig = ServerFiles.findExecutable("pg_config"),
           let outcome = try? ChildProcess.run(pgConfig, ["--bindir"], timeoutMs: 10_000, what: "pg_config --bindir"),
           outcome.succeeded {
            let folder = outcome.output.split(whereSeparator: { $0 == "\n" }).first.map(String.init) ?? ""
            if !folder.isEmpty { candidates.append(folder) }
        }
        candidates += (13 ... 17).reversed().map { "/usr/lib/postgresql/\($0)/bin" }
        for folder in candidates where access(folder + "/initdb", X_OK) == 0 && access(folder + "/pg_ctl", X_OK) == 0
            && access(folder + "/postgres", X_OK) == 0 {
            return PostgresBinaries(folder: folder)
        }
        let first = candidates.first ?? "/usr/lib/postgresql/15/bin"
        throw PrivateServerError("find PostgreSQL", "initdb, pg_ctl and postgres not found in \(first) (looked in \(candidates.joined(separator: ", ")))",
                                 fix: "apt-get install postgresql, or set RTX_PG_BINDIR to the folder holding initdb")
    }
}
