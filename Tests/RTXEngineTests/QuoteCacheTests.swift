import Foundation
import RTXEngine
import RTXStore
import Testing

/// `rtx run` with its private Redis: the quote cache holds `quote:EURUSD` (the engine's raw
/// quote) and `quote:GROUP:EURUSD` (markup applied where the fee schedule sets one) with a
/// TTL, publishes on `quotes:…`; then Redis is killed with SIGKILL mid-run: quotes keep
/// reaching the core, orders fill, status says degraded; Redis restarts on the same port and
/// the cache recovers (keys rewritten, degraded cleared).
@Suite(.serialized) struct QuoteCacheTests {
    static let libraries = ["libsynthetic_lp.so", "libgroup_routing.so", "libflat_commission.so", "libSwiftTieredCommission.so"]
    static let markupPoints: Int64 = 7

    static let plugins = """
        version: 1
        plugins:
          - id: synthetic
            kind: lp-adapter
            path: PLUGINS/libsynthetic_lp.so
            config:
              seed: 5
              quotes_per_second: 20
              instruments: EURUSD=1.08500/5/8, GBPUSD=1.26500/5/10
              available_lots: 50
          - id: group-routing
            kind: routing-policy
            path: PLUGINS/libgroup_routing.so
            config:
              books: abook=A, retail=B
              lp: synthetic
          - id: flat-markup
            kind: fee-model
            path: PLUGINS/libflat_commission.so
            config:
              per_lot: 3.50
              currency: USD
              markup_points: \(markupPoints)
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
              fee_model: tiered
              fallback: reject
            - group: retail
              routing: group-routing
              fee_model: flat-markup
              fallback: b-book
        """

    static let groups = """
          - name: abook
            a_book_timeout_ms: 10000
          - name: retail
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
        """

    /// "1.08512" → 108512.
    static func ticks(_ text: String?) -> Int64? { text.flatMap { Int64($0.replacingOccurrences(of: ".", with: "")) } }

    /// The value of an unlabelled metric in the engine's Prometheus text (`rtx metrics`).
    static func metric(_ engine: EngineProcess, _ name: String) throws -> Double? {
        let text = try engine.request(["op": "metrics"])["text"] as? String ?? ""
        return text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
    }

    static func redisStatus(_ engine: EngineProcess) throws -> [String: Any] {
        try engine.request(["op": "status"])["redis"] as? [String: Any] ?? [:]
    }

    @Test func quotesAreCachedAndPublishedAndTheCacheSurvivesARedisKill() throws {
        let engine = try EngineProcess(name: "redis-cache", pluginsYAML: Self.plugins, libraries: Self.libraries,
                                       accounts: Self.accounts, groups: Self.groups)
        defer { engine.cleanUp() }
        try engine.start()
        let redisFolder = engine.folder + "/data/redis"
        let port = try #require(PrivateRedis.runningPort(folder: redisFolder), "no private Redis under \(redisFolder)")
        let redis = try RedisClient(url: "redis://127.0.0.1:\(port)")
        let subscriber = try RedisClient(url: "redis://127.0.0.1:\(port)")
        _ = try subscriber.command("SUBSCRIBE", "quotes:EURUSD", "quotes:retail:EURUSD")
        _ = try #require(try subscriber.receive(timeoutMs: 1_000)) // the second subscribe confirmation

        // quote:EURUSD holds the engine's raw quote: the abook group has no markup, so its
        // client quotes (the engine's `quotes` stream) are the raw prices.
        let stream = try ControlClient(path: engine.socket)
        try stream.send(["op": "quotes", "symbols": ["EURUSD"]])
        var seen: [String: (bid: String, ask: String)] = [:]   // "group time_ns" → prices from the engine
        var compared = 0, markupChecked = 0
        let deadline = Date().addingTimeInterval(30)
        while (compared < 5 || markupChecked < 3) && Date() < deadline {
            while let q = try stream.readObject(timeoutMs: 20) {
                if let group = q["group"] as? String, let time = q["time_ns"] as? Int, let bid = q["bid"] as? String, let ask = q["ask"] as? String {
                    seen["\(group) \(time)"] = (bid, ask)
                }
            }
            let replies = try redis.pipeline([["HGETALL", "quote:EURUSD"], ["HGETALL", "quote:retail:EURUSD"]].map { $0.map { Array($0.utf8) } })
            guard let raw = replies[0].fieldValues, let retail = replies[1].fieldValues, let time = raw["time_ns"] else { continue }
            #expect(raw["digits"] == "5" && retail["digits"] == "5")
            if let engineQuote = seen["abook \(time)"] {
                #expect(raw["bid"] == engineQuote.bid && raw["ask"] == engineQuote.ask, "quote:EURUSD \(raw) vs the engine's \(engineQuote)")
                compared += 1
            }
            if let engineQuote = seen["retail \(retail["time_ns"] ?? "")"] {
                #expect(retail["bid"] == engineQuote.bid && retail["ask"] == engineQuote.ask, "quote:retail:EURUSD \(retail) vs the engine's \(engineQuote)")
            }
            if retail["time_ns"] == time, let rawBid = Self.ticks(raw["bid"]), let rawAsk = Self.ticks(raw["ask"]) {
                #expect(Self.ticks(retail["bid"]) == rawBid - Self.markupPoints && Self.ticks(retail["ask"]) == rawAsk + Self.markupPoints,
                        "retail \(retail) is not raw \(raw) with \(Self.markupPoints) points of markup")
                markupChecked += 1
            }
            usleep(30_000)
        }
        #expect(compared >= 5, "quote:EURUSD never matched a quote the engine published (\(compared) matches)")
        #expect(markupChecked >= 3)
        for key in ["quote:EURUSD", "quote:GBPUSD", "quote:abook:EURUSD", "quote:retail:EURUSD", "quote:retail:GBPUSD"] {
            let ttl = try #require(try redis.command("TTL", key).integer)
            #expect(ttl > 0 && ttl <= 60, "\(key) TTL \(ttl)")
        }
        let message = try #require(try subscriber.receive(timeoutMs: 3_000))
        let parts = message.elements?.compactMap(\.text) ?? []
        #expect(parts.count == 3 && parts[0] == "message" && parts[1].hasPrefix("quotes:"), "\(message)")
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(parts.last!.utf8)) as? [String: Any])
        #expect(payload["symbol"] as? String == "EURUSD" && payload["digits"] as? Int == 5 && payload["time_ns"] is Int)
        #expect(Self.ticks(payload["bid"] as? String) != nil && Self.ticks(payload["ask"] as? String) != nil)
        #expect(try Self.redisStatus(engine)["state"] as? String == "ok")
        #expect(try Self.metric(engine, "rtx_redis_degraded") == 0)
        #expect(try Self.metric(engine, "rtx_redis_writes_total") ?? 0 > 0)
        let statusText = try engine.cli(["status"])
        #expect((statusText["redis"] as? [String: Any])?["state"] as? String == "ok", "\(statusText)")

        // Redis killed mid-run.
        let pid = try #require(Int32((try String(contentsOfFile: redisFolder + "/redis.pid", encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, SIGKILL) == 0)
        #expect(waitGone(pid))
        let before = try engine.request(["op": "status"])
        let degraded = try engine.request(["op": "status"], until: { ($0["redis"] as? [String: Any])?["state"] as? String == "degraded" }, timeoutSeconds: 20)
        let outage = try #require(degraded["redis"] as? [String: Any], "\(degraded)")
        #expect(outage["state"] as? String == "degraded", "\(degraded)")
        #expect((outage["reason"] as? String)?.hasPrefix("Redis at 127.0.0.1:\(port): ") == true, "\(outage)")
        #expect((outage["summary"] as? String)?.hasPrefix("degraded since ") == true && (outage["since_ns"] as? Int ?? 0) > 0)
        #expect(try Self.metric(engine, "rtx_redis_degraded") == 1)
        #expect(try Self.metric(engine, "rtx_redis_errors_total") ?? 0 >= 1)

        // Quotes keep reaching the core (journaled and applied), and orders fill.
        let sequenceBefore = try #require(before["sequence"] as? Int)
        let advanced = try engine.request(["op": "status"], until: { ($0["sequence"] as? Int ?? 0) > sequenceBefore + 20 }, timeoutSeconds: 20)
        #expect((advanced["sequence"] as? Int ?? 0) > sequenceBefore + 20, "the core stopped while Redis was down: \(advanced)")
        let order = try engine.cli(["order", "market", "buy", "EURUSD", "0.10", "--account", "2"])
        #expect(order["ok"] as? Bool == true && events(order, type: "position").first?["book"] as? String == "B", "\(order)")
        #expect(try Self.redisStatus(engine)["state"] as? String == "degraded")

        // Redis restarts on the same port: the cache recovers and rewrites every key.
        let restarted = try PrivateRedis.start(folder: redisFolder, log: { _ in })
        #expect(restarted.port == port, "Redis came back on \(restarted.port), not \(port)")
        let fresh = try RedisClient(url: restarted.url)
        let recoveredAt = Date()
        let keys = ["quote:EURUSD", "quote:GBPUSD", "quote:abook:EURUSD", "quote:retail:EURUSD", "quote:abook:GBPUSD", "quote:retail:GBPUSD"]
        var missing = keys
        while !missing.isEmpty && Date().timeIntervalSince(recoveredAt) < 30 {
            missing = try missing.filter { try fresh.command("EXISTS", $0).integer != 1 }
            usleep(50_000)
        }
        #expect(missing.isEmpty, "not rewritten after the restart: \(missing)")
        let recovered = try engine.request(["op": "status"], until: { ($0["redis"] as? [String: Any])?["state"] as? String == "ok" }, timeoutSeconds: 30)
        let cache = try #require(recovered["redis"] as? [String: Any])
        #expect(cache["state"] as? String == "ok" && (cache["reconnects"] as? Int ?? 0) >= 1, "\(recovered)")
        #expect(try Self.metric(engine, "rtx_redis_degraded") == 0)
        #expect(try Self.metric(engine, "rtx_redis_reconnects_total") ?? 0 >= 1)
        let ttl = try #require(try fresh.command("TTL", "quote:EURUSD").integer)
        #expect(ttl > 0 && ttl <= 60)
        let log = engine.terminate()
        #expect(log.contains("quote cache degraded") && log.contains("quote cache: recovered"), "\(log)")
    }
}
