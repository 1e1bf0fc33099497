/// Orders at LPs: A-Book client orders and closes, C-Book hedges, their execution reports
/// (de-duplicated by the LP's execution id), time-outs, late fills, and the house hedge.
///
/// A-Book: margin is checked and reserved when the order is routed; each fill is booked at
/// the LP's price (plus the group's markup, when fee schedules exist) whatever it does to
/// free margin — the LP has filled; a reject, cancel or time-out releases what is still
/// reserved. A fill that arrives after its order timed out is booked to the house hedge and
/// raised as an alert, never dropped. C-Book: the client is filled internally and the
/// decided share of the volume (rounded down to the volume step) is hedged at the LP on the
/// house's account; closing the client position unwinds the same share.
extension TradingCore {
    func timeoutNs(_ slot: Int32) -> Int64 {
        slot < 0 ? 5_000_000_000 : groups[Int(accounts[Int(slot)].spec.group)].aBookTimeoutMs * 1_000_000
    }

    mutating func routeClientOrder(_ r: MarketOrderRequest, slot: Int32, fill: Fill, order: OrderEvent) {
        let reserve = fill.addedMargin
        accounts[Int(slot)].reservedMargin += reserve
        let route = LPRoute(engineOrderID: order.orderID, purpose: .clientOrder, account: r.account, symbol: r.symbol, side: r.side,
                            volume: fill.volume, positionID: fill.positionID, fillPolicy: r.fillPolicy, deadlineNs: lastTimeNs + timeoutNs(slot))
        var state = LPOrderState(route: route, accountIndex: slot, order: order)
        state.reservedMargin = reserve
        state.protection = r.protection
        state.routing = RoutingChoice(book: .a, hedgeRatioPPM: fill.hedgeRatioPPM)
        send(state)
        accountUpdated(slot)
    }

    /// Sends (part of) an A-Book position's close to the LP.
    mutating func routeClientClose(_ pslot: Int32, volume: Int64, orderID: UInt64, cause: PositionEvent.Cause) {
        var p = positions[Int(pslot)]!
        p.closingOrder = orderID
        positions[Int(pslot)] = p
        registerProtectionTriggers(pslot)   // none while the close is at the LP
        let account = accounts[Int(p.accountIndex)]
        let order = OrderEvent(orderID: orderID, account: account.spec.id, clientOrderID: .none, symbol: p.symbol, side: p.side.opposite,
                               volume: volume, state: .filling, reason: nil, fillPriceTicks: 0, positionID: p.id, book: .a)
        events.append(.order(order))
        let route = LPRoute(engineOrderID: orderID, purpose: .clientClose, account: account.spec.id, symbol: p.symbol, side: p.side.opposite,
                            volume: volume, positionID: p.id, fillPolicy: .fillOrKill, deadlineNs: lastTimeNs + timeoutNs(p.accountIndex))
        var state = LPOrderState(route: route, accountIndex: p.accountIndex, order: order)
        state.closeCause = cause
        send(state)
    }

    /// The C-Book hedge of a client fill: the decided share, on the house's account.
    mutating func hedgeIfCBook(symbol: SymbolIndex, side: Side, volume: Int64, ratioPPM: UInt32, positionID: PositionID) {
        routeHedge(purpose: .hedge, symbol: symbol, side: side, clientVolume: volume, ratioPPM: ratioPPM, positionID: positionID)
    }

    /// Unwinds the hedge share of a C-Book position's closed volume.
    mutating func hedgeCloseIfCBook(_ p: Position, closedVolume: Int64) {
        guard p.book == .c else { return }
        routeHedge(purpose: .hedgeClose, symbol: p.symbol, side: p.side.opposite, clientVolume: closedVolume, ratioPPM: p.hedgeRatioPPM, positionID: p.id)
    }

    private mutating func routeHedge(purpose: LPRoute.Purpose, symbol: SymbolIndex, side: Side, clientVolume: Int64, ratioPPM: UInt32,
                                     positionID: PositionID) {
        guard ratioPPM > 0 else { return }
        let spec = symbols[Int(symbol)]
        let share = Int64(Int128(clientVolume) * Int128(ratioPPM) / 1_000_000)
        let volume = share / spec.volumeStep * spec.volumeStep
        guard volume >= spec.volumeMin else {
            events.append(.alert(.hedgeBelowMinimum(positionID: positionID, volume: share)))
            return
        }
        let id = derivedOrderID()
        let route = LPRoute(engineOrderID: id, purpose: purpose, account: 0, symbol: symbol, side: side, volume: volume,
                            positionID: positionID, fillPolicy: .fillOrKill, deadlineNs: lastTimeNs + timeoutNs(-1))
        let order = OrderEvent(orderID: id, account: 0, clientOrderID: .none, symbol: symbol, side: side, volume: volume,
                               state: .filling, reason: nil, fillPriceTicks: 0, positionID: positionID, book: .c)
        send(LPOrderState(route: route, accountIndex: -1, order: order))
    }

    private mutating func send(_ state: LPOrderState) {
        lpOrders[state.route.engineOrderID] = state
        lpDeadlines.push(TimedID(time: state.route.deadlineNs, id: state.route.engineOrderID))
        events.append(.routeToLP(state.route))
    }

    // MARK: execution reports

    mutating func executionReport(_ x: LPExecution, _ seq: UInt64) {
        guard var o = lpOrders[x.engineOrderID] else {
            events.append(.alert(.reportForUnknownOrder(engineOrderID: x.engineOrderID)))
            return
        }
        if !x.execID.isEmpty {
            if o.execIDs.contains(x.execID) { return }   // a duplicate: already applied
            if o.execIDs.count >= LPOrderState.maxExecIDs { o.execIDs.removeFirst() }
            o.execIDs.append(x.execID)
        }
        switch x.kind {
        case .accepted:
            lpOrders[x.engineOrderID] = o
        case .partialFill, .fill:
            guard x.lastVolume > 0, x.lastPriceTicks > 0 else {
                lpOrders[x.engineOrderID] = o
                return reject(seq, .invalidQuote)
            }
            if o.done {
                // Filled after it was done (timed out, or more than finished): the house holds it.
                applyHouseHedge(symbol: o.route.symbol, side: o.route.side, volume: x.lastVolume, priceTicks: x.lastPriceTicks, cause: seq)
                events.append(.alert(.lateFillBookedToHouse(engineOrderID: x.engineOrderID, symbol: o.route.symbol, side: o.route.side,
                                                            volume: x.lastVolume, priceTicks: x.lastPriceTicks)))
                lpOrders[x.engineOrderID] = o
                return
            }
            applyFill(&o, volume: x.lastVolume, priceTicks: x.lastPriceTicks, cause: seq)
            if o.filled > o.route.volume { events.append(.alert(.overfill(engineOrderID: x.engineOrderID, volume: o.filled))) }
            if x.kind == .fill || o.filled >= o.route.volume {
                finish(o, reason: nil)
            } else {
                lpOrders[x.engineOrderID] = o
            }
        case .rejected, .canceled, .expired:
            if o.done {
                lpOrders[x.engineOrderID] = o
                return
            }
            finish(o, reason: x.kind == .rejected ? .lpRejected : .lpCanceled)
        }
    }

    /// Books one LP fill for the order.
    private mutating func applyFill(_ o: inout LPOrderState, volume: Int64, priceTicks: Int64, cause: UInt64) {
        switch o.route.purpose {
        case .clientOrder:
            let slot = o.accountIndex
            let request = MarketOrderRequest(account: o.route.account, clientOrderID: .none, symbol: o.route.symbol, side: o.route.side,
                                             volume: volume, routing: o.routing, protection: o.filled == 0 ? o.protection : .none)
            // The client trades at the LP's price plus the group's markup; the markup is the house's.
            let clientPrice = clientFillPrice(lpPriceTicks: priceTicks, side: o.route.side, symbol: o.route.symbol, slot: slot)
            postMarkupRevenue(lpPriceTicks: priceTicks, clientPriceTicks: clientPrice, volume: volume, symbol: o.route.symbol, cause: cause,
                              reference: o.route.engineOrderID)
            if let fill = planFill(slot: slot, symbol: o.route.symbol, side: o.route.side, volume: volume, priceTicks: clientPrice,
                                   routing: o.routing, orderID: o.route.engineOrderID, reversalRouting: o.routing) {
                commit(fill, request: request, slot: slot, orderID: o.route.engineOrderID)
                o.order.positionID = fill.positionID
            }
            o.order.feeScheduleID = feeScheduleID
            let release = o.filled + volume >= o.route.volume ? o.reservedMargin
                : Int64(Int128(o.reservedMargin) * Int128(volume) / Int128(o.route.volume - o.filled))
            o.reservedMargin -= release
            accounts[Int(slot)].reservedMargin -= release
            o.filled += volume
            o.order.filledVolume = o.filled
            o.order.fillPriceTicks = clientPrice
            if o.filled < o.route.volume { events.append(.order(o.order)) }
            accountUpdated(slot)
        case .clientClose:
            let clientPrice = clientFillPrice(lpPriceTicks: priceTicks, side: o.route.side, symbol: o.route.symbol, slot: o.accountIndex)
            postMarkupRevenue(lpPriceTicks: priceTicks, clientPriceTicks: clientPrice, volume: volume, symbol: o.route.symbol, cause: cause,
                              reference: o.route.positionID)
            o.filled += volume
            o.order.filledVolume = o.filled
            o.order.fillPriceTicks = clientPrice
            o.order.feeScheduleID = feeScheduleID
            guard let pslot = positionSlot[o.route.positionID], let p = positions[Int(pslot)] else { return }
            let closing = min(volume, p.volume)
            if let plan = planReduction(p, volume: closing, priceTicks: clientPrice) {
                reducePosition(pslot, volume: closing, priceTicks: clientPrice, plan: plan, cause: cause, closeCause: o.closeCause)
            }
            accountUpdated(o.accountIndex)
        case .hedge, .hedgeClose:
            applyHouseHedge(symbol: o.route.symbol, side: o.route.side, volume: volume, priceTicks: priceTicks, cause: cause)
            o.filled += volume
        }
    }

    /// Ends an order at its LP: releases what is still reserved and reports the outcome. The
    /// order is remembered as done (see `remember`) for duplicates and late fills.
    private mutating func finish(_ o: LPOrderState, reason: RejectReason?) {
        settle(o, reason: reason)
        remember(o)
    }

    /// Keeps a finished or timed-out order (up to `maxDoneOrders`, oldest forgotten first): a
    /// duplicate report is then ignored, and a new fill is booked to the house with an alert.
    private mutating func remember(_ order: LPOrderState) {
        var o = order
        o.done = true
        o.reservedMargin = 0
        lpOrders[o.route.engineOrderID] = o
        doneOrders.append(o.route.engineOrderID)
        if doneOrders.count > Self.maxDoneOrders {
            lpOrders[doneOrders.removeFirst()] = nil
        }
    }

    private mutating func settle(_ o: LPOrderState, reason: RejectReason?) {
        var order = o.order
        switch o.route.purpose {
        case .clientOrder, .clientClose:
            if o.route.purpose == .clientOrder, o.reservedMargin > 0 {
                accounts[Int(o.accountIndex)].reservedMargin -= o.reservedMargin
            }
            if o.route.purpose == .clientClose, let pslot = positionSlot[o.route.positionID], positions[Int(pslot)]!.closingOrder == o.route.engineOrderID {
                positions[Int(pslot)]!.closingOrder = 0
                registerProtectionTriggers(pslot)   // what is left is protected again
            }
            order.filledVolume = o.filled
            if reason == nil || o.filled >= o.route.volume {
                order.state = .filled
            } else if o.filled > 0 {
                order.state = .canceled
                order.reason = reason
            } else {
                order.state = .rejected
                order.reason = reason
            }
            events.append(.order(order))
            accountUpdated(o.accountIndex)
        case .hedge, .hedgeClose:
            if reason != nil, o.filled < o.route.volume {
                events.append(.alert(.hedgeNotFilled(engineOrderID: o.route.engineOrderID, symbol: o.route.symbol, side: o.route.side,
                                                     volume: o.route.volume - o.filled)))
            }
        }
    }

    /// LP orders past their deadline time out: the LP is asked to cancel, what is still
    /// reserved is released, and the order is remembered (up to `maxDoneOrders`) so a late
    /// fill can still be booked to the house.
    mutating func timeOutLPOrders() {
        while let next = lpDeadlines.peek, next.time <= lastTimeNs {
            _ = lpDeadlines.pop()
            guard let o = lpOrders[next.id], !o.done, o.route.deadlineNs == next.time else { continue }
            events.append(.cancelAtLP(engineOrderID: next.id))
            settle(o, reason: .lpTimeout)
            remember(o)
        }
    }

    // MARK: the house hedge

    /// Adds a fill to the house's net position in a symbol; a reduction realizes P&L between
    /// the LPs and the house hedge account.
    mutating func applyHouseHedge(symbol: SymbolIndex, side: Side, volume: Int64, priceTicks: Int64, cause: UInt64) {
        var h = houseHedges[symbol] ?? HouseHedge()
        let signed = side.sign * volume
        if h.volume == 0 || (h.volume > 0) == (signed > 0) {
            h.volume += signed
            h.cost += Int128(signed) * Int128(priceTicks)
        } else {
            let closeVolume = min(volume, abs(h.volume))
            let closedCost = h.cost * Int128(closeVolume) / Int128(abs(h.volume))
            let pnlCost = Int128(h.volume > 0 ? 1 : -1) * Int128(closeVolume) * Int128(priceTicks) - closedCost
            let spec = symbols[Int(symbol)]
            if let money = FixedMath.money(ofCost: pnlCost, contractSizeE8: spec.contractSizeE8, digits: spec.digits), let pnl = FixedMath.narrow(money) {
                if pnl > 0 {
                    post(.realizedPnl, from: .house(.lpSettlement), to: .house(.houseHedge), amount: pnl, currency: spec.profitCurrency, cause: cause, reference: 0, detail: 0)
                } else if pnl < 0 {
                    post(.realizedPnl, from: .house(.houseHedge), to: .house(.lpSettlement), amount: -pnl, currency: spec.profitCurrency, cause: cause, reference: 0, detail: 0)
                }
            }
            h.cost -= closedCost
            h.volume += side.sign * closeVolume
            let rest = volume - closeVolume
            if rest > 0 {
                h.volume += side.sign * rest
                h.cost += Int128(side.sign * rest) * Int128(priceTicks)
            }
        }
        houseHedges[symbol] = h.volume == 0 ? nil : h
        events.append(.houseHedgeChanged(symbol: symbol, netVolume: h.volume))
    }

    /// The house's net hedge in a symbol (long positive), 1e-8 lots.
    public func houseHedgeVolume(_ symbol: SymbolIndex) -> Int64 { houseHedges[symbol]?.volume ?? 0 }
}
