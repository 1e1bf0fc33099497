import Foundation
@testable import RTXEngine
import RTXMarketData
import Testing

/// rtx.yaml's `market:` section and the symbols' `quote_*` overrides: defaults, overrides,
/// and errors in the decoder's style (file:line:column, setting, fix, did-you-mean).
@Suite struct MarketConfigTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path

    /// The config-test base with `market` appended and `symbolExtra` added to EURUSD.
    static func text(market: String = "", symbolExtra: String = "") -> String {
        var t = EngineConfigTests.base
        if !symbolExtra.isEmpty {
            let anchor = "    sessions: forex\n"
            let r = t.range(of: anchor)!
            t.replaceSubrange(r, with: anchor + symbolExtra + "\n")
        }
        return t + market
    }

    /// (line, column), 1-based, of the first occurrence of `needle` in `text` ((0, 0): none).
    static func position(of needle: String, in text: String) -> (Int, Int) {
        guard let found = text.range(of: needle) else { return (0, 0) }
        let prefix = text[..<found.lowerBound]
        let line = prefix.filter { $0 == "\n" }.count + 1
        let column = prefix.count - (prefix.lastIndex(of: "\n").map { prefix.distance(from: prefix.startIndex, to: $0) + 1 } ?? 0) + 1
        return (line, column)
    }

    @Test func theShippedConfigurationFailsOverWithTheDocumentedDefaults() throws {
        let config = try EngineConfigDecoder.load(path: Self.repoRoot + "/rtx.yaml")
        #expect(config.market.defaults == QuotePolicy(mode: .failover, staleAfterMs: 2_000, maxJumpMultiple: 10, jumpFloorPPM: 500,
                                                      jumpConfirmations: 3, failbackAfterMs: 5_000))
        #expect(config.symbols.allSatisfy { config.quotePolicy(for: $0.name) == config.market.defaults })
        #expect(EngineParameters(config: config).quotePolicies.policy(for: "EURUSD") == config.market.defaults)
    }

    @Test func withoutAMarketSectionEverySymbolGetsTheDefaults() throws {
        let config = try EngineConfigDecoder.decode(text: Self.text(), path: "rtx.yaml")
        #expect(config.market == .standard && config.quotePolicy(for: "XAUUSD") == .defaults)
    }

    @Test func aSymbolOverridesTheMarketDefaults() throws {
        let market = """
            market:
              mode: aggregate
              stale_after_ms: 750
              max_jump_multiple: 8
              jump_floor_ppm: 300
              jump_confirmations: 4
              failback_after_ms: 0

            """
        let config = try EngineConfigDecoder.decode(text: Self.text(market: market, symbolExtra: "    quote_mode: failover\n    quote_stale_after_ms: 250"),
                                                    path: "rtx.yaml")
        let base = QuotePolicy(mode: .aggregate, staleAfterMs: 750, maxJumpMultiple: 8, jumpFloorPPM: 300, jumpConfirmations: 4, failbackAfterMs: 0)
        #expect(config.market.defaults == base)
        var eurusd = base
        eurusd.mode = .failover
        eurusd.staleAfterMs = 250
        #expect(config.quotePolicy(for: "EURUSD") == eurusd)
        #expect(config.quotePolicy(for: "XAUUSD") == base)
        let policies = EngineParameters(config: config).quotePolicies
        #expect(policies.policy(for: "EURUSD") == eurusd && policies.policy(for: "NEWSYM") == base)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var yaml: String
        /// Where the error points: `offset` characters into the first `needle`.
        var needle: String
        var offset = 0
        var message: String
        var setting: String
        var testDescription: String { name }

        init(name: String, yaml: String, needle: String, offset: Int = 0, message: String, setting: String) {
            (self.name, self.yaml, self.needle, self.offset, self.message, self.setting) = (name, yaml, needle, offset, message, setting)
        }
    }

    static let malformed: [Case] = [
        Case(name: "unknown mode", yaml: text(market: "market:\n  mode: agregate\n"), needle: "mode: agregate", offset: 6,
             message: "unknown value 'agregate'; did you mean 'aggregate'?", setting: "market.mode"),
        Case(name: "stale_after_ms out of range", yaml: text(market: "market:\n  stale_after_ms: 5\n"), needle: "stale_after_ms: 5", offset: 16,
             message: "5 is out of range: must be from 10 to 3600000 ms", setting: "market.stale_after_ms"),
        Case(name: "one confirmation is none", yaml: text(market: "market:\n  jump_confirmations: 1\n"), needle: "jump_confirmations: 1", offset: 20,
             message: "1 is out of range: must be from 2 to 1000 quotes", setting: "market.jump_confirmations"),
        Case(name: "quoted number", yaml: text(market: "market:\n  failback_after_ms: \"100\"\n"), needle: "failback_after_ms: \"100\"", offset: 19,
             message: "must be an integer from 0 to 3600000 ms", setting: "market.failback_after_ms"),
        Case(name: "unknown market key", yaml: text(market: "market:\n  stale_after: 100\n"), needle: "stale_after:",
             message: "unknown key 'stale_after' in 'market'; did you mean 'stale_after_ms'?", setting: "market.stale_after"),
        Case(name: "market is a list", yaml: text(market: "market:\n  - mode: failover\n"), needle: "- mode",
             message: "'market' must be a mapping", setting: "market"),
        Case(name: "unknown symbol override", yaml: text(symbolExtra: "    quote_mod: aggregate"), needle: "quote_mod:",
             message: "unknown key 'quote_mod' in a symbol; did you mean 'quote_mode'?", setting: "symbols[0].quote_mod"),
        Case(name: "symbol override out of range", yaml: text(symbolExtra: "    quote_max_jump_multiple: 0"), needle: "quote_max_jump_multiple: 0", offset: 25,
             message: "0 is out of range: must be from 1 to 1000000 × volatility", setting: "symbols[0].quote_max_jump_multiple"),
    ]

    @Test(arguments: malformed)
    func aMalformedMarketSettingGetsItsPlaceAndFix(_ c: Case) throws {
        do {
            _ = try EngineConfigDecoder.decode(text: c.yaml, path: "rtx.yaml")
            Issue.record("\(c.name): decoded without error")
        } catch {
            let found = try #require(error.errors.first { $0.message.contains(c.message) }, "\(c.name): got \(error)")
            #expect(found.setting == c.setting, "\(c.name): \(found)")
            #expect(found.fix != nil)
            let (line, column) = Self.position(of: c.needle, in: c.yaml)
            let expected = (line, column + c.offset)
            if c.name != "market is a list" {
                #expect(found.mark?.line == expected.0 && found.mark?.column == expected.1, "\(c.name): \(found) expected \(expected)")
            }
            #expect(error.description.contains("rtx.yaml:\(found.mark!.line):\(found.mark!.column): error: \(c.setting): "))
        }
    }
}
