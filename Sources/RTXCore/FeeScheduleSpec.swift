/// A fee schedule as the core applies it (produced outside by the fee model and journaled).
/// Entries name a group and a symbol by index, or nil for any. The most specific entry
/// wins: (group, symbol), then (any group, symbol), then (group, any symbol), then (any, any).
public struct FeeScheduleSpec: Equatable, Sendable {
    public enum Charge: UInt8, Sendable { case onEntry = 1, onExit, onEntryAndExit }
    public enum MarkupMode: UInt8, Sendable { case points = 1, ppm }
    public enum SwapMode: UInt8, Sendable { case points = 1, moneyPerLot, annualPPM }

    /// Commission per lot traded, at least `minimumMoney` per trade; tiers by trade volume.
    public struct CommissionTier: Equatable, Sendable {
        public var group: GroupIndex?
        public var symbol: SymbolIndex?
        public var currency: Currency
        public var charge: Charge
        /// The tier applies to trades of at least this volume (1e-8 lots).
        public var fromVolume: Int64
        /// 1e-8 units of `currency` per lot, and per trade at least.
        public var perLotMoney: Int64
        public var minimumMoney: Int64
        public init(group: GroupIndex? = nil, symbol: SymbolIndex? = nil, currency: Currency, charge: Charge = .onEntryAndExit,
                    fromVolume: Int64 = 0, perLotMoney: Int64, minimumMoney: Int64 = 0) {
            self.group = group
            self.symbol = symbol
            self.currency = currency
            self.charge = charge
            self.fromVolume = fromVolume
            self.perLotMoney = perLotMoney
            self.minimumMoney = minimumMoney
        }
    }

    /// Spread markup: client bid = raw bid − bid markup, client ask = raw ask + ask markup.
    public struct Markup: Equatable, Sendable {
        public var group: GroupIndex?
        public var symbol: SymbolIndex?
        public var mode: MarkupMode
        /// Ticks (points mode) or parts per million of the price (ppm mode), ≥ 0.
        public var bid: Int64
        public var ask: Int64
        public init(group: GroupIndex? = nil, symbol: SymbolIndex? = nil, mode: MarkupMode, bid: Int64, ask: Int64) {
            self.group = group
            self.symbol = symbol
            self.mode = mode
            self.bid = bid
            self.ask = ask
        }
    }

    /// Overnight financing per lot and day: positive is paid to the client, negative charged.
    public struct SwapRate: Equatable, Sendable {
        public var group: GroupIndex?
        public var symbol: SymbolIndex?
        public var mode: SwapMode
        /// Ticks per lot (points), 1e-8 of the profit currency per lot (money per lot), or ppm
        /// a year of the notional, counted 1/360 a day (annual ppm).
        public var long: Int64
        public var short: Int64
        /// 0 = Sunday ... 6 = Saturday: the rollover that day charges three days.
        public var tripleWeekday: Int
        public init(group: GroupIndex? = nil, symbol: SymbolIndex? = nil, mode: SwapMode, long: Int64, short: Int64, tripleWeekday: Int = 3) {
            self.group = group
            self.symbol = symbol
            self.mode = mode
            self.long = long
            self.short = short
            self.tripleWeekday = tripleWeekday
        }
    }

    public var commissionTiers: [CommissionTier]
    public var markups: [Markup]
    public var swaps: [SwapRate]
    public init(commissionTiers: [CommissionTier] = [], markups: [Markup] = [], swaps: [SwapRate] = []) {
        self.commissionTiers = commissionTiers
        self.markups = markups
        self.swaps = swaps
    }
    public static let none = FeeScheduleSpec()

    /// How specific an entry is for (group, symbol): 0 no match, 1 (any, any) ... 4 (group, symbol).
    static func specificity(group: GroupIndex?, symbol: SymbolIndex?, for g: GroupIndex, _ s: SymbolIndex) -> Int {
        if let group, group != g { return 0 }
        if let symbol, symbol != s { return 0 }
        switch (group != nil, symbol != nil) {
        case (true, true): return 4
        case (false, true): return 3
        case (true, false): return 2
        case (false, false): return 1
        }
    }

    public func markup(group: GroupIndex, symbol: SymbolIndex) -> Markup? {
        var best: (Int, Markup)?
        for m in markups {
            let level = Self.specificity(group: m.group, symbol: m.symbol, for: group, symbol)
            if level > (best?.0 ?? 0) { best = (level, m) }
        }
        return best?.1
    }

    func swap(group: GroupIndex, symbol: SymbolIndex) -> SwapRate? {
        var best: (Int, SwapRate)?
        for w in swaps {
            let level = Self.specificity(group: w.group, symbol: w.symbol, for: group, symbol)
            if level > (best?.0 ?? 0) { best = (level, w) }
        }
        return best?.1
    }

    /// The tier for a trade: among the most specific entries, the highest `fromVolume` ≤ volume.
    func commissionTier(group: GroupIndex, symbol: SymbolIndex, volume: Int64) -> CommissionTier? {
        var level = 0
        for t in commissionTiers { level = max(level, Self.specificity(group: t.group, symbol: t.symbol, for: group, symbol)) }
        guard level > 0 else { return nil }
        var best: CommissionTier?
        for t in commissionTiers where Self.specificity(group: t.group, symbol: t.symbol, for: group, symbol) == level && t.fromVolume <= volume {
            if t.fromVolume >= (best?.fromVolume ?? -1) { best = t }
        }
        return best
    }

    /// Why the schedule is unusable for `symbolCount` symbols and `groupCount` groups, or nil.
    func problem(symbolCount: Int, groupCount: Int) -> RejectReason? {
        func known(_ g: GroupIndex?, _ s: SymbolIndex?) -> Bool {
            (g.map { $0 >= 0 && Int($0) < groupCount } ?? true) && (s.map { $0 >= 0 && Int($0) < symbolCount } ?? true)
        }
        for t in commissionTiers {
            guard known(t.group, t.symbol), t.fromVolume >= 0, t.perLotMoney >= 0, t.minimumMoney >= 0 else { return .invalidSpec(.feeSchedule) }
        }
        for m in markups {
            guard known(m.group, m.symbol), m.bid >= 0, m.ask >= 0, m.mode == .points || (m.bid <= 1_000_000 && m.ask <= 1_000_000) else {
                return .invalidSpec(.feeSchedule)
            }
        }
        for w in swaps {
            guard known(w.group, w.symbol), (0 ... 6).contains(w.tripleWeekday) else { return .invalidSpec(.feeSchedule) }
        }
        return nil
    }
}

/// Client prices: the one pure function from a raw quote and a markup to what a group's
/// clients trade at (the core's fills and triggers, and the publishers' prices, all use it).
/// A ppm markup is rounded to the nearest tick, halves away from zero.
public enum ClientPricing {
    @inline(__always)
    public static func clientQuote(rawBid: Int64, rawAsk: Int64, markup: FeeScheduleSpec.Markup?) -> (bid: Int64, ask: Int64) {
        guard let m = markup else { return (rawBid, rawAsk) }
        switch m.mode {
        case .points:
            return (rawBid - m.bid, rawAsk + m.ask)
        case .ppm:
            let down = FixedMath.divideRounded(Int128(rawBid) * Int128(m.bid), 1_000_000)
            let up = FixedMath.divideRounded(Int128(rawAsk) * Int128(m.ask), 1_000_000)
            return (rawBid - Int64(down), rawAsk + Int64(up))
        }
    }
}
