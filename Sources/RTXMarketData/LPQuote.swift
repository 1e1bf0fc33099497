/// A quote as an LP adapter emitted it (the fields of `rtx_quote_t` the manager uses), with
/// the host's monotonic time of its arrival. Prices are ticks at the LP's own `priceDigits`.
public struct LPQuote: Sendable, Equatable {
    /// The host's id of the symbol (per-LP: the adapter quotes ids it was subscribed to).
    public var symbolID: UInt32
    public var priceDigits: Int
    public var bidTicks: Int64
    public var askTicks: Int64
    /// Size available at each side, 1e-8 lots (0: not said).
    public var bidVolume: Int64
    public var askVolume: Int64
    /// The venue's timestamp, wall ns since the epoch; 0 when the venue does not say.
    public var lpTimeNs: Int64
    /// When the host accepted it from the adapter, monotonic ns.
    public var receivedNs: Int64

    public init(symbolID: UInt32, priceDigits: Int, bidTicks: Int64, askTicks: Int64, bidVolume: Int64 = 0, askVolume: Int64 = 0,
                lpTimeNs: Int64 = 0, receivedNs: Int64) {
        self.symbolID = symbolID
        self.priceDigits = priceDigits
        self.bidTicks = bidTicks
        self.askTicks = askTicks
        self.bidVolume = bidVolume
        self.askVolume = askVolume
        self.lpTimeNs = lpTimeNs
        self.receivedNs = receivedNs
    }
}

/// A quote at the symbol's digits, validated (bid and ask positive, bid at most ask).
public struct NormalizedQuote: Sendable, Equatable {
    public var bidTicks: Int64
    public var askTicks: Int64
    public var bidVolume: Int64
    public var askVolume: Int64
    /// When the host accepted it, monotonic ns.
    public var receivedNs: Int64

    public init(bidTicks: Int64, askTicks: Int64, bidVolume: Int64 = 0, askVolume: Int64 = 0, receivedNs: Int64) {
        self.bidTicks = bidTicks
        self.askTicks = askTicks
        self.bidVolume = bidVolume
        self.askVolume = askVolume
        self.receivedNs = receivedNs
    }

    /// Twice the mid (bid + ask), so the mid needs no rounding.
    var doubleMid: Int64 { bidTicks &+ askTicks }
}

/// The times a call happens at, both read by the caller (the manager has no clock).
public struct MarketTime: Sendable, Equatable {
    /// Monotonic ns (the clock `LPQuote.receivedNs` is on).
    public var monotonicNs: Int64
    /// Wall ns since the epoch (the clock `LPQuote.lpTimeNs` is on).
    public var wallNs: Int64

    public init(monotonicNs: Int64, wallNs: Int64) {
        self.monotonicNs = monotonicNs
        self.wallNs = wallNs
    }
}
