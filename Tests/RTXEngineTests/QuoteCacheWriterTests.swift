import Foundation
import RTXStore
import Testing
@testable import RTXEngine

/// The quote cache's writer against a real private Redis, without an engine: keys, fields,
/// TTLs and channels; conflation; a Redis that is down at start, killed and restarted; the
/// back-off's limits; the buffer's bound.
@Suite(.serialized) struct QuoteCacheWriterTests {
    static func settings(port: UInt16, ttlSeconds: Int = 60) throws -> QuoteCacheSettings {
        QuoteCacheSettings(redis: try RedisConfiguration(url: "redis://127.0.0.1:\(port)", connectTimeoutMs: 1_000, commandTimeoutMs: 1_000),
                           ttlSeconds: ttlSeconds, backoffInitialMs: 50, backoffMaxMs: 500, stopWaitMs: 5_000)
    }

    static func folder(_ name: String) throws -> String { try engineTestFolder(name) }

    /// Polls `body` every 20 ms until it returns non-nil, up to `seconds`.
    static func eventually<T>(_ seconds: Double = 10, _ body: () throws -> T?) rethrows -> T? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let value = try body() { return value }
            usleep(20_000)
        }
        return try body()
    }

    static func clientQuote(_ symbol: String, group: String, bid: Int64, ask: Int64, timeNs: Int64) -> ClientQuote {
        ClientQuote(symbol: 0, name: symbol, digits: 5, group: group, bidTicks: bid, askTicks: ask, timeNs: timeNs)
    }

    @Test func writesRawAndGroupHashesWithTheirTTLAndPublishesJSON() throws {
        let folder = try Self.folder("cache-keys")
        let redis = try PrivateRedis.start(folder: folder, log: { _ in })
        defer { try? redis.stop(); try? FileManager.default.removeItem(atPath: folder) }
        let subscriber = try RedisClient(url: redis.url)
        _ = try subscriber.command("PSUBSCRIBE", "quotes:*")
        let cache = QuoteCache(settings: try Self.settings(port: redis.port), log: { _ in })
        cache.start()
        defer { cache.stop() }

        let now = EngineClock.wallNs()
        cache.offerRaw(symbol: "EURUSD", digits: 5, bidTicks: 108_500, askTicks: 108_512, timeNs: now)
        cache.offer(Self.clientQuote("EURUSD", group: "retail", bid: 108_493, ask: 108_519, timeNs: now))
        let reader = try RedisClient(url: redis.url)
        let raw = try #require(try Self.eventually { try reader.command("HGETALL", "quote:EURUSD").fieldValues.flatMap { $0.isEmpty ? nil : $0 } })
        #expect(raw == ["bid": "1.08500", "ask": "1.08512", "digits": "5", "time_ns": "\(now)"])
        let group = try #require(try Self.eventually { try reader.command("HGETALL", "quote:retail:EURUSD").fieldValues.flatMap { $0.isEmpty ? nil : $0 } })
        #expect(group == ["bid": "1.08493", "ask": "1.08519", "digits": "5", "time_ns": "\(now)"])
        for key in ["quote:EURUSD", "quote:retail:EURUSD"] {
            let pttl = try #require(try reader.command("PTTL", key).integer)
            #expect(pttl > 55_000 && pttl <= 60_000, "\(key) PTTL \(pttl)")
        }

        var messages: [String: String] = [:]
        while messages.count < 2, let m = try subscriber.receive(timeoutMs: 3_000), let parts = m.elements, parts.count == 4 {
            messages[parts[2].text ?? ""] = parts[3].text
        }
        #expect(messages["quotes:EURUSD"] == "{\"symbol\":\"EURUSD\",\"bid\":\"1.08500\",\"ask\":\"1.08512\",\"digits\":5,\"time_ns\":\(now)}")
        #expect(messages["quotes:retail:EURUSD"] == "{\"symbol\":\"EURUSD\",\"group\":\"retail\",\"bid\":\"1.08493\",\"ask\":\"1.08519\",\"digits\":5,\"time_ns\":\(now)}")
        let status = try #require(Self.eventually { cache.status().writes >= 2 ? cache.status() : nil })
        #expect(status.state == .ok && status.errors == 0 && status.keys == 2 && status.address == "127.0.0.1:\(redis.port)")
    }

    @Test func aConnectedCacheWithoutQuotesYetIsOK() throws {
        let folder = try Self.folder("cache-idle")
        let redis = try PrivateRedis.start(folder: folder, log: { _ in })
        defer { try? redis.stop(); try? FileManager.default.removeItem(atPath: folder) }
        let cache = QuoteCache(settings: try Self.settings(port: redis.port), log: { _ in })
        #expect(cache.status().state == .connecting && cache.status().summary.hasPrefix("connecting to 127.0.0.1:\(redis.port) since "))
        cache.start()
        defer { cache.stop() }
        let status = try #require(Self.eventually(5) { cache.status().state == .ok ? cache.status() : nil })
        #expect(status.writes == 0 && status.keys == 0 && status.summary == "ok (127.0.0.1:\(redis.port), 0 writes, 0 reconnects)")
    }

    @Test func conflatesToTheLatestQuoteWithoutWaitingForRedis() throws {
        let folder = try Self.folder("cache-conflate")
        let redis = try PrivateRedis.start(folder: folder, log: { _ in })
        defer { try? redis.stop(); try? FileManager.default.removeItem(atPath: folder) }
        let cache = QuoteCache(settings: try Self.settings(port: redis.port), log: { _ in })
        cache.start()
        defer { cache.stop() }
        let started = EngineClock.monotonicNs()
        let now = EngineClock.wallNs()
        for i in 0 ..< 100_000 { cache.offerRaw(symbol: "EURUSD", digits: 5, bidTicks: 100_000 + Int64(i), askTicks: 200_000, timeNs: now) }
        let offersMs = (EngineClock.monotonicNs() - started) / 1_000_000
        #expect(offersMs < 2_000, "100,000 offers took \(offersMs) ms")
        let reader = try RedisClient(url: redis.url)
        let last = try Self.eventually { try reader.command("HGET", "quote:EURUSD", "bid").text == "1.99999" ? true : nil }
        #expect(last == true)
        #expect(cache.status().writes < 100_000, "conflation wrote every quote")
    }

    @Test func startsDegradedWhenRedisIsDownThenRecoversAndRewritesEveryKey() throws {
        let folder = try Self.folder("cache-outage")
        let port = try LoopbackTCP.freePort()
        let lines = LogCollector()
        let cache = QuoteCache(settings: try Self.settings(port: port, ttlSeconds: 30), log: lines.add)
        cache.start()
        defer { cache.stop() }
        let now = EngineClock.wallNs()
        cache.offerRaw(symbol: "GBPUSD", digits: 5, bidTicks: 126_500, askTicks: 126_510, timeNs: now)
        let down = try #require(Self.eventually { cache.status().state == .degraded ? cache.status() : nil })
        #expect(down.reason == "Redis at 127.0.0.1:\(port): connect: Connection refused")
        #expect(lines.contains("quote cache degraded (quotes still reach the core and clients"))

        // Redis comes up on that port: the quote offered while it was down is written.
        let redis = try PrivateRedis.start(folder: folder, port: port, log: { _ in })
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let reader = try RedisClient(url: redis.url)
        #expect(try Self.eventually { try reader.command("HGET", "quote:GBPUSD", "bid").text } == "1.26500")
        let ttl = try #require(try reader.command("TTL", "quote:GBPUSD").integer)
        #expect(ttl > 0 && ttl <= 30)
        #expect(Self.eventually { cache.status().state == .ok ? true : nil } == true)

        // Killed mid-run: offers never wait, the cache is degraded, then restarted: every key is rewritten.
        cache.offer(Self.clientQuote("GBPUSD", group: "vip", bid: 126_499, ask: 126_511, timeNs: now))
        #expect(try Self.eventually { try reader.command("EXISTS", "quote:vip:GBPUSD").integer == 1 ? true : nil } == true)
        #expect(kill(redis.pid, SIGKILL) == 0)
        #expect(waitGone(redis.pid))
        let offering = EngineClock.monotonicNs()
        for i in 0 ..< 10_000 { cache.offerRaw(symbol: "EURUSD", digits: 5, bidTicks: 108_000 + Int64(i % 100), askTicks: 108_200, timeNs: now) }
        #expect((EngineClock.monotonicNs() - offering) / 1_000_000 < 1_000, "offers waited for a dead Redis")
        let degraded = try #require(Self.eventually { cache.status().state == .degraded ? cache.status() : nil })
        #expect(degraded.reason.hasPrefix("Redis at 127.0.0.1:\(port): "))
        let restarted = try PrivateRedis.start(folder: folder, log: { _ in })
        defer { try? restarted.stop() }
        #expect(restarted.port == port)
        let fresh = try RedisClient(url: restarted.url)
        let rewritten = try Self.eventually { () -> [String]? in
            let keys = try ["quote:GBPUSD", "quote:vip:GBPUSD", "quote:EURUSD"].filter { try fresh.command("EXISTS", $0).integer == 1 }
            return keys.count == 3 ? keys : nil
        }
        let present = try fresh.command("KEYS", "quote:*")
        #expect(rewritten != nil, "keys after the restart: \(present)")
        #expect(try fresh.command("HGET", "quote:EURUSD", "bid").text == "1.08099")
        let recovered = try #require(Self.eventually { cache.status().state == .ok ? cache.status() : nil })
        #expect(recovered.reconnects >= 1 && recovered.errors >= 2 && recovered.keys == 3)
        #expect(lines.contains("quote cache: recovered"))
    }

    @Test func backOffDoublesFromTheFirstDelayToTheCapWithJitter() {
        var low = ReconnectBackoff(initialMs: 100, maxMs: 5_000)
        #expect((0 ..< 9).map { _ in low.nextDelayMs { $0.lowerBound } } == [50, 100, 200, 400, 800, 1_600, 2_500, 2_500, 2_500])
        var high = ReconnectBackoff(initialMs: 100, maxMs: 5_000)
        #expect((0 ..< 9).map { _ in high.nextDelayMs { $0.upperBound } } == [100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000])
        for _ in 0 ..< 100 { _ = high.nextDelayMs() }
        #expect((2_500 ... 5_000).contains(high.nextDelayMs()))
        high.reset()
        #expect(high.nextDelayMs { $0.upperBound } == 100)
    }

    @Test func theBufferHoldsTheLatestPerKeyAndAtMostMaxKeys() {
        let buffer = QuoteCacheBuffer(maxKeys: 2)
        for i in 0 ..< 5 { buffer.put(CachedQuote(symbol: "EURUSD", group: nil, digits: 5, bidTicks: Int64(i), askTicks: 9, timeNs: 0)) }
        buffer.put(CachedQuote(symbol: "EURUSD", group: "retail", digits: 5, bidTicks: 1, askTicks: 9, timeNs: 0))
        buffer.put(CachedQuote(symbol: "GBPUSD", group: nil, digits: 5, bidTicks: 1, askTicks: 9, timeNs: 0))
        let taken = buffer.take(untilMonotonicNs: 0)
        #expect(taken.count == 2 && taken[.init(symbol: "EURUSD", group: nil)]?.bidTicks == 4)
        #expect(buffer.droppedKeys == 1)
        #expect(buffer.take(untilMonotonicNs: 0).isEmpty)
    }

    @Test func aBatchIsOneTransactionAndLeavesOutQuotesOlderThanTheTTL() {
        let now: Int64 = 1_800_000_000_000_000_000
        let quotes = [CachedQuote(symbol: "XAUUSD", group: "vip", digits: 2, bidTicks: 265_012, askTicks: 265_050, timeNs: now - 1_500_000_000),
                      CachedQuote(symbol: "EURUSD", group: nil, digits: 5, bidTicks: 1, askTicks: 2, timeNs: now - 61_000_000_000)]
        let (commands, keys) = QuoteCacheCommands.batch(quotes, ttlSeconds: 60, nowNs: now)
        let text = commands.map { $0.map { String(decoding: $0, as: UTF8.self) } }
        #expect(keys == 1)
        #expect(text == [["MULTI"],
                         ["HSET", "quote:vip:XAUUSD", "bid", "2650.12", "ask", "2650.50", "digits", "2", "time_ns", "\(now - 1_500_000_000)"],
                         ["PEXPIRE", "quote:vip:XAUUSD", "58500"],
                         ["PUBLISH", "quotes:vip:XAUUSD",
                          "{\"symbol\":\"XAUUSD\",\"group\":\"vip\",\"bid\":\"2650.12\",\"ask\":\"2650.50\",\"digits\":2,\"time_ns\":\(now - 1_500_000_000)}"],
                         ["EXEC"]])
        #expect(QuoteCacheCommands.batch([quotes[1]], ttlSeconds: 60, nowNs: now).keys == 0)
    }
}

/// Waits up to 5 s for `pid` to exit (and be reaped: a daemon's parent is not us).
func waitGone(_ pid: Int32) -> Bool {
    for _ in 0 ..< 250 {
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        usleep(20_000)
    }
    return false
}

/// Log lines of a component under test.
final class LogCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var add: @Sendable (String) -> Void { { [self] line in lock.withLock { lines.append(line) } } }
    func contains(_ text: String) -> Bool { lock.withLock { lines.contains { $0.contains(text) } } }
}
