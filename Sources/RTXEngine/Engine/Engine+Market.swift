import RTXMarketData

extension Engine {
    /// The LP manager's state (LP states and counts, each LP's last quote per symbol, each
    /// symbol's mode, source and consolidated quote); nil when no plugins are loaded.
    /// Thread: any.
    public func marketStatus() -> MarketStatus? { pump?.marketStatus() }
}
