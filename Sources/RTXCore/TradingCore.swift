/// The deterministic trading core (DESIGN §2): accounts, symbols, the ledger, market orders,
/// positions and margin, as a single-writer state machine. `apply` takes one journaled
/// command and produces events; it does no I/O, reads no clock, uses no randomness and no
/// floating point. Applying the same commands to an empty core always gives the same state
/// (`stateHash`), in any process.
///
/// Thread: one thread at a time (the core thread). Events of a command are valid until the
/// next `apply`.
public struct TradingCore {
    // Definitions.
    var symbols: [SymbolSpec] = []
    var symbolByName: [String: SymbolIndex] = [:]
    var groups: [GroupSpec] = []
    var groupByName: [String: GroupIndex] = [:]

    // Market data: the latest raw quote per symbol (0 when none yet).
    var bids: [Int64] = []
    var asks: [Int64] = []
    var quoteTimes: [Int64] = []

    // Accounts, positions, exposures.
    var accounts: [AccountState] = []
    var accountIndex: [AccountID: Int32] = [:]
    var positions: [Position?] = []
    var freePositionSlots: [Int32] = []
    var positionSlot: [PositionID: Int32] = [:]
    var exposures: [Exposure?] = []
    var freeExposureSlots: [Int32] = []
    var exposureSlot: [UInt64: Int32] = [:]

    var ledger = LedgerBalances()
    var nextEntryID: UInt64 = 1

    // Core II: resting orders, price triggers, orders at LPs, house hedges.
    var pendingOrders: [OrderID: PendingOrder] = [:]
    /// Trigger heaps per (symbol, group), and which groups have books per symbol.
    var triggerBooks: [TriggerBooks] = []
    var triggerBookIndex: [UInt64: Int32] = [:]
    var symbolTriggerGroups: [[GroupIndex]] = []
    var nextTriggerVersion: UInt64 = 1
    /// GTD expiries: (expiry, order id), earliest first; entries of gone orders are skipped.
    var expiries = MinHeap<TimedID>()
    var lpOrders: [UInt64: LPOrderState] = [:]
    /// LP deadlines: (deadline, engine order id).
    var lpDeadlines = MinHeap<TimedID>()
    /// Timed-out orders remembered for late fills, oldest first (at most `maxDoneOrders`).
    var doneOrders: [UInt64] = []
    static let maxDoneOrders = 10_000
    var houseHedges: [SymbolIndex: HouseHedge] = [:]
    /// Orders the core generates while applying one command (hedges, closes sent to LPs) get
    /// ids in their own space: the top bit set, the command's sequence, and a counter.
    var derivedCounter: UInt64 = 0
    // Core III: fees and conversion.
    /// The schedule in force and the journal sequence that set it (0: none yet).
    public internal(set) var feeSchedule = FeeScheduleSpec.none
    public internal(set) var feeScheduleID: UInt64 = 0
    /// Resolved markup per (group, symbol): index group × symbolCount + symbol (derived).
    var markupTable: [FeeScheduleSpec.Markup?] = []
    /// Conversion routes by (from, to) currency pair (derived from the symbols).
    var conversionRoutes: [UInt64: ConversionRoute] = [:]
    /// Accounts to evaluate for margin call and stop out at the end of the command (derived).
    var riskQueue: [Int32] = []
    /// Accounts at or below stop out with a position that cannot close now (derived; see
    /// `updateStopOutBlocked`). Order does not matter: evaluations run in slot order.
    var stopOutBlockedAccounts: Set<Int32> = []
    /// Scratch buffer of `placeRiskTriggers` (derived, empty between commands' use).
    var riskScratch: [WatchedSymbol] = []
    /// Available size at the last quote per symbol (0: unknown).
    var bidVolumes: [Int64] = []
    var askVolumes: [Int64] = []
    /// Trading switches above the symbols' own: the engine's, and one per group (by index).
    var globalTradingState = TradingState.full
    var groupTradingStates: [TradingState] = []
    /// Net holdings per (symbol, book) and per (group, symbol, book), kept at every position
    /// change (derived; `ExposureTotals`).
    var exposureTotals = ExposureTotals()

    /// How many account margin evaluations this instance has run (a diagnostic for the
    /// benchmarks and the metrics; not part of the state, the snapshot or the hash).
    public internal(set) var riskEvaluations = 0

    public internal(set) var lastSequence: UInt64 = 0
    public internal(set) var lastTimeNs: Int64 = 0

    /// The events of the last `apply`, in order.
    public internal(set) var events: [CoreEvent] = []

    public init() {
        events.reserveCapacity(64)
    }

    /// Applies one command. Its sequence must be above every earlier one's; a command whose
    /// time is before the previous command's is refused (`timeWentBackwards`).
    public mutating func apply(_ envelope: Envelope) {
        events.removeAll(keepingCapacity: true)
        precondition(envelope.sequence > lastSequence, "journal sequences must increase")
        lastSequence = envelope.sequence
        derivedCounter = 0
        guard envelope.timeNs >= lastTimeNs else {
            events.append(.commandRejected(sequence: envelope.sequence, reason: .timeWentBackwards))
            return
        }
        lastTimeNs = envelope.timeNs
        let seq = envelope.sequence
        switch envelope.command {
        case .defineSymbol(let spec): defineSymbol(spec, seq)
        case .setSymbolTradingState(let symbol, let state): setTradingState(symbol, state, seq)
        case .defineGroup(let spec): defineGroup(spec, seq)
        case .openAccount(let spec): openAccount(spec, seq)
        case .setAccountStatus(let id, let status): setAccountStatus(id, status, seq)
        case .quote(let symbol, let bid, let ask, let bidVolume, let askVolume): applyQuote(symbol, bid, ask, bidVolume, askVolume, seq)
        case .deposit(let id, let amount, let method): deposit(id, amount, method, seq)
        case .withdraw(let id, let amount, let method): withdraw(id, amount, method, seq)
        case .adjustBalance(let id, let amount, let admin, _): adjust(id, amount, admin, seq)
        case .grantCredit(let id, let amount, let admin, _): grantCredit(id, amount, admin, seq)
        case .placeMarketOrder(let request): placeMarketOrder(request, seq)
        case .closePosition(let id, let position, let volume): closePosition(id, position, volume, seq)
        case .closeBy(let id, let position, let opposite): closeBy(id, position, opposite, seq)
        case .placePendingOrder(let request): placePendingOrder(request, seq)
        case .modifyPendingOrder(let id, let order, let price, let limit, let protection, let expiry):
            modifyPendingOrder(id, order, price, limit, protection, expiry, seq)
        case .cancelPendingOrder(let id, let order): cancelPendingOrder(id, order, seq)
        case .modifyPosition(let id, let position, let protection): modifyPosition(id, position, protection, seq)
        case .timeTick: timeTick(seq)
        case .executionReport(let report): executionReport(report, seq)
        case .setFeeSchedule(let schedule): setFeeSchedule(schedule, seq)
        case .rollover: rollover(seq)
        case .setGroupTradingState(let group, let state): setGroupTradingState(group, state, seq)
        case .setGlobalTradingState(let state): setGlobalTradingState(state)
        }
        if !stopOutBlockedAccounts.isEmpty {
            switch envelope.command {
            case .quote, .timeTick, .setSymbolTradingState, .setGroupTradingState, .setGlobalTradingState: recheckBlockedStopOuts()
            default: break
            }
        }
        if !riskQueue.isEmpty { processRisk() }
    }

    /// A fresh engine order id for an order generated by the current command:
    /// 1 << 63 | sequence << 20 | counter (up to 2^20 per command).
    mutating func derivedOrderID() -> UInt64 {
        derivedCounter += 1
        return 1 << 63 | lastSequence << 20 | (derivedCounter & 0xF_FFFF)
    }

    @inline(__always)
    mutating func reject(_ sequence: UInt64, _ reason: RejectReason) {
        events.append(.commandRejected(sequence: sequence, reason: reason))
    }

    // MARK: lookups

    @inline(__always)
    func accountSlot(_ id: AccountID) -> Int32? { accountIndex[id] }

    @inline(__always)
    func validSymbol(_ s: SymbolIndex) -> Bool { s >= 0 && Int(s) < symbols.count }

    /// The symbol index for a name.
    public func symbolIndex(named name: String) -> SymbolIndex? { symbolByName[name] }
    public func groupIndex(named name: String) -> GroupIndex? { groupByName[name] }
    public func symbolSpec(_ index: SymbolIndex) -> SymbolSpec? { validSymbol(index) ? symbols[Int(index)] : nil }
    public var symbolCount: Int { symbols.count }
    public var accountCount: Int { accounts.count }
    /// Every account's id, in the order they were opened.
    public var accountIDs: [AccountID] { accounts.map(\.spec.id) }
    public var groupCount: Int { groups.count }
    public func groupSpec(_ index: GroupIndex) -> GroupSpec? { index >= 0 && Int(index) < groups.count ? groups[Int(index)] : nil }

    /// The latest raw quote of a symbol (bid, ask, time), or nil.
    public func rawQuote(_ symbol: SymbolIndex) -> (bidTicks: Int64, askTicks: Int64, timeNs: Int64)? {
        guard validSymbol(symbol), bids[Int(symbol)] > 0 else { return nil }
        return (bids[Int(symbol)], asks[Int(symbol)], quoteTimes[Int(symbol)])
    }

    /// The quote an account's clients see for a symbol (its group's markup applied by the same
    /// `ClientPricing` function the publisher uses), with the raw quote's time; nil without a
    /// quote or for an unknown account.
    public func clientQuote(_ symbol: SymbolIndex, account id: AccountID) -> (bidTicks: Int64, askTicks: Int64, timeNs: Int64)? {
        guard let raw = rawQuote(symbol), let slot = accountSlot(id) else { return nil }
        let q = clientQuote(symbol, group: accounts[Int(slot)].spec.group)
        return (q.bid, q.ask, raw.timeNs)
    }

    /// The client quote of a symbol for an account's group: the raw quote plus the group's
    /// markup from the fee schedule in force (`ClientPricing`).
    @inline(__always)
    func clientQuote(_ symbol: SymbolIndex, group: GroupIndex) -> (bid: Int64, ask: Int64) {
        let raw = (bids[Int(symbol)], asks[Int(symbol)])
        guard !markupTable.isEmpty, raw.0 > 0 else { return raw }
        let q = ClientPricing.clientQuote(rawBid: raw.0, rawAsk: raw.1, markup: markupTable[Int(group) * symbols.count + Int(symbol)])
        return (max(1, q.bid), q.ask)
    }

    /// Resolves every (group, symbol) markup of the schedule in force (after the schedule, a
    /// symbol or a group changes).
    mutating func rebuildMarkupTable() {
        guard !feeSchedule.markups.isEmpty else {
            markupTable = []
            return
        }
        var table: [FeeScheduleSpec.Markup?] = []
        table.reserveCapacity(groups.count * symbols.count)
        for g in 0 ..< groups.count {
            for s in 0 ..< symbols.count { table.append(feeSchedule.markup(group: GroupIndex(g), symbol: SymbolIndex(s))) }
        }
        markupTable = table
    }

    // MARK: ledger

    /// Posts one entry and updates the balances it touches. Returns false (posting nothing)
    /// if a balance would overflow.
    @discardableResult
    mutating func post(_ kind: EntryKind, from: LedgerAccount, to: LedgerAccount, amount: Int64, currency: Currency,
              cause: UInt64, reference: UInt64, detail: UInt64) -> Bool {
        guard amount > 0 else { return amount == 0 }
        guard canAdjust(from, -amount, currency), canAdjust(to, amount, currency) else { return false }
        adjust(from, -amount, currency)
        adjust(to, amount, currency)
        events.append(.ledger(LedgerEntry(id: nextEntryID, kind: kind, from: from, to: to, amount: amount, currency: currency,
                                          causeSequence: cause, reference: reference, detail: detail)))
        nextEntryID += 1
        return true
    }

    private func canAdjust(_ account: LedgerAccount, _ delta: Int64, _ currency: Currency) -> Bool {
        switch account {
        case .clientBalance(let id): return !accounts[Int(accountIndex[id]!)].balance.addingReportingOverflow(delta).overflow
        case .clientCredit(let id): return !accounts[Int(accountIndex[id]!)].credit.addingReportingOverflow(delta).overflow
        case .house(let h): return !ledger.balance(h, currency).addingReportingOverflow(delta).overflow
        }
    }

    private mutating func adjust(_ account: LedgerAccount, _ delta: Int64, _ currency: Currency) {
        switch account {
        case .clientBalance(let id): accounts[Int(accountIndex[id]!)].balance += delta
        case .clientCredit(let id): accounts[Int(accountIndex[id]!)].credit += delta
        case .house(let h): _ = ledger.add(h, currency, delta)
        }
    }

    /// The balance of a ledger account in a currency (client accounts: their own currency).
    public func ledgerBalance(_ account: LedgerAccount, currency: Currency) -> Int64 {
        switch account {
        case .clientBalance(let id):
            guard let i = accountIndex[id], accounts[Int(i)].spec.currency == currency else { return 0 }
            return accounts[Int(i)].balance
        case .clientCredit(let id):
            guard let i = accountIndex[id], accounts[Int(i)].spec.currency == currency else { return 0 }
            return accounts[Int(i)].credit
        case .house(let h): return ledger.balance(h, currency)
        }
    }

    /// Σ of every ledger account in `currency`: zero while the ledger balances.
    public func ledgerTotal(currency: Currency) -> Int128 {
        var total: Int128 = 0
        for a in accounts where a.spec.currency == currency { total += Int128(a.balance) + Int128(a.credit) }
        for (key, amount) in ledger.house where key.currency == currency { total += Int128(amount) }
        return total
    }

    /// Every currency the ledger has seen.
    public var currencies: [Currency] {
        Array(Set(accounts.map(\.spec.currency) + ledger.house.keys.map(\.currency))).sorted()
    }

    mutating func accountUpdated(_ slot: Int32) {
        markRiskDirty(slot)
        let a = accounts[Int(slot)]
        events.append(.accountUpdated(account: a.spec.id, balance: a.balance, credit: a.credit, margin: a.margin))
    }
}
