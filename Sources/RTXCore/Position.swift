/// An open position. `cost` is Σ volume × price (1e-8 lots × ticks) of what is still open,
/// kept exactly, so an averaged netting price needs no rounding and P&L is exact.
struct Position: Equatable {
    var id: PositionID
    var accountIndex: Int32
    var symbol: SymbolIndex
    var side: Side
    var book: Book
    var hedgeRatioPPM: UInt32
    var volume: Int64
    var cost: Int128
    /// Margin held for it, account currency (fixed at open price, see `Margin`).
    var margin: Int64
    var openTimeNs: Int64
    var protection: Protection = .none
    /// Current trigger versions of its stop loss, take profit and trailing stop (0: none).
    var stopLossVersion: UInt64 = 0
    var takeProfitVersion: UInt64 = 0
    var trailingVersion: UInt64 = 0
    /// The engine order id of a close on its way to the LP (A-Book), 0 when none.
    var closingOrder: UInt64 = 0
}

/// One account's holdings in one symbol: the sums the margin and floating P&L need, and its
/// open positions in id order.
struct Exposure {
    var accountIndex: Int32
    var symbol: SymbolIndex
    var longVolume: Int64 = 0
    var longCost: Int128 = 0
    var longMargin: Int64 = 0
    var shortVolume: Int64 = 0
    var shortCost: Int128 = 0
    var shortMargin: Int64 = 0
    /// Slots of the open positions, in opening (= id) order.
    var positions: [Int32] = []

    /// The hedged-margin rule: opposite positions in one symbol hold the margin of the larger
    /// side only (the "larger leg" rule).
    var margin: Int64 { max(longMargin, shortMargin) }

    var isEmpty: Bool { positions.isEmpty }

    /// Makes a free slot hold a new (account, symbol), keeping the position list's storage.
    mutating func reset(accountIndex: Int32, symbol: SymbolIndex) {
        self.accountIndex = accountIndex
        self.symbol = symbol
        longVolume = 0; longCost = 0; longMargin = 0
        shortVolume = 0; shortCost = 0; shortMargin = 0
        positions.removeAll(keepingCapacity: true)
    }
}

/// Closed-trade statistics the smart router reads, kept incrementally.
public struct TradingStatistics: Equatable, Sendable {
    /// Closes (full or partial) counted as trades.
    public var trades: UInt64 = 0
    public var wins: UInt64 = 0
    /// Σ realized P&L, account currency 1e-8.
    public var realizedPnl: Int64 = 0
    /// Σ holding time of closed trades, ms.
    public var totalHoldingMs: Int64 = 0
    public var averageHoldingMs: Int64 { trades == 0 ? 0 : totalHoldingMs / Int64(trades) }
    /// Share of winning trades, ppm.
    public var winRatePPM: UInt32 { trades == 0 ? 0 : UInt32(wins * 1_000_000 / trades) }
}

/// The last `capacity` client order ids of an account and their results, oldest forgotten
/// first (a repeat of an id older than that is treated as new). Thread: the core's.
struct ClientOrderWindow {
    static let capacity = 4096
    private(set) var order: [ClientOrderID] = []
    private var head = 0
    private(set) var results: [ClientOrderID: OrderEvent] = [:]

    func result(_ id: ClientOrderID) -> OrderEvent? { results[id] }

    mutating func remember(_ id: ClientOrderID, _ result: OrderEvent) {
        if order.count < Self.capacity {
            order.append(id)
        } else {
            results[order[head]] = nil
            order[head] = id
            head = (head + 1) % Self.capacity
        }
        results[id] = result
    }

    /// Oldest first.
    var inOrder: [ClientOrderID] { Array(order[head...] + order[..<head]) }
}

/// A resting order.
struct PendingOrder {
    var request: PendingOrderRequest
    var id: OrderID
    var accountIndex: Int32
    /// True once a stop-limit's stop has triggered (it now rests as a limit).
    var stopTriggered = false
    var triggerVersion: UInt64 = 0
    var placedAtNs: Int64

    /// The price it rests at now: a stop-limit's limit price once its stop triggered.
    var restingPrice: Int64 { stopTriggered ? request.limitPriceTicks : request.priceTicks }
    var kind: OrderKind {
        switch request.type {
        case .limit: .limit
        case .stop: .stop
        case .stopLimit: stopTriggered ? .triggeredStopLimit : .stopLimit
        }
    }
    /// The type it behaves as now.
    var behavesAsLimit: Bool { request.type == .limit || stopTriggered }
}

/// An order in flight at an LP (or timed out there and still remembered for late fills).
struct LPOrderState {
    var route: LPRoute
    var accountIndex: Int32
    /// The client's view of the order (client orders and closes).
    var order: OrderEvent
    var filled: Int64 = 0
    /// Margin reserved for the unfilled part (client orders), account currency.
    var reservedMargin: Int64 = 0
    var protection: Protection = .none
    var routing: RoutingChoice = .bBook
    /// LP execution ids seen (at most `maxExecIDs`; beyond, the oldest are forgotten).
    var execIDs: [String] = []
    var done = false
    /// Why a client close was sent (stop loss, take profit, close command).
    var closeCause: PositionEvent.Cause = .closeCommand
    static let maxExecIDs = 256
}

/// The house's hedge position in one symbol at the LPs (net; long positive).
struct HouseHedge: Equatable {
    var volume: Int64 = 0
    /// Σ volume × price of what is open (signed like volume).
    var cost: Int128 = 0
}

/// An account's state.
struct AccountState {
    var spec: AccountSpec
    var status: AccountStatus = .active
    var balance: Int64 = 0
    var credit: Int64 = 0
    /// Σ over symbols of each exposure's margin, account currency.
    var margin: Int64 = 0
    /// Margin reserved for A-Book orders waiting at an LP.
    var reservedMargin: Int64 = 0
    /// Below the margin call level since the last crossing (one margin call per crossing).
    var inMarginCall = false
    /// Version of the account's risk triggers, and where they sit (derived, not persisted).
    var riskVersion: UInt64 = 0
    var riskTriggers: [(symbol: SymbolIndex, side: TriggerSide)] = []
    /// Queued for a risk evaluation at the end of the current command (derived).
    var riskQueued = false
    /// Exposure slots of symbols with open positions.
    var exposures: [Int32] = []
    var openPositions = 0
    var statistics = TradingStatistics()
    var clientOrders = ClientOrderWindow()
}
