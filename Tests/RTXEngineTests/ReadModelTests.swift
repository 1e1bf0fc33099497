import Foundation
import RTXCore
import RTXDigest
@testable import RTXEngine
import RTXStore
import Testing

/// The read models against real PostgreSQL (issue 9): the projector alone on a journal
/// written with explicit times (so bars cross minute, hour and day boundaries), and the
/// engine's projector fed through the pipeline. Serialized: each test runs its own server.
@Suite(.serialized) struct ReadModelTests {
    static let usd = Currency("USD")!
    static let eur = Currency("EUR")!
    static let second: Int64 = 1_000_000_000
    /// 2026-11-27 23:58:00 UTC.
    static let start: Int64 = (20_784 * 86_400 + 23 * 3_600 + 58 * 60) * second

    static func symbol(_ name: String, margin: Currency) -> SymbolSpec {
        SymbolSpec(name: name, digits: 5, contractSizeE8: 100_000 * 100_000_000, volumeMin: 1_000_000, volumeMax: 100 * 100_000_000,
                   volumeStep: 1_000_000, marginCurrency: margin, profitCurrency: usd, maxQuoteAgeMs: 3_600_000)
    }

    /// A journal of definitions, ~540 quotes of two symbols 7.1 to 7.5 s apart from 23:58 to
    /// about 01:04 the next day, market orders every 25 quotes, closes every 60, a status
    /// change, a withdrawal and a bonus; as envelopes, and the core after each (for snapshots).
    static func journal() -> [Envelope] {
        var commands: [(Int64, Command)] = []
        var t = start - 10 * second
        func add(_ c: Command, after ns: Int64 = 1_000_000) {
            t += ns
            commands.append((t, c))
        }
        add(.defineSymbol(symbol("EURUSD", margin: eur)))
        add(.defineSymbol(symbol("GBPUSD", margin: Currency("GBP")!)))
        add(.defineGroup(GroupSpec(name: "retail")))
        add(.openAccount(AccountSpec(id: 7, group: 0, currency: usd, leverage: 100, mode: .hedging)))
        add(.deposit(account: 7, amount: 1_000_000 * 100_000_000, method: .bankTransfer))
        add(.openAccount(AccountSpec(id: 8, group: 0, currency: usd, leverage: 30, mode: .netting)))
        add(.deposit(account: 8, amount: 50_000 * 100_000_000, method: .card))
        t = start
        var walk: UInt64 = 12_345
        var core = TradingCore()
        var sequence: UInt64 = 0
        var envelopes: [Envelope] = []
        func apply(_ c: (Int64, Command)) {
            sequence += 1
            let e = Envelope(sequence: sequence, timeNs: c.0, command: c.1)
            core.apply(e)
            envelopes.append(e)
        }
        commands.forEach(apply)
        for i in 0 ..< 540 {
            t += 7_100_000_000 + Int64(i % 5) * 100_000_000
            walk = walk &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let s = Int32(i % 2)
            let bid = (s == 0 ? 108_500 : 126_500) + Int64(walk >> 58) - 32
            apply((t, .quote(symbol: s, bidTicks: bid, askTicks: bid + 8 + Int64(i % 3))))
            if i % 25 == 12 {
                let account: AccountID = i % 50 == 12 ? 7 : 8
                apply((t + 1_000_000, .placeMarketOrder(MarketOrderRequest(account: account, clientOrderID: ClientOrderID("c\(i)")!, symbol: s,
                                                                            side: (i / 25) % 3 == 0 ? .sell : .buy, volume: 10_000_000 * Int64(1 + i % 4)))))
            }
            if i % 60 == 59, let oldest = core.positions(of: 7).first {
                apply((t + 2_000_000, .closePosition(account: 7, position: oldest.id, volume: oldest.volume > 10_000_000 ? 10_000_000 : 0)))
            }
            if i == 200 { apply((t + 3_000_000, .setAccountStatus(8, .suspended))) }
            if i == 230 { apply((t + 3_000_000, .setAccountStatus(8, .active))) }
            if i == 300 { apply((t + 3_000_000, .withdraw(account: 8, amount: 1_000 * 100_000_000, method: .card))) }
            if i == 310 { apply((t + 3_000_000, .grantCredit(account: 7, amount: 250 * 100_000_000, adminID: 3, reason: "promo"))) }
        }
        return envelopes
    }

    static func records(_ envelopes: ArraySlice<Envelope>) -> [JournalRecord] {
        envelopes.map { e in
            var w = BinaryWriter(capacity: 96)
            CommandCodec.encode(e, into: &w)
            return JournalRecord(sequence: e.sequence, timeNs: e.timeNs, format: CommandCodec.version, command: w.bytes)
        }
    }

    /// Runs a projector on its own thread until its checkpoint reaches `sequence`, then stops it.
    static func project(url: String, batch: Int, until sequence: UInt64, log: LogLines) throws {
        let projector = ReadModelProjector(url: url, settings: ReadModelSettings(batchMax: batch, idleWaitMs: 5, retryMs: 200), log: { log.add($0) })
        let done = DispatchSemaphore(value: 0)
        Thread {
            projector.run()
            done.signal()
        }.start()
        let reached = projector.waitForCheckpoint(sequence, timeoutMs: 60_000)
        projector.stop()
        done.wait()
        #expect(reached, "the projector stopped at \(projector.checkpoint) of \(sequence): \(projector.problem); log: \(log.lines)")
        #expect(projector.problem.isEmpty, "\(projector.problem)")
    }

    /// The projector alone, on a journal written with explicit times: bars across minute,
    /// 5-minute, hour and day boundaries equal the bars recomputed from the stored ticks (and
    /// two daily tick partitions exist); the projector is stopped after the first part of the
    /// journal and a second one, started after more was journaled, recovers its replica from
    /// the snapshot below the checkpoint and continues: every table holds exactly what a
    /// replay of the journal calls for, nothing twice, nothing missing. Time enters through
    /// the journal records (`JournalRecord.timeNs`, the sequencer's clock in the engine).
    @Test func barsMatchTheStoredTicksAcrossDayBoundariesAndARestartedProjectorWritesNothingTwice() throws {
        let folder = try engineTestFolder("read-models-alone")
        let postgres = try PrivatePostgres.start(folder: folder + "/postgres", log: { _ in })
        defer {
            try? postgres.stop()
            try? FileManager.default.removeItem(atPath: folder)
        }
        let envelopes = Self.journal()
        let store = try JournalStore(connection: try PostgresConnection(url: postgres.url))
        let firstPart = 300
        for chunk in stride(from: 0, to: firstPart, by: 100) { try store.append(Self.records(envelopes[chunk ..< chunk + 100])) }
        var snapshotCore = TradingCore()
        for e in envelopes[0 ..< 120] { snapshotCore.apply(e) }
        let bytes = snapshotCore.snapshot()
        try store.saveSnapshot(sequence: 120, hash: SHA256.digest(of: bytes), format: TradingCore.snapshotVersion, bytes: bytes)

        let log = LogLines()
        try Self.project(url: postgres.url, batch: 37, until: UInt64(firstPart), log: log)
        let db = try PostgresConnection(url: postgres.url)
        #expect(try ReadModelChecks.int(db, "SELECT seq FROM rtx_projector") == Int64(firstPart))

        for chunk in stride(from: firstPart, to: envelopes.count, by: 100) {
            try store.append(Self.records(envelopes[chunk ..< min(chunk + 100, envelopes.count)]))
        }
        let second = LogLines()
        try Self.project(url: postgres.url, batch: 53, until: UInt64(envelopes.count), log: second)
        #expect(second.lines.contains { $0.contains("projector at \(firstPart) (replica from the snapshot at 120 + \(firstPart - 120) inputs") }, "\(second.lines)")

        let tally = try JournalTally.replay(url: postgres.url)
        #expect(tally.lastSequence == UInt64(envelopes.count))
        #expect(tally.quotes == 540 && tally.trades > 20 && tally.decisions > 20)
        try ReadModelChecks.verify(tally, url: postgres.url, accounts: [(7, Self.usd), (8, Self.usd)])

        // The ticks span two UTC days: two partitions; bars of every period cross a boundary.
        let partitions = try db.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'rtx_ticks'::regclass ORDER BY 1")
        #expect(partitions.rowCount == 2)
        #expect(try partitions.text(0, 0) == "rtx_ticks_20261127" && partitions.text(1, 0) == "rtx_ticks_20261128")
        #expect(try ReadModelChecks.int(db, "SELECT count(*) FROM ONLY rtx_ticks_20261128") > 0)
        for (period, atLeast) in [("1m", 60), ("5m", 12), ("1h", 2), ("1d", 2)] {
            #expect(try ReadModelChecks.int(db, "SELECT count(DISTINCT bucket) FROM rtx_ohlc WHERE symbol = 'EURUSD' AND period = '\(period)'") >= Int64(atLeast), "\(period)")
        }
        // The day bar of 2026-11-27 closes with the last EURUSD quote before midnight.
        let lastBefore = try ReadModelChecks.int(db, "SELECT bid_ticks FROM rtx_ticks WHERE symbol = 'EURUSD' AND time < '2026-11-28 00:00:00+00' ORDER BY time DESC LIMIT 1")
        #expect(try ReadModelChecks.int(db, "SELECT close_bid FROM rtx_ohlc WHERE symbol = 'EURUSD' AND period = '1d' AND bucket = '2026-11-27 00:00:00+00'") == lastBefore)

        // Orders carry their decision record (no routing policy here: the request's own routing).
        #expect(try ReadModelChecks.int(db, "SELECT count(*) FROM rtx_orders o JOIN rtx_decision_records d USING (order_id) WHERE d.outcome = 'none' AND d.book = 'B'") == Int64(tally.decisions))
        // A stale writer (checkpoint moved under it) is refused and writes nothing.
        var writer = try ReadModelWriter(connection: db)
        var projection = ReadModelProjection()
        var replica = TradingCore()
        replica.apply(envelopes[0])
        projection.add(envelopes[0], meta: [], core: replica)
        #expect(throws: ReadModelError.self) { try writer.write(projection.take(), from: 0, to: 1, lastTimeNs: envelopes[0].timeNs) }
        #expect(try ReadModelChecks.int(db, "SELECT count(*) FROM rtx_symbols") == 2)
        db.close()
    }
}

/// Log lines collected from any thread.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func add(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
}
