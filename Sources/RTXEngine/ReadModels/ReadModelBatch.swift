/// The rows one projector transaction writes: everything a run of journal records changed in
/// the read models, merged where a table keeps one row per key (the latest state wins;
/// totals add up). Built by `ReadModelProjection`, written by `ReadModelWriter`. Units as in
/// `ReadModelSchema` (money and volumes 1e-8, prices in ticks, times in ns since the epoch).
/// Thread: the projector's.
struct ReadModelBatch {
    struct Symbol {
        var name: String, index: Int32, digits: Int, contractSizeE8: Int64, marginCurrency: String, profitCurrency: String, seq: UInt64
    }
    struct AccountOpened {
        var id: UInt64, group: String, currency: String, leverage: Int64, mode: String, status: String, seq: UInt64, timeNs: Int64
    }
    struct AccountMoney {
        var balance: Int64, credit: Int64, margin: Int64, seq: UInt64, timeNs: Int64
    }
    struct AccountStatusChange {
        var status: String, seq: UInt64, timeNs: Int64
    }
    struct Order {
        var id: UInt64, account: UInt64, clientOrderID: String, symbol: String, digits: Int, side: String, kind: String, book: String
        var volume: Int64, filledVolume: Int64, priceTicks: Int64, fillPriceTicks: Int64, state: String, rejectReason: String
        var positionID: UInt64, feeScheduleID: UInt64, placedSeq: UInt64, placedNs: Int64, seq: UInt64, timeNs: Int64
        /// Placed in this batch (a client order's id is its placement's sequence): an insert.
        /// Others (placed earlier, or an order the core derived) are upserted.
        var isNew = false
    }
    /// What one command did to one order: the states it went through, in order (a market
    /// order filled at once: pending, accepted, filling, filled), and where it ended.
    struct OrderChange {
        var orderID: UInt64, seq: UInt64, states: [String], filledVolume: Int64, fillPriceTicks: Int64, priceTicks: Int64
        var rejectReason: String, timeNs: Int64
    }
    /// A position opened in this batch, with everything later records of the batch did to it
    /// (one insert, no update).
    struct PositionOpened {
        var id: UInt64, account: UInt64, symbol: String, digits: Int, side: String, book: String, volume: Int64, openedVolume: Int64
        var openPriceTicks: Int64, averagePriceTicks: Int64, margin: Int64, seq: UInt64, timeNs: Int64
        var lastClosePriceTicks: Int64 = 0
        var closed = false
        var closeCause = ""
        var closedSeq: UInt64 = 0
        var closedNs: Int64 = 0
        var realizedPnl: Int64 = 0
        var commission: Int64 = 0
        var swap: Int64 = 0
        var swapSinceTrade: Int64 = 0
        var updatedSeq: UInt64
        var updatedNs: Int64
    }
    /// What a batch changed in a position opened before it. Sentinels: -1 volume or margin and
    /// 0 prices mean unchanged.
    struct PositionChange {
        var volume: Int64 = -1
        var margin: Int64 = -1
        var averagePriceTicks: Int64 = 0
        var lastClosePriceTicks: Int64 = 0
        var closed = false
        var closeCause = ""
        var closedSeq: UInt64 = 0
        var closedNs: Int64 = 0
        var realizedPnl: Int64 = 0
        var commission: Int64 = 0
        var swap: Int64 = 0
        /// A reduce or close happened in this batch: `swap_since_trade` becomes `swapAfterTrade`.
        var traded = false
        /// Swap booked after the batch's last reduce or close (all of it when none).
        var swapAfterTrade: Int64 = 0
        var seq: UInt64 = 0
        var timeNs: Int64 = 0
    }
    struct Trade {
        var seq: UInt64, n: Int, positionID: UInt64, orderID: UInt64, account: UInt64, symbol: String, digits: Int
        var side: String, book: String, change: String, cause: String, volume: Int64, priceTicks: Int64, realizedPnl: Int64
        var commission: Int64
        /// Swap booked in this batch since the position's previous reduce or close in it.
        var swap: Int64
        /// The first reduce or close in this batch of a position opened before it: add the
        /// swap the table held for it before the batch (`swap_since_trade_e8`).
        var addsStoredSwap: Bool
        var feeScheduleID: UInt64, timeNs: Int64
    }
    struct LedgerLeg {
        var entryID: UInt64, leg: Int16, ledgerAccount: String, account: UInt64?, amount: Int64, currency: String, kind: String
        var seq: UInt64, causeSeq: UInt64, reference: UInt64, detail: UInt64, timeNs: Int64
    }
    struct Decision {
        var orderID: UInt64, account: UInt64, symbol: String, side: String, orderType: String, volume: Int64, book: String
        var hedgeRatioPPM: UInt32, meta: [UInt8], feeScheduleID: UInt64, seq: UInt64, timeNs: Int64
    }
    struct Tick {
        var symbol: Int32, timeNs: Int64, seq: UInt64, bid: Int64, ask: Int64, bidVolume: Int64, askVolume: Int64
    }

    var symbols: [Symbol] = []
    var accountsOpened: [AccountOpened] = []
    var accountMoney = KeyedRows<UInt64, AccountMoney>()
    var accountStatus = KeyedRows<UInt64, AccountStatusChange>()
    var orders = KeyedRows<UInt64, Order>()
    var orderChanges: [OrderChange] = []
    var positionsOpened: [PositionOpened] = []
    var positionChanges = KeyedRows<UInt64, PositionChange>()
    var trades: [Trade] = []
    var ledger: [LedgerLeg] = []
    var decisions: [Decision] = []
    var ticks: [Tick] = []
    var bars = OHLCAccumulator()
    /// Days (since the epoch) the ticks fall on.
    var tickDays: Set<Int64> = []
    /// Symbol names by index, for ticks and bars.
    var symbolNames: [String] = []

    /// Rows in all tables (for the logs and the benchmark).
    var rowCount: Int {
        symbols.count + accountsOpened.count + accountMoney.count + accountStatus.count + orders.count + orderChanges.count
            + positionsOpened.count + positionChanges.count + trades.count + ledger.count + decisions.count + ticks.count + bars.bars.count
    }
}

/// Rows keyed by id, one per key, in order of first appearance (so statements are built in
/// a reproducible order).
struct KeyedRows<Key: Hashable, Row> {
    private(set) var keys: [Key] = []
    private var rows: [Key: Row] = [:]

    var count: Int { keys.count }

    subscript(key: Key) -> Row? { rows[key] }

    /// Changes the key's row, starting from `initial` when it has none yet.
    mutating func update(_ key: Key, initial: @autoclosure () -> Row, _ change: (inout Row) -> Void) {
        if rows[key] == nil {
            keys.append(key)
            rows[key] = initial()
        }
        change(&rows[key]!)
    }

    mutating func set(_ key: Key, _ row: Row) {
        if rows.updateValue(row, forKey: key) == nil { keys.append(key) }
    }

    var ordered: [(key: Key, row: Row)] { keys.map { ($0, rows[$0]!) } }
}
