/// The LP manager's logic: quotes from several LP adapters normalized to the engine's symbol
/// names and digits, validated (crossed or non-positive prices, stale quotes, jumps beyond a
/// multiple of recent volatility), and per symbol either aggregated (best bid, best ask) or
/// served by a primary LP with failover and failback. Pure Swift, no I/O and no clock (times
/// are inputs), so it is tested without threads. Markup is not applied here (DESIGN §2).
///
/// Parts, one concept per file:
/// - `QuotePolicy`, `QuoteMode`: the per-symbol settings (`market:` in rtx.yaml).
/// - `MarketSymbol`, `LPSource`: which LPs serve a symbol, in priority order, under which name.
/// - `LPQuote`, `PriceScale`, `NormalizedQuote`: an adapter's quote and its digits conversion.
/// - `QuoteRefusal`, `QuoteCheck`: why a quote is refused (crossed, non-positive, stale, unmapped).
/// - `JumpFilter`: the spike rule with its floor and its confirmation rule.
/// - `Volatility`: the per-symbol integer EWMA of mid moves, ppm.
/// - `LinkState`, `LPHealth`: an adapter's connection report and the state the manager derives.
/// - `Aggregation`, `Failover`: the two ways a symbol's consolidated quote is chosen.
/// - `LPManager`: the state machine tying them together; `MarketStatus`: its snapshot.
public enum RTXMarketData {}
