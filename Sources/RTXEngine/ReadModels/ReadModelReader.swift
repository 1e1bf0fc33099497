import Foundation
import RTXStore

/// Reads one client account's closed trades and ledger entries back from the read models in
/// PostgreSQL (`rtx_trades`, `rtx_positions`, `rtx_ledger_entries`), for the HTTP API's
/// history and ledger. The rows are the projector's: they trail the core by the projector's
/// lag (`rtx status`: read_models_lag). Every value comes back as text exactly as stored
/// (fixed-point integers and their digits), never through floating point.
///
/// Thread: any (one connection, used by one caller at a time under a lock; reconnects after
/// a failure). Lifetime: the engine's.
public final class ReadModelReader: @unchecked Sendable {
    private let url: String
    private let lock = NSLock()
    private var connection: PostgresConnection?

    public init(url: String) { self.url = url }

    /// One row: column name → text (nil for SQL NULL).
    public typealias Row = [String: String?]

    /// Trades (fills, adds, reduces and closes) of the account, newest first, at most `limit`.
    public func trades(account: UInt64, limit: Int) throws -> [Row] {
        try query("""
            SELECT seq::text, n::text, position_id::text, order_id::text, symbol, digits::text, side, book, change, cause,
                   volume_e8::text, price_ticks::text, realized_pnl_e8::text, commission_e8::text, swap_e8::text,
                   (extract(epoch FROM time) * 1000)::bigint::text AS time_ms
            FROM rtx_trades WHERE account_id = $1 ORDER BY seq DESC, n DESC LIMIT $2
            """, account: account, limit: limit)
    }

    /// Closed positions of the account, newest first, at most `limit`.
    public func closedPositions(account: UInt64, limit: Int) throws -> [Row] {
        try query("""
            SELECT position_id::text, symbol, digits::text, side, book, opened_volume_e8::text, open_price_ticks::text,
                   last_close_price_ticks::text, realized_pnl_e8::text, commission_e8::text, swap_e8::text, close_cause,
                   (extract(epoch FROM opened_at) * 1000)::bigint::text AS opened_ms,
                   (extract(epoch FROM closed_at) * 1000)::bigint::text AS closed_ms
            FROM rtx_positions WHERE account_id = $1 AND status = 'closed' ORDER BY closed_seq DESC LIMIT $2
            """, account: account, limit: limit)
    }

    /// The account's own ledger legs (its balance and credit), newest first, at most `limit`.
    public func ledger(account: UInt64, limit: Int) throws -> [Row] {
        try query("""
            SELECT entry_id::text, leg::text, ledger_account, amount_e8::text, currency, kind, seq::text, cause_seq::text,
                   reference::text, (extract(epoch FROM time) * 1000)::bigint::text AS time_ms
            FROM rtx_ledger_entries WHERE account_id = $1 ORDER BY entry_id DESC, leg DESC LIMIT $2
            """, account: account, limit: limit)
    }

    private func query(_ sql: String, account: UInt64, limit: Int) throws -> [Row] {
        lock.lock()
        defer { lock.unlock() }
        do {
            return try run(sql, account: account, limit: limit)
        } catch {
            connection?.close()
            connection = nil
            return try run(sql, account: account, limit: limit)   // once more, on a fresh connection
        }
    }

    private func run(_ sql: String, account: UInt64, limit: Int) throws -> [Row] {
        if connection == nil {
            connection = try PostgresConnection(PostgresConfiguration(conninfo: url, connectTimeoutSeconds: 5, statementTimeoutMs: 5_000,
                                                                      applicationName: "rtx-api-reader"))
        }
        let result = try connection!.execute(sql, params: [.int64(Int64(bitPattern: account)), .int64(Int64(limit))], resultFormat: .text)
        var rows: [Row] = []
        rows.reserveCapacity(result.rowCount)
        for r in 0 ..< result.rowCount {
            var row: Row = [:]
            for c in 0 ..< result.columnCount {
                row[result.columnName(c)] = result.isNull(r, c) ? .some(nil) : .some(try result.text(r, c))
            }
            rows.append(row)
        }
        return rows
    }
}
