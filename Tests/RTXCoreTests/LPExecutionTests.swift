import Testing
@testable import RTXCore

/// A-Book orders at LPs and C-Book hedges.
@Suite struct LPExecutionTests {
    static let aBook = RoutingChoice(book: .a, hedgeRatioPPM: 1_000_000)

    func setUp() -> CoreHarness {
        let h = CoreHarness()
        h.openAccount(1, deposit: Fx.money(10_000))
        h.quote(h.eurusd, 108_500, 108_510)
        return h
    }

    @Test func aBookOrderIsRoutedWithMarginReservedThenFilledAtTheLPsPrice() throws {
        let h = setUp()
        let events = h.market(1, h.eurusd, .buy, Fx.lots(100), routing: Self.aBook)
        let route = try #require(h.routes(events).first)
        #expect(route.purpose == .clientOrder && route.engineOrderID == h.sequence && route.volume == Fx.lots(100) && route.side == .buy)
        #expect(route.deadlineNs == h.timeNs + 5_000_000_000)
        #expect(h.orders(events).map(\.state) == [.pending, .accepted, .filling])
        // Margin 1 × 100,000 × 1.08510 / 100 = 1,085.10 is reserved while the LP works.
        #expect(h.summary(1).freeMargin == Fx.money(10_000) - Fx.money(1_085, 10_000_000))
        #expect(h.summary(1).openPositions == 0)
        // The LP fills at 1.08512 (2 ticks of slippage): the position opens at the LP's price.
        let fill = h.report(route.engineOrderID, "X1", .fill, price: 108_512, volume: Fx.lots(100))
        #expect(h.orders(fill).last?.state == .filled && h.orders(fill).last?.fillPriceTicks == 108_512)
        let p = try #require(h.core.positions(of: 1).first)
        #expect(p.book == .a && p.averagePriceTicks == 108_512 && p.id == route.engineOrderID)
        // Reserved margin is released; the position's own margin holds: 1,085.12.
        #expect(h.summary(1).margin == Fx.money(1_085, 12_000_000))
        #expect(h.summary(1).freeMargin == h.summary(1).equity - Fx.money(1_085, 12_000_000))
        // A duplicate of the same execution id changes nothing; a report for an id never routed is an alert.
        #expect(h.report(route.engineOrderID, "X1", .fill, price: 108_512, volume: Fx.lots(100)).isEmpty)
        #expect(h.core.positions(of: 1).count == 1)
        #expect(h.report(424_242, "Z", .fill, price: 108_512, volume: Fx.lots(1)) == [CoreEvent.alert(.reportForUnknownOrder(engineOrderID: 424_242))])
    }

    @Test func partialFillsThenCancelOfTheRest() throws {
        let h = setUp()
        let route = try #require(h.routes(h.market(1, h.eurusd, .buy, Fx.lots(100), routing: Self.aBook)).first)
        let first = h.report(route.engineOrderID, "P1", .partialFill, price: 108_510, volume: Fx.lots(40))
        #expect(h.orders(first).last?.filledVolume == Fx.lots(40) && h.orders(first).last?.state == .filling)
        #expect(h.report(route.engineOrderID, "P1", .partialFill, price: 108_510, volume: Fx.lots(40)).isEmpty)   // duplicate
        h.report(route.engineOrderID, "P2", .partialFill, price: 108_520, volume: Fx.lots(20))
        let p = try #require(h.core.positions(of: 1).first)
        // One position of 0.6 lot at (0.4 × 1.08510 + 0.2 × 1.08520) / 0.6 = 1.085133… → 1.08513.
        #expect(p.volume == Fx.lots(60) && p.averagePriceTicks == 108_513)
        let cancel = h.report(route.engineOrderID, "C1", .canceled)
        #expect(h.orders(cancel).last?.state == .canceled && h.orders(cancel).last?.filledVolume == Fx.lots(60) && h.orders(cancel).last?.reason == .lpCanceled)
        // Nothing stays reserved: margin is the position's, 0.6 × 1.085133… × 1,000 = 651.08.
        #expect(h.summary(1).margin == Fx.money(651, 8_000_000))
        #expect(h.summary(1).freeMargin == h.summary(1).equity - h.summary(1).margin)
    }

    @Test func rejectReleasesTheMarginWithTheLPsReason() throws {
        let h = setUp()
        let route = try #require(h.routes(h.market(1, h.eurusd, .buy, Fx.lots(100), routing: Self.aBook)).first)
        let events = h.report(route.engineOrderID, "R1", .rejected)
        #expect(h.orders(events).last?.state == .rejected && h.orders(events).last?.reason == .lpRejected)
        #expect(h.summary(1).freeMargin == Fx.money(10_000) && h.summary(1).openPositions == 0)
    }

    @Test func timeOutRejectsAndALateFillGoesToTheHouseWithAnAlert() throws {
        let h = setUp()
        let route = try #require(h.routes(h.market(1, h.eurusd, .sell, Fx.lots(100), routing: Self.aBook)).first)
        #expect(h.orders(h.apply(.timeTick, advanceMs: 4_000)).isEmpty)
        let tick = h.apply(.timeTick, advanceMs: 1_001)
        #expect(tick.contains(.cancelAtLP(engineOrderID: route.engineOrderID)))
        #expect(h.orders(tick).last?.state == .rejected && h.orders(tick).last?.reason == .lpTimeout)
        #expect(h.summary(1).freeMargin == Fx.money(10_000))
        // The LP fills anyway: the house now holds a 1-lot short at 1.08495; the client nothing.
        let late = h.report(route.engineOrderID, "L1", .fill, price: 108_495, volume: Fx.lots(100))
        #expect(h.alerts(late) == [.lateFillBookedToHouse(engineOrderID: route.engineOrderID, symbol: h.eurusd, side: .sell, volume: Fx.lots(100), priceTicks: 108_495)])
        #expect(h.core.houseHedgeVolume(h.eurusd) == -Fx.lots(100))
        #expect(h.summary(1).openPositions == 0)
        // A duplicate of the late fill is not booked twice.
        #expect(h.report(route.engineOrderID, "L1", .fill, price: 108_495, volume: Fx.lots(100)).isEmpty)
        #expect(h.core.houseHedgeVolume(h.eurusd) == -Fx.lots(100))
    }

    @Test func closingAnABookPositionSendsACloseToTheLP() throws {
        let h = setUp()
        let open = try #require(h.routes(h.market(1, h.eurusd, .buy, Fx.lots(100), routing: Self.aBook)).first)
        h.report(open.engineOrderID, "F1", .fill, price: 108_510, volume: Fx.lots(100))
        h.quote(h.eurusd, 108_700, 108_710)
        let close = h.apply(.closePosition(account: 1, position: open.engineOrderID, volume: 0))
        let route = try #require(h.routes(close).first)
        #expect(route.purpose == .clientClose && route.side == .sell && route.positionID == open.engineOrderID)
        #expect(h.core.positions(of: 1).count == 1)                           // open until the LP fills
        #expect(h.rejection(h.apply(.closePosition(account: 1, position: open.engineOrderID, volume: 0))) == .closeInProgress)
        // The LP sells at 1.08698: (1.08698 − 1.08510) × 100,000 = +188, paid through the LP settlement account.
        let fill = h.report(route.engineOrderID, "F2", .fill, price: 108_698, volume: Fx.lots(100))
        #expect(h.ledgerEntries(fill).map(\.amount) == [Fx.money(188)])
        #expect(h.ledgerEntries(fill).first?.from == .house(.lpSettlement))
        #expect(h.core.positions(of: 1).isEmpty && h.summary(1).balance == Fx.money(10_188))
        #expect(h.core.ledgerTotal(currency: USD) == 0)
    }

    @Test func cBookFillsInternallyHedgesItsShareAndUnwindsIt() throws {
        let h = setUp()
        // 1 lot C-Book with a 30 % hedge: the client fills at 1.08510; the house buys 0.3 lot at the LP.
        let events = h.market(1, h.eurusd, .buy, Fx.lots(100), routing: RoutingChoice(book: .c, hedgeRatioPPM: 300_000))
        #expect(h.lastOrder(events)?.state == .filled)
        let hedge = try #require(h.routes(events).first)
        #expect(hedge.purpose == .hedge && hedge.side == .buy && hedge.volume == Fx.lots(30) && hedge.account == 0)
        h.report(hedge.engineOrderID, "H1", .fill, price: 108_511, volume: Fx.lots(30))
        #expect(h.core.houseHedgeVolume(h.eurusd) == Fx.lots(30))
        // The client closes at the bid 1.08700: +190 × … (1.08700 − 1.08510) × 100,000 = +190 from the B-Book.
        h.quote(h.eurusd, 108_700, 108_710)
        let p = try #require(h.core.positions(of: 1).first).id
        let close = h.apply(.closePosition(account: 1, position: p, volume: 0))
        #expect(h.ledgerEntries(close).first?.from == .house(.bBookPnL) && h.ledgerEntries(close).first?.amount == Fx.money(190))
        let unwind = try #require(h.routes(close).first)
        #expect(unwind.purpose == .hedgeClose && unwind.side == .sell && unwind.volume == Fx.lots(30))
        // The LP buys back the hedge at 1.08699: (1.08699 − 1.08511) × 30,000 = +56.40 to the house hedge.
        let hedgeClose = h.report(unwind.engineOrderID, "H2", .fill, price: 108_699, volume: Fx.lots(30))
        #expect(h.ledgerEntries(hedgeClose).map(\.amount) == [Fx.money(56, 40_000_000)])
        #expect(h.ledgerEntries(hedgeClose).first?.to == .house(.houseHedge))
        #expect(h.core.houseHedgeVolume(h.eurusd) == 0)
        #expect(h.core.ledgerTotal(currency: USD) == 0)
    }

    @Test func aHedgeBelowTheMinimumIsAnAlertNotAnOrder() {
        let h = setUp()
        // 1 % of 0.5 lot is 0.005 lot, under the 0.01 minimum.
        let events = h.market(1, h.eurusd, .buy, Fx.lots(50), routing: RoutingChoice(book: .c, hedgeRatioPPM: 10_000))
        #expect(h.routes(events).isEmpty)
        #expect(h.alerts(events).count == 1)
    }
}
