import Metrics
#if canImport(Glibc)
import Glibc
#endif

/// The Redis quote cache as `rtx status` shows it.
public struct QuoteCacheStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Started, first connection not made yet.
        case connecting
        /// The last write (or the connection) succeeded.
        case ok
        /// Redis cannot be reached or refuses writes: quotes still reach the core and the
        /// clients; the cache is stale until it recovers.
        case degraded
    }

    public var state: State
    /// Why it is degraded (the last error, naming the server and the command); empty when ok.
    public var reason: String
    /// Wall clock, ns since 1970, when `state` last changed.
    public var sinceWallNs: Int64
    /// `host:port` of the server.
    public var address: String
    /// Keys written (each write of a `quote:` key counts once).
    public var writes: UInt64
    /// Failed connection attempts, failed batches and batches with refused commands.
    public var errors: UInt64
    /// Connections made again after one was lost or could not be made.
    public var reconnects: UInt64
    /// Distinct keys the cache knows (it rewrites them all when Redis comes back).
    public var keys: Int
    /// Quotes for new keys dropped because `maxKeys` was reached.
    public var droppedKeys: UInt64

    /// `ok`, or `degraded since 2026-11-27T07:14:58.123Z: REASON`, or `connecting since …`.
    public var summary: String {
        switch state {
        case .ok: "ok (\(address), \(writes) writes, \(reconnects) reconnects)"
        case .connecting: "connecting to \(address) since \(UTCText.format(wallNs: sinceWallNs))"
        case .degraded: "degraded since \(UTCText.format(wallNs: sinceWallNs)): \(reason)"
        }
    }
}

/// The cache's health, shared by the writer (which changes it) and `status` readers, and
/// its metrics: `rtx_redis_degraded` (gauge, 1 while degraded, else 0),
/// `rtx_redis_writes_total`, `rtx_redis_errors_total`, `rtx_redis_reconnects_total`.
/// Thread: any. Metrics are made at init: make it after the metrics system is bootstrapped.
final class QuoteCacheHealth: @unchecked Sendable {
    private let monitor: Monitor<QuoteCacheStatus>
    private let degradedGauge = Gauge(label: "rtx_redis_degraded")
    private let writesCounter = Counter(label: "rtx_redis_writes_total")
    private let errorsCounter = Counter(label: "rtx_redis_errors_total")
    private let reconnectsCounter = Counter(label: "rtx_redis_reconnects_total")

    init(address: String) {
        monitor = Monitor(QuoteCacheStatus(state: .connecting, reason: "", sinceWallNs: EngineClock.wallNs(), address: address, writes: 0,
                                           errors: 0, reconnects: 0, keys: 0, droppedKeys: 0))
        degradedGauge.record(0)
    }

    var status: QuoteCacheStatus { monitor.withLock { $0 } }

    /// Marks it degraded (or keeps it so with the newer reason); true when it was not degraded before.
    @discardableResult
    func degraded(_ reason: String) -> Bool {
        errorsCounter.increment()
        degradedGauge.record(1)
        return monitor.withLock { s in
            s.errors &+= 1
            s.reason = reason
            guard s.state != .degraded else { return false }
            s.state = .degraded
            s.sinceWallNs = EngineClock.wallNs()
            return true
        }
    }

    /// Marks it ok after a successful write of `keys` keys; true when it was degraded before.
    @discardableResult
    func wrote(keys: Int) -> Bool {
        if keys > 0 { writesCounter.increment(by: Int64(keys)) }
        degradedGauge.record(0)
        return monitor.withLock { s in
            s.writes &+= UInt64(keys)
            guard s.state != .ok else { return false }
            let wasDegraded = s.state == .degraded
            s.state = .ok
            s.reason = ""
            s.sinceWallNs = EngineClock.wallNs()
            return wasDegraded
        }
    }

    func reconnected() {
        reconnectsCounter.increment()
        monitor.withLock { $0.reconnects &+= 1 }
    }

    func setKeys(_ keys: Int, dropped: UInt64) { monitor.withLock { $0.keys = keys; $0.droppedKeys = dropped } }
}

/// Wall-clock ns as ISO 8601 UTC text with milliseconds: "2026-11-27T07:14:58.123Z".
enum UTCText {
    static func format(wallNs: Int64) -> String {
        var seconds = time_t(wallNs / 1_000_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let ms = Int(wallNs % 1_000_000_000 / 1_000_000)
        let msText = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(msText)Z"
    }
}
