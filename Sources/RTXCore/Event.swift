/// The states of an order.
public enum OrderState: UInt8, Sendable, CaseIterable {
    case pending = 1, accepted, filling, filled, rejected
    /// Cancelled on request (a resting order) or for the unfilled rest (IOC).
    case canceled
    /// A GTD order reached its time.
    case expired
}

/// What kind of order an event is about.
public enum OrderKind: UInt8, Sendable, CaseIterable {
    case market = 1, limit, stop, stopLimit
    /// A stop-limit whose stop has triggered: now a limit.
    case triggeredStopLimit
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
    public var kind: OrderKind = .market
    /// Volume filled so far (equals `volume` when completely filled).
    public var filledVolume: Int64 = 0
    /// A resting order's price (the stop price of a stop-limit), ticks.
    public var priceTicks: Int64 = 0
    public var book: Book = .b
    /// The journal sequence of the fee schedule that priced the fill (0: none in force).
    public var feeScheduleID: UInt64 = 0
}

/// A position as it stands after a change.
public struct PositionEvent: Equatable, Sendable {
    public enum Change: UInt8, Sendable { case opened = 1, increased, reduced, closed }
    /// Why a position was reduced or closed.
    public enum Cause: UInt8, Sendable { case order = 1, closeCommand, closeBy, stopLoss, takeProfit, stopOut, lpClose }
    public var change: Change
    public var cause: Cause = .order
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

/// An order the core sends to an LP (the edges turn it into the adapter's send_order).
public struct LPRoute: Equatable, Sendable {
    public enum Purpose: UInt8, Sendable {
        /// A client's A-Book order (opening or adding).
        case clientOrder = 1
        /// Closing (part of) a client's A-Book position.
        case clientClose
        /// The house hedge of a C-Book fill.
        case hedge
        /// Unwinding a house hedge when its C-Book position closes.
        case hedgeClose
    }
    /// Unique; derived from the journal sequence (a resend carries the same id).
    public var engineOrderID: UInt64
    public var purpose: Purpose
    /// The client account (0 for house orders).
    public var account: AccountID
    public var symbol: SymbolIndex
    public var side: Side
    public var volume: Int64
    /// The position it concerns (0 when none yet).
    public var positionID: PositionID
    public var fillPolicy: FillPolicy
    /// After this time without a final report the order is timed out (ns since the epoch).
    public var deadlineNs: Int64
}

/// Something a dealer must look at.
public enum CoreAlert: Equatable, Sendable {
    /// An LP fill arrived for an order already rejected on time-out: it was booked to the
    /// house hedge position, never dropped.
    case lateFillBookedToHouse(engineOrderID: UInt64, symbol: SymbolIndex, side: Side, volume: Int64, priceTicks: Int64)
    /// A report for an order the core does not know.
    case reportForUnknownOrder(engineOrderID: UInt64)
    /// An LP filled more than was asked.
    case overfill(engineOrderID: UInt64, volume: Int64)
    /// A C-Book hedge was smaller than the symbol's minimum volume and was not sent.
    case hedgeBelowMinimum(positionID: PositionID, volume: Int64)
    /// A house hedge order was rejected, cancelled or timed out: the house is not hedged as decided.
    case hedgeNotFilled(engineOrderID: UInt64, symbol: SymbolIndex, side: Side, volume: Int64)
}

/// What the core did. Events carry numbers and enums only; text is rendered at the edges.
public enum CoreEvent: Equatable, Sendable {
    case symbolDefined(SymbolIndex)
    case symbolTradingStateChanged(SymbolIndex, TradingState)
    case groupTradingStateChanged(GroupIndex, TradingState)
    case globalTradingStateChanged(TradingState)
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
    /// A position's stop loss, take profit or trailing stop was set, moved or removed.
    case protectionChanged(account: AccountID, position: PositionID, protection: Protection)
    /// A resting order's price, protection or expiry changed.
    case pendingOrderModified(OrderEvent)
    /// Send this order to an LP.
    case routeToLP(LPRoute)
    /// Ask the LP to cancel this order (it timed out).
    case cancelAtLP(engineOrderID: UInt64)
    /// The house hedge in a symbol after a change (net volume, long positive).
    case houseHedgeChanged(symbol: SymbolIndex, netVolume: Int64)
    case alert(CoreAlert)
    /// A fee schedule took effect (its id is the command's sequence).
    case feeScheduleChanged(id: UInt64)
    /// The account's margin level fell to or below its group's margin call level (once per crossing).
    case marginCall(account: AccountID, equity: Int64, margin: Int64)
    /// The account's margin level fell to or below its stop out level: closes follow.
    case stopOut(account: AccountID, equity: Int64, margin: Int64)
    /// A stop out could not close a position now (its symbol cannot trade); it stays open.
    case stopOutBlocked(account: AccountID, position: PositionID, reason: RejectReason)
}
