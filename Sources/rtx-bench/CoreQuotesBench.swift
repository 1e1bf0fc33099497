import RTXCore
import RTXPluginHost

/// Quotes through the core with many resting orders and stop levels: each quote is O(groups
/// with triggers in the symbol + triggers crossed), so 100,000 resting levels should cost
/// about what 1,000 do.
enum CoreQuotesBench {
    static let symbols = 20
    static let quotes = 5_000_000

    static func run(_ setup: BenchSetup) throws {
        let small = try measure(restingLevels: 1_000)
        let large = try measure(restingLevels: 100_000)
        print("core-quotes: \(quotes) quotes over \(symbols) symbols, one core thread, a quote crossing a level now and then (\(machineDescription()))")
        print("  with 1,000 resting orders and stops      \(format(small.rate / 1e6, decimals: 2)) M quotes/s (\(small.fired) events from fired triggers)")
        print("  with 100,000 resting orders and stops    \(format(large.rate / 1e6, decimals: 2)) M quotes/s (\(large.fired) events from fired triggers)   (target >= 2, and >= half the first: \(format(large.rate / small.rate * 100))%)")
    }

    struct Result {
        var rate: Double
        var fired: Int
    }

    /// Builds a core whose resting levels sit away from the market, then times the quotes.
    static func measure(restingLevels: Int) throws -> Result {
        var bench = BenchCore()
        bench.defineSymbols(symbols)
        let accounts = 1_000
        bench.openAccounts(accounts) { _ in 100_000_000 * 100_000_000 }
        // Half the levels are resting orders, half are stop loss and take profit pairs on positions,
        // all 1,000 to 50,000 ticks away from the market (the quotes below wander ±300 ticks).
        var placed = 0
        var i = 0
        while placed < restingLevels {
            let account = AccountID(i % accounts + 1)
            let symbol = SymbolIndex(i % symbols)
            let distance = Int64(1_000 + (i * 7_919) % 49_000)
            if i % 2 == 0 {
                let side: Side = i % 4 == 0 ? .buy : .sell
                bench.apply(.placePendingOrder(PendingOrderRequest(account: account, symbol: symbol, side: side, type: i % 8 < 4 ? .limit : .stop,
                                                             volume: 1_000_000,
                                                             priceTicks: side == .buy ? (i % 8 < 4 ? 100_010 - distance : 100_010 + distance)
                                                                 : (i % 8 < 4 ? 100_000 + distance : 100_000 - distance))))
                placed += 1
            } else {
                bench.apply(.placeMarketOrder(MarketOrderRequest(account: account, clientOrderID: .none, symbol: symbol, side: .buy, volume: 1_000_000,
                                                           protection: Protection(stopLossTicks: 100_000 - distance, takeProfitTicks: 100_000 + distance))))
                placed += 2
            }
            i += 1
        }
        // A seeded walk per symbol within ±300 ticks, plus one spike in 10,000 that crosses the nearest levels.
        let envelopes = walkingQuotes(&bench, count: quotes, symbols: symbols, range: 300, spikeTicks: 1_500)
        var fired = 0
        let start = HostClock.monotonicNanoseconds()
        for e in envelopes {
            bench.core.apply(e)
            fired &+= bench.core.events.count
        }
        let seconds = Double(HostClock.monotonicNanoseconds() - start) / 1e9
        return Result(rate: Double(quotes) / seconds, fired: fired)
    }
}
