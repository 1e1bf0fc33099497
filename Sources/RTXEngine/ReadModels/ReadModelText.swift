import RTXCore

/// The words the read models store for the core's enums (stable: changing one changes what
/// SQL readers match on). Thread: any (pure).
enum ReadModelText {
    static func side(_ s: Side) -> String { s == .buy ? "buy" : "sell" }

    static func book(_ b: Book) -> String {
        switch b {
        case .a: "A"
        case .b: "B"
        case .c: "C"
        }
    }

    static func orderState(_ s: OrderState) -> String {
        switch s {
        case .pending: "pending"
        case .accepted: "accepted"
        case .filling: "filling"
        case .filled: "filled"
        case .rejected: "rejected"
        case .canceled: "canceled"
        case .expired: "expired"
        }
    }

    static func orderKind(_ k: OrderKind) -> String {
        switch k {
        case .market: "market"
        case .limit: "limit"
        case .stop: "stop"
        case .stopLimit: "stop_limit"
        case .triggeredStopLimit: "triggered_stop_limit"
        }
    }

    static func pendingType(_ t: PendingType) -> String {
        switch t {
        case .limit: "limit"
        case .stop: "stop"
        case .stopLimit: "stop_limit"
        }
    }

    static func change(_ c: PositionEvent.Change) -> String {
        switch c {
        case .opened: "opened"
        case .increased: "increased"
        case .reduced: "reduced"
        case .closed: "closed"
        }
    }

    static func cause(_ c: PositionEvent.Cause) -> String {
        switch c {
        case .order: "order"
        case .closeCommand: "close"
        case .closeBy: "close_by"
        case .stopLoss: "stop_loss"
        case .takeProfit: "take_profit"
        case .stopOut: "stop_out"
        case .lpClose: "lp_close"
        }
    }

    static func entryKind(_ k: EntryKind) -> String {
        switch k {
        case .deposit: "deposit"
        case .withdrawal: "withdrawal"
        case .adjustment: "adjustment"
        case .bonus: "bonus"
        case .realizedPnl: "realized_pnl"
        case .commission: "commission"
        case .swap: "swap"
        case .markup: "markup"
        case .negativeBalanceProtection: "negative_balance_protection"
        }
    }

    static func house(_ h: HouseAccount) -> String {
        switch h {
        case .commission: "commission"
        case .swap: "swap"
        case .markup: "markup"
        case .bBookPnL: "b_book_pnl"
        case .houseHedge: "house_hedge"
        case .cashInOut: "cash_in_out"
        case .bonus: "bonus"
        case .adjustments: "adjustments"
        case .lpSettlement: "lp_settlement"
        }
    }

    /// 'balance:1001', 'credit:1001', 'house:commission', and the client account if any.
    static func ledgerAccount(_ a: LedgerAccount) -> (name: String, client: AccountID?) {
        switch a {
        case .clientBalance(let id): ("balance:\(id)", id)
        case .clientCredit(let id): ("credit:\(id)", id)
        case .house(let h): ("house:" + house(h), nil)
        }
    }

    static func accountStatus(_ s: AccountStatus) -> String { s == .active ? "active" : "suspended" }

    static func mode(_ m: PositionMode) -> String { m == .hedging ? "hedging" : "netting" }
}
