import Foundation
import RTXCore
import RTXEngine
import RTXStore
import Testing

/// The pipeline against a real PostgreSQL: a full input queue, a journal outage, and the
/// routing context recorded in the journal. Serialized: each test runs its own servers.
@Suite(.serialized) struct PipelineIntegrationTests {
    static let retailGroup = """
          - name: retail
        """
    static let retailAccount = """
          - id: 7
            group: retail
            currency: USD
            leverage: 100
            mode: hedging
            deposit: "1000000"
        """

    /// A full client queue: orders beyond its capacity are refused at once with `queue_full`
    /// and its documented message; every order it accepted is journaled and applied once
    /// the journal moves again, and recovery rebuilds exactly that.
    @Test func aFullQueueRefusesOrdersWithQueueFullAndLosesNothingItAccepted() throws {
        let folder = try engineTestFolder("queue-full")
        let postgres = try PrivatePostgres.start(folder: folder + "/postgres", log: { _ in })
        defer {
            try? postgres.stop()
            try? FileManager.default.removeItem(atPath: folder)
        }
        let capacity = 1_024
        let text = EngineProcess.config(data: folder + "/data", socket: folder + "/rtx.sock", timeTickMs: 1_000,
                                        groups: Self.retailGroup, accounts: Self.retailAccount)
            .replacingOccurrences(of: "queue_capacity: 4096", with: "queue_capacity: \(capacity)")
            .replacingOccurrences(of: "journal_batch_max: 512", with: "journal_batch_max: 64")
        try "version: 1\nplugins: []\n".write(toFile: folder + "/plugins.yaml", atomically: true, encoding: .utf8)
        try text.write(toFile: folder + "/rtx.yaml", atomically: true, encoding: .utf8)
        let config = try EngineConfigDecoder.load(path: folder + "/rtx.yaml")
        let engine = Engine(parameters: EngineParameters(config: config), journal: try PostgresJournal(url: postgres.url),
                            snapshots: nil, host: nil, log: { _ in })
        try engine.start()
        guard case .applied = engine.submitSystem(.quote(symbol: 0, bidTicks: 108_500, askTicks: 108_510)) else {
            Issue.record("the quote was not applied")
            return
        }

        // Another session holds the journal table: the sequencer's append waits on the lock.
        let locker = try PostgresConnection(url: postgres.url)
        _ = try locker.execute("BEGIN")
        _ = try locker.execute("LOCK TABLE rtx_journal IN ACCESS EXCLUSIVE MODE")
        let total = capacity + 300
        var replies: [Reply] = []
        for i in 0 ..< total {
            let order = MarketOrderRequest(account: 7, clientOrderID: ClientOrderID("q\(i)")!, symbol: 0, side: i % 2 == 0 ? .buy : .sell,
                                           volume: 1_000_000)
            replies.append(engine.submitNoWait(.placeMarketOrder(order)))
            if i == 0 { usleep(200_000) }     // the first order is in the blocked append
        }
        let refusedAtOnce = replies.filter { if case .refused(.queueFull) = $0.outcome { true } else { false } }.count
        #expect(refusedAtOnce >= total - capacity - 64 - 1 && refusedAtOnce <= total - capacity, "refused \(refusedAtOnce)")
        if case .refused(let refusal) = replies.last?.outcome {
            #expect(refusal.code == "queue_full")
            #expect(refusal.description == "the engine's input queue is full (\(capacity) inputs waiting); try again shortly")
        } else {
            Issue.record("the last order was not refused")
        }

        _ = try locker.execute("COMMIT")
        var applied = 0
        for reply in replies {
            switch reply.wait(timeoutMs: 30_000) {
            case .applied: applied += 1
            case .refused(.queueFull): break
            case .refused(let other): Issue.record("an accepted order ended \(other)")
            }
        }
        #expect(applied == total - refusedAtOnce)
        let positions = engine.read { $0.positions(of: 7).count }
        #expect(positions == applied)
        engine.stop()

        // Recovery from the journal alone rebuilds exactly the acknowledged orders.
        let recovered = try Recovery.recover(from: try PostgresJournal(url: postgres.url), useSnapshot: false)
        #expect(recovered.core.core.positions(of: 7).count == applied)
        #expect(recovered.core.core.stateHash() == engine.finalStateHash)
    }
}
