import RTXCore
import RTXPluginHost

/// Quotes through the core with many open positions and margin-call and stop-out detection
/// on: each account watches the symbols it holds through risk trigger prices, so a quote
/// re-evaluates only the accounts whose trigger it crosses. 100,000 positions should cost
/// about what 1,000 do.
enum CoreRiskBench {
    static let symbols = 20
    static let quotes = 5_000_000
    static let positionsPerAccount = 10

    static func run(_ setup: BenchSetup) throws {
        print("core-risk: \(quotes) quotes over \(symbols) symbols, \(positionsPerAccount) positions per account in \(positionsPerAccount) symbols, margin call 100 %, stop out 50 %, one core thread (\(machineDescription()))")
        // A stressed book (a quarter of the accounts within reach of margin call) and a calm one.
        for (name, minimumDeposit) in [("margin levels 120 % to 4,000 %", 600), ("margin levels 1,000 % to 4,000 %", 5_000)] {
            let small = measure(accounts: 100, minimumDeposit: minimumDeposit)
            let large = measure(accounts: 10_000, minimumDeposit: minimumDeposit)
            print("  \(name):")
            for (label, r) in [("1,000 positions over 100 accounts", small), ("100,000 positions over 10,000 accounts", large)] {
                print("    \(label + String(repeating: " ", count: max(0, 40 - label.count))) \(format(r.rate / 1e6, decimals: 2)) M quotes/s (\(r.reevaluations) account re-evaluations, \(r.marginCalls) margin calls, \(r.stopOuts) stop outs)")
            }
            print("    (target >= 1 M quotes/s with 100,000 positions, and >= half the 1,000-position rate: \(format(large.rate / small.rate * 100))%)")
        }
    }

    struct Result {
        var rate: Double
        var reevaluations: Int
        var marginCalls: Int
        var stopOuts: Int
        var positionsLeft: Int
    }

    /// `accounts` accounts (leverage 1:200) with 10 positions of 0.1 lot each (margin 50 USD
    /// each, 500 per account), half long and half short in 10 of the 20 symbols, funded with
    /// `minimumDeposit` to 20,000 USD (600: margin levels 120 % to 4,000 %); quotes walk ±400
    /// ticks (±40 USD per position) and spike 1,500 ticks (150 USD) every 10,000.
    static func measure(accounts: Int, minimumDeposit: Int) -> Result {
        var bench = BenchCore()
        bench.defineSymbols(symbols)
        bench.openAccounts(accounts, leverage: 200) { a in Int64(minimumDeposit + (a * 7_919) % (20_000 - minimumDeposit)) * 100_000_000 }
        for a in 0 ..< accounts {
            for k in 0 ..< positionsPerAccount {
                let symbol = SymbolIndex((a + 2 * k) % symbols)
                let side: Side = (a / 3 + k) % 2 == 0 ? .buy : .sell
                bench.apply(.placeMarketOrder(MarketOrderRequest(account: AccountID(a + 1), clientOrderID: .none, symbol: symbol,
                                                                 side: side, volume: 10_000_000)))
            }
        }
        let opened = (0 ..< accounts).reduce(0) { $0 + (bench.core.accountSummary(AccountID($1 + 1))?.openPositions ?? 0) }
        precondition(opened == accounts * positionsPerAccount, "only \(opened) positions opened")
        let envelopes = walkingQuotes(&bench, count: quotes, symbols: symbols, range: 400, spikeTicks: 1_500)
        var result = Result(rate: 0, reevaluations: 0, marginCalls: 0, stopOuts: 0, positionsLeft: 0)
        let start = HostClock.monotonicNanoseconds()
        for e in envelopes {
            bench.core.apply(e)
            for event in bench.core.events {
                switch event {
                case .marginCall: result.marginCalls += 1
                case .stopOut: result.stopOuts += 1
                default: break
                }
            }
        }
        let seconds = Double(HostClock.monotonicNanoseconds() - start) / 1e9
        result.rate = Double(quotes) / seconds
        result.reevaluations = bench.core.riskEvaluations
        result.positionsLeft = (0 ..< accounts).reduce(0) { $0 + (bench.core.accountSummary(AccountID($1 + 1))?.openPositions ?? 0) }
        return result
    }
}
