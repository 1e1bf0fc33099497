import Foundation
import RTXCore
import RTXObservability
import RTXPluginHost
import Synchronization

/// The running engine (DESIGN §2): recovery, definitions from the configuration, the
/// sequencer, the core thread, the LP order path, time, snapshots, and the entry points the
/// control socket (and later the API) use.
///
/// Thread: every public method from any thread. Lifetime: `start` once, `stop` once.
public final class Engine: @unchecked Sendable {
    public let settings: EngineParameters
    public let host: PluginHost?
    private let journal: JournalWriting & JournalReading
    private let snapshotStore: SnapshotSaving?
    private let log: @Sendable (String) -> Void

    let queue: InputQueue
    let handoff = BatchHandoff()
    public let view = MarketView()
    let publisher = EventPublisher()
    private(set) var sequencer: Sequencer!
    private(set) var runner: CoreRunner!
    private(set) var desk: LPDesk?
    private(set) var pump: LPPump?
    private(set) var time: TimeSource!
    private(set) var snapshotter: Snapshotter?
    /// The read-model projector (nil when `settings.readModels.enabled` is off or the journal is not PostgreSQL).
    public private(set) var projector: ReadModelProjector?
    private var threads: [Thread] = []
    /// The spawned threads' names (Foundation's `Thread.name` is not reliable once a thread ended).
    private var threadNames: [String] = []
    let running = Atomic<Bool>(false)
    private let finished = Monitor<Set<String>>([])
    /// The plugin counters' exporter, one export at a time (see `metricsText`).
    let metricsExport = Monitor(PluginMetrics())
    /// Fee-model calls come from the control side, one at a time, through this reader.
    private let control = Monitor<EpochReader?>(nil)
    public private(set) var startReport = ""

    public init(parameters settings: EngineParameters, journal: JournalWriting & JournalReading, snapshots: SnapshotSaving?, host: PluginHost?,
                log: @escaping @Sendable (String) -> Void) {
        EngineMetrics.bootstrap()     // before any component makes a metric (else it would go nowhere)
        self.settings = settings
        self.journal = journal
        snapshotStore = snapshots
        self.host = host
        self.log = log
        queue = InputQueue(clientCapacity: settings.queueCapacity)
    }

    // MARK: start and stop

    /// Recovers the core, starts the pipeline, journals the definitions the configuration
    /// adds and the fee schedule, then starts the LP adapters. Throws with a message naming
    /// what failed.
    public func start() throws {
        let recovered: Recovery.Result
        do { recovered = try Recovery.recover(from: journal) } catch { throw EngineStartError("recovery failed: \(error)") }
        let core = recovered.core.core
        startReport = "recovered \(recovered.replayedInputs) journaled inputs"
            + (recovered.snapshotSequence > 0 ? " after the snapshot at \(recovered.snapshotSequence)" : "")
            + " in \(recovered.elapsedNs / 1_000_000) ms; state hash \(core.stateHash())"
        log(startReport)

        let router: OrderRouter?
        if let host {
            guard let reader = host.epochs.register() else { throw EngineStartError("no epoch reader slot left for the sequencer") }
            router = OrderRouter(routing: host.routing, reader: reader, view: view, symbolIDs: { host.symbols.id(of: $0) })
            control.withLock { $0 = host.epochs.register() }
        } else {
            router = nil
        }
        sequencer = Sequencer(settings: .init(batchMax: settings.journalBatchMax), queue: queue, handoff: handoff, journal: journal,
                              router: router, lastSequence: core.lastSequence, lastTimeNs: core.lastTimeNs)
        if let snapshotStore { snapshotter = Snapshotter(store: snapshotStore, log: log) }
        let symbolNames = Monitor<[(String, Int)]>([])
        if let host {
            let queue = self.queue
            desk = LPDesk(host: host, symbolInfo: { s in symbolNames.withLock { Int(s) < $0.count && s >= 0 ? (name: $0[Int(s)].0, digits: $0[Int(s)].1) : nil } },
                          report: { queue.putSystem(.system(.executionReport($0))) })
            pump = LPPump(host: host, queue: queue, view: view, publisher: publisher, policies: settings.quotePolicies, log: log)
        }
        runner = CoreRunner(core: core, handoff: handoff, view: view, desk: desk, publisher: publisher, snapshots: snapshotter,
                            snapshotEvery: settings.snapshotEveryInputs)
        runner.seedView { [host] name in host?.manifest.symbols.first { $0.symbol == name }?.routes.map(\.lp) ?? [] }
        time = TimeSource(queue: queue, tickMs: settings.timeTickMs, rolloverMinuteUTC: settings.rolloverMinuteUTC)

        running.store(true, ordering: .releasing)
        spawn("rtx-sequencer") { self.sequencer.run() }
        spawn("rtx-core") { self.runner.run() }
        if let desk { spawn("rtx-lp-desk") { desk.run() } }
        if let snapshotter { spawn("rtx-snapshots") { snapshotter.run() } }
        if settings.readModels.enabled, let pg = journal as? PostgresJournal {
            let runner = self.runner!
            let projector = ReadModelProjector(url: pg.url, settings: settings.readModels, head: { runner.lastApplied.load(ordering: .acquiring) }, log: log)
            self.projector = projector
            spawn("rtx-projector") { projector.run() }
        }

        try applyDefinitions()
        symbolNames.withLock { names in
            names = self.runner.query { core in (0 ..< core.symbolCount).map { (core.symbolSpec(SymbolIndex($0))!.name, core.symbolSpec(SymbolIndex($0))!.digits) } } ?? []
        }
        refreshLPRoutes()
        if host != nil { try refreshFeeSchedule(reason: "start") }
        if let cacheSettings = settings.quoteCache {   // Redis: its own thread; nothing here waits for it
            publisher.quoteCache = QuoteCache(settings: cacheSettings, log: log)
            publisher.quoteCache?.start()
        }
        if let pump { spawn("rtx-lp-pump") { pump.run() } }
        spawn("rtx-time") { self.time.run() }
        if let host {
            do { try host.startAdapters() } catch { throw EngineStartError("the LP adapters did not start: \(error)") }
        }
    }

    /// Stops in order, so that everything journaled is applied and answered: time and LPs
    /// first, then the input queue is closed (new inputs are refused with `notRunning`), the
    /// sequencer journals what was already queued and exits, then the core applies every
    /// handed-off batch and exits, then the LP desk, the snapshot writer and the Redis quote
    /// cache's writer. Each stage is waited for up to 10 s (the Redis writer: its connect
    /// timeout plus four command timeouts plus 1 s). Thread: any one thread, once.
    public func stop() {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        time?.stop()
        pump?.stop()
        host?.shutdown()
        queue.close()
        sequencer?.stop()
        awaitThreads(["rtx-time", "rtx-lp-pump", "rtx-sequencer"])
        handoff.close()
        runner?.stop()
        awaitThreads(["rtx-core"])
        desk?.close()
        snapshotter?.close()
        projector?.stop()
        publisher.quoteCache?.stop()
        awaitThreads(threadNames)
        if let runner {
            finalSequence = runner.core.lastSequence
            finalStateHash = runner.core.stateHash()
        }
    }

    /// Waits up to 10 s for the named threads (those never started count as finished).
    private func awaitThreads(_ names: [String]) {
        let started = Set(threadNames)
        let wanted = Set(names).intersection(started)
        let deadline = EngineClock.monotonicNs() + 10_000_000_000
        finished.withLock { done, waiter in
            while !wanted.isSubset(of: done) {
                if !waiter.wait(&done, untilMonotonicNs: deadline) {
                    log("stop: \(wanted.subtracting(done).sorted().joined(separator: ", ")) did not finish within 10 s")
                    break
                }
            }
        }
    }

    /// After `stop`: the last applied sequence and the state hash there.
    public private(set) var finalSequence: UInt64 = 0
    public private(set) var finalStateHash = ""

    private func spawn(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let finished = self.finished
        let thread = Thread {
            body()
            finished.withLock { _ = $0.insert(name) }
            finished.broadcast()
        }
        thread.name = name
        threads.append(thread)
        threadNames.append(name)
        thread.start()
    }

    // MARK: definitions and fees

    /// Journals the symbols, groups and demo accounts of the configuration the core does not
    /// have yet (a first start defines everything; later starts add what was added).
    private func applyDefinitions() throws {
        let known = runner.query { core in
            (symbols: Set((0 ..< core.symbolCount).map { core.symbolSpec(SymbolIndex($0))!.name }),
             groups: Set((0 ..< core.groupCount).map { core.groupSpec(GroupIndex($0))!.name }),
             accounts: Set(core.accountIDs))
        }
        guard let known else { throw EngineStartError("the core thread did not answer") }
        var commands: [Command] = []
        for s in settings.symbols where !known.symbols.contains(s.name) { commands.append(.defineSymbol(s)) }
        for g in settings.groups where !known.groups.contains(g.name) { commands.append(.defineGroup(g)) }
        for a in settings.accounts where !known.accounts.contains(a.spec.id) {
            commands.append(.openAccount(a.spec))
            if a.deposit > 0 { commands.append(.deposit(account: a.spec.id, amount: a.deposit, method: .bankTransfer)) }
        }
        for command in commands {
            let reply = Reply()
            guard queue.putSystem(EngineInput.system(command, reply: reply)) else { throw EngineStartError("the sequencer did not take the definitions") }
            switch reply.wait(timeoutMs: 30_000) {
            case .applied(_, let events):
                if let problem = events.first(where: { if case .commandRejected = $0 { true } else { false } }) {
                    throw EngineStartError("the configuration's \(command) was refused by the core: \(problem)")
                }
            case .refused(let refusal):
                throw EngineStartError("could not journal the configuration's definitions: \(refusal)")
            }
        }
        if !commands.isEmpty { log("journaled \(commands.count) definitions from the configuration") }
    }

    /// Tells the LP pump which engine symbol each bound symbol is.
    func refreshLPRoutes() {
        guard let host, let pump else { return }
        let facts = runner.query { core in
            (0 ..< core.symbolCount).map { i in (core.symbolSpec(SymbolIndex(i))!.name, SymbolIndex(i), core.symbolSpec(SymbolIndex(i))!.digits) }
        } ?? []
        var routes: [String: LPPump.SymbolRoute] = [:]
        for binding in host.manifest.symbols {
            guard let f = facts.first(where: { $0.0 == binding.symbol }) else {
                log("plugins.yaml binds \(binding.symbol), which is not an engine symbol: its quotes are ignored")
                continue
            }
            routes[binding.symbol] = LPPump.SymbolRoute(index: f.1, digits: f.2, lps: binding.routes.map(\.lp))
        }
        pump.setRoutes(routes)
    }

    /// Asks every fee model bound to a group for its schedule, merges them, and journals
    /// the result when it differs from the schedule in force. A fee model that fails keeps
    /// the schedule in force (said in the log and in the error).
    @discardableResult
    public func refreshFeeSchedule(reason: String) throws -> Bool {
        guard let host else { return false }
        let facts = runner.query { core in
            (symbols: (0 ..< core.symbolCount).map { core.symbolSpec(SymbolIndex($0))! },
             groups: (0 ..< core.groupCount).map { core.groupSpec(GroupIndex($0))!.name },
             schedule: core.feeSchedule)
        }
        guard let facts else { throw EngineStartError("the core thread did not answer") }
        let feeSymbols = facts.symbols.map {
            FeeSymbol(symbolID: host.symbols.id(of: $0.name) ?? 0, symbol: $0.name, priceDigits: Int32($0.digits),
                      profitCurrency: $0.profitCurrency.code == 0 ? "" : "\($0.profitCurrency)", contractUnitsE8: $0.contractSizeE8)
        }
        var parts: [FeeScheduleMapping.Part] = []
        var asked: Set<String> = []
        var problems: [String] = []
        for binding in host.manifest.groups where facts.groups.contains(binding.group) && !asked.contains(binding.feeModel) {
            asked.insert(binding.feeModel)
            let outcome = control.withLock { reader -> FeeOutcome in
                guard let reader else { return .failed(fault: "no epoch reader for fee requests") }
                return host.fees.requestSchedule(group: binding.group, symbols: feeSymbols, nowNs: EngineClock.wallNs(), reader: reader)
            }
            switch outcome {
            case .schedule(let schedule, let groups, _): parts.append(.init(schedule: schedule, groups: groups.filter { facts.groups.contains($0) }))
            case .failed(let fault): problems.append("\(binding.feeModel): \(fault)")
            }
        }
        guard problems.isEmpty else { throw EngineStartError("fee schedule not refreshed (\(reason)); the schedule in force stays: \(problems.joined(separator: "; "))") }
        let merged = FeeScheduleMapping.merge(parts, groupIndex: { name in facts.groups.firstIndex(of: name).map { GroupIndex($0) } },
                                              symbolIndex: { name in facts.symbols.firstIndex { $0.name == name }.map { SymbolIndex($0) } })
        let schedule: FeeScheduleSpec
        switch merged {
        case .success(let s): schedule = s
        case .failure(let e): throw EngineStartError("\(e)")
        }
        defer { pump?.setSchedule(schedule, groups: facts.groups, symbolNames: facts.symbols.map(\.name)) }
        guard schedule != facts.schedule else { return false }
        let reply = Reply()
        guard queue.putSystem(.system(.setFeeSchedule(schedule), reply: reply)) else { throw EngineStartError("the sequencer did not take the fee schedule") }
        switch reply.wait(timeoutMs: 30_000) {
        case .applied(let seq, _): log("fee schedule journaled at \(seq) (\(reason))")
        case .refused(let r): throw EngineStartError("fee schedule not journaled: \(r)")
        }
        return true
    }

    // MARK: entry points

    /// Submits a client command (orders are routed by the account group's policy) and waits
    /// up to `waitMs` for its outcome. Refused at once while the journal is unavailable or
    /// the queue is full.
    public func submit(_ command: Command, waitMs: Int64 = 10_000) -> Reply.Outcome {
        let reply = submitNoWait(command)
        return reply.wait(timeoutMs: waitMs)
    }

    /// Submits an operations command (rollover, trading switches) through the system lane.
    public func submitSystem(_ command: Command, waitMs: Int64 = 10_000) -> Reply.Outcome {
        let reply = Reply()
        guard running.load(ordering: .acquiring), queue.putSystem(.system(command, reply: reply)) else { return .refused(.notRunning) }
        return reply.wait(timeoutMs: waitMs)
    }

    /// Submits without waiting; the reply completes later.
    public func submitNoWait(_ command: Command) -> Reply {
        let reply = Reply()
        guard running.load(ordering: .acquiring) else {
            reply.complete(.refused(.notRunning))
            return reply
        }
        if sequencer.isPaused {
            reply.complete(.refused(.journalUnavailable(sequencer.pauseReason)))
            return reply
        }
        if let refusal = queue.putClient(.client(command, reply: reply)) { reply.complete(.refused(refusal)) }
        return reply
    }

    /// Runs a read-only function on the core thread between batches.
    public func read<R: Sendable>(_ body: @escaping @Sendable (TradingCore) -> R) -> R? {
        runner.query { core in body(core) }
    }

    public func subscribe(events: Bool, quotes: Bool) -> Subscriber { publisher.subscribe(events: events, quotes: quotes) }

    /// Re-reads plugins.yaml and applies the difference (hot swap), then refreshes the LP
    /// routes and the fee schedule (a changed fee model's schedule is journaled).
    public func reloadPlugins(trigger: String) -> ReloadReport {
        guard let host else { return ReloadReport(trigger: trigger, applied: [], failed: ["no plugins are loaded"]) }
        var report = host.reload(trigger: trigger)
        refreshLPRoutes()
        do {
            if try refreshFeeSchedule(reason: "reload (\(trigger))") { report.applied.append("fee schedule journaled") }
        } catch {
            report.failed.append("\(error)")
        }
        log(report.description)
        return report
    }

    /// Figures for `rtx status` and the metrics.
    public func status() -> EngineStatus {
        let depths = queue.depths
        return EngineStatus(lastSequence: runner.lastApplied.load(ordering: .relaxed), journaled: sequencer.journaledInputs.load(ordering: .relaxed),
                            batches: sequencer.journalBatches.load(ordering: .relaxed), paused: sequencer.isPaused,
                            pauseReason: sequencer.pauseReason, clientQueue: depths.client, systemQueue: depths.system,
                            quotesWaiting: depths.quotes, handoff: handoff.depth, snapshotsSaved: snapshotter?.saved.load(ordering: .relaxed) ?? 0,
                            lastSnapshot: snapshotter?.lastSavedSequence.load(ordering: .relaxed) ?? 0,
                            lpStates: view.allLPStates().map { "\($0.0): \($0.1)" }, startReport: startReport,
                            projectorCheckpoint: projector?.checkpoint ?? 0, projectorLag: projectorLag, projectorProblem: projector?.problem ?? "",
                            quoteCache: publisher.quoteCache?.status())
    }

    /// Journaled inputs the read models are behind the core (0 without a projector).
    private var projectorLag: UInt64 {
        guard let projector else { return 0 }
        let applied = runner.lastApplied.load(ordering: .relaxed)
        return applied - min(projector.checkpoint, applied)
    }

    /// Command → answer latencies recorded so far (ns), and a reset for measurements.
    public func latencyPercentile(_ p: Double) -> Int64? { runner.latencies.percentile(p) }
    public func resetLatencies() { runner.latencies.reset() }
}

/// A snapshot of the engine's counters.
public struct EngineStatus: Sendable {
    public var lastSequence: UInt64
    public var journaled: UInt64
    public var batches: UInt64
    public var paused: Bool
    public var pauseReason: String
    public var clientQueue: Int
    public var systemQueue: Int
    public var quotesWaiting: Int
    public var handoff: Int
    public var snapshotsSaved: UInt64
    public var lastSnapshot: UInt64
    public var lpStates: [String]
    public var startReport: String
    /// The read models hold the journal up to this sequence (0: no projector).
    public var projectorCheckpoint: UInt64 = 0
    /// Journaled inputs the read models are behind the core.
    public var projectorLag: UInt64 = 0
    /// The projector's last failure (empty while it works).
    public var projectorProblem: String = ""
    /// The Redis quote cache; nil when the engine runs without one.
    public var quoteCache: QuoteCacheStatus? = nil
}

public struct EngineStartError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}
