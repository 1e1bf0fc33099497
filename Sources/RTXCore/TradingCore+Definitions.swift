/// Definitions (symbols, groups, accounts) and quotes.
extension TradingCore {
    mutating func defineSymbol(_ spec: SymbolSpec, _ seq: UInt64) {
        if let problem = spec.problem() { return reject(seq, problem) }
        guard symbolByName[spec.name] == nil else { return reject(seq, .duplicateName) }
        guard symbols.count < Int(Int32.max) else { return reject(seq, .overflow) }
        let index = SymbolIndex(symbols.count)
        symbols.append(spec)
        symbolByName[spec.name] = index
        bids.append(0)
        asks.append(0)
        quoteTimes.append(0)
        bidVolumes.append(0)
        askVolumes.append(0)
        symbolTriggerGroups.append([])
        exposureTotals.resize(groups: groups.count, symbols: symbols.count)
        rebuildConversionRoutes()
        rebuildMarkupTable()
        events.append(.symbolDefined(index))
    }

    mutating func setTradingState(_ symbol: SymbolIndex, _ state: TradingState, _ seq: UInt64) {
        guard validSymbol(symbol) else { return reject(seq, .unknownSymbol) }
        symbols[Int(symbol)].tradingState = state
        events.append(.symbolTradingStateChanged(symbol, state))
    }

    mutating func setGroupTradingState(_ group: GroupIndex, _ state: TradingState, _ seq: UInt64) {
        guard group >= 0, Int(group) < groups.count else { return reject(seq, .unknownGroup) }
        groupTradingStates[Int(group)] = state
        events.append(.groupTradingStateChanged(group, state))
    }

    mutating func setGlobalTradingState(_ state: TradingState) {
        globalTradingState = state
        events.append(.globalTradingStateChanged(state))
    }

    /// The state that applies to an account of `group` trading `symbol`: the strictest of the
    /// global, group and symbol switches (full < close only < disabled).
    @inline(__always)
    func tradingState(_ symbol: SymbolIndex, group: GroupIndex) -> TradingState {
        let strictest = max(globalTradingState.rawValue, groupTradingStates[Int(group)].rawValue, symbols[Int(symbol)].tradingState.rawValue)
        return TradingState(rawValue: strictest)!
    }

    /// Which trading switch refuses an order of an account of `group` in `symbol`, or nil.
    /// Orders that only reduce or close pass close-only switches. A halt is reported before a
    /// close-only switch, and the wider scope first (global, group, symbol).
    func tradingSwitchProblem(_ symbol: SymbolIndex, group: GroupIndex, reducing: Bool) -> RejectReason? {
        let states = (globalTradingState, groupTradingStates[Int(group)], symbols[Int(symbol)].tradingState)
        if states.0 == .disabled { return .tradingHalted }
        if states.1 == .disabled { return .groupDisabled }
        if states.2 == .disabled { return .symbolDisabled }
        if reducing { return nil }
        if states.0 == .closeOnly { return .globalCloseOnly }
        if states.1 == .closeOnly { return .groupCloseOnly }
        if states.2 == .closeOnly { return .symbolCloseOnly }
        return nil
    }

    mutating func defineGroup(_ spec: GroupSpec, _ seq: UInt64) {
        if let problem = spec.problem() { return reject(seq, problem) }
        guard groupByName[spec.name] == nil else { return reject(seq, .duplicateName) }
        guard groups.count < Int(Int32.max) else { return reject(seq, .overflow) }
        let index = GroupIndex(groups.count)
        groups.append(spec)
        groupTradingStates.append(.full)
        exposureTotals.resize(groups: groups.count, symbols: symbols.count)
        groupByName[spec.name] = index
        rebuildMarkupTable()
        events.append(.groupDefined(index))
    }

    mutating func openAccount(_ spec: AccountSpec, _ seq: UInt64) {
        guard accountIndex[spec.id] == nil else { return reject(seq, .duplicateAccount) }
        guard spec.group >= 0, Int(spec.group) < groups.count else { return reject(seq, .unknownGroup) }
        guard (1 ... 10_000).contains(spec.leverage) else { return reject(seq, .invalidSpec(.leverage)) }
        accountIndex[spec.id] = Int32(accounts.count)
        accounts.append(AccountState(spec: spec))
        events.append(.accountOpened(spec.id))
    }

    mutating func setAccountStatus(_ id: AccountID, _ status: AccountStatus, _ seq: UInt64) {
        guard let slot = accountSlot(id) else { return reject(seq, .unknownAccount) }
        accounts[Int(slot)].status = status
        events.append(.accountStatusChanged(id, status))
    }

    /// Stores the raw quote. Crossed or non-positive quotes are refused (the LP manager should
    /// never let one through).
    mutating func applyQuote(_ symbol: SymbolIndex, _ bid: Int64, _ ask: Int64, _ bidVolume: Int64, _ askVolume: Int64, _ seq: UInt64) {
        guard validSymbol(symbol) else { return reject(seq, .unknownSymbol) }
        guard bid > 0, ask >= bid, bidVolume >= 0, askVolume >= 0 else { return reject(seq, .invalidQuote) }
        bids[Int(symbol)] = bid
        asks[Int(symbol)] = ask
        bidVolumes[Int(symbol)] = bidVolume
        askVolumes[Int(symbol)] = askVolume
        quoteTimes[Int(symbol)] = lastTimeNs
        processTriggers(symbol)
    }

    // MARK: money in and out

    mutating func deposit(_ id: AccountID, _ amount: Int64, _ method: PaymentMethod, _ seq: UInt64) {
        guard let slot = accountSlot(id) else { return reject(seq, .unknownAccount) }
        guard amount > 0 else { return reject(seq, .nonPositiveAmount) }
        let currency = accounts[Int(slot)].spec.currency
        guard post(.deposit, from: .house(.cashInOut), to: .clientBalance(id), amount: amount, currency: currency,
                   cause: seq, reference: 0, detail: UInt64(method.rawValue)) else { return reject(seq, .overflow) }
        accountUpdated(slot)
    }

    /// Refused above what may leave: the balance, and the free margin (a withdrawal must not
    /// put open positions at risk; credit is never withdrawable).
    mutating func withdraw(_ id: AccountID, _ amount: Int64, _ method: PaymentMethod, _ seq: UInt64) {
        guard let slot = accountSlot(id) else { return reject(seq, .unknownAccount) }
        guard amount > 0 else { return reject(seq, .nonPositiveAmount) }
        guard let free = freeMargin(slot) else { return reject(seq, .overflow) }
        let available = max(0, min(accounts[Int(slot)].balance, free))
        guard amount <= available else { return reject(seq, .insufficientFunds(available: available)) }
        let currency = accounts[Int(slot)].spec.currency
        guard post(.withdrawal, from: .clientBalance(id), to: .house(.cashInOut), amount: amount, currency: currency,
                   cause: seq, reference: 0, detail: UInt64(method.rawValue)) else { return reject(seq, .overflow) }
        accountUpdated(slot)
    }

    /// A signed balance correction; the admin's reason stays in the journaled command.
    mutating func adjust(_ id: AccountID, _ amount: Int64, _ admin: UInt64, _ seq: UInt64) {
        guard let slot = accountSlot(id) else { return reject(seq, .unknownAccount) }
        guard amount != 0, amount != Int64.min else { return reject(seq, .nonPositiveAmount) }
        let currency = accounts[Int(slot)].spec.currency
        let ok = amount > 0
            ? post(.adjustment, from: .house(.adjustments), to: .clientBalance(id), amount: amount, currency: currency, cause: seq, reference: 0, detail: admin)
            : post(.adjustment, from: .clientBalance(id), to: .house(.adjustments), amount: -amount, currency: currency, cause: seq, reference: 0, detail: admin)
        guard ok else { return reject(seq, .overflow) }
        accountUpdated(slot)
    }

    /// Bonus credit granted (positive) or removed (negative, at most the credit held).
    mutating func grantCredit(_ id: AccountID, _ amount: Int64, _ admin: UInt64, _ seq: UInt64) {
        guard let slot = accountSlot(id) else { return reject(seq, .unknownAccount) }
        guard amount != 0, amount != Int64.min else { return reject(seq, .nonPositiveAmount) }
        let currency = accounts[Int(slot)].spec.currency
        if amount < 0, -amount > accounts[Int(slot)].credit {
            return reject(seq, .insufficientFunds(available: accounts[Int(slot)].credit))
        }
        let ok = amount > 0
            ? post(.bonus, from: .house(.bonus), to: .clientCredit(id), amount: amount, currency: currency, cause: seq, reference: 0, detail: admin)
            : post(.bonus, from: .clientCredit(id), to: .house(.bonus), amount: -amount, currency: currency, cause: seq, reference: 0, detail: admin)
        guard ok else { return reject(seq, .overflow) }
        accountUpdated(slot)
    }
}
