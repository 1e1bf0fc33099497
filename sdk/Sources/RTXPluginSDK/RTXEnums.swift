import CRTXPluginABI

// The ABI's enumerations as Swift types. Each is a struct around the raw int32 that crosses
// the boundary, with one static member per RTX_* constant, so a value a newer host sends that
// these headers do not name survives intact (compare with ==, switch with a default case).
// All are Sendable value types, usable from any thread.

/// Log severity (`RTX_LOG_*`).
public struct RTXLogLevel: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let trace = RTXLogLevel(rawValue: RTX_LOG_TRACE)
    public static let debug = RTXLogLevel(rawValue: RTX_LOG_DEBUG)
    public static let info = RTXLogLevel(rawValue: RTX_LOG_INFO)
    public static let warning = RTXLogLevel(rawValue: RTX_LOG_WARNING)
    public static let error = RTXLogLevel(rawValue: RTX_LOG_ERROR)
}

/// Connection state of an LP adapter (`RTX_CONNECTION_*`).
public struct RTXConnectionState: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    /// Not connected and not trying (before start, after stop).
    public static let disconnected = RTXConnectionState(rawValue: RTX_CONNECTION_DISCONNECTED)
    /// Connecting or logging on.
    public static let connecting = RTXConnectionState(rawValue: RTX_CONNECTION_CONNECTING)
    /// Logged on; quotes and orders flow.
    public static let connected = RTXConnectionState(rawValue: RTX_CONNECTION_CONNECTED)
    /// Connected but impaired.
    public static let degraded = RTXConnectionState(rawValue: RTX_CONNECTION_DEGRADED)
    /// Lost; retrying with backoff.
    public static let down = RTXConnectionState(rawValue: RTX_CONNECTION_DOWN)
}

/// Execution book chosen by a routing policy (`RTX_BOOK_*`).
public struct RTXBook: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    /// Pass through to an LP.
    public static let a = RTXBook(rawValue: RTX_BOOK_A)
    /// The broker takes the other side internally.
    public static let b = RTXBook(rawValue: RTX_BOOK_B)
    /// Internal fill plus a partial hedge at the LP.
    public static let c = RTXBook(rawValue: RTX_BOOK_C)
}

/// Order side (`RTX_SIDE_*`).
public struct RTXSide: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let buy = RTXSide(rawValue: RTX_SIDE_BUY)
    public static let sell = RTXSide(rawValue: RTX_SIDE_SELL)
}

/// Order type (`RTX_ORDER_*`).
public struct RTXOrderType: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let market = RTXOrderType(rawValue: RTX_ORDER_MARKET)
    public static let limit = RTXOrderType(rawValue: RTX_ORDER_LIMIT)
    public static let stop = RTXOrderType(rawValue: RTX_ORDER_STOP)
    public static let stopLimit = RTXOrderType(rawValue: RTX_ORDER_STOP_LIMIT)
}

/// Time in force (`RTX_TIF_*`).
public struct RTXTimeInForce: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let goodTillCancelled = RTXTimeInForce(rawValue: RTX_TIF_GTC)
    public static let immediateOrCancel = RTXTimeInForce(rawValue: RTX_TIF_IOC)
    public static let fillOrKill = RTXTimeInForce(rawValue: RTX_TIF_FOK)
    public static let goodTillDate = RTXTimeInForce(rawValue: RTX_TIF_GTD)
}

/// What an execution report says happened (`RTX_EXEC_*`).
public struct RTXExecType: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let accepted = RTXExecType(rawValue: RTX_EXEC_ACCEPTED)
    public static let partialFill = RTXExecType(rawValue: RTX_EXEC_PARTIAL_FILL)
    public static let fill = RTXExecType(rawValue: RTX_EXEC_FILL)
    public static let rejected = RTXExecType(rawValue: RTX_EXEC_REJECTED)
    public static let canceled = RTXExecType(rawValue: RTX_EXEC_CANCELED)
    public static let expired = RTXExecType(rawValue: RTX_EXEC_EXPIRED)
    /// A cancel request was refused (since ABI 1.1).
    public static let cancelRejected = RTXExecType(rawValue: RTX_EXEC_CANCEL_REJECTED)
}

/// When a commission is charged (`RTX_COMMISSION_ON_*`).
public struct RTXCommissionCharge: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let onEntry = RTXCommissionCharge(rawValue: RTX_COMMISSION_ON_ENTRY)
    public static let onExit = RTXCommissionCharge(rawValue: RTX_COMMISSION_ON_EXIT)
    public static let onEntryAndExit = RTXCommissionCharge(rawValue: RTX_COMMISSION_ON_ENTRY_AND_EXIT)
}

/// How a spread markup is expressed (`RTX_MARKUP_*`).
public struct RTXMarkupMode: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    /// Price ticks at the symbol's digits.
    public static let points = RTXMarkupMode(rawValue: RTX_MARKUP_POINTS)
    /// Parts per million of the price.
    public static let ppm = RTXMarkupMode(rawValue: RTX_MARKUP_PPM)
}

/// How a swap rate is expressed (`RTX_SWAP_*`).
public struct RTXSwapMode: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    /// Price ticks per lot per day (valued like P&L).
    public static let points = RTXSwapMode(rawValue: RTX_SWAP_POINTS)
    /// 1e-8 units of the profit currency per lot per day.
    public static let moneyPerLot = RTXSwapMode(rawValue: RTX_SWAP_MONEY_PER_LOT)
    /// ppm per year of the position's notional, /360 a day.
    public static let annualPPM = RTXSwapMode(rawValue: RTX_SWAP_ANNUAL_PPM)
}
