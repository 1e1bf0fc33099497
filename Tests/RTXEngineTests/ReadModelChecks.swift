import Foundation
import RTXCore
import RTXEngine
import RTXStore
import Testing

/// What a journal holds, replayed by the test itself with a fresh core (independent of the
/// projector's code): the counts every read-model table must have, and the core's state.
struct JournalTally {
    var core = TradingCore()
    var lastSequence: UInt64 = 0
    var quotes = 0
    /// Order events (state changes), and (order, journal record) pairs they fall in.
    var orderEvents = 0
    var orderChanges = 0
    var orderIDs = Set<UInt64>()
    var trades = 0
    var ledgerEntries = 0
    var decisions = 0
    var placedOrderIDs: [UInt64] = []

    mutating func apply(_ envelope: Envelope) {
        core.apply(envelope)
        lastSequence = envelope.sequence
        let events = core.events
        let rejected = events.contains { if case .commandRejected = $0 { true } else { false } }
        switch envelope.command {
        case .quote: if !rejected { quotes += 1 }
        case .placeMarketOrder, .placePendingOrder:
            if events.contains(where: { if case .order(let o) = $0 { o.orderID == envelope.sequence } else { false } }) {
                decisions += 1
                placedOrderIDs.append(envelope.sequence)
            }
        default: break
        }
        var ordersOfCommand = Set<UInt64>()
        for event in events {
            switch event {
            case .order(let o), .pendingOrderModified(let o):
                orderEvents += 1
                orderIDs.insert(o.orderID)
                if ordersOfCommand.insert(o.orderID).inserted { orderChanges += 1 }
            case .position: trades += 1
            case .ledger: ledgerEntries += 1
            default: break
            }
        }
    }

    /// Replays the journal of the database at `url`, up to `through` (all of it by default).
    static func replay(url: String, through: UInt64 = .max) throws -> JournalTally {
        let journal = try PostgresJournal(url: url)
        defer { journal.store.connection.close() }
        var tally = JournalTally()
        var after: UInt64 = 0
        while true {
            let page = try journal.read(after: after, limit: 5_000)
            guard !page.isEmpty, after < through else { break }
            for record in page where record.sequence <= through {
                var reader = BinaryReader(record.command, offset: 0)
                tally.apply(try CommandCodec.decode(from: &reader))
                after = record.sequence
            }
        }
        return tally
    }
}

/// Checks the read-model tables against a replay of the journal: every table has exactly the
/// rows the journal's events call for (nothing twice, nothing missing), the ledger legs sum
/// to the core's balances, and the OHLC bars equal bars recomputed in SQL from the stored
/// ticks (`date_bin`, `array_agg` ordered by time and sequence: an implementation
/// independent of the projector's).
enum ReadModelChecks {
    static func int(_ db: PostgresConnection, _ sql: String) throws -> Int64 {
        let result = try db.execute(sql)
        return result.isNull(0, 0) ? 0 : try result.int64(0, 0)
    }

    static let recomputedBars = """
        SELECT t.symbol, p.name AS period, date_bin(p.width, t.time, timestamptz '1970-01-01 00:00:00+00') AS bucket,
            (array_agg(t.bid_ticks ORDER BY t.time, t.seq))[1] AS open_bid, max(t.bid_ticks) AS high_bid, min(t.bid_ticks) AS low_bid,
            (array_agg(t.bid_ticks ORDER BY t.time DESC, t.seq DESC))[1] AS close_bid,
            (array_agg(t.ask_ticks ORDER BY t.time, t.seq))[1] AS open_ask, max(t.ask_ticks) AS high_ask, min(t.ask_ticks) AS low_ask,
            (array_agg(t.ask_ticks ORDER BY t.time DESC, t.seq DESC))[1] AS close_ask,
            count(*) AS tick_count, min(t.seq) AS first_seq, max(t.seq) AS last_seq
        FROM rtx_ticks t
        CROSS JOIN (VALUES ('1m', interval '1 minute'), ('5m', interval '5 minutes'), ('1h', interval '1 hour'), ('1d', interval '1 day')) AS p(name, width)
        GROUP BY 1, 2, 3
        """
    static let storedBars = """
        SELECT symbol, period, bucket, open_bid, high_bid, low_bid, close_bid, open_ask, high_ask, low_ask, close_ask, tick_count, first_seq, last_seq
        FROM rtx_ohlc
        """

    /// Bars in `rtx_ohlc` that differ from the recomputation, both ways, and how many are stored.
    static func barDifferences(_ db: PostgresConnection) throws -> (storedOnly: Int64, recomputedOnly: Int64, stored: Int64) {
        (try int(db, "SELECT count(*) FROM (\(storedBars) EXCEPT \(recomputedBars)) d"),
         try int(db, "SELECT count(*) FROM (\(recomputedBars) EXCEPT \(storedBars)) d"),
         try int(db, "SELECT count(*) FROM rtx_ohlc"))
    }

    static func verify(_ tally: JournalTally, url: String, accounts: [(AccountID, Currency)]) throws {
        let db = try PostgresConnection(url: url)
        defer { db.close() }
        #expect(try int(db, "SELECT seq FROM rtx_projector WHERE name = 'read_models'") == Int64(tally.lastSequence))
        #expect(try int(db, "SELECT count(*) FROM rtx_ticks") == Int64(tally.quotes))
        #expect(try int(db, "SELECT count(DISTINCT seq) FROM rtx_ticks") == Int64(tally.quotes))
        #expect(try int(db, "SELECT count(*) FROM rtx_order_events") == Int64(tally.orderChanges))
        #expect(try int(db, "SELECT sum(cardinality(string_to_array(states, ','))) FROM rtx_order_events") == Int64(tally.orderEvents))
        #expect(try int(db, "SELECT count(*) FROM rtx_order_events e JOIN rtx_orders o USING (order_id) WHERE e.seq = o.updated_seq AND e.state <> o.state AND e.state <> 'modified'") == 0)
        #expect(try int(db, "SELECT count(*) FROM rtx_orders") == Int64(tally.orderIDs.count))
        #expect(try int(db, "SELECT count(*) FROM rtx_trades") == Int64(tally.trades))
        #expect(try int(db, "SELECT count(*) FROM rtx_ledger_entries") == Int64(2 * tally.ledgerEntries))
        #expect(try int(db, "SELECT count(DISTINCT entry_id) FROM rtx_ledger_entries") == Int64(tally.ledgerEntries))
        #expect(try int(db, "SELECT count(*) FROM rtx_decision_records") == Int64(tally.decisions))
        #expect(try int(db, "SELECT count(*) FROM (SELECT entry_id FROM rtx_ledger_entries GROUP BY entry_id HAVING sum(amount_e8) <> 0 OR count(*) <> 2) e") == 0)
        #expect(try int(db, "SELECT count(*) FROM rtx_accounts") == Int64(tally.core.accountCount))
        for (id, currency) in accounts {
            let balance = tally.core.ledgerBalance(.clientBalance(id), currency: currency)
            let credit = tally.core.ledgerBalance(.clientCredit(id), currency: currency)
            #expect(try int(db, "SELECT sum(amount_e8) FROM rtx_ledger_entries WHERE ledger_account = 'balance:\(id)'") == balance, "ledger of \(id)")
            #expect(try int(db, "SELECT sum(amount_e8) FROM rtx_ledger_entries WHERE account_id = \(id) AND ledger_account LIKE 'credit:%'") == credit)
            #expect(try int(db, "SELECT balance_e8 FROM rtx_accounts WHERE account_id = \(id)") == balance, "rtx_accounts.balance_e8 of \(id)")
            #expect(try int(db, "SELECT credit_e8 FROM rtx_accounts WHERE account_id = \(id)") == credit)
            let open = tally.core.positions(of: id)
            #expect(try int(db, "SELECT count(*) FROM rtx_positions WHERE account_id = \(id) AND status = 'open'") == Int64(open.count))
            #expect(try int(db, "SELECT sum(volume_e8) FROM rtx_positions WHERE account_id = \(id) AND status = 'open'") == open.reduce(0) { $0 + $1.volume })
            #expect(try int(db, "SELECT count(*) FROM rtx_positions WHERE account_id = \(id) AND status = 'closed' AND volume_e8 <> 0") == 0)
            // Realized P&L in positions and trades is what the ledger booked as realized P&L.
            let realizedLedger = try int(db, "SELECT sum(amount_e8) FROM rtx_ledger_entries WHERE ledger_account = 'balance:\(id)' AND kind = 'realized_pnl'")
            #expect(try int(db, "SELECT sum(realized_pnl_e8) FROM rtx_trades WHERE account_id = \(id)") == realizedLedger)
            #expect(try int(db, "SELECT sum(realized_pnl_e8) FROM rtx_positions WHERE account_id = \(id)") == realizedLedger)
            let commissionLedger = try int(db, "SELECT -sum(amount_e8) FROM rtx_ledger_entries WHERE ledger_account = 'balance:\(id)' AND kind = 'commission'")
            #expect(try int(db, "SELECT sum(commission_e8) FROM rtx_positions WHERE account_id = \(id)") == commissionLedger)
        }
        let bars = try barDifferences(db)
        #expect(bars.storedOnly == 0 && bars.recomputedOnly == 0, "OHLC bars differ from the recomputation: \(bars)")
        #expect(tally.quotes == 0 || bars.stored > 0)
    }
}
