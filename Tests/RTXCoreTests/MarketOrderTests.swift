import Testing
@testable import RTXCore

/// Market orders on the B-Book with numbers computed by hand in the comments.
@Suite struct MarketOrderTests {
    @Test func eurusdBuyOnAUSDAccountMarginFloatingAndClose() throws {
        let h = CoreHarness()
        h.openAccount(1001, leverage: 100, deposit: Fx.money(10_000))
        h.quote(h.eurusd, 108_500, 108_520)                       // bid 1.08500, ask 1.08520

        let events = h.market(1001, h.eurusd, .buy, Fx.lots(100))   // 1.00 lot
        // The order walks PENDING → ACCEPTED → FILLING → FILLED.
        let states = events.compactMap { if case .order(let o) = $0 { o.state } else { nil } }
        #expect(states == [.pending, .accepted, .filling, .filled])
        let fill = try #require(h.lastOrder(events))
        #expect(fill.fillPriceTicks == 108_520)                      // a buy fills at the ask
        #expect(fill.positionID == fill.orderID)

        // Notional 1 × 100,000 × 1.08520 = 108,520 USD; margin at 1:100 = 1,085.20 USD.
        // Floating at the bid: (1.08500 − 1.08520) × 100,000 = −20 USD.
        var s = h.summary(1001)
        #expect(s.margin == Fx.money(1_085, 20_000_000))
        #expect(s.floatingPnl == -Fx.money(20))
        #expect(s.equity == Fx.money(9_980))                        // 10,000 − 20
        #expect(s.freeMargin == Fx.money(8_894, 80_000_000))        // 9,980 − 1,085.20
        // Margin level 9,980 / 1,085.20 × 100 = 919.6461481754...% → 919.64614818 at 1e-8.
        #expect(s.marginLevelPercentE8 == 91_964_614_818)

        // The market moves up 20 pips: floating (1.08700 − 1.08520) × 100,000 = +180 USD.
        h.quote(h.eurusd, 108_700, 108_720)
        #expect(h.summary(1001).floatingPnl == Fx.money(180))

        // Closing sells at the bid 1.08700: +180 USD realized, posted from the B-Book P&L.
        let close = h.apply(.closePosition(account: 1001, position: fill.positionID, volume: 0))
        let entries = h.ledgerEntries(close)
        #expect(entries.count == 1)
        #expect(entries.first?.kind == .realizedPnl)
        #expect(entries.first?.from == .house(.bBookPnL) && entries.first?.to == .clientBalance(1001))
        #expect(entries.first?.amount == Fx.money(180))
        #expect(entries.first?.reference == fill.positionID)
        s = h.summary(1001)
        #expect(s.balance == Fx.money(10_180) && s.margin == 0 && s.floatingPnl == 0 && s.openPositions == 0)
        #expect(s.statistics.trades == 1 && s.statistics.wins == 1 && s.statistics.realizedPnl == Fx.money(180))
        // The ledger balances: client 10,180 − cash 10,000 − B-Book 180 = 0.
        #expect(h.core.ledgerBalance(.house(.cashInOut), currency: USD) == -Fx.money(10_000))
        #expect(h.core.ledgerBalance(.house(.bBookPnL), currency: USD) == -Fx.money(180))
        #expect(h.core.ledgerTotal(currency: USD) == 0)
    }

    @Test func btcusdFractionalVolumePartialClose() throws {
        let h = CoreHarness()
        h.openAccount(2001, leverage: 10, deposit: Fx.money(5_000))
        h.quote(h.btcusd, 6_500_000, 6_501_000)                      // bid 65,000.00, ask 65,010.00
        let fill = try #require(h.lastOrder(h.market(2001, h.btcusd, .buy, 1_500_000)))   // 0.015 BTC
        // Notional 0.015 × 65,010.00 = 975.15 USD; margin at 1:10 = 97.515 USD.
        #expect(h.summary(2001).margin == 9_751_500_000)
        // Floating at the bid: (65,000 − 65,010) × 0.015 = −0.15 USD.
        #expect(h.summary(2001).floatingPnl == -15_000_000)

        h.quote(h.btcusd, 6_400_050, 6_401_050)                      // bid 64,000.50
        // (64,000.50 − 65,010.00) × 0.015 = −15.1425 USD.
        #expect(h.summary(2001).floatingPnl == -1_514_250_000)

        // Close 0.005 at the bid: (64,000.50 − 65,010.00) × 0.005 = −5.0475 USD realized.
        let close = h.apply(.closePosition(account: 2001, position: fill.positionID, volume: 500_000))
        let entry = try #require(h.ledgerEntries(close).first)
        #expect(entry.from == .clientBalance(2001) && entry.to == .house(.bBookPnL) && entry.amount == 504_750_000)
        let s = h.summary(2001)
        #expect(s.balance == Fx.money(4_994, 95_250_000))           // 5,000 − 5.0475
        // What is left (0.010) keeps two thirds of the margin: 97.515 × 0.010 / 0.015 = 65.01 USD,
        // and floats (64,000.50 − 65,010.00) × 0.010 = −10.095 USD.
        #expect(s.margin == 6_501_000_000)
        #expect(s.floatingPnl == -1_009_500_000)
        #expect(h.positionEvents(close).first?.change == .reduced)
        #expect(h.positionEvents(close).first?.volume == 1_000_000)
        #expect(s.statistics.trades == 1 && s.statistics.wins == 0)
        #expect(h.core.ledgerTotal(currency: USD) == 0)
    }

    @Test func insufficientMarginIsRefusedWithTheShortfall() {
        let h = CoreHarness()
        h.openAccount(3001, deposit: Fx.money(100))
        h.quote(h.eurusd, 108_500, 108_520)
        // Free margin after: 100 − 20 (spread) − 1,085.20 (margin) = −1,005.20 USD.
        let events = h.market(3001, h.eurusd, .buy, Fx.lots(100))
        #expect(h.rejection(events) == .insufficientMargin(freeMarginAfter: -Fx.money(1_005, 20_000_000)))
        #expect(h.summary(3001).openPositions == 0)
        #expect(h.ledgerEntries(events).isEmpty)
        // 0.05 lot fits: margin 54.26, spread 1.00: free 100 − 1 − 54.26 = 44.74.
        let ok = h.market(3001, h.eurusd, .buy, Fx.lots(5))
        #expect(h.lastOrder(ok)?.state == .filled)
        #expect(h.summary(3001).freeMargin == Fx.money(44, 74_000_000))
    }

    @Test func hedgedMarginHoldsTheLargerSideOnly() {
        let h = CoreHarness()
        h.openAccount(4001, deposit: Fx.money(10_000))
        h.quote(h.eurusd, 108_500, 108_520)
        h.market(4001, h.eurusd, .buy, Fx.lots(100))                 // margin 1,085.20
        h.market(4001, h.eurusd, .sell, Fx.lots(50))                 // at the bid: 0.5 × 108,500 / 100 = 542.50
        // Larger leg: max(1,085.20, 542.50) = 1,085.20.
        #expect(h.summary(4001).margin == Fx.money(1_085, 20_000_000))
        #expect(h.summary(4001).openPositions == 2)
        h.market(4001, h.eurusd, .sell, Fx.lots(100))                // shorts now 542.50 + 1,085.00 = 1,627.50
        #expect(h.summary(4001).margin == Fx.money(1_627, 50_000_000))
    }

    @Test func nettingAveragesReducesAndReverses() throws {
        let h = CoreHarness()
        h.openAccount(5001, mode: .netting, deposit: Fx.money(10_000))
        h.quote(h.eurusd, 108_500, 108_520)
        let first = try #require(h.lastOrder(h.market(5001, h.eurusd, .buy, Fx.lots(100))))   // 1 lot at 1.08520
        h.quote(h.eurusd, 108_600, 108_620)
        let added = h.market(5001, h.eurusd, .buy, Fx.lots(100))                               // 1 lot at 1.08620
        #expect(h.lastOrder(added)?.positionID == first.positionID)
        #expect(h.positionEvents(added).first?.change == .increased)
        var p = try #require(h.core.positions(of: 5001).first)
        // Average (1.08520 + 1.08620) / 2 = 1.08570; margin 2 × 100,000 × 1.08570 / 100 = 2,171.40.
        #expect(p.volume == Fx.lots(200) && p.averagePriceTicks == 108_570)
        #expect(p.margin == Fx.money(2_171, 40_000_000))

        // Sell 0.5 at the bid 1.08800: (1.08800 − 1.08570) × 0.5 × 100,000 = +115 USD.
        h.quote(h.eurusd, 108_800, 108_820)
        let reduce = h.market(5001, h.eurusd, .sell, Fx.lots(50))
        #expect(h.ledgerEntries(reduce).first?.amount == Fx.money(115))
        p = try #require(h.core.positions(of: 5001).first)
        // 1.5 lots left at the same average; margin 2,171.40 × 1.5 / 2 = 1,628.55.
        #expect(p.volume == Fx.lots(150) && p.averagePriceTicks == 108_570 && p.margin == Fx.money(1_628, 55_000_000))

        // Sell 2 lots: closes 1.5 (+ (1.08800 − 1.08570) × 1.5 × 100,000 = +345 USD) and opens
        // 0.5 short at 1.08800 with the order's id; margin 0.5 × 108,800 / 100 = 544.
        let reverse = h.market(5001, h.eurusd, .sell, Fx.lots(200))
        let changes = h.positionEvents(reverse)
        #expect(changes.map(\.change) == [.closed, .opened])
        #expect(changes[0].realizedPnl == Fx.money(345))
        let short = try #require(h.core.positions(of: 5001).first)
        #expect(short.side == .sell && short.volume == Fx.lots(50) && short.id == h.lastOrder(reverse)?.orderID)
        #expect(short.margin == Fx.money(544))
        #expect(h.summary(5001).balance == Fx.money(10_460))        // 10,000 + 115 + 345
        #expect(h.summary(5001).statistics.trades == 2)
        #expect(h.core.ledgerTotal(currency: USD) == 0)
    }

    @Test func nettingPositionKeepsTheBookItOpenedWith() {
        let h = CoreHarness()
        h.openAccount(5101, mode: .netting, deposit: Fx.money(10_000))
        h.quote(h.eurusd, 108_500, 108_520)
        h.market(5101, h.eurusd, .buy, Fx.lots(10))
        // A later order on the open position follows its B-Book even if routed A-Book.
        let add = h.market(5101, h.eurusd, .buy, Fx.lots(10), routing: RoutingChoice(book: .a, hedgeRatioPPM: 1_000_000))
        #expect(h.lastOrder(add)?.state == .filled)
        #expect(h.core.positions(of: 5101).first?.book == .b)
        // From flat, the order's own decision applies: an A-Book order goes to an LP.
        h.openAccount(5201, mode: .netting, deposit: Fx.money(10_000))
        let aBook = h.market(5201, h.eurusd, .buy, Fx.lots(10), routing: RoutingChoice(book: .a, hedgeRatioPPM: 1_000_000))
        #expect(aBook.contains { if case .routeToLP(let r) = $0 { r.purpose == .clientOrder && r.account == 5201 } else { false } })
    }

    @Test func aRepeatedClientOrderIDReturnsTheOriginalResult() throws {
        let h = CoreHarness()
        h.openAccount(6001, deposit: Fx.money(10_000))
        h.quote(h.eurusd, 108_500, 108_520)
        let first = try #require(h.lastOrder(h.market(6001, h.eurusd, .buy, Fx.lots(10), client: "c-42")))
        let again = h.market(6001, h.eurusd, .buy, Fx.lots(10), client: "c-42")
        #expect(again == [.orderRepeated(first)])
        #expect(h.summary(6001).openPositions == 1)
        // A rejected first attempt is remembered as rejected, too.
        let refused = h.market(6001, h.eurusd, .buy, 1_500_000, client: "c-43")    // 0.015 lot: off step
        #expect(h.rejection(refused) == .volumeOffStep(step: 1_000_000))
        #expect(h.market(6001, h.eurusd, .buy, Fx.lots(10), client: "c-43").first.map { if case .orderRepeated(let o) = $0 { o.state == .rejected } else { false } } == true)
        // Another account may use the same id.
        h.openAccount(6002, deposit: Fx.money(10_000))
        #expect(h.lastOrder(h.market(6002, h.eurusd, .buy, Fx.lots(10), client: "c-42"))?.state == .filled)
    }

    @Test func everyValidationRefusalHasItsReason() {
        let h = CoreHarness()
        h.openAccount(7001, deposit: Fx.money(10_000))
        #expect(h.rejection(h.market(7001, h.eurusd, .buy, Fx.lots(10))) == .noQuote)
        h.quote(h.eurusd, 108_500, 108_520)
        #expect(h.rejection(h.market(7001, 9, .buy, Fx.lots(10))) == .unknownSymbol)
        #expect(h.rejection(h.market(7001, h.eurusd, .buy, 500_000)) == .volumeBelowMinimum(minimum: 1_000_000))
        #expect(h.rejection(h.market(7001, h.eurusd, .buy, 101 * 100_000_000)) == .volumeAboveMaximum(maximum: 100 * 100_000_000))
        #expect(h.rejection(h.market(7001, h.eurusd, .buy, 1_500_000)) == .volumeOffStep(step: 1_000_000))
        #expect(h.rejection(h.market(7001, h.usdjpy, .buy, Fx.lots(10))) == .noCurrencyConversion)
        // Stale: the last quote is more than 10 s old.
        h.apply(.deposit(account: 7001, amount: 1, method: .card), advanceMs: 10_001)
        if case .staleQuote(let age) = h.rejection(h.market(7001, h.eurusd, .buy, Fx.lots(10))) { #expect(age > 10_000) } else { Issue.record("not stale") }
        h.quote(h.eurusd, 108_500, 108_520)
        h.apply(.setSymbolTradingState(h.eurusd, .disabled))
        #expect(h.rejection(h.market(7001, h.eurusd, .buy, Fx.lots(10))) == .symbolDisabled)
        h.apply(.setSymbolTradingState(h.eurusd, .closeOnly))
        #expect(h.rejection(h.market(7001, h.eurusd, .buy, Fx.lots(10))) == .symbolCloseOnly)
        h.apply(.setSymbolTradingState(h.eurusd, .full))
        h.apply(.setAccountStatus(7001, .suspended))
        #expect(h.rejection(h.market(7001, h.eurusd, .buy, Fx.lots(10))) == .accountSuspended)
        h.apply(.setAccountStatus(7001, .active))
        #expect(h.lastOrder(h.market(7001, h.eurusd, .buy, Fx.lots(10)))?.state == .filled)
        // Saturday 12:00 UTC: the FX session is closed (quote fresh, time moved 4 days on).
        let saturdayNoon: Int64 = 1_700_265_600_000_000_000 + 12 * 3_600_000_000_000   // 2023-11-18 12:00 UTC
        h.apply(.quote(symbol: h.eurusd, bidTicks: 108_500, askTicks: 108_520), advanceMs: (saturdayNoon - h.timeNs) / 1_000_000)
        #expect(h.rejection(h.market(7001, h.eurusd, .buy, Fx.lots(10))) == .marketClosed)
        #expect(h.core.ledgerTotal(currency: USD) == 0)
    }

    @Test func suspendedNettingAccountsMayStillReduce() {
        let h = CoreHarness()
        h.openAccount(7101, mode: .netting, deposit: Fx.money(10_000))
        h.quote(h.eurusd, 108_500, 108_520)
        h.market(7101, h.eurusd, .buy, Fx.lots(100))
        h.apply(.setAccountStatus(7101, .suspended))
        #expect(h.rejection(h.market(7101, h.eurusd, .buy, Fx.lots(10))) == .accountSuspended)
        #expect(h.rejection(h.market(7101, h.eurusd, .sell, Fx.lots(200))) == .accountSuspended)   // would reverse
        #expect(h.lastOrder(h.market(7101, h.eurusd, .sell, Fx.lots(40)))?.state == .filled)      // reduces
        h.apply(.setSymbolTradingState(h.eurusd, .closeOnly))
        #expect(h.lastOrder(h.market(7101, h.eurusd, .sell, Fx.lots(60)))?.state == .filled)      // closes in close-only
        #expect(h.summary(7101).openPositions == 0)
    }
}
