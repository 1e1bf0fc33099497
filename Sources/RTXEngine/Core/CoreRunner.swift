import RTXCore
import Synchronization

/// The core thread: applies journaled batches to the one `TradingCore`, answers callers,
/// sends route-to-LP and cancel events to the LP desk, publishes events, keeps the market
/// view's account and exposure facts current, takes snapshots every `snapshotEvery` inputs
/// and runs read-only queries between batches.
///
/// Thread: `run` on its own thread; `query` from any thread (it waits for the core thread).
final class CoreRunner: @unchecked Sendable {
    private(set) var core: TradingCore
    private let handoff: BatchHandoff
    private let view: MarketView
    private let desk: LPDesk?
    private let publisher: EventPublisher
    private let snapshots: Snapshotter?
    private let snapshotEvery: UInt64
    private var sinceSnapshot: UInt64 = 0
    private let stopping = Atomic<Bool>(false)
    private let queries = Monitor<[@Sendable (inout TradingCore) -> Void]>([])
    /// Command → applied latencies (submission to answer), ns, for the metrics and benchmark.
    let latencies = LatencyRecorder(capacity: 1 << 20)
    /// LP emitted → applied latencies of the quotes the core applied, ns (the benchmark's).
    let quoteLatencies = LatencyRecorder(capacity: 1 << 20)
    /// Quotes applied by the core.
    let appliedQuotes = Atomic<UInt64>(0)
    let appliedInputs = Atomic<UInt64>(0)
    /// The last applied sequence (any thread may read it).
    let lastApplied = Atomic<UInt64>(0)

    init(core: TradingCore, handoff: BatchHandoff, view: MarketView, desk: LPDesk?, publisher: EventPublisher,
         snapshots: Snapshotter?, snapshotEvery: UInt64) {
        self.core = core
        self.handoff = handoff
        self.view = view
        self.desk = desk
        self.publisher = publisher
        self.snapshots = snapshots
        self.snapshotEvery = max(1, snapshotEvery)
        lastApplied.store(core.lastSequence, ordering: .releasing)
    }

    func stop() { stopping.store(true, ordering: .releasing) }

    func run() {
        while true {
            if let batch = handoff.take(waitMs: 2) {
                apply(batch)
            } else if stopping.load(ordering: .acquiring) {
                break
            }
            runQueries()
        }
        runQueries()
    }

    /// Runs `body` on the core thread between batches and returns its result (waits up to
    /// `timeoutMs`; nil on time-out).
    func query<R: Sendable>(timeoutMs: Int64 = 5_000, _ body: @escaping @Sendable (inout TradingCore) -> R) -> R? {
        let box = Monitor<R?>(nil)
        queries.withLock { $0.append { core in
            let r = body(&core)
            box.withLock { $0 = r }
            box.broadcast()
        } }
        let deadline = EngineClock.monotonicNs() + timeoutMs * 1_000_000
        return box.withLock { r, waiter in
            while r == nil { if !waiter.wait(&r, untilMonotonicNs: deadline) { break } }
            return r
        }
    }

    private func runQueries() {
        let pending = queries.withLock { q -> [@Sendable (inout TradingCore) -> Void] in
            let all = q
            q.removeAll()
            return all
        }
        for q in pending { q(&core) }
    }

    private func apply(_ batch: [SequencedInput]) {
        var touchedAccounts: Set<AccountID> = []
        var touchedSymbols: Set<SymbolIndex> = []
        let metrics = PipelineMetrics.shared
        for item in batch {
            core.apply(item.envelope)
            if case .quote = item.envelope.command {
                let latencyNs = EngineClock.monotonicNs() - item.submittedNs
                metrics.quoteToCore.recordNanoseconds(latencyNs)
                quoteLatencies.record(latencyNs)
                appliedQuotes.add(1, ordering: .relaxed)
            }
            let events = core.events
            for e in events {
                switch e {
                case .routeToLP(let route): desk?.send(route, preferredLP: item.preferredLP)
                case .cancelAtLP(let id): desk?.cancel(engineOrderID: id)
                case .accountUpdated(let account, _, _, _): touchedAccounts.insert(account)
                case .accountOpened(let account): touchedAccounts.insert(account)
                case .position(let p): touchedSymbols.insert(p.symbol); touchedAccounts.insert(p.account)
                case .symbolDefined(let s): defineInView(s)
                default: break
                }
            }
            if let reply = item.reply {
                reply.complete(.applied(sequence: item.envelope.sequence, events: events))
                let answeredNs = EngineClock.monotonicNs() - item.submittedNs
                latencies.record(answeredNs)
                metrics.commandAnswered.recordNanoseconds(answeredNs)
            }
            publisher.publish(sequence: item.envelope.sequence, events: events)
        }
        lastApplied.store(core.lastSequence, ordering: .releasing)
        appliedInputs.add(UInt64(batch.count), ordering: .relaxed)
        metrics.appliedInputs.increment(by: Int64(batch.count))
        for id in touchedAccounts { refreshAccount(id) }
        for s in touchedSymbols {
            view.updateExposure(symbol: s, a: core.exposure(symbol: s, book: .a)?.netVolume ?? 0,
                                b: core.exposure(symbol: s, book: .b)?.netVolume ?? 0, c: core.exposure(symbol: s, book: .c)?.netVolume ?? 0)
        }
        sinceSnapshot += UInt64(batch.count)
        if sinceSnapshot >= snapshotEvery, let snapshots {
            sinceSnapshot = 0
            snapshots.enqueue(CoreCopy(core: core))
        }
    }

    /// Seeds the market view from the core (at start, after recovery).
    func seedView(lps: @escaping (String) -> [String]) {
        var facts: [MarketView.SymbolFacts] = []
        for i in 0 ..< core.symbolCount {
            let spec = core.symbolSpec(SymbolIndex(i))!
            facts.append(MarketView.SymbolFacts(name: spec.name, digits: spec.digits, volumeMin: spec.volumeMin, volumeMax: spec.volumeMax, volumeStep: spec.volumeStep,
                                                lps: lps(spec.name)))
        }
        view.setSymbols(facts)
        for id in core.accountIDs { refreshAccount(id) }
        self.lpsForSymbol = lps
    }

    private var lpsForSymbol: (String) -> [String] = { _ in [] }

    private func defineInView(_ s: SymbolIndex) {
        guard let spec = core.symbolSpec(s) else { return }
        view.addSymbol(MarketView.SymbolFacts(name: spec.name, digits: spec.digits, volumeMin: spec.volumeMin, volumeMax: spec.volumeMax, volumeStep: spec.volumeStep,
                                              lps: lpsForSymbol(spec.name)))
    }

    private func refreshAccount(_ id: AccountID) {
        guard let summary = core.accountSummary(id), let group = core.groupSpec(of: id) else { return }
        view.updateAccount(id, MarketView.AccountFacts(group: group.name, statistics: summary.statistics, equity: summary.equity))
    }
}

/// A copy of the core handed to another thread (its storage is copy-on-write: the core
/// thread's next change copies what it touches, so the copy stays frozen).
struct CoreCopy: @unchecked Sendable {
    var core: TradingCore
}

/// Fixed-size record of latencies (ns), overwriting the oldest. Thread: one writer; readers
/// take a copy (`values`).
final class LatencyRecorder: @unchecked Sendable {
    private let monitor: Monitor<(values: [Int64], next: Int, count: Int)>
    init(capacity: Int) { monitor = Monitor(([Int64](repeating: 0, count: capacity), 0, 0)) }

    func record(_ ns: Int64) {
        monitor.withLock { s in
            s.values[s.next] = ns
            s.next = (s.next + 1) % s.values.count
            s.count = min(s.count + 1, s.values.count)
        }
    }

    func reset() { monitor.withLock { $0.next = 0; $0.count = 0 } }

    /// The recorded values (up to the capacity, most recent).
    var values: [Int64] { monitor.withLock { Array($0.values[0 ..< $0.count]) } }

    /// Percentile (0...100) in ns, nil when empty.
    func percentile(_ p: Double) -> Int64? {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return nil }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p / 100))]
    }
}
