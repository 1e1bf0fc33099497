/// One engine symbol as the LP manager serves it: the host's id for it (what quotes carry),
/// the core's index and digits, the LPs bound to it in priority order with each LP's own
/// name for it, and its quote policy. Built from plugins.yaml's `bindings.symbols` and
/// rtx.yaml by the engine; immutable for the manager between two `configure` calls.
public struct MarketSymbol: Sendable, Equatable {
    /// The engine's symbol name.
    public var name: String
    /// The plugin host's id for the symbol (`rtx_quote_t.symbol_id`).
    public var hostSymbolID: UInt32
    /// The core's symbol index (opaque here, handed back with each consolidated quote).
    public var engineIndex: Int32
    /// The symbol's price digits: every quote is converted to them.
    public var digits: Int
    /// The LPs serving the symbol; the manager orders them by priority (then this order).
    public var sources: [LPSource]
    public var policy: QuotePolicy

    public init(name: String, hostSymbolID: UInt32, engineIndex: Int32, digits: Int, sources: [LPSource], policy: QuotePolicy) {
        self.name = name
        self.hostSymbolID = hostSymbolID
        self.engineIndex = engineIndex
        self.digits = digits
        self.sources = sources
        self.policy = policy
    }
}

/// One LP bound to a symbol.
public struct LPSource: Sendable, Equatable {
    /// The LP adapter's manifest id.
    public var lp: String
    /// 1 is the primary; larger numbers come after it.
    public var priority: Int
    /// The venue's name for the symbol (what the adapter subscribes to).
    public var venueSymbol: String

    public init(lp: String, priority: Int, venueSymbol: String) {
        self.lp = lp
        self.priority = priority
        self.venueSymbol = venueSymbol
    }
}
