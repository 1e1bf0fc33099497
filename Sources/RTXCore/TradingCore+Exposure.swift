/// Exposure queries: what clients hold per symbol, book, group and account, and what the
/// house carries after its hedges. Every figure is read from totals kept at each position
/// change; nothing here walks the positions except `exposures(of:)`, which walks one account's
/// symbols.
extension TradingCore {
    /// Clients' holdings in `symbol`, for one book or all books (nil); nil for an unknown symbol.
    public func exposure(symbol: SymbolIndex, book: Book? = nil) -> NetExposure? {
        guard validSymbol(symbol) else { return nil }
        return exposureTotals.symbol(symbol, book: book)
    }

    /// Holdings of one group's accounts in `symbol`, for one book or all (nil).
    public func exposure(group: GroupIndex, symbol: SymbolIndex, book: Book? = nil) -> NetExposure? {
        guard validSymbol(symbol), group >= 0, Int(group) < groups.count else { return nil }
        return exposureTotals.group(group, symbol: symbol, book: book)
    }

    /// One account's holdings per symbol it has positions in, by symbol index; nil for an
    /// unknown account.
    public func exposures(of id: AccountID) -> [(symbol: SymbolIndex, exposure: NetExposure)]? {
        guard let slot = accountSlot(id) else { return nil }
        var result: [(symbol: SymbolIndex, exposure: NetExposure)] = []
        for e in accounts[Int(slot)].exposures {
            let x = exposures[Int(e)]!
            var net = NetExposure()
            net.longVolume = x.longVolume; net.longCost = x.longCost
            net.shortVolume = x.shortVolume; net.shortCost = x.shortCost
            result.append((x.symbol, net))
        }
        return result.sorted { $0.symbol < $1.symbol }
    }

    /// The house's own net volume in `symbol`, 1e-8 lots: the opposite of what B- and C-Book
    /// clients hold, plus the house's hedges at LPs (A-Book client positions are the LP's).
    public func houseNetVolume(_ symbol: SymbolIndex) -> Int64? {
        guard validSymbol(symbol) else { return nil }
        return -exposureTotals.symbol(symbol, book: .b).netVolume - exposureTotals.symbol(symbol, book: .c).netVolume
            + (houseHedges[symbol]?.volume ?? 0)
    }

    /// Values holdings at the current raw mid of `symbol` (halves rounded away from zero), in
    /// the symbol's profit currency; nil without a quote or when a figure overflows.
    public func valuation(_ e: NetExposure, symbol: SymbolIndex) -> ExposureValuation? {
        guard let q = rawQuote(symbol) else { return nil }
        let spec = symbols[Int(symbol)]
        // mid × volume without losing the half tick: (bid + ask) × volume / 2.
        func notional(_ volume: Int64) -> Int64? {
            let doubled = FixedMath.cost(volume: volume, priceTicks: q.bidTicks) + FixedMath.cost(volume: volume, priceTicks: q.askTicks)
            guard let money = FixedMath.money(ofCost: doubled, contractSizeE8: spec.contractSizeE8, digits: spec.digits) else { return nil }
            return FixedMath.narrow(FixedMath.divideRounded(money, 2))
        }
        guard let long = notional(e.longVolume), let short = notional(e.shortVolume) else { return nil }
        return ExposureValuation(exposure: e, currency: spec.profitCurrency, longNotional: long, shortNotional: short)
    }
}
