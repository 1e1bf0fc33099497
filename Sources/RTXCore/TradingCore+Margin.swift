/// Margin, floating P&L and equity.
///
/// Rules (all amounts in the account currency at 1e-8):
/// - A position's margin is fixed when it opens (and recomputed when a netting position is
///   added to): money(cost) / leverage, where money(cost) is the notional at the open price
///   (volume × contract size × price). Reductions release margin in proportion.
/// - Hedged margin: in one symbol, opposite positions hold only the margin of the larger side.
/// - Floating P&L values longs at the client bid and shorts at the client ask.
/// - equity = balance + credit + floating P&L; free margin = equity - margin;
///   margin level = equity × 100 / margin (percent), undefined without margin.
/// Profit and margin in another currency than the account's are converted (see `Conversion`).
extension TradingCore {
    /// The margin, in the account's currency, of a position of `cost` (Σ volume × price) in
    /// `symbol`: the notional in the profit currency over the account's leverage, converted
    /// at the side that makes it larger. Nil without a conversion (or on overflow).
    @inline(__always)
    func margin(ofCost cost: Int128, symbol: SymbolIndex, slot: Int32) -> Int64? {
        let spec = symbols[Int(symbol)]
        guard let notional = FixedMath.money(ofCost: cost, contractSizeE8: spec.contractSizeE8, digits: spec.digits) else { return nil }
        let inProfitCurrency = FixedMath.divideRounded(notional, Int128(accounts[Int(slot)].spec.leverage))
        guard let converted = convert(inProfitCurrency, from: spec.profitCurrency, to: accounts[Int(slot)].spec.currency, clientReceives: false) else { return nil }
        return FixedMath.narrow(converted)
    }

    /// Money of `cost` ticks × volume in `symbol`, converted to the account's currency.
    @inline(__always)
    func accountMoney(ofCost cost: Int128, symbol: SymbolIndex, slot: Int32) -> Int128? {
        let spec = symbols[Int(symbol)]
        guard let money = FixedMath.money(ofCost: cost, contractSizeE8: spec.contractSizeE8, digits: spec.digits) else { return nil }
        return toAccount(money, from: spec.profitCurrency, slot: slot)
    }

    /// Floating P&L of one exposure at the client quote of the account's group, in the
    /// account's currency.
    @inline(__always)
    func floating(_ e: Exposure, group: GroupIndex) -> Int128? {
        if e.longVolume == 0 && e.shortVolume == 0 { return 0 }
        let (bid, ask) = clientQuote(e.symbol, group: group)
        let open = FixedMath.cost(volume: e.longVolume, priceTicks: bid) - e.longCost
            + e.shortCost - FixedMath.cost(volume: e.shortVolume, priceTicks: ask)
        return accountMoney(ofCost: open, symbol: e.symbol, slot: e.accountIndex)
    }

    /// Σ floating P&L of an account.
    func floating(_ slot: Int32) -> Int128? {
        let group = accounts[Int(slot)].spec.group
        var total: Int128 = 0
        for i in accounts[Int(slot)].exposures.indices {
            guard let f = floating(exposures[Int(accounts[Int(slot)].exposures[i])]!, group: group) else { return nil }
            total += f
        }
        return total
    }

    func equity(_ slot: Int32) -> Int64? {
        guard let f = floating(slot) else { return nil }
        let a = accounts[Int(slot)]
        return FixedMath.narrow(Int128(a.balance) + Int128(a.credit) + f)
    }

    func freeMargin(_ slot: Int32) -> Int64? {
        guard let e = equity(slot) else { return nil }
        return FixedMath.narrow(Int128(e) - Int128(accounts[Int(slot)].margin) - Int128(accounts[Int(slot)].reservedMargin))
    }

    /// An account as a client or dealer sees it.
    public struct AccountSummary: Equatable, Sendable {
        public var id: AccountID
        public var currency: Currency
        public var group: GroupIndex
        public var leverage: Int64
        public var mode: PositionMode
        public var status: AccountStatus
        public var balance: Int64
        public var credit: Int64
        public var floatingPnl: Int64
        public var equity: Int64
        public var margin: Int64
        /// Margin reserved for A-Book orders waiting at LPs.
        public var reservedMargin: Int64
        public var freeMargin: Int64
        /// equity × 100 / margin, rounded to 1e-8 percent (0 without margin).
        public var marginLevelPercentE8: Int64
        public var openPositions: Int
        public var statistics: TradingStatistics
    }

    /// The account's figures now, or nil for an unknown account (or an out-of-range sum).
    public func accountSummary(_ id: AccountID) -> AccountSummary? {
        guard let slot = accountSlot(id), let f = floating(slot), let floatingPnl = FixedMath.narrow(f),
              let equity = equity(slot), let free = freeMargin(slot) else { return nil }
        let a = accounts[Int(slot)]
        let level: Int64 = a.margin == 0 ? 0
            : FixedMath.narrow(FixedMath.divideRounded(Int128(equity) * 100 * Int128(Scale.money), Int128(a.margin))) ?? 0
        return AccountSummary(id: id, currency: a.spec.currency, group: a.spec.group, leverage: a.spec.leverage, mode: a.spec.mode,
                              status: a.status, balance: a.balance, credit: a.credit, floatingPnl: floatingPnl, equity: equity,
                              margin: a.margin, reservedMargin: a.reservedMargin, freeMargin: free, marginLevelPercentE8: level, openPositions: a.openPositions,
                              statistics: a.statistics)
    }

    /// An open position as a client sees it.
    public struct PositionSummary: Equatable, Sendable {
        public var id: PositionID
        public var account: AccountID
        public var symbol: SymbolIndex
        public var side: Side
        public var book: Book
        public var volume: Int64
        /// The average open price, ticks, rounded (the exact cost is kept internally).
        public var averagePriceTicks: Int64
        public var margin: Int64
        public var floatingPnl: Int64
        public var openTimeNs: Int64
        /// A close is on its way to the LP (A-Book).
        public var closing: Bool = false
        public var protection: Protection = .none
    }

    /// An account's open positions, by id.
    public func positions(of id: AccountID) -> [PositionSummary] {
        guard let slot = accountSlot(id) else { return [] }
        let account = accounts[Int(slot)]
        var out: [PositionSummary] = []
        for e in account.exposures {
            for p in exposures[Int(e)]!.positions {
                if let summary = summary(of: positions[Int(p)]!, group: account.spec.group) { out.append(summary) }
            }
        }
        return out.sorted { $0.id < $1.id }
    }

    func summary(of p: Position, group: GroupIndex) -> PositionSummary? {
        let spec = symbols[Int(p.symbol)]
        let (bid, ask) = clientQuote(p.symbol, group: group)
        let value = FixedMath.cost(volume: p.volume, priceTicks: p.side == .buy ? bid : ask)
        _ = spec
        guard let f = accountMoney(ofCost: Int128(p.side.sign) * (value - p.cost), symbol: p.symbol, slot: p.accountIndex),
              let floatingPnl = FixedMath.narrow(f),
              let average = FixedMath.narrow(FixedMath.divideRounded(p.cost, Int128(p.volume))) else { return nil }
        return PositionSummary(id: p.id, account: accounts[Int(p.accountIndex)].spec.id, symbol: p.symbol, side: p.side, book: p.book,
                               volume: p.volume, averagePriceTicks: average, margin: p.margin, floatingPnl: floatingPnl,
                               openTimeNs: p.openTimeNs, closing: p.closingOrder != 0, protection: p.protection)
    }

    /// A position's stop loss, take profit and trailing distance, or nil for an unknown position.
    public func positionProtection(_ id: PositionID) -> Protection? { position(id)?.protection }

    /// Whether an account's positions in `symbol` could be closed now (not disabled globally,
    /// for its group or for the symbol; in session; fresh quote).
    public func canCloseNow(_ symbol: SymbolIndex, account id: AccountID) -> Bool {
        guard validSymbol(symbol), let slot = accountSlot(id) else { return false }
        return closingAllowed(symbol, group: accounts[Int(slot)].spec.group) == nil
    }

    /// The trading state that applies to an account of `group` in `symbol` (the strictest of
    /// the global, group and symbol switches), or nil for an unknown group or symbol.
    public func effectiveTradingState(symbol: SymbolIndex, group: GroupIndex) -> TradingState? {
        guard validSymbol(symbol), group >= 0, Int(group) < groups.count else { return nil }
        return tradingState(symbol, group: group)
    }

    /// The group settings of an account.
    public func groupSpec(of id: AccountID) -> GroupSpec? {
        guard let slot = accountSlot(id) else { return nil }
        return groups[Int(accounts[Int(slot)].spec.group)]
    }
}
