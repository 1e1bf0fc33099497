import Testing
@testable import RTXMarketData

/// Per-quote checks: non-positive, crossed, malformed, stale (host age and venue age).
@Suite struct QuoteCheckTests {
    let now = MarketTime(monotonicNs: 10_000_000_000, wallNs: 1_700_000_000_000_000_000)
    let stale: Int64 = 2_000_000_000   // 2 s

    func quote(_ bid: Int64, _ ask: Int64, digits: Int = 5, lpTimeNs: Int64 = 0, receivedNs: Int64? = nil) -> LPQuote {
        LPQuote(symbolID: 1, priceDigits: digits, bidTicks: bid, askTicks: ask, bidVolume: 5, askVolume: 6, lpTimeNs: lpTimeNs,
                receivedNs: receivedNs ?? now.monotonicNs)
    }

    func check(_ q: LPQuote, digits: Int = 5) -> Result<NormalizedQuote, QuoteRefusal> {
        QuoteCheck.normalize(q, digits: digits, staleAfterNs: stale, now: now)
    }

    @Test func aValidQuoteIsConvertedToTheSymbolsDigits() throws {
        let n = try check(quote(1_085_004, 1_085_096, digits: 6)).get()
        #expect(n.bidTicks == 108_500 && n.askTicks == 108_510 && n.bidVolume == 5 && n.askVolume == 6)
        // A locked quote (bid = ask) is valid.
        #expect((try? check(quote(108_500, 108_500)).get()) != nil)
    }

    @Test func nonPositiveAndCrossedPricesAreRefused() {
        #expect(check(quote(0, 108_510)) == .failure(.nonPositive))
        #expect(check(quote(108_500, -1)) == .failure(.nonPositive))
        #expect(check(quote(108_520, 108_510)) == .failure(.crossed))
        // Crossed by 3 ticks at 6 digits: refused as sent, even though bid-down/ask-up would uncross it at 5.
        #expect(check(quote(1_085_004, 1_085_001, digits: 6)) == .failure(.crossed))
        // A bid of 4 ticks at 6 digits rounds down to 0 at 5: non-positive after conversion.
        #expect(check(quote(4, 20, digits: 6)) == .failure(.nonPositive))
    }

    @Test func unconvertibleQuotesAreMalformed() {
        #expect(check(quote(Int64.max / 5, Int64.max / 5, digits: 4), digits: 5) == .failure(.malformed))
        #expect(check(quote(100, 101, digits: -1)) == .failure(.malformed))
    }

    @Test func aQuoteOlderThanStaleAfterIsRefused() {
        // Host age: arrived 2.000 s ago is still fresh, 2.001 s is stale.
        #expect((try? check(quote(108_500, 108_510, receivedNs: now.monotonicNs - stale)).get()) != nil)
        #expect(check(quote(108_500, 108_510, receivedNs: now.monotonicNs - stale - 1_000_000)) == .failure(.stale))
        // Venue age: stamped 60 s ago by the LP, though it just arrived.
        #expect(check(quote(108_500, 108_510, lpTimeNs: now.wallNs - 60_000_000_000)) == .failure(.stale))
        // A venue clock ahead of ours counts as age 0.
        #expect((try? check(quote(108_500, 108_510, lpTimeNs: now.wallNs + 60_000_000_000)).get()) != nil)
        #expect(QuoteCheck.age(quote(1, 2, lpTimeNs: now.wallNs - 5_000_000, receivedNs: now.monotonicNs - 3_000_000), now: now) == 5_000_000)
    }
}
