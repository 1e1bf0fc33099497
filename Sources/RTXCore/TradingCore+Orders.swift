/// Market orders and the execution of triggered resting orders: validation, liquidity and
/// slippage checks, the margin check, and the fill — at the client quote for the B-Book and
/// C-Book (with a hedge order for C), or at the LP for the A-Book (margin reserved until the
/// LP answers).
extension TradingCore {
    mutating func placeMarketOrder(_ r: MarketOrderRequest, _ seq: UInt64) {
        guard let slot = accountSlot(r.account) else { return reject(seq, .unknownAccount) }
        if !r.clientOrderID.isNone, let original = accounts[Int(slot)].clientOrders.result(r.clientOrderID) {
            events.append(.orderRepeated(original))
            return
        }
        var order = OrderEvent(orderID: seq, account: r.account, clientOrderID: r.clientOrderID, symbol: r.symbol, side: r.side,
                               volume: r.volume, state: .pending, reason: nil, fillPriceTicks: 0, positionID: 0, book: r.routing.book)
        events.append(.order(order))
        executeOrder(r, slot: slot, orderID: seq, order: &order, checkSize: true)
        if !r.clientOrderID.isNone { accounts[Int(slot)].clientOrders.remember(r.clientOrderID, order) }
    }

    /// Executes an order now and emits its events; `order` ends in its last state.
    mutating func executeOrder(_ r: MarketOrderRequest, slot: Int32, orderID: OrderID, order: inout OrderEvent, checkSize: Bool) {
        let fill: Fill
        switch prepare(r, slot: slot, orderID: orderID, checkSize: checkSize) {
        case .failure(let reason):
            order.state = .rejected
            order.reason = reason
            events.append(.order(order))
            return
        case .success(let f):
            fill = f
        }
        order.book = fill.book
        if order.state != .accepted {
            order.state = .accepted
            events.append(.order(order))
        }
        order.state = .filling
        events.append(.order(order))
        if fill.book == .a {
            routeClientOrder(r, slot: slot, fill: fill, order: order)
            return
        }
        commit(fill, request: r, slot: slot, orderID: orderID)
        if fill.book == .c { hedgeIfCBook(symbol: r.symbol, side: r.side, volume: fill.volume, ratioPPM: fill.hedgeRatioPPM, positionID: fill.positionID) }
        order.fillPriceTicks = fill.priceTicks
        order.positionID = fill.positionID
        order.filledVolume = fill.volume
        order.feeScheduleID = feeScheduleID
        order.state = fill.volume == r.volume ? .filled : .canceled
        events.append(.order(order))
        accountUpdated(slot)
    }

    /// A validated fill, ready to apply.
    struct Fill {
        enum Effect {
            /// Open a new position with this margin.
            case open(margin: Int64)
            /// Add to a position (netting, or an A-Book order filling in parts); its new margin.
            case increase(position: Int32, newMargin: Int64)
            /// Reduce or close the netting position, then open the remainder (reversal).
            case reduce(position: Int32, closeVolume: Int64, plan: ReductionPlan, remainder: Int64, remainderMargin: Int64)
        }
        var effect: Effect
        var priceTicks: Int64
        var volume: Int64
        var book: Book
        var hedgeRatioPPM: UInt32
        var positionID: PositionID
        /// Account margin after the fill, and the margin the fill adds (reserved for A-Book).
        var marginAfter: Int128
        var addedMargin: Int64
    }

    /// Validates an order for execution now and plans its fill; nothing changes here.
    func prepare(_ r: MarketOrderRequest, slot: Int32, orderID: OrderID, checkSize: Bool) -> Result<Fill, RejectReason> {
        guard validSymbol(r.symbol) else { return .failure(.unknownSymbol) }
        let spec = symbols[Int(r.symbol)]
        let account = accounts[Int(slot)]
        guard canConvert(spec.profitCurrency, to: account.spec.currency) else { return .failure(.noCurrencyConversion) }
        let netting = nettingPosition(slot, r.symbol)
        let reducesOnly = netting.map { $0.position.side != r.side && r.volume <= $0.position.volume } ?? false
        if let problem = tradingSwitchProblem(r.symbol, group: account.spec.group, reducing: reducesOnly) { return .failure(problem) }
        guard spec.sessions.isOpen(atNs: lastTimeNs) else { return .failure(.marketClosed) }
        if let problem = volumeProblem(r.volume, symbol: r.symbol, group: account.spec.group) { return .failure(problem) }
        guard account.status == .active || reducesOnly else { return .failure(.accountSuspended) }
        if let problem = quoteProblem(r.symbol) { return .failure(problem) }
        if let n = netting, n.position.closingOrder != 0 { return .failure(.closeInProgress) }

        // A netting position keeps the book it opened with until it is flat again.
        let routing = netting.map { RoutingChoice(book: $0.position.book, hedgeRatioPPM: $0.position.hedgeRatioPPM) } ?? r.routing
        let (bid, ask) = clientQuote(r.symbol, group: account.spec.group)
        let price = r.side == .buy ? ask : bid

        // Slippage against the price the client saw, and the size available at the quote.
        if r.requestedPriceTicks > 0 {
            let worse = r.side == .buy ? price - r.requestedPriceTicks : r.requestedPriceTicks - price
            if worse > r.maxDeviationTicks { return .failure(.priceDeviation(priceTicks: price)) }
        }
        var volume = r.volume
        if checkSize, routing.book != .a {
            let available = r.side == .buy ? askVolumes[Int(r.symbol)] : bidVolumes[Int(r.symbol)]
            if available > 0, available < volume {
                let fillable = available / spec.volumeStep * spec.volumeStep
                if r.fillPolicy == .fillOrKill || fillable < spec.volumeMin { return .failure(.insufficientLiquidity(available: available)) }
                volume = fillable
            }
        }
        if !r.protection.isNone {
            if let problem = validateProtection(r.protection, side: r.side, referenceTicks: r.side == .buy ? bid : ask, symbol: r.symbol) {
                return .failure(problem)
            }
        }
        guard let fill = planFill(slot: slot, symbol: r.symbol, side: r.side, volume: volume, priceTicks: price, routing: routing,
                                  orderID: orderID, reversalRouting: r.routing) else { return .failure(.overflow) }
        // Orders that add exposure must leave free margin non-negative after the fill; the
        // fill's own floating P&L (the spread), its entry commission and margin reserved at
        // LPs count.
        if fill.addedMargin > 0 || fill.marginAfter > Int128(account.margin) {
            guard let floatingNow = floating(slot) else { return .failure(.overflow) }
            let addedVolume = addedVolume(fill.effect, volume: volume)
            let cost = FixedMath.cost(volume: addedVolume, priceTicks: price)
            let mark = FixedMath.cost(volume: addedVolume, priceTicks: r.side == .buy ? bid : ask)
            guard let addedFloating = accountMoney(ofCost: Int128(r.side.sign) * (mark - cost), symbol: r.symbol, slot: slot) else {
                return .failure(.overflow)
            }
            guard let entryCommission = commission(slot: slot, symbol: r.symbol, volume: addedVolume, entry: true) else { return .failure(.noCurrencyConversion) }
            let equityAfter = Int128(account.balance) + Int128(account.credit) + floatingNow + addedFloating - Int128(entryCommission)
            let free = equityAfter - fill.marginAfter - Int128(account.reservedMargin)
            if free < 0 { return .failure(.insufficientMargin(freeMarginAfter: FixedMath.narrow(free) ?? Int64.min)) }
            if case .open = fill.effect {
                let limit = groups[Int(account.spec.group)].maxOpenPositions
                if limit > 0, account.openPositions >= limit { return .failure(.tooManyPositions(limit: limit)) }
            }
        }
        return .success(fill)
    }

    func addedVolume(_ effect: Fill.Effect, volume: Int64) -> Int64 {
        switch effect {
        case .open, .increase: volume
        case .reduce(_, _, _, let remainder, _): remainder
        }
    }

    /// The account's netting position in a symbol, if any.
    func nettingPosition(_ slot: Int32, _ symbol: SymbolIndex) -> (slot: Int32, position: Position)? {
        guard accounts[Int(slot)].spec.mode == .netting, let e = existingExposure(account: slot, symbol: symbol),
              let first = exposures[Int(e)]!.positions.first, let p = positions[Int(first)] else { return nil }
        return (first, p)
    }

    /// Plans what a fill of `volume` at `priceTicks` does to the account, with no checks:
    /// used for orders (then checked) and for LP fills (booked whatever they do to margin).
    /// In a hedging account a fill adds to the position `orderID` opened earlier (an order
    /// filling in parts), else opens one.
    func planFill(slot: Int32, symbol: SymbolIndex, side: Side, volume: Int64, priceTicks: Int64, routing: RoutingChoice,
                  orderID: OrderID, reversalRouting: RoutingChoice) -> Fill? {
        let account = accounts[Int(slot)]
        var marginAfter = Int128(account.margin)
        if let (nslot, p) = nettingPosition(slot, symbol) {
            if p.side == side {
                guard let m = margin(ofCost: p.cost + FixedMath.cost(volume: volume, priceTicks: priceTicks), symbol: symbol, slot: slot) else { return nil }
                marginAfter += Int128(m - p.margin)
                return Fill(effect: .increase(position: nslot, newMargin: m), priceTicks: priceTicks, volume: volume, book: routing.book,
                            hedgeRatioPPM: routing.hedgeRatioPPM, positionID: p.id, marginAfter: marginAfter, addedMargin: max(0, m - p.margin))
            }
            let closeVolume = min(volume, p.volume)
            guard let plan = planReduction(p, volume: closeVolume, priceTicks: priceTicks) else { return nil }
            let remainder = volume - closeVolume
            var remainderMargin: Int64 = 0
            if remainder > 0 {
                guard let m = margin(ofCost: FixedMath.cost(volume: remainder, priceTicks: priceTicks), symbol: symbol, slot: slot) else { return nil }
                remainderMargin = m
            }
            marginAfter += Int128(remainderMargin - plan.releasedMargin)
            return Fill(effect: .reduce(position: nslot, closeVolume: closeVolume, plan: plan, remainder: remainder, remainderMargin: remainderMargin),
                        priceTicks: priceTicks, volume: volume, book: remainder > 0 ? reversalRouting.book : routing.book,
                        hedgeRatioPPM: remainder > 0 ? reversalRouting.hedgeRatioPPM : routing.hedgeRatioPPM,
                        positionID: remainder > 0 ? orderID : p.id, marginAfter: marginAfter, addedMargin: remainderMargin)
        }
        if let existing = positionSlot[orderID], let p = positions[Int(existing)], p.accountIndex == slot, p.side == side {
            guard let m = margin(ofCost: p.cost + FixedMath.cost(volume: volume, priceTicks: priceTicks), symbol: symbol, slot: slot) else { return nil }
            let e = exposures[Int(existingExposure(account: slot, symbol: symbol)!)]!
            var x = e
            if side == .buy { x.longMargin += m - p.margin } else { x.shortMargin += m - p.margin }
            marginAfter += Int128(x.margin - e.margin)
            return Fill(effect: .increase(position: existing, newMargin: m), priceTicks: priceTicks, volume: volume, book: routing.book,
                        hedgeRatioPPM: routing.hedgeRatioPPM, positionID: orderID, marginAfter: marginAfter, addedMargin: max(0, m - p.margin))
        }
        guard let m = margin(ofCost: FixedMath.cost(volume: volume, priceTicks: priceTicks), symbol: symbol, slot: slot) else { return nil }
        // Hedged margin: this symbol's margin with the new side's sum.
        if let e = existingExposure(account: slot, symbol: symbol) {
            var x = exposures[Int(e)]!
            let before = x.margin
            if side == .buy { x.longMargin += m } else { x.shortMargin += m }
            marginAfter += Int128(x.margin - before)
        } else {
            marginAfter += Int128(m)
        }
        return Fill(effect: .open(margin: m), priceTicks: priceTicks, volume: volume, book: routing.book, hedgeRatioPPM: routing.hedgeRatioPPM,
                    positionID: orderID, marginAfter: marginAfter, addedMargin: m)
    }

    /// Applies a planned fill; the order's protection goes onto the position it opened or
    /// added to. A reversal's new position opens from flat, so it takes the order's own decision.
    mutating func commit(_ fill: Fill, request r: MarketOrderRequest, slot: Int32, orderID: OrderID, closeCause: PositionEvent.Cause = .order) {
        var protected: Int32?
        switch fill.effect {
        case .open(let margin):
            protected = openPosition(account: slot, symbol: r.symbol, side: r.side, volume: fill.volume, priceTicks: fill.priceTicks, margin: margin,
                                     book: fill.book, hedgeRatioPPM: fill.hedgeRatioPPM, id: fill.positionID)
            chargeCommission(slot: slot, symbol: r.symbol, volume: fill.volume, entry: true, cause: orderID, reference: fill.positionID)
        case .increase(let position, let newMargin):
            increasePosition(position, volume: fill.volume, priceTicks: fill.priceTicks, newMargin: newMargin)
            chargeCommission(slot: slot, symbol: r.symbol, volume: fill.volume, entry: true, cause: orderID, reference: fill.positionID)
            protected = position
        case .reduce(let position, let closeVolume, let plan, let remainder, let remainderMargin):
            let before = positions[Int(position)]!
            reducePosition(position, volume: closeVolume, priceTicks: fill.priceTicks, plan: plan, cause: orderID, closeCause: closeCause)
            hedgeCloseIfCBook(before, closedVolume: closeVolume)
            if remainder > 0 {
                protected = openPosition(account: slot, symbol: r.symbol, side: r.side, volume: remainder, priceTicks: fill.priceTicks,
                                         margin: remainderMargin, book: r.routing.book, hedgeRatioPPM: r.routing.hedgeRatioPPM, id: orderID)
                chargeCommission(slot: slot, symbol: r.symbol, volume: remainder, entry: true, cause: orderID, reference: orderID)
            }
        }
        if let protected, !r.protection.isNone { setProtection(protected, r.protection) }
    }
}
