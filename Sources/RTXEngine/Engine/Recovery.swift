import RTXCore
import RTXDigest

/// Rebuilds the core from the latest snapshot and the journal after it, without calling
/// any plugin (DESIGN §2: replay never asks a plugin, so a swapped or removed plugin cannot
/// change history).
public enum Recovery {
    public struct Result: Sendable {
        public var core: TradingCoreBox
        /// Sequence of the snapshot used (0: none).
        public var snapshotSequence: UInt64
        public var replayedInputs: Int
        public var elapsedNs: Int64
        public var lastTimeNs: Int64
    }

    public enum Failure: Error, CustomStringConvertible {
        case snapshotCorrupt(sequence: UInt64, why: String)
        case journalCorrupt(sequence: UInt64, why: String)
        case journalGap(expected: UInt64, found: UInt64)
        case storage(String)

        public var description: String {
            switch self {
            case .snapshotCorrupt(let s, let why): "the snapshot at sequence \(s) is unusable: \(why)"
            case .journalCorrupt(let s, let why): "journal record \(s) cannot be decoded: \(why)"
            case .journalGap(let e, let f): "the journal skips from \(e - 1) to \(f): records are missing"
            case .storage(let why): "the journal cannot be read: \(why)"
            }
        }
    }

    /// Replays into a fresh core. `useSnapshot: false` replays the whole journal.
    public static func recover(from journal: JournalReading, useSnapshot: Bool = true, pageSize: Int = 10_000,
                               progress: ((Int) -> Void)? = nil) throws(Failure) -> Result {
        let start = EngineClock.monotonicNs()
        var core = TradingCore()
        var snapshotSequence: UInt64 = 0
        if useSnapshot {
            let latest: (sequence: UInt64, hash: [UInt8], format: UInt16, bytes: [UInt8])?
            do { latest = try journal.latestSnapshot() } catch { throw .storage("\(error)") }
            if let s = latest {
                guard s.format == TradingCore.snapshotVersion else {
                    throw .snapshotCorrupt(sequence: s.sequence, why: "format \(s.format); this build reads \(TradingCore.snapshotVersion)")
                }
                guard SHA256.digest(of: s.bytes) == s.hash else { throw .snapshotCorrupt(sequence: s.sequence, why: "its hash does not match its bytes") }
                do { core = try TradingCore(snapshot: s.bytes) } catch { throw .snapshotCorrupt(sequence: s.sequence, why: "\(error)") }
                guard core.lastSequence == s.sequence else {
                    throw .snapshotCorrupt(sequence: s.sequence, why: "it holds sequence \(core.lastSequence)")
                }
                snapshotSequence = s.sequence
            }
        }
        var replayed = 0
        var after = core.lastSequence
        while true {
            let page: [JournaledInput]
            do { page = try journal.read(after: after, limit: pageSize) } catch { throw .storage("\(error)") }
            if page.isEmpty { break }
            for record in page {
                guard record.sequence == after + 1 else { throw .journalGap(expected: after + 1, found: record.sequence) }
                var reader = BinaryReader(record.command, offset: 0)
                let envelope: Envelope
                do { envelope = try CommandCodec.decode(from: &reader) } catch { throw .journalCorrupt(sequence: record.sequence, why: "\(error)") }
                guard envelope.sequence == record.sequence, reader.isAtEnd else {
                    throw .journalCorrupt(sequence: record.sequence, why: "the envelope says sequence \(envelope.sequence)")
                }
                core.apply(envelope)
                after = record.sequence
                replayed += 1
            }
            progress?(replayed)
        }
        return Result(core: TradingCoreBox(core), snapshotSequence: snapshotSequence, replayedInputs: replayed,
                      elapsedNs: EngineClock.monotonicNs() - start, lastTimeNs: core.lastTimeNs)
    }
}

/// A core moved between threads (its storage is copy-on-write).
public struct TradingCoreBox: @unchecked Sendable {
    public var core: TradingCore
    public init(_ core: TradingCore) { self.core = core }
}
