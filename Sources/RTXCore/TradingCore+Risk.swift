/// Margin call and stop out.
///
/// Levels: margin level = equity × 100 / (margin + margin reserved at LPs), in percent. At
/// or below the group's margin call level a `marginCall` event is raised once per crossing;
/// it re-arms when the level is back above the margin call level plus the group's re-arm
/// hysteresis (default 5 points), so a level hovering at the line does not call every tick. At or below the stop out level positions are
/// closed — largest required margin first, ties by lowest id — until the level is above the
/// stop out level again or none remain: B-Book and C-Book positions close at once at the
/// client quote, A-Book positions get a close sent to their LP (counted as released for the
/// running estimate). Positions in symbols that cannot trade now (disabled, outside their
/// session, without a fresh quote) stay open and are reported (`stopOutBlocked`). With the
/// group's negative balance protection, a negative balance left after everything closed is
/// written off by an adjustment entry.
///
/// Detection without recomputing every account on every quote: an account is evaluated when
/// a command changes it, and when one of its risk triggers fires. Each evaluation splits the
/// account's slack (equity above its next level) over the symbols it depends on — its
/// positions' symbols and their conversion symbols — and registers, per symbol, the price at
/// which that symbol alone would have used up its share, with a fourfold safety margin on
/// the sensitivity where a currency conversion is involved (exact otherwise), and at most
/// 0.5 % of the price. While no symbol has moved that far the
/// level cannot have crossed, so the first quote that crosses a level always fires a trigger.
/// An evaluation that finds the level above its thresholds changes nothing visible, so when
/// a trigger fires does not matter, only that it fires no later than the crossing.
/// A symbol an account's margin level depends on, while its risk triggers are placed.
struct WatchedSymbol {
    var symbol: SymbolIndex
    var long: Int64
    var short: Int64
    /// A conversion symbol of the account's profits, not a position symbol.
    var isConversion: Bool
    /// For conversion symbols: Σ |floating P&L| converted through it, profit currency.
    var exposure: Int128
}

extension TradingCore {
    mutating func markRiskDirty(_ slot: Int32) {
        guard !accounts[Int(slot)].riskQueued else { return }
        accounts[Int(slot)].riskQueued = true
        riskQueue.append(slot)
    }

    /// Evaluates the accounts queued by the command (in slot order, a few rounds at most:
    /// a stop out may queue its own account again, which is then only re-registered).
    mutating func processRisk() {
        var round = 0
        var stoppedOut: [Int32] = []
        while !riskQueue.isEmpty, round < 4 {
            round += 1
            let slots = riskQueue.sorted()
            riskQueue.removeAll(keepingCapacity: true)
            for slot in slots {
                accounts[Int(slot)].riskQueued = false
                let allow = !stoppedOut.contains(slot)
                if evaluateRisk(slot, allowStopOut: allow) { stoppedOut.append(slot) }
            }
        }
        for slot in riskQueue { accounts[Int(slot)].riskQueued = false }
        riskQueue.removeAll(keepingCapacity: true)
    }

    /// A group's stop out, margin call and margin call re-arm levels, percent.
    @inline(__always)
    func groupLevels(_ group: GroupIndex) -> (stopOut: Int128, marginCall: Int128, rearm: Int128) {
        groups.withUnsafeBufferPointer {
            let g = $0[Int(group)]
            return (Int128(g.stopOutLevelPercent), Int128(g.marginCallLevelPercent), Int128(g.marginCallLevelPercent + g.marginCallRearmPercent))
        }
    }

    /// margin + reserved, and equity, when the account holds margin.
    func riskFigures(_ slot: Int32) -> (equity: Int128, margin: Int128)? {
        let (margin, balance) = accounts.withUnsafeBufferPointer {
            (Int128($0[Int(slot)].margin) + Int128($0[Int(slot)].reservedMargin), Int128($0[Int(slot)].balance) + Int128($0[Int(slot)].credit))
        }
        guard margin > 0, let f = floating(slot) else { return nil }
        return (balance + f, margin)
    }

    /// Returns true when it stopped the account out.
    @discardableResult
    mutating func evaluateRisk(_ slot: Int32, allowStopOut: Bool) -> Bool {
        riskEvaluations &+= 1
        retireRiskTriggers(slot)
        guard var figures = riskFigures(slot) else {
            accounts[Int(slot)].inMarginCall = false
            stopOutBlockedAccounts.remove(slot)
            return false
        }
        let (stopOutLevel, marginCallLevel, rearmLevel) = groupLevels(accounts[Int(slot)].spec.group)
        var stopped = false
        // An account already reported with every remaining position blocked is not stopped
        // out again (and not reported again) until one of them can close.
        if allowStopOut, figures.equity * 100 <= stopOutLevel * figures.margin,
           !stopOutBlockedAccounts.contains(slot) || hasClosablePosition(slot) {
            stopOut(slot, equity: figures.equity, margin: figures.margin)
            stopped = true
            guard let after = riskFigures(slot) else {
                accounts[Int(slot)].inMarginCall = false
                stopOutBlockedAccounts.remove(slot)
                return stopped
            }
            figures = after
        }
        updateStopOutBlocked(slot, equity: figures.equity, margin: figures.margin, stopOutLevel: stopOutLevel)
        let (e, m) = figures
        if e * 100 <= marginCallLevel * m {
            if !accounts[Int(slot)].inMarginCall {
                accounts[Int(slot)].inMarginCall = true
                events.append(.marginCall(account: accounts[Int(slot)].spec.id, equity: FixedMath.narrow(e) ?? 0, margin: FixedMath.narrow(m) ?? 0))
            }
        } else if e * 100 > rearmLevel * m {
            accounts[Int(slot)].inMarginCall = false     // re-armed: the next crossing calls again
        }
        placeRiskTriggers(slot, equity: e, margin: m)
        return stopped
    }

    /// Whether the account has a position that is not closing and could close now.
    func hasClosablePosition(_ slot: Int32) -> Bool {
        let group = accounts[Int(slot)].spec.group
        for e in accounts[Int(slot)].exposures {
            for p in exposures[Int(e)]!.positions where positions[Int(p)]!.closingOrder == 0 {
                if closingAllowed(positions[Int(p)]!.symbol, group: group) == nil { return true }
            }
        }
        return false
    }

    /// Keeps `stopOutBlockedAccounts` = the accounts at or below stop out holding a position
    /// that is not closing and cannot close now. They are re-evaluated on every quote, time
    /// tick and trading-switch change, which is when a blocked position can become closable.
    mutating func updateStopOutBlocked(_ slot: Int32, equity: Int128, margin: Int128, stopOutLevel: Int128) {
        var blocked = false
        if equity * 100 <= stopOutLevel * margin {
            let group = accounts[Int(slot)].spec.group
            outer: for e in accounts[Int(slot)].exposures {
                for p in exposures[Int(e)]!.positions where positions[Int(p)]!.closingOrder == 0 {
                    if closingAllowed(positions[Int(p)]!.symbol, group: group) != nil { blocked = true; break outer }
                }
            }
        }
        if blocked { stopOutBlockedAccounts.insert(slot) } else { stopOutBlockedAccounts.remove(slot) }
    }

    /// Queues the blocked accounts for evaluation (see `updateStopOutBlocked`).
    mutating func recheckBlockedStopOuts() {
        for slot in stopOutBlockedAccounts { markRiskDirty(slot) }
    }

    mutating func retireRiskTriggers(_ slot: Int32) {
        let group = accounts[Int(slot)].spec.group
        for t in accounts[Int(slot)].riskTriggers { retireTrigger(side: t.side, symbol: t.symbol, group: group) }
        accounts[Int(slot)].riskTriggers.removeAll(keepingCapacity: true)
        accounts[Int(slot)].riskVersion = 0
    }

    /// Registers the account's risk triggers from its state now (no evaluation).
    mutating func registerRiskTriggers(_ slot: Int32) {
        retireRiskTriggers(slot)
        guard let (equity, margin) = riskFigures(slot) else { return }
        placeRiskTriggers(slot, equity: equity, margin: margin)
    }

    /// Places the triggers for an account whose old ones are retired, from its current
    /// equity and margin.
    private mutating func placeRiskTriggers(_ slot: Int32, equity: Int128, margin: Int128) {
        let account = (spec: accounts[Int(slot)].spec, inMarginCall: accounts[Int(slot)].inMarginCall, exposures: accounts[Int(slot)].exposures)
        let (stopOutLevel, marginCallLevel, rearmLevel) = groupLevels(account.spec.group)
        let level = account.inMarginCall ? stopOutLevel : marginCallLevel
        let slack = equity - FixedMath.divideRounded(level * margin, 100)
        let recovery = account.inMarginCall ? FixedMath.divideRounded(rearmLevel * margin, 100) - equity : 0

        // The symbols it depends on: position symbols, then conversion symbols (in a buffer
        // kept between evaluations, so an evaluation does not allocate).
        var watched = riskScratch
        riskScratch = []
        watched.removeAll(keepingCapacity: true)
        for e in account.exposures {
            let x = exposures[Int(e)]!
            watched.append(WatchedSymbol(symbol: x.symbol, long: x.longVolume, short: x.shortVolume, isConversion: false, exposure: 0))
        }
        let positionSymbols = watched.count
        for i in 0 ..< positionSymbols {
            let spec = symbols[Int(watched[i].symbol)]
            guard spec.profitCurrency != account.spec.currency,
                  let route = conversionRoutes[Self.currencyPairKey(spec.profitCurrency, account.spec.currency)] else { continue }
            let x = exposures[Int(existingExposure(account: slot, symbol: watched[i].symbol)!)]!
            let f = floating(x, group: account.spec.group) ?? 0
            if let j = watched.firstIndex(where: { $0.isConversion && $0.symbol == route.symbol }) {
                watched[j].exposure += f < 0 ? -f : f
            } else {
                watched.append(WatchedSymbol(symbol: route.symbol, long: 0, short: 0, isConversion: true, exposure: f < 0 ? -f : f))
            }
        }
        let hasConversions = watched.count > positionSymbols
        let n = Int128(max(1, watched.count))
        let version = nextTriggerVersion
        nextTriggerVersion += 1
        accounts[Int(slot)].riskVersion = version
        accounts[Int(slot)].riskTriggers.removeAll(keepingCapacity: true)
        let tieBreak = Self.tieBreak(.risk(slot))
        for w in watched {
            let (bid, ask) = clientQuote(w.symbol, group: account.spec.group)
            guard bid > 0 else { continue }
            // Money per tick of this symbol. For a symbol whose profit is in the account's
            // currency this is exact (P&L is linear in its price); where a conversion is
            // involved a fourfold margin covers the cross terms.
            let perTick: Int128
            if w.isConversion {
                perTick = w.exposure * 4 / Int128(max(1, bid)) + 1
            } else {
                let v = Int128(w.long) + Int128(w.short)
                let tick = accountMoney(ofCost: v, symbol: w.symbol, slot: slot) ?? v
                let exact = !hasConversions && symbols[Int(w.symbol)].profitCurrency == account.spec.currency
                perTick = (tick < 0 ? -tick : tick) * (exact ? 1 : 4) + 1
            }
            let cap = Int128(bid / 200)
            let down = slack <= 0 ? 0 : min(cap, slack / (n * perTick))
            let up = recovery <= 0 ? 0 : min(cap, recovery / (n * perTick))
            let book = Int(triggerBook(w.symbol, account.spec.group))
            func add(_ side: TriggerSide, _ price: Int64) {
                triggerBooks[book].heaps[side.rawValue].push(
                    TriggerEntry(key: side == .askAtOrAbove || side == .bidAtOrAbove ? price : -price, sequence: tieBreak,
                                 target: .risk(slot), version: version))
                accounts[Int(slot)].riskTriggers.append((w.symbol, side))
            }
            if w.long > 0 || w.isConversion { add(.bidAtOrBelow, bid - Int64(down)) }
            if w.short > 0 || w.isConversion { add(.askAtOrAbove, ask + Int64(down)) }
            if account.inMarginCall {
                if w.long > 0 || w.isConversion { add(.bidAtOrAbove, bid + Int64(up) + 1) }
                if w.short > 0 || w.isConversion { add(.askAtOrBelow, ask - Int64(up) - 1) }
            }
        }
        riskScratch = watched
    }

    /// Closes positions, largest margin first (ties: lowest id), until the level is above the
    /// stop out level or none remain; see the type's notes.
    mutating func stopOut(_ slot: Int32, equity: Int128, margin: Int128) {
        let account = accounts[Int(slot)]
        let group = groups[Int(account.spec.group)]
        events.append(.stopOut(account: account.spec.id, equity: FixedMath.narrow(equity) ?? 0, margin: FixedMath.narrow(margin) ?? 0))
        var candidates: [Position] = []
        for e in account.exposures {
            for p in exposures[Int(e)]!.positions { if let position = positions[Int(p)], position.closingOrder == 0 { candidates.append(position) } }
        }
        candidates.sort { $0.margin != $1.margin ? $0.margin > $1.margin : $0.id < $1.id }
        var releasedAtLPs: Int128 = 0
        for p in candidates {
            guard let (e, m) = riskFigures(slot) else { break }
            if e * 100 > Int128(group.stopOutLevelPercent) * (m - releasedAtLPs) { break }
            if let blocked = closingAllowed(p.symbol, group: account.spec.group) {
                events.append(.stopOutBlocked(account: account.spec.id, position: p.id, reason: blocked))
                continue
            }
            guard let pslot = positionSlot[p.id] else { continue }
            if p.book == .a {
                routeClientClose(pslot, volume: p.volume, orderID: derivedOrderID(), cause: .stopOut)
                releasedAtLPs += Int128(p.margin)
                continue
            }
            let (bid, ask) = clientQuote(p.symbol, group: account.spec.group)
            let price = p.side == .buy ? bid : ask
            guard let plan = planReduction(p, volume: p.volume, priceTicks: price) else { continue }
            if reducePosition(pslot, volume: p.volume, priceTicks: price, plan: plan, cause: lastSequence, closeCause: .stopOut) {
                hedgeCloseIfCBook(p, closedVolume: p.volume)
            }
        }
        let after = accounts[Int(slot)]
        if group.negativeBalanceProtection, after.openPositions == 0, after.balance < 0 {
            post(.negativeBalanceProtection, from: .house(.adjustments), to: .clientBalance(after.spec.id), amount: -after.balance,
                 currency: after.spec.currency, cause: lastSequence, reference: 0, detail: 0)
        }
        accountUpdated(slot)
    }
}
