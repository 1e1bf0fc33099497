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
    public init(account: AccountID, clientOrderID: ClientOrderID, symbol: SymbolIndex, side: Side, volume: Int64,
                routing: RoutingChoice = .bBook) {
        self.account = account
        self.clientOrderID = clientOrderID
        self.symbol = symbol
        self.side = side
        self.volume = volume
        self.routing = routing
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
    /// A raw quote (the LP manager's, before markup), ticks at the symbol's digits.
    case quote(symbol: SymbolIndex, bidTicks: Int64, askTicks: Int64)
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
