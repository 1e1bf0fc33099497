/// The LP manager: takes every LP adapter's quotes and connection reports and makes one
/// consolidated raw quote per symbol.
///
/// For each quote: the LP's symbol id is mapped to the engine symbol it is bound to (else
/// `unmapped`), prices are converted to the symbol's digits (bid down, ask up) and checked
/// (`QuoteCheck`: non-positive, crossed, stale), the mid is checked against the LP's previous
/// one (`JumpFilter`: spikes), and an accepted quote updates the symbol's volatility and the
/// LP's freshness. Then the symbol's source is chosen again (`Failover`, or `Aggregation`
/// over the eligible LPs) and, when the consolidated quote changed or was refreshed by its
/// source, it is returned for publishing.
///
/// Freshness: an LP is fresh for a symbol while its last accepted quote for it arrived at
/// most `stale_after_ms` ago; eligible when fresh and up (see `LPHealth`). `evaluate(at:)`
/// applies the passing of time (LPs going stale, failback times reached); call it often
/// (the engine does every few ms). Every count is kept per LP and reason (`LPCounters`) and
/// per symbol (failovers, failbacks, LPs crossing each other).
///
/// Thread: a value type owned by one thread at a time (the engine's LP pump, behind a lock
/// for status readers). Times are inputs (`MarketTime`); no I/O.
public struct LPManager: Sendable {
    struct Feed: Sendable {
        var lp: Int
        var source: LPSource
        var last: NormalizedQuote?
        /// Arrival of the last accepted quote, monotonic ns (meaningful when `last` is set).
        var lastAcceptedNs: Int64 = 0
        /// Start of the current unbroken eligibility; nil while not eligible.
        var eligibleSince: Int64?
        var jump = JumpFilter()
    }

    struct Book: Sendable {
        var symbol: MarketSymbol
        /// Priority order (then binding order).
        var feeds: [Feed]
        /// Failover: the feed quotes come from now.
        var source: Int?
        /// Failover: the LP quotes last came from (kept through a spell with no source, and
        /// after that LP was unbound).
        var lastSourceLP: String?
        var published: ConsolidatedQuote?
        var volatility = Volatility()
        var failovers: UInt64 = 0
        var failbacks: UInt64 = 0
        var crossedAcrossLPs: UInt64 = 0
        /// `evaluate` skips the book before this time (monotonic ns; see `nextCheck`).
        var nextCheckNs: Int64 = 0
    }

    struct LPEntry: Sendable {
        var id: String
        var link: LinkState = .disconnected
        /// Whether the adapter ever reported a connection state.
        var reported = false
        /// When it last came up (or its first quote, when it never reported), monotonic ns.
        var upSince: Int64?
        var health: LPHealth = .disconnected
        var counters = LPCounters()
        var feeds: [(book: Int, feed: Int)] = []
    }

    var books: [Book] = []
    var lps: [LPEntry] = []
    private var lpSlots: [String: Int] = [:]
    /// (LP slot << 32 | host symbol id) → (book, feed).
    private var feedIndex: [UInt64: (book: Int, feed: Int)] = [:]
    private var bookByName: [String: Int] = [:]
    private var healthChanges: [(lp: String, health: LPHealth)] = []
    var switches: [SourceSwitch] = []

    public init() {}

    // MARK: configuration

    /// Sets the symbols and LPs (at start and after each manifest reload). State of the LPs
    /// and of each (LP, symbol) pair that stay is kept: counters, last quotes, freshness,
    /// volatility, sources. `lps` names every LP adapter, bound or not. Returns the quotes
    /// to publish because a source changed (e.g. the source LP was removed).
    public mutating func configure(symbols: [MarketSymbol], lps lpIDs: [String], at now: MarketTime) -> [ConsolidatedQuote] {
        let oldLPs = Dictionary(lps.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let oldBooks = Dictionary(books.map { ($0.symbol.name, $0) }, uniquingKeysWith: { a, _ in a })
        var ids = lpIDs
        for s in symbols { for src in s.sources where !ids.contains(src.lp) { ids.append(src.lp) } }
        for gone in lps where !ids.contains(gone.id) && gone.health != .disconnected {
            healthChanges.append((gone.id, .disconnected))
        }
        lps = ids.map { id in
            var e = oldLPs[id] ?? LPEntry(id: id)
            e.feeds = []
            return e
        }
        lpSlots = Dictionary(uniqueKeysWithValues: lps.enumerated().map { ($0.element.id, $0.offset) })
        books = []
        feedIndex = [:]
        bookByName = [:]
        for symbol in symbols where bookByName[symbol.name] == nil {
            let ordered = symbol.sources.enumerated().sorted { a, b in
                a.element.priority != b.element.priority ? a.element.priority < b.element.priority : a.offset < b.offset
            }.map(\.element)
            let old = oldBooks[symbol.name]
            var seen = Set<String>()
            var feeds: [Feed] = []
            for src in ordered where seen.insert(src.lp).inserted {
                var f = old?.feeds.first { $0.source.lp == src.lp } ?? Feed(lp: 0, source: src)
                f.lp = lpSlots[src.lp]!
                f.source = src
                feeds.append(f)
            }
            var book = Book(symbol: MarketSymbol(name: symbol.name, hostSymbolID: symbol.hostSymbolID, engineIndex: symbol.engineIndex,
                                                 digits: symbol.digits, sources: ordered, policy: symbol.policy), feeds: feeds)
            if let old {
                book.volatility = old.volatility
                book.failovers = old.failovers
                book.failbacks = old.failbacks
                book.crossedAcrossLPs = old.crossedAcrossLPs
                if old.symbol.digits == symbol.digits { book.published = old.published }
                book.source = old.source.flatMap { s in feeds.firstIndex { $0.source.lp == old.feeds[s].source.lp } }
                book.lastSourceLP = old.lastSourceLP
                if old.symbol.digits != symbol.digits {
                    // Prices kept at other digits would mix: start the symbol's quotes over.
                    for i in book.feeds.indices {
                        book.feeds[i].last = nil
                        book.feeds[i].eligibleSince = nil
                        book.feeds[i].jump.reset()
                    }
                }
            }
            let b = books.count
            bookByName[symbol.name] = b
            for (k, f) in book.feeds.enumerated() {
                lps[f.lp].feeds.append((b, k))
                feedIndex[Self.key(lp: f.lp, symbolID: symbol.hostSymbolID)] = (b, k)
            }
            books.append(book)
        }
        for i in lps.indices { updateHealth(i, now: now) }
        var out: [ConsolidatedQuote] = []
        for b in books.indices { if let q = reselect(b, trigger: nil, now: now) { out.append(q) } }
        return out
    }

    /// The slot of an LP for `ingest(_:lp:at:)`, valid until the next `configure`.
    public func lpSlot(_ id: String) -> Int? { lpSlots[id] }

    private static func key(lp: Int, symbolID: UInt32) -> UInt64 { UInt64(lp) << 32 | UInt64(symbolID) }

    // MARK: inputs

    /// The adapter's connection report (or its current state, read again: unchanged states
    /// cost nothing). Returns the quotes to publish because a source changed.
    public mutating func link(lp id: String, state: LinkState, at now: MarketTime) -> [ConsolidatedQuote] {
        guard let i = lpSlots[id] else { return [] }
        let wasUp = lps[i].reported ? lps[i].link.isUp : lps[i].upSince != nil
        if lps[i].reported && lps[i].link == state { return [] }
        lps[i].reported = true
        lps[i].link = state
        if state.isUp {
            if !wasUp { lps[i].upSince = now.monotonicNs }
        } else {
            lps[i].upSince = nil
        }
        updateHealth(i, now: now)
        var out: [ConsolidatedQuote] = []
        for (b, _) in lps[i].feeds { if let q = reselect(b, trigger: nil, now: now) { out.append(q) } }
        return out
    }

    /// What became of one quote: refused with a reason, or accepted and perhaps published.
    public struct IngestResult: Sendable, Equatable {
        public var refusal: QuoteRefusal?
        /// The symbol's new consolidated quote, when this quote changed or refreshed it.
        public var published: ConsolidatedQuote?
        /// The symbol's core index, when the quote was mapped to one.
        public var engineIndex: Int32?
    }

    /// One quote from the LP at `lp` (see `lpSlot`).
    public mutating func ingest(_ q: LPQuote, lp: Int, at now: MarketTime) -> IngestResult {
        guard lp >= 0, lp < lps.count else { return IngestResult() }
        guard let (b, k) = feedIndex[Self.key(lp: lp, symbolID: q.symbolID)] else {
            lps[lp].counters.countRefused(.unmapped)
            return IngestResult(refusal: .unmapped)
        }
        let policy = books[b].symbol.policy
        let engineIndex = books[b].symbol.engineIndex
        let normalized: NormalizedQuote
        switch QuoteCheck.normalize(q, digits: books[b].symbol.digits, staleAfterNs: policy.staleAfterNs, now: now) {
        case .failure(let reason):
            lps[lp].counters.countRefused(reason)
            return IngestResult(refusal: reason, engineIndex: engineIndex)
        case .success(let n): normalized = n
        }
        // After a gap (stale for the symbol) the LP's old mid is no reference any more.
        var feed = books[b].feeds[k]
        let gap = feed.last == nil || q.receivedNs &- feed.lastAcceptedNs > policy.staleAfterNs
        if gap { feed.jump.reset() }
        let threshold = JumpFilter.thresholdPPB(volatilityPPB: books[b].volatility.ewmaPPB, maxJumpMultiple: policy.maxJumpMultiple,
                                                jumpFloorPPM: policy.jumpFloorPPM)
        let (verdict, move) = feed.jump.judge(doubleMid: normalized.doubleMid, thresholdPPB: threshold, confirmations: policy.jumpConfirmations) { mid in
            // Another eligible LP of the symbol already quotes this level.
            self.books[b].feeds.indices.contains { j in
                guard j != k, self.isEligible(b, j, now: now.monotonicNs), let other = self.books[b].feeds[j].last?.doubleMid else { return false }
                return Volatility.movePPB(from: other, to: mid) <= threshold
            }
        }
        guard verdict.accepted else {
            books[b].feeds[k] = feed
            lps[lp].counters.countRefused(.spike)
            return IngestResult(refusal: .spike, engineIndex: engineIndex)
        }
        if verdict != .firstQuote { books[b].volatility.add(movePPB: move) }
        if gap || feed.eligibleSince == nil { feed.eligibleSince = normalized.receivedNs }
        feed.last = normalized
        feed.lastAcceptedNs = normalized.receivedNs
        books[b].feeds[k] = feed
        lps[lp].counters.countAccepted()
        if !lps[lp].reported, lps[lp].upSince == nil { lps[lp].upSince = normalized.receivedNs }
        if lps[lp].health != .connected { updateHealth(lp, now: now) }
        return IngestResult(refusal: nil, published: reselect(b, trigger: k, now: now), engineIndex: engineIndex)
    }

    /// Quotes the plugin host refused at the ABI boundary before they reached the manager
    /// (crossed, non-positive, unsubscribed, malformed): counted like the manager's own.
    public mutating func countBoundaryRefusals(lp id: String, reason: QuoteRefusal, count: UInt64) {
        guard count > 0, let i = lpSlots[id] else { return }
        lps[i].counters.countRefused(reason, count)
    }

    /// Applies the passing of time: LPs whose quotes aged beyond `stale_after_ms` stop being
    /// sources (failover or a smaller aggregate), failback times that were reached switch
    /// back. Returns the quotes to publish.
    public mutating func evaluate(at now: MarketTime) -> [ConsolidatedQuote] {
        for i in lps.indices { updateHealth(i, now: now) }
        var out: [ConsolidatedQuote] = []
        for b in books.indices where now.monotonicNs >= books[b].nextCheckNs {
            if let q = reselect(b, trigger: nil, now: now) { out.append(q) }
        }
        return out
    }

    /// LP state changes since the last call, oldest first.
    public mutating func takeHealthChanges() -> [(lp: String, health: LPHealth)] {
        defer { healthChanges.removeAll(keepingCapacity: true) }
        return healthChanges
    }

    /// Source switches of failover symbols since the last call, oldest first.
    public mutating func takeSwitches() -> [SourceSwitch] {
        defer { switches.removeAll(keepingCapacity: true) }
        return switches
    }

    // MARK: derived state

    /// Whether feed `k` of book `b` may be a source at `now`: its LP is up and its last
    /// accepted quote for the symbol is at most `stale_after_ms` old.
    func isEligible(_ b: Int, _ k: Int, now: Int64) -> Bool {
        let f = books[b].feeds[k]
        guard f.last != nil, now &- f.lastAcceptedNs <= books[b].symbol.policy.staleAfterNs else { return false }
        let lp = lps[f.lp]
        return lp.reported ? lp.link.isUp : true
    }

    func isFresh(_ b: Int, _ k: Int, now: Int64) -> Bool {
        let f = books[b].feeds[k]
        return f.last != nil && now &- f.lastAcceptedNs <= books[b].symbol.policy.staleAfterNs
    }

    /// Recomputes LP `i`'s state (see `LPHealth`) and records a change.
    mutating func updateHealth(_ i: Int, now: MarketTime) {
        let lp = lps[i]
        var health: LPHealth
        if lp.reported {
            health = .from(lp.link)
        } else {
            health = lp.upSince == nil ? .disconnected : .connected
        }
        if health == .connected, !lp.feeds.isEmpty, !lp.feeds.contains(where: { isFresh($0.book, $0.feed, now: now.monotonicNs) }) {
            let grace = lp.feeds.map { books[$0.book].symbol.policy.staleAfterNs }.max() ?? 0
            if let up = lp.upSince, now.monotonicNs &- up <= grace { health = .connected } else { health = .stale }
        }
        if health != lp.health {
            lps[i].health = health
            healthChanges.append((lp.id, health))
        }
    }
}
