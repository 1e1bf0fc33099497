import Foundation
import RTXCore
import RTXEngine
import Synchronization

/// One WebSocket's bounded outgoing buffer. The hub's pump thread offers quotes and private
/// messages without ever waiting; the connection's sender task takes them and writes them.
/// Quotes are conflated to the latest per symbol; private messages queue up to
/// `server.stream_buffer_messages`. A connection whose private queue overflows, or that has
/// had messages waiting with no write completed for `server.stream_max_lag_seconds`, is cut
/// off with a reason (the close frame's), and nobody else waits for it.
///
/// Thread: `offer*`, `markSummaryDirty`, `close` from any thread; `take` from the one sender task.
final class StreamConnection: Sendable {
    struct State {
        var symbols: Set<String> = []
        var quotes: [String: [UInt8]] = [:]
        var quoteOrder: [String] = []
        var messages: [[UInt8]] = []
        var summaryDirty = false
        var heartbeatDue = false
        var closedReason: String?
        var waiter: CheckedContinuation<Void, Never>?
        /// The sender's last progress (a write finished, or it went idle), monotonic ns.
        var progressNs: Int64 = StreamConnection.nowNs()
        var writing = false
        /// Quotes replaced by a newer one before they were written.
        var conflated = 0
    }

    /// What the sender writes next.
    enum Batch {
        /// Private messages first, then `quotes` conflated quotes (the last ones of the list).
        case messages([[UInt8]], quotes: Int, summary: Bool, heartbeat: Bool)
        case close(String)
    }

    let id: Int
    let account: AccountID
    let group: String
    let capacity: Int
    let maxLagNs: Int64
    private let state = Mutex(State())

    init(id: Int, account: AccountID, group: String, capacity: Int, maxLagSeconds: Int) {
        self.id = id
        self.account = account
        self.group = group
        self.capacity = capacity
        maxLagNs = Int64(maxLagSeconds) * 1_000_000_000
    }

    /// The close reason when the server stops (sent with 1001, going away).
    static let serverStopping = "server stopping"

    /// The start of every slow-consumer close reason.
    static let slowPrefix = "too slow"

    static func nowNs() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds) }

    func subscribe(_ names: [String]) { state.withLock { $0.symbols.formUnion(names) } }
    func unsubscribe(_ names: [String]) {
        state.withLock { s in
            s.symbols.subtract(names)
            for n in names where s.quotes.removeValue(forKey: n) != nil { s.quoteOrder.removeAll { $0 == n } }
        }
    }
    func wants(_ symbol: String) -> Bool { state.withLock { $0.symbols.contains(symbol) } }
    var subscribed: [String] { state.withLock { $0.symbols.sorted() } }
    var conflatedCount: Int { state.withLock { $0.conflated } }

    /// The latest quote of a subscribed symbol, replacing an unwritten older one.
    func offerQuote(symbol: String, bytes: [UInt8]) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            guard s.closedReason == nil, s.symbols.contains(symbol) else { return nil }
            if s.quotes.updateValue(bytes, forKey: symbol) == nil { s.quoteOrder.append(symbol) } else { s.conflated += 1; APIMetrics.streamQuotesConflated.increment() }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// A private message (order, position, margin call ...); an overflow cuts the connection off.
    func offerMessage(_ bytes: [UInt8], summaryDirty: Bool) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            guard s.closedReason == nil else { return nil }
            if s.messages.count >= capacity {
                s.closedReason = "too slow: \(capacity) private messages waiting (server.stream_buffer_messages); \(s.conflated) quotes conflated"
            } else {
                s.messages.append(bytes)
                if summaryDirty { s.summaryDirty = true }
            }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// Checks the lag (and asks the sender for a heartbeat): true when the connection is cut off as too slow.
    func tick(heartbeat: Bool) -> Bool {
        let now = Self.nowNs()
        let (waiter, closed): (CheckedContinuation<Void, Never>?, Bool) = state.withLock { s in
            let pending = s.writing || !s.messages.isEmpty || !s.quoteOrder.isEmpty
            if s.closedReason == nil, pending, now - s.progressNs > maxLagNs {
                s.closedReason = "too slow: no message written for \((now - s.progressNs) / 1_000_000_000) s with messages waiting (server.stream_max_lag_seconds); \(s.conflated) quotes conflated"
            }
            if heartbeat { s.heartbeatDue = true }
            defer { s.waiter = nil }
            return (s.waiter, s.closedReason?.hasPrefix(Self.slowPrefix) == true)
        }
        waiter?.resume()
        return closed
    }

    func close(_ reason: String) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            if s.closedReason == nil { s.closedReason = reason }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    var closedReason: String? { state.withLock { $0.closedReason } }

    /// The sender finished writing a batch.
    func wrote() { state.withLock { s in s.writing = false; s.progressNs = Self.nowNs() } }

    /// Waits for something to write: private messages first (in order), then the conflated quotes.
    func take() async -> Batch {
        while true {
            let batch: Batch? = state.withLock { s in
                if let reason = s.closedReason { return .close(reason) }
                if s.messages.isEmpty, s.quoteOrder.isEmpty, !s.summaryDirty, !s.heartbeatDue { return nil }
                var out = s.messages
                s.messages.removeAll(keepingCapacity: true)
                let privateCount = out.count
                for key in s.quoteOrder { if let q = s.quotes.removeValue(forKey: key) { out.append(q) } }
                s.quoteOrder.removeAll(keepingCapacity: true)
                let batch = Batch.messages(out, quotes: out.count - privateCount, summary: s.summaryDirty, heartbeat: s.heartbeatDue)
                s.summaryDirty = false
                s.heartbeatDue = false
                s.writing = true
                return batch
            }
            if let batch { return batch }
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s -> Bool in
                    if s.closedReason != nil || !s.messages.isEmpty || !s.quoteOrder.isEmpty || s.summaryDirty || s.heartbeatDue { return true }
                    s.progressNs = Self.nowNs()
                    s.waiter = c
                    return false
                }
                if ready { c.resume() }
            }
        }
    }
}
