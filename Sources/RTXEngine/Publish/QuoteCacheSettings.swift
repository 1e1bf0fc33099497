import RTXStore

/// How the Redis quote cache runs: the server, the keys' lifetime, and its limits.
///
/// Keys (hashes with the fields `bid`, `ask` — decimal text at the symbol's digits, e.g.
/// "1.08512" — `digits` and `time_ns`, the wall-clock time the engine published the quote,
/// ns since 1970):
/// - `quote:SYMBOL`: the consolidated raw quote (no markup);
/// - `quote:GROUP:SYMBOL`: the prices clients of account group GROUP see (markup applied).
/// Each key expires `ttlSeconds` after its quote's time (`PEXPIRE`), so a symbol that stops
/// quoting disappears. Channels (`PUBLISH`, one JSON object per quote:
/// `{"symbol":"EURUSD","group":"retail","bid":"1.08500","ask":"1.08512","digits":5,"time_ns":…}`,
/// no `group` on the raw channel): `quotes:SYMBOL` and `quotes:GROUP:SYMBOL`. Symbol and
/// group names never contain ':' (rtx.yaml's name rule), so the names cannot collide.
public struct QuoteCacheSettings: Sendable {
    /// The server, password and timeouts (`RedisConfiguration.commandTimeoutMs` bounds each
    /// batch's round trip; a batch that passes it counts as a lost connection).
    public var redis: RedisConfiguration
    /// `redis.quote_ttl_seconds` (1...86,400).
    public var ttlSeconds: Int
    /// Most distinct keys the cache holds (pending and latest): symbols × (groups + 1) of
    /// the configuration is far below it; a new key beyond it is dropped and counted.
    public var maxKeys: Int
    /// Most keys written in one MULTI/EXEC pipeline (3 commands each); more waiting are
    /// written in further batches.
    public var batchMaxKeys: Int
    /// The reconnect (and retry after refused writes) delays: see `ReconnectBackoff`.
    public var backoffInitialMs: Int64
    public var backoffMaxMs: Int64
    /// Longest `stop` waits for the writer thread, which may be inside a connection attempt
    /// (connect, then AUTH, SELECT and PING) or a batch: by default the connect timeout plus
    /// four command timeouts plus 1 s (12 s with 5 s and 2 s).
    public var stopWaitMs: Int64

    public init(redis: RedisConfiguration, ttlSeconds: Int = 60, maxKeys: Int = 65_536, batchMaxKeys: Int = 512,
                backoffInitialMs: Int64 = 100, backoffMaxMs: Int64 = 5_000, stopWaitMs: Int64? = nil) {
        self.redis = redis
        self.ttlSeconds = ttlSeconds
        self.maxKeys = maxKeys
        self.batchMaxKeys = batchMaxKeys
        self.backoffInitialMs = backoffInitialMs
        self.backoffMaxMs = backoffMaxMs
        self.stopWaitMs = stopWaitMs ?? Int64(redis.connectTimeoutMs + 4 * redis.commandTimeoutMs + 1_000)
    }

    /// `quote:SYMBOL` or `quote:GROUP:SYMBOL`.
    public static func key(symbol: String, group: String?) -> String { group.map { "quote:\($0):\(symbol)" } ?? "quote:\(symbol)" }
    /// `quotes:SYMBOL` or `quotes:GROUP:SYMBOL`.
    public static func channel(symbol: String, group: String?) -> String { group.map { "quotes:\($0):\(symbol)" } ?? "quotes:\(symbol)" }
}

/// Capped exponential back-off with jitter for reconnecting: the n-th delay (n from 0) is
/// `base/2 + random(0...base/2)` with `base = min(maxMs, initialMs · 2^n)` ("equal jitter":
/// never less than half the base, so instances that lost Redis together spread out without
/// hammering it). With 100 ms and 5 s: 50–100, 100–200, 200–400, … 2,500–5,000 ms, then
/// 2,500–5,000 ms forever. Attempts are not limited in number (a cache retries as long as
/// the engine runs); each one is bounded by the connect and command timeouts.
/// Thread: owned by one thread.
struct ReconnectBackoff {
    let initialMs: Int64
    let maxMs: Int64
    private(set) var attempt = 0

    init(initialMs: Int64, maxMs: Int64) {
        self.initialMs = max(1, initialMs)
        self.maxMs = max(self.initialMs, maxMs)
    }

    /// The next delay, ms; `random` picks in a closed range (tests pass their own).
    mutating func nextDelayMs(random: (ClosedRange<Int64>) -> Int64 = { Int64.random(in: $0) }) -> Int64 {
        let shift = min(attempt, 30)
        attempt += 1
        let base = min(maxMs, initialMs.multipliedReportingOverflow(by: Int64(1) << shift).overflow ? maxMs : initialMs << shift)
        return base / 2 + random(0 ... base - base / 2)
    }

    mutating func reset() { attempt = 0 }
}
