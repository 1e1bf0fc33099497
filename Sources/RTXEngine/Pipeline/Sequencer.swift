import RTXCore
import Synchronization

/// The one sequencer (DESIGN §2): takes inputs from the queue, gives each the next journal
/// sequence and a time that never goes backwards, asks routing for orders, makes the batch
/// durable in one journal append (group commit), then hands it to the core thread. Nothing
/// reaches the core unjournaled, and no caller hears of an input before it is durable.
///
/// When the journal cannot be written the batch is in doubt: the sequencer pauses (client
/// inputs are refused at once with `journalUnavailable`), retries every `retryMs`, and once
/// the journal answers it asks which sequence is durable. A batch that did commit goes on to
/// the core; one that did not is dropped for its quotes and time ticks, refused for its
/// client inputs, and kept (up to `InputQueue.systemCapacity`) for LP reports, fee schedules
/// and definitions, which are journaled first when trading resumes.
///
/// Thread: `run` on its own thread; `isPaused`/`pauseReason` from any thread.
final class Sequencer: @unchecked Sendable {
    struct Settings {
        var batchMax: Int
        var idleWaitMs: Int64 = 5
        var retryMs: Int64 = 500
    }

    let settings: Settings
    private let queue: InputQueue
    private let handoff: BatchHandoff
    private let journal: JournalWriting
    private let router: OrderRouter?
    private let stopping = Atomic<Bool>(false)
    private let paused = Atomic<Bool>(false)
    private let reason = Monitor<String>("")
    /// Next sequence to assign (the last durable + 1).
    private(set) var nextSequence: UInt64
    private var lastTimeNs: Int64
    private var carried: [EngineInput] = []
    /// Counters (read from any thread, approximately).
    let journaledInputs = Atomic<UInt64>(0)
    let journalBatches = Atomic<UInt64>(0)
    let refusedWhilePaused = Atomic<UInt64>(0)

    init(settings: Settings, queue: InputQueue, handoff: BatchHandoff, journal: JournalWriting, router: OrderRouter?,
         lastSequence: UInt64, lastTimeNs: Int64) {
        self.settings = settings
        self.queue = queue
        self.handoff = handoff
        self.journal = journal
        self.router = router
        nextSequence = lastSequence + 1
        self.lastTimeNs = lastTimeNs
    }

    var isPaused: Bool { paused.load(ordering: .acquiring) }
    var pauseReason: String { reason.withLock { $0 } }

    func stop() { stopping.store(true, ordering: .releasing) }

    /// The sequencer's loop; after `stop()` it journals what is still queued (the engine closes
    /// the queue first, so that is bounded) and returns when the queue is empty.
    func run() {
        var inputs: [EngineInput] = []
        inputs.reserveCapacity(settings.batchMax)
        while true {
            inputs.removeAll(keepingCapacity: true)
            inputs += carried
            carried.removeAll()
            queue.take(max: settings.batchMax - inputs.count, waitMs: settings.idleWaitMs, into: &inputs)
            if inputs.isEmpty {
                if stopping.load(ordering: .acquiring) { break }
                continue
            }
            sequenceAndJournal(inputs)
        }
    }

    /// Sequences one batch, journals it and hands it on (or handles the failure).
    private func sequenceAndJournal(_ inputs: [EngineInput]) {
        var records: [JournaledInput] = []
        var items: [SequencedInput] = []
        var sources: [EngineInput] = []
        records.reserveCapacity(inputs.count)
        items.reserveCapacity(inputs.count)
        var sequence = nextSequence
        var time = lastTimeNs
        for var input in inputs {
            time = max(time, EngineClock.wallNs())
            var meta: [UInt8] = []
            var preferred = ""
            if input.needsRouting, let router {
                switch route(&input.command, router: router, nowNs: time) {
                case .success(let routed):
                    meta = routed.meta
                    preferred = routed.preferredLP
                case .failure(let refusal):
                    input.reply?.complete(.refused(refusal))
                    continue
                }
            }
            let envelope = Envelope(sequence: sequence, timeNs: time, command: input.command)
            var w = BinaryWriter(capacity: 96)
            CommandCodec.encode(envelope, into: &w)
            records.append(JournaledInput(sequence: sequence, timeNs: time, command: w.bytes, meta: meta))
            items.append(SequencedInput(envelope: envelope, reply: input.reply, preferredLP: preferred, submittedNs: input.submittedNs))
            sources.append(input)
            sequence += 1
        }
        guard !records.isEmpty else { return }
        let metrics = PipelineMetrics.shared
        let appendStartNs = EngineClock.monotonicNs()
        do {
            try journal.append(records)
        } catch {
            guard resolveInDoubt(records: records, error: error) else {
                dropUncommitted(sources, items: items)
                return
            }
        }
        let durableNs = EngineClock.monotonicNs()
        metrics.journalAppend.recordNanoseconds(durableNs - appendStartNs)
        metrics.journalBatchInputs.record(records.count)
        metrics.journaledInputs.increment(by: Int64(records.count))
        for item in items where item.reply != nil { metrics.commandJournaled.recordNanoseconds(durableNs - item.submittedNs) }
        nextSequence = sequence
        lastTimeNs = time
        journaledInputs.add(UInt64(records.count), ordering: .relaxed)
        journalBatches.add(1, ordering: .relaxed)
        if paused.load(ordering: .relaxed) {
            paused.store(false, ordering: .releasing)
            reason.withLock { $0 = "" }
            metrics.journalPaused.record(0)
        }
        if !handoff.put(items) {
            for item in items { item.reply?.complete(.refused(.notRunning)) }
        }
    }

    private func route(_ command: inout Command, router: OrderRouter, nowNs: Int64) -> Result<OrderRouter.Routed, EngineRefusal> {
        switch command {
        case .placeMarketOrder(var r):
            let routed = router.route(account: r.account, symbol: r.symbol, side: r.side, orderType: 1, volume: r.volume, nowNs: nowNs)
            if case .success(let x) = routed { r.routing = x.choice; command = .placeMarketOrder(r) }
            return routed
        case .placePendingOrder(var r):
            let type: Int32 = switch r.type {
            case .limit: 2
            case .stop: 3
            case .stopLimit: 4
            }
            let routed = router.route(account: r.account, symbol: r.symbol, side: r.side, orderType: type, volume: r.volume, nowNs: nowNs)
            if case .success(let x) = routed { r.routing = x.choice; command = .placePendingOrder(r) }
            return routed
        default:
            return .failure(.invalidRequest("only orders are routed"))
        }
    }

    /// After a failed append: pauses, waits for the journal, and says whether the batch is
    /// durable after all (true) or not (false). Returns false at once when stopping.
    private func resolveInDoubt(records: [JournaledInput], error: Error) -> Bool {
        paused.store(true, ordering: .releasing)
        PipelineMetrics.shared.journalPaused.record(1)
        reason.withLock { $0 = "\(error)" }
        while !stopping.load(ordering: .acquiring) {
            do {
                try journal.reconnect()
                let durable = try journal.durableSequence()
                return durable >= records[records.count - 1].sequence
            } catch {
                reason.withLock { $0 = "\(error)" }
                sleepMs(settings.retryMs)
            }
        }
        return false
    }

    /// A batch that did not commit: client inputs refused, LP reports, fee schedules and
    /// definitions kept for the next batch (at most the system lane's capacity; beyond it, and
    /// while stopping, they are dropped), quotes and ticks dropped. Stays paused until an
    /// append succeeds.
    private func dropUncommitted(_ inputs: [EngineInput], items: [SequencedInput]) {
        let why = reason.withLock { $0 }
        for input in inputs {
            switch input.lane {
            case .client:
                refusedWhilePaused.add(1, ordering: .relaxed)
                input.reply?.complete(.refused(.journalUnavailable(why)))
            case .system:
                switch input.command {
                case .quote, .timeTick: break
                // While stopping nothing is carried (the loop must end): an unjournaled LP
                // report is resent by the LP or ends in the order's time-out after a restart.
                default: if !stopping.load(ordering: .relaxed), carried.count < queue.systemCapacity { carried.append(input) }
                }
            }
        }
    }
}
