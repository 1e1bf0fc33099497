import Testing
@testable import RTXCore

/// Resting orders: each trigger rule, stop-limits, gaps, expiry, modify and cancel.
@Suite struct PendingOrderTests {
    func setUp() -> CoreHarness {
        let h = CoreHarness()
        h.openAccount(1, deposit: Fx.money(100_000))
        h.quote(h.eurusd, 108_500, 108_510)
        return h
    }

    /// Places an order and returns its id (checking it rests ACCEPTED).
    @discardableResult
    func place(_ h: CoreHarness, _ side: Side, _ type: PendingType, price: Int64, limit: Int64 = 0) -> OrderID {
        let events = h.pending(1, h.eurusd, side, type, Fx.lots(10), price: price, limit: limit)
        let states = h.orders(events).map(\.state)
        #expect(states == [.pending, .accepted], "\(side) \(type) at \(price): \(states) \(String(describing: h.rejection(events)))")
        return h.orders(events).first!.orderID
    }

    @Test func buyLimitFiresWhenTheAskFallsToItsPrice() throws {
        let h = setUp()
        let id = place(h, .buy, .limit, price: 108_400)
        h.quote(h.eurusd, 108_395, 108_405)                   // ask 1.08405 > 1.08400: rests
        #expect(h.core.positions(of: 1).isEmpty)
        let events = h.apply(.quote(symbol: h.eurusd, bidTicks: 108_385, askTicks: 108_395))   // ask 1.08395 ≤ 1.08400
        let filled = try #require(h.orders(events).last)
        #expect(filled.orderID == id && filled.state == .filled && filled.fillPriceTicks == 108_395)   // at the quote, better than the limit
        #expect(h.core.positions(of: 1).first?.id == id)
    }

    @Test func buyStopFiresWhenTheAskRisesToItsPriceAndAGapFillsAtTheQuote() throws {
        let h = setUp()
        place(h, .buy, .stop, price: 108_600)
        h.quote(h.eurusd, 108_580, 108_590)
        #expect(h.core.positions(of: 1).isEmpty)
        // The market gaps from 1.08590 to 1.08700: the stop fills at the quote, not at 1.08600.
        let events = h.apply(.quote(symbol: h.eurusd, bidTicks: 108_690, askTicks: 108_700))
        #expect(h.orders(events).last?.fillPriceTicks == 108_700)
    }

    @Test func sellLimitAndSellStopFireOnTheBid() {
        let h = setUp()
        place(h, .sell, .limit, price: 108_600)
        place(h, .sell, .stop, price: 108_400)
        h.quote(h.eurusd, 108_599, 108_609)
        #expect(h.core.positions(of: 1).isEmpty)              // bid 1.08599 < 1.08600
        h.quote(h.eurusd, 108_600, 108_610)                   // bid reaches the limit
        #expect(h.core.positions(of: 1).map(\.averagePriceTicks) == [108_600])
        h.quote(h.eurusd, 108_401, 108_411)
        #expect(h.core.positions(of: 1).count == 1)
        h.quote(h.eurusd, 108_395, 108_405)                   // bid 1.08395 ≤ 1.08400: the stop fills at the bid
        #expect(h.core.positions(of: 1).map(\.averagePriceTicks) == [108_600, 108_395])
    }

    @Test func wrongSidePricesAreRefused() {
        let h = setUp()
        // bid 1.08500, ask 1.08510, minimum distance 10 ticks.
        #expect(h.rejection(h.pending(1, h.eurusd, .buy, .limit, Fx.lots(10), price: 108_501)) == .invalidPrice)   // above ask − 10
        #expect(h.rejection(h.pending(1, h.eurusd, .buy, .stop, Fx.lots(10), price: 108_519)) == .invalidPrice)    // below ask + 10
        #expect(h.rejection(h.pending(1, h.eurusd, .sell, .limit, Fx.lots(10), price: 108_509)) == .invalidPrice)
        #expect(h.rejection(h.pending(1, h.eurusd, .sell, .stop, Fx.lots(10), price: 108_491)) == .invalidPrice)
        #expect(h.rejection(h.pending(1, h.eurusd, .buy, .stopLimit, Fx.lots(10), price: 108_600, limit: 108_700)) == .invalidPrice)
        #expect(h.rejection(h.pending(1, h.eurusd, .buy, .limit, Fx.lots(10), price: 108_400, expires: h.timeNs)) == .invalidExpiry)
        #expect(h.rejection(h.pending(1, h.eurusd, .buy, .limit, Fx.lots(10), price: 108_400,
                                      protection: Protection(stopLossTicks: 108_395))) == .invalidStopLoss)        // closer than 10 ticks
        #expect(h.rejection(h.pending(1, h.eurusd, .buy, .limit, Fx.lots(10), price: 108_400,
                                      protection: Protection(takeProfitTicks: 108_300))) == .invalidTakeProfit)    // below entry
        #expect(h.core.positions(of: 1).isEmpty)
    }

    @Test func stopLimitBecomesALimitWhenItsStopTriggers() throws {
        let h = setUp()
        let id = place(h, .buy, .stopLimit, price: 108_600, limit: 108_580)
        // The ask rises to the stop: the order now rests as a buy limit at 1.08580.
        let triggered = h.apply(.quote(symbol: h.eurusd, bidTicks: 108_600, askTicks: 108_610))
        #expect(triggered.contains { if case .pendingOrderModified(let o) = $0 { o.orderID == id && o.kind == .triggeredStopLimit } else { false } })
        #expect(h.core.positions(of: 1).isEmpty)
        h.quote(h.eurusd, 108_575, 108_585)                   // ask 1.08585 > 1.08580
        #expect(h.core.positions(of: 1).isEmpty)
        h.quote(h.eurusd, 108_570, 108_580)                   // ask 1.08580 ≤ 1.08580
        #expect(h.core.positions(of: 1).first?.averagePriceTicks == 108_580)
    }

    @Test func marginIsCheckedAgainWhenAnOrderTriggers() throws {
        let h = CoreHarness()
        h.openAccount(2, deposit: Fx.money(2_000))
        h.quote(h.eurusd, 108_500, 108_510)
        // 1 lot needs 1,084 at 1.08400: fits today's 2,000 free margin.
        let id = try #require(h.orders(h.pending(2, h.eurusd, .buy, .limit, Fx.lots(100), price: 108_400)).last?.orderID)
        // Meanwhile a market order uses most of the margin: 1.5 lots at 1.08510 → 1,627.65.
        h.market(2, h.eurusd, .buy, Fx.lots(150))
        let events = h.apply(.quote(symbol: h.eurusd, bidTicks: 108_390, askTicks: 108_400))
        let rejected = try #require(h.orders(events).last)
        #expect(rejected.orderID == id && rejected.state == .rejected)
        if case .insufficientMargin = rejected.reason {} else { Issue.record("reason \(String(describing: rejected.reason))") }
        #expect(h.core.positions(of: 2).count == 1)
    }

    @Test func gtdOrdersExpireOnATimeTick() throws {
        let h = setUp()
        let expires = h.timeNs + 60_000_000_000
        let id = try #require(h.orders(h.pending(1, h.eurusd, .buy, .limit, Fx.lots(10), price: 108_400, expires: expires)).last?.orderID)
        #expect(h.orders(h.apply(.timeTick, advanceMs: 30_000)).isEmpty)
        let expired = h.orders(h.apply(.timeTick, advanceMs: 30_000))
        #expect(expired.map(\.state) == [.expired] && expired.first?.orderID == id)
        h.quote(h.eurusd, 108_300, 108_310)                   // would have filled: it is gone
        #expect(h.core.positions(of: 1).isEmpty)
    }

    @Test func modifyAndCancel() throws {
        let h = setUp()
        let id = place(h, .buy, .limit, price: 108_400)
        let modified = h.apply(.modifyPendingOrder(account: 1, order: id, priceTicks: 108_300, limitPriceTicks: 0, protection: .none, expiresAtNs: 0))
        #expect(modified.contains { if case .pendingOrderModified(let o) = $0 { o.priceTicks == 108_300 } else { false } })
        h.quote(h.eurusd, 108_390, 108_399)                   // would fill the old price, not the new one
        #expect(h.core.positions(of: 1).isEmpty)
        #expect(h.rejection(h.apply(.modifyPendingOrder(account: 1, order: id, priceTicks: 108_500, limitPriceTicks: 0, protection: .none, expiresAtNs: 0))) == .invalidPrice)
        #expect(h.orders(h.apply(.cancelPendingOrder(account: 1, order: id))).map(\.state) == [.canceled])
        #expect(h.rejection(h.apply(.cancelPendingOrder(account: 1, order: id))) == .unknownOrder)
        h.quote(h.eurusd, 108_200, 108_210)
        #expect(h.core.positions(of: 1).isEmpty)
    }

    @Test func triggeredOrdersKeepTheirProtectionAndBook() throws {
        let h = setUp()
        let id = try #require(h.orders(h.pending(1, h.eurusd, .buy, .limit, Fx.lots(10), price: 108_400,
                                                 protection: Protection(stopLossTicks: 108_300, takeProfitTicks: 108_600),
                                                 routing: RoutingChoice(book: .c, hedgeRatioPPM: 500_000))).last?.orderID)
        let events = h.apply(.quote(symbol: h.eurusd, bidTicks: 108_390, askTicks: 108_400))
        let p = try #require(h.core.positions(of: 1).first)
        #expect(p.id == id && p.book == .c)
        #expect(events.contains { if case .protectionChanged(_, let pid, let prot) = $0 { pid == id && prot.stopLossTicks == 108_300 } else { false } })
        // The C-Book hedge: half of 0.1 lot, bought at the LP on the house's account.
        #expect(h.routes(events).map(\.volume) == [Fx.lots(5)])
        #expect(h.routes(events).first?.purpose == .hedge && h.routes(events).first?.account == 0)
    }

    @Test func quotesOnlyTouchTheTriggersTheyCross() {
        let h = setUp()
        // 200 buy limits far below the market rest untouched by quotes above them.
        for i in 0 ..< 200 { place(h, .buy, .limit, price: 100_000 - Int64(i)) }
        for i in 0 ..< 50 { h.quote(h.eurusd, 108_500 + Int64(i), 108_510 + Int64(i)) }
        #expect(h.core.positions(of: 1).isEmpty)
        // One quote at 0.99900 crosses exactly the 101 orders priced 0.99900 to 1.00000.
        h.quote(h.eurusd, 99_890, 99_900)
        #expect(h.core.positions(of: 1).count == 101)
    }
}
