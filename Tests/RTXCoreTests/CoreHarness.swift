import RTXCore

/// Money and volume literals in the core's fixed point, for readable tests.
enum Fx {
    static func money(_ units: Int64, _ e8: Int64 = 0) -> Int64 { units * 100_000_000 + e8 }
    static func lots(_ hundredths: Int64) -> Int64 { hundredths * 1_000_000 }   // 0.01 lot steps
}

let USD = Currency("USD")!
let EUR = Currency("EUR")!
let JPY = Currency("JPY")!
let BTC = Currency("BTC")!

/// A core with EURUSD, BTCUSD and USDJPY defined, one group, and helpers that sequence
/// commands (sequence +1, time +1 ms by default).
final class CoreHarness {
    var core = TradingCore()
    var sequence: UInt64 = 0
    var timeNs: Int64 = 1_700_000_000_000_000_000    // 2023-11-14 22:13:20 UTC, a Tuesday
    var log: [Envelope] = []

    static let eurusd: SymbolSpec = SymbolSpec(
        name: "EURUSD", digits: 5, contractSizeE8: 100_000 * 100_000_000, volumeMin: 1_000_000, volumeMax: 100 * 100_000_000,
        volumeStep: 1_000_000, marginCurrency: EUR, profitCurrency: USD, minStopDistanceTicks: 10, sessions: .forex, maxQuoteAgeMs: 10_000)
    static let btcusd: SymbolSpec = SymbolSpec(
        name: "BTCUSD", digits: 2, contractSizeE8: 100_000_000, volumeMin: 100_000, volumeMax: 10 * 100_000_000,
        volumeStep: 100_000, marginCurrency: BTC, profitCurrency: USD, maxQuoteAgeMs: 10_000)
    static let usdjpy: SymbolSpec = SymbolSpec(
        name: "USDJPY", digits: 3, contractSizeE8: 100_000 * 100_000_000, volumeMin: 1_000_000, volumeMax: 100 * 100_000_000,
        volumeStep: 1_000_000, marginCurrency: USD, profitCurrency: JPY, sessions: .forex)

    let eurusd: SymbolIndex = 0
    let btcusd: SymbolIndex = 1
    let usdjpy: SymbolIndex = 2

    init() {
        apply(.defineSymbol(Self.eurusd))
        apply(.defineSymbol(Self.btcusd))
        apply(.defineSymbol(Self.usdjpy))
        apply(.defineGroup(GroupSpec(name: "retail", marginCallLevelPercent: 100, stopOutLevelPercent: 50)))
    }

    @discardableResult
    func apply(_ command: Command, advanceMs: Int64 = 1) -> [CoreEvent] {
        sequence += 1
        timeNs += advanceMs * 1_000_000
        let envelope = Envelope(sequence: sequence, timeNs: timeNs, command: command)
        log.append(envelope)
        core.apply(envelope)
        return core.events
    }

    func openAccount(_ id: AccountID, leverage: Int64 = 100, mode: PositionMode = .hedging, deposit: Int64 = 0) {
        apply(.openAccount(AccountSpec(id: id, group: 0, currency: USD, leverage: leverage, mode: mode)))
        if deposit > 0 { apply(.deposit(account: id, amount: deposit, method: .bankTransfer)) }
    }

    func quote(_ symbol: SymbolIndex, _ bid: Int64, _ ask: Int64) { apply(.quote(symbol: symbol, bidTicks: bid, askTicks: ask)) }

    @discardableResult
    func market(_ account: AccountID, _ symbol: SymbolIndex, _ side: Side, _ volume: Int64, client: String? = nil,
                routing: RoutingChoice = .bBook, protection: Protection = .none) -> [CoreEvent] {
        apply(.placeMarketOrder(MarketOrderRequest(account: account, clientOrderID: client.flatMap(ClientOrderID.init) ?? .none,
                                                   symbol: symbol, side: side, volume: volume, routing: routing, protection: protection)))
    }

    func summary(_ id: AccountID) -> TradingCore.AccountSummary { core.accountSummary(id)! }

    /// The last order event of the last command.
    func lastOrder(_ events: [CoreEvent]) -> OrderEvent? {
        events.reversed().lazy.compactMap { if case .order(let o) = $0 { o } else { nil } }.first
    }

    func rejection(_ events: [CoreEvent]) -> RejectReason? {
        for e in events.reversed() {
            if case .order(let o) = e, o.state == .rejected { return o.reason }
            if case .commandRejected(_, let r) = e { return r }
        }
        return nil
    }

    func ledgerEntries(_ events: [CoreEvent]) -> [LedgerEntry] {
        events.compactMap { if case .ledger(let l) = $0 { l } else { nil } }
    }

    func positionEvents(_ events: [CoreEvent]) -> [PositionEvent] {
        events.compactMap { if case .position(let p) = $0 { p } else { nil } }
    }
}

extension CoreHarness {
    @discardableResult
    func pending(_ account: AccountID, _ symbol: SymbolIndex, _ side: Side, _ type: PendingType, _ volume: Int64, price: Int64,
                 limit: Int64 = 0, expires: Int64 = 0, protection: Protection = .none, routing: RoutingChoice = .bBook) -> [CoreEvent] {
        apply(.placePendingOrder(PendingOrderRequest(account: account, symbol: symbol, side: side, type: type, volume: volume,
                                                     priceTicks: price, limitPriceTicks: limit, expiresAtNs: expires,
                                                     protection: protection, routing: routing)))
    }

    func orders(_ events: [CoreEvent]) -> [OrderEvent] {
        events.compactMap { if case .order(let o) = $0 { o } else { nil } }
    }

    func routes(_ events: [CoreEvent]) -> [LPRoute] {
        events.compactMap { if case .routeToLP(let r) = $0 { r } else { nil } }
    }

    func alerts(_ events: [CoreEvent]) -> [CoreAlert] {
        events.compactMap { if case .alert(let a) = $0 { a } else { nil } }
    }

    @discardableResult
    func report(_ order: UInt64, _ exec: String, _ kind: LPExecution.Kind, price: Int64 = 0, volume: Int64 = 0) -> [CoreEvent] {
        apply(.executionReport(LPExecution(engineOrderID: order, execID: exec, kind: kind, lastPriceTicks: price, lastVolume: volume)))
    }
}
