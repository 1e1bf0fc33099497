/// Stop loss, take profit and trailing stops on positions (and their validation, shared with
/// orders that carry them).
///
/// Rules: for a long, the stop loss must be at least the symbol's minimum distance below the
/// reference price and the take profit that far above it; for a short, the reverse. The
/// reference is the client bid (long) or ask (short) for a position or a market order, and
/// the entry price for a resting order. A trailing stop's distance (ticks) is at least the
/// minimum distance and one tick; it starts the stop loss at that distance from the price
/// unless the stop is already closer, and moves it only in the trader's favour. Stops fire at
/// the closing side (long: bid, short: ask) and fill at the quote, so a gap through a stop
/// fills at the worse quote, not at the stop price. Protective stops fire even when the
/// symbol is close-only or disabled: they only ever reduce risk.
extension TradingCore {
    func validateProtection(_ p: Protection, side: Side, referenceTicks: Int64, symbol: SymbolIndex) -> RejectReason? {
        let minimum = symbols[Int(symbol)].minStopDistanceTicks
        if p.stopLossTicks < 0 { return .invalidStopLoss }
        if p.takeProfitTicks < 0 { return .invalidTakeProfit }
        if p.trailingDistanceTicks < 0 || (p.trailingDistanceTicks > 0 && p.trailingDistanceTicks < max(1, minimum)) {
            return .invalidTrailingDistance
        }
        if p.stopLossTicks > 0 {
            let ok = side == .buy ? p.stopLossTicks <= referenceTicks - minimum : p.stopLossTicks >= referenceTicks + minimum
            if !ok { return .invalidStopLoss }
        }
        if p.takeProfitTicks > 0 {
            let ok = side == .buy ? p.takeProfitTicks >= referenceTicks + minimum : p.takeProfitTicks <= referenceTicks - minimum
            if !ok { return .invalidTakeProfit }
        }
        return nil
    }

    /// Sets a position's protection and (re)registers its triggers; emits the change.
    mutating func setProtection(_ slot: Int32, _ protection: Protection) {
        var p = positions[Int(slot)]!
        let account = accounts[Int(p.accountIndex)]
        let group = account.spec.group
        var wanted = protection
        if wanted.trailingDistanceTicks > 0 {
            let (bid, ask) = clientQuote(p.symbol, group: group)
            let start = p.side == .buy ? bid - wanted.trailingDistanceTicks : ask + wanted.trailingDistanceTicks
            if wanted.stopLossTicks == 0 || (p.side == .buy ? start > wanted.stopLossTicks : start < wanted.stopLossTicks) {
                wanted.stopLossTicks = max(1, start)
            }
        }
        p.protection = wanted
        positions[Int(slot)] = p
        registerProtectionTriggers(slot)
        events.append(.protectionChanged(account: account.spec.id, position: p.id, protection: wanted))
    }

    /// (Re)registers the triggers a position's protection implies. A position whose close is on
    /// its way to an LP has none (they come back if that close does not complete), so the
    /// live triggers always follow from the position's state — and a restored core has
    /// exactly the triggers the original had.
    mutating func registerProtectionTriggers(_ slot: Int32) {
        var p = positions[Int(slot)]!
        let group = accounts[Int(p.accountIndex)].spec.group
        retireProtectionTriggers(p, group: group)
        p.stopLossVersion = 0
        p.takeProfitVersion = 0
        p.trailingVersion = 0
        if p.closingOrder == 0 {
            let wanted = p.protection
            if wanted.stopLossTicks > 0 {
                p.stopLossVersion = registerTrigger(.stopLoss(p.id), side: Self.stopLossSide(p.side), priceTicks: wanted.stopLossTicks, symbol: p.symbol, group: group)
            }
            if wanted.takeProfitTicks > 0 {
                p.takeProfitVersion = registerTrigger(.takeProfit(p.id), side: Self.takeProfitSide(p.side), priceTicks: wanted.takeProfitTicks, symbol: p.symbol, group: group)
            }
            if wanted.trailingDistanceTicks > 0 {
                p.trailingVersion = registerTrigger(.trailing(p.id), side: Self.trailingSide(p.side), priceTicks: Self.trailingActivation(p), symbol: p.symbol, group: group)
            }
        }
        positions[Int(slot)] = p
    }

    /// Marks a position's live triggers dead (they are dropped when they surface).
    /// Only the counts of dead entries change here; the caller resets the versions.
    mutating func retireProtectionTriggers(_ p: Position, group: GroupIndex) {
        if p.stopLossVersion != 0 { retireTrigger(side: Self.stopLossSide(p.side), symbol: p.symbol, group: group) }
        if p.takeProfitVersion != 0 { retireTrigger(side: Self.takeProfitSide(p.side), symbol: p.symbol, group: group) }
        if p.trailingVersion != 0 { retireTrigger(side: Self.trailingSide(p.side), symbol: p.symbol, group: group) }
    }

    /// `modifyPosition`: validates against the current client quote and applies.
    mutating func modifyPosition(_ id: AccountID, _ positionID: PositionID, _ protection: Protection, _ seq: UInt64) {
        guard let slot = accountSlot(id) else { return reject(seq, .unknownAccount) }
        guard let pslot = positionSlot[positionID], let p = positions[Int(pslot)], p.accountIndex == slot else {
            return reject(seq, .unknownPosition)
        }
        if let problem = quoteProblem(p.symbol) { return reject(seq, problem) }
        let (bid, ask) = clientQuote(p.symbol, group: accounts[Int(slot)].spec.group)
        if let problem = validateProtection(protection, side: p.side, referenceTicks: p.side == .buy ? bid : ask, symbol: p.symbol) {
            return reject(seq, problem)
        }
        setProtection(pslot, protection)
    }

    /// A trailing stop's price moved past stop + distance: move the stop to price − distance.
    mutating func moveTrailingStop(_ positionID: PositionID) {
        guard let slot = positionSlot[positionID], var p = positions[Int(slot)] else { return }
        let group = accounts[Int(p.accountIndex)].spec.group
        let (bid, ask) = clientQuote(p.symbol, group: group)
        let d = p.protection.trailingDistanceTicks
        let newStop = p.side == .buy ? bid - d : ask + d
        guard p.side == .buy ? newStop > p.protection.stopLossTicks : newStop < p.protection.stopLossTicks else {
            p.trailingVersion = registerTrigger(.trailing(p.id), side: Self.trailingSide(p.side), priceTicks: Self.trailingActivation(p),
                                                symbol: p.symbol, group: group)
            positions[Int(slot)] = p
            return
        }
        if p.stopLossVersion != 0 { retireTrigger(side: Self.stopLossSide(p.side), symbol: p.symbol, group: group) }
        p.protection.stopLossTicks = newStop
        p.stopLossVersion = registerTrigger(.stopLoss(p.id), side: Self.stopLossSide(p.side), priceTicks: newStop, symbol: p.symbol, group: group)
        p.trailingVersion = registerTrigger(.trailing(p.id), side: Self.trailingSide(p.side), priceTicks: Self.trailingActivation(p),
                                            symbol: p.symbol, group: group)
        positions[Int(slot)] = p
        events.append(.protectionChanged(account: accounts[Int(p.accountIndex)].spec.id, position: p.id, protection: p.protection))
    }

    /// A stop loss or take profit fired: close the whole position at the quote (B/C-Book), or
    /// send the close to the LP (A-Book).
    mutating func closeByTrigger(_ positionID: PositionID, cause: PositionEvent.Cause) {
        guard let slot = positionSlot[positionID], let p = positions[Int(slot)] else { return }
        if p.book == .a {
            if p.closingOrder == 0 { routeClientClose(slot, volume: p.volume, orderID: derivedOrderID(), cause: cause) }
            return
        }
        let group = accounts[Int(p.accountIndex)].spec.group
        let (bid, ask) = clientQuote(p.symbol, group: group)
        let price = p.side == .buy ? bid : ask
        guard let plan = planReduction(p, volume: p.volume, priceTicks: price) else { return }
        let accountSlot = p.accountIndex
        if reducePosition(slot, volume: p.volume, priceTicks: price, plan: plan, cause: lastSequence, closeCause: cause) {
            hedgeCloseIfCBook(p, closedVolume: p.volume)
            accountUpdated(accountSlot)
        }
    }
}
