import Testing
@testable import RTXCore

/// Fee schedules and currency conversion, with hand-computed examples.
@Suite struct FeeTests {
    func setUp(deposit: Int64 = Fx.money(100_000)) -> CoreHarness {
        let h = CoreHarness()
        h.openAccount(1, deposit: deposit)
        h.quote(h.eurusd, 108_500, 108_510)
        return h
    }

    @Test func commissionTiersAndMinimums() throws {
        let h = setUp()
        // 7 USD per lot up to 5 lots, 5 USD per lot from 5 lots, at least 2.50 per trade.
        h.apply(.setFeeSchedule(FeeScheduleSpec(commissionTiers: [
            .init(currency: USD, fromVolume: 0, perLotMoney: Fx.money(7), minimumMoney: Fx.money(2, 50_000_000)),
            .init(currency: USD, fromVolume: Fx.lots(500), perLotMoney: Fx.money(5), minimumMoney: Fx.money(2, 50_000_000)),
        ])))
        func commissions(_ events: [CoreEvent]) -> [Int64] {
            h.ledgerEntries(events).filter { $0.kind == .commission }.map(\.amount)
        }
        // 0.2 lot: 7 × 0.2 = 1.40 → the 2.50 minimum.
        #expect(commissions(h.market(1, h.eurusd, .buy, Fx.lots(20))) == [Fx.money(2, 50_000_000)])
        // 2 lots: 7 × 2 = 14.
        #expect(commissions(h.market(1, h.eurusd, .buy, Fx.lots(200))) == [Fx.money(14)])
        // 6 lots: the second tier, 5 × 6 = 30.
        let big = h.market(1, h.eurusd, .buy, Fx.lots(600))
        #expect(commissions(big) == [Fx.money(30)])
        #expect(h.ledgerEntries(big).first { $0.kind == .commission }?.to == .house(.commission))
        #expect(h.ledgerEntries(big).first { $0.kind == .commission }?.detail == h.lastOrder(big)?.feeScheduleID)
        #expect(h.lastOrder(big)?.feeScheduleID ?? 0 > 0)
        // Closing 6 lots charges the exit commission again: 30.
        let p = try #require(h.lastOrder(big)).positionID
        #expect(commissions(h.apply(.closePosition(account: 1, position: p, volume: 0))) == [Fx.money(30)])
        #expect(h.core.ledgerBalance(.house(.commission), currency: USD) == Fx.money(76, 50_000_000))
        #expect(h.core.ledgerTotal(currency: USD) == 0)
    }

    @Test func markupInPointsAndInPercent() throws {
        let h = setUp()
        // 3 points on both sides for EURUSD; 0.1 % (1,000 ppm) for BTCUSD.
        h.apply(.setFeeSchedule(FeeScheduleSpec(markups: [
            .init(symbol: 0, mode: .points, bid: 3, ask: 3),
            .init(symbol: 1, mode: .ppm, bid: 1_000, ask: 1_000),
        ])))
        // EURUSD raw 1.08500/1.08510 → client 1.08497/1.08513: a buy fills at 1.08513.
        #expect(h.lastOrder(h.market(1, h.eurusd, .buy, Fx.lots(10)))?.fillPriceTicks == 108_513)
        #expect(ClientPricing.clientQuote(rawBid: 108_500, rawAsk: 108_510, markup: .init(mode: .points, bid: 3, ask: 3)) == (108_497, 108_513))
        // BTCUSD raw 65,000.00/65,010.00 → bid − 65.00 = 64,935.00, ask + 65.01 = 65,075.01.
        h.quote(h.btcusd, 6_500_000, 6_501_000)
        #expect(h.lastOrder(h.market(1, h.btcusd, .sell, 100_000))?.fillPriceTicks == 6_493_500)
        #expect(h.lastOrder(h.market(1, h.btcusd, .buy, 100_000))?.fillPriceTicks == 6_507_501)
        // Floating values the long at the client bid: (1.08497 − 1.08513) × 10,000 = −1.60.
        #expect(h.core.positions(of: 1).first?.floatingPnl == -Fx.money(1, 60_000_000))
    }

    @Test func aBookFillsCarryTheMarkupAsRevenue() throws {
        let h = setUp()
        h.apply(.setFeeSchedule(FeeScheduleSpec(markups: [.init(mode: .points, bid: 2, ask: 2)])))
        let route = try #require(h.routes(h.market(1, h.eurusd, .buy, Fx.lots(100), routing: RoutingChoice(book: .a, hedgeRatioPPM: 1_000_000))).first)
        // The LP fills at 1.08510; the client pays 1.08512; 2 points × 1 lot = 2 USD of markup.
        let fill = h.report(route.engineOrderID, "F", .fill, price: 108_510, volume: Fx.lots(100))
        #expect(h.orders(fill).last?.fillPriceTicks == 108_512)
        let revenue = try #require(h.ledgerEntries(fill).first { $0.kind == .markup })
        #expect(revenue.amount == Fx.money(2) && revenue.from == .house(.lpSettlement) && revenue.to == .house(.markup))
    }

    @Test func swapWithTheTripleDay() throws {
        // Rollover on Tuesday 2023-11-14 (single) and Wednesday 2023-11-15 (triple).
        let h = setUp()
        h.apply(.setFeeSchedule(FeeScheduleSpec(swaps: [.init(symbol: 0, mode: .points, long: -7, short: 2, tripleWeekday: 3)])))
        h.market(1, h.eurusd, .buy, Fx.lots(100))
        h.market(1, h.eurusd, .sell, Fx.lots(50))
        // Long 1 lot: −7 points × 100,000 = −7.00 USD; short 0.5 lot: +2 × 50,000 = +1.00 USD.
        let tuesday = h.apply(.rollover)
        let swaps = h.ledgerEntries(tuesday).filter { $0.kind == .swap }
        #expect(swaps.map(\.amount) == [Fx.money(7), Fx.money(1)])
        #expect(swaps.first?.from == .clientBalance(1) && swaps.last?.to == .clientBalance(1))
        let wednesday = h.apply(.rollover, advanceMs: 24 * 3_600_000)
        #expect(h.ledgerEntries(wednesday).filter { $0.kind == .swap }.map(\.amount) == [Fx.money(21), Fx.money(3)])
        #expect(h.core.ledgerBalance(.house(.swap), currency: USD) == Fx.money(24))   // 7 − 1 + 21 − 3
        #expect(h.core.ledgerTotal(currency: USD) == 0)
    }

    @Test func usdjpyOnAUSDAccountConvertsThroughItsOwnQuote() throws {
        let h = setUp()
        #expect(h.rejection(h.market(1, h.usdjpy, .buy, Fx.lots(100))) == .noCurrencyConversion)   // no USDJPY quote yet
        h.quote(h.usdjpy, 151_200, 151_215)                   // 151.200 / 151.215
        let p = try #require(h.lastOrder(h.market(1, h.usdjpy, .buy, Fx.lots(100)))).positionID
        // Margin: 100,000 × 151.215 / 100 = 151,215 JPY, a charge: ÷ the bid 151.200 = 1,000.0992… USD → 1,000.09920635.
        #expect(h.summary(1).margin == 100_009_920_635)
        // The price rises to 152.000: P&L (152.000 − 151.215) × 100,000 = 78,500 JPY ÷ the ask 152.015 = 516.39640825 USD.
        h.quote(h.usdjpy, 152_000, 152_015)
        #expect(h.summary(1).floatingPnl == 51_639_640_825)
        let close = h.apply(.closePosition(account: 1, position: p, volume: 0))
        #expect(h.ledgerEntries(close).first?.amount == 51_639_640_825)
        #expect(h.core.ledgerTotal(currency: USD) == 0)
    }

    @Test func eurgbpOnAEURAccountNeedsNoConversionAndOnAUSDAccountGoesThroughGBPUSD() throws {
        let h = CoreHarness()
        let GBP = Currency("GBP")!
        let eurgbp = SymbolIndex(3), gbpusd = SymbolIndex(4)
        h.apply(.defineSymbol(SymbolSpec(name: "EURGBP", digits: 5, contractSizeE8: 100_000 * 100_000_000, volumeMin: 1_000_000,
                                         volumeMax: 100 * 100_000_000, volumeStep: 1_000_000, marginCurrency: EUR, profitCurrency: GBP)))
        h.apply(.defineSymbol(SymbolSpec(name: "GBPUSD", digits: 5, contractSizeE8: 100_000 * 100_000_000, volumeMin: 1_000_000,
                                         volumeMax: 100 * 100_000_000, volumeStep: 1_000_000, marginCurrency: GBP, profitCurrency: USD)))
        h.apply(.openAccount(AccountSpec(id: 2, group: 0, currency: EUR, leverage: 100, mode: .hedging)))
        h.apply(.deposit(account: 2, amount: Fx.money(10_000), method: .card))
        h.openAccount(3, deposit: Fx.money(10_000))
        h.quote(eurgbp, 86_000, 86_010)                        // 0.86000 / 0.86010
        h.quote(gbpusd, 126_000, 126_010)                      // 1.26000 / 1.26010
        // On the EUR account: P&L in GBP → EUR through EURGBP itself (divide by its ask).
        let onEur = try #require(h.lastOrder(h.market(2, eurgbp, .buy, Fx.lots(100))))
        #expect(onEur.state == .filled)
        // Margin: 100,000 × 0.86010 / 100 = 860.10 GBP, charged at EURGBP's bid: 860.10 / 0.86000 = 1,000.11627907 EUR.
        #expect(h.summary(2).margin == 100_011_627_907)
        // On the USD account: margin 860.10 GBP × GBPUSD ask 1.26010 = 1,083.812 USD.
        h.market(3, eurgbp, .buy, Fx.lots(100))
        #expect(h.summary(3).margin == 108_381_201_000)
        // EURGBP up to 0.86510: P&L (0.86510 − 0.86010) × 100,000 = 500 GBP → × GBPUSD bid 1.26000 = 630 USD.
        h.quote(eurgbp, 86_510, 86_520)
        #expect(h.summary(3).floatingPnl == Fx.money(630))
        // On the EUR account: 500 GBP ÷ EURGBP ask 0.86520 = 577.90106334 EUR.
        #expect(h.summary(2).floatingPnl == 57_790_106_334)
        #expect(h.core.ledgerTotal(currency: EUR) == 0 && h.core.ledgerTotal(currency: USD) == 0)
    }
}
