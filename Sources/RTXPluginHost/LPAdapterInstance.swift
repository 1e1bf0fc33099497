import CRTXABI

/// A symbol to subscribe on an adapter: the host's id and names.
public struct LPSubscription: Sendable, Equatable {
    public var symbolID: UInt32
    public var symbol: String
    public var lpSymbol: String
    /// The engine's digits, or -1 when none are configured.
    public var priceDigits: Int32
    public init(symbolID: UInt32, symbol: String, lpSymbol: String, priceDigits: Int32 = -1) {
        self.symbolID = symbolID
        self.symbol = symbol
        self.lpSymbol = lpSymbol
        self.priceDigits = priceDigits
    }
}

/// An order for an LP, in the ABI's fixed-point units.
public struct LPOrder: Sendable, Equatable {
    public var engineOrderID: UInt64
    public var symbolID: UInt32
    public var lpSymbol: String
    public var side: Int32
    public var orderType: Int32
    public var timeInForce: Int32
    public var priceDigits: Int32
    public var volume: Int64
    public var priceTicks: Int64
    public var maxDeviationTicks: Int64
    public var expireTimeNs: Int64
    public init(engineOrderID: UInt64, symbolID: UInt32, lpSymbol: String, side: Int32, orderType: Int32 = RTX_ORDER_MARKET,
                timeInForce: Int32 = RTX_TIF_IOC, priceDigits: Int32, volume: Int64, priceTicks: Int64 = 0,
                maxDeviationTicks: Int64 = 0, expireTimeNs: Int64 = 0) {
        self.engineOrderID = engineOrderID
        self.symbolID = symbolID
        self.lpSymbol = lpSymbol
        self.side = side
        self.orderType = orderType
        self.timeInForce = timeInForce
        self.priceDigits = priceDigits
        self.volume = volume
        self.priceTicks = priceTicks
        self.maxDeviationTicks = maxDeviationTicks
        self.expireTimeNs = expireTimeNs
    }
}

/// Counters an adapter reports about itself (ABI 1.1 `get_stats`).
public struct LPAdapterStats: Sendable, Equatable {
    public var messagesReceived: UInt64
    public var quotesEmitted: UInt64
    public var ordersSent: UInt64
    public var reconnects: UInt64
    public var lastMessageWallNs: Int64
}

/// One LP adapter instance: the plugin's table, the host context its threads push into,
/// and its lifecycle (created → started ⇄ stopped → destroyed).
///
/// Thread: lifecycle and subscribe calls on the control thread; `sendOrder`/`cancelOrder`
/// on one order thread; `drainQuotes`/`takeExecutionReports` on one consumer thread.
public final class LPAdapterInstance: @unchecked Sendable {
    public enum State: Sendable { case created, started, stopped, destroyed }

    public let instanceID: String
    public let library: LoadedLibrary
    let context: LPHostContext
    private let raw: UnsafeMutablePointer<rtx_lp_adapter_t>
    private let table: rtx_lp_adapter_t
    public private(set) var state: State = .created
    public private(set) var subscriptions: [LPSubscription] = []

    /// Default queue limits (see LPHostContext).
    public static let defaultQuoteCapacity = 65_536
    public static let defaultReportCapacity = 4_096
    public static let defaultEventCapacity = 256

    init(instanceID: String, library: LoadedLibrary, factory: UnsafeRawPointer, config: PluginConfigBlock,
         manifestPath: String, logSink: any PluginLogSink, quoteCapacity: Int = defaultQuoteCapacity)
        throws(PluginCallError) {
        self.instanceID = instanceID
        self.library = library
        context = LPHostContext(instanceID: instanceID, logSink: logSink, config: config, manifestPath: manifestPath,
                                quoteCapacity: quoteCapacity, reportCapacity: Self.defaultReportCapacity,
                                eventCapacity: Self.defaultEventCapacity)
        let (out, copy) = try PluginFactoryCall.create(factory, host: context, zero: rtx_lp_adapter_t(),
                                                       minimumSize: HostABI.lpAdapterSize10, instanceID: instanceID, library: library)
        guard copy.start != nil, copy.stop != nil, copy.subscribe != nil, copy.unsubscribe != nil,
              copy.send_order != nil, copy.cancel_order != nil, copy.destroy != nil else {
            throw PluginFactoryCall.missing("start, stop, subscribe, unsubscribe, send_order, cancel_order, destroy",
                                            instanceID: instanceID, library: library)
        }
        raw = out
        table = copy
    }

    private func failure(_ function: String, _ status: Int32, _ message: String) -> PluginCallError {
        PluginCallError(instanceID: instanceID, pluginID: library.descriptor.pluginID,
                        pluginVersion: library.descriptor.pluginVersion, function: function, status: status, message: message)
    }

    private func requireState(_ function: String, _ allowed: [State]) throws(PluginCallError) {
        guard allowed.contains(state) else {
            throw failure(function, RTX_E_STATE, "called while the adapter is \(state)")
        }
    }

    /// Adds symbols. Control thread.
    public func subscribe(_ symbols: [LPSubscription]) throws(PluginCallError) {
        try requireState("subscribe", [.created, .started, .stopped])
        guard !symbols.isEmpty else { return }
        for s in symbols where s.symbolID > UInt32(LPHostContext.maxSymbolID) {
            throw failure("subscribe", RTX_E_INVALID_ARGUMENT, "symbol id \(s.symbolID) exceeds \(LPHostContext.maxSymbolID)")
        }
        for s in symbols { context.setSubscribed(s.symbolID, true) }
        let status = CStringArena.withViews(symbols.flatMap { [$0.symbol, $0.lpSymbol] }) { views in
            var subs = symbols.enumerated().map { index, s in
                rtx_subscription_t(struct_size: UInt32(MemoryLayout<rtx_subscription_t>.size), symbol_id: s.symbolID,
                                   price_digits: s.priceDigits, reserved0: 0, symbol: views[2 * index], lp_symbol: views[2 * index + 1])
            }
            var error = newPluginError()
            let status = table.subscribe!(raw, &subs, UInt32(subs.count), &error)
            return (status, PluginErrorText.message(of: &error))
        }
        guard status.0 == RTX_OK else {
            let known = Set(subscriptions.map(\.symbolID))
            for s in symbols where !known.contains(s.symbolID) { context.setSubscribed(s.symbolID, false) }
            throw failure("subscribe", status.0, status.1)
        }
        subscriptions.append(contentsOf: symbols)
    }

    /// Removes symbols. Control thread.
    public func unsubscribe(_ symbolIDs: [UInt32]) throws(PluginCallError) {
        try requireState("unsubscribe", [.created, .started, .stopped])
        var ids = symbolIDs
        var error = newPluginError()
        let status = table.unsubscribe!(raw, &ids, UInt32(ids.count), &error)
        guard status == RTX_OK else { throw failure("unsubscribe", status, PluginErrorText.message(of: &error)) }
        for id in symbolIDs { context.setSubscribed(id, false) }
        subscriptions.removeAll { symbolIDs.contains($0.symbolID) }
    }

    /// Starts the adapter (it connects in its own thread). Control thread.
    public func start() throws(PluginCallError) {
        try requireState("start", [.created, .stopped])
        context.accepting.store(true, ordering: .releasing)
        var error = newPluginError()
        let status = table.start!(raw, &error)
        guard status == RTX_OK else { throw failure("start", status, PluginErrorText.message(of: &error)) }
        state = .started
    }

    /// Stops the adapter; when it returns the plugin's threads are joined and any further
    /// push is refused (RTX_E_STATE) and counted. Control thread; blocks.
    public func stop() {
        guard state == .started else { return }
        table.stop!(raw)
        context.accepting.store(false, ordering: .releasing)
        state = .stopped
    }

    /// Destroys the instance (stopping it first). Control thread; idempotent.
    public func destroy() {
        if state == .started { stop() }
        guard state != .destroyed else { return }
        context.accepting.store(false, ordering: .releasing)
        table.destroy!(raw)
        state = .destroyed
    }

    /// Queues an order at the LP. Order thread; non-blocking.
    public func sendOrder(_ order: LPOrder) throws(PluginCallError) {
        try requireState("send_order", [.started])
        let result = order.lpSymbol.withCString { symbol -> (Int32, String) in
            var request = rtx_order_request_t()
            request.struct_size = UInt32(MemoryLayout<rtx_order_request_t>.size)
            request.symbol_id = order.symbolID
            request.engine_order_id = order.engineOrderID
            request.side = order.side
            request.order_type = order.orderType
            request.time_in_force = order.timeInForce
            request.price_digits = order.priceDigits
            request.volume = order.volume
            request.price_ticks = order.priceTicks
            request.max_deviation_ticks = order.maxDeviationTicks
            request.expire_time_ns = order.expireTimeNs
            request.lp_symbol = rtx_str_t(data: symbol, length: strlen(symbol))
            var error = newPluginError()
            let status = table.send_order!(raw, &request, &error)
            return (status, PluginErrorText.message(of: &error))
        }
        guard result.0 == RTX_OK else { throw failure("send_order", result.0, result.1) }
    }

    /// Queues a cancel at the LP. Order thread; non-blocking.
    public func cancelOrder(engineOrderID: UInt64, symbolID: UInt32, lpSymbol: String, lpOrderID: String) throws(PluginCallError) {
        try requireState("cancel_order", [.started])
        let result = CStringArena.withViews([lpOrderID, lpSymbol]) { views -> (Int32, String) in
            var request = rtx_cancel_request_t(struct_size: UInt32(MemoryLayout<rtx_cancel_request_t>.size), symbol_id: symbolID,
                                               engine_order_id: engineOrderID, lp_order_id: views[0], lp_symbol: views[1])
            var error = newPluginError()
            let status = table.cancel_order!(raw, &request, &error)
            return (status, PluginErrorText.message(of: &error))
        }
        guard result.0 == RTX_OK else { throw failure("cancel_order", result.0, result.1) }
    }

    /// The adapter's own counters, or nil when it predates ABI 1.1 (no get_stats).
    public func stats() -> LPAdapterStats? {
        guard let getStats = table.get_stats, state != .destroyed else { return nil }
        var s = rtx_lp_stats_t()
        s.struct_size = UInt32(MemoryLayout<rtx_lp_stats_t>.size)
        guard getStats(raw, &s) == RTX_OK else { return nil }
        return LPAdapterStats(messagesReceived: s.messages_received, quotesEmitted: s.quotes_emitted,
                              ordersSent: s.orders_sent, reconnects: s.reconnects, lastMessageWallNs: s.last_message_wall_ns)
    }

    /// Pops up to `limit` quotes in arrival order. Consumer thread.
    @discardableResult
    public func drainQuotes(limit: Int = .max, _ body: (IngestedQuote) -> Void) -> Int {
        var count = 0
        while count < limit, let q = context.quotes.pop() {
            body(q)
            count += 1
        }
        return count
    }

    /// Takes every queued execution report in arrival order. Consumer thread.
    public func takeExecutionReports() -> [ExecutionReport] { context.takeReports() }
    /// Takes every queued connection event in arrival order. Consumer thread.
    public func takeConnectionEvents() -> [ConnectionEvent] { context.takeConnectionEvents() }
    /// The latest reported connection state. Any thread.
    public var connectionState: ConnectionState { context.connectionState }
    /// Push counters. Any thread.
    public var feedCounters: LPFeedCounters { context.counters }
}

/// Temporary C strings for a call: each string is NUL-terminated and lives until `body` returns.
enum CStringArena {
    static func withViews<R>(_ strings: [String], _ body: ([rtx_str_t]) -> R) -> R {
        let copies = strings.map { strdup($0)! }
        defer { copies.forEach { free($0) } }
        return body(copies.map { rtx_str_t(data: UnsafePointer($0), length: strlen($0)) })
    }
}

#if canImport(Glibc)
import Glibc
#endif
