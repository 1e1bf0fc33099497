import RTXCore

/// The engine benchmark's book and inputs: `symbols` EUR/USD-like symbols SYM0... (5 digits,
/// 100,000 per lot, margin in EUR, profit in USD, quotes valid an hour so the market stays
/// open without a quote stream), one group, `accounts` netting USD accounts at 1:100 with
/// 1,000,000 USD each.
///
/// Orders come in pairs on one account: a buy that opens a position and a sell of the same
/// volume that closes it, so memory stays bounded (at most one position per account and
/// symbol). Submitter t owns accounts t+1, t+1+submitters, ... and nobody else trades them, so
/// each pair reaches the sequencer in order. Money and prices are fixed-point integers.
struct EngineOrderFlow: Sendable {
    let accounts: Int
    let symbols: Int
    let submitters: Int

    /// 1.00000 in ticks; quotes stay within ±10 ticks of it with a 10-tick spread.
    static let midTicks: Int64 = 100_000
    static let spreadTicks: Int64 = 10
    /// 0.1 lot in 1e-8 lots.
    static let tenthLotE8: Int64 = 10_000_000
    /// Each account's deposit, 1e-8 USD.
    static let depositE8: Int64 = 1_000_000 * 100_000_000

    init(accounts: Int, symbols: Int, submitters: Int) {
        precondition(accounts >= submitters && submitters > 0 && symbols > 0)
        self.accounts = accounts
        self.symbols = symbols
        self.submitters = submitters
    }

    var symbolSpecs: [SymbolSpec] {
        (0 ..< symbols).map { s in
            SymbolSpec(name: "SYM\(s)", digits: 5, contractSizeE8: 100_000 * 100_000_000, volumeMin: 1_000_000,
                       volumeMax: 100 * 100_000_000, volumeStep: 1_000_000, marginCurrency: Currency("EUR")!,
                       profitCurrency: Currency("USD")!, minStopDistanceTicks: 0, maxQuoteAgeMs: 3_600_000)
        }
    }

    var groupSpecs: [GroupSpec] { [GroupSpec(name: "retail")] }

    var accountOpenings: [(spec: AccountSpec, deposit: Int64)] {
        (1 ... accounts).map { id in
            (AccountSpec(id: AccountID(id), group: 0, currency: Currency("USD")!, leverage: 100, mode: .netting), Self.depositE8)
        }
    }

    /// The `index`-th order of `submitter` (see the type's contract): 0.1 to 0.5 lot, B-Book
    /// (the engine runs without a routing plugin, so the request's routing stands).
    func order(submitter: Int, index: Int) -> Command {
        let pair = index / 2
        let perSubmitter = accounts / submitters
        let account = AccountID(submitter + 1 + (pair % perSubmitter) * submitters)
        let side: Side = index % 2 == 0 ? .buy : .sell
        return .placeMarketOrder(MarketOrderRequest(account: account, clientOrderID: .none, symbol: SymbolIndex(pair % symbols),
                                                    side: side, volume: Self.tenthLotE8 * Int64(1 + pair % 5)))
    }

    /// Quote number `index` of `submitter`: symbols in turn, bid within ±10 ticks of 1.00000.
    func quote(submitter: Int, index: Int) -> Command {
        let bid = Self.midTicks + Int64((index * 7 + submitter * 3) % 21) - 10
        return .quote(symbol: SymbolIndex(index % symbols), bidTicks: bid, askTicks: bid + Self.spreadTicks)
    }

    /// `quotesPerOrder` quotes, then an order, and again (the orders in the same pairs as `order`).
    func mixed(submitter: Int, index: Int, quotesPerOrder: Int) -> Command {
        let cycle = quotesPerOrder + 1
        if index % cycle < quotesPerOrder { return quote(submitter: submitter, index: index) }
        return order(submitter: submitter, index: index / cycle)
    }
}
