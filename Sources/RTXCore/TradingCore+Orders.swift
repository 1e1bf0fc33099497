/// Market orders (B-Book): validation, the margin check, the fill at the client quote and
/// the position it opens, adds to, reduces, closes or reverses.
extension TradingCore {
    mutating func placeMarketOrder(_ r: MarketOrderRequest, _ seq: UInt64) {
        guard let slot = accountSlot(r.account) else { return reject(seq, .unknownAccount) }
        if !r.clientOrderID.isNone, let original = accounts[Int(slot)].clientOrders.result(r.clientOrderID) {
            events.append(.orderRepeated(original))
            return
        }
        var order = OrderEvent(orderID: seq, account: r.account, clientOrderID: r.clientOrderID, symbol: r.symbol, side: r.side,
                               volume: r.volume, state: .pending, reason: nil, fillPriceTicks: 0, positionID: 0)
        events.append(.order(order))
        let outcome = execute(r, slot: slot, orderID: seq)
        switch outcome {
        case .failure(let reason):
            order.state = .rejected
            order.reason = reason
            events.append(.order(order))
        case .success(let fill):
            order.state = .accepted
            events.append(.order(order))
            order.state = .filling
            events.append(.order(order))
            commit(fill, request: r, slot: slot, orderID: seq)
            order.state = .filled
            order.fillPriceTicks = fill.priceTicks
            order.positionID = fill.positionID
            events.append(.order(order))
            accountUpdated(slot)
        }
        if !r.clientOrderID.isNone { accounts[Int(slot)].clientOrders.remember(r.clientOrderID, order) }
    }

    /// A validated fill, ready to apply.
    struct Fill {
        enum Effect {
            /// Open a new position with this margin.
            case open(margin: Int64)
            /// Add to the netting position (its new margin).
            case increase(position: Int32, newMargin: Int64)
            /// Reduce or close the netting position, then open the remainder (reversal).
            case reduce(position: Int32, closeVolume: Int64, plan: ReductionPlan, remainder: Int64, remainderMargin: Int64)
        }
        var effect: Effect
        var priceTicks: Int64
        var book: Book
        var hedgeRatioPPM: UInt32
        var positionID: PositionID
    }

    /// Validates and plans the order; nothing changes here.
    func execute(_ r: MarketOrderRequest, slot: Int32, orderID: OrderID) -> Result<Fill, RejectReason> {
        guard validSymbol(r.symbol) else { return .failure(.unknownSymbol) }
        let spec = symbols[Int(r.symbol)]
        let account = accounts[Int(slot)]
        guard spec.profitCurrency == account.spec.currency else { return .failure(.noCurrencyConversion) }

        // Does the order only reduce an existing netting position?
        var netting: Position?
        var nettingSlot: Int32 = -1
        if account.spec.mode == .netting, let e = existingExposure(account: slot, symbol: r.symbol), let first = exposures[Int(e)]!.positions.first {
            netting = positions[Int(first)]
            nettingSlot = first
        }
        let reducesOnly = netting.map { $0.side != r.side && r.volume <= $0.volume } ?? false

        switch spec.tradingState {
        case .disabled: return .failure(.symbolDisabled)
        case .closeOnly where !reducesOnly: return .failure(.symbolCloseOnly)
        default: break
        }
        guard spec.sessions.isOpen(atNs: lastTimeNs) else { return .failure(.marketClosed) }
        guard r.volume >= spec.volumeMin else { return .failure(.volumeBelowMinimum(minimum: spec.volumeMin)) }
        let groupMax = groups[Int(account.spec.group)].maxOrderVolume
        let maximum = groupMax > 0 ? min(groupMax, spec.volumeMax) : spec.volumeMax
        guard r.volume <= maximum else { return .failure(.volumeAboveMaximum(maximum: maximum)) }
        guard r.volume % spec.volumeStep == 0 else { return .failure(.volumeOffStep(step: spec.volumeStep)) }
        guard account.status == .active || reducesOnly else { return .failure(.accountSuspended) }
        if let problem = quoteProblem(r.symbol) { return .failure(problem) }

        // A netting position keeps the book it opened with until it is flat again.
        let routing = netting.map { RoutingChoice(book: $0.book, hedgeRatioPPM: $0.hedgeRatioPPM) } ?? r.routing
        guard routing.book == .b else { return .failure(.bookNotSupported(routing.book)) }

        let (bid, ask) = clientQuote(r.symbol, group: account.spec.group)
        let price = r.side == .buy ? ask : bid
        let leverage = account.spec.leverage

        // Plan the effect and the margin and equity after it.
        let effect: Fill.Effect
        var marginAfter = Int128(account.margin)
        var addedCost: Int128 = 0          // cost of any newly opened or added volume
        var addedVolume: Int64 = 0
        var positionID = orderID
        if let p = netting {
            positionID = p.id
            if p.side == r.side {
                let newCost = p.cost + FixedMath.cost(volume: r.volume, priceTicks: price)
                guard let m = margin(ofCost: newCost, symbol: r.symbol, leverage: leverage) else { return .failure(.overflow) }
                effect = .increase(position: nettingSlot, newMargin: m)
                marginAfter += Int128(m - p.margin)
                addedVolume = r.volume
            } else {
                let closeVolume = min(r.volume, p.volume)
                guard let plan = planReduction(p, volume: closeVolume, priceTicks: price) else { return .failure(.overflow) }
                let remainder = r.volume - closeVolume
                var remainderMargin: Int64 = 0
                if remainder > 0 {
                    guard r.routing.book == .b else { return .failure(.bookNotSupported(r.routing.book)) }
                    guard let m = margin(ofCost: FixedMath.cost(volume: remainder, priceTicks: price), symbol: r.symbol, leverage: leverage) else {
                        return .failure(.overflow)
                    }
                    remainderMargin = m
                    addedVolume = remainder
                    positionID = orderID
                }
                effect = .reduce(position: nettingSlot, closeVolume: closeVolume, plan: plan, remainder: remainder, remainderMargin: remainderMargin)
                marginAfter += Int128(remainderMargin - plan.releasedMargin)
            }
        } else {
            let groupLimit = groups[Int(account.spec.group)].maxOpenPositions
            if groupLimit > 0, account.openPositions >= groupLimit { return .failure(.tooManyPositions(limit: groupLimit)) }
            guard let m = margin(ofCost: FixedMath.cost(volume: r.volume, priceTicks: price), symbol: r.symbol, leverage: leverage) else {
                return .failure(.overflow)
            }
            effect = .open(margin: m)
            addedVolume = r.volume
            // Hedged margin: recompute this symbol's margin with the new side's sum.
            if let e = existingExposure(account: slot, symbol: r.symbol) {
                var x = exposures[Int(e)]!
                let before = x.margin
                if r.side == .buy { x.longMargin += m } else { x.shortMargin += m }
                marginAfter += Int128(x.margin - before)
            } else {
                marginAfter += Int128(m)
            }
        }
        addedCost = FixedMath.cost(volume: addedVolume, priceTicks: price)

        // Orders that add exposure must leave free margin non-negative after the fill; the
        // fill's own floating P&L (the spread) counts.
        if addedVolume > 0 {
            guard let floatingNow = floating(slot) else { return .failure(.overflow) }
            let valueAtMark = FixedMath.cost(volume: addedVolume, priceTicks: r.side == .buy ? bid : ask)
            guard let addedFloating = FixedMath.money(ofCost: Int128(r.side.sign) * (valueAtMark - addedCost),
                                                      contractSizeE8: spec.contractSizeE8, digits: spec.digits) else {
                return .failure(.overflow)
            }
            let equityAfter = Int128(account.balance) + Int128(account.credit) + floatingNow + addedFloating
            let free = equityAfter - marginAfter
            if free < 0 { return .failure(.insufficientMargin(freeMarginAfter: FixedMath.narrow(free) ?? Int64.min)) }
        }
        guard FixedMath.narrow(marginAfter) != nil else { return .failure(.overflow) }
        return .success(Fill(effect: effect, priceTicks: price, book: routing.book, hedgeRatioPPM: routing.hedgeRatioPPM, positionID: positionID))
    }

    /// Applies a planned fill. A reversal's new position opens from flat, so it takes the
    /// routing decision of the order itself.
    mutating func commit(_ fill: Fill, request r: MarketOrderRequest, slot: Int32, orderID: OrderID) {
        switch fill.effect {
        case .open(let margin):
            openPosition(account: slot, symbol: r.symbol, side: r.side, volume: r.volume, priceTicks: fill.priceTicks, margin: margin,
                         book: fill.book, hedgeRatioPPM: fill.hedgeRatioPPM, id: orderID)
        case .increase(let position, let newMargin):
            increasePosition(position, volume: r.volume, priceTicks: fill.priceTicks, newMargin: newMargin)
        case .reduce(let position, let closeVolume, let plan, let remainder, let remainderMargin):
            reducePosition(position, volume: closeVolume, priceTicks: fill.priceTicks, plan: plan, cause: orderID)
            if remainder > 0 {
                openPosition(account: slot, symbol: r.symbol, side: r.side, volume: remainder, priceTicks: fill.priceTicks,
                             margin: remainderMargin, book: r.routing.book, hedgeRatioPPM: r.routing.hedgeRatioPPM, id: orderID)
            }
        }
    }
}
