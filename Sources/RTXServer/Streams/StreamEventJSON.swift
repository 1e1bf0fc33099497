import RTXCore
import RTXEngine

/// The private stream's messages: the engine events of one account as JSON objects, with the
/// symbol's name, prices at its digits, volumes in lots and money in units, all as decimal
/// strings. Events of no account, or of kinds a client does not see (LP routing, ledger
/// internals), render as nil.
///
/// Thread: any (stateless).
enum StreamEventJSON {
    static func account(of e: CoreEvent) -> AccountID? {
        switch e {
        case .order(let o), .orderRepeated(let o), .pendingOrderModified(let o): o.account
        case .position(let p): p.account
        case .accountUpdated(let a, _, _, _), .marginCall(let a, _, _), .stopOut(let a, _, _), .protectionChanged(let a, _, _): a
        default: nil
        }
    }

    static func render(_ e: CoreEvent, symbol: (SymbolIndex) -> (String, Int)) -> [UInt8]? {
        let money = { (v: Int64) in DecimalText.format(v, digits: 8) }
        let lots = { (v: Int64) in DecimalText.formatTrimmed(v, digits: 8) }
        var json = JSONText(capacity: 320)
        json.beginObject()
        switch e {
        case .order(let o), .orderRepeated(let o), .pendingOrderModified(let o):
            let (name, digits) = symbol(o.symbol)
            json.field("type", "order")
            if case .pendingOrderModified = e { json.field("change", "modified") }
            if case .orderRepeated = e { json.field("change", "repeated") }
            json.field("order", o.orderID)
            json.field("account", o.account)
            if !o.clientOrderID.isNone { json.field("client_order_id", "\(o.clientOrderID)") }
            json.field("symbol", name)
            json.field("side", o.side == .buy ? "buy" : "sell")
            json.field("kind", "\(o.kind)")
            json.field("state", "\(o.state)")
            json.field("volume", lots(o.volume))
            if o.filledVolume > 0 { json.field("filled", lots(o.filledVolume)) }
            if o.fillPriceTicks > 0 { json.field("fill_price", DecimalText.format(o.fillPriceTicks, digits: digits)) }
            if o.priceTicks > 0 { json.field("price", DecimalText.format(o.priceTicks, digits: digits)) }
            if o.positionID > 0 { json.field("position", o.positionID) }
            if let r = o.reason {
                json.field("reason", RejectReasonText.code(r))
                json.field("message", RejectReasonText.message(r, digits: digits))
            }
        case .position(let p):
            let (name, digits) = symbol(p.symbol)
            json.field("type", "position")
            json.field("change", "\(p.change)")
            json.field("cause", "\(p.cause)")
            json.field("position", p.positionID)
            json.field("account", p.account)
            json.field("symbol", name)
            json.field("side", p.side == .buy ? "buy" : "sell")
            json.field("volume", lots(p.volume))
            json.field("changed", lots(p.changedVolume))
            json.field("price", DecimalText.format(p.priceTicks, digits: digits))
            json.field("realized_pnl", money(p.realizedPnl))
            json.field("margin", money(p.margin))
        case .accountUpdated(let a, let balance, let credit, let margin):
            json.field("type", "balance")
            json.field("account", a)
            json.field("balance", money(balance))
            json.field("credit", money(credit))
            json.field("margin", money(margin))
        case .marginCall(let a, let equity, let margin), .stopOut(let a, let equity, let margin):
            if case .marginCall = e { json.field("type", "margin_call") } else { json.field("type", "stop_out") }
            json.field("account", a)
            json.field("equity", money(equity))
            json.field("margin", money(margin))
        case .protectionChanged(let a, let position, _):
            json.field("type", "protection_changed")
            json.field("account", a)
            json.field("position", position)
        default:
            return nil
        }
        json.endObject()
        return json.bytes
    }
}
