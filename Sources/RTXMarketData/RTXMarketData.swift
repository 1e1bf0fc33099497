/// The LP manager's logic: quotes from several LP adapters normalized to the engine's symbol
/// names and digits, validated (crossed or non-positive prices, stale LPs, jumps beyond a
/// multiple of recent volatility), and per symbol either aggregated (best bid, best ask) or
/// served by a primary LP with failover and failback. Pure Swift, no I/O and no clock (times
/// are inputs), so it is tested without threads. Markup is not applied here (DESIGN §2).
public enum RTXMarketData {}
