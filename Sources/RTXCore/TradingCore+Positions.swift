/// Opening, increasing, reducing and closing positions, with their exposures, margin,
/// realized P&L (posted to the ledger) and statistics.
extension TradingCore {
    @inline(__always)
    static func exposureKey(_ account: Int32, _ symbol: SymbolIndex) -> UInt64 {
        UInt64(UInt32(bitPattern: account)) << 32 | UInt64(UInt32(bitPattern: symbol))
    }

    /// The exposure slot of (account, symbol), created when missing.
    mutating func exposureSlot(account: Int32, symbol: SymbolIndex) -> Int32 {
        let key = Self.exposureKey(account, symbol)
        if let slot = exposureSlot[key] { return slot }
        let slot: Int32
        if let free = freeExposureSlots.popLast() {
            // Reuse the slot and its position list's storage (no allocation per order).
            slot = free
            var value = exposures[Int(slot)]!
            value.reset(accountIndex: account, symbol: symbol)
            exposures[Int(slot)] = value
        } else {
            let value = Exposure(accountIndex: account, symbol: symbol)
            slot = Int32(exposures.count)
            exposures.append(value)
        }
        exposureSlot[key] = slot
        accounts[Int(account)].exposures.append(slot)
        return slot
    }

    func existingExposure(account: Int32, symbol: SymbolIndex) -> Int32? {
        exposureSlot[Self.exposureKey(account, symbol)]
    }

    /// Frees an exposure without positions.
    private mutating func releaseExposureIfEmpty(_ slot: Int32) {
        guard let e = exposures[Int(slot)], e.isEmpty else { return }
        exposureSlot[Self.exposureKey(e.accountIndex, e.symbol)] = nil
        accounts[Int(e.accountIndex)].exposures.removeAll { $0 == slot }
        exposures[Int(slot)]!.accountIndex = -1
        freeExposureSlots.append(slot)
    }

    /// Applies a change of one side's sums to an exposure, the account's margin and the
    /// symbol and group totals of the position's book.
    private mutating func changeExposure(_ slot: Int32, side: Side, book: Book, volume: Int64, cost: Int128, margin: Int64) {
        var e = exposures[Int(slot)]!
        exposureTotals.add(group: accounts[Int(e.accountIndex)].spec.group, symbol: e.symbol, book: book, side: side, volume: volume, cost: cost)
        let before = e.margin
        if side == .buy {
            e.longVolume += volume
            e.longCost += cost
            e.longMargin += margin
        } else {
            e.shortVolume += volume
            e.shortCost += cost
            e.shortMargin += margin
        }
        accounts[Int(e.accountIndex)].margin += e.margin - before
        exposures[Int(slot)] = e
    }

    /// Opens a position; returns its slot.
    @discardableResult
    mutating func openPosition(account: Int32, symbol: SymbolIndex, side: Side, volume: Int64, priceTicks: Int64, margin: Int64,
                      book: Book, hedgeRatioPPM: UInt32, id: PositionID) -> Int32 {
        let cost = FixedMath.cost(volume: volume, priceTicks: priceTicks)
        let p = Position(id: id, accountIndex: account, symbol: symbol, side: side, book: book, hedgeRatioPPM: hedgeRatioPPM,
                         volume: volume, cost: cost, margin: margin, openTimeNs: lastTimeNs)
        let slot: Int32
        if let free = freePositionSlots.popLast() {
            slot = free
            positions[Int(slot)] = p
        } else {
            slot = Int32(positions.count)
            positions.append(p)
        }
        positionSlot[id] = slot
        let e = exposureSlot(account: account, symbol: symbol)
        exposures[Int(e)]!.positions.append(slot)
        changeExposure(e, side: side, book: book, volume: volume, cost: cost, margin: margin)
        accounts[Int(account)].openPositions += 1
        events.append(.position(PositionEvent(change: .opened, positionID: id, account: accounts[Int(account)].spec.id, symbol: symbol,
                                              side: side, book: book, volume: volume, changedVolume: volume, priceTicks: priceTicks,
                                              realizedPnl: 0, margin: margin)))
        return slot
    }

    /// Adds to a (netting) position at a price; its margin becomes `newMargin`.
    mutating func increasePosition(_ slot: Int32, volume: Int64, priceTicks: Int64, newMargin: Int64) {
        var p = positions[Int(slot)]!
        let cost = FixedMath.cost(volume: volume, priceTicks: priceTicks)
        let marginDelta = newMargin - p.margin
        p.volume += volume
        p.cost += cost
        p.margin = newMargin
        positions[Int(slot)] = p
        changeExposure(existingExposure(account: p.accountIndex, symbol: p.symbol)!, side: p.side, book: p.book, volume: volume, cost: cost, margin: marginDelta)
        events.append(.position(PositionEvent(change: .increased, positionID: p.id, account: accounts[Int(p.accountIndex)].spec.id,
                                              symbol: p.symbol, side: p.side, book: p.book, volume: p.volume, changedVolume: volume,
                                              priceTicks: priceTicks, realizedPnl: 0, margin: p.margin)))
    }

    /// What closing `volume` of a position at `priceTicks` would realize and release.
    struct ReductionPlan {
        var closedCost: Int128
        var realizedPnl: Int64
        var releasedMargin: Int64
    }

    /// Plans a reduction: the closed part's cost is its exact share of the position's cost
    /// (any remainder stays with what is left, so nothing is lost), and its P&L is what
    /// floating P&L shows for it at this price. Nil on overflow.
    func planReduction(_ p: Position, volume: Int64, priceTicks: Int64) -> ReductionPlan? {
        let spec = symbols[Int(p.symbol)]
        let closedCost = volume == p.volume ? p.cost : p.cost * Int128(volume) / Int128(p.volume)
        let value = FixedMath.cost(volume: volume, priceTicks: priceTicks)
        _ = spec
        guard let pnl = accountMoney(ofCost: Int128(p.side.sign) * (value - closedCost), symbol: p.symbol, slot: p.accountIndex),
              let realized = FixedMath.narrow(pnl) else { return nil }
        let released = volume == p.volume ? p.margin : Int64(Int128(p.margin) * Int128(volume) / Int128(p.volume))
        return ReductionPlan(closedCost: closedCost, realizedPnl: realized, releasedMargin: released)
    }

    /// Closes `volume` of a position at `priceTicks` per `plan`: posts the realized P&L,
    /// counts the trade, and frees the position when nothing is left. Returns false (changing
    /// nothing) when the P&L cannot be posted.
    @discardableResult
    mutating func reducePosition(_ slot: Int32, volume: Int64, priceTicks: Int64, plan: ReductionPlan, cause: UInt64,
                                 closeCause: PositionEvent.Cause = .order) -> Bool {
        var p = positions[Int(slot)]!
        let accountID = accounts[Int(p.accountIndex)].spec.id
        let currency = accounts[Int(p.accountIndex)].spec.currency
        // An A-Book client's P&L is the LP's; B-Book and C-Book clients trade with the house.
        let counterparty: HouseAccount = p.book == .a ? .lpSettlement : .bBookPnL
        let pnl = plan.realizedPnl
        let posted = pnl >= 0
            ? post(.realizedPnl, from: .house(counterparty), to: .clientBalance(accountID), amount: pnl, currency: currency, cause: cause, reference: p.id, detail: 0)
            : post(.realizedPnl, from: .clientBalance(accountID), to: .house(counterparty), amount: -pnl, currency: currency, cause: cause, reference: p.id, detail: 0)
        guard posted else { return false }
        chargeCommission(slot: p.accountIndex, symbol: p.symbol, volume: volume, entry: false, cause: cause, reference: p.id)
        p.volume -= volume
        p.cost -= plan.closedCost
        p.margin -= plan.releasedMargin
        let exposure = existingExposure(account: p.accountIndex, symbol: p.symbol)!
        changeExposure(exposure, side: p.side, book: p.book, volume: -volume, cost: -plan.closedCost, margin: -plan.releasedMargin)
        var stats = accounts[Int(p.accountIndex)].statistics
        stats.trades += 1
        if pnl > 0 { stats.wins += 1 }
        stats.realizedPnl &+= pnl
        stats.totalHoldingMs &+= (lastTimeNs - p.openTimeNs) / 1_000_000
        accounts[Int(p.accountIndex)].statistics = stats
        let closed = p.volume == 0
        events.append(.position(PositionEvent(change: closed ? .closed : .reduced, cause: closeCause, positionID: p.id, account: accountID,
                                              symbol: p.symbol, side: p.side, book: p.book, volume: p.volume, changedVolume: volume,
                                              priceTicks: priceTicks, realizedPnl: pnl, margin: p.margin)))
        if closed {
            retireProtectionTriggers(p, group: accounts[Int(p.accountIndex)].spec.group)
            positions[Int(slot)] = nil
            positionSlot[p.id] = nil
            freePositionSlots.append(slot)
            exposures[Int(exposure)]!.positions.removeAll { $0 == slot }
            accounts[Int(p.accountIndex)].openPositions -= 1
            releaseExposureIfEmpty(exposure)
        } else {
            positions[Int(slot)] = p
        }
        return true
    }

    // MARK: closing commands

    /// Closes `volume` (0: all) of a hedging account's position at the client price (a long at
    /// the bid, a short at the ask). What stays open must be at least the symbol's minimum.
    mutating func closePosition(_ id: AccountID, _ positionID: PositionID, _ volume: Int64, _ seq: UInt64) {
        guard let slot = accountSlot(id) else { return reject(seq, .unknownAccount) }
        guard let pslot = positionSlot[positionID], let p = positions[Int(pslot)], p.accountIndex == slot else {
            return reject(seq, .unknownPosition)
        }
        let spec = symbols[Int(p.symbol)]
        let amount = volume == 0 ? p.volume : volume
        guard amount > 0, amount <= p.volume, amount % spec.volumeStep == 0,
              amount == p.volume || p.volume - amount >= spec.volumeMin else { return reject(seq, .invalidCloseVolume) }
        if let reason = closingAllowed(p.symbol, group: accounts[Int(slot)].spec.group) { return reject(seq, reason) }
        if p.book == .a {
            guard p.closingOrder == 0 else { return reject(seq, .closeInProgress) }
            routeClientClose(pslot, volume: amount, orderID: seq, cause: .closeCommand)
            return
        }
        let (bid, ask) = clientQuote(p.symbol, group: accounts[Int(slot)].spec.group)
        let price = p.side == .buy ? bid : ask
        guard let plan = planReduction(p, volume: amount, priceTicks: price),
              reducePosition(pslot, volume: amount, priceTicks: price, plan: plan, cause: seq, closeCause: .closeCommand) else { return reject(seq, .overflow) }
        hedgeCloseIfCBook(p, closedVolume: amount)
        accountUpdated(slot)
    }

    /// Why positions in `symbol` of an account in `group` cannot be closed now, or nil
    /// (closing is allowed in close-only and needs a fresh quote inside the session).
    func closingAllowed(_ symbol: SymbolIndex, group: GroupIndex) -> RejectReason? {
        let spec = symbols[Int(symbol)]
        if let problem = tradingSwitchProblem(symbol, group: group, reducing: true) { return problem }
        if !spec.sessions.isOpen(atNs: lastTimeNs) { return .marketClosed }
        return quoteProblem(symbol)
    }

    /// Missing or stale quote.
    func quoteProblem(_ symbol: SymbolIndex) -> RejectReason? {
        guard bids[Int(symbol)] > 0 else { return .noQuote }
        let ageMs = (lastTimeNs - quoteTimes[Int(symbol)]) / 1_000_000
        if ageMs > symbols[Int(symbol)].maxQuoteAgeMs { return .staleQuote(ageMs: ageMs) }
        return nil
    }

    /// Close-by: two opposite positions of one symbol in a hedging account close against each
    /// other for the smaller volume, at no spread. The P&L (short's cost − long's cost for the
    /// closed volume) is realized on the first position named; the second realizes none.
    mutating func closeBy(_ id: AccountID, _ first: PositionID, _ second: PositionID, _ seq: UInt64) {
        guard let slot = accountSlot(id) else { return reject(seq, .unknownAccount) }
        guard accounts[Int(slot)].spec.mode == .hedging else { return reject(seq, .wrongPositionMode) }
        guard let s1 = positionSlot[first], let s2 = positionSlot[second], let p1 = positions[Int(s1)], let p2 = positions[Int(s2)],
              p1.accountIndex == slot, p2.accountIndex == slot else { return reject(seq, .unknownPosition) }
        guard p1.symbol == p2.symbol, p1.side != p2.side, p1.book != .a, p2.book != .a else { return reject(seq, .closeByMismatch) }
        if let reason = closingAllowed(p1.symbol, group: accounts[Int(slot)].spec.group) { return reject(seq, reason) }
        let volume = min(p1.volume, p2.volume)
        let spec = symbols[Int(p1.symbol)]
        let cost1 = volume == p1.volume ? p1.cost : p1.cost * Int128(volume) / Int128(p1.volume)
        let cost2 = volume == p2.volume ? p2.cost : p2.cost * Int128(volume) / Int128(p2.volume)
        let (longCost, shortCost) = p1.side == .buy ? (cost1, cost2) : (cost2, cost1)
        _ = spec
        guard let total = accountMoney(ofCost: shortCost - longCost, symbol: p1.symbol, slot: slot),
              let pnl = FixedMath.narrow(total),
              let price1 = FixedMath.narrow(FixedMath.divideRounded(cost2, Int128(volume))),
              let price2 = FixedMath.narrow(FixedMath.divideRounded(cost1, Int128(volume))) else { return reject(seq, .overflow) }
        let margin1 = volume == p1.volume ? p1.margin : Int64(Int128(p1.margin) * Int128(volume) / Int128(p1.volume))
        let margin2 = volume == p2.volume ? p2.margin : Int64(Int128(p2.margin) * Int128(volume) / Int128(p2.volume))
        let plan1 = ReductionPlan(closedCost: cost1, realizedPnl: pnl, releasedMargin: margin1)
        let plan2 = ReductionPlan(closedCost: cost2, realizedPnl: 0, releasedMargin: margin2)
        guard reducePosition(s1, volume: volume, priceTicks: price1, plan: plan1, cause: seq, closeCause: .closeBy) else { return reject(seq, .overflow) }
        reducePosition(s2, volume: volume, priceTicks: price2, plan: plan2, cause: seq, closeCause: .closeBy)
        hedgeCloseIfCBook(p1, closedVolume: volume)
        hedgeCloseIfCBook(p2, closedVolume: volume)
        accountUpdated(slot)
    }
}
