import RTXStore

/// Writes one `ReadModelBatch` and moves the projector's checkpoint, in ONE transaction: the
/// checkpoint row is updated first, and only from the sequence this writer last wrote (so a
/// second projector, or a stale one, is refused instead of writing twice), then every table
/// with one statement each, whatever the batch's size: new rows (order changes, trades,
/// ledger legs, ticks, positions and orders placed in the batch) with a binary `COPY`, the
/// rest with `INSERT ... SELECT FROM unnest(arrays)` (upserts, decision records, whose JSON
/// the server takes apart) or `UPDATE ... FROM unnest(arrays)`. A failure rolls everything
/// back: the rows and the checkpoint move together or not at all.
///
/// The session runs with `synchronous_commit = off`: a crash of the server may lose the last
/// projector commits, never part of one, and the projector then redoes them from the journal
/// (the read models are derived data; the journal is the system of record).
///
/// Thread: the projector's (it owns the connection).
struct ReadModelWriter {
    let connection: PostgresConnection
    /// Days whose tick partition is known to exist (filled after commits).
    private var knownDays: Set<Int64> = []

    init(connection: PostgresConnection) throws {
        self.connection = connection
        try connection.execute("SET synchronous_commit = off", doing: "set the projector's synchronous_commit")
    }

    /// The checkpoint: every journal record up to it is in the read models.
    func checkpoint() throws -> (sequence: UInt64, timeNs: Int64?) {
        let result = try connection.execute("""
            SELECT seq, (extract(epoch FROM journal_time) * 1000000)::int8 FROM rtx_projector WHERE name = $1
            """, params: [.text(ReadModelSchema.projectorName)], doing: "read the projector's checkpoint")
        guard result.rowCount == 1 else {
            throw ReadModelError("the projector's row '\(ReadModelSchema.projectorName)' is missing from rtx_projector (fix: INSERT INTO rtx_projector (name, seq) VALUES ('read_models', 0) after emptying the read-model tables)")
        }
        let micros: Int64? = result.isNull(0, 1) ? nil : try result.int64(0, 1)
        return (UInt64(try result.int64(0, 0)), micros.map { $0 * 1_000 })
    }

    /// Writes `batch`, which covers the journal records after `from` up to `to` (the last one
    /// journaled at `lastTimeNs`), and moves the checkpoint to `to`.
    mutating func write(_ batch: ReadModelBatch, from: UInt64, to: UInt64, lastTimeNs: Int64) throws {
        let newDays = batch.tickDays.subtracting(knownDays).sorted()
        try connection.transaction(doing: "project journal records \(from + 1)...\(to)") { db in
            let moved = try db.execute("""
                UPDATE rtx_projector SET seq = $1, journal_time = rtx_time($2), updated_at = now() WHERE name = $3 AND seq = $4
                """, params: [.int64(Int64(to)), .int64(lastTimeNs), .text(ReadModelSchema.projectorName), .int64(Int64(from))],
                                       doing: "move the projector's checkpoint from \(from) to \(to)")
            guard moved.affectedRows == 1 else {
                throw ReadModelError("the projector's checkpoint is no longer \(from): another projector writes this database (nothing of this batch was written)")
            }
            for day in newDays { try db.execute(TickPartitions.createStatement(day: day), doing: "create the tick partition \(TickPartitions.tableName(day: day))") }
            try Self.writeSymbols(batch, db)
            try Self.writeAccounts(batch, db)
            try Self.writeOrders(batch, db)
            try Self.writePositionsAndTrades(batch, db)
            try Self.writeLedger(batch, db)
            try Self.writeDecisions(batch, db)
            try Self.writeTicks(batch, db)
        }
        knownDays.formUnion(newDays)
    }

    // MARK: tables

    private static func writeSymbols(_ b: ReadModelBatch, _ db: PostgresConnection) throws {
        guard !b.symbols.isEmpty else { return }
        let r = b.symbols
        try db.execute("""
            INSERT INTO rtx_symbols (symbol, symbol_index, digits, contract_size_e8, margin_currency, profit_currency, defined_seq)
            SELECT convert_from(n, 'UTF8'), i, d, c, convert_from(m, 'UTF8'), convert_from(p, 'UTF8'), s
            FROM unnest($1::bytea[], $2::int8[], $3::int8[], $4::int8[], $5::bytea[], $6::bytea[], $7::int8[]) AS u(n, i, d, c, m, p, s)
            """, params: [text(r.map(\.name)), .int64Array(r.map { Int64($0.index) }), .int64Array(r.map { Int64($0.digits) }),
                          .int64Array(r.map(\.contractSizeE8)), text(r.map(\.marginCurrency)), text(r.map(\.profitCurrency)), ids(r.map(\.seq))],
                       doing: "write rtx_symbols")
    }

    private static func writeAccounts(_ b: ReadModelBatch, _ db: PostgresConnection) throws {
        if !b.accountsOpened.isEmpty {
            let r = b.accountsOpened
            try db.execute("""
                INSERT INTO rtx_accounts (account_id, group_name, currency, leverage, mode, status, opened_seq, opened_at, updated_seq, updated_at)
                SELECT a, convert_from(g, 'UTF8'), convert_from(c, 'UTF8'), l, convert_from(m, 'UTF8'), convert_from(st, 'UTF8'), s, rtx_time(t), s, rtx_time(t)
                FROM unnest($1::int8[], $2::bytea[], $3::bytea[], $4::int8[], $5::bytea[], $6::bytea[], $7::int8[], $8::int8[]) AS u(a, g, c, l, m, st, s, t)
                """, params: [ids(r.map(\.id)), text(r.map(\.group)), text(r.map(\.currency)), .int64Array(r.map(\.leverage)), text(r.map(\.mode)),
                              text(r.map(\.status)), ids(r.map(\.seq)), .int64Array(r.map(\.timeNs))], doing: "write new rtx_accounts")
        }
        if b.accountMoney.count > 0 {
            let r = b.accountMoney.ordered
            try db.execute("""
                UPDATE rtx_accounts a SET balance_e8 = u.b, credit_e8 = u.c, margin_e8 = u.m, updated_seq = u.s, updated_at = rtx_time(u.t)
                FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::int8[], $5::int8[], $6::int8[]) AS u(id, b, c, m, s, t)
                WHERE a.account_id = u.id
                """, params: [ids(r.map(\.key)), .int64Array(r.map(\.row.balance)), .int64Array(r.map(\.row.credit)), .int64Array(r.map(\.row.margin)),
                              ids(r.map(\.row.seq)), .int64Array(r.map(\.row.timeNs))], doing: "update rtx_accounts balances")
        }
        if b.accountStatus.count > 0 {
            let r = b.accountStatus.ordered
            try db.execute("""
                UPDATE rtx_accounts a SET status = convert_from(u.st, 'UTF8'), updated_seq = greatest(a.updated_seq, u.s),
                    updated_at = greatest(a.updated_at, rtx_time(u.t))
                FROM unnest($1::int8[], $2::bytea[], $3::int8[], $4::int8[]) AS u(id, st, s, t) WHERE a.account_id = u.id
                """, params: [ids(r.map(\.key)), text(r.map(\.row.status)), ids(r.map(\.row.seq)), .int64Array(r.map(\.row.timeNs))],
                           doing: "update rtx_accounts statuses")
        }
    }

    private static func writeOrders(_ b: ReadModelBatch, _ db: PostgresConnection) throws {
        let all = b.orders.ordered.map(\.row)
        let fresh = all.filter(\.isNew), r = all.filter { !$0.isNew }
        if !fresh.isEmpty {
            var c = PostgresCopyEncoder(fields: 20, capacity: fresh.count * 200)
            for o in fresh {
                c.row()
                c.int64(id(o.id)); c.int64(id(o.account)); c.textOrNull(o.clientOrderID); c.text(o.symbol); c.int16(Int16(o.digits))
                c.text(o.side); c.text(o.kind); c.text(o.book); c.int64(o.volume); c.int64(o.filledVolume); c.int64(nonZero(o.priceTicks))
                c.int64(nonZero(o.fillPriceTicks)); c.text(o.state); c.textOrNull(o.rejectReason); c.int64(nonZero(id(o.positionID)))
                c.int64(nonZero(id(o.feeScheduleID))); c.int64(id(o.placedSeq)); c.timestamp(ns: o.placedNs); c.int64(id(o.seq)); c.timestamp(ns: o.timeNs)
            }
            try db.copyIn("""
                COPY rtx_orders (order_id, account_id, client_order_id, symbol, digits, side, kind, book, volume_e8, filled_volume_e8, price_ticks,
                    fill_price_ticks, state, reject_reason, position_id, fee_schedule_id, placed_seq, placed_at, updated_seq, updated_at) FROM STDIN (FORMAT binary)
                """, data: c.finish(), doing: "copy new rtx_orders")
        }
        if !r.isEmpty {
            try db.execute("""
                INSERT INTO rtx_orders (order_id, account_id, client_order_id, symbol, digits, side, kind, book, volume_e8, filled_volume_e8,
                    price_ticks, fill_price_ticks, state, reject_reason, position_id, fee_schedule_id, placed_seq, placed_at, updated_seq, updated_at)
                SELECT id, a, NULLIF(convert_from(co, 'UTF8'), ''), convert_from(sy, 'UTF8'), d, convert_from(si, 'UTF8'), convert_from(k, 'UTF8'),
                    convert_from(bk, 'UTF8'), v, fv, NULLIF(p, 0), NULLIF(fp, 0), convert_from(st, 'UTF8'), NULLIF(convert_from(re, 'UTF8'), ''),
                    NULLIF(pos, 0), NULLIF(fs, 0), ps, rtx_time(pt), s, rtx_time(t)
                FROM unnest($1::int8[], $2::int8[], $3::bytea[], $4::bytea[], $5::int8[], $6::bytea[], $7::bytea[], $8::bytea[], $9::int8[],
                            $10::int8[], $11::int8[], $12::int8[], $13::bytea[], $14::bytea[], $15::int8[], $16::int8[], $17::int8[], $18::int8[],
                            $19::int8[], $20::int8[])
                    AS u(id, a, co, sy, d, si, k, bk, v, fv, p, fp, st, re, pos, fs, ps, pt, s, t)
                ON CONFLICT (order_id) DO UPDATE SET kind = EXCLUDED.kind, book = EXCLUDED.book, volume_e8 = EXCLUDED.volume_e8,
                    filled_volume_e8 = EXCLUDED.filled_volume_e8, price_ticks = coalesce(EXCLUDED.price_ticks, rtx_orders.price_ticks),
                    fill_price_ticks = coalesce(EXCLUDED.fill_price_ticks, rtx_orders.fill_price_ticks), state = EXCLUDED.state,
                    reject_reason = EXCLUDED.reject_reason, position_id = coalesce(EXCLUDED.position_id, rtx_orders.position_id),
                    fee_schedule_id = coalesce(EXCLUDED.fee_schedule_id, rtx_orders.fee_schedule_id),
                    updated_seq = EXCLUDED.updated_seq, updated_at = EXCLUDED.updated_at
                """, params: [ids(r.map(\.id)), ids(r.map(\.account)), text(r.map(\.clientOrderID)), text(r.map(\.symbol)),
                              .int64Array(r.map { Int64($0.digits) }), text(r.map(\.side)), text(r.map(\.kind)), text(r.map(\.book)),
                              .int64Array(r.map(\.volume)), .int64Array(r.map(\.filledVolume)), .int64Array(r.map(\.priceTicks)),
                              .int64Array(r.map(\.fillPriceTicks)), text(r.map(\.state)), text(r.map(\.rejectReason)), ids(r.map(\.positionID)),
                              ids(r.map(\.feeScheduleID)), ids(r.map(\.placedSeq)), .int64Array(r.map(\.placedNs)), ids(r.map(\.seq)),
                              .int64Array(r.map(\.timeNs))], doing: "upsert rtx_orders")
        }
        if !b.orderChanges.isEmpty {
            var c = PostgresCopyEncoder(fields: 9, capacity: b.orderChanges.count * 120)
            for o in b.orderChanges {
                c.row()
                c.int64(id(o.orderID)); c.int64(id(o.seq)); c.text(o.states.joined(separator: ",")); c.text(o.states.last ?? "")
                c.int64(o.filledVolume); c.int64(nonZero(o.fillPriceTicks)); c.int64(nonZero(o.priceTicks)); c.textOrNull(o.rejectReason); c.timestamp(ns: o.timeNs)
            }
            try db.copyIn("""
                COPY rtx_order_events (order_id, seq, states, state, filled_volume_e8, fill_price_ticks, price_ticks, reject_reason, time) FROM STDIN (FORMAT binary)
                """, data: c.finish(), doing: "copy rtx_order_events")
        }
    }

    /// New positions (with what the batch did to them), then the trades (whose swap adds what
    /// the row of a position opened earlier held before this batch), then the changes to
    /// positions opened earlier.
    private static func writePositionsAndTrades(_ b: ReadModelBatch, _ db: PostgresConnection) throws {
        if !b.positionsOpened.isEmpty {
            var c = PostgresCopyEncoder(fields: 24, capacity: b.positionsOpened.count * 240)
            for p in b.positionsOpened {
                c.row()
                c.int64(id(p.id)); c.int64(id(p.account)); c.text(p.symbol); c.int16(Int16(p.digits)); c.text(p.side); c.text(p.book)
                c.text(p.closed ? "closed" : "open"); c.int64(p.volume); c.int64(p.openedVolume); c.int64(p.openPriceTicks); c.int64(p.averagePriceTicks)
                c.int64(nonZero(p.lastClosePriceTicks)); c.int64(p.margin); c.int64(p.realizedPnl); c.int64(p.commission); c.int64(p.swap)
                c.int64(p.swapSinceTrade); c.textOrNull(p.closeCause); c.int64(id(p.seq)); c.timestamp(ns: p.timeNs)
                if p.closed { c.int64(id(p.closedSeq)); c.timestamp(ns: p.closedNs) } else { c.null(); c.null() }
                c.int64(id(p.updatedSeq)); c.timestamp(ns: p.updatedNs)
            }
            try db.copyIn("""
                COPY rtx_positions (position_id, account_id, symbol, digits, side, book, status, volume_e8, opened_volume_e8, open_price_ticks,
                    average_price_ticks, last_close_price_ticks, margin_e8, realized_pnl_e8, commission_e8, swap_e8, swap_since_trade_e8, close_cause,
                    opened_seq, opened_at, closed_seq, closed_at, updated_seq, updated_at) FROM STDIN (FORMAT binary)
                """, data: c.finish(), doing: "copy new rtx_positions")
        }
        if !b.trades.isEmpty {
            // The swap the table holds for positions opened earlier, for their first reduce or close here.
            var stored: [UInt64: Int64] = [:]
            let looked = b.trades.filter(\.addsStoredSwap).map(\.positionID)
            if !looked.isEmpty {
                let result = try db.execute("SELECT position_id, swap_since_trade_e8 FROM rtx_positions WHERE position_id = ANY($1) AND swap_since_trade_e8 <> 0",
                                            params: [ids(looked)], doing: "read the swap booked since the last trade")
                for row in 0 ..< result.rowCount { stored[UInt64(bitPattern: try result.int64(row, 0))] = try result.int64(row, 1) }
            }
            var c = PostgresCopyEncoder(fields: 18, capacity: b.trades.count * 200)
            for t in b.trades {
                c.row()
                c.int64(id(t.seq)); c.int32(Int32(t.n)); c.int64(id(t.positionID)); c.int64(nonZero(id(t.orderID))); c.int64(id(t.account))
                c.text(t.symbol); c.int16(Int16(t.digits)); c.text(t.side); c.text(t.book); c.text(t.change); c.text(t.cause); c.int64(t.volume)
                c.int64(t.priceTicks); c.int64(t.realizedPnl); c.int64(t.commission)
                c.int64(t.swap + (t.addsStoredSwap ? stored[t.positionID] ?? 0 : 0)); c.int64(nonZero(id(t.feeScheduleID))); c.timestamp(ns: t.timeNs)
            }
            try db.copyIn("""
                COPY rtx_trades (seq, n, position_id, order_id, account_id, symbol, digits, side, book, change, cause, volume_e8, price_ticks,
                    realized_pnl_e8, commission_e8, swap_e8, fee_schedule_id, time) FROM STDIN (FORMAT binary)
                """, data: c.finish(), doing: "copy rtx_trades")
        }
        if b.positionChanges.count > 0 {
            let keyed = b.positionChanges.ordered
            let r = keyed.map(\.row)
            try db.execute("""
                UPDATE rtx_positions p SET
                    volume_e8 = CASE WHEN u.v < 0 THEN p.volume_e8 ELSE u.v END,
                    margin_e8 = CASE WHEN u.m < 0 THEN p.margin_e8 ELSE u.m END,
                    average_price_ticks = CASE WHEN u.ap = 0 THEN p.average_price_ticks ELSE u.ap END,
                    last_close_price_ticks = CASE WHEN u.cp = 0 THEN p.last_close_price_ticks ELSE u.cp END,
                    status = CASE WHEN u.closed = 1 THEN 'closed' ELSE p.status END,
                    close_cause = CASE WHEN u.closed = 1 THEN convert_from(u.cc, 'UTF8') ELSE p.close_cause END,
                    closed_seq = CASE WHEN u.closed = 1 THEN u.cs ELSE p.closed_seq END,
                    closed_at = CASE WHEN u.closed = 1 THEN rtx_time(u.ct) ELSE p.closed_at END,
                    realized_pnl_e8 = p.realized_pnl_e8 + u.r,
                    commission_e8 = p.commission_e8 + u.c,
                    swap_e8 = p.swap_e8 + u.sw,
                    swap_since_trade_e8 = CASE WHEN u.traded = 1 THEN u.swa ELSE p.swap_since_trade_e8 + u.swa END,
                    updated_seq = u.s, updated_at = rtx_time(u.t)
                FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::int8[], $5::int8[], $6::int2[], $7::bytea[], $8::int8[], $9::int8[],
                            $10::int8[], $11::int8[], $12::int8[], $13::int2[], $14::int8[], $15::int8[], $16::int8[])
                    AS u(id, v, m, ap, cp, closed, cc, cs, ct, r, c, sw, traded, swa, s, t)
                WHERE p.position_id = u.id
                """, params: [ids(keyed.map(\.key)), .int64Array(r.map(\.volume)), .int64Array(r.map(\.margin)),
                              .int64Array(r.map(\.averagePriceTicks)), .int64Array(r.map(\.lastClosePriceTicks)),
                              .int16Array(r.map { $0.closed ? 1 : 0 }), text(r.map(\.closeCause)), ids(r.map(\.closedSeq)),
                              .int64Array(r.map(\.closedNs)), .int64Array(r.map(\.realizedPnl)), .int64Array(r.map(\.commission)),
                              .int64Array(r.map(\.swap)), .int16Array(r.map { $0.traded ? 1 : 0 }), .int64Array(r.map(\.swapAfterTrade)),
                              ids(r.map(\.seq)), .int64Array(r.map(\.timeNs))], doing: "update rtx_positions")
        }
    }

    private static func writeLedger(_ b: ReadModelBatch, _ db: PostgresConnection) throws {
        guard !b.ledger.isEmpty else { return }
        var c = PostgresCopyEncoder(fields: 12, capacity: b.ledger.count * 150)
        for l in b.ledger {
            c.row()
            c.int64(id(l.entryID)); c.int16(l.leg); c.text(l.ledgerAccount); c.int64(l.account.map(id)); c.int64(l.amount); c.text(l.currency)
            c.text(l.kind); c.int64(id(l.seq)); c.int64(id(l.causeSeq)); c.int64(nonZero(id(l.reference))); c.int64(nonZero(id(l.detail)))
            c.timestamp(ns: l.timeNs)
        }
        try db.copyIn("""
            COPY rtx_ledger_entries (entry_id, leg, ledger_account, account_id, amount_e8, currency, kind, seq, cause_seq, reference, detail, time)
            FROM STDIN (FORMAT binary)
            """, data: c.finish(), doing: "copy rtx_ledger_entries")
    }

    private static func writeDecisions(_ b: ReadModelBatch, _ db: PostgresConnection) throws {
        guard !b.decisions.isEmpty else { return }
        var c = PostgresCopyEncoder(fields: 12, capacity: b.decisions.reduce(0) { $0 + 120 + $1.meta.count })
        for d in b.decisions {
            c.row()
            c.int64(id(d.orderID)); c.int64(id(d.account)); c.text(d.symbol); c.text(d.side); c.text(d.orderType); c.int64(d.volume); c.text(d.book)
            c.int64(Int64(d.hedgeRatioPPM)); c.int64(nonZero(id(d.feeScheduleID))); c.int64(id(d.seq)); c.timestamp(ns: d.timeNs)
            if d.meta.isEmpty { c.null() } else { c.jsonb(d.meta) }
        }
        try db.copyIn("""
            COPY rtx_decision_records (order_id, account_id, symbol, side, order_type, volume_e8, book, hedge_ratio_ppm, fee_schedule_id, seq, time, decision)
            FROM STDIN (FORMAT binary)
            """, data: c.finish(), doing: "copy rtx_decision_records")
    }

    private static func writeTicks(_ b: ReadModelBatch, _ db: PostgresConnection) throws {
        if !b.ticks.isEmpty {
            var c = PostgresCopyEncoder(fields: 7, capacity: b.ticks.count * 80)
            for t in b.ticks {
                c.row()
                c.text(b.symbolNames[Int(t.symbol)]); c.timestamp(ns: t.timeNs); c.int64(id(t.seq)); c.int64(t.bid); c.int64(t.ask)
                c.int64(t.bidVolume); c.int64(t.askVolume)
            }
            try db.copyIn("COPY rtx_ticks (symbol, time, seq, bid_ticks, ask_ticks, bid_volume_e8, ask_volume_e8) FROM STDIN (FORMAT binary)",
                          data: c.finish(), doing: "copy rtx_ticks")
        }
        if !b.bars.isEmpty {
            let r = b.bars.bars
            try db.execute("""
                INSERT INTO rtx_ohlc (symbol, period, bucket, open_bid, high_bid, low_bid, close_bid, open_ask, high_ask, low_ask, close_ask,
                    tick_count, first_seq, last_seq)
                SELECT convert_from(sy, 'UTF8'), convert_from(pe, 'UTF8'), rtx_time(b), ob, hb, lb, cb, oa, ha, la, ca, n, fs, ls
                FROM unnest($1::bytea[], $2::bytea[], $3::int8[], $4::int8[], $5::int8[], $6::int8[], $7::int8[], $8::int8[], $9::int8[],
                            $10::int8[], $11::int8[], $12::int8[], $13::int8[], $14::int8[]) AS u(sy, pe, b, ob, hb, lb, cb, oa, ha, la, ca, n, fs, ls)
                ON CONFLICT (symbol, period, bucket) DO UPDATE SET
                    high_bid = greatest(rtx_ohlc.high_bid, EXCLUDED.high_bid), low_bid = least(rtx_ohlc.low_bid, EXCLUDED.low_bid),
                    close_bid = EXCLUDED.close_bid,
                    high_ask = greatest(rtx_ohlc.high_ask, EXCLUDED.high_ask), low_ask = least(rtx_ohlc.low_ask, EXCLUDED.low_ask),
                    close_ask = EXCLUDED.close_ask,
                    tick_count = rtx_ohlc.tick_count + EXCLUDED.tick_count, last_seq = EXCLUDED.last_seq
                """, params: [text(r.map { b.symbolNames[Int($0.symbol)] }), text(r.map(\.period.name)), .int64Array(r.map(\.bucketStartNs)),
                              .int64Array(r.map(\.bid.open)), .int64Array(r.map(\.bid.high)), .int64Array(r.map(\.bid.low)), .int64Array(r.map(\.bid.close)),
                              .int64Array(r.map(\.ask.open)), .int64Array(r.map(\.ask.high)), .int64Array(r.map(\.ask.low)), .int64Array(r.map(\.ask.close)),
                              .int64Array(r.map(\.ticks)), ids(r.map(\.firstSequence)), ids(r.map(\.lastSequence))], doing: "upsert rtx_ohlc")
        }
    }

    // MARK: parameters

    /// Text travels as `bytea[]` of UTF-8 and becomes text with `convert_from(x, 'UTF8')` (no
    /// quoting or escaping anywhere).
    private static func text(_ values: [String]) -> PostgresValue { .bytesArray(values.map { Array($0.utf8) }) }

    /// The core's UInt64 ids as bigint (bit pattern: ids with the top bit set read negative).
    private static func ids(_ values: [UInt64]) -> PostgresValue { .int64Array(values.map { Int64(bitPattern: $0) }) }

    private static func id(_ v: UInt64) -> Int64 { Int64(bitPattern: v) }

    /// NULL for 0 (no price, no position, no fee schedule).
    private static func nonZero(_ v: Int64) -> Int64? { v == 0 ? nil : v }
}

/// A read-model problem the projector reports (then retries from its checkpoint).
struct ReadModelError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
