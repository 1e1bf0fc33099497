/// Whether a symbol can be traded.
public enum TradingState: UInt8, Sendable, CaseIterable {
    /// Opening and closing allowed.
    case full = 1
    /// Only orders that reduce or close positions.
    case closeOnly = 2
    /// No orders at all.
    case disabled = 3
}

/// A symbol's contract: how it is priced and traded. Defined by a `defineSymbol` command.
public struct SymbolSpec: Sendable, Equatable {
    /// The engine's name, e.g. "EURUSD" (1 to 31 bytes).
    public var name: String
    /// Price digits, 0...12.
    public var digits: Int
    /// Base units per lot at 1e-8 (100,000 units: 10,000,000,000,000).
    public var contractSizeE8: Int64
    /// Volume limits and step, 1e-8 lots.
    public var volumeMin: Int64
    public var volumeMax: Int64
    public var volumeStep: Int64
    /// Currency margin is expressed in (the base, for FX) and profit is made in (the quote).
    public var marginCurrency: Currency
    public var profitCurrency: Currency
    /// Smallest distance of a stop-loss or take-profit from the current price, ticks.
    public var minStopDistanceTicks: Int64
    public var tradingState: TradingState
    /// When the symbol trades (UTC, weekly).
    public var sessions: TradingSessions
    /// A quote older than this is stale and refuses orders, ms.
    public var maxQuoteAgeMs: Int64

    public init(name: String, digits: Int, contractSizeE8: Int64, volumeMin: Int64, volumeMax: Int64, volumeStep: Int64,
                marginCurrency: Currency, profitCurrency: Currency, minStopDistanceTicks: Int64 = 0,
                tradingState: TradingState = .full, sessions: TradingSessions = .always, maxQuoteAgeMs: Int64 = 10_000) {
        self.name = name
        self.digits = digits
        self.contractSizeE8 = contractSizeE8
        self.volumeMin = volumeMin
        self.volumeMax = volumeMax
        self.volumeStep = volumeStep
        self.marginCurrency = marginCurrency
        self.profitCurrency = profitCurrency
        self.minStopDistanceTicks = minStopDistanceTicks
        self.tradingState = tradingState
        self.sessions = sessions
        self.maxQuoteAgeMs = maxQuoteAgeMs
    }

    /// Why the spec is unusable, or nil.
    func problem() -> RejectReason? {
        guard (1 ... 31).contains(name.utf8.count) else { return .invalidSpec(.name) }
        guard (0 ... Scale.maxDigits).contains(digits) else { return .invalidSpec(.digits) }
        guard contractSizeE8 > 0 else { return .invalidSpec(.contractSize) }
        guard volumeStep > 0, volumeMin > 0, volumeMax >= volumeMin, volumeMin % volumeStep == 0 else { return .invalidSpec(.volumeLimits) }
        guard minStopDistanceTicks >= 0 else { return .invalidSpec(.stopDistance) }
        guard maxQuoteAgeMs > 0 else { return .invalidSpec(.quoteAge) }
        guard sessions.isValid else { return .invalidSpec(.sessions) }
        return nil
    }
}

/// Weekly trading windows in UTC. Empty windows means the symbol always trades.
public struct TradingSessions: Sendable, Equatable {
    /// One window: from `startMinute` to `endMinute` (exclusive) of the week, where minute 0 is
    /// Sunday 00:00 UTC and 10,080 is the next Sunday.
    public struct Window: Sendable, Equatable {
        public var startMinute: Int32
        public var endMinute: Int32
        public init(startMinute: Int32, endMinute: Int32) {
            self.startMinute = startMinute
            self.endMinute = endMinute
        }
    }
    public static let minutesPerWeek: Int32 = 10_080
    public var windows: [Window]
    public init(windows: [Window]) { self.windows = windows }
    public static let always = TradingSessions(windows: [])

    /// FX hours: Sunday 22:00 to Friday 22:00 UTC.
    public static let forex = TradingSessions(windows: [Window(startMinute: 22 * 60, endMinute: 5 * 1440 + 22 * 60)])

    var isValid: Bool {
        windows.allSatisfy { $0.startMinute >= 0 && $0.startMinute < $0.endMinute && $0.endMinute <= Self.minutesPerWeek }
    }

    /// Whether the symbol trades at `timeNs` (ns since the Unix epoch, UTC).
    public func isOpen(atNs timeNs: Int64) -> Bool {
        if windows.isEmpty { return true }
        let minute = Self.minuteOfWeek(timeNs)
        return windows.contains { minute >= $0.startMinute && minute < $0.endMinute }
    }

    /// Minute of the UTC week (Sunday 00:00 is 0). 1970-01-01 was a Thursday (minute 4 × 1440).
    public static func minuteOfWeek(_ timeNs: Int64) -> Int32 {
        let minutes = timeNs / 60_000_000_000
        let shifted = (minutes + 4 * 1440) % Int64(minutesPerWeek)
        return Int32(shifted < 0 ? shifted + Int64(minutesPerWeek) : shifted)
    }
}

/// Account group settings. Defined by a `defineGroup` command.
public struct GroupSpec: Sendable, Equatable {
    public var name: String
    /// Margin level (equity / margin, percent) at or below which a margin call is raised.
    public var marginCallLevelPercent: Int64
    /// Margin level at or below which positions are closed.
    public var stopOutLevelPercent: Int64
    /// Largest volume of one order, 1e-8 lots (0: the symbol's limit only).
    public var maxOrderVolume: Int64
    /// Most open positions an account may hold (0: no limit).
    public var maxOpenPositions: Int
    /// How long an A-Book order may wait for its LP's final report, ms.
    public var aBookTimeoutMs: Int64
    /// After a stop out closes everything, a negative balance is written off (an adjustment).
    public var negativeBalanceProtection: Bool
    /// Hysteresis of the margin call, percentage points: after a margin call the next one is
    /// raised only once the level has been back above margin call level + this (0...1,000).
    public var marginCallRearmPercent: Int64
    public init(name: String, marginCallLevelPercent: Int64 = 100, stopOutLevelPercent: Int64 = 50,
                maxOrderVolume: Int64 = 0, maxOpenPositions: Int = 0, aBookTimeoutMs: Int64 = 5_000,
                negativeBalanceProtection: Bool = false, marginCallRearmPercent: Int64 = 5) {
        self.negativeBalanceProtection = negativeBalanceProtection
        self.marginCallRearmPercent = marginCallRearmPercent
        self.name = name
        self.marginCallLevelPercent = marginCallLevelPercent
        self.stopOutLevelPercent = stopOutLevelPercent
        self.maxOrderVolume = maxOrderVolume
        self.maxOpenPositions = maxOpenPositions
        self.aBookTimeoutMs = aBookTimeoutMs
    }

    func problem() -> RejectReason? {
        guard (1 ... 31).contains(name.utf8.count) else { return .invalidSpec(.name) }
        guard stopOutLevelPercent >= 0, marginCallLevelPercent >= stopOutLevelPercent, marginCallLevelPercent <= 100_000,
              (0 ... 1_000).contains(marginCallRearmPercent) else { return .invalidSpec(.levels) }
        guard maxOrderVolume >= 0, maxOpenPositions >= 0, (1 ... 600_000).contains(aBookTimeoutMs) else { return .invalidSpec(.limits) }
        return nil
    }
}

/// How an account holds positions.
public enum PositionMode: UInt8, Sendable, CaseIterable {
    /// Many positions per symbol, in both directions.
    case hedging = 1
    /// One position per symbol; orders add to, reduce, close or reverse it.
    case netting = 2
}

/// Whether an account may take new exposure.
public enum AccountStatus: UInt8, Sendable, CaseIterable {
    case active = 1
    /// No new exposure; closing and reducing allowed.
    case suspended = 2
}

/// A new account. Opened by an `openAccount` command.
public struct AccountSpec: Sendable, Equatable {
    public var id: AccountID
    public var group: GroupIndex
    public var currency: Currency
    /// Leverage as 1:N (N from 1 to 10,000).
    public var leverage: Int64
    public var mode: PositionMode
    public init(id: AccountID, group: GroupIndex, currency: Currency, leverage: Int64, mode: PositionMode) {
        self.id = id
        self.group = group
        self.currency = currency
        self.leverage = leverage
        self.mode = mode
    }
}
