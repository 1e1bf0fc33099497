import CRTXABI
import Foundation
import Testing
@testable import RTXPluginHost

/// One plugin of each kind, built from sdk/examples with the one-line cc recipe, loaded by
/// the host and driven through every function of its table.
@Suite struct PluginKindTests {
    static func manifest(_ scratch: Scratch) throws -> Manifest {
        try scratch.example("synthetic_lp")
        try scratch.example("b_book_routing")
        try scratch.example("flat_commission")
        return try scratch.manifest("""
        version: 1
        plugins:
          - id: lp-fill
            kind: lp-adapter
            path: libsynthetic_lp.so
            config:
              seed: 11
              quotes_per_second: 200
              instruments: EURUSD=1.08500/5/8, BTCUSD=65000.00/2/1500
          - id: lp-reject
            kind: lp-adapter
            path: libsynthetic_lp.so
            config:
              quotes_per_second: 50
              order_mode: reject
              reject_reason: no liquidity today
          - id: lp-partial
            kind: lp-adapter
            path: libsynthetic_lp.so
            config:
              quotes_per_second: 50
              order_mode: partial
              partial_ppm: 250000
          - id: lp-delay
            kind: lp-adapter
            path: libsynthetic_lp.so
            config:
              quotes_per_second: 50
              order_mode: delay
              delay_ms: 150
          - id: lp-silent
            kind: lp-adapter
            path: libsynthetic_lp.so
            config:
              quotes_per_second: 50
              order_mode: silent
          - id: b-book
            kind: routing-policy
            path: libb_book_routing.so
          - id: flat
            kind: fee-model
            path: libflat_commission.so
            config:
              per_lot: 3.50
              minimum: 0.75
              markup_points: 3
        bindings:
          symbols:
            - symbol: EURUSD
              lps:
                - {lp: lp-fill, priority: 1}
                - {lp: lp-reject, priority: 2}
                - {lp: lp-partial, priority: 3}
                - {lp: lp-delay, priority: 4}
                - {lp: lp-silent, priority: 5}
            - symbol: BTCUSD
              lps: [{lp: lp-fill, priority: 1}]
          groups:
            - {group: retail, routing: b-book, fee_model: flat}
        """)
    }

    static func order(_ id: UInt64, _ host: PluginHost, side: Int32 = RTX_SIDE_BUY, volume: Int64 = 10_000_000) -> LPOrder {
        LPOrder(engineOrderID: id, symbolID: host.symbols.id(of: "EURUSD")!, lpSymbol: "EURUSD", side: side,
                priceDigits: 5, volume: volume)
    }

    /// Waits for `count` reports from an adapter.
    static func reports(_ adapter: LPAdapterInstance, count: Int, timeoutMs: Int = 3_000) -> [ExecutionReport] {
        var all: [ExecutionReport] = []
        _ = eventually(timeoutMs: timeoutMs) {
            all += adapter.takeExecutionReports()
            return all.count >= count
        }
        return all
    }

    @Test func lpAdapterStreamsFromItsOwnThreadAndExecutesEveryMode() throws {
        let scratch = try Scratch()
        let host = scratch.host(try Self.manifest(scratch))
        try host.loadAll()
        defer { host.shutdown() }
        #expect(host.lpAdapters.count == 5)
        let lp = try #require(host.lpAdapter(id: "lp-fill"))
        #expect(lp.subscriptions.map(\.symbol) == ["EURUSD", "BTCUSD"])
        #expect(lp.connectionState == .disconnected)
        try host.startAdapters()
        #expect(eventually { lp.connectionState == .connected })

        // Quotes arrive from the plugin's thread for both subscribed symbols, well formed.
        var quotes: [IngestedQuote] = []
        #expect(eventually {
            lp.drainQuotes { quotes.append($0) }
            return Set(quotes.map(\.quote.symbol_id)).count == 2 && quotes.count >= 20
        })
        for q in quotes {
            #expect(q.quote.bid_ticks > 0 && q.quote.bid_ticks <= q.quote.ask_ticks)
            #expect(q.quote.ask_volume == 500_000_000)   // available_lots defaults to 5
        }
        let eurusd = try #require(quotes.last { $0.quote.symbol_id == host.symbols.id(of: "EURUSD") })
        #expect(eurusd.quote.price_digits == 5)
        #expect(abs(eurusd.quote.bid_ticks - 108_500) < 2_000)

        // fill: one FILL for the whole volume at the LP's own price.
        try lp.sendOrder(Self.order(1, host))
        let fill = Self.reports(lp, count: 1)
        #expect(fill.map(\.kind) == [.fill])
        #expect(fill.first?.engineOrderID == 1)
        #expect(fill.first?.lastVolume == 10_000_000 && fill.first?.cumulativeVolume == 10_000_000 && fill.first?.leavesVolume == 0)
        #expect((fill.first?.lastPriceTicks ?? 0) > 100_000)
        #expect(fill.first?.execID.isEmpty == false)

        // cancel of an order the LP does not know is answered, not ignored.
        try lp.cancelOrder(engineOrderID: 999, symbolID: host.symbols.id(of: "EURUSD")!, lpSymbol: "EURUSD", lpOrderID: "")
        let cancel = Self.reports(lp, count: 1)
        #expect(cancel.first?.kind == .cancelRejected)
        #expect(cancel.first?.engineOrderID == 999)

        // reject: the venue's reason travels in the report.
        let rejecting = try #require(host.lpAdapter(id: "lp-reject"))
        try rejecting.sendOrder(Self.order(2, host))
        let reject = Self.reports(rejecting, count: 1)
        #expect(reject.first?.kind == .rejected)
        #expect(reject.first?.text == "no liquidity today")

        // partial: a quarter filled, the rest cancelled.
        let partial = try #require(host.lpAdapter(id: "lp-partial"))
        try partial.sendOrder(Self.order(3, host, side: RTX_SIDE_SELL, volume: 40_000_000))
        let parts = Self.reports(partial, count: 2)
        #expect(parts.map(\.kind) == [.partialFill, .canceled])
        #expect(parts.first?.lastVolume == 10_000_000 && parts.first?.leavesVolume == 30_000_000)
        #expect(parts.last?.cumulativeVolume == 10_000_000 && parts.last?.leavesVolume == 0)

        // delay: nothing at once, the fill after the configured delay.
        let delaying = try #require(host.lpAdapter(id: "lp-delay"))
        let sent = HostClock.monotonicNanoseconds()
        try delaying.sendOrder(Self.order(4, host))
        let delayed = Self.reports(delaying, count: 1)
        #expect(delayed.first?.kind == .fill)
        #expect((delayed.first?.receivedMonotonicNs ?? 0) - sent >= 140_000_000)

        // silent: never answers.
        let silent = try #require(host.lpAdapter(id: "lp-silent"))
        try silent.sendOrder(Self.order(5, host))
        #expect(Self.reports(silent, count: 1, timeoutMs: 400).isEmpty)

        // unsubscribe while running: that symbol's quotes stop.
        try lp.unsubscribe([host.symbols.id(of: "BTCUSD")!])
        usleep(50_000)
        lp.drainQuotes { _ in }
        var after: [IngestedQuote] = []
        _ = eventually(timeoutMs: 300) {
            lp.drainQuotes { after.append($0) }
            return false
        }
        #expect(!after.isEmpty)
        #expect(after.allSatisfy { $0.quote.symbol_id == host.symbols.id(of: "EURUSD") })

        // ABI 1.1 stats.
        let stats = try #require(lp.stats())
        #expect(stats.quotesEmitted >= UInt64(quotes.count))
        #expect(stats.ordersSent >= 1)

        // stop joins the plugin's threads: nothing arrives afterwards, and it says so.
        lp.stop()
        #expect(lp.takeConnectionEvents().last?.state == .disconnected)
        lp.drainQuotes { _ in }
        let accepted = lp.feedCounters.quotesAccepted
        usleep(100_000)
        #expect(lp.drainQuotes { _ in } == 0)
        #expect(lp.feedCounters.quotesAccepted == accepted)
        #expect(lp.feedCounters.emitsOutsideRun == 0)
        #expect(lp.feedCounters.quotesRefused == 0)
        #expect(lp.feedCounters.reportsRefused == 0)
        // and it can start again.
        try lp.start()
        #expect(eventually { lp.drainQuotes { _ in } > 0 })
    }

    @Test func routingPolicyDecides() throws {
        let scratch = try Scratch()
        let host = scratch.host(try Self.manifest(scratch))
        try host.loadAll()
        defer { host.shutdown() }
        let policy = try #require(host.routingPolicy(id: "b-book"))
        var request = RoutingRequest()
        request.symbol = "EURUSD"
        request.group = "retail"
        request.volume = 100_000_000
        request.lpStates = [RoutingLPState(lpID: "lp-fill", state: .connected, lastQuoteAgeMs: 3)]
        let decision = try policy.decide(request, knownLPs: { _ in true }).get()
        #expect(decision.book == .b)
        #expect(decision.hedgeRatioPPM == 0)
        #expect(!decision.reason.isEmpty)
    }

    @Test func feeModelBuildsASchedule() throws {
        let scratch = try Scratch()
        let host = scratch.host(try Self.manifest(scratch))
        try host.loadAll()
        defer { host.shutdown() }
        let model = try #require(host.feeModel(id: "flat"))
        let symbols = [FeeSymbol(symbolID: 1, symbol: "EURUSD", priceDigits: 5, profitCurrency: "USD", contractUnitsE8: 100_000 * 100_000_000)]
        let schedule = try model.buildSchedule(groups: ["retail"], symbols: symbols, nowNs: 0).get()
        #expect(schedule.commissionTiers == [FeeSchedule.CommissionTier(group: "*", symbol: "*", currency: "USD", charge: .onEntryAndExit,
                                                                        fromVolume: 0, perLotMoney: 350_000_000, minimumMoney: 75_000_000)])
        #expect(schedule.markups == [FeeSchedule.Markup(group: "*", symbol: "*", mode: .points, bidMarkup: 3, askMarkup: 3)])
        #expect(schedule.swapRates.isEmpty)
    }

    @Test func configErrorsNameTheManifestLine() throws {
        let scratch = try Scratch()
        try scratch.example("flat_commission")
        try scratch.example("synthetic_lp")
        let manifest = try scratch.manifest("""
        version: 1
        plugins:
          - id: flat
            kind: fee-model
            path: libflat_commission.so
            config:
              currency: USD
              per_lot: abc
        """)
        let reports = PluginChecker.check(manifest: manifest, stateDirectory: scratch.stateDirectory, logSink: CollectingLogSink())
        let refusal = try #require(reports.first?.refusal)
        #expect(refusal.contains("flat (org.rtx.examples.flat-commission 1.0.0) create failed [config]"))
        #expect(refusal.contains("plugins.yaml:8"))
        #expect(refusal.contains("per_lot"))

        let lpManifest = try scratch.manifest("""
        version: 1
        plugins:
          - id: lp
            kind: lp-adapter
            path: libsynthetic_lp.so
            config:
              seed: 3
              order_mode: sometimes
        """, name: "lp.yaml")
        let lpRefusal = try #require(PluginChecker.check(manifest: lpManifest, stateDirectory: scratch.stateDirectory,
                                                         logSink: CollectingLogSink()).first?.refusal)
        #expect(lpRefusal.contains("lp.yaml:8"))
        #expect(lpRefusal.contains("sometimes"))
    }

    @Test func subscribingAnUnknownVenueSymbolIsRefusedByName() throws {
        let scratch = try Scratch()
        try scratch.example("synthetic_lp")
        let manifest = try scratch.manifest("""
        version: 1
        plugins:
          - {id: lp, kind: lp-adapter, path: libsynthetic_lp.so}
        bindings:
          symbols:
            - symbol: XAUUSD
              lps: [{lp: lp, lp_symbol: GOLD}]
        """)
        let host = scratch.host(manifest)
        #expect(throws: PluginHostError.self) { try host.loadAll() }
        do { try host.loadAll() } catch {
            #expect(error.description.contains("GOLD"))
        }
        #expect(host.lpAdapters.isEmpty)   // what was created was destroyed again
    }
}
