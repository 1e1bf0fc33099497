import RTXEngine
import RTXPluginHost
import RTXStore

/// The disk's ceiling without group commit: commits of one row each, one after the other,
/// through the same libpq connection class the journal uses (`PostgresConnection`, whose
/// sessions run with `synchronous_commit = on`: each commit returns once its WAL is flushed).
enum CommitBaseline {
    struct Result {
        var commits: Int
        var elapsedNs: Int64
        /// Per-commit latencies, ns.
        var latencies: LatencyFigures
        var commitsPerSecond: Double { Double(commits) / (Double(elapsedNs) / 1e9) }
    }

    /// Single-row `INSERT`s (a 64-byte payload, about the size of a journaled order) in
    /// autocommit for `durationMs`, in a table of their own in the database at `url`.
    static func plainInserts(url: String, durationMs: Int64) throws -> Result {
        let connection = try PostgresConnection(url: url)
        defer { connection.close() }
        try connection.execute("CREATE TABLE bench_one_row_commit (id bigint PRIMARY KEY, payload bytea NOT NULL)")
        let payload = [UInt8](repeating: 0x5A, count: 64)
        return try timed(durationMs: durationMs) { i in
            try connection.execute("INSERT INTO bench_one_row_commit (id, payload) VALUES ($1, $2)",
                                   params: [.int64(Int64(i)), .bytes(payload)], doing: "one-row commit \(i)")
        }
    }

    /// The engine's own journal append with batches of one record, for `durationMs`, on an
    /// empty database at `url`: what the pipeline would do per input without group commit.
    static func journalAppendsOfOne(url: String, durationMs: Int64) throws -> Result {
        let journal = try PostgresJournal(url: url)
        let command = [UInt8](repeating: 0x5A, count: 64)
        return try timed(durationMs: durationMs) { i in
            try journal.append([JournaledInput(sequence: UInt64(i + 1), timeNs: Int64(i), command: command, meta: [])])
        }
    }

    private static func timed(durationMs: Int64, _ commit: (Int) throws -> Void) throws -> Result {
        var samples: [Int64] = []
        samples.reserveCapacity(100_000)
        let start = HostClock.monotonicNanoseconds()
        let end = start + durationMs * 1_000_000
        var now = start
        while now < end {
            let before = now
            try commit(samples.count)
            now = HostClock.monotonicNanoseconds()
            samples.append(now - before)
        }
        return Result(commits: samples.count, elapsedNs: now - start, latencies: LatencyFigures(samples))
    }
}
