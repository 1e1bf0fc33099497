import CRTXPluginABI

// Swift copies of what the host hands an LP adapter. The SDK copies each borrowed C struct
// into these value types before calling you, so they are yours to keep. All are Sendable.
// Prices are ticks at the stated digits, volumes 1e-8 lots, times ns.

/// One symbol the host wants quoted (`rtx_subscription_t`).
public struct RTXSubscription: Sendable, Equatable {
    /// Put this in every quote of the symbol.
    public var symbolID: UInt32
    /// The engine's digits for the symbol, or -1 when it has none configured.
    public var priceDigits: Int32
    /// The engine's name, e.g. "EURUSD".
    public var symbol: String
    /// The venue's name from the manifest mapping, e.g. "EUR_USD".
    public var lpSymbol: String

    public init(symbolID: UInt32, priceDigits: Int32, symbol: String, lpSymbol: String) {
        self.symbolID = symbolID
        self.priceDigits = priceDigits
        self.symbol = symbol
        self.lpSymbol = lpSymbol
    }

    init(_ raw: rtx_subscription_t) {
        self.init(symbolID: raw.symbol_id, priceDigits: raw.price_digits, symbol: RTXCStrings.string(raw.symbol),
                  lpSymbol: RTXCStrings.string(raw.lp_symbol))
    }
}

/// An order to place at the venue (`rtx_order_request_t`).
public struct RTXOrderRequest: Sendable, Equatable {
    public var symbolID: UInt32
    /// Unique; the same id again means a resend of the same order.
    public var engineOrderID: UInt64
    public var side: RTXSide
    public var orderType: RTXOrderType
    public var timeInForce: RTXTimeInForce
    /// Digits of `priceTicks` and `maxDeviationTicks`.
    public var priceDigits: Int32
    /// 1e-8 lots, > 0.
    public var volume: Int64
    /// Limit or stop price; 0 for market orders.
    public var priceTicks: Int64
    /// Largest slippage accepted from `priceTicks`; 0 means no limit.
    public var maxDeviationTicks: Int64
    /// GTD expiry, wall ns since the epoch; 0 otherwise.
    public var expireTimeNanoseconds: Int64
    /// The venue's name for `symbolID`.
    public var lpSymbol: String

    public init(symbolID: UInt32, engineOrderID: UInt64, side: RTXSide, orderType: RTXOrderType,
                timeInForce: RTXTimeInForce, priceDigits: Int32, volume: Int64, priceTicks: Int64 = 0,
                maxDeviationTicks: Int64 = 0, expireTimeNanoseconds: Int64 = 0, lpSymbol: String) {
        self.symbolID = symbolID
        self.engineOrderID = engineOrderID
        self.side = side
        self.orderType = orderType
        self.timeInForce = timeInForce
        self.priceDigits = priceDigits
        self.volume = volume
        self.priceTicks = priceTicks
        self.maxDeviationTicks = maxDeviationTicks
        self.expireTimeNanoseconds = expireTimeNanoseconds
        self.lpSymbol = lpSymbol
    }

    init(_ raw: rtx_order_request_t) {
        self.init(symbolID: raw.symbol_id, engineOrderID: raw.engine_order_id, side: RTXSide(rawValue: raw.side),
                  orderType: RTXOrderType(rawValue: raw.order_type), timeInForce: RTXTimeInForce(rawValue: raw.time_in_force),
                  priceDigits: raw.price_digits, volume: raw.volume, priceTicks: raw.price_ticks,
                  maxDeviationTicks: raw.max_deviation_ticks, expireTimeNanoseconds: raw.expire_time_ns,
                  lpSymbol: RTXCStrings.string(raw.lp_symbol))
    }
}

/// A request to cancel an order previously sent (`rtx_cancel_request_t`).
public struct RTXCancelRequest: Sendable, Equatable {
    public var symbolID: UInt32
    public var engineOrderID: UInt64
    /// From the venue's report; empty when none arrived yet.
    public var lpOrderID: String
    public var lpSymbol: String

    public init(symbolID: UInt32, engineOrderID: UInt64, lpOrderID: String, lpSymbol: String) {
        self.symbolID = symbolID
        self.engineOrderID = engineOrderID
        self.lpOrderID = lpOrderID
        self.lpSymbol = lpSymbol
    }

    init(_ raw: rtx_cancel_request_t) {
        self.init(symbolID: raw.symbol_id, engineOrderID: raw.engine_order_id,
                  lpOrderID: RTXCStrings.string(raw.lp_order_id), lpSymbol: RTXCStrings.string(raw.lp_symbol))
    }
}

/// Counters an adapter keeps (`rtx_lp_stats_t`, ABI 1.1), all monotonic since create.
public struct RTXLPStats: Sendable, Equatable {
    /// Venue messages of any kind.
    public var messagesReceived: UInt64
    public var quotesEmitted: UInt64
    public var ordersSent: UInt64
    public var reconnects: UInt64
    /// Wall ns of the last venue message; 0 when none yet.
    public var lastMessageWallNanoseconds: Int64

    public init(messagesReceived: UInt64 = 0, quotesEmitted: UInt64 = 0, ordersSent: UInt64 = 0,
                reconnects: UInt64 = 0, lastMessageWallNanoseconds: Int64 = 0) {
        self.messagesReceived = messagesReceived
        self.quotesEmitted = quotesEmitted
        self.ordersSent = ordersSent
        self.reconnects = reconnects
        self.lastMessageWallNanoseconds = lastMessageWallNanoseconds
    }
}
