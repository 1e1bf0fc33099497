// The entries of a fee schedule, handed to the host through `RTXFeeScheduleSink`. Group and
// symbol are exact names or "*" (any); the most specific entry wins (group and symbol, then
// symbol, then group, then "*"/"*"). Money is 1e-8 currency units, volume 1e-8 lots; every
// amount is an Int64, never floating point. All are Sendable value types.

/// One commission tier (`rtx_commission_tier_t`): trades of at least `fromVolume` (and below
/// the next tier's, for the same group and symbol) pay `perLotMoney` per lot traded, and at
/// least `minimumMoney` per trade.
public struct RTXCommissionTier: Sendable, Equatable {
    public var charge: RTXCommissionCharge
    public var group: String
    public var symbol: String
    /// Currency of the amounts, e.g. "USD".
    public var currency: String
    /// Tier threshold, 1e-8 lots, >= 0.
    public var fromVolume: Int64
    /// 1e-8 currency units per lot, >= 0.
    public var perLotMoney: Int64
    /// 1e-8 currency units per trade, >= 0.
    public var minimumMoney: Int64

    public init(charge: RTXCommissionCharge = .onEntryAndExit, group: String = "*", symbol: String = "*",
                currency: String, fromVolume: Int64, perLotMoney: Int64, minimumMoney: Int64 = 0) {
        self.charge = charge
        self.group = group
        self.symbol = symbol
        self.currency = currency
        self.fromVolume = fromVolume
        self.perLotMoney = perLotMoney
        self.minimumMoney = minimumMoney
    }
}

/// A spread markup (`rtx_markup_t`): client bid = raw bid - bidMarkup, client ask = raw ask +
/// askMarkup (both >= 0), in ticks at the symbol's digits (`.points`) or ppm of the price (`.ppm`).
public struct RTXMarkup: Sendable, Equatable {
    public var mode: RTXMarkupMode
    public var group: String
    public var symbol: String
    public var bidMarkup: Int64
    public var askMarkup: Int64

    public init(mode: RTXMarkupMode, group: String = "*", symbol: String = "*", bidMarkup: Int64, askMarkup: Int64) {
        self.mode = mode
        self.group = group
        self.symbol = symbol
        self.bidMarkup = bidMarkup
        self.askMarkup = askMarkup
    }
}

/// Overnight financing (`rtx_swap_rate_t`). A positive rate is paid to the client, a negative
/// one charged; units per `mode`. `tripleWeekday` (0 = Sunday ... 6 = Saturday) is charged
/// three times.
public struct RTXSwapRate: Sendable, Equatable {
    public var mode: RTXSwapMode
    public var group: String
    public var symbol: String
    public var longRate: Int64
    public var shortRate: Int64
    public var tripleWeekday: Int32

    public init(mode: RTXSwapMode, group: String = "*", symbol: String = "*", longRate: Int64, shortRate: Int64,
                tripleWeekday: Int32 = 3) {
        self.mode = mode
        self.group = group
        self.symbol = symbol
        self.longRate = longRate
        self.shortRate = shortRate
        self.tripleWeekday = tripleWeekday
    }
}
