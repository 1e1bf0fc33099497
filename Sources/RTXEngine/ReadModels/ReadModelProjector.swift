import RTXCore
import RTXStore
import Synchronization

/// The read-model projector (issue 9; DESIGN §2: everything slow lives around the core). A
/// thread of the engine process with its own PostgreSQL connection that tails the journal
/// and writes the read models (`ReadModelSchema`). It never touches the core thread or the
/// sequencer: it applies the journal to its OWN replica `TradingCore` (the core is
/// deterministic, so the replica produces exactly the events the engine's core produced)
/// and turns those events into rows.
///
/// Exactly once: each transaction writes the rows of the journal records after the
/// checkpoint (at most `settings.batchMax` of them) AND moves the checkpoint in
/// `rtx_projector` to the last of them, guarded by the checkpoint it started from. A crash
/// or a failure at any point leaves the rows and the checkpoint as they were before the
/// transaction, so the next attempt writes exactly those records again: nothing twice,
/// nothing skipped. On start, and after any failure, the replica is rebuilt from the newest
/// snapshot at or below the checkpoint (or from zero) and the journal up to the checkpoint,
/// writing nothing.
///
/// Lag: the acknowledgement path never waits for it. When orders come faster than it
/// writes, the journal simply runs ahead and the projector reads full batches back to back
/// until it has caught up (`status` shows how far behind it is); with PostgreSQL unreachable
/// it retries every `settings.retryMs` and catches up afterwards. On stop it finishes the
/// batch in hand and exits; the rest is projected at the next start.
///
/// Thread: `run` on its own thread; `stop`, the counters and `waitForCheckpoint` from any
/// thread. Lifetime: `run` once.
public final class ReadModelProjector: @unchecked Sendable {
    public let settings: ReadModelSettings
    /// The PostgreSQL database the read models are written to (readers such as the HTTP API query it).
    public let url: String
    private let head: (@Sendable () -> UInt64)?
    private let log: @Sendable (String) -> Void
    private let stopping = Atomic<Bool>(false)
    private let checkpointValue = Atomic<UInt64>(0)
    private let problemText = Monitor<String>("")
    private let ready = Atomic<Bool>(false)
    /// Journal records projected since start, and the transactions that wrote them.
    public let projectedRecords = Atomic<UInt64>(0)
    public let batches = Atomic<UInt64>(0)
    /// Per committed batch: the wall clock at commit minus the journal time of the batch's
    /// last record, ns (how old the newest row is when it becomes visible).
    let staleness = LatencyRecorder(capacity: 1 << 16)

    /// `head` (optional) says the journal's last sequence without a query (the engine passes
    /// its core's last applied sequence); without it the projector asks PostgreSQL each
    /// `idleWaitMs` while idle.
    public init(url: String, settings: ReadModelSettings, head: (@Sendable () -> UInt64)? = nil, log: @escaping @Sendable (String) -> Void) {
        self.url = url
        var s = settings
        s.batchMax = min(max(1, s.batchMax), ReadModelSettings.maxBatch)
        self.settings = s
        self.head = head
        self.log = log
    }

    /// The last journal sequence in the read models (0 before the first read of the checkpoint).
    public var checkpoint: UInt64 { checkpointValue.load(ordering: .acquiring) }
    /// True once the replica is recovered and the projector is tailing the journal.
    public var isRunning: Bool { ready.load(ordering: .acquiring) }
    /// The last failure, empty while all is well.
    public var problem: String { problemText.withLock { $0 } }

    public func stop() { stopping.store(true, ordering: .releasing) }

    /// Waits until the checkpoint reaches `sequence`; false after `timeoutMs`.
    public func waitForCheckpoint(_ sequence: UInt64, timeoutMs: Int64) -> Bool {
        let deadline = EngineClock.monotonicNs() + timeoutMs * 1_000_000
        while checkpoint < sequence {
            if EngineClock.monotonicNs() >= deadline { return false }
            sleepMs(2)
        }
        return true
    }

    /// Staleness percentiles of the batches committed since the last reset, ns.
    public func stalenessPercentile(_ p: Double) -> Int64? { staleness.percentile(p) }
    public func resetStaleness() { staleness.reset() }

    // MARK: the loop

    /// What a working projector holds: its connection, the journal reader and the replica.
    private final class Session {
        let store: JournalStore
        var writer: ReadModelWriter
        var replica: TradingCore
        var projection = ReadModelProjection()

        init(store: JournalStore, writer: ReadModelWriter, replica: TradingCore) {
            self.store = store
            self.writer = writer
            self.replica = replica
        }
    }

    public func run() {
        var session: Session?
        let metrics = ReadModelMetrics.shared
        while !stopping.load(ordering: .acquiring) {
            do {
                if session == nil {
                    session = try open()
                    metrics.failing.record(0)
                }
                guard let s = session else { break }
                let full = try projectOneBatch(s)
                let at = checkpoint
                metrics.checkpoint.record(Int64(bitPattern: at))
                if let head {
                    let last = head()
                    metrics.lag.record(Int64(bitPattern: last > at ? last - at : 0))
                }
                if !full { pause(settings.idleWaitMs) }
            } catch {
                metrics.failing.record(1)
                ready.store(false, ordering: .releasing)
                let text = "\(error)"
                let repeated = problemText.withLock { p -> Bool in
                    defer { p = text }
                    return p == text
                }
                if !repeated { log("read models: \(text); retrying every \(settings.retryMs) ms from the checkpoint \(checkpoint)") }
                session?.store.connection.close()
                session = nil
                pause(settings.retryMs)
            }
        }
        session?.store.connection.close()
        ready.store(false, ordering: .releasing)
    }

    /// Connects, migrates, reads the checkpoint and rebuilds the replica at it.
    private func open() throws -> Session? {
        let start = EngineClock.monotonicNs()
        let connection = try PostgresConnection(url: url)
        let store = try JournalStore(connection: connection)
        let writer = try ReadModelWriter(connection: connection)
        let at = try writer.checkpoint().sequence
        let recovered = try Recovery.recover(from: ReplicaJournalView(store: store, checkpoint: at))
        let replica = recovered.core.core
        guard replica.lastSequence == at else {
            throw ReadModelError("the read models' checkpoint is \(at) but the journal ends at \(replica.lastSequence) (fix: the read models belong to another journal: empty the rtx_ read-model tables and set rtx_projector.seq to 0)")
        }
        checkpointValue.store(at, ordering: .releasing)
        if stopping.load(ordering: .acquiring) { return nil }
        let wasFailing = problemText.withLock { p -> Bool in
            defer { p = "" }
            return !p.isEmpty
        }
        log("read models: projector at \(at) (replica from \(recovered.snapshotSequence > 0 ? "the snapshot at \(recovered.snapshotSequence)" : "the start") + \(recovered.replayedInputs) inputs in \((EngineClock.monotonicNs() - start) / 1_000_000) ms)\(wasFailing ? "; working again" : "")")
        ready.store(true, ordering: .releasing)
        return Session(store: store, writer: writer, replica: replica)
    }

    /// Projects the next records after the checkpoint, at most one batch, in one transaction.
    /// Returns false when there was nothing to do, or the batch was not full (so the caller
    /// waits a little and the next batch is larger).
    private func projectOneBatch(_ s: Session) throws -> Bool {
        let from = checkpoint
        if let head, head() <= from { return false }
        let records = try s.store.read(after: from, limit: settings.batchMax)
        guard let last = records.last else { return false }
        let started = EngineClock.monotonicNs()
        for record in records {
            guard record.sequence == s.replica.lastSequence + 1 else {
                throw ReadModelError("journal record \(s.replica.lastSequence + 1) is missing (read \(record.sequence) next)")
            }
            let input = try ReplicaJournalView.input(record)
            var reader = BinaryReader(input.command, offset: 0)
            let envelope: Envelope
            do { envelope = try CommandCodec.decode(from: &reader) } catch {
                throw ReadModelError("journal record \(record.sequence) cannot be decoded: \(error)")
            }
            guard envelope.sequence == record.sequence, reader.isAtEnd else {
                throw ReadModelError("journal record \(record.sequence) holds an envelope for sequence \(envelope.sequence)")
            }
            s.replica.apply(envelope)
            s.projection.add(envelope, meta: input.meta, core: s.replica)
        }
        try s.writer.write(s.projection.take(), from: from, to: last.sequence, lastTimeNs: last.timeNs)
        checkpointValue.store(last.sequence, ordering: .releasing)
        projectedRecords.add(UInt64(records.count), ordering: .relaxed)
        batches.add(1, ordering: .relaxed)
        let age = EngineClock.wallNs() - last.timeNs
        staleness.record(age)
        let metrics = ReadModelMetrics.shared
        metrics.records.increment(by: records.count)
        metrics.batches.increment()
        metrics.batchDuration.recordNanoseconds(EngineClock.monotonicNs() - started)
        metrics.staleness.recordNanoseconds(max(0, age))
        return records.count == settings.batchMax
    }

    /// Sleeps up to `ms`, returning early when stopping.
    private func pause(_ ms: Int64) {
        var left = ms
        while left > 0, !stopping.load(ordering: .acquiring) {
            sleepMs(min(left, 10))
            left -= 10
        }
    }
}
