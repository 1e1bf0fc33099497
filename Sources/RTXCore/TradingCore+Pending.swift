/// Resting orders: limit, stop and stop-limit, GTC or GTD; modify, cancel, expiry and
/// triggering. A resting order is ACCEPTED until it triggers; it keeps the book decided at
/// placement; its margin is checked at placement and again when it triggers.
///
/// Price rules (minimum distance d from the current client quote): buy limit ≤ ask − d,
/// buy stop ≥ ask + d, sell limit ≥ bid + d, sell stop ≤ bid − d; a buy stop-limit's limit
/// is at or below its stop, a sell stop-limit's at or above. Stop loss and take profit are
/// checked against the entry (the limit price of a stop-limit).
extension TradingCore {
    mutating func placePendingOrder(_ r: PendingOrderRequest, _ seq: UInt64) {
        guard let slot = accountSlot(r.account) else { return reject(seq, .unknownAccount) }
        if !r.clientOrderID.isNone, let original = accounts[Int(slot)].clientOrders.result(r.clientOrderID) {
            events.append(.orderRepeated(original))
            return
        }
        var order = OrderEvent(orderID: seq, account: r.account, clientOrderID: r.clientOrderID, symbol: r.symbol, side: r.side,
                               volume: r.volume, state: .pending, reason: nil, fillPriceTicks: 0, positionID: 0,
                               kind: Self.kind(r.type), filledVolume: 0, priceTicks: r.priceTicks, book: r.routing.book)
        events.append(.order(order))
        if let reason = validatePending(r, slot: slot) {
            order.state = .rejected
            order.reason = reason
        } else {
            var pending = PendingOrder(request: r, id: seq, accountIndex: slot, placedAtNs: lastTimeNs)
            register(&pending)
            pendingOrders[seq] = pending
            if r.expiresAtNs > 0 { expiries.push(TimedID(time: r.expiresAtNs, id: seq)) }
            order.state = .accepted
        }
        events.append(.order(order))
        if !r.clientOrderID.isNone { accounts[Int(slot)].clientOrders.remember(r.clientOrderID, order) }
    }

    static func kind(_ t: PendingType) -> OrderKind {
        switch t {
        case .limit: .limit
        case .stop: .stop
        case .stopLimit: .stopLimit
        }
    }

    mutating func register(_ o: inout PendingOrder) {
        o.triggerVersion = registerTrigger(.pending(o.id), side: Self.pendingSide(o), priceTicks: o.restingPrice, symbol: o.request.symbol,
                                           group: accounts[Int(o.accountIndex)].spec.group)
    }

    /// Everything that can be checked when a resting order is placed or modified.
    func validatePending(_ r: PendingOrderRequest, slot: Int32) -> RejectReason? {
        guard validSymbol(r.symbol) else { return .unknownSymbol }
        let spec = symbols[Int(r.symbol)]
        let account = accounts[Int(slot)]
        guard canConvert(spec.profitCurrency, to: account.spec.currency) else { return .noCurrencyConversion }
        if let problem = tradingSwitchProblem(r.symbol, group: account.spec.group, reducing: false) { return problem }
        guard account.status == .active else { return .accountSuspended }
        if let problem = volumeProblem(r.volume, symbol: r.symbol, group: account.spec.group) { return problem }
        guard r.expiresAtNs == 0 || r.expiresAtNs > lastTimeNs else { return .invalidExpiry }
        if let problem = quoteProblem(r.symbol) { return problem }
        let (bid, ask) = clientQuote(r.symbol, group: account.spec.group)
        let d = spec.minStopDistanceTicks
        guard r.priceTicks > 0 else { return .invalidPrice }
        let placed: Bool = switch (r.side, r.type) {
        case (.buy, .limit): r.priceTicks <= ask - d
        case (.buy, .stop), (.buy, .stopLimit): r.priceTicks >= ask + d
        case (.sell, .limit): r.priceTicks >= bid + d
        case (.sell, .stop), (.sell, .stopLimit): r.priceTicks <= bid - d
        }
        guard placed else { return .invalidPrice }
        var entry = r.priceTicks
        if r.type == .stopLimit {
            guard r.limitPriceTicks > 0, r.side == .buy ? r.limitPriceTicks <= r.priceTicks : r.limitPriceTicks >= r.priceTicks else { return .invalidPrice }
            entry = r.limitPriceTicks
        }
        if let problem = validateProtection(r.protection, side: r.side, referenceTicks: entry, symbol: r.symbol) { return problem }
        // Margin at the entry price must fit in today's free margin (nothing is reserved).
        guard let required = margin(ofCost: FixedMath.cost(volume: r.volume, priceTicks: entry), symbol: r.symbol, slot: slot),
              let free = freeMargin(slot) else { return .overflow }
        if free < required { return .insufficientMargin(freeMarginAfter: free - required) }
        return nil
    }

    func volumeProblem(_ volume: Int64, symbol: SymbolIndex, group: GroupIndex) -> RejectReason? {
        let spec = symbols[Int(symbol)]
        guard volume >= spec.volumeMin else { return .volumeBelowMinimum(minimum: spec.volumeMin) }
        let groupMax = groups[Int(group)].maxOrderVolume
        let maximum = groupMax > 0 ? min(groupMax, spec.volumeMax) : spec.volumeMax
        guard volume <= maximum else { return .volumeAboveMaximum(maximum: maximum) }
        guard volume % spec.volumeStep == 0 else { return .volumeOffStep(step: spec.volumeStep) }
        return nil
    }

    func orderEvent(_ o: PendingOrder, state: OrderState, reason: RejectReason? = nil) -> OrderEvent {
        OrderEvent(orderID: o.id, account: accounts[Int(o.accountIndex)].spec.id, clientOrderID: o.request.clientOrderID,
                   symbol: o.request.symbol, side: o.request.side, volume: o.request.volume, state: state, reason: reason,
                   fillPriceTicks: 0, positionID: 0, kind: o.kind, filledVolume: 0, priceTicks: o.request.priceTicks,
                   book: o.request.routing.book)
    }

    mutating func modifyPendingOrder(_ id: AccountID, _ orderID: OrderID, _ price: Int64, _ limit: Int64, _ protection: Protection,
                                     _ expiry: Int64, _ seq: UInt64) {
        guard let slot = accountSlot(id) else { return reject(seq, .unknownAccount) }
        guard var o = pendingOrders[orderID], o.accountIndex == slot else { return reject(seq, .unknownOrder) }
        var changed = o.request
        changed.priceTicks = o.stopTriggered ? o.request.priceTicks : price
        changed.limitPriceTicks = limit
        changed.protection = protection
        changed.expiresAtNs = expiry
        var check = changed
        if o.stopTriggered {
            // A triggered stop-limit rests as a limit at its limit price.
            check.type = .limit
            check.priceTicks = limit
        }
        if let reason = validatePending(check, slot: slot) { return reject(seq, reason) }
        retireTrigger(side: Self.pendingSide(o), symbol: o.request.symbol, group: accounts[Int(slot)].spec.group)
        o.request = changed
        register(&o)
        pendingOrders[orderID] = o
        if expiry > 0 { expiries.push(TimedID(time: expiry, id: orderID)) }
        events.append(.pendingOrderModified(orderEvent(o, state: .accepted)))
    }

    mutating func cancelPendingOrder(_ id: AccountID, _ orderID: OrderID, _ seq: UInt64) {
        guard let slot = accountSlot(id) else { return reject(seq, .unknownAccount) }
        guard let o = pendingOrders[orderID], o.accountIndex == slot else { return reject(seq, .unknownOrder) }
        removePending(o)
        events.append(.order(orderEvent(o, state: .canceled)))
    }

    mutating func removePending(_ o: PendingOrder) {
        retireTrigger(side: Self.pendingSide(o), symbol: o.request.symbol, group: accounts[Int(o.accountIndex)].spec.group)
        pendingOrders[o.id] = nil
    }

    /// A resting order's trigger fired: a stop-limit's stop turns it into a limit; anything
    /// else executes now like a market order with the book decided at placement (and its
    /// margin checked again; a refusal ends the order with the reason).
    mutating func triggerPending(_ orderID: OrderID) {
        guard var o = pendingOrders[orderID] else { return }
        let group = accounts[Int(o.accountIndex)].spec.group
        if o.request.type == .stopLimit, !o.stopTriggered {
            o.stopTriggered = true
            register(&o)
            pendingOrders[orderID] = o
            events.append(.pendingOrderModified(orderEvent(o, state: .accepted)))
            return
        }
        _ = group
        pendingOrders[orderID] = nil
        let r = o.request
        let market = MarketOrderRequest(account: r.account, clientOrderID: .none, symbol: r.symbol, side: r.side, volume: r.volume,
                                        routing: r.routing, fillPolicy: .fillOrKill, protection: r.protection)
        var order = orderEvent(o, state: .accepted)
        executeOrder(market, slot: o.accountIndex, orderID: o.id, order: &order, checkSize: false)
    }

    /// Time passed: expire GTD orders, time out LP orders.
    mutating func timeTick(_ seq: UInt64) {
        while let next = expiries.peek, next.time <= lastTimeNs {
            _ = expiries.pop()
            guard let o = pendingOrders[next.id], o.request.expiresAtNs == next.time else { continue }
            removePending(o)
            events.append(.order(orderEvent(o, state: .expired)))
        }
        timeOutLPOrders()
    }
}

extension TradingCore {
    /// An account's resting orders by id (empty for an unknown account). Walks every
    /// resting order: for queries, not the hot path.
    public func pendingOrders(of id: AccountID) -> [(id: OrderID, request: PendingOrderRequest, stopTriggered: Bool)] {
        guard let slot = accountSlot(id) else { return [] }
        return pendingOrders.values.filter { $0.accountIndex == slot }.sorted { $0.id < $1.id }
            .map { ($0.id, $0.request, $0.stopTriggered) }
    }
}
