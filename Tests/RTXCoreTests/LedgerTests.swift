import Testing
@testable import RTXCore

/// Money in and out, bonus and adjustments: every entry balances and names its cause.
@Suite struct LedgerTests {
    @Test func depositWithdrawalBonusAndAdjustment() throws {
        let h = CoreHarness()
        h.openAccount(1, leverage: 100)
        let deposit = h.apply(.deposit(account: 1, amount: Fx.money(1_000), method: .card))
        let entry = try #require(h.ledgerEntries(deposit).first)
        #expect(entry.kind == .deposit && entry.from == .house(.cashInOut) && entry.to == .clientBalance(1))
        #expect(entry.amount == Fx.money(1_000) && entry.currency == USD)
        #expect(entry.causeSequence == h.sequence && entry.detail == UInt64(PaymentMethod.card.rawValue))

        // A bonus is credit, not balance: equity counts it, withdrawals do not.
        let bonus = h.apply(.grantCredit(account: 1, amount: Fx.money(200), adminID: 77, reason: "welcome"))
        #expect(h.ledgerEntries(bonus).first?.from == .house(.bonus))
        #expect(h.ledgerEntries(bonus).first?.to == .clientCredit(1))
        #expect(h.ledgerEntries(bonus).first?.detail == 77)
        #expect(h.summary(1).equity == Fx.money(1_200) && h.summary(1).balance == Fx.money(1_000) && h.summary(1).credit == Fx.money(200))
        #expect(h.rejection(h.apply(.withdraw(account: 1, amount: Fx.money(1_100), method: .bankTransfer))) == .insufficientFunds(available: Fx.money(1_000)))

        // Adjustments both ways, by an admin.
        h.apply(.adjustBalance(account: 1, amount: -Fx.money(50), adminID: 9, reason: "fee correction"))
        h.apply(.adjustBalance(account: 1, amount: Fx.money(20), adminID: 9, reason: "goodwill"))
        #expect(h.summary(1).balance == Fx.money(970))
        #expect(h.core.ledgerBalance(.house(.adjustments), currency: USD) == Fx.money(30))

        // Withdrawal within the free margin: with 1 lot EURUSD open (margin 1,085.20, floating −20),
        // free margin is 970 + 200 − 20 − 1,085.20 = 64.80.
        h.apply(.deposit(account: 1, amount: Fx.money(1_000), method: .crypto))
        h.quote(h.eurusd, 108_500, 108_520)
        h.market(1, h.eurusd, .buy, Fx.lots(100))
        #expect(h.summary(1).freeMargin == Fx.money(1_064, 80_000_000))
        #expect(h.rejection(h.apply(.withdraw(account: 1, amount: Fx.money(1_065), method: .card))) == .insufficientFunds(available: Fx.money(1_064, 80_000_000)))
        h.apply(.withdraw(account: 1, amount: Fx.money(1_064, 80_000_000), method: .card))
        #expect(h.summary(1).freeMargin == 0)

        // Removing more bonus than was granted is refused; removing it all works.
        #expect(h.rejection(h.apply(.grantCredit(account: 1, amount: -Fx.money(201), adminID: 77, reason: "x"))) == .insufficientFunds(available: Fx.money(200)))
        #expect(h.core.ledgerTotal(currency: USD) == 0)
    }

    @Test func badAmountsAndUnknownAccountsChangeNothing() {
        let h = CoreHarness()
        h.openAccount(1)
        let before = h.core.stateHash()
        #expect(h.rejection(h.apply(.deposit(account: 1, amount: 0, method: .card))) == .nonPositiveAmount)
        #expect(h.rejection(h.apply(.deposit(account: 1, amount: -5, method: .card))) == .nonPositiveAmount)
        #expect(h.rejection(h.apply(.deposit(account: 99, amount: 5, method: .card))) == .unknownAccount)
        #expect(h.rejection(h.apply(.withdraw(account: 1, amount: 1, method: .card))) == .insufficientFunds(available: 0))
        #expect(h.rejection(h.apply(.adjustBalance(account: 1, amount: Int64.min, adminID: 1, reason: ""))) == .nonPositiveAmount)
        #expect(h.rejection(h.apply(.deposit(account: 1, amount: Int64.max, method: .card))) == nil)
        // A second huge deposit would overflow the balance: refused, not trapped.
        #expect(h.rejection(h.apply(.deposit(account: 1, amount: Int64.max, method: .card))) == .overflow)
        #expect(h.summary(1).balance == Int64.max)
        #expect(h.core.ledgerTotal(currency: USD) == 0)
        #expect(before != h.core.stateHash())
    }

    @Test func definitionsAreValidated() {
        let h = CoreHarness()
        var bad = CoreHarness.eurusd
        bad.name = "EURUSD"
        #expect(h.rejection(h.apply(.defineSymbol(bad))) == .duplicateName)
        bad.name = "X"; bad.digits = 13
        #expect(h.rejection(h.apply(.defineSymbol(bad))) == .invalidSpec(.digits))
        bad.digits = 5; bad.volumeStep = 3_000_000
        #expect(h.rejection(h.apply(.defineSymbol(bad))) == .invalidSpec(.volumeLimits))
        #expect(h.rejection(h.apply(.defineGroup(GroupSpec(name: "g", marginCallLevelPercent: 40, stopOutLevelPercent: 50)))) == .invalidSpec(.levels))
        #expect(h.rejection(h.apply(.openAccount(AccountSpec(id: 1, group: 5, currency: USD, leverage: 100, mode: .hedging)))) == .unknownGroup)
        #expect(h.rejection(h.apply(.openAccount(AccountSpec(id: 1, group: 0, currency: USD, leverage: 0, mode: .hedging)))) == .invalidSpec(.leverage))
        h.openAccount(1)
        #expect(h.rejection(h.apply(.openAccount(AccountSpec(id: 1, group: 0, currency: USD, leverage: 100, mode: .hedging)))) == .duplicateAccount)
        #expect(h.rejection(h.apply(.quote(symbol: 0, bidTicks: 10, askTicks: 9))) == .invalidQuote)
        #expect(h.rejection(h.apply(.quote(symbol: 0, bidTicks: 0, askTicks: 9))) == .invalidQuote)
    }

    @Test func closeByRealizesTheDifferenceOfOpenPrices() throws {
        let h = CoreHarness()
        h.openAccount(1, deposit: Fx.money(10_000))
        h.quote(h.eurusd, 108_500, 108_520)
        let long = try #require(h.lastOrder(h.market(1, h.eurusd, .buy, Fx.lots(100))))    // 1 lot at 1.08520
        h.quote(h.eurusd, 108_900, 108_920)
        let short = try #require(h.lastOrder(h.market(1, h.eurusd, .sell, Fx.lots(40))))   // 0.4 lot at 1.08900
        // Close-by 0.4: (1.08900 − 1.08520) × 0.4 × 100,000 = +152 USD, no spread paid.
        let events = h.apply(.closeBy(account: 1, position: long.positionID, opposite: short.positionID))
        #expect(h.ledgerEntries(events).map(\.amount) == [Fx.money(152)])
        let left = try #require(h.core.positions(of: 1).first)
        #expect(h.core.positions(of: 1).count == 1 && left.id == long.positionID && left.volume == Fx.lots(60))
        #expect(h.summary(1).balance == Fx.money(10_152))
        // Margin left: 1,085.20 × 0.6 = 651.12.
        #expect(h.summary(1).margin == Fx.money(651, 12_000_000))
        #expect(h.rejection(h.apply(.closeBy(account: 1, position: long.positionID, opposite: long.positionID))) == .closeByMismatch)
        #expect(h.core.ledgerTotal(currency: USD) == 0)
    }

    @Test func closingValidatesVolumeAndOwnership() throws {
        let h = CoreHarness()
        h.openAccount(1, deposit: Fx.money(10_000))
        h.openAccount(2, deposit: Fx.money(10_000))
        h.quote(h.eurusd, 108_500, 108_520)
        let p = try #require(h.lastOrder(h.market(1, h.eurusd, .buy, Fx.lots(10)))).positionID
        #expect(h.rejection(h.apply(.closePosition(account: 2, position: p, volume: 0))) == .unknownPosition)
        #expect(h.rejection(h.apply(.closePosition(account: 1, position: p, volume: Fx.lots(11)))) == .invalidCloseVolume)
        #expect(h.rejection(h.apply(.closePosition(account: 1, position: p, volume: 500_000))) == .invalidCloseVolume)
        #expect(h.rejection(h.apply(.closePosition(account: 1, position: 424242, volume: 0))) == .unknownPosition)
        #expect(h.rejection(h.apply(.closePosition(account: 1, position: p, volume: Fx.lots(5)))) == nil)
        #expect(h.core.positions(of: 1).first?.volume == Fx.lots(5))
    }
}
