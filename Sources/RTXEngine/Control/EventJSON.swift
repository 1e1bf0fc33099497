import RTXCore

/// Core events as JSON objects for the control socket's responses and streams (prices at
/// the symbol's digits, volumes in lots, money in units, all as decimal strings).
enum EventJSON {
    static func account(of e: CoreEvent) -> AccountID? {
        switch e {
        case .order(let o), .orderRepeated(let o), .pendingOrderModified(let o): o.account
        case .position(let p): p.account
        case .accountUpdated(let a, _, _, _), .protectionChanged(let a, _, _), .marginCall(let a, _, _), .stopOut(let a, _, _),
             .stopOutBlocked(let a, _, _), .accountOpened(let a), .accountStatusChanged(let a, _): a
        case .routeToLP(let r): r.account
        case .ledger(let l):
            if case .clientBalance(let a) = l.from { a } else if case .clientBalance(let a) = l.to { a }
            else if case .clientCredit(let a) = l.from { a } else if case .clientCredit(let a) = l.to { a } else { nil }
        default: nil
        }
    }

    /// "client 1001", "client 1001 credit", "house commission".
    static func text(_ a: LedgerAccount) -> String {
        switch a {
        case .clientBalance(let id): "client \(id)"
        case .clientCredit(let id): "client \(id) credit"
        case .house(let h): "house \(h)"
        }
    }

    /// `name`, when given, names symbols (the client API); without it `symbol` is the symbol's
    /// index (the control socket, whose clients read the index).
    static func write(_ e: CoreEvent, into json: inout JSONText, digits: (SymbolIndex) -> Int, name: ((SymbolIndex) -> String)? = nil) {
        func symbolField(_ index: SymbolIndex) {
            if let name { json.field("symbol", name(index)) } else { json.field("symbol", index) }
        }
        let money = { (v: Int64) in DecimalText.format(v, digits: 8) }
        let lots = { (v: Int64) in DecimalText.formatTrimmed(v, digits: 8) }
        json.beginObject()
        switch e {
        case .order(let o), .orderRepeated(let o), .pendingOrderModified(let o):
            let type: String = switch e {
            case .orderRepeated: "order_repeated"
            case .pendingOrderModified: "order_modified"
            default: "order"
            }
            json.field("type", type)
            json.field("order", o.orderID)
            json.field("account", o.account)
            if !o.clientOrderID.isNone { json.field("client_id", "\(o.clientOrderID)") }
            symbolField(o.symbol)
            json.field("side", o.side == .buy ? "buy" : "sell")
            json.field("kind", "\(o.kind)")
            json.field("state", "\(o.state)")
            json.field("volume", lots(o.volume))
            json.field("book", "\(o.book)".uppercased())
            if o.filledVolume > 0 { json.field("filled", lots(o.filledVolume)) }
            if o.fillPriceTicks > 0 { json.field("fill_price", DecimalText.format(o.fillPriceTicks, digits: digits(o.symbol))) }
            if o.priceTicks > 0 { json.field("price", DecimalText.format(o.priceTicks, digits: digits(o.symbol))) }
            if o.positionID > 0 { json.field("position", o.positionID) }
            if o.feeScheduleID > 0 { json.field("fee_schedule", o.feeScheduleID) }
            if let r = o.reason {
                json.field("reason", RejectReasonText.code(r))
                json.field("message", RejectReasonText.message(r, digits: digits(o.symbol)))
            }
        case .position(let p):
            json.field("type", "position")
            json.field("change", "\(p.change)")
            json.field("cause", "\(p.cause)")
            json.field("position", p.positionID)
            json.field("account", p.account)
            symbolField(p.symbol)
            json.field("side", p.side == .buy ? "buy" : "sell")
            json.field("book", "\(p.book)".uppercased())
            json.field("volume", lots(p.volume))
            json.field("changed", lots(p.changedVolume))
            json.field("price", DecimalText.format(p.priceTicks, digits: digits(p.symbol)))
            json.field("realized_pnl", money(p.realizedPnl))
            json.field("margin", money(p.margin))
        case .ledger(let l):
            json.field("type", "ledger")
            json.field("entry", l.id)
            json.field("kind", "\(l.kind)")
            json.field("from", text(l.from))
            json.field("to", text(l.to))
            json.field("amount", money(l.amount))
            json.field("currency", "\(l.currency)")
            json.field("cause", l.causeSequence)
        case .accountUpdated(let a, let balance, let credit, let margin):
            json.field("type", "account")
            json.field("account", a)
            json.field("balance", money(balance))
            json.field("credit", money(credit))
            json.field("margin", money(margin))
        case .marginCall(let a, let equity, let margin), .stopOut(let a, let equity, let margin):
            if case .marginCall = e { json.field("type", "margin_call") } else { json.field("type", "stop_out") }
            json.field("account", a)
            json.field("equity", money(equity))
            json.field("margin", money(margin))
        case .stopOutBlocked(let a, let position, let reason):
            json.field("type", "stop_out_blocked")
            json.field("account", a)
            json.field("position", position)
            json.field("reason", RejectReasonText.code(reason))
        case .commandRejected(let sequence, let reason):
            json.field("type", "rejected")
            json.field("sequence", sequence)
            json.field("reason", RejectReasonText.code(reason))
            json.field("message", RejectReasonText.message(reason))
        case .routeToLP(let r):
            json.field("type", "route_to_lp")
            json.field("engine_order", r.engineOrderID)
            json.field("purpose", "\(r.purpose)")
            json.field("account", r.account)
            symbolField(r.symbol)
            json.field("side", r.side == .buy ? "buy" : "sell")
            json.field("volume", lots(r.volume))
        case .protectionChanged(let a, let position, _):
            json.field("type", "protection_changed")
            json.field("account", a)
            json.field("position", position)
        case .feeScheduleChanged(let id):
            json.field("type", "fee_schedule")
            json.field("id", id)
        default:
            json.field("type", "other")
            json.field("text", "\(e)")
        }
        json.endObject()
    }
}
