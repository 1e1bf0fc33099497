import RTXCore

/// Renders an account summary and its positions as JSON fields, for the control socket and
/// the HTTP API alike: money as decimal strings at 1e-8 of the account currency, volumes as
/// lots, prices at the symbol's digits (never floating point).
///
/// Thread: any (pure).
public enum AccountJSON {
    /// id, currency, balance, credit, equity, margin, free_margin, margin_level_percent ("" without margin), open_positions.
    public static func writeSummary(_ summary: TradingCore.AccountSummary, into json: inout JSONText) {
        json.field("id", summary.id)
        json.field("currency", "\(summary.currency)")
        json.field("balance", DecimalText.format(summary.balance, digits: 8))
        json.field("credit", DecimalText.format(summary.credit, digits: 8))
        json.field("equity", DecimalText.format(summary.equity, digits: 8))
        json.field("margin", DecimalText.format(summary.margin, digits: 8))
        json.field("free_margin", DecimalText.format(summary.freeMargin, digits: 8))
        json.field("margin_level_percent", summary.margin > 0 ? "\(Int128(summary.equity) * 100 / Int128(summary.margin))" : "")
        json.field("open_positions", summary.openPositions)
    }

    /// One position as an object (an array element).
    public static func writePosition(_ p: TradingCore.PositionSummary, symbolName: String, digits d: Int, into json: inout JSONText) {
        json.beginObject()
        json.field("id", p.id)
        json.field("symbol", symbolName)
        json.field("side", p.side == .buy ? "buy" : "sell")
        json.field("book", "\(p.book)".uppercased())
        json.field("volume", DecimalText.formatTrimmed(p.volume, digits: 8))
        json.field("price", DecimalText.format(p.averagePriceTicks, digits: d))
        json.field("margin", DecimalText.format(p.margin, digits: 8))
        json.field("floating_pnl", DecimalText.format(p.floatingPnl, digits: 8))
        if p.protection.stopLossTicks > 0 { json.field("sl", DecimalText.format(p.protection.stopLossTicks, digits: d)) }
        if p.protection.takeProfitTicks > 0 { json.field("tp", DecimalText.format(p.protection.takeProfitTicks, digits: d)) }
        if p.protection.trailingDistanceTicks > 0 { json.field("trailing", DecimalText.format(p.protection.trailingDistanceTicks, digits: d)) }
        json.field("closing", p.closing)
        json.endObject()
    }
}
