import RTXCore
import RTXStore

/// The journal as it stood at the projector's checkpoint, for rebuilding the projector's
/// replica core with `Recovery.recover`: the newest snapshot at or below the checkpoint, and
/// the records up to the checkpoint (none after it). Thread: the projector's; it uses the
/// projector's connection.
final class ReplicaJournalView: JournalReading {
    private let store: JournalStore
    private let checkpoint: UInt64

    init(store: JournalStore, checkpoint: UInt64) {
        self.store = store
        self.checkpoint = checkpoint
    }

    func read(after sequence: UInt64, limit: Int) throws -> [JournaledInput] {
        guard sequence < checkpoint else { return [] }
        let wanted = Int(min(UInt64(min(limit, JournalStore.maxReadLimit)), checkpoint - sequence))
        return try store.read(after: sequence, limit: wanted).map(ReplicaJournalView.input)
    }

    func latestSnapshot() throws -> (sequence: UInt64, hash: [UInt8], format: UInt16, bytes: [UInt8])? {
        let doing = "read the newest snapshot at or below \(checkpoint)"
        let result = try store.connection.execute("SELECT seq, hash, format, bytes FROM rtx_snapshots WHERE seq <= $1 ORDER BY seq DESC LIMIT 1",
                                                  params: [.int64(Int64(checkpoint))], doing: doing)
        guard result.rowCount == 1 else { return nil }
        let sequence = try result.int64(0, 0), format = try result.int64(0, 2)
        guard sequence > 0, (0 ... Int64(Int16.max)).contains(format) else {
            throw ReadModelError("\(doing): snapshot row with seq \(sequence) and format \(format) is out of range")
        }
        return (UInt64(sequence), try result.bytes(0, 1), UInt16(format), try result.bytes(0, 3))
    }

    /// A stored record as the pipeline's input, refusing a format this build cannot decode.
    static func input(_ r: JournalRecord) throws -> JournaledInput {
        guard r.format == CommandCodec.version else { throw JournalFormatError(sequence: r.sequence, format: r.format) }
        return JournaledInput(sequence: r.sequence, timeNs: r.timeNs, command: r.command, meta: r.meta)
    }
}
