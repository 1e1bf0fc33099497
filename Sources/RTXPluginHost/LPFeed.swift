import CRTXABI
import Synchronization

/// A quote as the host took it from an adapter: the plugin's struct plus when it arrived.
public struct IngestedQuote: BitwiseCopyable, Sendable {
    public var quote: rtx_quote_t
    /// Host monotonic clock when emit_quote accepted it, ns.
    public var receivedMonotonicNs: Int64
}

/// An execution report copied out of the plugin's borrowed memory.
public struct ExecutionReport: Sendable, Equatable {
    public enum Kind: Int32, Sendable {
        case accepted = 1, partialFill, fill, rejected, canceled, expired, cancelRejected
    }
    public var kind: Kind
    public var engineOrderID: UInt64
    public var symbolID: UInt32
    public var side: Int32
    public var priceDigits: Int32
    public var lastPriceTicks: Int64
    public var lastVolume: Int64
    public var cumulativeVolume: Int64
    public var leavesVolume: Int64
    public var lpTimeNs: Int64
    public var execID: String
    public var lpOrderID: String
    public var text: String
    public var receivedMonotonicNs: Int64
}

/// A connection-state change reported by an adapter.
public struct ConnectionEvent: Sendable, Equatable {
    public var state: ConnectionState
    public var reason: String
    public var receivedMonotonicNs: Int64
}

/// The ABI's RTX_CONNECTION_* values.
public enum ConnectionState: Int32, Sendable, CustomStringConvertible {
    case disconnected = 1, connecting, connected, degraded, down
    public var description: String {
        switch self {
        case .disconnected: "disconnected"
        case .connecting: "connecting"
        case .connected: "connected"
        case .degraded: "degraded"
        case .down: "down"
        }
    }
}

/// Counters of one adapter's pushes into the host. Monotonic; read from any thread.
public struct LPFeedCounters: Sendable, Equatable {
    public var quotesAccepted: UInt64
    /// Dropped because the quote ring was full (the consumer fell behind).
    public var quotesDroppedFull: UInt64
    /// Refused as malformed: unknown symbol, crossed, non-positive prices, bad digits.
    public var quotesRefused: UInt64
    /// Of `quotesRefused`, by reason: crossed (bid above ask), a non-positive price, a symbol id
    /// the adapter was not subscribed to. The rest were malformed (digits, volume, struct size).
    public var quotesRefusedCrossed: UInt64 = 0
    public var quotesRefusedNonPositive: UInt64 = 0
    public var quotesRefusedUnsubscribed: UInt64 = 0
    public var reportsAccepted: UInt64
    public var reportsRefused: UInt64
    /// Answered RTX_E_AGAIN because the report queue was full (the plugin keeps and retries).
    public var reportsQueueFull: UInt64
    /// Connection events dropped because their queue was full (the current state stays exact).
    public var connectionEventsDropped: UInt64
    /// Pushes made outside start..stop (each answered RTX_E_STATE).
    public var emitsOutsideRun: UInt64
}

/// The host side of one LP adapter instance: validates and queues what its threads push.
///
/// Limits: quotes go to a lock-free ring of `quoteCapacity` (full: dropped and counted, a
/// fresher quote supersedes them); execution reports to a queue of `reportCapacity` (full:
/// RTX_E_AGAIN, the plugin keeps the report); connection events to a queue of
/// `eventCapacity` (full: the oldest is dropped and counted; `connectionState` stays exact).
/// Thread: emits from any adapter thread; drains from one consumer thread.
final class LPHostContext: HostContext, @unchecked Sendable {
    static let maxSymbolID = 65_535
    let quotes: BoundedMPSCRing<IngestedQuote>
    let reportCapacity: Int
    let eventCapacity: Int
    private let reports = PThreadMutex<[ExecutionReport]>([])
    private let events = PThreadMutex<[ConnectionEvent]>([])
    private let currentState = Atomic<Int32>(ConnectionState.disconnected.rawValue)
    /// True between create/start and the return of stop: pushes are accepted.
    let accepting = Atomic<Bool>(true)
    private let subscribed: UnsafeMutablePointer<Atomic<Bool>>

    private let quotesAccepted = Atomic<UInt64>(0)
    private let quotesDroppedFull = Atomic<UInt64>(0)
    private let quotesRefused = Atomic<UInt64>(0)
    private let quotesRefusedCrossed = Atomic<UInt64>(0)
    private let quotesRefusedNonPositive = Atomic<UInt64>(0)
    private let quotesRefusedUnsubscribed = Atomic<UInt64>(0)
    private let reportsAccepted = Atomic<UInt64>(0)
    private let reportsRefused = Atomic<UInt64>(0)
    private let reportsQueueFull = Atomic<UInt64>(0)
    private let eventsDropped = Atomic<UInt64>(0)
    private let emitsOutsideRun = Atomic<UInt64>(0)
    /// Refusals are logged for the first few only, then counted silently.
    private let refusalLogsLeft = Atomic<Int>(20)

    init(instanceID: String, logSink: any PluginLogSink, config: PluginConfigBlock, manifestPath: String,
         quoteCapacity: Int, reportCapacity: Int, eventCapacity: Int) {
        quotes = BoundedMPSCRing(capacity: quoteCapacity)
        self.reportCapacity = reportCapacity
        self.eventCapacity = eventCapacity
        subscribed = .allocate(capacity: Self.maxSymbolID + 1)
        for i in 0 ... Self.maxSymbolID { (subscribed + i).initialize(to: Atomic(false)) }
        super.init(instanceID: instanceID, scope: .instance, logSink: logSink, config: config, manifestPath: manifestPath)
    }

    deinit {
        subscribed.deinitialize(count: Self.maxSymbolID + 1)
        subscribed.deallocate()
    }

    func setSubscribed(_ symbolID: UInt32, _ value: Bool) {
        guard symbolID <= UInt32(Self.maxSymbolID) else { return }
        (subscribed + Int(symbolID)).pointee.store(value, ordering: .releasing)
    }

    var connectionState: ConnectionState {
        ConnectionState(rawValue: currentState.load(ordering: .acquiring)) ?? .disconnected
    }

    var counters: LPFeedCounters {
        LPFeedCounters(quotesAccepted: quotesAccepted.load(ordering: .relaxed),
                       quotesDroppedFull: quotesDroppedFull.load(ordering: .relaxed),
                       quotesRefused: quotesRefused.load(ordering: .relaxed),
                       quotesRefusedCrossed: quotesRefusedCrossed.load(ordering: .relaxed),
                       quotesRefusedNonPositive: quotesRefusedNonPositive.load(ordering: .relaxed),
                       quotesRefusedUnsubscribed: quotesRefusedUnsubscribed.load(ordering: .relaxed),
                       reportsAccepted: reportsAccepted.load(ordering: .relaxed),
                       reportsRefused: reportsRefused.load(ordering: .relaxed),
                       reportsQueueFull: reportsQueueFull.load(ordering: .relaxed),
                       connectionEventsDropped: eventsDropped.load(ordering: .relaxed),
                       emitsOutsideRun: emitsOutsideRun.load(ordering: .relaxed))
    }

    private func refuse(_ counter: borrowing Atomic<UInt64>, _ message: @autoclosure () -> String) -> rtx_status_t {
        counter.add(1, ordering: .relaxed)
        if refusalLogsLeft.subtract(1, ordering: .relaxed).newValue >= 0 {
            log(.warning, message())
        }
        return RTX_E_INVALID_ARGUMENT
    }

    private func outsideRun() -> rtx_status_t {
        emitsOutsideRun.add(1, ordering: .relaxed)
        return RTX_E_STATE
    }

    override func emitQuote(_ pointer: UnsafePointer<rtx_quote_t>) -> rtx_status_t {
        guard accepting.load(ordering: .relaxed) else { return outsideRun() }
        let size = Int(UnsafeRawPointer(pointer).load(as: UInt32.self))
        guard size >= MemoryLayout<rtx_quote_t>.size else {
            return refuse(quotesRefused, "quote refused: struct_size \(size) is smaller than rtx_quote_t's \(MemoryLayout<rtx_quote_t>.size)")
        }
        let q = pointer.pointee
        guard q.symbol_id <= UInt32(Self.maxSymbolID),
              (subscribed + Int(q.symbol_id)).pointee.load(ordering: .relaxed) else {
            quotesRefusedUnsubscribed.add(1, ordering: .relaxed)
            return refuse(quotesRefused, "quote refused: symbol_id \(q.symbol_id) was not subscribed on this adapter")
        }
        guard q.price_digits >= 0, q.price_digits <= RTX_PRICE_DIGITS_MAX else {
            return refuse(quotesRefused, "quote refused: price_digits \(q.price_digits) outside 0...\(RTX_PRICE_DIGITS_MAX)")
        }
        guard q.bid_ticks > 0, q.ask_ticks > 0 else {
            quotesRefusedNonPositive.add(1, ordering: .relaxed)
            return refuse(quotesRefused, "quote refused: non-positive price (bid \(q.bid_ticks), ask \(q.ask_ticks) ticks)")
        }
        guard q.bid_ticks <= q.ask_ticks else {
            quotesRefusedCrossed.add(1, ordering: .relaxed)
            return refuse(quotesRefused, "quote refused: crossed (bid \(q.bid_ticks) > ask \(q.ask_ticks) ticks, symbol_id \(q.symbol_id))")
        }
        guard q.bid_volume >= 0, q.ask_volume >= 0 else {
            return refuse(quotesRefused, "quote refused: negative available volume")
        }
        guard quotes.push(IngestedQuote(quote: q, receivedMonotonicNs: HostClock.monotonicNanoseconds())) else {
            quotesDroppedFull.add(1, ordering: .relaxed)
            return RTX_E_AGAIN
        }
        quotesAccepted.add(1, ordering: .relaxed)
        return RTX_OK
    }

    override func emitExecutionReport(_ pointer: UnsafePointer<rtx_execution_report_t>) -> rtx_status_t {
        guard accepting.load(ordering: .relaxed) else { return outsideRun() }
        let size = Int(UnsafeRawPointer(pointer).load(as: UInt32.self))
        guard size >= MemoryLayout<rtx_execution_report_t>.size else {
            return refuse(reportsRefused, "execution report refused: struct_size \(size) is smaller than \(MemoryLayout<rtx_execution_report_t>.size)")
        }
        let r = pointer.pointee
        guard let kind = ExecutionReport.Kind(rawValue: r.exec_type) else {
            return refuse(reportsRefused, "execution report refused: exec_type \(r.exec_type) is not an RTX_EXEC_* value")
        }
        let isFill = kind == .fill || kind == .partialFill
        guard r.side == RTX_SIDE_BUY || r.side == RTX_SIDE_SELL || (r.side == 0 && !isFill) else {
            return refuse(reportsRefused, "execution report refused: side \(r.side) is not RTX_SIDE_BUY or RTX_SIDE_SELL (0 is allowed only without a fill)")
        }
        guard r.price_digits >= 0, r.price_digits <= RTX_PRICE_DIGITS_MAX else {
            return refuse(reportsRefused, "execution report refused: price_digits \(r.price_digits) outside 0...\(RTX_PRICE_DIGITS_MAX)")
        }
        guard r.last_volume >= 0, r.cumulative_volume >= 0, r.leaves_volume >= 0 else {
            return refuse(reportsRefused, "execution report refused: negative volume")
        }
        guard let execID = StringView.copy(r.exec_id, limitBytes: 64),
              let lpOrderID = StringView.copy(r.lp_order_id, limitBytes: 64),
              let text = StringView.copy(r.text, limitBytes: 256) else {
            return refuse(reportsRefused, "execution report refused: exec_id/lp_order_id over 64 bytes, text over 256, NULL with a length, or not UTF-8")
        }
        if isFill {
            guard r.last_volume > 0, r.last_price_ticks > 0, !execID.isEmpty else {
                return refuse(reportsRefused, "execution report refused: a fill needs last_volume > 0, last_price_ticks > 0 and an exec_id")
            }
        }
        let report = ExecutionReport(kind: kind, engineOrderID: r.engine_order_id, symbolID: r.symbol_id, side: r.side,
                                     priceDigits: r.price_digits, lastPriceTicks: r.last_price_ticks, lastVolume: r.last_volume,
                                     cumulativeVolume: r.cumulative_volume, leavesVolume: r.leaves_volume, lpTimeNs: r.lp_time_ns,
                                     execID: execID, lpOrderID: lpOrderID, text: text,
                                     receivedMonotonicNs: HostClock.monotonicNanoseconds())
        let taken = reports.withLock { queue -> Bool in
            guard queue.count < reportCapacity else { return false }
            queue.append(report)
            return true
        }
        guard taken else {
            reportsQueueFull.add(1, ordering: .relaxed)
            return RTX_E_AGAIN
        }
        reportsAccepted.add(1, ordering: .relaxed)
        return RTX_OK
    }

    override func emitConnectionState(_ state: rtx_connection_state_t, _ reason: rtx_str_t) -> rtx_status_t {
        guard accepting.load(ordering: .relaxed) else { return outsideRun() }
        guard let value = ConnectionState(rawValue: state) else {
            log(.warning, "connection state \(state) refused: not an RTX_CONNECTION_* value")
            return RTX_E_INVALID_ARGUMENT
        }
        let text = StringView.copy(reason, limitBytes: 512) ?? "(reason too long or not UTF-8)"
        currentState.store(value.rawValue, ordering: .releasing)
        let event = ConnectionEvent(state: value, reason: text, receivedMonotonicNs: HostClock.monotonicNanoseconds())
        let dropped = events.withLock { queue -> Bool in
            var dropped = false
            if queue.count >= eventCapacity {
                queue.removeFirst()
                dropped = true
            }
            queue.append(event)
            return dropped
        }
        if dropped { eventsDropped.add(1, ordering: .relaxed) }
        log(.info, "connection \(value)\(text.isEmpty ? "" : ": \(text)")")
        return RTX_OK
    }

    func takeReports() -> [ExecutionReport] {
        reports.withLock { queue in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
    }

    func takeConnectionEvents() -> [ConnectionEvent] {
        events.withLock { queue in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
    }
}
