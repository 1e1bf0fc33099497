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
        let usd = Currency("USD")!
        var core = TradingCore()
        var sequence: UInt64 = 0
        var time: Int64 = 1_700_000_000_000_000_000
        func apply(_ c: Command) {
            sequence += 1
            time += 1_000
            core.apply(Envelope(sequence: sequence, timeNs: time, command: c))
        }
        for s in 0 ..< symbols {
            apply(.defineSymbol(SymbolSpec(name: "SYM\(s)", digits: 5, contractSizeE8: 100_000 * 100_000_000, volumeMin: 1_000_000,
                                           volumeMax: 100 * 100_000_000, volumeStep: 1_000_000, marginCurrency: Currency("EUR")!,
                                           profitCurrency: usd, minStopDistanceTicks: 0, maxQuoteAgeMs: 3_600_000)))
            apply(.quote(symbol: SymbolIndex(s), bidTicks: 100_000, askTicks: 100_010))
        }
        apply(.defineGroup(GroupSpec(name: "retail")))
        let accounts = 1_000
        for a in 0 ..< accounts {
            apply(.openAccount(AccountSpec(id: AccountID(a + 1), group: 0, currency: usd, leverage: 100, mode: .hedging)))
            apply(.deposit(account: AccountID(a + 1), amount: 100_000_000 * 100_000_000, method: .bankTransfer))
        }
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
                apply(.placePendingOrder(PendingOrderRequest(account: account, symbol: symbol, side: side, type: i % 8 < 4 ? .limit : .stop,
                                                             volume: 1_000_000,
                                                             priceTicks: side == .buy ? (i % 8 < 4 ? 100_010 - distance : 100_010 + distance)
                                                                 : (i % 8 < 4 ? 100_000 + distance : 100_000 - distance))))
                placed += 1
            } else {
                apply(.placeMarketOrder(MarketOrderRequest(account: account, clientOrderID: .none, symbol: symbol, side: .buy, volume: 1_000_000,
                                                           protection: Protection(stopLossTicks: 100_000 - distance, takeProfitTicks: 100_000 + distance))))
                placed += 2
            }
            i += 1
        }
        // A seeded walk per symbol within ±300 ticks, plus one spike in 10,000 that crosses the nearest levels.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var mids = [Int64](repeating: 100_000, count: symbols)
        var envelopes: [Envelope] = []
        envelopes.reserveCapacity(quotes)
        for q in 0 ..< quotes {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            let s = q % symbols
            mids[s] = min(100_300, max(99_700, mids[s] + Int64(state % 21) - 10))
            let spike: Int64 = q % 10_000 == 9_999 ? 1_500 : 0
            sequence += 1
            time += 1_000
            envelopes.append(Envelope(sequence: sequence, timeNs: time, command: .quote(symbol: SymbolIndex(s), bidTicks: mids[s] - spike, askTicks: mids[s] - spike + 10)))
        }
        var fired = 0
        let start = HostClock.monotonicNanoseconds()
        for e in envelopes {
            core.apply(e)
            fired &+= core.events.count
        }
        let seconds = Double(HostClock.monotonicNanoseconds() - start) / 1e9
        return Result(rate: Double(quotes) / seconds, fired: fired)
    }
}
