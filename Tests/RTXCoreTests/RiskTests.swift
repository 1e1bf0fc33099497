import Testing
@testable import RTXCore

/// Margin call, stop out and negative balance protection, with hand-computed levels.
@Suite struct RiskTests {
    func events(_ h: CoreHarness, _ list: [CoreEvent]) -> (calls: [AccountID], stopOuts: [AccountID], closed: [PositionEvent]) {
        var calls: [AccountID] = [], stops: [AccountID] = []
        for e in list {
            if case .marginCall(let a, _, _) = e { calls.append(a) }
            if case .stopOut(let a, _, _) = e { stops.append(a) }
        }
        return (calls, stops, h.positionEvents(list).filter { $0.cause == .stopOut })
    }

    @Test func marginCallOncePerCrossingThenStopOut() throws {
        let h = CoreHarness()
        h.openAccount(1, deposit: Fx.money(2_000))
        h.quote(h.eurusd, 108_500, 108_510)
        // 1 lot at 1.08510: margin 1,085.10. Margin call at 100 %: equity ≤ 1,085.10.
        h.market(1, h.eurusd, .buy, Fx.lots(100))
        // bid 1.07600: loss (1.08510 − 1.07600) × 100,000 = 910 → equity 1,090, level 100.45 %: nothing.
        #expect(events(h, h.apply(.quote(symbol: h.eurusd, bidTicks: 107_600, askTicks: 107_610))).calls.isEmpty)
        // bid 1.07595: loss 915 → equity 1,085 ≤ 1,085.10: one margin call.
        #expect(events(h, h.apply(.quote(symbol: h.eurusd, bidTicks: 107_595, askTicks: 107_605))).calls == [1])
        #expect(events(h, h.apply(.quote(symbol: h.eurusd, bidTicks: 107_590, askTicks: 107_600))).calls.isEmpty)   // still below: no repeat
        // Back to 104.1 % (equity 1,130) is inside the 5-point re-arm band: crossing again does not call.
        #expect(events(h, h.apply(.quote(symbol: h.eurusd, bidTicks: 107_640, askTicks: 107_650))).calls.isEmpty)
        #expect(events(h, h.apply(.quote(symbol: h.eurusd, bidTicks: 107_590, askTicks: 107_600))).calls.isEmpty)
        // Back above 105 % (equity 1,190: 109.7 %) re-arms it; the next crossing calls again.
        #expect(events(h, h.apply(.quote(symbol: h.eurusd, bidTicks: 107_700, askTicks: 107_710))).calls.isEmpty)
        #expect(events(h, h.apply(.quote(symbol: h.eurusd, bidTicks: 107_590, askTicks: 107_600))).calls == [1])
        // Stop out at 50 %: equity ≤ 542.55, i.e. a loss ≥ 1,457.45. bid 1.07053: loss 1,457 → equity 543: not yet.
        #expect(events(h, h.apply(.quote(symbol: h.eurusd, bidTicks: 107_053, askTicks: 107_063))).stopOuts.isEmpty)
        // bid 1.07052: loss 1,458 → equity 542 ≤ 542.55: the position closes at the bid.
        let out = events(h, h.apply(.quote(symbol: h.eurusd, bidTicks: 107_052, askTicks: 107_062)))
        #expect(out.stopOuts == [1] && out.closed.count == 1)
        #expect(out.closed.first?.priceTicks == 107_052 && out.closed.first?.realizedPnl == -Fx.money(1_458))
        #expect(h.summary(1).balance == Fx.money(542) && h.summary(1).openPositions == 0)
        #expect(h.core.ledgerTotal(currency: USD) == 0)
    }

    @Test func stopOutClosesLargestMarginFirstUntilTheLevelRecovers() throws {
        let h = CoreHarness()
        h.openAccount(1, deposit: Fx.money(2_000))
        h.quote(h.eurusd, 108_500, 108_510)
        h.quote(h.btcusd, 6_500_000, 6_501_000)
        let small = try #require(h.lastOrder(h.market(1, h.eurusd, .buy, Fx.lots(50)))).positionID    // margin 542.55
        let big = try #require(h.lastOrder(h.market(1, h.eurusd, .buy, Fx.lots(100)))).positionID     // margin 1,085.10
        let btc = try #require(h.lastOrder(h.market(1, h.btcusd, .buy, 10_000_000))).positionID       // 0.1 BTC: margin 65.01
        // Margin 1,692.66. Spreads: EURUSD −5 − 10, BTCUSD −1.00: equity 1,984.
        // BTCUSD crashes to 47,000.00: loss (65,010 − 47,000) × 0.1 = 1,801 → equity 184, level 10.9 %.
        let out = events(h, h.apply(.quote(symbol: h.btcusd, bidTicks: 4_700_000, askTicks: 4_701_000)))
        #expect(out.stopOuts == [1])
        // Largest margin first: the 1-lot EURUSD (closing at −10 leaves equity 184, margin 607.56: 30.3 %),
        // then the 0.5 lot (equity 184, margin 65.01: 283.0 % > 50 %): the BTCUSD position stays.
        #expect(out.closed.map(\.positionID) == [big, small])
        #expect(h.core.positions(of: 1).map(\.id) == [btc])
    }

    @Test func negativeBalanceProtectionWritesOffWhatAGapLeaves() throws {
        let h = CoreHarness()
        h.apply(.defineGroup(GroupSpec(name: "protected", negativeBalanceProtection: true)))
        h.apply(.openAccount(AccountSpec(id: 2, group: 1, currency: USD, leverage: 100, mode: .hedging)))
        h.apply(.deposit(account: 2, amount: Fx.money(2_000), method: .card))
        h.quote(h.eurusd, 108_500, 108_510)
        h.market(2, h.eurusd, .buy, Fx.lots(100))
        // A gap to 1.05000: loss (1.08510 − 1.05000) × 100,000 = 3,510 → balance −1,510 after the stop out.
        let list = h.apply(.quote(symbol: h.eurusd, bidTicks: 105_000, askTicks: 105_010))
        let nbp = try #require(h.ledgerEntries(list).first { $0.kind == .negativeBalanceProtection })
        #expect(nbp.amount == Fx.money(1_510) && nbp.from == .house(.adjustments) && nbp.to == .clientBalance(2))
        #expect(h.summary(2).balance == 0)
        #expect(h.core.ledgerTotal(currency: USD) == 0)
        // Without the option (group 0), the balance stays negative.
        h.openAccount(3, deposit: Fx.money(2_000))
        h.quote(h.eurusd, 108_500, 108_510)
        h.market(3, h.eurusd, .buy, Fx.lots(100))
        h.quote(h.eurusd, 105_000, 105_010)
        #expect(h.summary(3).balance == -Fx.money(1_510))
    }

    @Test func positionsInSymbolsThatCannotTradeAreReported() throws {
        let h = CoreHarness()
        h.openAccount(1, deposit: Fx.money(2_000))
        h.quote(h.eurusd, 108_500, 108_510)
        h.quote(h.btcusd, 6_500_000, 6_501_000)
        let eur = try #require(h.lastOrder(h.market(1, h.eurusd, .buy, Fx.lots(100)))).positionID
        h.market(1, h.btcusd, .buy, 10_000_000)
        h.apply(.setSymbolTradingState(h.eurusd, .disabled))
        let list = h.apply(.quote(symbol: h.btcusd, bidTicks: 4_700_000, askTicks: 4_701_000))
        #expect(list.contains(.stopOutBlocked(account: 1, position: eur, reason: .symbolDisabled)))
        // The EURUSD position stays; BTCUSD is closed instead.
        #expect(h.core.positions(of: 1).map(\.id) == [eur])
        // Still below stop out (equity 184 − 10 spread ≤ 542.55): further quotes do not repeat the report.
        let again = h.apply(.quote(symbol: h.btcusd, bidTicks: 4_690_000, askTicks: 4_691_000))
        #expect(!again.contains { if case .stopOut = $0 { true } else { false } })
        #expect(!again.contains { if case .stopOutBlocked = $0 { true } else { false } })
        // The moment EURUSD trades again, the stop out closes it.
        let enabled = h.apply(.setSymbolTradingState(h.eurusd, .full))
        #expect(enabled.contains { if case .stopOut(1, _, _) = $0 { true } else { false } })
        #expect(h.positionEvents(enabled).map(\.positionID) == [eur] && h.core.positions(of: 1).isEmpty)
        // Also after a restore from a snapshot taken while blocked.
        let g = CoreHarness()
        g.openAccount(1, deposit: Fx.money(2_000))
        g.quote(g.eurusd, 108_500, 108_510)
        g.quote(g.btcusd, 6_500_000, 6_501_000)
        g.market(1, g.eurusd, .buy, Fx.lots(100))
        g.market(1, g.btcusd, .buy, 10_000_000)
        g.apply(.setGlobalTradingState(.disabled))
        g.apply(.quote(symbol: g.btcusd, bidTicks: 4_700_000, askTicks: 4_701_000))
        #expect(g.core.positions(of: 1).count == 2)        // nothing can close during a halt
        var restored = try TradingCore(snapshot: g.core.snapshot())
        restored.apply(Envelope(sequence: g.sequence + 1, timeNs: g.timeNs + 1_000_000, command: .setGlobalTradingState(.full)))
        g.apply(.setGlobalTradingState(.full))
        #expect(g.core.positions(of: 1).count == 1 && restored.stateHash() == g.core.stateHash())
    }

    @Test func aBookPositionsAreClosedThroughTheLP() throws {
        let h = CoreHarness()
        h.openAccount(1, deposit: Fx.money(2_000))
        h.quote(h.eurusd, 108_500, 108_510)
        let route = try #require(h.routes(h.market(1, h.eurusd, .buy, Fx.lots(100), routing: RoutingChoice(book: .a, hedgeRatioPPM: 1_000_000))).first)
        h.report(route.engineOrderID, "F", .fill, price: 108_510, volume: Fx.lots(100))
        let list = h.apply(.quote(symbol: h.eurusd, bidTicks: 107_000, askTicks: 107_010))
        let close = try #require(h.routes(list).first)
        #expect(close.purpose == .clientClose && close.positionID == route.engineOrderID)
        #expect(h.core.positions(of: 1).count == 1)                  // until the LP fills
        h.report(close.engineOrderID, "C", .fill, price: 106_990, volume: Fx.lots(100))
        #expect(h.core.positions(of: 1).isEmpty)
    }

    @Test func groupLevelsAreChecked() {
        let h = CoreHarness()
        #expect(h.rejection(h.apply(.defineGroup(GroupSpec(name: "a", marginCallLevelPercent: 40, stopOutLevelPercent: 50)))) == .invalidSpec(.levels))
        #expect(h.rejection(h.apply(.defineGroup(GroupSpec(name: "b", marginCallRearmPercent: -1)))) == .invalidSpec(.levels))
        #expect(h.rejection(h.apply(.defineGroup(GroupSpec(name: "c", marginCallRearmPercent: 1_001)))) == .invalidSpec(.levels))
        #expect(h.rejection(h.apply(.defineGroup(GroupSpec(name: "d", marginCallRearmPercent: 0)))) == nil)
        #expect(h.core.groupIndex(named: "a") == nil && h.core.groupIndex(named: "d") == 1)
    }
}
