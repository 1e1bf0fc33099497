import Foundation
import Testing
@testable import RTXCore

/// SplitMix64: a tiny seeded generator for test data (the core itself never draws numbers).
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// Random but valid-looking command sequences over a few accounts and symbols.
struct CommandGenerator {
    var rng: SplitMix64
    var mids: [Int64] = [108_500, 6_500_000, 151_200]
    let accounts: [AccountID] = [11, 12, 13, 14, 15]
    var clientIDs: [String] = []

    init(seed: UInt64) { rng = SplitMix64(state: seed) }

    mutating func setUp(_ h: CoreHarness) {
        let modes: [PositionMode] = [.hedging, .netting, .hedging, .netting, .hedging]
        let leverages: [Int64] = [100, 50, 10, 500, 30]
        for (i, id) in accounts.enumerated() {
            h.openAccount(id, leverage: leverages[i], mode: modes[i], deposit: Fx.money(Int64(200 + rng.below(20_000))))
        }
        for s in 0 ..< 3 { h.quote(SymbolIndex(s), mids[s], mids[s] + spread(SymbolIndex(s))) }
    }

    func spread(_ s: SymbolIndex) -> Int64 { [12, 1500, 15][Int(s)] }

    mutating func volume(_ s: SymbolIndex) -> Int64 {
        let step: Int64 = s == 1 ? 100_000 : 1_000_000
        if rng.chance(3) { return Int64(rng.below(3_000_000)) }            // often off step or below minimum
        return step * Int64(1 + rng.below(s == 1 ? 200 : 300))
    }

    mutating func next(_ h: CoreHarness) -> Command {
        let account = accounts[rng.below(accounts.count)]
        let symbol = SymbolIndex(rng.below(3))
        switch rng.below(100) {
        case 0 ..< 35:
            let step: Int64 = symbol == 1 ? 500 : 3
            mids[Int(symbol)] = max(1_000, mids[Int(symbol)] + step * Int64(rng.below(41) - 20))
            return .quote(symbol: symbol, bidTicks: mids[Int(symbol)], askTicks: mids[Int(symbol)] + spread(symbol))
        case 35 ..< 65:
            var client = ClientOrderID.none
            if rng.chance(40) {
                if !clientIDs.isEmpty, rng.chance(40) {
                    client = ClientOrderID(clientIDs[rng.below(clientIDs.count)])!
                } else {
                    let text = "c\(rng.below(1_000_000))"
                    clientIDs.append(text)
                    client = ClientOrderID(text)!
                }
            }
            return .placeMarketOrder(MarketOrderRequest(account: account, clientOrderID: client, symbol: symbol, side: rng.chance(50) ? .buy : .sell,
                                                        volume: volume(symbol), routing: rng.chance(5) ? RoutingChoice(book: .a, hedgeRatioPPM: 1_000_000) : .bBook))
        case 65 ..< 80:
            let positions = h.core.positions(of: account)
            guard let p = positions.isEmpty ? nil : positions[rng.below(positions.count)] else {
                return .closePosition(account: account, position: UInt64(rng.below(1000)), volume: 0)
            }
            let part = rng.chance(30) ? (p.volume / 2 / (p.symbol == 1 ? 100_000 : 1_000_000)) * (p.symbol == 1 ? 100_000 : 1_000_000) : 0
            return .closePosition(account: account, position: p.id, volume: part)
        case 80 ..< 84:
            let positions = h.core.positions(of: account)
            guard positions.count >= 2 else { return .deposit(account: account, amount: Fx.money(Int64(rng.below(500))), method: .card) }
            return .closeBy(account: account, position: positions[rng.below(positions.count)].id, opposite: positions[rng.below(positions.count)].id)
        case 84 ..< 89: return .deposit(account: account, amount: Fx.money(Int64(rng.below(2_000))) + Int64(rng.below(100)), method: .bankTransfer)
        case 89 ..< 94: return .withdraw(account: account, amount: Fx.money(Int64(rng.below(3_000))), method: .card)
        case 94 ..< 96: return .grantCredit(account: account, amount: Fx.money(Int64(rng.below(300))) * (rng.chance(30) ? -1 : 1), adminID: 1, reason: "promo")
        case 96 ..< 97: return .adjustBalance(account: account, amount: Fx.money(Int64(rng.below(100) - 50)), adminID: 2, reason: "fix")
        case 97 ..< 98: return .setAccountStatus(account, rng.chance(70) ? .active : .suspended)
        default: return .setSymbolTradingState(symbol, [TradingState.full, .full, .closeOnly, .disabled][rng.below(4)])
        }
    }
}

/// Invariants over generated command sequences.
@Suite struct PropertyTests {
    static var sequenceCount: Int { Int(ProcessInfo.processInfo.environment["RTX_PROPERTY_SEQUENCES"] ?? "") ?? 10_000 }
    static let commandsPerSequence = 40

    /// Checks every invariant after one command; returns the problems found.
    static func check(_ h: CoreHarness, _ events: [CoreEvent], balances: inout [AccountID: Int64],
                      firstOrder: inout [String: OrderID], command: Command) -> [String] {
        var problems: [String] = []
        if h.core.ledgerTotal(currency: USD) != 0 { problems.append("ledger does not balance: \(h.core.ledgerTotal(currency: USD))") }
        for e in events {
            guard case .ledger(let entry) = e else { continue }
            if entry.amount <= 0 { problems.append("non-positive entry \(entry)") }
            if case .clientBalance(let id) = entry.from { balances[id, default: 0] -= entry.amount }
            if case .clientBalance(let id) = entry.to { balances[id, default: 0] += entry.amount }
        }
        var addedExposure = false
        var pendingSeen: OrderID?
        for e in events {
            if case .position(let p) = e, p.change == .opened || p.change == .increased { addedExposure = true }
            if case .order(let o) = e, o.state == .pending { pendingSeen = o.orderID }
        }
        // A repeated client order id never makes a second order.
        if case .placeMarketOrder(let r) = command, !r.clientOrderID.isNone {
            let key = "\(r.account)/\(r.clientOrderID)"
            if let first = firstOrder[key] {
                if pendingSeen != nil { problems.append("client id \(key) made a second order (first \(first))") }
            } else if let order = pendingSeen {
                firstOrder[key] = order
            }
        }
        for id in [AccountID](arrayLiteral: 11, 12, 13, 14, 15) {
            guard let s = h.core.accountSummary(id) else { problems.append("no summary for \(id)"); continue }
            if s.balance != balances[id, default: 0] { problems.append("account \(id) balance \(s.balance) is not the sum of its entries \(balances[id, default: 0])") }
            if s.equity != s.balance + s.credit + s.floatingPnl { problems.append("account \(id): equity ≠ balance + credit + floating") }
            let positions = h.core.positions(of: id)
            let positionFloating = positions.reduce(Int64(0)) { $0 + $1.floatingPnl }
            if abs(positionFloating - s.floatingPnl) > Int64(positions.count) { problems.append("account \(id): floating \(s.floatingPnl) vs positions \(positionFloating)") }
            // Margin from positions with the larger-leg rule.
            var bySymbol: [SymbolIndex: (Int64, Int64)] = [:]
            for p in positions {
                var pair = bySymbol[p.symbol, default: (0, 0)]
                if p.side == .buy { pair.0 += p.margin } else { pair.1 += p.margin }
                bySymbol[p.symbol] = pair
            }
            let margin = bySymbol.values.reduce(Int64(0)) { $0 + max($1.0, $1.1) }
            if margin != s.margin { problems.append("account \(id): margin \(s.margin) vs positions \(margin)") }
            if s.openPositions != positions.count { problems.append("account \(id): position count") }
        }
        // No accepted order leaves free margin negative at its fill.
        if addedExposure, case .placeMarketOrder(let r) = command, let s = h.core.accountSummary(r.account), s.freeMargin < 0 {
            problems.append("fill left free margin negative: \(s.freeMargin)")
        }
        return problems
    }

    @Test func invariantsHoldOverGeneratedSequences() throws {
        var totalCommands = 0, fills = 0, rejections = 0
        for seed in 0 ..< UInt64(Self.sequenceCount) {
            let h = CoreHarness()
            var generator = CommandGenerator(seed: seed &* 7919 &+ 1)
            generator.setUp(h)
            var balances: [AccountID: Int64] = [:]
            for id in generator.accounts { balances[id] = h.summary(id).balance }
            var firstOrder: [String: OrderID] = [:]
            var snapshots: [(Int, [UInt8])] = []
            let setupLength = h.log.count
            for i in 0 ..< Self.commandsPerSequence {
                let command = generator.next(h)
                let events = h.apply(command, advanceMs: Int64(1 + generator.rng.below(500)))
                totalCommands += 1
                if events.contains(where: { if case .order(let o) = $0 { o.state == .filled } else { false } }) { fills += 1 }
                if h.rejection(events) != nil { rejections += 1 }
                let problems = Self.check(h, events, balances: &balances, firstOrder: &firstOrder, command: command)
                if !problems.isEmpty {
                    Issue.record("seed \(seed), command \(i) \(command): \(problems)")
                    return
                }
                if i % 13 == 5 { snapshots.append((h.log.count, h.core.snapshot())) }
            }
            // Replay from the log, and from every snapshot taken, gives the same state.
            let hash = h.core.stateHash()
            var replayed = TradingCore()
            for e in h.log { replayed.apply(e) }
            #expect(replayed.stateHash() == hash, "seed \(seed): replay from the log")
            for (position, bytes) in snapshots {
                var restored = try TradingCore(snapshot: bytes)
                for e in h.log[position...] { restored.apply(e) }
                if restored.stateHash() != hash { Issue.record("seed \(seed): replay from the snapshot after command \(position - setupLength)"); return }
            }
        }
        // The generator must really exercise fills and refusals.
        #expect(fills > totalCommands / 20, "fills \(fills) of \(totalCommands)")
        #expect(rejections > totalCommands / 50, "rejections \(rejections) of \(totalCommands)")
    }
}
