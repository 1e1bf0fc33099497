import RTXCore

/// A core the benchmarks drive: commands get increasing sequences and times (1 µs apart),
/// as the sequencer would give them. Single-threaded.
struct BenchCore {
    var core = TradingCore()
    var sequence: UInt64 = 0
    var timeNs: Int64 = 1_700_000_000_000_000_000
    let usd = Currency("USD")!

    /// The next envelope for `command`, without applying it.
    mutating func envelope(_ command: Command) -> Envelope {
        sequence += 1
        timeNs += 1_000
        return Envelope(sequence: sequence, timeNs: timeNs, command: command)
    }

    mutating func apply(_ command: Command) {
        core.apply(envelope(command))
    }

    /// Defines `count` EUR/USD-like symbols SYM0... (5 digits, 100,000 per lot, quotes valid
    /// an hour) quoted at 1.00000 / 1.00010, and the "retail" group.
    mutating func defineSymbols(_ count: Int, stopOutLevelPercent: Int64 = 50) {
        for s in 0 ..< count {
            apply(.defineSymbol(SymbolSpec(name: "SYM\(s)", digits: 5, contractSizeE8: 100_000 * 100_000_000, volumeMin: 1_000_000,
                                           volumeMax: 100 * 100_000_000, volumeStep: 1_000_000, marginCurrency: Currency("EUR")!,
                                           profitCurrency: usd, minStopDistanceTicks: 0, maxQuoteAgeMs: 3_600_000)))
            apply(.quote(symbol: SymbolIndex(s), bidTicks: 100_000, askTicks: 100_010))
        }
        apply(.defineGroup(GroupSpec(name: "retail", stopOutLevelPercent: stopOutLevelPercent)))
    }

    /// Opens `count` hedging USD accounts 1... in group 0, funding account i with `deposit(i)`
    /// (1e-8 USD).
    mutating func openAccounts(_ count: Int, leverage: Int64 = 100, deposit: (Int) -> Int64) {
        for a in 0 ..< count {
            apply(.openAccount(AccountSpec(id: AccountID(a + 1), group: 0, currency: usd, leverage: leverage, mode: .hedging)))
            apply(.deposit(account: AccountID(a + 1), amount: deposit(a), method: .bankTransfer))
        }
    }
}

/// A seeded random walk of quotes over `symbols` symbols around 1.00000 (±`range` ticks,
/// steps of up to ±10, 10-tick spread), with a spike of `spikeTicks` down every 10,000th quote.
func walkingQuotes(_ bench: inout BenchCore, count: Int, symbols: Int, range: Int64, spikeTicks: Int64) -> [Envelope] {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var mids = [Int64](repeating: 100_000, count: symbols)
    var envelopes: [Envelope] = []
    envelopes.reserveCapacity(count)
    for q in 0 ..< count {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        let s = q % symbols
        mids[s] = min(100_000 + range, max(100_000 - range, mids[s] + Int64(state % 21) - 10))
        let spike: Int64 = q % 10_000 == 9_999 ? spikeTicks : 0
        envelopes.append(bench.envelope(.quote(symbol: SymbolIndex(s), bidTicks: mids[s] - spike, askTicks: mids[s] - spike + 10)))
    }
    return envelopes
}
