import RTXCore
import RTXStore

/// The engine's journal in PostgreSQL: `JournalStore` seen through the pipeline's ports.
/// Records carry `CommandCodec.version` as their format.
///
/// Thread: one owner at a time (the start thread for recovery, then the sequencer; a second
/// instance on its own connection serves the snapshotter).
public final class PostgresJournal: JournalWriting, JournalReading, SnapshotSaving {
    public let store: JournalStore
    let url: String

    /// Connects and applies the schema migrations.
    public init(url: String) throws {
        self.url = url
        store = try JournalStore(connection: try PostgresConnection(url: url))
    }

    public func append(_ batch: [JournaledInput]) throws {
        try store.append(batch.map {
            JournalRecord(sequence: $0.sequence, timeNs: $0.timeNs, format: CommandCodec.version, command: $0.command, meta: $0.meta)
        })
    }

    public func durableSequence() throws -> UInt64 { try store.lastSequence() }

    public func reconnect() throws {
        if !store.connection.isConnected { try store.connection.reconnect() }
        _ = try store.connection.execute("SELECT 1", doing: "check the journal connection")
    }

    public func read(after sequence: UInt64, limit: Int) throws -> [JournaledInput] {
        try store.read(after: sequence, limit: min(limit, JournalStore.maxReadLimit)).map { r in
            guard r.format == CommandCodec.version else {
                throw JournalFormatError(sequence: r.sequence, format: r.format)
            }
            return JournaledInput(sequence: r.sequence, timeNs: r.timeNs, command: r.command, meta: r.meta)
        }
    }

    public func latestSnapshot() throws -> (sequence: UInt64, hash: [UInt8], format: UInt16, bytes: [UInt8])? {
        try store.latestSnapshot()
    }

    public func saveSnapshot(sequence: UInt64, hash: [UInt8], format: UInt16, bytes: [UInt8]) throws {
        if !store.connection.isConnected { try store.connection.reconnect() }
        try store.saveSnapshot(sequence: sequence, hash: hash, format: format, bytes: bytes)
    }

    /// Every journaled input with its decision record, for tools and tests.
    public func meta(of sequence: UInt64) throws -> [UInt8]? {
        try store.read(after: sequence - 1, limit: 1).first { $0.sequence == sequence }?.meta
    }
}

public struct JournalFormatError: Error, CustomStringConvertible {
    public var sequence: UInt64
    public var format: UInt16
    public var description: String {
        "journal record \(sequence) is in command format \(format); this build reads format \(CommandCodec.version)"
    }
}
