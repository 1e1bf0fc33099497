import RTXPluginHost
import RTXCore

/// Market orders through the core: open and close round trips on 1,000 accounts with
/// margin, ledger and events, and replay speed of the resulting command log.
enum CoreOrdersBench {
    static let accounts = 1_000
    static let roundTrips = 1_000_000

    static func run(_ setup: BenchSetup) throws {
        let usd = Currency("USD")!
        var log: [Envelope] = []
        var sequence: UInt64 = 0
        var time: Int64 = 1_700_000_000_000_000_000
        func add(_ c: Command) {
            sequence += 1
            time += 1_000
            log.append(Envelope(sequence: sequence, timeNs: time, command: c))
        }
        add(.defineSymbol(SymbolSpec(name: "EURUSD", digits: 5, contractSizeE8: 100_000 * 100_000_000, volumeMin: 1_000_000,
                                     volumeMax: 100 * 100_000_000, volumeStep: 1_000_000, marginCurrency: Currency("EUR")!,
                                     profitCurrency: usd)))
        add(.defineGroup(GroupSpec(name: "retail")))
        for a in 0 ..< accounts {
            add(.openAccount(AccountSpec(id: AccountID(a + 1), group: 0, currency: usd, leverage: 100, mode: a % 2 == 0 ? .hedging : .netting)))
            add(.deposit(account: AccountID(a + 1), amount: 1_000_000 * 100_000_000, method: .bankTransfer))
        }
        add(.quote(symbol: 0, bidTicks: 108_500, askTicks: 108_512))
        let setupCount = log.count
        var bid: Int64 = 108_500
        for i in 0 ..< roundTrips {
            if i % 16 == 0 {
                bid += Int64(i % 7) - 3
                add(.quote(symbol: 0, bidTicks: bid, askTicks: bid + 12))
            }
            let account = AccountID(i % accounts + 1)
            let side: Side = i % 3 == 0 ? .sell : .buy
            add(.placeMarketOrder(MarketOrderRequest(account: account, clientOrderID: .none, symbol: 0, side: side,
                                                     volume: 10_000_000 * Int64(1 + i % 5))))
            let opened = sequence
            if account % 2 == 1 {
                add(.closePosition(account: account, position: opened, volume: 0))        // hedging: close the position
            } else {
                add(.placeMarketOrder(MarketOrderRequest(account: account, clientOrderID: .none, symbol: 0, side: side.opposite,
                                                         volume: 10_000_000 * Int64(1 + i % 5))))   // netting: an opposite order closes it
            }
        }

        var core = TradingCore()
        for e in log[0 ..< setupCount] { core.apply(e) }
        var fills = 0, events = 0
        let start = HostClock.monotonicNanoseconds()
        for e in log[setupCount...] {
            core.apply(e)
            events += core.events.count
        }
        let elapsed = Double(HostClock.monotonicNanoseconds() - start) / 1e9
        for id in 1 ... accounts { fills += core.accountSummary(AccountID(id))?.statistics.trades == 0 ? 0 : 1 }
        let orders = Double(2 * roundTrips)
        guard core.positions(of: 1).isEmpty, fills == accounts else { throw BenchError("the orders did not all fill and close") }

        // Replay: decode the binary log and apply it to an empty core.
        let bytes = CommandCodec.encodeLog(log)
        let replayStart = HostClock.monotonicNanoseconds()
        let decoded = try CommandCodec.decodeLog(bytes)
        let decodeDone = HostClock.monotonicNanoseconds()
        var replay = TradingCore()
        for e in decoded { replay.apply(e) }
        let replayEnd = HostClock.monotonicNanoseconds()
        guard replay.stateHash() == core.stateHash() else { throw BenchError("replay diverged") }

        print("core-orders: \(roundTrips) market-order round trips (open, then close) over \(accounts) accounts, one core thread (\(machineDescription()))")
        print("  market orders filled             \(format(orders / elapsed / 1e6, decimals: 2)) M/s   (target >= 1; \(format(elapsed * 1e9 / orders)) ns each, \(events / Int(orders)) events per order)")
        print("  round trips                      \(format(Double(roundTrips) / elapsed / 1e6, decimals: 2)) M/s")
        print("  replay, decode + apply           \(format(Double(log.count) / (Double(replayEnd - replayStart) / 1e9) / 1e6, decimals: 2)) M commands/s (\(log.count) commands, \(bytes.count / 1_048_576) MiB)")
        print("  replay, apply only               \(format(Double(log.count) / (Double(replayEnd - decodeDone) / 1e9) / 1e6, decimals: 2)) M commands/s")
    }
}
