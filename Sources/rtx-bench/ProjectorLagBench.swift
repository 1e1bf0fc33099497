import Foundation
import RTXCore
import RTXEngine
import RTXPluginHost
import RTXStore

/// The read-model projector under the durable order rate of Engine I (issue 9): the engine of
/// `engine-orders` (no plugins, 1,000 netting accounts, 4 symbols, PostgreSQL journal with
/// group commit) with its projector on. Prints, per phase, how far the read models were
/// behind while orders flowed (journaled inputs, sampled every 10 ms; and the age of the
/// newest projected record when its batch committed, ms), the time to catch up after the
/// load stopped, and the projector's throughput; then the projector alone replaying the
/// whole journal into empty read models (a copy of the database), its throughput at two
/// batch sizes.
///
/// Phases: paced at the target rate (20,000 orders/s), as fast as the answers come, and a
/// mixed load (3 quotes per order, through the client lane: ticks and bars). Sizes from the
/// environment as for engine-orders (`EngineBenchSettings`), plus `RTX_BENCH_PROJECTOR_BATCH`
/// (records per projector transaction, default the engine's, 4,000) and `RTX_BENCH_MIXED_INPUTS` (default
/// 200,000). Failed answers are errors; a lag is a finding, not a failure.
enum ProjectorLagBench {
    static func run(_ setup: BenchSetup) throws {
        let settings = try EngineBenchSettings.fromEnvironment()
        let batch = try environmentInt("RTX_BENCH_PROJECTOR_BATCH", default: ReadModelSettings().batchMax)
        let mixedInputs = try environmentInt("RTX_BENCH_MIXED_INPUTS", default: 200_000)
        let pg = try BenchPostgres.start(name: "projector")
        defer { pg.close() }

        let flow = EngineOrderFlow(accounts: settings.accounts, symbols: settings.symbols, submitters: settings.submitters)
        let journal = try PostgresJournal(url: pg.url)
        var parameters = EngineParameters(dataDirectory: pg.folder, manifestPath: "", controlSocketPath: "",
                                          symbols: flow.symbolSpecs, groups: flow.groupSpecs, accounts: flow.accountOpenings)
        parameters.readModels = ReadModelSettings(enabled: true, batchMax: batch)
        let engine = Engine(parameters: parameters, journal: journal, snapshots: nil, host: nil, log: { benchLog("engine: \($0)") })
        defer { engine.stop() }
        benchLog("starting the engine with its projector: \(settings.accounts) accounts, \(settings.symbols) symbols, projector batches of \(batch)")
        try engine.start()
        guard let projector = engine.projector else { throw BenchError("the engine started no projector") }
        for s in 0 ..< settings.symbols {
            let quote = Command.quote(symbol: SymbolIndex(s), bidTicks: EngineOrderFlow.midTicks, askTicks: EngineOrderFlow.midTicks + EngineOrderFlow.spreadTicks)
            guard case .applied = engine.submitSystem(quote) else { throw BenchError("the first quote of SYM\(s) was not applied") }
        }
        benchLog("warm-up: \(settings.warmupOrders) orders")
        let warmup = EngineDriver.drive(engine, count: settings.warmupOrders, submitters: settings.submitters, inFlight: settings.inFlightPerSubmitter) {
            flow.order(submitter: $0, index: $1)
        }
        try check(warmup, "warm-up")
        guard projector.waitForCheckpoint(engine.status().lastSequence, timeoutMs: 600_000) else { throw BenchError("the projector did not catch up after the warm-up: \(projector.problem)") }

        benchLog("paced: \(settings.pacedOrders) orders at \(settings.pacedPerSecond)/s")
        let paced = try measure(engine, projector, pg) {
            EngineDriver.drive(engine, count: settings.pacedOrders, submitters: settings.submitters, inFlight: settings.inFlightPerSubmitter,
                               perSecond: settings.pacedPerSecond) { flow.order(submitter: $0, index: $1 + settings.warmupOrders) }
        }
        benchLog("full load: \(settings.orders) orders")
        let full = try measure(engine, projector, pg) {
            EngineDriver.drive(engine, count: settings.orders, submitters: settings.submitters, inFlight: settings.inFlightPerSubmitter) {
                flow.order(submitter: $0, index: $1 + settings.warmupOrders)
            }
        }
        benchLog("mixed full load: \(mixedInputs) inputs, 3 quotes per order")
        let mixed = try measure(engine, projector, pg) {
            EngineDriver.drive(engine, count: mixedInputs, submitters: settings.submitters, inFlight: settings.inFlightPerSubmitter) {
                flow.mixed(submitter: $0, index: $1, quotesPerOrder: 3)
            }
        }
        engine.stop()
        journal.store.connection.close()
        let finalSequence = engine.finalSequence

        benchLog("the projector alone: the whole journal (\(finalSequence) records) into empty read models")
        let backlogURL = try copyWithEmptyReadModels(pg)
        let replays = try [batch, ReadModelSettings.maxBatch].map { size in try replay(url: backlogURL, batch: size, through: finalSequence, pg: pg) }

        print("projector-lag: the read-model projector while orders are made durable at Engine I's rates (\(settings.submitters) submitters x \(settings.inFlightPerSubmitter) in flight, \(grouped(settings.accounts)) netting accounts, \(settings.symbols) symbols, no plugins, projector batches of \(grouped(batch)); \(machineDescription()))")
        for phase in [("paced at \(grouped(settings.pacedPerSecond)) orders/s", paced), ("full load, orders", full), ("full load, 3 quotes per order", mixed)] {
            phase.1.print(phase.0)
        }
        for r in replays {
            line("projector alone, \(grouped(Int(r.records))) records, batches of \(grouped(r.batch))",
                 "\(grouped(Int(r.recordsPerSecond))) records/s (\(format(Double(r.elapsedNs) / 1e9, decimals: 2)) s incl. \(format(Double(r.recoveryNs) / 1e9, decimals: 2)) s to start; \(r.cpu))")
        }
    }

    static func line(_ label: String, _ value: String) { Swift.print("  " + label.padding(56) + value) }

    /// One phase: the drive, the projector's lag while it ran, the catch-up after it.
    struct Phase {
        var drive: EngineDriver.Outcome
        /// Journaled inputs not yet in the read models, sampled every 10 ms while driving.
        var lagSamples: LatencyFigures
        /// Per batch committed while driving: commit time minus the journal time of its last record, ns.
        var stalenessP50: Int64?, stalenessP99: Int64?, stalenessMax: Int64?
        var inputs: UInt64
        var catchUpNs: Int64
        var projectedWhileDriving: UInt64
        var projectedCatchingUp: UInt64
        var batches: UInt64
        var benchCPUNs: Int64, serverCPUNs: Int64, totalNs: Int64
        /// The engine's command → answer latency while driving (the acknowledgement path does
        /// not wait for the projector, but shares the CPU with it).
        var answerP50: Int64?, answerP99: Int64?, answerP999: Int64?

        func print(_ name: String) {
            let driveS = Double(drive.wallNs) / 1e9, catchS = Double(catchUpNs) / 1e9
            func ms(_ ns: Int64?) -> String { ns.map { format(Double($0) / 1e6, decimals: 1) } ?? "-" }
            func n(_ v: Int64?) -> String { v.map { grouped(Int($0)) } ?? "-" }
            ProjectorLagBench.line(name, "\(grouped(drive.orders)) orders (\(grouped(Int(drive.inputs))) inputs) at \(grouped(Int(drive.inputsPerSecond))) inputs/s, \(grouped(Int(drive.ordersPerSecond))) orders/s durable")
            ProjectorLagBench.line("  command -> answer, engine", LatencyFigures.summary(p50: answerP50, p99: answerP99, p999: answerP999))
            ProjectorLagBench.line("  lag while running, journaled inputs", "p50 \(n(lagSamples.percentileNs(50)))  p99 \(n(lagSamples.percentileNs(99)))  max \(n(lagSamples.sortedNs.last)) (\(lagSamples.count) samples)")
            ProjectorLagBench.line("  lag while running, ms (age of a batch's newest record at commit)", "p50 \(ms(stalenessP50))  p99 \(ms(stalenessP99))  max \(ms(stalenessMax))")
            ProjectorLagBench.line("  caught up after the load stopped", "\(format(catchS * 1_000, decimals: 0)) ms")
            ProjectorLagBench.line("  projector throughput", "\(grouped(Int(Double(projectedWhileDriving) / max(driveS, 1e-9)))) records/s while driving, \(catchS > 0.05 ? "\(grouped(Int(Double(projectedCatchingUp) / catchS))) records/s catching up" : "nothing left to catch up"); \(grouped(Int(batches))) batches, mean \(format(Double(projectedWhileDriving + projectedCatchingUp) / Double(max(batches, 1)))) records")
            ProjectorLagBench.line("  CPU (whole phase)", "rtx-bench \(format(Double(benchCPUNs) / Double(max(totalNs, 1)), decimals: 2)) + PostgreSQL \(format(Double(serverCPUNs) / Double(max(totalNs, 1)), decimals: 2)) cores")
        }
    }

    private static func measure(_ engine: Engine, _ projector: ReadModelProjector, _ pg: BenchPostgres, _ body: () -> EngineDriver.Outcome) throws -> Phase {
        projector.resetStaleness()
        engine.resetLatencies()
        let sampler = LagSampler(engine: engine, projector: projector)
        let records0 = projector.projectedRecords.load(ordering: .relaxed), batches0 = projector.batches.load(ordering: .relaxed)
        let head0 = engine.status().lastSequence
        let self0 = ProcessCPU.selfNs(), server0 = ProcessCPU.serverNs(postmaster: pg.server.pid)
        let start = HostClock.monotonicNanoseconds()
        sampler.start()
        let outcome = body()
        let samples = sampler.stop()
        let driven = HostClock.monotonicNanoseconds()
        let stale = (projector.stalenessPercentile(50), projector.stalenessPercentile(99), projector.stalenessPercentile(100))
        let answers = (engine.latencyPercentile(50), engine.latencyPercentile(99), engine.latencyPercentile(99.9))
        let records1 = projector.projectedRecords.load(ordering: .relaxed)
        let head = engine.status().lastSequence
        guard projector.waitForCheckpoint(head, timeoutMs: 1_200_000) else { throw BenchError("the projector did not catch up within 20 minutes: \(projector.problem)") }
        let caught = HostClock.monotonicNanoseconds()
        let self1 = ProcessCPU.selfNs(), server1 = ProcessCPU.serverNs(postmaster: pg.server.pid)
        try check(outcome, "drive")
        return Phase(drive: outcome, lagSamples: LatencyFigures(samples), stalenessP50: stale.0, stalenessP99: stale.1, stalenessMax: stale.2,
                     inputs: head - head0, catchUpNs: caught - driven, projectedWhileDriving: records1 - records0,
                     projectedCatchingUp: projector.projectedRecords.load(ordering: .relaxed) - records1,
                     batches: projector.batches.load(ordering: .relaxed) - batches0, benchCPUNs: self1 - self0, serverCPUNs: server1 - server0,
                     totalNs: caught - start, answerP50: answers.0, answerP99: answers.1, answerP999: answers.2)
    }

    /// A copy of the journal database (`CREATE DATABASE ... TEMPLATE`) with the read models
    /// emptied and the checkpoint at 0.
    private static func copyWithEmptyReadModels(_ pg: BenchPostgres) throws -> String {
        let admin = try PostgresConnection(url: pg.server.url(database: "postgres"))
        defer { admin.close() }
        try admin.execute("CREATE DATABASE backlog TEMPLATE rtx", doing: "copy the journal database")
        let url = pg.server.url(database: "backlog")
        let db = try PostgresConnection(url: url)
        defer { db.close() }
        try emptyReadModels(db)
        return url
    }

    private static func emptyReadModels(_ db: PostgresConnection) throws {
        try db.execute("""
            TRUNCATE rtx_symbols, rtx_accounts, rtx_orders, rtx_order_events, rtx_positions, rtx_trades, rtx_ledger_entries, rtx_decision_records,
                rtx_ticks, rtx_ohlc;
            UPDATE rtx_projector SET seq = 0, journal_time = NULL
            """, doing: "empty the read models")
    }

    struct Replay {
        var batch: Int
        var records: UInt64
        var elapsedNs: Int64
        var recoveryNs: Int64
        var cpu: String
        var recordsPerSecond: Double { Double(records) / (Double(elapsedNs) / 1e9) }
    }

    /// A projector of its own on `url`, from an empty checkpoint to `through`.
    private static func replay(url: String, batch: Int, through: UInt64, pg: BenchPostgres) throws -> Replay {
        let db = try PostgresConnection(url: url)
        try emptyReadModels(db)
        try db.execute("VACUUM ANALYZE", doing: "vacuum the emptied read models")
        db.close()
        let projector = ReadModelProjector(url: url, settings: ReadModelSettings(batchMax: batch), log: { benchLog("projector: \($0)") })
        let self0 = ProcessCPU.selfNs(), server0 = ProcessCPU.serverNs(postmaster: pg.server.pid)
        let start = HostClock.monotonicNanoseconds()
        let done = DispatchSemaphore(value: 0)
        Thread {
            projector.run()
            done.signal()
        }.start()
        while !projector.isRunning, HostClock.monotonicNanoseconds() - start < 60_000_000_000 { usleep(1_000) }
        let running = HostClock.monotonicNanoseconds()
        let reached = projector.waitForCheckpoint(through, timeoutMs: 1_800_000)
        let end = HostClock.monotonicNanoseconds()
        projector.stop()
        done.wait()
        guard reached else { throw BenchError("the projector alone stopped at \(projector.checkpoint) of \(through): \(projector.problem)") }
        let elapsed = end - start
        let self1 = ProcessCPU.selfNs(), server1 = ProcessCPU.serverNs(postmaster: pg.server.pid)
        let cpu = "CPU rtx-bench \(format(Double(self1 - self0) / Double(elapsed), decimals: 2)) + PostgreSQL \(format(Double(server1 - server0) / Double(elapsed), decimals: 2)) cores"
        return Replay(batch: batch, records: through, elapsedNs: elapsed, recoveryNs: running - start, cpu: cpu)
    }

    private static func check(_ outcome: EngineDriver.Outcome, _ what: String) throws {
        guard outcome.failures == 0 else {
            throw BenchError("\(what): \(outcome.failures) of \(outcome.inputs) inputs failed; the first: \(outcome.firstFailure ?? "?")")
        }
    }

    private static func environmentInt(_ name: String, default value: Int) throws -> Int {
        guard let text = ProcessInfo.processInfo.environment[name] else { return value }
        guard let n = Int(text.replacingOccurrences(of: "_", with: "")), n > 0 else { throw BenchError("\(name)=\(text) is not a positive whole number") }
        return n
    }
}

/// Samples the projector's lag (journaled inputs the core applied that the read models do
/// not hold yet) every 10 ms on its own thread.
private final class LagSampler: @unchecked Sendable {
    private let engine: Engine
    private let projector: ReadModelProjector
    private let lock = NSLock()
    private var samples: [Int64] = []
    private var running = true
    private let done = DispatchSemaphore(value: 0)

    init(engine: Engine, projector: ReadModelProjector) {
        self.engine = engine
        self.projector = projector
    }

    func start() {
        Thread { [self] in
            while lock.withLock({ running }) {
                let head = engine.status().lastSequence
                let at = projector.checkpoint
                lock.withLock { samples.append(Int64(head > at ? head - at : 0)) }
                usleep(10_000)
            }
            done.signal()
        }.start()
    }

    func stop() -> [Int64] {
        lock.withLock { running = false }
        done.wait()
        return lock.withLock { samples }
    }
}
