import Foundation
import RTXStore
import Synchronization

/// The Redis quote cache and its pub/sub (keys and channels: `QuoteCacheSettings`): the LP
/// pump offers each consolidated raw quote and each group's client prices; a writer thread
/// of its own (`rtx-redis`) writes them to Redis in pipelined MULTI/EXEC batches.
///
/// Nothing on the LP pump or the core path waits for Redis: `offer` puts the quote into a
/// conflating buffer (`QuoteCacheBuffer`: latest per key, at most `maxKeys` keys, so it
/// cannot grow) and returns. When Redis is down or refuses writes the cache is marked
/// degraded (`status`, the `rtx_redis_degraded` gauge), the writer reconnects with capped,
/// jittered exponential back-off (`ReconnectBackoff`: 100 ms doubling to 5 s), quotes keep
/// conflating meanwhile, and when a connection is made again the writer rewrites the latest
/// quote of every key it knows (those not older than the TTL), then goes on as before.
///
/// Thread: `offer` from the LP pump, `status` from any, `start` and `stop` once each from
/// the engine. Lifetime: the writer thread lives from `start` to `stop`; it owns the Redis
/// connection and the latest-quote table. Ownership: the engine owns the cache; the event
/// publisher holds it for the pump.
final class QuoteCache: @unchecked Sendable {
    let settings: QuoteCacheSettings
    private let buffer: QuoteCacheBuffer
    private let health: QuoteCacheHealth
    private let log: @Sendable (String) -> Void
    private let exited = Monitor<Bool>(false)
    private let started = Atomic<Bool>(false)

    // The writer thread's own state.
    private var client: RedisClient?
    private var latest: [CachedQuote.Key: CachedQuote] = [:]
    private var rewriteAll = true
    private var everConnected = false
    private var backoff: ReconnectBackoff
    private var lastDegradedLogNs: Int64 = 0
    /// How often a cache that stays degraded says so again in the log.
    static let degradedLogEveryNs: Int64 = 60_000_000_000
    /// Longest idle wait of the writer between checks for stop, ms.
    static let idleWaitMs: Int64 = 1_000

    init(settings: QuoteCacheSettings, log: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        self.log = log
        buffer = QuoteCacheBuffer(maxKeys: settings.maxKeys)
        health = QuoteCacheHealth(address: settings.redis.address)
        backoff = ReconnectBackoff(initialMs: settings.backoffInitialMs, maxMs: settings.backoffMaxMs)
    }

    // MARK: the pump's side

    /// The consolidated raw quote of `symbol` (ticks at `digits`), published at `timeNs` (wall clock).
    func offerRaw(symbol: String, digits: Int, bidTicks: Int64, askTicks: Int64, timeNs: Int64) {
        buffer.put(CachedQuote(symbol: symbol, group: nil, digits: digits, bidTicks: bidTicks, askTicks: askTicks, timeNs: timeNs))
    }

    /// One group's client prices, exactly as the publisher hands them to that group's clients.
    func offer(_ q: ClientQuote) {
        buffer.put(CachedQuote(symbol: q.name, group: q.group, digits: q.digits, bidTicks: q.bidTicks, askTicks: q.askTicks, timeNs: q.timeNs))
    }

    // MARK: lifecycle and status

    func status() -> QuoteCacheStatus {
        var s = health.status
        s.droppedKeys = buffer.droppedKeys
        return s
    }

    /// Starts the writer thread (once).
    func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in
            run()
            exited.withLock { $0 = true }
            exited.broadcast()
        }
        thread.name = "rtx-redis"
        thread.start()
    }

    /// Stops the writer: it finishes the batch in flight (bounded by the command timeout),
    /// writes what is pending once more if connected, closes the connection and exits.
    /// Waits up to `settings.stopWaitMs`; false (and a log line) if it did not exit in time.
    @discardableResult
    func stop() -> Bool {
        buffer.close()
        guard started.load(ordering: .acquiring) else { return true }
        let deadline = EngineClock.monotonicNs() + settings.stopWaitMs * 1_000_000
        let done = exited.withLock { done, waiter -> Bool in
            while !done { if !waiter.wait(&done, untilMonotonicNs: deadline) { break } }
            return done
        }
        if !done { log("quote cache: the Redis writer did not exit within \(settings.stopWaitMs) ms of stop (left behind)") }
        return done
    }

    // MARK: the writer thread

    private func run() {
        log("quote cache: writing quotes to Redis at \(settings.redis.address) (keys quote:SYMBOL and quote:GROUP:SYMBOL, TTL \(settings.ttlSeconds) s; channels quotes:SYMBOL and quotes:GROUP:SYMBOL)")
        while !buffer.isClosed {
            guard client != nil || connect() else {
                let delayMs = backoff.nextDelayMs()
                if buffer.sleep(untilMonotonicNs: EngineClock.monotonicNs() + delayMs * 1_000_000) { break }
                continue
            }
            // After a (re)connect the rewrite of every key does not wait for a new quote.
            let arrived = buffer.take(untilMonotonicNs: rewriteAll ? 0 : EngineClock.monotonicNs() + Self.idleWaitMs * 1_000_000)
            if !write(arrived) {
                let delayMs = backoff.nextDelayMs()
                if buffer.sleep(untilMonotonicNs: EngineClock.monotonicNs() + delayMs * 1_000_000) { break }
            }
        }
        // Stopping: what arrived last, once, if the connection is there.
        if client != nil { _ = write(buffer.take(untilMonotonicNs: 0)) }
        client?.close()
        client = nil
    }

    /// One connection attempt; false when it failed (degraded).
    private func connect() -> Bool {
        do {
            client = try RedisClient(settings.redis)
        } catch {
            degrade("\(error)")
            return false
        }
        if everConnected {
            health.reconnected()
            log("quote cache: Redis at \(settings.redis.address) is back; rewriting the latest of \(latest.count) keys")
        }
        everConnected = true
        rewriteAll = true
        return true
    }

    /// Merges `arrived` into the latest table and writes it (everything known after a
    /// reconnect or a failure, else what arrived), in batches. False when a batch failed:
    /// the connection is dropped when it broke; everything is rewritten next time.
    private func write(_ arrived: [CachedQuote.Key: CachedQuote]) -> Bool {
        for (key, quote) in arrived where latest[key] != nil || latest.count < settings.maxKeys { latest[key] = quote }
        health.setKeys(latest.count, dropped: buffer.droppedKeys)
        let quotes = rewriteAll ? Array(latest.values) : Array(arrived.values)
        guard let client else { return true }
        // With nothing to write (no quote yet), a live connection still counts as ok below.
        var written = 0
        var start = 0
        while start < quotes.count {
            let chunk = Array(quotes[start ..< min(quotes.count, start + max(1, settings.batchMaxKeys))])
            start += chunk.count
            let (commands, keys) = QuoteCacheCommands.batch(chunk, ttlSeconds: settings.ttlSeconds, nowNs: EngineClock.wallNs())
            guard keys > 0 else { continue }
            do {
                let replies = try client.pipeline(commands)
                if let refused = replies.lazy.compactMap(\.firstError).first {
                    rewriteAll = true
                    degrade("Redis at \(settings.redis.address) refused the quote writes: \(refused)")
                    return false
                }
                written += keys
            } catch {
                client.close()
                self.client = nil
                rewriteAll = true
                degrade("\(error)")
                return false
            }
        }
        rewriteAll = false
        backoff.reset()
        if health.wrote(keys: written) {
            lastDegradedLogNs = 0
            log("quote cache: recovered; \(written) keys written to Redis at \(settings.redis.address)")
        }
        return true
    }

    private func degrade(_ reason: String) {
        let now = EngineClock.monotonicNs()
        if health.degraded(reason) || now - lastDegradedLogNs >= Self.degradedLogEveryNs {
            lastDegradedLogNs = now
            log("quote cache degraded (quotes still reach the core and clients; retrying with back-off up to \(settings.backoffMaxMs) ms): \(reason)")
        }
    }
}
