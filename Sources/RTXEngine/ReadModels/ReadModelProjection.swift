import RTXCore

/// Turns journal records, each just applied to the projector's replica core, into the rows of
/// one batch (`ReadModelBatch`). It reads the replica's events (exactly the events the
/// engine's core produced for the same record: the core is deterministic) and a few of its
/// definitions (symbol names and digits, group names, the fee schedule in force, a netting
/// position's average price); it never changes the replica. Thread: the projector's.
struct ReadModelProjection {
    private(set) var batch = ReadModelBatch()
    /// Per position: swap booked in this batch since its last reduce or close in this batch.
    private var swapSinceTrade: [UInt64: Int64] = [:]
    private var tradedInBatch: Set<UInt64> = []
    /// Positions opened in this batch: their row in `batch.positionsOpened`.
    private var openedInBatch: [UInt64: Int] = [:]
    /// Orders the current command touched: their row in `batch.orderChanges`.
    private var commandOrders: [UInt64: Int] = [:]
    /// Symbol names and digits by index (symbols are only ever appended).
    private var symbolNames: [String] = []
    private var symbolDigits: [Int] = []

    /// Hands over the batch built so far and starts an empty one.
    mutating func take() -> ReadModelBatch {
        var done = batch
        done.symbolNames = symbolNames
        batch = ReadModelBatch()
        swapSinceTrade.removeAll(keepingCapacity: true)
        tradedInBatch.removeAll(keepingCapacity: true)
        openedInBatch.removeAll(keepingCapacity: true)
        return done
    }

    /// Adds what `envelope` did; call right after `core.apply(envelope)`. `meta` is the
    /// record's journaled metadata (an order's decision record, JSON; may be empty).
    mutating func add(_ envelope: Envelope, meta: [UInt8], core: TradingCore) {
        let seq = envelope.sequence, time = envelope.timeNs
        let events = core.events
        let rejected = events.contains { if case .commandRejected = $0 { true } else { false } }
        switch envelope.command {
        case .quote(let symbol, let bid, let ask, let bidVolume, let askVolume):
            if !rejected && refreshSymbols(symbol, core) {
                batch.ticks.append(.init(symbol: symbol, timeNs: time, seq: seq, bid: bid, ask: ask, bidVolume: bidVolume, askVolume: askVolume))
                batch.bars.add(symbol: symbol, timeNs: time, bidTicks: bid, askTicks: ask, sequence: seq)
                batch.tickDays.insert(TickPartitions.day(ofNs: time))
            }
        case .defineSymbol(let spec):
            for case .symbolDefined(let index) in events {
                batch.symbols.append(.init(name: spec.name, index: index, digits: spec.digits, contractSizeE8: spec.contractSizeE8,
                                           marginCurrency: "\(spec.marginCurrency)", profitCurrency: "\(spec.profitCurrency)", seq: seq))
            }
        case .openAccount(let spec):
            for case .accountOpened(let id) in events where id == spec.id {
                batch.accountsOpened.append(.init(id: id, group: core.groupSpec(spec.group)?.name ?? "#\(spec.group)", currency: "\(spec.currency)",
                                                  leverage: spec.leverage, mode: ReadModelText.mode(spec.mode), status: "active", seq: seq, timeNs: time))
            }
        case .placeMarketOrder(let r):
            if placedNewOrder(events, seq) {
                decide(seq, time, r.account, r.symbol, r.side, "market", r.volume, r.routing, meta, core)
            }
        case .placePendingOrder(let r):
            if placedNewOrder(events, seq) {
                decide(seq, time, r.account, r.symbol, r.side, ReadModelText.pendingType(r.type), r.volume, r.routing, meta, core)
            }
        default:
            break
        }
        let tradesBefore = batch.trades.count
        var commissions: [(reference: UInt64, amount: Int64)] = []
        commandOrders.removeAll(keepingCapacity: true)
        for (n, event) in events.enumerated() {
            switch event {
            case .order(let o): order(o, state: ReadModelText.orderState(o.state), seq, time, core)
            case .pendingOrderModified(let o): order(o, state: "modified", seq, time, core)
            case .position(let p): position(p, events: events, seq, n, time, core)
            case .ledger(let entry):
                ledger(entry, seq, time)
                if entry.kind == .commission { commissions.append((entry.reference, entry.amount)) }
            case .accountUpdated(let account, let balance, let credit, let margin):
                batch.accountMoney.set(account, .init(balance: balance, credit: credit, margin: margin, seq: seq, timeNs: time))
            case .accountStatusChanged(let account, let status):
                batch.accountStatus.set(account, .init(status: ReadModelText.accountStatus(status), seq: seq, timeNs: time))
            default:
                break
            }
        }
        // A commission belongs to the trade of this command on the position it references.
        for c in commissions {
            if let i = batch.trades[tradesBefore...].firstIndex(where: { $0.positionID == c.reference }) { batch.trades[i].commission += c.amount }
            changePosition(c.reference, seq, time) { $0.commission += c.amount } change: { $0.commission += c.amount }
        }
    }

    // MARK: parts

    /// Whether the command created an order (its id is the command's sequence), so it gets a
    /// decision record (not for a repeated client order id or an unknown account).
    private func placedNewOrder(_ events: [CoreEvent], _ seq: UInt64) -> Bool {
        events.contains { if case .order(let o) = $0 { o.orderID == seq } else { false } }
    }

    private mutating func decide(_ seq: UInt64, _ time: Int64, _ account: AccountID, _ symbol: SymbolIndex, _ side: Side, _ type: String,
                                 _ volume: Int64, _ routing: RoutingChoice, _ meta: [UInt8], _ core: TradingCore) {
        guard refreshSymbols(symbol, core) else { return }
        batch.decisions.append(.init(orderID: seq, account: account, symbol: symbolNames[Int(symbol)], side: ReadModelText.side(side), orderType: type,
                                     volume: volume, book: ReadModelText.book(routing.book), hedgeRatioPPM: routing.hedgeRatioPPM, meta: meta,
                                     feeScheduleID: core.feeScheduleID, seq: seq, timeNs: time))
    }

    private mutating func order(_ o: OrderEvent, state: String, _ seq: UInt64, _ time: Int64, _ core: TradingCore) {
        guard refreshSymbols(o.symbol, core) else { return }
        let reason = o.reason.map { RejectReasonText.code($0) } ?? ""
        if let i = commandOrders[o.orderID] {
            batch.orderChanges[i].states.append(state)
            batch.orderChanges[i].filledVolume = o.filledVolume
            batch.orderChanges[i].fillPriceTicks = o.fillPriceTicks
            batch.orderChanges[i].priceTicks = o.priceTicks
            batch.orderChanges[i].rejectReason = reason
        } else {
            commandOrders[o.orderID] = batch.orderChanges.count
            batch.orderChanges.append(.init(orderID: o.orderID, seq: seq, states: [state], filledVolume: o.filledVolume, fillPriceTicks: o.fillPriceTicks,
                                            priceTicks: o.priceTicks, rejectReason: reason, timeNs: time))
        }
        let row = ReadModelBatch.Order(id: o.orderID, account: o.account, clientOrderID: o.clientOrderID.isNone ? "" : o.clientOrderID.description,
                                       symbol: symbolNames[Int(o.symbol)], digits: symbolDigits[Int(o.symbol)], side: ReadModelText.side(o.side),
                                       kind: ReadModelText.orderKind(o.kind), book: ReadModelText.book(o.book), volume: o.volume,
                                       filledVolume: o.filledVolume, priceTicks: o.priceTicks, fillPriceTicks: o.fillPriceTicks,
                                       state: ReadModelText.orderState(o.state), rejectReason: reason, positionID: o.positionID,
                                       feeScheduleID: o.feeScheduleID, placedSeq: seq, placedNs: time, seq: seq, timeNs: time)
        var initial = row
        initial.isNew = o.orderID == seq
        batch.orders.update(o.orderID, initial: initial) { existing in
            let kept = (existing.placedSeq, existing.placedNs, existing.isNew)
            existing = row
            (existing.placedSeq, existing.placedNs, existing.isNew) = kept
        }
    }

    /// Changes a position: its insert row when it was opened in this batch, else its update.
    private mutating func changePosition(_ id: UInt64, _ seq: UInt64, _ time: Int64, _ opened: (inout ReadModelBatch.PositionOpened) -> Void,
                                         change: (inout ReadModelBatch.PositionChange) -> Void) {
        if let i = openedInBatch[id] {
            opened(&batch.positionsOpened[i])
            batch.positionsOpened[i].updatedSeq = seq
            batch.positionsOpened[i].updatedNs = time
        } else {
            batch.positionChanges.update(id, initial: .init()) { c in
                change(&c)
                c.seq = seq
                c.timeNs = time
            }
        }
    }

    private mutating func position(_ p: PositionEvent, events: [CoreEvent], _ seq: UInt64, _ n: Int, _ time: Int64, _ core: TradingCore) {
        guard refreshSymbols(p.symbol, core) else { return }
        let symbol = symbolNames[Int(p.symbol)], digits = symbolDigits[Int(p.symbol)]
        // The order whose fill made the change, when an order did.
        var orderID: UInt64 = 0
        for case .order(let o) in events where o.positionID == p.positionID && o.fillPriceTicks != 0 { orderID = o.orderID }
        var swap: Int64 = 0
        var addsStoredSwap = false
        switch p.change {
        case .opened:
            openedInBatch[p.positionID] = batch.positionsOpened.count
            batch.positionsOpened.append(.init(id: p.positionID, account: p.account, symbol: symbol, digits: digits, side: ReadModelText.side(p.side),
                                               book: ReadModelText.book(p.book), volume: p.volume, openedVolume: p.changedVolume,
                                               openPriceTicks: p.priceTicks, averagePriceTicks: p.priceTicks, margin: p.margin, seq: seq, timeNs: time,
                                               updatedSeq: seq, updatedNs: time))
        case .increased:
            let average = core.positions(of: p.account).first { $0.id == p.positionID }?.averagePriceTicks ?? 0
            changePosition(p.positionID, seq, time) { r in
                r.volume = p.volume
                r.margin = p.margin
                if average != 0 { r.averagePriceTicks = average }
            } change: { c in
                c.volume = p.volume
                c.margin = p.margin
                c.averagePriceTicks = average
            }
        case .reduced, .closed:
            swap = swapSinceTrade[p.positionID] ?? 0
            addsStoredSwap = !tradedInBatch.contains(p.positionID) && openedInBatch[p.positionID] == nil
            swapSinceTrade[p.positionID] = 0
            tradedInBatch.insert(p.positionID)
            let closed = p.change == .closed, cause = ReadModelText.cause(p.cause)
            changePosition(p.positionID, seq, time) { r in
                r.volume = p.volume
                r.margin = p.margin
                r.lastClosePriceTicks = p.priceTicks
                r.realizedPnl += p.realizedPnl
                r.swapSinceTrade = 0
                if closed {
                    r.closed = true
                    r.closeCause = cause
                    r.closedSeq = seq
                    r.closedNs = time
                }
            } change: { c in
                c.volume = p.volume
                c.margin = p.margin
                c.lastClosePriceTicks = p.priceTicks
                c.realizedPnl += p.realizedPnl
                c.traded = true
                c.swapAfterTrade = 0
                if closed {
                    c.closed = true
                    c.closeCause = cause
                    c.closedSeq = seq
                    c.closedNs = time
                }
            }
        }
        let opening = p.change == .opened || p.change == .increased
        batch.trades.append(.init(seq: seq, n: n, positionID: p.positionID, orderID: orderID, account: p.account, symbol: symbol, digits: digits,
                                  side: ReadModelText.side(opening ? p.side : p.side.opposite), book: ReadModelText.book(p.book),
                                  change: ReadModelText.change(p.change), cause: ReadModelText.cause(p.cause), volume: p.changedVolume,
                                  priceTicks: p.priceTicks, realizedPnl: p.realizedPnl, commission: 0, swap: swap, addsStoredSwap: addsStoredSwap,
                                  feeScheduleID: core.feeScheduleID, timeNs: time))
    }

    private mutating func ledger(_ e: LedgerEntry, _ seq: UInt64, _ time: Int64) {
        let from = ReadModelText.ledgerAccount(e.from), to = ReadModelText.ledgerAccount(e.to)
        let kind = ReadModelText.entryKind(e.kind), currency = "\(e.currency)"
        batch.ledger.append(.init(entryID: e.id, leg: 1, ledgerAccount: from.name, account: from.client, amount: -e.amount, currency: currency, kind: kind,
                                  seq: seq, causeSeq: e.causeSequence, reference: e.reference, detail: e.detail, timeNs: time))
        batch.ledger.append(.init(entryID: e.id, leg: 2, ledgerAccount: to.name, account: to.client, amount: e.amount, currency: currency, kind: kind,
                                  seq: seq, causeSeq: e.causeSequence, reference: e.reference, detail: e.detail, timeNs: time))
        if e.kind == .swap {
            // The client's view: swap paid to the client is positive.
            let signed: Int64
            if case .clientBalance = e.to { signed = e.amount } else { signed = -e.amount }
            swapSinceTrade[e.reference, default: 0] += signed
            changePosition(e.reference, seq, time) { r in
                r.swap += signed
                r.swapSinceTrade += signed
            } change: { c in
                c.swap += signed
                c.swapAfterTrade += signed
            }
        }
    }

    /// Makes sure the symbol's name and digits are cached; false for an unknown symbol.
    private mutating func refreshSymbols(_ symbol: SymbolIndex, _ core: TradingCore) -> Bool {
        guard symbol >= 0 else { return false }
        while Int(symbol) >= symbolNames.count {
            guard let spec = core.symbolSpec(SymbolIndex(symbolNames.count)) else { return false }
            symbolNames.append(spec.name)
            symbolDigits.append(spec.digits)
        }
        return true
    }
}
