import CRTXABI
import RTXCore
import RTXPluginHost
import Synchronization

/// Moves what the LP adapters emit into the engine, on its own thread: quotes (rescaled to
/// the symbol's digits, from the highest-priority connected LP bound to the symbol) go to
/// the market view, to quote subscribers at each group's client prices — at once, even
/// while the journal is down — and to the sequencer's conflated quote slots; execution
/// reports go to the sequencer's system lane (kept here and retried while that lane is
/// full, up to `maxHeldReports`; beyond that the oldest are logged and counted as lost);
/// connection events update the LP states routing sees.
///
/// Thread: `run` on the pump's thread; `setSchedule` from any thread.
final class LPPump: @unchecked Sendable {
    struct SymbolRoute: Sendable {
        var index: SymbolIndex
        var digits: Int
        /// LPs bound to the symbol, priority order.
        var lps: [String]
    }

    static let maxHeldReports = 100_000
    private let host: PluginHost
    private let queue: InputQueue
    private let view: MarketView
    private let publisher: EventPublisher
    private let log: @Sendable (String) -> Void
    private let routes = Monitor<[String: SymbolRoute]>([:])
    private let pricing = Monitor<(schedule: FeeScheduleSpec, groups: [String], symbolNames: [String])>((.none, [], []))
    private var held: [LPExecution] = []
    private let stopping = Atomic<Bool>(false)
    let quotesIn = Atomic<UInt64>(0)
    let quotesIgnored = Atomic<UInt64>(0)
    let reportsIn = Atomic<UInt64>(0)
    let reportsLost = Atomic<UInt64>(0)

    init(host: PluginHost, queue: InputQueue, view: MarketView, publisher: EventPublisher, log: @escaping @Sendable (String) -> Void) {
        self.host = host
        self.queue = queue
        self.view = view
        self.publisher = publisher
        self.log = log
    }

    /// Which engine symbol each bound symbol name is (after start and after reloads).
    func setRoutes(_ r: [String: SymbolRoute]) { routes.withLock { $0 = r } }

    /// The schedule in force and the names of groups and symbols by index, for client prices.
    func setSchedule(_ schedule: FeeScheduleSpec, groups: [String], symbolNames: [String]) {
        pricing.withLock { $0 = (schedule, groups, symbolNames) }
    }

    func stop() { stopping.store(true, ordering: .releasing) }

    func run() {
        while !stopping.load(ordering: .acquiring) {
            var work = 0
            for adapter in host.lpAdapters {
                let lp = adapter.instanceID
                work += adapter.drainQuotes(limit: 4_096) { q in self.ingest(q.quote, lp: lp) }
                for event in adapter.takeConnectionEvents() {
                    view.setLPState(lp, event.state)
                    log("LP \(lp): \(event.state)\(event.reason.isEmpty ? "" : " (\(event.reason))")")
                    work += 1
                }
                view.setLPState(lp, adapter.connectionState)
                for report in adapter.takeExecutionReports() {
                    reportsIn.add(1, ordering: .relaxed)
                    if let execution = convert(report) { held.append(execution) }
                    work += 1
                }
            }
            flushReports()
            if work == 0 { sleepMs(1) }
        }
    }

    private func ingest(_ q: rtx_quote_t, lp: String) {
        guard let name = host.symbols.name(of: q.symbol_id), let route = routes.withLock({ $0[name] }) else {
            quotesIgnored.add(1, ordering: .relaxed)
            return
        }
        // The highest-priority connected LP of the symbol is its source.
        let source = route.lps.first { host.lpAdapter(id: $0)?.connectionState == .connected } ?? route.lps.first
        guard source == lp else {
            quotesIgnored.add(1, ordering: .relaxed)
            return
        }
        guard let bid = Self.rescale(q.bid_ticks, from: Int(q.price_digits), to: route.digits, roundUp: false),
              let ask = Self.rescale(q.ask_ticks, from: Int(q.price_digits), to: route.digits, roundUp: true), bid > 0, ask >= bid else {
            quotesIgnored.add(1, ordering: .relaxed)
            return
        }
        quotesIn.add(1, ordering: .relaxed)
        view.recordQuote(symbol: route.index, bidTicks: bid, askTicks: ask, lp: lp)
        queue.putQuote(symbol: route.index, .quote(symbol: route.index, bidTicks: bid, askTicks: ask,
                                                   bidVolume: max(0, q.bid_volume), askVolume: max(0, q.ask_volume)))
        publishClientQuotes(route: route, name: name, bid: bid, ask: ask)
    }

    private func publishClientQuotes(route: SymbolRoute, name: String, bid: Int64, ask: Int64) {
        let now = EngineClock.wallNs()
        // Redis (quote:SYMBOL): never waits; each group's prices reach it through publishQuote.
        publisher.quoteCache?.offerRaw(symbol: name, digits: route.digits, bidTicks: bid, askTicks: ask, timeNs: now)
        let (schedule, groups) = pricing.withLock { ($0.schedule, $0.groups) }
        for (g, group) in groups.enumerated() {
            let q = ClientPricing.clientQuote(rawBid: bid, rawAsk: ask, markup: schedule.markup(group: GroupIndex(g), symbol: route.index))
            publisher.publishQuote(ClientQuote(symbol: route.index, name: name, digits: route.digits, group: group,
                                               bidTicks: max(1, q.bid), askTicks: q.ask, timeNs: now))
        }
    }

    /// A price at `from` digits expressed at `to` digits; a bid rounds down and an ask up
    /// when digits are lost (never a narrower spread). Nil on overflow.
    static func rescale(_ ticks: Int64, from: Int, to: Int, roundUp: Bool) -> Int64? {
        if from == to { return ticks }
        if from < to {
            let (v, overflow) = ticks.multipliedReportingOverflow(by: Scale.pow10(to - from))
            return overflow ? nil : v
        }
        let d = Scale.pow10(from - to)
        let q = ticks / d
        return roundUp && ticks % d != 0 ? q + 1 : q
    }

    private func convert(_ r: ExecutionReport) -> LPExecution? {
        let kind: LPExecution.Kind
        switch r.kind {
        case .accepted: kind = .accepted
        case .partialFill: kind = .partialFill
        case .fill: kind = .fill
        case .rejected: kind = .rejected
        case .canceled: kind = .canceled
        case .expired: kind = .expired
        case .cancelRejected:
            log("LP refused to cancel order \(r.engineOrderID): \(r.text)")
            return nil
        }
        var price = r.lastPriceTicks
        if let name = host.symbols.name(of: r.symbolID), let route = routes.withLock({ $0[name] }), r.lastPriceTicks > 0 {
            price = Self.rescale(r.lastPriceTicks, from: Int(r.priceDigits), to: route.digits, roundUp: r.side == 1) ?? r.lastPriceTicks
        }
        return LPExecution(engineOrderID: r.engineOrderID, execID: r.execID, kind: kind, lastPriceTicks: price,
                           lastVolume: r.lastVolume, text: r.text)
    }

    /// Reports go to the LP's own orders only through the sequencer; held while its lane is full.
    private func flushReports() {
        var sent = 0
        for execution in held {
            guard queue.putSystem(.system(.executionReport(execution))) else { break }
            sent += 1
        }
        held.removeFirst(sent)
        if held.count > Self.maxHeldReports {
            let lost = held.count - Self.maxHeldReports
            reportsLost.add(UInt64(lost), ordering: .relaxed)
            log("\(lost) LP execution reports lost: the sequencer's system lane stayed full (journal down?)")
            held.removeFirst(lost)
        }
    }
}
