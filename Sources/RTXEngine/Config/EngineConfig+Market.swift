import RTXMarketData

/// `market:` — how the LP manager treats quotes (see RTXMarketData): the defaults every
/// symbol gets; a symbol overrides any of them with the same key prefixed `quote_`
/// (`quote_mode: aggregate`, `quote_stale_after_ms: 500` ...).
public struct MarketSettings: Sendable, Equatable {
    public var defaults: QuotePolicy

    public init(defaults: QuotePolicy = .defaults) { self.defaults = defaults }

    public static let standard = MarketSettings()
}

/// A symbol's `quote_*` keys; nil keeps the `market:` default.
public struct SymbolQuoteOverrides: Sendable, Equatable {
    public var mode: QuoteMode?
    public var staleAfterMs: Int64?
    public var maxJumpMultiple: Int64?
    public var jumpFloorPPM: Int64?
    public var jumpConfirmations: Int?
    public var failbackAfterMs: Int64?

    public init() {}

    public static let none = SymbolQuoteOverrides()

    /// `base` with these overrides.
    public func applied(to base: QuotePolicy) -> QuotePolicy {
        var p = base
        if let mode { p.mode = mode }
        if let staleAfterMs { p.staleAfterMs = staleAfterMs }
        if let maxJumpMultiple { p.maxJumpMultiple = maxJumpMultiple }
        if let jumpFloorPPM { p.jumpFloorPPM = jumpFloorPPM }
        if let jumpConfirmations { p.jumpConfirmations = jumpConfirmations }
        if let failbackAfterMs { p.failbackAfterMs = failbackAfterMs }
        return p
    }
}

extension EngineConfig {
    /// The quote policy of `symbol`: `market:` with the symbol's `quote_*` overrides.
    public func quotePolicy(for symbol: String) -> QuotePolicy {
        (self.symbol(named: symbol)?.quote ?? .none).applied(to: market.defaults)
    }

    /// Every symbol's quote policy, and the default for symbols defined later.
    public var quotePolicies: QuotePolicies {
        QuotePolicies(defaults: market.defaults,
                      bySymbol: Dictionary(symbols.map { ($0.name, $0.quote.applied(to: market.defaults)) }, uniquingKeysWith: { a, _ in a }))
    }
}

/// The quote policy per symbol name, as the engine uses it.
public struct QuotePolicies: Sendable, Equatable {
    public var defaults: QuotePolicy
    public var bySymbol: [String: QuotePolicy]

    public init(defaults: QuotePolicy = .defaults, bySymbol: [String: QuotePolicy] = [:]) {
        self.defaults = defaults
        self.bySymbol = bySymbol
    }

    public func policy(for symbol: String) -> QuotePolicy { bySymbol[symbol] ?? defaults }
}

/// Reads `market:` and the symbols' `quote_*` keys, in the decoder's style: every problem
/// with its place, the setting and the fix; unknown keys refused with a did-you-mean.
enum MarketConfigDecoding {
    /// The settings, their ranges and units, in the order the file documents them.
    static let integerKeys: [(key: String, range: ClosedRange<Int>, unit: String)] = [
        ("stale_after_ms", Int(QuotePolicy.staleAfterRange.lowerBound) ... Int(QuotePolicy.staleAfterRange.upperBound), "ms"),
        ("max_jump_multiple", Int(QuotePolicy.maxJumpMultipleRange.lowerBound) ... Int(QuotePolicy.maxJumpMultipleRange.upperBound), "× volatility"),
        ("jump_floor_ppm", Int(QuotePolicy.jumpFloorRange.lowerBound) ... Int(QuotePolicy.jumpFloorRange.upperBound), "ppm"),
        ("jump_confirmations", QuotePolicy.jumpConfirmationsRange, "quotes"),
        ("failback_after_ms", Int(QuotePolicy.failbackAfterRange.lowerBound) ... Int(QuotePolicy.failbackAfterRange.upperBound), "ms"),
    ]

    /// `market:` (absent or empty: the defaults).
    static func decodeSection(_ f: Field?, reader: inout ConfigReader) -> MarketSettings? {
        guard let f, !f.isNull else { return .standard }
        guard var map = reader.mapping(f, what: "'market'", fix: "indent `mode:`, `stale_after_ms:` ... under `market:`") else { return nil }
        let before = reader.errors.count
        let overrides = read(&map, prefix: "", reader: &reader)
        map.finish(what: "'market'", reader: &reader)
        guard reader.errors.count == before else { return nil }
        return MarketSettings(defaults: overrides.applied(to: .defaults))
    }

    /// A symbol's `quote_mode`, `quote_stale_after_ms` ... (each optional).
    static func decodeOverrides(_ map: inout ConfigMapping, reader: inout ConfigReader) -> SymbolQuoteOverrides {
        read(&map, prefix: "quote_", reader: &reader)
    }

    private static func read(_ map: inout ConfigMapping, prefix: String, reader: inout ConfigReader) -> SymbolQuoteOverrides {
        var o = SymbolQuoteOverrides()
        if let field = map.optional(prefix + "mode"), let text = reader.choice(field, options: QuoteMode.allCases.map(\.rawValue)) {
            o.mode = QuoteMode(rawValue: text)
        }
        for (key, range, unit) in integerKeys {
            guard let field = map.optional(prefix + key), let v = reader.integer(field, range: range, unit: unit) else { continue }
            switch key {
            case "stale_after_ms": o.staleAfterMs = Int64(v)
            case "max_jump_multiple": o.maxJumpMultiple = Int64(v)
            case "jump_floor_ppm": o.jumpFloorPPM = Int64(v)
            case "jump_confirmations": o.jumpConfirmations = v
            default: o.failbackAfterMs = Int64(v)
            }
        }
        return o
    }
}
