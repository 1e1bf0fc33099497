/// Currency conversion through the quotes of conversion symbols.
///
/// Money in currency X reaches an account in currency A through a symbol quoting A per X
/// (X/A, e.g. GBPUSD for GBP → USD: multiply) or X per A (A/X, e.g. USDJPY for JPY → USD:
/// divide); the lowest-indexed such symbol serves, at its raw quote. P&L and swap (floating
/// and realized, gains and losses alike) convert at the rate the house sells X for A: the bid
/// of X/A, or the ask of A/X; one rate for both signs keeps an account's floating P&L the sum
/// of its positions'. Charges (margin, commission) convert at the other side. Results are
/// rounded to the money unit, halves away from zero. Without such a symbol, or before it has
/// a quote, there is no conversion and orders needing one are refused.
extension TradingCore {
    struct ConversionRoute: Equatable {
        var symbol: SymbolIndex
        /// true: the symbol quotes X per A (divide); false: A per X (multiply).
        var inverted: Bool
    }

    static func currencyPairKey(_ from: Currency, _ to: Currency) -> UInt64 { UInt64(from.code) << 32 | UInt64(to.code) }

    /// Rebuilds the conversion routes after a symbol is defined.
    mutating func rebuildConversionRoutes() {
        var table: [UInt64: ConversionRoute] = [:]
        for (i, s) in symbols.enumerated() where s.marginCurrency != s.profitCurrency {
            let direct = Self.currencyPairKey(s.marginCurrency, s.profitCurrency)
            let inverse = Self.currencyPairKey(s.profitCurrency, s.marginCurrency)
            if table[direct] == nil { table[direct] = ConversionRoute(symbol: SymbolIndex(i), inverted: false) }
            if table[inverse] == nil { table[inverse] = ConversionRoute(symbol: SymbolIndex(i), inverted: true) }
        }
        conversionRoutes = table
    }

    /// Whether money in `from` can reach `to` now (same currency, or a route with a quote).
    func canConvert(_ from: Currency, to: Currency) -> Bool {
        if from == to { return true }
        guard let route = conversionRoutes[Self.currencyPairKey(from, to)] else { return false }
        return bids[Int(route.symbol)] > 0
    }

    /// `amount` (1e-8 units of `from`) in `to`; nil without a conversion (or on overflow).
    /// `clientReceives` picks the side: true for P&L and swap, false for charges.
    func convert(_ amount: Int128, from: Currency, to: Currency, clientReceives: Bool) -> Int128? {
        if from == to || amount == 0 { return amount }
        guard let route = conversionRoutes[Self.currencyPairKey(from, to)] else { return nil }
        let bid = bids[Int(route.symbol)], ask = asks[Int(route.symbol)]
        guard bid > 0 else { return nil }
        let scale = Int128(Scale.pow10(symbols[Int(route.symbol)].digits))
        if route.inverted {
            let price = Int128(clientReceives ? ask : bid)
            let (product, overflow) = amount.multipliedReportingOverflow(by: scale)
            return overflow ? nil : FixedMath.divideRounded(product, price)
        }
        let price = Int128(clientReceives ? bid : ask)
        let (product, overflow) = amount.multipliedReportingOverflow(by: price)
        return overflow ? nil : FixedMath.divideRounded(product, scale)
    }

    /// A P&L or swap amount in `from` converted for an account (both signs at one rate).
    @inline(__always)
    func toAccount(_ amount: Int128, from: Currency, slot: Int32) -> Int128? {
        convert(amount, from: from, to: accounts[Int(slot)].spec.currency, clientReceives: true)
    }
}
