/// The broker's accounts in the double-entry ledger (per currency).
public enum HouseAccount: UInt8, Sendable, CaseIterable, Comparable {
    /// Commission earned.
    case commission = 1
    /// Swap earned (or paid).
    case swap = 2
    /// Markup earned on A-Book fills.
    case markup = 3
    /// The broker's side of B-Book trades: client profits are its losses.
    case bBookPnL = 4
    /// The broker's hedge at LPs (A-Book and C-Book).
    case houseHedge = 5
    /// Money entering (deposits) and leaving (withdrawals) the platform.
    case cashInOut = 6
    /// Bonus credit granted to clients.
    case bonus = 7
    /// Manual balance corrections.
    case adjustments = 8
    /// What the LPs owe the house (A-Book client P&L, house hedge P&L).
    case lpSettlement = 9

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// One account of the ledger.
public enum LedgerAccount: Hashable, Sendable, Comparable {
    case clientBalance(AccountID)
    case clientCredit(AccountID)
    case house(HouseAccount)

    var sortKey: (UInt8, UInt64) {
        switch self {
        case .clientBalance(let id): (1, id)
        case .clientCredit(let id): (2, id)
        case .house(let h): (3, UInt64(h.rawValue))
        }
    }
    public static func < (a: Self, b: Self) -> Bool { a.sortKey < b.sortKey }
}

/// What caused an entry.
public enum EntryKind: UInt8, Sendable, CaseIterable {
    case deposit = 1, withdrawal, adjustment, bonus, realizedPnl, commission, swap, markup
    /// A negative balance after a stop out, written off by the broker (a group option).
    case negativeBalanceProtection
}

/// How money came in or went out.
public enum PaymentMethod: UInt8, Sendable, CaseIterable {
    case bankTransfer = 1, card, crypto, internalTransfer, other
}

/// One ledger entry: `amount` (> 0, 1e-8 units of `currency`) moves from `from` to `to`. An
/// entry always balances by construction; an account's balance is the sum of what entered it
/// minus what left it, and all accounts of a currency sum to zero.
public struct LedgerEntry: Equatable, Sendable {
    /// Unique, increasing.
    public var id: UInt64
    public var kind: EntryKind
    public var from: LedgerAccount
    public var to: LedgerAccount
    public var amount: Int64
    public var currency: Currency
    /// The journal sequence of the command that caused it.
    public var causeSequence: UInt64
    /// The order or position it settles (0 when none).
    public var reference: UInt64
    /// Payment method for deposits and withdrawals; the admin's id for adjustments and bonuses.
    public var detail: UInt64
}

/// Running balances of every ledger account, per currency. Thread: the core's.
struct LedgerBalances {
    /// House balances keyed by (account, currency).
    private(set) var house: [HouseKey: Int64] = [:]

    struct HouseKey: Hashable, Comparable {
        var account: HouseAccount
        var currency: Currency
        static func < (a: Self, b: Self) -> Bool { (a.account.rawValue, a.currency.code) < (b.account.rawValue, b.currency.code) }
    }

    mutating func add(_ account: HouseAccount, _ currency: Currency, _ amount: Int64) -> Bool {
        let key = HouseKey(account: account, currency: currency)
        let (sum, overflow) = house[key, default: 0].addingReportingOverflow(amount)
        guard !overflow else { return false }
        house[key] = sum
        return true
    }

    func balance(_ account: HouseAccount, _ currency: Currency) -> Int64 {
        house[HouseKey(account: account, currency: currency)] ?? 0
    }

    mutating func restore(_ key: HouseKey, _ amount: Int64) { house[key] = amount }
}
