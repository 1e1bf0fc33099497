import Foundation
import Testing

/// `rtx run` as a broker runs it: a real PostgreSQL journal, the synthetic LP as the venue,
/// a routing policy booking A, B and C by group, fee models swapped while it runs, time
/// ticks, a rollover, a stop out, `kill -9`, a restart, and an offline replay that loads no
/// plugin. Serialized: each test runs an engine and its private servers.
@Suite(.serialized) struct RunEndToEndTests {
    static let libraries = ["libsynthetic_lp.so", "libgroup_routing.so", "libflat_commission.so", "libSwiftTieredCommission.so"]

    static func plugins(retailFees: String) -> String {
        """
        version: 1
        plugins:
          - id: synthetic
            kind: lp-adapter
            path: PLUGINS/libsynthetic_lp.so
            config:
              seed: 11
              quotes_per_second: 20
              instruments: EURUSD=1.08500/5/8, GBPUSD=1.26500/5/10
              available_lots: 50
          - id: group-routing
            kind: routing-policy
            path: PLUGINS/libgroup_routing.so
            config:
              books: abook=A, retail=B, cbook=C:500000
              lp: synthetic
          - id: flat
            kind: fee-model
            path: PLUGINS/libflat_commission.so
            config:
              per_lot: 3.50
              minimum: 0.50
              currency: USD
          - id: tiered
            kind: fee-model
            path: PLUGINS/libSwiftTieredCommission.so
            config:
              per_lot: 6
              large_per_lot: 4
              large_from_lots: 10
              swap_long_points: -40
              swap_short_points: 10
        bindings:
          symbols:
            - symbol: EURUSD
              lps: [{lp: synthetic, priority: 1}]
            - symbol: GBPUSD
              lps: [{lp: synthetic, priority: 1}]
          groups:
            - group: abook
              routing: group-routing
              fee_model: flat
              fallback: reject
            - group: retail
              routing: group-routing
              fee_model: \(retailFees)
              fallback: b-book
            - group: cbook
              routing: group-routing
              fee_model: flat
              fallback: b-book
        """
    }

    static let groups = """
          - name: abook
            a_book_timeout_ms: 10000
          - name: retail
            negative_balance_protection: true
          - name: cbook
        """

    static let accounts = """
          - id: 1
            group: abook
            currency: USD
            leverage: 100
            mode: hedging
            deposit: "100000"
          - id: 2
            group: retail
            currency: USD
            leverage: 100
            mode: hedging
            deposit: "100000"
          - id: 3
            group: cbook
            currency: USD
            leverage: 100
            mode: hedging
            deposit: "100000"
          - id: 4
            group: retail
            currency: USD
            leverage: 100
            mode: hedging
            deposit: "200"
        """

    /// A market order placed with `rtx order market` (retried while the first quote is on its way).
    func order(_ engine: EngineProcess, account: Int, side: String = "buy", volume: String, options: [String] = []) throws -> [String: Any] {
        try engine.cli(["order", "market", side, "EURUSD", volume, "--account", "\(account)"] + options) { answer in
            (answer["error"] as? [String: Any])?["code"] as? String != "no_quote"
        }
    }

    func balance(_ engine: EngineProcess, _ account: Int) throws -> String {
        ((try engine.request(["op": "account", "account": account])["account"] as? [String: Any])?["balance"] as? String) ?? ""
    }

    @Test func booksAThroughTheLPAndSurvivesKill9WithReplayEqualToTheEngine() throws {
        let engine = try EngineProcess(name: "e2e", pluginsYAML: Self.plugins(retailFees: "flat"), libraries: Self.libraries,
                                       accounts: Self.accounts, groups: Self.groups)
        defer { engine.cleanUp() }
        try engine.start()

        // A-Book: the order goes to the synthetic LP and is filled by its execution report.
        let a = try order(engine, account: 1, volume: "0.10")
        #expect(a["ok"] as? Bool == true, "\(a)")
        let route = try #require(events(a, type: "route_to_lp").first, "\(a)")
        #expect(route["purpose"] as? String == "clientOrder")
        let filledA = try engine.request(["op": "account", "account": 1]) { ($0["positions"] as? [Any])?.count == 1 }
        let positionA = try #require((filledA["positions"] as? [[String: Any]])?.first, "the LP never filled: \(engine.log(tail: 30))")
        #expect(positionA["book"] as? String == "A")
        #expect(try balance(engine, 1) == "99999.50000000")              // 3.50/lot × 0.1, at least 0.50

        // C-Book: filled at once, half hedged at the LP on the house's account.
        let c = try order(engine, account: 3, volume: "1.00")
        #expect(events(c, type: "position").first?["book"] as? String == "C", "\(c)")
        let hedge = try #require(events(c, type: "route_to_lp").first, "\(c)")
        #expect(hedge["purpose"] as? String == "hedge" && hedge["volume"] as? String == "0.5")

        // B-Book with stop loss and take profit, and a GTD limit that the time ticks expire.
        let b = try order(engine, account: 2, volume: "0.10", options: ["--sl", "1.00000", "--tp", "1.20000"])
        #expect(events(b, type: "position").first?["book"] as? String == "B", "\(b)")
        #expect(!events(b, type: "protection_changed").isEmpty)
        let positionB = try #require(events(b, type: "position").first?["position"] as? Int, "\(b)")
        let modified = try engine.cli(["order", "modify", "\(positionB)", "--account", "2", "--sl", "1.01000"])
        #expect(!events(modified, type: "protection_changed").isEmpty, "\(modified)")
        let partial = try engine.cli(["order", "close", "\(positionB)", "--account", "2", "--volume", "0.04"])
        #expect(events(partial, type: "position").first?["volume"] as? String == "0.06", "\(partial)")
        let limit = try engine.cli(["order", "pending", "buy", "limit", "EURUSD", "0.10", "1.00000", "--account", "2", "--expires-in-ms", "300"])
        #expect(limit["ok"] as? Bool == true, "\(limit)")
        let expired = try engine.request(["op": "account", "account": 2]) { ($0["orders"] as? [Any])?.isEmpty == true }
        #expect((expired["orders"] as? [Any])?.isEmpty == true, "the GTD order did not expire")

        // The retail fee model is swapped mid-run (flat 3.50 → tiered 6.00 with swaps).
        let before = try balance(engine, 2)
        try engine.rewritePlugins(Self.plugins(retailFees: "tiered"))
        let reload = try engine.request(["op": "reload"])
        #expect((reload["report"] as? String)?.contains("fee schedule journaled") == true, "\(reload)")
        let b2 = try order(engine, account: 2, volume: "0.10")
        #expect(events(b2, type: "ledger").contains { $0["kind"] as? String == "commission" && $0["amount"] as? String == "0.60000000" }, "\(b2)")
        #expect(before != (try balance(engine, 2)))

        // The rollover charges the new schedule's swap (−40 points a lot on longs).
        let rollover = try engine.request(["op": "rollover"])
        let swaps = events(rollover, type: "ledger").filter { $0["kind"] as? String == "swap" }
        #expect(!swaps.isEmpty, "\(rollover)")

        // A stop out: account 4 holds 0.10 lot on 200 USD; a correction leaves it below 50 %.
        let small = try order(engine, account: 4, volume: "0.10")
        #expect(events(small, type: "position").count == 1, "\(small)")
        let adjust = try engine.request(["op": "adjust", "account": 4, "amount": "-150", "reason": "test: force a stop out"])
        #expect(events(adjust, type: "stop_out").count == 1, "\(adjust)")
        #expect(events(adjust, type: "position").first?["cause"] as? String == "stopOut")

        // kill -9, restart: the book is rebuilt from the journal.
        let status = try engine.request(["op": "status"])
        let sequenceBefore = try #require(status["sequence"] as? Int)
        engine.kill9()
        try engine.start()
        let after = try engine.request(["op": "status"])
        #expect((after["sequence"] as? Int ?? 0) >= sequenceBefore)
        #expect((try engine.request(["op": "account", "account": 1])["positions"] as? [Any])?.count == 1)
        #expect((try engine.request(["op": "account", "account": 4])["positions"] as? [Any])?.isEmpty == true)
        let output = engine.terminate()
        let (stoppedAt, engineHash) = try #require(stoppedLine(output), "no final line in:\n\(output)")
        #expect(output.contains("recovered"))

        // An offline replay of the journal, with no plugin on disk, reaches the same state.
        let replay = try engine.replay()
        #expect(replay.sequence == stoppedAt)
        #expect(replay.hash == engineHash)
    }

    @Test func kill9DuringAnOrderStreamKeepsEveryAcknowledgedOrderExactlyOnce() throws {
        let engine = try EngineProcess(name: "kill9", pluginsYAML: Self.plugins(retailFees: "flat"), libraries: Self.libraries,
                                       accounts: Self.accounts, groups: Self.groups)
        defer { engine.cleanUp() }
        try engine.start()
        _ = try order(engine, account: 2, volume: "0.01", options: ["--client-id", "warm-up"])

        // A client streams 400 orders, each with its own client order id; kill -9 lands mid-stream.
        let total = 400
        let acknowledged = Mutex2<[Int]>([])
        let streamer = Thread {
            for i in 0 ..< total {
                guard let answer = try? engine.request(["op": "order", "account": 2, "symbol": "EURUSD", "side": i % 2 == 0 ? "buy" : "sell",
                                                        "volume": "0.01", "client_id": "c\(i)"]) else { return }
                if answer["ok"] as? Bool == true { acknowledged.mutate { $0.append(i) } }
            }
        }
        streamer.start()
        while acknowledged.value.count < 120 { usleep(5_000) }
        engine.kill9()
        usleep(300_000)
        let acked = acknowledged.value
        #expect(acked.count >= 120 && acked.count < total, "acknowledged \(acked.count)")

        // Restart; send every order again with the same client id. Those that were journaled
        // come back as repeats (never a second position); the rest are filled now.
        try engine.start()
        var repeated = 0, filledNow = 0
        for i in 0 ..< total {
            let answer = try engine.request(["op": "order", "account": 2, "symbol": "EURUSD", "side": i % 2 == 0 ? "buy" : "sell",
                                             "volume": "0.01", "client_id": "c\(i)"])
            if !events(answer, type: "order_repeated").isEmpty { repeated += 1 } else if events(answer, type: "position").count == 1 { filledNow += 1 }
            if acked.contains(i) { #expect(!events(answer, type: "order_repeated").isEmpty, "acknowledged c\(i) was lost: \(answer)") }
        }
        #expect(repeated >= acked.count && repeated + filledNow == total, "repeated \(repeated), filled now \(filledNow)")
        // Every client id is one position: 400 plus the warm-up, and one commission each.
        let account = try engine.request(["op": "account", "account": 2])
        #expect((account["positions"] as? [Any])?.count == total + 1)
        #expect((account["account"] as? [String: Any])?["balance"] as? String == "99799.50000000")    // 401 × 0.50

        let output = engine.terminate()
        let (stoppedAt, engineHash) = try #require(stoppedLine(output))
        let replay = try engine.replay()
        #expect(replay.sequence == stoppedAt && replay.hash == engineHash,
                "replay \(replay.sequence) \(replay.hash), engine \(stoppedAt) \(engineHash):\n\(output)")
    }
}

/// A value shared between a test's threads.
final class Mutex2<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}
