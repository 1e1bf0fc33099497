import Hummingbird
import RTXCore
import RTXEngine

/// `GET /api/v1/history` and `GET /api/v1/ledger`: read from the read models in PostgreSQL
/// (`rtx_trades`, `rtx_positions`, `rtx_ledger_entries`), which the projector fills from the
/// journal — the core keeps no closed trades. They trail the core by the projector's lag; the
/// answer carries `read_models_checkpoint` (the last journal sequence they include). 503
/// `read_models_unavailable` when the engine runs without read models.
extension APIServer {
    func addHistoryRoutes(to router: Router<APIRequestContext>, history: HistoryReader) {
        add(router, .get, "/api/v1/history") { [self] request, _ -> Response in
            let account = try await ownAccount(request, requested: Self.queryAccount(request))
            let limit = try Self.limit(request)
            let reader = try Self.readModels(history)
            let engine = self.engine
            let (checkpoint, trades, closed) = try await calls.run { () throws -> (UInt64, [ReadModelReader.Row], [ReadModelReader.Row]) in
                let checkpoint = engine.status().projectorCheckpoint
                do { return (checkpoint, try reader.trades(account: account, limit: limit), try reader.closedPositions(account: account, limit: limit)) } catch {
                    throw APIError(.serviceUnavailable, "read_models_unavailable", "the read models cannot be read now; try again shortly")
                }
            }
            var json = JSONText(capacity: 512 + 400 * (trades.count + closed.count))
            json.beginObject()
            json.field("read_models_checkpoint", checkpoint)
            json.beginArray("trades")
            for t in trades {
                let d = Int(t["digits"].flatMap { $0 } ?? "5") ?? 5
                json.beginObject()
                json.field("sequence", Self.cell(t, "seq"))
                json.field("position", Self.cell(t, "position_id"))
                if let order = t["order_id"] ?? nil { json.field("order", order) }
                json.field("symbol", Self.cell(t, "symbol"))
                json.field("side", Self.cell(t, "side"))
                json.field("book", Self.cell(t, "book"))
                json.field("change", Self.cell(t, "change"))
                json.field("cause", Self.cell(t, "cause"))
                json.field("volume", Self.fixed(t, "volume_e8", 8, trimmed: true))
                json.field("price", Self.fixed(t, "price_ticks", d))
                json.field("realized_pnl", Self.fixed(t, "realized_pnl_e8", 8))
                json.field("commission", Self.fixed(t, "commission_e8", 8))
                json.field("swap", Self.fixed(t, "swap_e8", 8))
                json.field("time_ms", Self.cell(t, "time_ms"))
                json.endObject()
            }
            json.endArray()
            json.beginArray("closed_positions")
            for p in closed {
                let d = Int(p["digits"].flatMap { $0 } ?? "5") ?? 5
                json.beginObject()
                json.field("id", Self.cell(p, "position_id"))
                json.field("symbol", Self.cell(p, "symbol"))
                json.field("side", Self.cell(p, "side"))
                json.field("book", Self.cell(p, "book"))
                json.field("volume", Self.fixed(p, "opened_volume_e8", 8, trimmed: true))
                json.field("open_price", Self.fixed(p, "open_price_ticks", d))
                json.field("close_price", Self.fixed(p, "last_close_price_ticks", d))
                json.field("realized_pnl", Self.fixed(p, "realized_pnl_e8", 8))
                json.field("commission", Self.fixed(p, "commission_e8", 8))
                json.field("swap", Self.fixed(p, "swap_e8", 8))
                json.field("close_cause", Self.cell(p, "close_cause"))
                json.field("opened_ms", Self.cell(p, "opened_ms"))
                json.field("closed_ms", Self.cell(p, "closed_ms"))
                json.endObject()
            }
            json.endArray()
            json.endObject()
            return JSONResponse.make(.ok, json.bytes)
        }

        add(router, .get, "/api/v1/ledger") { [self] request, _ -> Response in
            let account = try await ownAccount(request, requested: Self.queryAccount(request))
            let limit = try Self.limit(request)
            let reader = try Self.readModels(history)
            let engine = self.engine
            let (checkpoint, rows) = try await calls.run { () throws -> (UInt64, [ReadModelReader.Row]) in
                let checkpoint = engine.status().projectorCheckpoint
                do { return (checkpoint, try reader.ledger(account: account, limit: limit)) } catch {
                    throw APIError(.serviceUnavailable, "read_models_unavailable", "the read models cannot be read now; try again shortly")
                }
            }
            var json = JSONText(capacity: 512 + 300 * rows.count)
            json.beginObject()
            json.field("read_models_checkpoint", checkpoint)
            json.beginArray("entries")
            for e in rows {
                json.beginObject()
                json.field("entry", Self.cell(e, "entry_id"))
                json.field("leg", Self.cell(e, "leg"))
                json.field("ledger_account", Self.cell(e, "ledger_account"))
                json.field("kind", Self.cell(e, "kind"))
                json.field("amount", Self.fixed(e, "amount_e8", 8))
                json.field("currency", Self.cell(e, "currency"))
                json.field("sequence", Self.cell(e, "seq"))
                json.field("cause", Self.cell(e, "cause_seq"))
                if let reference = e["reference"] ?? nil { json.field("reference", reference) }
                json.field("time_ms", Self.cell(e, "time_ms"))
                json.endObject()
            }
            json.endArray()
            json.endObject()
            return JSONResponse.make(.ok, json.bytes)
        }
    }

    /// The read-model reader; 503 when the engine has no read models.
    static func readModels(_ history: HistoryReader) throws -> ReadModelReader {
        guard let reader = history.reader else {
            throw APIError(.serviceUnavailable, "read_models_unavailable", "this engine runs without read models (read_models.enabled, a PostgreSQL journal)")
        }
        return reader
    }

    /// `limit` query: 1 to 1000, default 100.
    static func limit(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters["limit"] else { return 100 }
        guard let n = Int(text), (1 ... 1_000).contains(n) else {
            throw APIError(.unprocessableContent, "invalid_field", "\"limit\" must be a whole number from 1 to 1000", field: "limit")
        }
        return n
    }

    static func cell(_ row: ReadModelReader.Row, _ key: String) -> String { (row[key] ?? nil) ?? "" }

    /// A fixed-point integer column as a decimal string ("" for NULL).
    static func fixed(_ row: ReadModelReader.Row, _ key: String, _ digits: Int, trimmed: Bool = false) -> String {
        guard let text = row[key] ?? nil, let v = Int64(text) else { return "" }
        return trimmed ? DecimalText.formatTrimmed(v, digits: digits) : DecimalText.format(v, digits: digits)
    }
}

/// The server's read-model reader, made with the router (nil without read models).
final class HistoryReader: Sendable {
    let reader: ReadModelReader?
    init(engine: Engine) { reader = engine.projector.map { ReadModelReader(url: $0.url) } }
}
