/// The states of an order.
public enum OrderState: UInt8, Sendable, CaseIterable {
    case pending = 1, accepted, filling, filled, rejected
}

/// An order's state change. `reason` is set on rejection.
public struct OrderEvent: Equatable, Sendable {
    public var orderID: OrderID
    public var account: AccountID
    public var clientOrderID: ClientOrderID
    public var symbol: SymbolIndex
    public var side: Side
    public var volume: Int64
    public var state: OrderState
    public var reason: RejectReason?
    /// Fill price (ticks) and the position it opened or changed, when filled.
    public var fillPriceTicks: Int64
    public var positionID: PositionID
}

/// A position as it stands after a change.
public struct PositionEvent: Equatable, Sendable {
    public enum Change: UInt8, Sendable { case opened = 1, increased, reduced, closed }
    public var change: Change
    public var positionID: PositionID
    public var account: AccountID
    public var symbol: SymbolIndex
    public var side: Side
    public var book: Book
    /// Volume left open (0 when closed), 1e-8 lots.
    public var volume: Int64
    /// Volume this change added or removed.
    public var changedVolume: Int64
    /// Price of this change, ticks.
    public var priceTicks: Int64
    /// P&L realized by this change (account currency, 1e-8), 0 on open or increase.
    public var realizedPnl: Int64
    /// Margin held for what is left, account currency.
    public var margin: Int64
}

/// What the core did. Events carry numbers and enums only; text is rendered at the edges.
public enum CoreEvent: Equatable, Sendable {
    case symbolDefined(SymbolIndex)
    case symbolTradingStateChanged(SymbolIndex, TradingState)
    case groupDefined(GroupIndex)
    case accountOpened(AccountID)
    case accountStatusChanged(AccountID, AccountStatus)
    /// A command other than an order was refused.
    case commandRejected(sequence: UInt64, reason: RejectReason)
    case order(OrderEvent)
    /// A repeated client order id: nothing new happened; `original` is the first result.
    case orderRepeated(OrderEvent)
    case position(PositionEvent)
    case ledger(LedgerEntry)
    /// The account's balance, credit and margin after the command.
    case accountUpdated(account: AccountID, balance: Int64, credit: Int64, margin: Int64)
}
