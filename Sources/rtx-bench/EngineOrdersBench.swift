import Foundation
import RTXCore
import RTXEngine
import RTXPluginHost

/// Market orders through the whole engine (issue 8): client threads → input queue →
/// sequencer → PostgreSQL journal (group commit, `synchronous_commit = on`) → core thread →
/// answer. Prints durable orders per second, command → answer latency under load and with one
/// order in flight, the disk's one-row-commit ceiling for comparison, and the time to recover
/// the journal (≥ 1,000,000 inputs) without a snapshot, checked against the engine's state hash.
///
/// A private PostgreSQL runs in a fresh folder under /var/tmp and is stopped and removed on
/// the way out. Sizes come from the environment (see `EngineBenchSettings`). Failed answers or
/// a recovered state that differs from the engine's are errors; a missed target is a finding.
enum EngineOrdersBench {
    static let targetOrdersPerSecond = 20_000.0

    static func run(_ setup: BenchSetup) throws {
        let settings = try EngineBenchSettings.fromEnvironment()
        let pg = try BenchPostgres.start(name: "engine")
        defer { pg.close() }

        benchLog("one-row commit baseline, \(settings.baselineMs) ms each")
        let baselineURL = try pg.createDatabase("baseline")
        let inserts = try CommitBaseline.plainInserts(url: baselineURL, durationMs: settings.baselineMs)
        let appends = try CommitBaseline.journalAppendsOfOne(url: baselineURL, durationMs: settings.baselineMs)

        let flow = EngineOrderFlow(accounts: settings.accounts, symbols: settings.symbols, submitters: settings.submitters)
        let journal = try PostgresJournal(url: pg.url)
        var parameters = EngineParameters(dataDirectory: pg.folder, manifestPath: "", controlSocketPath: "",
                                          symbols: flow.symbolSpecs, groups: flow.groupSpecs, accounts: flow.accountOpenings)
        parameters.readModels.enabled = false     // the order pipeline alone, as measured for Engine I; projector-lag runs it with the projector
        let engine = Engine(parameters: parameters, journal: journal, snapshots: nil, host: nil, log: { benchLog("engine: \($0)") })
        defer { engine.stop() }
        benchLog("starting the engine: \(settings.accounts) accounts, \(settings.symbols) symbols")
        do { try engine.start() } catch {
            benchLog("the engine did not start: \(error)")
            throw error
        }
        for s in 0 ..< settings.symbols {
            let quote = Command.quote(symbol: SymbolIndex(s), bidTicks: EngineOrderFlow.midTicks,
                                      askTicks: EngineOrderFlow.midTicks + EngineOrderFlow.spreadTicks)
            guard case .applied = engine.submitSystem(quote) else { throw BenchError("the first quote of SYM\(s) was not applied") }
        }

        benchLog("warm-up: \(settings.warmupOrders) orders")
        let warmup = drive(engine, settings, count: settings.warmupOrders, inFlight: settings.inFlightPerSubmitter) { flow.order(submitter: $0, index: $1) }
        try check(warmup, "warm-up")

        benchLog("measured run: \(settings.orders) orders, \(settings.submitters) submitters x \(settings.inFlightPerSubmitter) in flight")
        let load = measure(engine, pg: pg) {
            drive(engine, settings, count: settings.orders, inFlight: settings.inFlightPerSubmitter) { flow.order(submitter: $0, index: $1 + settings.warmupOrders) }
        }

        benchLog("paced run: \(settings.pacedOrders) orders at \(settings.pacedPerSecond)/s")
        let paced = measure(engine, pg: pg) {
            EngineDriver.drive(engine, count: settings.pacedOrders, submitters: settings.submitters, inFlight: settings.inFlightPerSubmitter,
                               perSecond: settings.pacedPerSecond) { flow.order(submitter: $0, index: $1) }
        }

        benchLog("closed loop: \(settings.closedLoopOrders) orders, one submitter, one in flight")
        let closedLoop = measure(engine, pg: pg) {
            EngineDriver.drive(engine, count: settings.closedLoopOrders, submitters: 1, inFlight: 1, recordObserved: true) {
                flow.order(submitter: $0, index: $1)
            }
        }

        let journaledSoFar = Int(engine.status().lastSequence)
        let fill = max(0, settings.recoveryInputs - journaledSoFar)
        benchLog("filling the journal to \(settings.recoveryInputs) inputs: \(fill) more (3 quotes per order)")
        let filled = drive(engine, settings, count: fill, inFlight: settings.inFlightPerSubmitter) { flow.mixed(submitter: $0, index: $1, quotesPerOrder: 3) }
        try check(filled, "journal fill")
        engine.stop()
        let finalSequence = engine.finalSequence
        let finalHash = engine.finalStateHash

        benchLog("recovering \(finalSequence) journaled inputs without a snapshot")
        let recovered = try Recovery.recover(from: try PostgresJournal(url: pg.url), useSnapshot: false)
        let recoveredHash = recovered.core.core.stateHash()
        let readOnlyNs = try readWholeJournal(PostgresJournal(url: pg.url))

        let report = EngineBenchReport(settings: settings, inserts: inserts, appends: appends, load: load, paced: paced, closedLoop: closedLoop,
                                       fillInputsPerSecond: filled.inputsPerSecond, finalSequence: finalSequence,
                                       recovered: recovered, readOnlyNs: readOnlyNs, finalHash: finalHash, recoveredHash: recoveredHash)
        report.print()
        try check(load.drive, "measured run")
        try check(paced.drive, "paced run")
        try check(closedLoop.drive, "closed loop")
        guard recovered.replayedInputs == Int(finalSequence), recoveredHash == finalHash else {
            throw BenchError("recovery diverged: \(recovered.replayedInputs) inputs replayed of \(finalSequence); state hash \(recoveredHash) after recovery, \(finalHash) in the engine")
        }
    }

    /// A drive with the configured submitters.
    private static func drive(_ engine: Engine, _ settings: EngineBenchSettings, count: Int, inFlight: Int,
                              _ command: @escaping @Sendable (Int, Int) -> Command) -> EngineDriver.Outcome {
        EngineDriver.drive(engine, count: count, submitters: settings.submitters, inFlight: inFlight, command: command)
    }

    /// One measured phase: the drive, the engine's latency figures and counters over it, and
    /// the CPU this process and the PostgreSQL server used meanwhile.
    struct Phase {
        var drive: EngineDriver.Outcome
        var engineP50Ns: Int64?
        var engineP99Ns: Int64?
        var engineP999Ns: Int64?
        var journaledInputs: UInt64
        var journalBatches: UInt64
        var benchCPUNs: Int64
        var serverCPUNs: Int64

        var meanBatch: Double { journalBatches == 0 ? 0 : Double(journaledInputs) / Double(journalBatches) }
        func cores(_ cpuNs: Int64) -> Double { drive.wallNs == 0 ? 0 : Double(cpuNs) / Double(drive.wallNs) }
    }

    private static func measure(_ engine: Engine, pg: BenchPostgres, _ body: () -> EngineDriver.Outcome) -> Phase {
        engine.resetLatencies()
        let before = engine.status()
        let selfBefore = ProcessCPU.selfNs(), serverBefore = ProcessCPU.serverNs(postmaster: pg.server.pid)
        let outcome = body()
        let selfAfter = ProcessCPU.selfNs(), serverAfter = ProcessCPU.serverNs(postmaster: pg.server.pid)
        let after = engine.status()
        return Phase(drive: outcome, engineP50Ns: engine.latencyPercentile(50), engineP99Ns: engine.latencyPercentile(99),
                     engineP999Ns: engine.latencyPercentile(99.9), journaledInputs: after.journaled - before.journaled,
                     journalBatches: after.batches - before.batches, benchCPUNs: selfAfter - selfBefore, serverCPUNs: serverAfter - serverBefore)
    }

    private static func check(_ outcome: EngineDriver.Outcome, _ what: String) throws {
        guard outcome.failures == 0 else {
            throw BenchError("\(what): \(outcome.failures) of \(outcome.inputs) inputs failed; the first: \(outcome.firstFailure ?? "?")")
        }
    }

    /// Reads every journal record in recovery's pages, decoding nothing: the read share of recovery, ns.
    private static func readWholeJournal(_ journal: PostgresJournal) throws -> Int64 {
        let start = HostClock.monotonicNanoseconds()
        var after: UInt64 = 0
        while let last = try journal.read(after: after, limit: 10_000).last { after = last.sequence }
        return HostClock.monotonicNanoseconds() - start
    }
}
