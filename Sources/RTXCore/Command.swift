/// The routing decision made outside the core when an order was placed (DESIGN §2), carried
/// inside the order's command so replay never asks a plugin again.
public struct RoutingChoice: Equatable, Sendable {
    public var book: Book
    /// Share hedged at the LP, ppm (A-Book 1,000,000, B-Book 0).
    public var hedgeRatioPPM: UInt32
    public init(book: Book, hedgeRatioPPM: UInt32 = 0) {
        self.book = book
        self.hedgeRatioPPM = hedgeRatioPPM
    }
    public static let bBook = RoutingChoice(book: .b)
}

/// How much of a market order must fill at once.
public enum FillPolicy: UInt8, Sendable, CaseIterable {
    /// Fill or kill: all of it, or nothing.
    case fillOrKill = 1
    /// Immediate or cancel: what is available now; the rest is cancelled.
    case immediateOrCancel = 2
}

/// Protection levels a position carries (ticks; 0 = none).
public struct Protection: Equatable, Sendable {
    public var stopLossTicks: Int64
    public var takeProfitTicks: Int64
    /// A trailing stop: the stop loss follows the price at this distance, in the trader's
    /// favour only (0 = none).
    public var trailingDistanceTicks: Int64
    public init(stopLossTicks: Int64 = 0, takeProfitTicks: Int64 = 0, trailingDistanceTicks: Int64 = 0) {
        self.stopLossTicks = stopLossTicks
        self.takeProfitTicks = takeProfitTicks
        self.trailingDistanceTicks = trailingDistanceTicks
    }
    public static let none = Protection()
    public var isNone: Bool { self == .none }
}

/// A market order.
public struct MarketOrderRequest: Equatable, Sendable {
    public var account: AccountID
    /// Unique per account; a repeat returns the original result. `.none` disables the check.
    public var clientOrderID: ClientOrderID
    public var symbol: SymbolIndex
    public var side: Side
    /// 1e-8 lots.
    public var volume: Int64
    public var routing: RoutingChoice
    public var fillPolicy: FillPolicy
    /// The price the client saw (ticks), 0 when none: with `maxDeviationTicks` it bounds the fill.
    public var requestedPriceTicks: Int64
    /// Largest slippage accepted against `requestedPriceTicks`, ticks.
    public var maxDeviationTicks: Int64
    /// Stop loss, take profit and trailing distance for the resulting position.
    public var protection: Protection
    public init(account: AccountID, clientOrderID: ClientOrderID, symbol: SymbolIndex, side: Side, volume: Int64,
                routing: RoutingChoice = .bBook, fillPolicy: FillPolicy = .fillOrKill, requestedPriceTicks: Int64 = 0,
                maxDeviationTicks: Int64 = 0, protection: Protection = .none) {
        self.account = account
        self.clientOrderID = clientOrderID
        self.symbol = symbol
        self.side = side
        self.volume = volume
        self.routing = routing
        self.fillPolicy = fillPolicy
        self.requestedPriceTicks = requestedPriceTicks
        self.maxDeviationTicks = maxDeviationTicks
        self.protection = protection
    }
}

/// The kinds of resting order.
public enum PendingType: UInt8, Sendable, CaseIterable {
    /// Buy when ask ≤ price; sell when bid ≥ price.
    case limit = 1
    /// Buy when ask ≥ price; sell when bid ≤ price.
    case stop = 2
    /// A stop that, when it triggers, becomes a limit at `limitPriceTicks`.
    case stopLimit = 3
}

/// A pending (resting) order.
public struct PendingOrderRequest: Equatable, Sendable {
    public var account: AccountID
    public var clientOrderID: ClientOrderID
    public var symbol: SymbolIndex
    public var side: Side
    public var type: PendingType
    public var volume: Int64
    /// The trigger price, ticks (the stop price of a stop-limit).
    public var priceTicks: Int64
    /// The limit price a stop-limit becomes, ticks (0 for other types).
    public var limitPriceTicks: Int64
    /// Good till this time (ns since the epoch); 0 = good till cancelled.
    public var expiresAtNs: Int64
    public var protection: Protection
    /// Decided at placement; the order keeps it when it triggers.
    public var routing: RoutingChoice
    public init(account: AccountID, clientOrderID: ClientOrderID = .none, symbol: SymbolIndex, side: Side, type: PendingType,
                volume: Int64, priceTicks: Int64, limitPriceTicks: Int64 = 0, expiresAtNs: Int64 = 0,
                protection: Protection = .none, routing: RoutingChoice = .bBook) {
        self.account = account
        self.clientOrderID = clientOrderID
        self.symbol = symbol
        self.side = side
        self.type = type
        self.volume = volume
        self.priceTicks = priceTicks
        self.limitPriceTicks = limitPriceTicks
        self.expiresAtNs = expiresAtNs
        self.protection = protection
        self.routing = routing
    }
}

/// What an LP reported about an order the core routed to it (normalized by the LP manager
/// to the symbol's digits).
public struct LPExecution: Equatable, Sendable {
    public enum Kind: UInt8, Sendable, CaseIterable {
        case accepted = 1, partialFill, fill, rejected, canceled, expired
    }
    public var engineOrderID: UInt64
    /// The LP's execution id; reports are de-duplicated by it.
    public var execID: String
    public var kind: Kind
    public var lastPriceTicks: Int64
    public var lastVolume: Int64
    /// The LP's reason for a reject or cancel (kept in the journal; events carry a code).
    public var text: String
    public init(engineOrderID: UInt64, execID: String, kind: Kind, lastPriceTicks: Int64 = 0, lastVolume: Int64 = 0, text: String = "") {
        self.engineOrderID = engineOrderID
        self.execID = execID
        self.kind = kind
        self.lastPriceTicks = lastPriceTicks
        self.lastVolume = lastVolume
        self.text = text
    }
}

/// Everything that can change the core's state. Each arrives inside an `Envelope` carrying
/// its journal sequence and time.
public enum Command: Equatable, Sendable {
    case defineSymbol(SymbolSpec)
    case setSymbolTradingState(SymbolIndex, TradingState)
    case defineGroup(GroupSpec)
    case openAccount(AccountSpec)
    case setAccountStatus(AccountID, AccountStatus)
    /// A raw quote (the LP manager's, before markup), ticks at the symbol's digits, with the
    /// size available at each side (1e-8 lots; 0 when the venue does not say).
    case quote(symbol: SymbolIndex, bidTicks: Int64, askTicks: Int64, bidVolume: Int64 = 0, askVolume: Int64 = 0)
    case deposit(account: AccountID, amount: Int64, method: PaymentMethod)
    case withdraw(account: AccountID, amount: Int64, method: PaymentMethod)
    /// A balance correction (signed) by an admin, with the admin's reason.
    case adjustBalance(account: AccountID, amount: Int64, adminID: UInt64, reason: String)
    /// A bonus credited (positive) or removed (negative) by an admin.
    case grantCredit(account: AccountID, amount: Int64, adminID: UInt64, reason: String)
    case placeMarketOrder(MarketOrderRequest)
    /// Closes `volume` (0: all) of a position at the client's price.
    case closePosition(account: AccountID, position: PositionID, volume: Int64)
    /// Closes two opposite positions of one symbol against each other (hedging accounts).
    case closeBy(account: AccountID, position: PositionID, opposite: PositionID)
    case placePendingOrder(PendingOrderRequest)
    /// Changes a resting order's price, stop-limit price, protection and expiry.
    case modifyPendingOrder(account: AccountID, order: OrderID, priceTicks: Int64, limitPriceTicks: Int64,
                            protection: Protection, expiresAtNs: Int64)
    case cancelPendingOrder(account: AccountID, order: OrderID)
    /// Sets (or with zeros removes) a position's stop loss, take profit and trailing stop.
    case modifyPosition(account: AccountID, position: PositionID, protection: Protection)
    /// Time passes: GTD orders expire and A-Book orders past their deadline time out.
    case timeTick
    /// An LP's execution report for an order the core routed.
    case executionReport(LPExecution)
    /// A new fee schedule: it prices every fill, close and rollover from here on.
    case setFeeSchedule(FeeScheduleSpec)
    /// The daily rollover: swap is charged or paid on every open position (three times on the
    /// schedule's triple-swap weekday of the command's time).
    case rollover
    /// Trading switch for one group's accounts: halt (`disabled`), close only, or full. The
    /// state that applies to an order is the strictest of the global, group and symbol states.
    case setGroupTradingState(GroupIndex, TradingState)
    /// Trading switch for the whole engine (the strictest state wins, as above).
    case setGlobalTradingState(TradingState)
}

/// A command with its place in the journal.
public struct Envelope: Equatable, Sendable {
    /// The journal sequence: strictly increasing, from 1.
    public var sequence: UInt64
    /// When the command was sequenced, ns since the Unix epoch (UTC).
    public var timeNs: Int64
    public var command: Command
    public init(sequence: UInt64, timeNs: Int64, command: Command) {
        self.sequence = sequence
        self.timeNs = timeNs
        self.command = command
    }
}
