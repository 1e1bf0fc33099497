import Foundation
import Testing

/// The rest of the client HTTP API against `rtx run` (real engine, PostgreSQL journal and
/// read models, the synthetic LP) over real HTTP: symbols, quotes, pending orders placed,
/// listed, modified and cancelled; idempotent repeats; partial and full closes; SL/TP;
/// history and ledger from the read models; another account's token refused on every route;
/// bad input naming the field and changing nothing; `/openapi.json` against the router's table.
@Suite(.serialized) struct ClientAPIRoutesTests {
    typealias API = ClientAPITests

    static func events(_ a: HTTPTestClient.Answer) -> [[String: Any]] { a.json["events"] as? [[String: Any]] ?? [] }
    static func orderID(_ a: HTTPTestClient.Answer) -> Int? { events(a).first { ($0["type"] as? String)?.hasPrefix("order") == true }?["order"] as? Int }
    static func positionID(_ a: HTTPTestClient.Answer) -> Int? { events(a).first { $0["type"] as? String == "position" }?["position"] as? Int }
    static func price(_ v: Double) -> String { String(format: "%.5f", v) }

    @Test func routesEndToEnd() throws {
        let (engine, api) = try API.start("client-api-routes")
        defer { engine.cleanUp() }
        var token = try API.login(api, "trader1", "pass-2001").access
        for _ in 0 ..< 100 {
            if try API.summary(api, token)["balance"] != nil { break }
            usleep(100_000)
        }
        let other = try API.login(api, "trader2", "pass-2002").access

        // /openapi.json: OpenAPI 3.1; its routes are the router's routes, and each answers (no 404 "no route").
        let doc = try api.send("GET", "/openapi.json")
        #expect(doc.status == 200 && doc.json["openapi"] as? String == "3.1.0", "\(doc.status)")
        let paths = doc.json["paths"] as? [String: [String: Any]] ?? [:]
        let documented = Set(paths.flatMap { path, ops in ops.keys.map { "\($0.uppercased()) \(path)" } })
        let routerTable = Set(doc.json["x-rtx-router-routes"] as? [String] ?? [])
        #expect(!documented.isEmpty && documented == routerTable,
                "only documented: \(documented.subtracting(routerTable).sorted()); only in the router: \(routerTable.subtracting(documented).sorted())")
        // The WebSocket is named in the document, at the path that upgrades.
        let websocket = doc.json["x-rtx-websocket"] as? [String: Any]
        #expect(websocket?["path"] as? String == "/api/v1/stream", "\(String(describing: websocket))")
        // The trader page's static files are the one deliberate exclusion (not API), listed apart.
        #expect(Set(doc.json["x-rtx-page-routes"] as? [String] ?? []) == ["GET /", "GET /app/{file}"], "\(doc.json["x-rtx-page-routes"] ?? "none")")
        for route in documented.sorted() {
            let parts = route.split(separator: " ")
            let path = String(parts[1]).replacingOccurrences(of: "{id}", with: "999999")
            let answer = try api.send(String(parts[0]), path, token: token, raw: parts[0] == "GET" || parts[0] == "DELETE" ? nil : "{}")
            #expect(answer.status != 405 && answer.error.code != "not_found" && answer.status < 500, "\(route): \(answer.status) \(answer.text)")
        }

        // Symbols and quotes (decimal strings).
        let symbols = try api.send("GET", "/api/v1/symbols", token: token)
        let eurusd = (symbols.json["symbols"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "EURUSD" }
        #expect(symbols.status == 200 && eurusd?["digits"] as? Int == 5 && eurusd?["volume_step"] is String
                && eurusd?["volume_min"] is String && eurusd?["contract_size"] is String && eurusd?["trading_state"] as? String == "full", "\(symbols.text)")
        let quotes = try api.send("GET", "/api/v1/quotes?symbols=EURUSD", token: token)
        let quote = (quotes.json["quotes"] as? [[String: Any]])?.first
        let bid = Double(quote?["bid"] as? String ?? "") ?? 0, ask = Double(quote?["ask"] as? String ?? "") ?? 0
        #expect(quotes.status == 200 && bid > 1 && ask >= bid && (quotes.json["quotes"] as? [Any])?.count == 1, "\(quotes.text)")
        #expect(try api.send("GET", "/api/v1/quotes?symbols=NOPE", token: token).error.field == "symbols")

        // A pending limit order: placed, listed, modified, cancelled.
        token = try API.login(api, "trader1", "pass-2001").access
        let placed = try api.send("POST", "/api/v1/orders", token: token,
                                  json: ["type": "limit", "symbol": "EURUSD", "side": "buy", "volume": "0.10", "price": Self.price(ask - 0.01),
                                         "client_order_id": "pend-1", "expires_in_ms": "3600000"])
        #expect(placed.status == 200, "\(placed.text)")
        let pending = Self.orderID(placed) ?? 0
        var orders = try api.send("GET", "/api/v1/orders", token: token).json["orders"] as? [[String: Any]] ?? []
        #expect(orders.count == 1 && orders.first?["id"] as? Int == pending && orders.first?["type"] as? String == "limit"
                && orders.first?["client_order_id"] as? String == "pend-1" && orders.first?["expires_at_ms"] is String, "\(orders)")
        let modified = try api.send("PATCH", "/api/v1/orders/\(pending)", token: token,
                                    json: ["price": Self.price(ask - 0.02), "sl": Self.price(ask - 0.05), "tp": Self.price(ask + 0.02)])
        #expect(modified.status == 200 && Self.events(modified).contains { $0["type"] as? String == "order_modified" }, "\(modified.text)")
        orders = try api.send("GET", "/api/v1/orders", token: token).json["orders"] as? [[String: Any]] ?? []
        #expect(orders.first?["price"] as? String == Self.price(ask - 0.02) && orders.first?["sl"] as? String == Self.price(ask - 0.05), "\(orders)")

        // Another account's token: 403 on every account-scoped route (with account 2001), 404 for 2001's order under its own account.
        let foreign: [(String, String, [String: Any]?)] = [
            ("GET", "/api/v1/quotes?account=2001", nil), ("GET", "/api/v1/orders?account=2001", nil),
            ("PATCH", "/api/v1/orders/\(pending)", ["account": "2001", "price": "1.00000"]), ("DELETE", "/api/v1/orders/\(pending)?account=2001", nil),
            ("POST", "/api/v1/positions/1/close", ["account": "2001"]), ("PATCH", "/api/v1/positions/1", ["account": "2001", "sl": "1.00000"]),
            ("GET", "/api/v1/history?account=2001", nil), ("GET", "/api/v1/ledger?account=2001", nil),
            ("POST", "/api/v1/orders", ["account": "2001", "type": "limit", "symbol": "EURUSD", "side": "buy", "volume": "0.10", "price": "1.00000", "client_order_id": "f"]),
        ]
        for (method, path, json) in foreign {
            let answer = try api.send(method, path, token: other, json: json)
            #expect(answer.status == 403 && answer.error.code == "forbidden", "\(method) \(path): \(answer.status) \(answer.text)")
        }
        #expect(try api.send("DELETE", "/api/v1/orders/\(pending)", token: other).status == 404)
        #expect(try api.send("PATCH", "/api/v1/orders/\(pending)", token: other, json: ["price": "1.00000"]).status == 404)

        let cancelled = try api.send("DELETE", "/api/v1/orders/\(pending)", token: token)
        #expect(cancelled.status == 200 && Self.events(cancelled).contains { $0["state"] as? String == "canceled" || $0["state"] as? String == "cancelled" }, "\(cancelled.text)")
        #expect((try api.send("GET", "/api/v1/orders", token: token).json["orders"] as? [Any])?.isEmpty == true)
        let again = try api.send("DELETE", "/api/v1/orders/\(pending)", token: token)
        #expect(again.status == 404 && again.error.field == "id", "\(again.text)")

        // A market order and its idempotent repeat: the same order, one position.
        let market: [String: Any] = ["symbol": "EURUSD", "side": "buy", "volume": "0.20", "client_order_id": "idem-1"]
        let first = try api.send("POST", "/api/v1/orders", token: token, json: market)
        let repeated = try api.send("POST", "/api/v1/orders", token: token, json: market)
        #expect(first.status == 200 && repeated.status == 200, "\(first.text) \(repeated.text)")
        #expect(Self.orderID(first) != nil && Self.orderID(repeated) == Self.orderID(first)
                && Self.events(repeated).contains { $0["type"] as? String == "order_repeated" }, "\(repeated.text)")
        var positions = try api.send("GET", "/api/v1/positions", token: token).json["positions"] as? [[String: Any]] ?? []
        #expect(positions.count == 1 && positions.first?["volume"] as? String == "0.2", "\(positions)")
        let position = positions.first?["id"] as? Int ?? 0

        // Bad input: 4xx naming the field, nothing changed.
        let before = try API.summary(api, token)
        let bad: [(String, String, [String: Any]?, String?, Int, String)] = [
            ("PATCH", "/api/v1/orders/424242", ["price": "1.00000"], nil, 404, "id"),
            ("DELETE", "/api/v1/orders/424242", nil, nil, 404, "id"),
            ("DELETE", "/api/v1/orders/abc", nil, nil, 422, "id"),
            ("POST", "/api/v1/positions/424242/close", nil, nil, 404, "id"),
            ("PATCH", "/api/v1/positions/424242", ["sl": "1.00000"], nil, 404, "id"),
            ("POST", "/api/v1/positions/\(position)/close", ["volume": "-0.05"], nil, 422, "volume"),
            ("POST", "/api/v1/positions/\(position)/close", ["volume": 0.05], nil, 422, "volume"),
            ("POST", "/api/v1/positions/\(position)/close", ["volume": "5"], nil, 422, "volume"),
            ("PATCH", "/api/v1/positions/\(position)", ["sl": 1.05], nil, 422, "sl"),
            ("PATCH", "/api/v1/positions/\(position)", ["stop": "1.05"], nil, 422, "stop"),
            ("PATCH", "/api/v1/orders/\(pending)", nil, "{\"price\": ", 400, ""),
            ("POST", "/api/v1/orders", ["type": "limit", "symbol": "EURUSD", "side": "buy", "volume": "0.10", "client_order_id": "b1"], nil, 422, "price"),
            ("POST", "/api/v1/orders", ["type": "iceberg", "symbol": "EURUSD", "side": "buy", "volume": "0.10", "price": "1.00000", "client_order_id": "b2"], nil, 422, "type"),
            ("POST", "/api/v1/orders", ["type": "limit", "symbol": "EURUSD", "side": "buy", "volume": "-0.10", "price": "1.00000", "client_order_id": "b3"], nil, 422, "volume"),
            ("POST", "/api/v1/orders", ["type": "limit", "symbol": "EURUSD", "side": "buy", "volume": "0.10", "price": 1.0, "client_order_id": "b4"], nil, 422, "price"),
            ("POST", "/api/v1/orders", ["type": "limit", "symbol": "EURUSD", "side": "buy", "volume": "0.10", "price": "1.00000", "fill": "ioc", "client_order_id": "b5"], nil, 422, "fill"),
            ("GET", "/api/v1/history?limit=0", nil, nil, 422, "limit"),
        ]
        for (method, path, json, raw, status, field) in bad {
            let answer = try api.send(method, path, token: token, json: json, raw: raw)
            #expect(answer.status == status && answer.json["error"] is [String: Any], "\(method) \(path) \(json ?? [:]): \(answer.status) \(answer.text)")
            if !field.isEmpty { #expect(answer.error.field == field, "\(method) \(path): \(answer.text)") }
        }
        let after = try API.summary(api, token)
        #expect(after["balance"] as? String == before["balance"] as? String && after["open_positions"] as? Int == 1, "\(after)")
        #expect((try api.send("GET", "/api/v1/orders", token: token).json["orders"] as? [Any])?.isEmpty == true)

        // SL/TP on the position, a partial close, then the rest.
        let q = (try api.send("GET", "/api/v1/quotes?symbols=EURUSD", token: token).json["quotes"] as? [[String: Any]])?.first
        let bidNow = Double(q?["bid"] as? String ?? "") ?? bid
        let protect = try api.send("PATCH", "/api/v1/positions/\(position)", token: token,
                                   json: ["sl": Self.price(bidNow - 0.02), "tp": Self.price(bidNow + 0.02)])
        #expect(protect.status == 200, "\(protect.text)")
        positions = try api.send("GET", "/api/v1/positions", token: token).json["positions"] as? [[String: Any]] ?? []
        #expect(positions.first?["sl"] as? String == Self.price(bidNow - 0.02) && positions.first?["tp"] as? String == Self.price(bidNow + 0.02), "\(positions)")
        let partial = try api.send("POST", "/api/v1/positions/\(position)/close", token: token, json: ["volume": "0.05"])
        #expect(partial.status == 200, "\(partial.text)")
        positions = try api.send("GET", "/api/v1/positions", token: token).json["positions"] as? [[String: Any]] ?? []
        #expect(positions.count == 1 && positions.first?["volume"] as? String == "0.15", "\(positions)")
        let full = try api.send("POST", "/api/v1/positions/\(position)/close", token: token)
        #expect(full.status == 200, "\(full.text)")
        #expect((try api.send("GET", "/api/v1/positions", token: token).json["positions"] as? [Any])?.isEmpty == true)

        // History and ledger (read models: they trail the core by the projector's lag).
        var trades: [[String: Any]] = [], closed: [[String: Any]] = [], entries: [[String: Any]] = []
        for _ in 0 ..< 100 {
            let history = try api.send("GET", "/api/v1/history", token: token)
            trades = history.json["trades"] as? [[String: Any]] ?? []
            closed = history.json["closed_positions"] as? [[String: Any]] ?? []
            entries = try api.send("GET", "/api/v1/ledger?limit=50", token: token).json["entries"] as? [[String: Any]] ?? []
            if trades.count >= 3, !closed.isEmpty, entries.contains(where: { ($0["kind"] as? String ?? "").contains("commission") }) { break }
            usleep(100_000)
        }
        let mine = trades.filter { $0["position"] as? String == "\(position)" }
        #expect(mine.count == 3, "\(trades)")
        #expect(mine.contains { $0["commission"] as? String != "0.00000000" }, "\(mine)")
        #expect(Set(mine.compactMap { $0["volume"] as? String }) == ["0.2", "0.05", "0.15"], "\(mine)")
        #expect(closed.first?["id"] as? String == "\(position)" && closed.first?["volume"] as? String == "0.2", "\(closed)")
        #expect(entries.contains { ($0["kind"] as? String ?? "").contains("commission") && ($0["amount"] as? String ?? "").hasPrefix("-") }, "\(entries)")
        #expect(entries.allSatisfy { ($0["ledger_account"] as? String ?? "").hasSuffix(":2001") }, "\(entries)")
        let otherLedger = try api.send("GET", "/api/v1/ledger", token: other).json["entries"] as? [[String: Any]] ?? []
        #expect(otherLedger.allSatisfy { ($0["ledger_account"] as? String ?? "").hasSuffix(":2002") }, "\(otherLedger)")
    }
}
