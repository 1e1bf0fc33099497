/// The engine's journal and its snapshots, in PostgreSQL (tables `rtx_journal`,
/// `rtx_snapshots`; see `JournalSchema`).
///
/// Guarantees: an `append` that returns has committed its whole batch with
/// `synchronous_commit = on` (WAL flushed on the server); one that throws committed nothing,
/// EXCEPT when the error is `PostgresError.isConnectionLost`: then the commit may or may not
/// have happened, and the owner reconnects and compares `lastSequence()` with the batch.
/// Sequences are 1, 2, 3, ... with no gap and no duplicate, enforced in the database (one
/// appender at a time per database, under an advisory lock).
///
/// Thread: as its connection: one owner, one thread at a time. Lifetime: uses, and does not
/// own, the connection's session; the connection must outlive the store's calls.
///
/// Limits (all refused with `JournalError.Kind.badInput` naming the record and field):
/// `maxBatchRecords` records and `maxBatchBytes` command+meta bytes per append,
/// `maxCommandBytes` per command, `maxMetaBytes` per meta, formats up to `Int16.max`,
/// sequences up to `Int64.max`; reads return at most `maxReadLimit` records and stop once
/// `maxReadBytes` are reached; `snapshotsKept` newest snapshots are kept, each at most
/// `maxSnapshotBytes`.
public final class JournalStore {
    public let connection: PostgresConnection

    public static let maxBatchRecords = 8_192
    public static let maxBatchBytes = 64 << 20
    public static let maxCommandBytes = 1 << 20
    public static let maxMetaBytes = 64 << 10
    public static let maxReadLimit = 10_000
    public static let maxReadBytes = 64 << 20
    /// Snapshots kept: the newest three (older ones are deleted by `saveSnapshot`), so one
    /// damaged snapshot still leaves two to recover from.
    public static let snapshotsKept = 3
    public static let maxSnapshotBytes = 256 << 20
    public static let maxSnapshotHashBytes = 64

    /// The schema this build knows: the journal's, then the read models' (one version sequence).
    public static let migrator = PostgresMigrator(migrations: JournalSchema.migrations + ReadModelSchema.migrations)

    /// Runs the migrations (see `PostgresMigrator`), then uses `connection`.
    public init(connection: PostgresConnection) throws {
        self.connection = connection
        try Self.migrator.apply(on: connection)
    }

    /// Appends one contiguous batch that starts right after `lastSequence()`, all or nothing,
    /// in one statement (one round trip, one transaction, one WAL flush). An empty batch does
    /// nothing.
    public func append(_ records: [JournalRecord]) throws {
        guard let first = records.first, let last = records.last else { return }
        let doing = "append journal batch \(first.sequence)...\(last.sequence)"
        try validate(records, doing: doing)
        var seqs = [Int64](), times = [Int64](), formats = [Int16](), commands = [[UInt8]](), metas = [[UInt8]]()
        seqs.reserveCapacity(records.count)
        times.reserveCapacity(records.count)
        formats.reserveCapacity(records.count)
        commands.reserveCapacity(records.count)
        metas.reserveCapacity(records.count)
        for record in records {
            seqs.append(Int64(record.sequence))
            times.append(record.timeNs)
            formats.append(Int16(record.format))
            commands.append(record.command)
            metas.append(record.meta)
        }
        do {
            try connection.execute("SELECT rtx_journal_append($1, $2, $3, $4, $5)",
                                   params: [.int64Array(seqs), .int64Array(times), .int16Array(formats),
                                            .bytesArray(commands), .bytesArray(metas)],
                                   doing: doing)
        } catch {
            throw Self.appendFailure(error, doing: doing)
        }
    }

    /// Turns the append function's refusals (SQLSTATE RX001, RX002, 23505) into `JournalError`;
    /// other failures pass through.
    private static func appendFailure(_ error: PostgresError, doing: String) -> any Error {
        guard error.kind == .server else { return error }
        switch error.sqlState {
        case "RX001":
            let journalLast = error.detail.flatMap { UInt64($0) }
            let next = journalLast.map { String($0 + 1) } ?? "?"
            return JournalError(.sequenceMismatch, doing: doing,
                                message: "the journal ends at \(journalLast.map(String.init) ?? "?"), so the next batch must start at \(next) (nothing of this batch was written)",
                                journalLastSequence: journalLast)
        case "RX002":
            return JournalError(.badInput, doing: doing, message: "\(error.message) (nothing of this batch was written)")
        case "23505":
            return JournalError(.badInput, doing: doing,
                                message: "a sequence in the batch is already in the journal or repeated: \(error.detail ?? error.message) (nothing of this batch was written)")
        default:
            return error
        }
    }

    /// The last appended sequence, 0 when the journal is empty.
    public func lastSequence() throws -> UInt64 {
        let result = try connection.execute("SELECT coalesce(max(seq), 0) FROM rtx_journal", params: [],
                                            doing: "read the journal's last sequence")
        return UInt64(try result.int64(0, 0))
    }

    /// Records with sequence greater than `after`, in order: at most `limit` (1...maxReadLimit)
    /// records, and fewer when their command+meta bytes reach `maxReadBytes` (never fewer
    /// than one when one exists).
    public func read(after: UInt64, limit: Int) throws -> [JournalRecord] {
        let doing = "read the journal after \(after) (limit \(limit))"
        guard after <= UInt64(Int64.max) else {
            throw JournalError(.badInput, doing: doing, message: "after \(after) is larger than the largest sequence \(Int64.max)")
        }
        guard (1 ... Self.maxReadLimit).contains(limit) else {
            throw JournalError(.badInput, doing: doing, message: "limit \(limit) is outside 1...\(Self.maxReadLimit)")
        }
        let result = try connection.execute("""
            SELECT seq, time_ns, format, command, meta FROM (
                SELECT seq, time_ns, format, command, meta, octet_length(command) + octet_length(meta) AS size,
                       sum(octet_length(command) + octet_length(meta)) OVER (ORDER BY seq) AS running
                FROM rtx_journal WHERE seq > $1 ORDER BY seq LIMIT $2) page
            WHERE running - size < $3 ORDER BY seq
            """, params: [.int64(Int64(after)), .int64(Int64(limit)), .int64(Int64(Self.maxReadBytes))], doing: doing)
        var records: [JournalRecord] = []
        records.reserveCapacity(result.rowCount)
        for row in 0 ..< result.rowCount {
            let sequence = try result.int64(row, 0)
            let format = try result.int64(row, 2)
            guard sequence > 0, (0 ... Int64(Int16.max)).contains(format) else {
                throw PostgresError(.decode, doing: doing, message: "row with seq \(sequence) and format \(format) is out of range")
            }
            records.append(JournalRecord(sequence: UInt64(sequence), timeNs: try result.int64(row, 1), format: UInt16(format),
                                         command: try result.bytes(row, 3), meta: try result.bytes(row, 4)))
        }
        return records
    }

    /// The number of records in the journal.
    public func count() throws -> Int {
        Int(try connection.execute("SELECT count(*) FROM rtx_journal", params: [], doing: "count the journal").int64(0, 0))
    }

    /// Saves the core's state after applying the journal up to `sequence` (which must be in
    /// the journal already), then keeps only the newest `snapshotsKept`. Saving the same
    /// sequence again with the same hash does nothing; with a different hash it is refused.
    public func saveSnapshot(sequence: UInt64, hash: [UInt8], format: UInt16, bytes: [UInt8]) throws {
        let doing = "save snapshot at \(sequence)"
        func refuse(_ message: String) -> JournalError { JournalError(.badInput, doing: doing, message: message) }
        guard (1 ... UInt64(Int64.max)).contains(sequence) else { throw refuse("sequence \(sequence) is outside 1...\(Int64.max)") }
        guard (1 ... Self.maxSnapshotHashBytes).contains(hash.count) else {
            throw refuse("hash is \(hash.count) bytes, expected 1...\(Self.maxSnapshotHashBytes)")
        }
        guard format <= UInt16(Int16.max) else { throw refuse("format \(format) is larger than \(Int16.max)") }
        guard bytes.count <= Self.maxSnapshotBytes else {
            throw refuse("snapshot is \(bytes.count) bytes, more than the limit of \(Self.maxSnapshotBytes)")
        }
        try connection.transaction(doing: doing) { db in
            try db.execute("SET LOCAL synchronous_commit = on", doing: "\(doing): set synchronous_commit")
            let journalLast = UInt64(try db.execute("SELECT coalesce(max(seq), 0) FROM rtx_journal", params: [],
                                                    doing: "\(doing): read the journal's last sequence").int64(0, 0))
            guard sequence <= journalLast else {
                throw refuse("the journal ends at \(journalLast): a snapshot cannot be ahead of the journal")
            }
            let inserted = try db.execute("""
                INSERT INTO rtx_snapshots (seq, hash, format, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (seq) DO NOTHING
                """, params: [.int64(Int64(sequence)), .bytes(hash), .int16(Int16(format)), .bytes(bytes)], doing: doing)
            if inserted.affectedRows == 0 {
                let existing = try db.execute("SELECT hash FROM rtx_snapshots WHERE seq = $1", params: [.int64(Int64(sequence))],
                                              doing: "\(doing): read the existing snapshot's hash").bytes(0, 0)
                guard existing == hash else {
                    throw JournalError(.snapshotConflict, doing: doing,
                                       message: "a snapshot at \(sequence) exists with hash \(HexBytes.encode(existing)), this one has \(HexBytes.encode(hash))")
                }
            }
            try db.execute("""
                DELETE FROM rtx_snapshots WHERE seq < (SELECT seq FROM rtx_snapshots ORDER BY seq DESC OFFSET $1 LIMIT 1)
                """, params: [.int64(Int64(Self.snapshotsKept - 1))], doing: "\(doing): delete older snapshots")
        }
    }

    /// The snapshot with the highest sequence, or nil when there is none.
    public func latestSnapshot() throws -> (sequence: UInt64, hash: [UInt8], format: UInt16, bytes: [UInt8])? {
        let doing = "read the latest snapshot"
        let result = try connection.execute("SELECT seq, hash, format, bytes FROM rtx_snapshots ORDER BY seq DESC LIMIT 1",
                                            params: [], doing: doing)
        guard result.rowCount == 1 else { return nil }
        let sequence = try result.int64(0, 0), format = try result.int64(0, 2)
        guard sequence > 0, (0 ... Int64(Int16.max)).contains(format) else {
            throw PostgresError(.decode, doing: doing, message: "snapshot row with seq \(sequence) and format \(format) is out of range")
        }
        return (UInt64(sequence), try result.bytes(0, 1), UInt16(format), try result.bytes(0, 3))
    }

    /// Checks sizes, ranges and contiguity before anything is sent.
    private func validate(_ records: [JournalRecord], doing: String) throws {
        func refuse(_ message: String) -> JournalError {
            JournalError(.badInput, doing: doing, message: "\(message) (nothing of this batch was written)")
        }
        guard records.count <= Self.maxBatchRecords else {
            throw refuse("\(records.count) records, more than the limit of \(Self.maxBatchRecords) per batch")
        }
        var totalBytes = 0
        for (index, record) in records.enumerated() {
            let name = "record \(index) (sequence \(record.sequence))"
            guard (1 ... UInt64(Int64.max)).contains(record.sequence) else {
                throw refuse("\(name): sequence is outside 1...\(Int64.max)")
            }
            if index > 0 {
                let previous = records[index - 1].sequence
                if record.sequence != previous &+ 1 {
                    let what = record.sequence <= previous ? "a duplicate or out-of-order sequence" : "a gap"
                    throw refuse("\(name): expected sequence \(previous + 1) after \(previous), found \(record.sequence) (\(what))")
                }
            }
            guard record.format <= UInt16(Int16.max) else { throw refuse("\(name): format \(record.format) is larger than \(Int16.max)") }
            guard record.command.count <= Self.maxCommandBytes else {
                throw refuse("\(name): command is \(record.command.count) bytes, more than the limit of \(Self.maxCommandBytes)")
            }
            guard record.meta.count <= Self.maxMetaBytes else {
                throw refuse("\(name): meta is \(record.meta.count) bytes, more than the limit of \(Self.maxMetaBytes)")
            }
            totalBytes += record.command.count + record.meta.count
        }
        guard totalBytes <= Self.maxBatchBytes else {
            throw refuse("\(totalBytes) bytes of commands and meta, more than the limit of \(Self.maxBatchBytes) per batch")
        }
    }
}
