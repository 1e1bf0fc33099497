import Foundation
import Hummingbird
import RTXCore
import RTXEngine

/// Orders of the token's own account: `POST /api/v1/orders` (market or pending), `GET
/// /api/v1/orders` (pending orders), `PATCH /api/v1/orders/{id}` (modify), `DELETE
/// /api/v1/orders/{id}` (cancel).
///
/// POST body (every value a JSON string): `symbol`, `side` (buy | sell), `volume` (lots, e.g.
/// "0.10"), `client_order_id` (1 to 32 bytes; a repeat answers the first order: the core
/// remembers it); `type` market (default), limit, stop or stop_limit; market: optional `fill`
/// (fok | ioc), `price` and `deviation`; pending: `price` (required), `limit_price`
/// (stop_limit), `expires_in_ms`; both: `sl`, `tp`, `trailing` (prices at the symbol's
/// digits) and `account` (must be the token's). The volume is checked against the symbol's
/// minimum, maximum and step before anything reaches the engine. Answers 200 with the
/// journal sequence and the core's events, 409 with the core's reason when it rejected the
/// order, 422 naming a bad field, 404 for an order id the account does not have.
extension APIServer {
    static let orderKeys: Set<String> = ["account", "symbol", "side", "volume", "client_order_id", "type", "sl", "tp", "trailing", "fill",
                                         "price", "deviation", "limit_price", "expires_in_ms"]
    static let modifyOrderKeys: Set<String> = ["account", "price", "limit_price", "expires_in_ms", "sl", "tp", "trailing"]

    func addOrderRoutes(to router: Router<APIRequestContext>) {
        add(router, .get, "/api/v1/orders") { [self] request, _ -> Response in
            let account = try await ownAccount(request, requested: Self.queryAccount(request))
            let facts = try await calls.run { [engine] in
                engine.read { core in
                    core.pendingOrders(of: account).map { o in (o, core.symbolSpec(o.request.symbol)?.name ?? "?", core.symbolSpec(o.request.symbol)?.digits ?? 5) }
                }
            }
            guard let facts else { throw APIError.refused(.notRunning) }
            var json = JSONText(capacity: 256 + 400 * facts.count)
            json.beginObject()
            json.beginArray("orders")
            for (o, name, d) in facts {
                let r = o.request
                let price = { (v: Int64) in DecimalText.format(v, digits: d) }
                json.beginObject()
                json.field("id", o.id)
                if !r.clientOrderID.isNone { json.field("client_order_id", "\(r.clientOrderID)") }
                json.field("symbol", name)
                json.field("side", r.side == .buy ? "buy" : "sell")
                let type: String = switch r.type { case .limit: "limit"; case .stop: "stop"; case .stopLimit: "stop_limit" }
                json.field("type", type)
                json.field("volume", DecimalText.formatTrimmed(r.volume, digits: 8))
                json.field("price", price(r.priceTicks))
                if r.limitPriceTicks > 0 { json.field("limit_price", price(r.limitPriceTicks)) }
                if r.expiresAtNs > 0 { json.field("expires_at_ms", "\(r.expiresAtNs / 1_000_000)") }
                if r.protection.stopLossTicks > 0 { json.field("sl", price(r.protection.stopLossTicks)) }
                if r.protection.takeProfitTicks > 0 { json.field("tp", price(r.protection.takeProfitTicks)) }
                if r.protection.trailingDistanceTicks > 0 { json.field("trailing", price(r.protection.trailingDistanceTicks)) }
                json.field("stop_triggered", o.stopTriggered)
                json.endObject()
            }
            json.endArray()
            json.endObject()
            return JSONResponse.make(.ok, json.bytes)
        }

        add(router, .post, "/api/v1/orders") { [self] request, _ -> Response in
            var body = try await JSONRequest.object(request, maxBytes: settings.maxBodyBytes)
            let account = try await ownAccount(request, requested: try Self.bodyAccount(body))
            try Self.checkKeys(body, Self.orderKeys)
            guard body["client_order_id"] != nil else {
                throw APIError(.unprocessableContent, "invalid_field", "missing \"client_order_id\" (1 to 32 bytes, unique per order)", field: "client_order_id")
            }
            let type: String
            switch body["type"] {
            case nil: type = "market"
            case let t as String: type = t
            default: throw APIError(.unprocessableContent, "invalid_field", "\"type\" must be a string", field: "type")
            }
            if type != "market" {
                for key in ["fill", "deviation"] where body[key] != nil {
                    throw APIError(.unprocessableContent, "invalid_field", "\"\(key)\" applies to market orders only", field: key)
                }
                if type != "stop_limit", body["limit_price"] != nil {
                    throw APIError(.unprocessableContent, "invalid_field", "\"limit_price\" applies to stop_limit orders only", field: "limit_price")
                }
            } else {
                for key in ["limit_price", "expires_in_ms"] where body[key] != nil {
                    throw APIError(.unprocessableContent, "invalid_field", "\"\(key)\" applies to pending orders only (type limit, stop or stop_limit)", field: key)
                }
            }
            body["account"] = String(account)
            let parser = self.parser
            let engine = self.engine
            // Parsing reads the market view only (no wait for the core thread), so it runs here;
            // the order's wait for its journal commit and core answer holds no thread.
            let command: Command
            do { command = type == "market" ? try parser.marketOrder(body) : try parser.pendingOrder(body) } catch let e as RequestFieldError { throw APIError.invalid(e) }
            switch command {
            case .placeMarketOrder(let order): try Self.checkVolume(order.volume, symbol: order.symbol, engine: engine)
            case .placePendingOrder(let order): try Self.checkVolume(order.volume, symbol: order.symbol, engine: engine)
            default: break
            }
            let outcome = try await calls.submit(command, to: engine, waitMs: Self.replyWaitMs)
            return try Self.outcomeResponse(outcome, engine: engine)
        }

        add(router, .patch, "/api/v1/orders/{id}") { [self] request, context -> Response in
            let id = try Self.pathID(context)
            let body = try await JSONRequest.object(request, maxBytes: settings.maxBodyBytes)
            let account = try await ownAccount(request, requested: try Self.bodyAccount(body))
            try Self.checkKeys(body, Self.modifyOrderKeys)
            let parser = self.parser
            let engine = self.engine
            let sendable = SendableBody(body)
            let outcome = try await calls.run { () throws -> Reply.Outcome in
                guard let order = engine.read({ core in core.pendingOrders(of: account).first { $0.id == id } }) ?? nil else {
                    throw APIError(.notFound, "unknown_order", "account \(account) has no pending order \(id)", field: "id")
                }
                let r = sendable.value
                let current = order.request
                let digits = engine.view.symbol(current.symbol)?.digits ?? 5
                func price(_ key: String, _ old: Int64) throws -> Int64 {
                    guard r[key] != nil else { return old }
                    do { return try parser.decimal(r, key, digits: digits) } catch let e as RequestFieldError { throw APIError.invalid(e) }
                }
                var expires = current.expiresAtNs
                if r["expires_in_ms"] != nil {
                    guard let text = r["expires_in_ms"] as? String, let ms = Int64(text), ms >= 0, ms < 10 * 365 * 86_400_000 else {
                        throw APIError(.unprocessableContent, "invalid_field", "\"expires_in_ms\" must be a whole number of ms as a string (\"0\": till cancelled)", field: "expires_in_ms")
                    }
                    expires = ms == 0 ? 0 : EngineClock.wallNs() / 1_000_000 * 1_000_000 + ms * 1_000_000
                }
                let protection = Protection(stopLossTicks: try price("sl", current.protection.stopLossTicks),
                                            takeProfitTicks: try price("tp", current.protection.takeProfitTicks),
                                            trailingDistanceTicks: try price("trailing", current.protection.trailingDistanceTicks))
                let command = Command.modifyPendingOrder(account: account, order: id, priceTicks: try price("price", current.priceTicks),
                                                         limitPriceTicks: try price("limit_price", current.limitPriceTicks),
                                                         protection: protection, expiresAtNs: expires)
                return engine.submit(command, waitMs: Self.replyWaitMs)
            }
            return try Self.outcomeResponse(outcome, engine: engine)
        }

        add(router, .delete, "/api/v1/orders/{id}") { [self] request, context -> Response in
            let id = try Self.pathID(context)
            let account = try await ownAccount(request, requested: Self.queryAccount(request))
            let engine = self.engine
            let outcome = try await calls.run { () throws -> Reply.Outcome in
                guard engine.read({ core in core.pendingOrders(of: account).contains { $0.id == id } }) == true else {
                    throw APIError(.notFound, "unknown_order", "account \(account) has no pending order \(id)", field: "id")
                }
                return engine.submit(.cancelPendingOrder(account: account, order: id), waitMs: Self.replyWaitMs)
            }
            return try Self.outcomeResponse(outcome, engine: engine)
        }
    }

    /// Longest wait for the engine's answer to an order, ms.
    static let replyWaitMs: Int64 = 10_000

    /// 422 naming `volume` when it is below the symbol's minimum, above its maximum or off its step.
    static func checkVolume(_ volume: Int64, symbol: SymbolIndex, engine: Engine) throws {
        guard let spec = engine.view.symbol(symbol) else { return }
        let lots = { (v: Int64) in DecimalText.formatTrimmed(v, digits: 8) }
        if volume < spec.volumeMin || volume > spec.volumeMax {
            throw APIError(.unprocessableContent, "invalid_field",
                           "\"volume\" must be from \(lots(spec.volumeMin)) to \(lots(spec.volumeMax)) lots for \(spec.name)", field: "volume")
        }
        if volume % spec.volumeStep != 0 {
            throw APIError(.unprocessableContent, "invalid_field", "\"volume\" must be a multiple of \(lots(spec.volumeStep)) lots for \(spec.name)", field: "volume")
        }
    }
}

/// A decoded JSON body handed to the engine-call queue (JSONSerialization's values are
/// immutable Foundation objects, never shared for writing).
struct SendableBody: @unchecked Sendable {
    let value: [String: Any]
    init(_ value: [String: Any]) { self.value = value }
}
