import Testing
@testable import RTXCore

/// Stop loss, take profit and trailing stops; fill policies and slippage.
@Suite struct ProtectionTests {
    func setUp(mode: PositionMode = .hedging) -> CoreHarness {
        let h = CoreHarness()
        h.openAccount(1, mode: mode, deposit: Fx.money(100_000))
        h.quote(h.eurusd, 108_500, 108_510)
        return h
    }

    @Test func stopLossAndTakeProfitCloseAtTheRightSideAndGapsFillAtTheQuote() throws {
        let h = setUp()
        // A long at 1.08510 with SL 1.08400 and TP 1.08700.
        let long = try #require(h.lastOrder(h.market(1, h.eurusd, .buy, Fx.lots(100), protection: Protection(stopLossTicks: 108_400, takeProfitTicks: 108_700))))
        // A short at 1.08500 with SL 1.08610 and TP 1.08300.
        let short = try #require(h.lastOrder(h.market(1, h.eurusd, .sell, Fx.lots(100), protection: Protection(stopLossTicks: 108_610, takeProfitTicks: 108_300))))
        // The ask touches 1.08610 (bid 1.08600): the short's stop loss fires at the ask.
        var events = h.apply(.quote(symbol: h.eurusd, bidTicks: 108_600, askTicks: 108_610))
        var closes = h.positionEvents(events)
        #expect(closes.map(\.positionID) == [short.positionID] && closes.first?.cause == .stopLoss)
        // Short sold at 1.08500, bought back at 1.08610: (1.08500 − 1.08610) × 100,000 = −110.
        #expect(closes.first?.priceTicks == 108_610 && closes.first?.realizedPnl == -Fx.money(110))
        // The market gaps down through the long's stop loss (bid 1.08450 → 1.08350): it closes at 1.08350.
        h.quote(h.eurusd, 108_450, 108_460)
        events = h.apply(.quote(symbol: h.eurusd, bidTicks: 108_350, askTicks: 108_360))
        closes = h.positionEvents(events)
        #expect(closes.map(\.positionID) == [long.positionID] && closes.first?.cause == .stopLoss)
        // (1.08350 − 1.08510) × 100,000 = −160, not the −110 the stop price would give.
        #expect(closes.first?.priceTicks == 108_350 && closes.first?.realizedPnl == -Fx.money(160))
        #expect(h.core.positions(of: 1).isEmpty)
        #expect(h.core.ledgerTotal(currency: USD) == 0)
    }

    @Test func takeProfitFiresOnTheBidForALong() throws {
        let h = setUp()
        h.market(1, h.eurusd, .buy, Fx.lots(10), protection: Protection(takeProfitTicks: 108_700))
        h.quote(h.eurusd, 108_699, 108_709)
        #expect(h.core.positions(of: 1).count == 1)              // the ask passed 1.08700, the bid did not
        let events = h.apply(.quote(symbol: h.eurusd, bidTicks: 108_700, askTicks: 108_710))
        #expect(h.positionEvents(events).first?.cause == .takeProfit)
        // (1.08700 − 1.08510) × 10,000 = +19.
        #expect(h.positionEvents(events).first?.realizedPnl == Fx.money(19))
    }

    @Test func protectionIsValidatedAgainstSideAndMinimumDistance() throws {
        let h = setUp()
        // Long valued at the bid 1.08500; minimum distance 10 ticks.
        #expect(h.rejection(h.market(1, h.eurusd, .buy, Fx.lots(10), protection: Protection(stopLossTicks: 108_495))) == .invalidStopLoss)
        #expect(h.rejection(h.market(1, h.eurusd, .buy, Fx.lots(10), protection: Protection(stopLossTicks: 108_600))) == .invalidStopLoss)
        #expect(h.rejection(h.market(1, h.eurusd, .buy, Fx.lots(10), protection: Protection(takeProfitTicks: 108_505))) == .invalidTakeProfit)
        #expect(h.rejection(h.market(1, h.eurusd, .sell, Fx.lots(10), protection: Protection(stopLossTicks: 108_515))) == .invalidStopLoss)
        #expect(h.rejection(h.market(1, h.eurusd, .sell, Fx.lots(10), protection: Protection(takeProfitTicks: 108_505))) == .invalidTakeProfit)
        #expect(h.rejection(h.market(1, h.eurusd, .buy, Fx.lots(10), protection: Protection(trailingDistanceTicks: 5))) == .invalidTrailingDistance)
        #expect(h.core.positions(of: 1).isEmpty)
        let p = try #require(h.lastOrder(h.market(1, h.eurusd, .buy, Fx.lots(10)))).positionID
        #expect(h.rejection(h.apply(.modifyPosition(account: 1, position: p, protection: Protection(stopLossTicks: 108_491)))) == .invalidStopLoss)
        #expect(h.rejection(h.apply(.modifyPosition(account: 1, position: p, protection: Protection(stopLossTicks: 108_490)))) == nil)
        // Removing it: the old stop no longer fires.
        h.apply(.modifyPosition(account: 1, position: p, protection: .none))
        h.quote(h.eurusd, 108_300, 108_310)
        #expect(h.core.positions(of: 1).count == 1)
    }

    @Test func trailingStopMovesOnlyInTheTradersFavour() throws {
        let h = setUp()
        // Long at 1.08510, trailing 30 ticks: the stop starts at bid − 30 = 1.08470.
        let events = h.market(1, h.eurusd, .buy, Fx.lots(10), protection: Protection(trailingDistanceTicks: 30))
        let p = try #require(h.lastOrder(events)).positionID
        #expect(h.core.positionProtection(p)?.stopLossTicks == 108_470)
        h.quote(h.eurusd, 108_520, 108_530)                   // the bid passes stop + distance (1.08500): stop to 1.08490
        #expect(h.core.positionProtection(p)?.stopLossTicks == 108_490)
        h.quote(h.eurusd, 108_505, 108_515)                   // the price falls back: the stop stays
        #expect(h.core.positionProtection(p)?.stopLossTicks == 108_490)
        h.quote(h.eurusd, 108_600, 108_610)                   // up again: stop 1.08570
        #expect(h.core.positionProtection(p)?.stopLossTicks == 108_570)
        let close = h.apply(.quote(symbol: h.eurusd, bidTicks: 108_560, askTicks: 108_570))
        #expect(h.positionEvents(close).first?.cause == .stopLoss)
        // Closed at the bid 1.08560: (1.08560 − 1.08510) × 10,000 = +5.
        #expect(h.positionEvents(close).first?.realizedPnl == Fx.money(5))
    }

    @Test func fillOrKillAndImmediateOrCancelAgainstTheQuotesSize() throws {
        let h = setUp()
        // Only 0.3 lot offered at the ask.
        h.apply(.quote(symbol: h.eurusd, bidTicks: 108_500, askTicks: 108_510, bidVolume: Fx.lots(50), askVolume: Fx.lots(30)))
        #expect(h.rejection(h.market(1, h.eurusd, .buy, Fx.lots(50))) == .insufficientLiquidity(available: Fx.lots(30)))
        let ioc = h.apply(.placeMarketOrder(MarketOrderRequest(account: 1, clientOrderID: .none, symbol: h.eurusd, side: .buy,
                                                               volume: Fx.lots(50), fillPolicy: .immediateOrCancel)))
        let last = try #require(h.lastOrder(ioc))
        #expect(last.state == .canceled && last.filledVolume == Fx.lots(30))    // 0.3 filled, the rest cancelled
        #expect(h.core.positions(of: 1).first?.volume == Fx.lots(30))
        #expect(h.lastOrder(h.market(1, h.eurusd, .sell, Fx.lots(50)))?.state == .filled)   // 0.5 at the bid is available
    }

    @Test func maximumDeviationBoundsTheFillPrice() {
        let h = setUp()
        func order(_ side: Side, requested: Int64, deviation: Int64) -> [CoreEvent] {
            h.apply(.placeMarketOrder(MarketOrderRequest(account: 1, clientOrderID: .none, symbol: h.eurusd, side: side, volume: Fx.lots(10),
                                                         requestedPriceTicks: requested, maxDeviationTicks: deviation)))
        }
        // The client saw 1.08500 to buy; the ask is 1.08510: 10 ticks worse.
        #expect(h.rejection(order(.buy, requested: 108_500, deviation: 9)) == .priceDeviation(priceTicks: 108_510))
        #expect(h.lastOrder(order(.buy, requested: 108_500, deviation: 10))?.state == .filled)
        // A better price than requested is always fine.
        #expect(h.lastOrder(order(.sell, requested: 108_490, deviation: 0))?.state == .filled)
    }
}
