import RTXPluginSDK
import Synchronization

/// An LP adapter in Swift: a random-walk venue with one thread of its own, for exercising the
/// engine without a network.
///
/// The market. Each subscribed instrument's mid walks -2...+2 ticks per quote (xorshift64*,
/// seeded from `seed` and the instrument's position, so a seed always gives the same
/// prices); quotes carry the instrument's own digits and no sizes. See `Settings` for config.
///
/// Orders. Market orders fill at once at the walk's ask (buy) or bid (sell): one FILL with a
/// unique exec_id "SWL-<instance>-<n>" (instance = the manifest id and the creation time) and
/// lp_order_id "SWO-<n>". A resend (the same engine_order_id) replays the FILL with the same
/// exec_id instead of filling twice. Other order types are refused in send_order
/// (`RTX_E_UNSUPPORTED`). A cancel is always answered CANCEL_REJECTED "unknown order": no
/// order ever rests at this venue. An order for a symbol_id that is not subscribed is REJECTED.
///
/// Threads. The host's control thread calls init, start, stop, subscribe, unsubscribe and
/// releases the instance; its order thread calls sendOrder and cancelOrder; stats may come
/// from any thread. The adapter's own thread (started by start, joined by stop) makes the
/// quotes and executes the orders.
///   `market` guards the walks, subscriptions, reports waiting for the host and the order
///     history; the adapter thread holds it for one pass, and emits under it (the host never
///     blocks nor calls back), so no quote of a symbol follows the unsubscribe that removed it.
///   `requests` guards the order queue (order thread -> adapter thread); held only to copy one
///     request in or out, so sendOrder and cancelOrder never wait for a pass.
///   `control` holds the thread handle (control thread only).
///   Counters are atomics.
///
/// Bounded queues:
///   requests: `requestCapacity` (256) orders and cancels waiting for the adapter thread;
///     full -> sendOrder/cancelOrder throw RTX_E_AGAIN and take nothing.
///   pending reports: `pendingCapacity` (256) reports the host answered RTX_E_AGAIN to, kept
///     in order and retried each pass; the thread takes no request while it is full, so the
///     back-pressure reaches the request queue and nothing is lost.
///   history: the last `historyCapacity` (1024) fills, for resends; the oldest is forgotten.
///
/// stop joins the thread, hands the host the reports it still holds, rejects what is still
/// queued (retrying for up to 200 ms while the host answers RTX_E_AGAIN, then logging what
/// was lost) and emits DISCONNECTED, all before it returns: nothing of the adapter runs after.
final class SwiftRandomWalkLP: RTXLPAdapter {
    static let requestCapacity = 256
    static let pendingCapacity = 256
    static let historyCapacity = 1024
    static let maxSubscriptions = 256
    /// Requests taken per pass, so quotes keep their pace under an order burst.
    static let requestsPerPass = 64
    /// Quote ticks per pass when behind schedule (catch-up limit).
    static let ticksPerPass = 64
    /// Longest sleep of the adapter thread: the latency bound for orders and for stop.
    static let serviceIntervalNanoseconds: Int64 = 1_000_000
    /// Further behind its quote schedule than this, the thread skips ahead instead of bursting.
    static let resyncNanoseconds: Int64 = 100_000_000
    /// At stop, attempts (1 ms apart) to hand the host the reports it has not taken.
    static let stopFlushAttempts = 200

    struct Subscription: Sendable {
        let symbolID: UInt32
        var instrument: Int
    }

    /// A request copied out of the host's borrowed struct.
    struct Request: Sendable {
        enum Kind: Sendable { case order, cancel }
        let kind: Kind
        let engineOrderID: UInt64
        let symbolID: UInt32
        let side: RTXSide
        let volume: Int64
    }

    /// Everything `market` guards.
    struct Market: Sendable {
        var instruments: [Instrument]
        var subscriptions: [Subscription] = []
        var pending = BoundedQueue<RTXExecutionReport>(capacity: SwiftRandomWalkLP.pendingCapacity)
        var history: [UInt64: RTXExecutionReport] = [:]
        var historyOrder = BoundedQueue<UInt64>(capacity: SwiftRandomWalkLP.historyCapacity)
        var nextExecSequence: UInt64 = 0
        var nextOrderSequence: UInt64 = 0
        var warnedRefusedQuote = false
    }

    struct Requests: Sendable {
        var accepting = false
        var queue = BoundedQueue<Request>(capacity: SwiftRandomWalkLP.requestCapacity)
    }

    struct Control: Sendable {
        var thread: RTXPluginThread?
        var starts: UInt64 = 0
    }

    let host: RTXHost
    let settings: Settings
    /// lp_symbol -> index into instruments.
    let instrumentIndex: [String: Int]
    /// <instance> of exec ids.
    let tag: String

    let market: Mutex<Market>
    let requests = Mutex(Requests())
    let control = Mutex(Control())
    let stopRequested = Atomic<Bool>(false)

    let messagesReceived = Atomic<UInt64>(0)
    let quotesEmitted = Atomic<UInt64>(0)
    let quotesDropped = Atomic<UInt64>(0)
    let quotesRefused = Atomic<UInt64>(0)
    let ordersSent = Atomic<UInt64>(0)
    let reconnects = Atomic<UInt64>(0)
    let lastMessageWallNanoseconds = Atomic<Int64>(0)

    init(host: RTXHost) throws {
        self.host = host
        settings = try Settings(host.config)
        var index: [String: Int] = [:]
        for (i, instrument) in settings.instruments.enumerated() {
            index[instrument.name] = i
        }
        instrumentIndex = index
        market = Mutex(Market(instruments: settings.instruments))
        // The manifest id (letters, digits, '.', '_', '-'; at most 20) and the creation time,
        // so exec ids stay unique across restarts of the engine.
        let plain = host.config.instanceID.utf8.prefix(20).map { byte -> UInt8 in
            let letterOrDigit = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            return letterOrDigit || byte == 0x2E || byte == 0x5F || byte == 0x2D ? byte : 0x5F // else '_'
        }
        let id = plain.isEmpty ? "lp" : String(decoding: plain, as: UTF8.self)
        tag = id + "." + String(UInt64(bitPattern: host.wallNanoseconds), radix: 16)
    }

    // MARK: - Control thread

    func start() throws {
        try control.withLock { (control: inout Control) throws(RTXPluginError) in
            guard control.thread == nil else {
                throw .state("SwiftRandomWalkLP start: already started (stop it first)")
            }
            stopRequested.store(false, ordering: .releasing)
            host.emit(connectionState: .connecting, reason: "random walk: starting")
            requests.withLock { $0.accepting = true }
            do throws(RTXPluginError) {
                control.thread = try RTXPluginThread.start { [self] in run() }
            } catch {
                requests.withLock { $0.accepting = false }
                host.emit(connectionState: .disconnected, reason: "random walk: could not start its thread")
                throw error
            }
            control.starts += 1
            if control.starts > 1 {
                reconnects.wrappingAdd(1, ordering: .relaxed)
            }
        }
    }

    func stop() {
        guard let thread = control.withLock({ control -> RTXPluginThread? in
            defer { control.thread = nil }
            return control.thread
        }) else {
            return
        }
        requests.withLock { $0.accepting = false } // sendOrder and cancelOrder answer RTX_E_STATE from now on
        stopRequested.store(true, ordering: .releasing)
        thread.join() // wakes within serviceIntervalNanoseconds
        market.withLock { market in
            // Answer what is left: reports the host has not taken yet first, then queued
            // requests (REJECTED), retrying 1 ms apart while the host answers RTX_E_AGAIN.
            var attempts = 0
            while true {
                flushPending(&market)
                drainRequests(&market, stopping: true)
                let queued = requests.withLock { $0.queue.count }
                if market.pending.isEmpty && queued == 0 {
                    break
                }
                attempts += 1
                if attempts >= Self.stopFlushAttempts {
                    host.log(.error, "SwiftRandomWalkLP: \(market.pending.count) execution reports and \(queued) requests LOST at stop: the host did not take their reports within \(Self.stopFlushAttempts) ms")
                    market.pending.removeAll()
                    requests.withLock { $0.queue.removeAll() }
                    break
                }
                RTXPluginThread.sleep(nanoseconds: 1_000_000)
            }
        }
        host.emit(connectionState: .disconnected, reason: "random walk: stopped")
        host.log(.info, "SwiftRandomWalkLP: stopped; quotes emitted \(quotesEmitted.load(ordering: .relaxed)), dropped by the host \(quotesDropped.load(ordering: .relaxed)), refused \(quotesRefused.load(ordering: .relaxed))")
    }

    /// All or none: every lp_symbol must be a configured instrument. A symbol_id already
    /// subscribed is remapped.
    func subscribe(_ subscriptions: [RTXSubscription]) throws {
        var instruments: [Int] = []
        for subscription in subscriptions {
            guard let instrument = instrumentIndex[subscription.lpSymbol] else {
                throw RTXPluginError.notFound("SwiftRandomWalkLP subscribe: lp_symbol '\(subscription.lpSymbol)' (symbol '\(subscription.symbol)') is not one of this adapter's instruments: \(settings.instruments.map(\.name).joined(separator: ", "))")
            }
            instruments.append(instrument)
        }
        try market.withLock { (market: inout Market) throws(RTXPluginError) in
            var added = Set<UInt32>()
            for subscription in subscriptions where !market.subscriptions.contains(where: { $0.symbolID == subscription.symbolID }) {
                added.insert(subscription.symbolID)
            }
            guard market.subscriptions.count + added.count <= Self.maxSubscriptions else {
                throw .limit("SwiftRandomWalkLP subscribe: \(added.count) more symbols would exceed the adapter's limit of \(Self.maxSubscriptions)")
            }
            for (subscription, instrument) in zip(subscriptions, instruments) {
                if let k = market.subscriptions.firstIndex(where: { $0.symbolID == subscription.symbolID }) {
                    market.instruments[market.subscriptions[k].instrument].subscribers -= 1
                    market.subscriptions[k].instrument = instrument
                } else {
                    market.subscriptions.append(Subscription(symbolID: subscription.symbolID, instrument: instrument))
                }
                market.instruments[instrument].subscribers += 1
            }
        }
    }

    /// Unknown ids are ignored. No quote for the removed symbols follows its return.
    func unsubscribe(_ symbolIDs: [UInt32]) throws {
        market.withLock { market in
            for id in symbolIDs {
                if let k = market.subscriptions.firstIndex(where: { $0.symbolID == id }) {
                    market.instruments[market.subscriptions[k].instrument].subscribers -= 1
                    market.subscriptions.remove(at: k)
                }
            }
        }
    }

    // MARK: - Order thread

    func sendOrder(_ order: RTXOrderRequest) throws {
        guard order.side == .buy || order.side == .sell else {
            throw RTXPluginError.invalidArgument("SwiftRandomWalkLP send_order: order \(order.engineOrderID): side \(order.side.rawValue) is not buy or sell")
        }
        guard order.orderType == .market else {
            throw RTXPluginError.unsupported("SwiftRandomWalkLP send_order: order \(order.engineOrderID): only market orders are supported (order_type \(order.orderType.rawValue))")
        }
        guard order.volume > 0 else {
            throw RTXPluginError.invalidArgument("SwiftRandomWalkLP send_order: order \(order.engineOrderID): volume \(order.volume) is not positive")
        }
        try enqueue(Request(kind: .order, engineOrderID: order.engineOrderID, symbolID: order.symbolID,
                            side: order.side, volume: order.volume), "send_order")
        ordersSent.wrappingAdd(1, ordering: .relaxed)
    }

    func cancelOrder(_ cancel: RTXCancelRequest) throws {
        try enqueue(Request(kind: .cancel, engineOrderID: cancel.engineOrderID, symbolID: cancel.symbolID,
                            side: RTXSide(rawValue: 0), volume: 0), "cancel_order")
    }

    private func enqueue(_ request: Request, _ what: String) throws(RTXPluginError) {
        try requests.withLock { (requests: inout Requests) throws(RTXPluginError) in
            guard requests.accepting else {
                throw .state("SwiftRandomWalkLP \(what): the adapter is not started")
            }
            guard requests.queue.push(request) else {
                throw .again("SwiftRandomWalkLP \(what): request queue full (\(Self.requestCapacity) waiting for the adapter thread); nothing taken, try again")
            }
        }
    }

    // MARK: - Any thread

    func stats() -> RTXLPStats? {
        RTXLPStats(messagesReceived: messagesReceived.load(ordering: .relaxed),
                   quotesEmitted: quotesEmitted.load(ordering: .relaxed),
                   ordersSent: ordersSent.load(ordering: .relaxed),
                   reconnects: reconnects.load(ordering: .relaxed),
                   lastMessageWallNanoseconds: lastMessageWallNanoseconds.load(ordering: .relaxed))
    }

    // MARK: - Adapter thread

    /// Paces quotes on absolute monotonic deadlines and, between them, wakes at least every
    /// serviceIntervalNanoseconds to retry reports and take requests.
    private func run() {
        host.emit(connectionState: .connected, reason: "random walk: quoting") // a real venue: once logged on
        var nextQuote = RTXPluginThread.monotonicNanoseconds()
        while !stopRequested.load(ordering: .acquiring) {
            let now = RTXPluginThread.monotonicNanoseconds()
            market.withLock { market in
                flushPending(&market) // older reports first
                var ticks = 0
                while now >= nextQuote && ticks < Self.ticksPerPass {
                    tick(&market)
                    nextQuote += settings.periodNanoseconds
                    ticks += 1
                }
                if now - nextQuote > Self.resyncNanoseconds {
                    nextQuote = now + settings.periodNanoseconds // far behind (a stalled host?): skip, do not burst
                }
                drainRequests(&market, stopping: false)
            }
            RTXPluginThread.sleep(untilMonotonicNanoseconds: min(nextQuote, now + Self.serviceIntervalNanoseconds))
        }
    }

    /// Moves every subscribed instrument one step and sends one quote per subscribed symbol.
    private func tick(_ market: inout Market) {
        let wall = host.wallNanoseconds
        for i in market.instruments.indices where market.instruments[i].subscribers > 0 {
            market.instruments[i].step()
            messagesReceived.wrappingAdd(1, ordering: .relaxed)
        }
        lastMessageWallNanoseconds.store(wall, ordering: .relaxed)
        for subscription in market.subscriptions {
            let instrument = market.instruments[subscription.instrument]
            let status = host.emit(quote: rtx_quote_t(symbolID: subscription.symbolID, priceDigits: instrument.digits,
                                                      bidTicks: instrument.bid, askTicks: instrument.ask,
                                                      lpTimeNanoseconds: wall))
            if status == RTX_OK {
                quotesEmitted.wrappingAdd(1, ordering: .relaxed)
            } else if status == RTX_E_AGAIN {
                quotesDropped.wrappingAdd(1, ordering: .relaxed) // the host dropped it; the next one supersedes it
            } else {
                quotesRefused.wrappingAdd(1, ordering: .relaxed)
                if !market.warnedRefusedQuote {
                    market.warnedRefusedQuote = true
                    host.log(.warning, "SwiftRandomWalkLP: the host refused a quote for symbol_id \(subscription.symbolID) (\(instrument.name) \(instrument.bid)/\(instrument.ask)) with status \(status); further refusals are only counted")
                }
            }
        }
    }

    /// Takes requests off the queue while a report fits in the pending list: at most
    /// requestsPerPass (stopping: as many as fit; queued orders are then REJECTED).
    private func drainRequests(_ market: inout Market, stopping: Bool) {
        var taken = 0
        while market.pending.free > 0 && (stopping || taken < Self.requestsPerPass) {
            guard let request = requests.withLock({ $0.queue.pop() }) else {
                return
            }
            taken += 1
            messagesReceived.wrappingAdd(1, ordering: .relaxed)
            lastMessageWallNanoseconds.store(host.wallNanoseconds, ordering: .relaxed)
            switch request.kind {
            case .order:
                execute(request, &market, stopping: stopping)
            case .cancel:
                let known = market.history[request.engineOrderID]
                market.nextExecSequence += 1
                deliver(RTXExecutionReport(execType: .cancelRejected, engineOrderID: request.engineOrderID,
                                           symbolID: request.symbolID, side: known?.side ?? RTXSide(rawValue: 0),
                                           priceDigits: known?.priceDigits ?? 0,
                                           cumulativeVolume: known?.cumulativeVolume ?? 0,
                                           lpTimeNanoseconds: host.wallNanoseconds,
                                           execID: "SWL-\(tag)-\(market.nextExecSequence)",
                                           lpOrderID: known?.lpOrderID ?? "", text: "unknown order"), &market)
            }
        }
    }

    /// Fills a market order at the walk's price (or replays the fill of a resend).
    private func execute(_ request: Request, _ market: inout Market, stopping: Bool) {
        if let known = market.history[request.engineOrderID] {
            deliver(known, &market) // a resend: the same report, the same exec_id
            return
        }
        market.nextOrderSequence += 1
        market.nextExecSequence += 1
        var report = RTXExecutionReport(execType: .rejected, engineOrderID: request.engineOrderID, symbolID: request.symbolID,
                                        side: request.side, lpTimeNanoseconds: host.wallNanoseconds,
                                        execID: "SWL-\(tag)-\(market.nextExecSequence)",
                                        lpOrderID: "SWO-\(market.nextOrderSequence)")
        if stopping {
            report.text = "adapter stopped before the order reached the venue"
        } else if let subscription = market.subscriptions.first(where: { $0.symbolID == request.symbolID }) {
            let instrument = market.instruments[subscription.instrument]
            report.execType = .fill
            report.priceDigits = instrument.digits
            report.lastPriceTicks = request.side == .buy ? instrument.ask : instrument.bid
            report.lastVolume = request.volume
            report.cumulativeVolume = request.volume
            report.leavesVolume = 0
        } else {
            report.text = "symbol_id \(request.symbolID) is not subscribed at this adapter"
        }
        remember(report, &market)
        deliver(report, &market)
    }

    /// Keeps a finished order's report for resends (the oldest is forgotten when full).
    private func remember(_ report: RTXExecutionReport, _ market: inout Market) {
        if market.historyOrder.free == 0, let oldest = market.historyOrder.pop() {
            market.history[oldest] = nil
        }
        _ = market.historyOrder.push(report.engineOrderID)
        market.history[report.engineOrderID] = report
    }

    /// Sends a report, or keeps it when the host's queue is full (RTX_E_AGAIN). Reports keep
    /// their order: while older ones wait, a new one waits behind them.
    private func deliver(_ report: RTXExecutionReport, _ market: inout Market) {
        if market.pending.isEmpty {
            let status = host.emit(report: report)
            if status == RTX_OK {
                return
            }
            if status != RTX_E_AGAIN {
                logRefused(report, status)
                return
            }
        }
        if !market.pending.push(report) {
            host.log(.error, "SwiftRandomWalkLP: execution report \(report.execID) for order \(report.engineOrderID) LOST: \(Self.pendingCapacity) reports already wait for the host")
        }
    }

    /// Retries the waiting reports in order until the host answers RTX_E_AGAIN again.
    private func flushPending(_ market: inout Market) {
        while let report = market.pending.first {
            let status = host.emit(report: report)
            if status == RTX_E_AGAIN {
                return
            }
            if status != RTX_OK {
                logRefused(report, status)
            }
            _ = market.pending.pop()
        }
    }

    private func logRefused(_ report: RTXExecutionReport, _ status: Int32) {
        host.log(.error, "SwiftRandomWalkLP: the host refused execution report \(report.execID) (type \(report.execType.rawValue)) for order \(report.engineOrderID) with status \(status)")
    }
}
