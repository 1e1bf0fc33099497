/// Fees from the schedule in force: commission on entry and exit, the markup (in client
/// prices, and as revenue on A-Book fills), and swaps at rollover.
///
/// Commission: the tier for the trade's volume, `per lot × volume` but at least the tier's
/// minimum, in the tier's currency converted to the account's (as a charge), rounded to the
/// money unit; posted from the client's balance to the house commission account.
/// Swap: per position, long or short rate by mode, three times on the triple-swap weekday,
/// converted to the account's currency; positive rates are paid to the client.
extension TradingCore {
    mutating func setFeeSchedule(_ schedule: FeeScheduleSpec, _ seq: UInt64) {
        if let problem = schedule.problem(symbolCount: symbols.count, groupCount: groups.count) { return reject(seq, problem) }
        feeSchedule = schedule
        feeScheduleID = seq
        rebuildMarkupTable()
        events.append(.feeScheduleChanged(id: seq))
        // Client prices moved: triggers resting at client prices may now be crossed, and
        // every account with margin is re-evaluated.
        for s in 0 ..< symbols.count where bids[s] > 0 { processTriggers(SymbolIndex(s)) }
        for slot in 0 ..< accounts.count where accounts[slot].margin > 0 { markRiskDirty(Int32(slot)) }
    }

    /// Commission for a trade of `volume` in the account's currency (0 when none applies).
    func commission(slot: Int32, symbol: SymbolIndex, volume: Int64, entry: Bool) -> Int64? {
        guard !feeSchedule.commissionTiers.isEmpty else { return 0 }
        let account = (spec: accounts[Int(slot)].spec, ())
        guard let tier = feeSchedule.commissionTier(group: account.spec.group, symbol: symbol, volume: volume) else { return 0 }
        let charged = switch tier.charge {
        case .onEntry: entry
        case .onExit: !entry
        case .onEntryAndExit: true
        }
        guard charged else { return 0 }
        let perVolume = FixedMath.divideRounded(Int128(tier.perLotMoney) * Int128(volume), Int128(Scale.volume))
        let amount = max(perVolume, Int128(tier.minimumMoney))
        guard let converted = convert(amount, from: tier.currency, to: account.spec.currency, clientReceives: false) else { return nil }
        return FixedMath.narrow(converted)
    }

    /// Charges the commission of a fill or a close.
    mutating func chargeCommission(slot: Int32, symbol: SymbolIndex, volume: Int64, entry: Bool, cause: UInt64, reference: UInt64) {
        guard let amount = commission(slot: slot, symbol: symbol, volume: volume, entry: entry), amount > 0 else { return }
        let account = (spec: accounts[Int(slot)].spec, ())
        post(.commission, from: .clientBalance(account.spec.id), to: .house(.commission), amount: amount, currency: account.spec.currency,
             cause: cause, reference: reference, detail: feeScheduleID)
    }

    /// The client's price for an A-Book fill at the LP's price: the group's markup on top.
    func clientFillPrice(lpPriceTicks: Int64, side: Side, symbol: SymbolIndex, slot: Int32) -> Int64 {
        guard !markupTable.isEmpty else { return lpPriceTicks }
        let markup = markupTable[Int(accounts[Int(slot)].spec.group) * symbols.count + Int(symbol)]
        let q = ClientPricing.clientQuote(rawBid: lpPriceTicks, rawAsk: lpPriceTicks, markup: markup)
        return side == .buy ? q.ask : max(1, q.bid)
    }

    /// The markup earned on an A-Book fill (the LP pays it, through the settlement account).
    mutating func postMarkupRevenue(lpPriceTicks: Int64, clientPriceTicks: Int64, volume: Int64, symbol: SymbolIndex, cause: UInt64, reference: UInt64) {
        let spec = symbols[Int(symbol)]
        let difference = abs(clientPriceTicks - lpPriceTicks)
        guard difference > 0, let money = FixedMath.money(ofCost: Int128(difference) * Int128(volume), contractSizeE8: spec.contractSizeE8, digits: spec.digits),
              let amount = FixedMath.narrow(money), amount > 0 else { return }
        post(.markup, from: .house(.lpSettlement), to: .house(.markup), amount: amount, currency: spec.profitCurrency, cause: cause,
             reference: reference, detail: feeScheduleID)
    }

    /// The daily rollover: swap on every open position, in id order.
    mutating func rollover(_ seq: UInt64) {
        let weekday = Int(TradingSessions.minuteOfWeek(lastTimeNs) / 1440)
        var open = positions.compactMap { $0 }
        open.sort { $0.id < $1.id }
        var touched: [Int32] = []
        for p in open {
            let account = accounts[Int(p.accountIndex)]
            guard let rate = feeSchedule.swap(group: account.spec.group, symbol: p.symbol) else { continue }
            let spec = symbols[Int(p.symbol)]
            let perDay = p.side == .buy ? rate.long : rate.short
            let days: Int128 = weekday == rate.tripleWeekday ? 3 : 1
            var amount: Int128
            switch rate.mode {
            case .points:
                guard let m = FixedMath.money(ofCost: Int128(perDay) * Int128(p.volume), contractSizeE8: spec.contractSizeE8, digits: spec.digits) else { continue }
                amount = m
            case .moneyPerLot:
                amount = FixedMath.divideRounded(Int128(perDay) * Int128(p.volume), Int128(Scale.volume))
            case .annualPPM:
                let price = p.side == .buy ? bids[Int(p.symbol)] : asks[Int(p.symbol)]
                guard let notional = FixedMath.money(ofCost: FixedMath.cost(volume: p.volume, priceTicks: price), contractSizeE8: spec.contractSizeE8, digits: spec.digits) else { continue }
                amount = FixedMath.divideRounded(notional * Int128(perDay), 360 * 1_000_000)
            }
            amount *= days
            guard let converted = toAccount(amount, from: spec.profitCurrency, slot: p.accountIndex), let value = FixedMath.narrow(converted), value != 0 else { continue }
            if value > 0 {
                post(.swap, from: .house(.swap), to: .clientBalance(account.spec.id), amount: value, currency: account.spec.currency, cause: seq, reference: p.id, detail: feeScheduleID)
            } else {
                post(.swap, from: .clientBalance(account.spec.id), to: .house(.swap), amount: -value, currency: account.spec.currency, cause: seq, reference: p.id, detail: feeScheduleID)
            }
            if touched.last != p.accountIndex { touched.append(p.accountIndex) }
        }
        for slot in Set(touched).sorted() { accountUpdated(slot) }
    }
}
