import Testing
@testable import RTXCore

/// Exposure per symbol, book, group and account, and the global, group and symbol trading
/// switches, with hand-computed figures.
@Suite struct ExposureTests {
    /// Retail account 1 (B-Book), VIP account 2 (A-Book), retail account 3 (C-Book, 40 % hedged).
    func threeBooks() throws -> CoreHarness {
        let h = CoreHarness()
        h.apply(.defineGroup(GroupSpec(name: "vip")))
        h.openAccount(1, deposit: Fx.money(100_000))
        h.apply(.openAccount(AccountSpec(id: 2, group: 1, currency: USD, leverage: 100, mode: .hedging)))
        h.apply(.deposit(account: 2, amount: Fx.money(100_000), method: .bankTransfer))
        h.openAccount(3, deposit: Fx.money(100_000))
        h.quote(h.eurusd, 108_500, 108_510)
        h.market(1, h.eurusd, .buy, Fx.lots(100))
        let a = try #require(h.routes(h.market(2, h.eurusd, .sell, Fx.lots(30), routing: RoutingChoice(book: .a, hedgeRatioPPM: 1_000_000))).first)
        h.report(a.engineOrderID, "A1", .fill, price: 108_499, volume: Fx.lots(30))
        let hedge = try #require(h.routes(h.market(3, h.eurusd, .buy, Fx.lots(50), routing: RoutingChoice(book: .c, hedgeRatioPPM: 400_000))).first)
        #expect(hedge.purpose == .hedge && hedge.volume == Fx.lots(20))
        h.report(hedge.engineOrderID, "H1", .fill, price: 108_510, volume: Fx.lots(20))
        return h
    }

    @Test func exposurePerSymbolBookGroupAndAccount() throws {
        let h = try threeBooks()
        let b = try #require(h.core.exposure(symbol: h.eurusd, book: .b))
        let a = try #require(h.core.exposure(symbol: h.eurusd, book: .a))
        let c = try #require(h.core.exposure(symbol: h.eurusd, book: .c))
        #expect(b.longVolume == Fx.lots(100) && b.shortVolume == 0 && b.longCost == Int128(Fx.lots(100)) * 108_510)
        #expect(a.shortVolume == Fx.lots(30) && a.longVolume == 0 && a.shortCost == Int128(Fx.lots(30)) * 108_499)
        #expect(c.longVolume == Fx.lots(50) && c.netVolume == Fx.lots(50))
        let all = try #require(h.core.exposure(symbol: h.eurusd))
        #expect(all.longVolume == Fx.lots(150) && all.shortVolume == Fx.lots(30) && all.netVolume == Fx.lots(120))
        // Per group: retail holds the B- and C-Book longs, VIP the A-Book short.
        #expect(h.core.exposure(group: 0, symbol: h.eurusd)?.netVolume == Fx.lots(150))
        #expect(h.core.exposure(group: 1, symbol: h.eurusd)?.netVolume == -Fx.lots(30))
        #expect(h.core.exposure(group: 1, symbol: h.eurusd, book: .b)?.netVolume == 0)
        #expect(h.core.exposure(group: 0, symbol: h.btcusd)?.netVolume == 0)
        // The house is short what B- and C-Book clients hold, less its 0.2-lot hedge: −1.3 lots.
        #expect(h.core.houseNetVolume(h.eurusd) == -Fx.lots(130))
        // Valued at the mid 1.08505: 1.5 lots long = 162,757.50 USD, 0.3 short = 32,551.50.
        let value = try #require(h.core.valuation(all, symbol: h.eurusd))
        #expect(value.currency == USD && value.longNotional == Fx.money(162_757, 50_000_000) && value.shortNotional == Fx.money(32_551, 50_000_000))
        #expect(value.netNotional == Fx.money(130_206))
        // Per account.
        let one = try #require(h.core.exposures(of: 1))
        #expect(one.count == 1 && one[0].symbol == h.eurusd && one[0].exposure.netVolume == Fx.lots(100))
        #expect(h.core.exposures(of: 2)?.first?.exposure.netVolume == -Fx.lots(30))
        #expect(h.core.exposures(of: 99) == nil && h.core.exposure(symbol: 7) == nil && h.core.exposure(group: 5, symbol: 0) == nil)
    }

    @Test func exposureFollowsPartialAndFullClosesAndSurvivesASnapshot() throws {
        let h = try threeBooks()
        let position = try #require(h.core.positions(of: 1).first).id
        h.apply(.closePosition(account: 1, position: position, volume: Fx.lots(40)))
        #expect(h.core.exposure(symbol: h.eurusd, book: .b)?.longVolume == Fx.lots(60))
        #expect(h.core.exposure(symbol: h.eurusd, book: .b)?.longCost == Int128(Fx.lots(60)) * 108_510)
        #expect(h.core.exposure(group: 0, symbol: h.eurusd)?.netVolume == Fx.lots(110))
        let restored = try TradingCore(snapshot: h.core.snapshot())
        for book in Book.allCases {
            #expect(restored.exposure(symbol: h.eurusd, book: book) == h.core.exposure(symbol: h.eurusd, book: book))
            #expect(restored.exposure(group: 1, symbol: h.eurusd, book: book) == h.core.exposure(group: 1, symbol: h.eurusd, book: book))
        }
        h.apply(.closePosition(account: 1, position: position, volume: 0))
        #expect(h.core.exposure(symbol: h.eurusd, book: .b) == NetExposure())
        #expect(h.core.exposures(of: 1)?.isEmpty == true)
        // A symbol defined later gets empty totals; existing ones are kept.
        h.apply(.defineSymbol(SymbolSpec(name: "XAUUSD", digits: 2, contractSizeE8: 100 * 100_000_000, volumeMin: 1_000_000,
                                         volumeMax: 100 * 100_000_000, volumeStep: 1_000_000, marginCurrency: USD, profitCurrency: USD)))
        #expect(h.core.exposure(symbol: 3) == NetExposure())
        #expect(h.core.exposure(group: 1, symbol: h.eurusd)?.netVolume == -Fx.lots(30))
        #expect(h.core.exposure(group: 0, symbol: h.eurusd, book: .c)?.netVolume == Fx.lots(50))
    }

    @Test func globalGroupAndSymbolSwitchesRefuseWithTheirOwnReason() throws {
        let h = CoreHarness()
        h.apply(.defineGroup(GroupSpec(name: "vip")))
        h.openAccount(1, deposit: Fx.money(10_000))
        h.apply(.openAccount(AccountSpec(id: 2, group: 1, currency: USD, leverage: 100, mode: .hedging)))
        h.apply(.deposit(account: 2, amount: Fx.money(10_000), method: .bankTransfer))
        h.quote(h.eurusd, 108_500, 108_510)
        let p1 = try #require(h.lastOrder(h.market(1, h.eurusd, .buy, Fx.lots(10)))).positionID
        let p2 = try #require(h.lastOrder(h.market(2, h.eurusd, .buy, Fx.lots(10)))).positionID

        // Group close only: VIP cannot open, may close; retail is untouched.
        #expect(h.apply(.setGroupTradingState(1, .closeOnly)).contains(.groupTradingStateChanged(1, .closeOnly)))
        #expect(h.rejection(h.market(2, h.eurusd, .buy, Fx.lots(10))) == .groupCloseOnly)
        #expect(h.rejection(h.pending(2, h.eurusd, .buy, .limit, Fx.lots(10), price: 108_000)) == .groupCloseOnly)
        #expect(h.rejection(h.market(1, h.eurusd, .buy, Fx.lots(10))) == nil)
        #expect(h.core.effectiveTradingState(symbol: h.eurusd, group: 1) == .closeOnly)
        #expect(h.core.effectiveTradingState(symbol: h.eurusd, group: 0) == .full)

        // Global halt: nobody opens or closes, and the halt is reported before the group's switch.
        h.apply(.setGlobalTradingState(.disabled))
        #expect(h.rejection(h.market(1, h.eurusd, .buy, Fx.lots(10))) == .tradingHalted)
        #expect(h.rejection(h.apply(.closePosition(account: 1, position: p1, volume: 0))) == .tradingHalted)
        #expect(h.rejection(h.apply(.closePosition(account: 2, position: p2, volume: 0))) == .tradingHalted)
        #expect(h.core.canCloseNow(h.eurusd, account: 1) == false)

        // Global close only with the symbol disabled: the symbol's halt wins over close only.
        h.apply(.setGlobalTradingState(.closeOnly))
        h.apply(.setSymbolTradingState(h.eurusd, .disabled))
        #expect(h.rejection(h.apply(.closePosition(account: 1, position: p1, volume: 0))) == .symbolDisabled)
        h.apply(.setSymbolTradingState(h.eurusd, .full))
        #expect(h.rejection(h.market(1, h.eurusd, .buy, Fx.lots(10))) == .globalCloseOnly)
        #expect(h.rejection(h.apply(.closePosition(account: 2, position: p2, volume: 0))) == nil)

        // Group disabled: VIP cannot even close.
        h.apply(.setGlobalTradingState(.full))
        h.apply(.setGroupTradingState(1, .disabled))
        let p3 = try #require(h.lastOrder(h.market(1, h.eurusd, .buy, Fx.lots(10)))).positionID
        h.apply(.setGroupTradingState(0, .disabled))
        #expect(h.rejection(h.apply(.closePosition(account: 1, position: p3, volume: 0))) == .groupDisabled)
        #expect(h.rejection(h.apply(.setGroupTradingState(9, .full))) == .unknownGroup)

        // The switches are part of the state: a snapshot keeps them, replay reaches them.
        let restored = try TradingCore(snapshot: h.core.snapshot())
        #expect(restored.effectiveTradingState(symbol: h.eurusd, group: 0) == .disabled)
        #expect(restored.stateHash() == h.core.stateHash())
        var replayed = TradingCore()
        for e in h.log { replayed.apply(e) }
        #expect(replayed.stateHash() == h.core.stateHash())
    }

    @Test func switchCommandsRoundTripThroughTheCodec() throws {
        let log = [Envelope(sequence: 1, timeNs: 5, command: .setGroupTradingState(3, .closeOnly)),
                   Envelope(sequence: 2, timeNs: 6, command: .setGlobalTradingState(.disabled))]
        #expect(try CommandCodec.decodeLog(CommandCodec.encodeLog(log)) == log)
        var bad = CommandCodec.encodeLog([log[1]])
        bad[bad.count - 1] = 7
        #expect(throws: DecodeError.self) { try CommandCodec.decodeLog(bad) }
    }
}
