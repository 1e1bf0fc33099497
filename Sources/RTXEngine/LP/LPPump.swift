import CRTXABI
import RTXCore
import RTXMarketData
import RTXPluginHost
import Synchronization

/// Moves what the LP adapters emit into the engine, on its own thread. Quotes go through the
/// LP manager (RTXMarketData: mapped to the engine's symbol, converted to its digits,
/// validated, and aggregated or failed over per symbol by the symbol's quote policy); each
/// consolidated raw quote goes to the market view, to quote subscribers at each group's
/// client prices and to the quote cache — at once, even while the journal is down
/// (`publishClientQuotes`, the one place a consolidated quote is published) — and to the
/// sequencer's conflated quote slots. Connection reports and the passing of time (every
/// `evaluateEveryMs`) update the LP states, which the market view (routing), the metrics
/// (`LPMetrics`) and `rtx status` show. Quotes the plugin host refused at the ABI boundary
/// are counted with the LP manager's refusals. Execution reports go to the sequencer's
/// system lane (kept here and retried while that lane is full, up to `maxHeldReports`;
/// beyond that the oldest are logged and counted as lost).
///
/// Thread: `run` on the pump's thread (it alone changes the LP manager, behind a lock that
/// `marketStatus` takes from any thread); `setRoutes` and `setSchedule` from any thread.
final class LPPump: @unchecked Sendable {
    struct SymbolRoute: Sendable {
        var index: SymbolIndex
        var digits: Int
        /// LPs bound to the symbol, priority order.
        var lps: [String]
    }

    static let maxHeldReports = 100_000
    /// How often the passing of time is applied to the LP manager (stale LPs, failback), ms.
    static let evaluateEveryMs: Int64 = 5
    /// Refusals logged per LP before they are only counted.
    static let refusalLogsPerLP = 20
    private let host: PluginHost
    private let queue: InputQueue
    private let view: MarketView
    private let publisher: EventPublisher
    private let policies: QuotePolicies
    private let log: @Sendable (String) -> Void
    private let routes = Monitor<[String: SymbolRoute]>([:])
    /// Set by `setRoutes`; the pump thread applies it to the LP manager.
    private let routesChanged = Atomic<Bool>(false)
    private let pricing = Monitor<(schedule: FeeScheduleSpec, groups: [String], symbolNames: [String])>((.none, [], []))
    private let manager = Monitor(LPManager())
    private let metrics = LPMetrics()
    /// Per adapter instance (held, so that its identity is not reused while listed): its
    /// ABI-boundary refusals already counted (crossed, non-positive, unsubscribed, malformed).
    private var boundarySeen: [ObjectIdentifier: (adapter: LPAdapterInstance, counts: [UInt64])] = [:]
    private var refusalLogs: [String: Int] = [:]
    /// The last state of each LP the LP manager reported (to log going stale and back).
    private var lastHealth: [String: LPHealth] = [:]
    private var held: [LPExecution] = []
    private let stopping = Atomic<Bool>(false)
    let quotesIn = Atomic<UInt64>(0)
    let quotesIgnored = Atomic<UInt64>(0)
    /// Consolidated quotes published (to the sequencer's conflated slots and to subscribers).
    let quotesPublished = Atomic<UInt64>(0)
    let reportsIn = Atomic<UInt64>(0)
    let reportsLost = Atomic<UInt64>(0)

    init(host: PluginHost, queue: InputQueue, view: MarketView, publisher: EventPublisher, policies: QuotePolicies = QuotePolicies(),
         log: @escaping @Sendable (String) -> Void) {
        self.host = host
        self.queue = queue
        self.view = view
        self.publisher = publisher
        self.policies = policies
        self.log = log
    }

    /// Which engine symbol each bound symbol name is (after start and after reloads); the
    /// LP manager takes the bindings (LPs, priorities, venue names) from the manifest.
    func setRoutes(_ r: [String: SymbolRoute]) {
        routes.withLock { $0 = r }
        routesChanged.store(true, ordering: .releasing)
    }

    /// The schedule in force and the names of groups and symbols by index, for client prices.
    func setSchedule(_ schedule: FeeScheduleSpec, groups: [String], symbolNames: [String]) {
        pricing.withLock { $0 = (schedule, groups, symbolNames) }
    }

    /// The LP manager's state now: LPs (state, counts, last quote per symbol) and symbols
    /// (mode, source, consolidated quote, failovers). Thread: any.
    func marketStatus() -> MarketStatus {
        let now = Self.now()
        return manager.withLock { $0.status(at: now) }
    }

    func stop() { stopping.store(true, ordering: .releasing) }

    static func now() -> MarketTime { MarketTime(monotonicNs: EngineClock.monotonicNs(), wallNs: EngineClock.wallNs()) }

    func run() {
        var lastEvaluation: Int64 = 0
        while !stopping.load(ordering: .acquiring) {
            var work = 0
            if routesChanged.exchange(false, ordering: .acquiringAndReleasing) { configure() }
            let adapters = host.lpAdapters
            if boundarySeen.count > adapters.count {
                let live = Set(adapters.map { ObjectIdentifier($0) })
                boundarySeen = boundarySeen.filter { live.contains($0.key) }
            }
            for adapter in adapters {
                let lp = adapter.instanceID
                // Connection reports first: the quotes drained below were sent under them.
                for event in adapter.takeConnectionEvents() {
                    log("LP \(lp): \(event.state)\(event.reason.isEmpty ? "" : " (\(event.reason))")")
                    if let link = LinkState(rawValue: event.state.rawValue) {
                        let at = MarketTime(monotonicNs: event.receivedMonotonicNs, wallNs: EngineClock.wallNs())
                        publish(manager.withLock { $0.link(lp: lp, state: link, at: at) })
                    }
                    work += 1
                }
                // The current state too (a report may have been dropped from a full queue); an
                // adapter that never reported stays judged by its quotes.
                let current = adapter.connectionState
                if current != .disconnected, let link = LinkState(rawValue: current.rawValue) {
                    publish(manager.withLock { $0.link(lp: lp, state: link, at: Self.now()) })
                }
                countBoundaryRefusals(adapter)
                if let slot = manager.withLock({ $0.lpSlot(lp) }) {
                    let now = Self.now()
                    work += adapter.drainQuotes(limit: 4_096) { q in self.ingest(q, lp: lp, slot: slot, now: now) }
                } else {
                    work += adapter.drainQuotes(limit: 4_096) { _ in self.quotesIgnored.add(1, ordering: .relaxed) }
                }
                for report in adapter.takeExecutionReports() {
                    reportsIn.add(1, ordering: .relaxed)
                    if let execution = convert(report) { held.append(execution) }
                    work += 1
                }
            }
            let t = EngineClock.monotonicNs()
            if t - lastEvaluation >= Self.evaluateEveryMs * 1_000_000 {
                lastEvaluation = t
                publish(manager.withLock { $0.evaluate(at: Self.now()) })
            }
            report()
            flushReports()
            if work == 0 { sleepMs(1) }
        }
    }

    /// Gives the LP manager the symbols (from the routes and the manifest's bindings) and the LPs.
    private func configure() {
        let manifest = host.manifest
        let registry = host.symbols
        let current = routes.withLock { $0 }
        var symbols: [MarketSymbol] = []
        for binding in manifest.symbols {
            guard let route = current[binding.symbol], let id = registry.id(of: binding.symbol) else { continue }
            symbols.append(MarketSymbol(name: binding.symbol, hostSymbolID: id, engineIndex: route.index, digits: route.digits,
                                        sources: binding.routes.map { LPSource(lp: $0.lp, priority: $0.priority, venueSymbol: $0.lpSymbol) },
                                        policy: policies.policy(for: binding.symbol)))
            view.setLPs(symbol: route.index, binding.routes.map(\.lp))
            metrics.register(symbol: binding.symbol)
        }
        let lps = manifest.plugins.filter { $0.kind == .lpAdapter }.map(\.id)
        for lp in lps { metrics.register(lp: lp) }
        publish(manager.withLock { $0.configure(symbols: symbols, lps: lps, at: Self.now()) })
        report()
    }

    private func ingest(_ q: IngestedQuote, lp: String, slot: Int, now: MarketTime) {
        let quote = LPQuote(symbolID: q.quote.symbol_id, priceDigits: Int(q.quote.price_digits), bidTicks: q.quote.bid_ticks,
                            askTicks: q.quote.ask_ticks, bidVolume: q.quote.bid_volume, askVolume: q.quote.ask_volume,
                            lpTimeNs: q.quote.lp_time_ns, receivedNs: q.receivedMonotonicNs)
        let result = manager.withLock { $0.ingest(quote, lp: slot, at: now) }
        if let refusal = result.refusal {
            quotesIgnored.add(1, ordering: .relaxed)
            metrics.refused(lp: lp, reason: refusal)
            logRefusal(lp: lp, "quote refused (\(refusal.rawValue)): symbol id \(quote.symbolID), bid \(quote.bidTicks), ask \(quote.askTicks) at \(quote.priceDigits) digits")
        } else {
            quotesIn.add(1, ordering: .relaxed)
            metrics.accepted(lp: lp)
            if let index = result.engineIndex { view.recordLPQuote(symbol: index, lp: lp, monotonicNs: q.receivedMonotonicNs) }
        }
        if let consolidated = result.published { publish(consolidated) }
    }

    private func publish(_ quotes: [ConsolidatedQuote]) { for q in quotes { publish(q) } }

    /// A consolidated raw quote to the market view, the sequencer and every subscriber.
    private func publish(_ c: ConsolidatedQuote) {
        guard let route = routes.withLock({ $0[c.symbol] }) else { return }
        quotesPublished.add(1, ordering: .relaxed)
        view.recordQuote(symbol: route.index, bidTicks: c.bidTicks, askTicks: c.askTicks, volatilityPPM: c.volatilityPPM)
        queue.putQuote(symbol: route.index, .quote(symbol: route.index, bidTicks: c.bidTicks, askTicks: c.askTicks,
                                                   bidVolume: max(0, c.bidVolume), askVolume: max(0, c.askVolume)),
                       receivedNs: c.receivedNs)
        publishClientQuotes(route: route, name: c.symbol, bid: c.bidTicks, ask: c.askTicks)
    }

    /// LP state changes and source switches since the last call: to the view, the metrics and the log.
    private func report() {
        let (changes, switches) = manager.withLock { ($0.takeHealthChanges(), $0.takeSwitches()) }
        for (lp, health) in changes {
            view.setLPHealth(lp, health)
            metrics.state(lp: lp, health)
            // The adapter's own reports are logged as they come; staleness is the manager's.
            if health == .stale || lastHealth[lp] == .stale { log("LP \(lp) is \(health)\(health == .stale ? ": no accepted quote within stale_after_ms" : "")") }
            lastHealth[lp] = health
        }
        for s in switches where s.kind != .initial {
            if s.kind == .failover { metrics.failover(symbol: s.symbol) }
            log("\(s.symbol): quotes \(s.kind == .failover ? "fail over" : "fail back") from \(s.from) to \(s.to)")
        }
    }

    /// Quotes the plugin host refused at the ABI boundary since the last look, by reason.
    private func countBoundaryRefusals(_ adapter: LPAdapterInstance) {
        let c = adapter.feedCounters
        let key = ObjectIdentifier(adapter)
        let named = c.quotesRefusedCrossed &+ c.quotesRefusedNonPositive &+ c.quotesRefusedUnsubscribed
        let now = [c.quotesRefusedCrossed, c.quotesRefusedNonPositive, c.quotesRefusedUnsubscribed, c.quotesRefused &- min(named, c.quotesRefused)]
        let seen = boundarySeen[key]?.counts ?? [0, 0, 0, 0]
        guard now != seen else { return }
        var next = seen
        for (i, reason) in [QuoteRefusal.crossed, .nonPositive, .unmapped, .malformed].enumerated() where now[i] > seen[i] {
            let n = now[i] - seen[i]
            next[i] = now[i]
            let lp = adapter.instanceID
            manager.withLock { $0.countBoundaryRefusals(lp: lp, reason: reason, count: n) }
            metrics.refused(lp: lp, reason: reason, count: Int64(clamping: n))
            quotesIgnored.add(n, ordering: .relaxed)
        }
        boundarySeen[key] = (adapter, next)
    }

    private func logRefusal(lp: String, _ message: @autoclosure () -> String) {
        let left = refusalLogs[lp, default: Self.refusalLogsPerLP]
        guard left > 0 else { return }
        refusalLogs[lp] = left - 1
        log("LP \(lp): \(message())\(left == 1 ? " (further refusals are only counted: rtx status)" : "")")
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
        PriceScale.rescale(ticks, from: from, to: to, roundUp: roundUp)
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
