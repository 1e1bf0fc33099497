/// One versioned schema change: SQL run once, inside the transaction that records it.
public struct PostgresMigration: Sendable {
    /// 1, 2, 3, ... with no gaps; a migration's version never changes once released.
    public var version: Int
    /// A few words for the record and for messages ("journal and snapshots").
    public var name: String
    /// One or more statements; must be valid inside a transaction (no CREATE INDEX CONCURRENTLY).
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Why migrating refused or failed.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var fix: String
    public init(message: String, fix: String) {
        self.message = message
        self.fix = fix
    }
    public var description: String { "\(message) (fix: \(fix))" }
}

/// Brings a database's schema up to the newest version this build knows, or refuses.
///
/// Applied at start, in ONE transaction: the record table `rtx_schema_migrations(version,
/// name, applied_at)` is created if missing, an advisory lock serializes processes migrating
/// the same database at once, the missing versions run in order and are recorded, and a
/// failure leaves the schema as it was. Running it again is a no-op. A database recorded at a
/// version newer than this build knows is refused, never touched: an older binary must not
/// write into a schema it does not understand.
public struct PostgresMigrator: Sendable {
    public let migrations: [PostgresMigration]

    /// Transaction-level advisory lock key for migrating ("RTX_MIGR").
    static let lockKey: Int64 = 0x5254_585F_4D49_4752

    /// `migrations` must be numbered 1...n in order (a programming error otherwise).
    public init(migrations: [PostgresMigration]) {
        for (index, migration) in migrations.enumerated() {
            precondition(migration.version == index + 1,
                         "migration '\(migration.name)' has version \(migration.version), expected \(index + 1): versions are 1...n in order")
        }
        self.migrations = migrations
    }

    /// The newest version this build knows (0 when there are none).
    public var newestVersion: Int { migrations.last?.version ?? 0 }

    /// What `apply` found and did.
    public struct Report: Sendable, Equatable {
        /// The database's version before this call.
        public var previousVersion: Int
        /// Versions applied by this call, in order (empty when already up to date).
        public var applied: [Int]
    }

    /// Migrates, or throws `MigrationError` (newer database) or `PostgresError`.
    @discardableResult
    public func apply(on connection: PostgresConnection) throws -> Report {
        try connection.transaction(doing: "migrate the schema to version \(newestVersion)") { db in
            try db.execute("SELECT pg_advisory_xact_lock($1)", params: [.int64(Self.lockKey)], doing: "lock the schema for migration")
            try db.execute("""
                CREATE TABLE IF NOT EXISTS rtx_schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, doing: "create rtx_schema_migrations")
            let current = try db.execute("SELECT coalesce(max(version), 0)::int8 FROM rtx_schema_migrations",
                                         params: [], doing: "read the schema version").int64(0, 0)
            guard current <= newestVersion else {
                throw MigrationError(
                    message: "database \(db.target) has schema version \(current), newer than this build of rtx knows (up to \(newestVersion))",
                    fix: "run the rtx build that migrated it (or a newer one), or point rtx at another database")
            }
            var applied: [Int] = []
            for migration in migrations where migration.version > Int(current) {
                try db.execute(migration.sql, doing: "apply migration \(migration.version) (\(migration.name))")
                try db.execute("INSERT INTO rtx_schema_migrations (version, name) VALUES ($1::int4, $2)",
                               params: [.int32(Int32(migration.version)), .text(migration.name)],
                               doing: "record migration \(migration.version)")
                applied.append(migration.version)
            }
            return Report(previousVersion: Int(current), applied: applied)
        }
    }
}
