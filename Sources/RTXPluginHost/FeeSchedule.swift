import CRTXABI

/// A validated fee schedule: what a fee model produced, in the ABI's fixed-point units.
/// Entries match by group and symbol names or "*"; see rtx/fee_model.h for the precedence.
public struct FeeSchedule: Sendable, Equatable {
    public enum CommissionCharge: Int32, Sendable { case onEntry = 1, onExit = 2, onEntryAndExit = 3 }
    public enum MarkupMode: Int32, Sendable { case points = 1, ppm = 2 }
    public enum SwapMode: Int32, Sendable { case points = 1, moneyPerLot = 2, annualPPM = 3 }

    public struct CommissionTier: Sendable, Equatable {
        public var group: String
        public var symbol: String
        public var currency: String
        public var charge: CommissionCharge
        /// 1e-8 lots.
        public var fromVolume: Int64
        /// 1e-8 currency units per lot.
        public var perLotMoney: Int64
        /// 1e-8 currency units per trade.
        public var minimumMoney: Int64
    }
    public struct Markup: Sendable, Equatable {
        public var group: String
        public var symbol: String
        public var mode: MarkupMode
        public var bidMarkup: Int64
        public var askMarkup: Int64
    }
    public struct SwapRate: Sendable, Equatable {
        public var group: String
        public var symbol: String
        public var mode: SwapMode
        public var longRate: Int64
        public var shortRate: Int64
        /// 0 = Sunday ... 6 = Saturday.
        public var tripleWeekday: Int32
    }

    public var commissionTiers: [CommissionTier] = []
    public var markups: [Markup] = []
    public var swapRates: [SwapRate] = []
    public init() {}
}

/// Collects and validates entries a fee model hands to the host's sink. The first invalid
/// entry is remembered: a schedule with any invalid entry is refused as a whole, even if the
/// plugin ignored the sink's error status.
///
/// Limits: at most `maxEntriesPerKind` entries of each kind (beyond: RTX_E_LIMIT).
/// Thread: used by the one thread running build_schedule; valid for that call only.
final class FeeScheduleBuilder {
    static let maxEntriesPerKind = 10_000
    let groups: Set<String>
    let symbols: Set<String>
    private(set) var schedule = FeeSchedule()
    private(set) var firstProblem: String?
    private var tierKeys: Set<String> = []
    private var markupKeys: Set<String> = []
    private var swapKeys: Set<String> = []

    init(groups: Set<String>, symbols: Set<String>) {
        self.groups = groups
        self.symbols = symbols
    }

    private func problem(_ text: String, _ status: rtx_status_t = RTX_E_INVALID_ARGUMENT) -> rtx_status_t {
        if firstProblem == nil { firstProblem = text }
        return status
    }

    private func names(_ group: rtx_str_t, _ symbol: rtx_str_t, _ what: String) -> (String, String)? {
        guard let g = StringView.copy(group, limitBytes: 64), let s = StringView.copy(symbol, limitBytes: 64) else {
            _ = problem("\(what): group or symbol is NULL with a length, over 64 bytes or not UTF-8")
            return nil
        }
        guard g == "*" || groups.contains(g) else {
            _ = problem("\(what): unknown group '\(g)' (known: \(groups.sorted().joined(separator: ", ")), or \"*\")")
            return nil
        }
        guard s == "*" || symbols.contains(s) else {
            _ = problem("\(what): unknown symbol '\(s)' (not among the \(symbols.count) symbols asked for, nor \"*\")")
            return nil
        }
        return (g, s)
    }

    func add(_ t: rtx_commission_tier_t) -> rtx_status_t {
        let what = "commission tier"
        guard Int(t.struct_size) >= MemoryLayout<rtx_commission_tier_t>.size else { return problem("\(what): struct_size \(t.struct_size) too small") }
        guard schedule.commissionTiers.count < Self.maxEntriesPerKind else { return problem("more than \(Self.maxEntriesPerKind) commission tiers", RTX_E_LIMIT) }
        guard let (g, s) = names(t.group, t.symbol, what) else { return RTX_E_INVALID_ARGUMENT }
        guard let charge = FeeSchedule.CommissionCharge(rawValue: t.charge) else { return problem("\(what) \(g)/\(s): charge \(t.charge) is not RTX_COMMISSION_ON_*") }
        guard let currency = StringView.copy(t.currency, limitBytes: 8), Self.isCurrency(currency) else {
            return problem("\(what) \(g)/\(s): currency must be three capital letters such as USD")
        }
        guard t.from_volume >= 0, t.per_lot_money >= 0, t.minimum_money >= 0 else {
            return problem("\(what) \(g)/\(s): from_volume, per_lot_money and minimum_money must not be negative")
        }
        let key = "\(g)\u{1}\(s)\u{1}\(t.from_volume)"
        guard tierKeys.insert(key).inserted else { return problem("\(what) \(g)/\(s) from volume \(t.from_volume) given twice") }
        schedule.commissionTiers.append(.init(group: g, symbol: s, currency: currency, charge: charge, fromVolume: t.from_volume,
                                              perLotMoney: t.per_lot_money, minimumMoney: t.minimum_money))
        return RTX_OK
    }

    func add(_ m: rtx_markup_t) -> rtx_status_t {
        let what = "markup"
        guard Int(m.struct_size) >= MemoryLayout<rtx_markup_t>.size else { return problem("\(what): struct_size \(m.struct_size) too small") }
        guard schedule.markups.count < Self.maxEntriesPerKind else { return problem("more than \(Self.maxEntriesPerKind) markups", RTX_E_LIMIT) }
        guard let (g, s) = names(m.group, m.symbol, what) else { return RTX_E_INVALID_ARGUMENT }
        guard let mode = FeeSchedule.MarkupMode(rawValue: m.mode) else { return problem("\(what) \(g)/\(s): mode \(m.mode) is not RTX_MARKUP_POINTS or RTX_MARKUP_PPM") }
        guard m.bid_markup >= 0, m.ask_markup >= 0 else { return problem("\(what) \(g)/\(s): markups must not be negative") }
        if mode == .ppm, m.bid_markup > 1_000_000 || m.ask_markup > 1_000_000 {
            return problem("\(what) \(g)/\(s): a ppm markup above 1,000,000 (100 %) is not a markup")
        }
        guard markupKeys.insert("\(g)\u{1}\(s)").inserted else { return problem("\(what) \(g)/\(s) given twice") }
        schedule.markups.append(.init(group: g, symbol: s, mode: mode, bidMarkup: m.bid_markup, askMarkup: m.ask_markup))
        return RTX_OK
    }

    func add(_ w: rtx_swap_rate_t) -> rtx_status_t {
        let what = "swap rate"
        guard Int(w.struct_size) >= MemoryLayout<rtx_swap_rate_t>.size else { return problem("\(what): struct_size \(w.struct_size) too small") }
        guard schedule.swapRates.count < Self.maxEntriesPerKind else { return problem("more than \(Self.maxEntriesPerKind) swap rates", RTX_E_LIMIT) }
        guard let (g, s) = names(w.group, w.symbol, what) else { return RTX_E_INVALID_ARGUMENT }
        guard let mode = FeeSchedule.SwapMode(rawValue: w.mode) else { return problem("\(what) \(g)/\(s): mode \(w.mode) is not RTX_SWAP_*") }
        guard (0 ... 6).contains(w.triple_weekday) else { return problem("\(what) \(g)/\(s): triple_weekday \(w.triple_weekday) is not 0 (Sunday) to 6 (Saturday)") }
        guard swapKeys.insert("\(g)\u{1}\(s)").inserted else { return problem("\(what) \(g)/\(s) given twice") }
        schedule.swapRates.append(.init(group: g, symbol: s, mode: mode, longRate: w.long_rate, shortRate: w.short_rate,
                                        tripleWeekday: w.triple_weekday))
        return RTX_OK
    }

    static func isCurrency(_ s: String) -> Bool {
        s.utf8.count == 3 && s.utf8.allSatisfy { $0 >= 65 && $0 <= 90 }
    }
}
