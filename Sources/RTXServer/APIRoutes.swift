import Foundation
import Hummingbird

/// The HTTP API's route table: every route the server registers, with what `/openapi.json`
/// says about it. `APIServer.router()` registers exactly these (through `APIServer.add`,
/// which refuses a route missing here) and `OpenAPIDocument` describes exactly these, so the
/// document and the router cannot drift; the document also carries the router's own table
/// (`x-rtx-router-routes`, from Hummingbird) and a test compares the two.
struct APIRoute: Sendable {
    enum Method: String, Sendable { case get = "GET", post = "POST", patch = "PATCH", delete = "DELETE" }
    /// A body or query field: every value travels as a JSON string.
    struct Field: Sendable {
        var name: String
        var description: String
        var required = false
        var shape: Shape = .text(maxLength: 64)
    }

    /// What a field's string holds, for the document's JSON Schema (the server checks more:
    /// a symbol's digits and volume step, which no pattern can carry).
    enum Shape: Sendable {
        /// Any text up to this many bytes.
        case text(maxLength: Int)
        /// A non-negative decimal number, e.g. "0.10" or "1.08500".
        case decimal
        /// A whole number, e.g. "60000".
        case whole
        /// One of these words.
        case oneOf([String])

        var jsonSchema: [String: Any] {
            switch self {
            case .text(let n): ["type": "string", "maxLength": n]
            case .decimal: ["type": "string", "pattern": "^[0-9]{1,12}(\\.[0-9]{1,10})?$"]
            case .whole: ["type": "string", "pattern": "^[0-9]{1,19}$"]
            case .oneOf(let words): ["type": "string", "enum": words]
            }
        }
    }

    var method: Method
    /// OpenAPI form: `/api/v1/orders/{id}`.
    var path: String
    var summary: String
    /// Needs `Authorization: Bearer <access token>`.
    var auth: Bool
    var query: [Field] = []
    var body: [Field]? = nil
    /// The 200 answer, in words.
    var answer: String

    var key: String { "\(method.rawValue) \(path)" }
}

extension APIRoute {
    static let price = "a price at the symbol's digits, e.g. \"1.08500\""
    static let accountQuery = Field(name: "account", description: "must be the token's account (another one is 403)", shape: .whole)
    static let accountBody = Field(name: "account", description: "must be the token's account", shape: .whole)
    static let limitQuery = Field(name: "limit", description: "at most this many rows (1 to 1000, default 100)", shape: .whole)
    static let protection = [Field(name: "sl", description: "stop loss, " + price, shape: .decimal),
                             Field(name: "tp", description: "take profit, " + price, shape: .decimal),
                             Field(name: "trailing", description: "trailing-stop distance, " + price, shape: .decimal)]

    /// Every route, in the order they are registered.
    static let all: [APIRoute] = [
        APIRoute(method: .get, path: "/health", summary: "The process answers", auth: false, answer: "{\"status\":\"ok\"}"),
        APIRoute(method: .get, path: "/ready", summary: "The engine runs and its journal can be written", auth: false,
                 answer: "{\"status\":\"ready\",\"sequence\"}; 503 while starting, stopping or paused"),
        APIRoute(method: .get, path: "/metrics", summary: "Prometheus text exposition", auth: false, answer: "text/plain metrics"),
        APIRoute(method: .get, path: "/openapi.json", summary: "This document", auth: false, answer: "OpenAPI 3.1 JSON"),
        APIRoute(method: .post, path: "/api/v1/auth/login", summary: "Log in with a login (or account number) and password", auth: false,
                 body: [Field(name: "login", description: "login name or account number", required: true, shape: .text(maxLength: 64)),
                        Field(name: "password", description: "the account's password (bcrypt reads 72 bytes)", required: true, shape: .text(maxLength: 72))],
                 answer: "account, access_token, refresh_token, token_type, expires_in_seconds"),
        APIRoute(method: .post, path: "/api/v1/auth/refresh", summary: "A new token pair for a refresh token", auth: false,
                 body: [Field(name: "refresh_token", description: "a refresh token from login or refresh", required: true, shape: .text(maxLength: 4_096))],
                 answer: "a new token pair"),
        APIRoute(method: .get, path: "/api/v1/symbols", summary: "Symbols and their contracts", auth: true,
                 answer: "symbols: name, digits, contract_size, volume_min, volume_max, volume_step, margin_currency, profit_currency, min_stop_distance, trading_state (for the account's group)"),
        APIRoute(method: .get, path: "/api/v1/quotes", summary: "Current client quotes at the account group's prices", auth: true,
                 query: [accountQuery, Field(name: "symbols", description: "comma-separated symbol names (default: all)", shape: .text(maxLength: 4_096))],
                 answer: "quotes: symbol, bid, ask, time_ms"),
        APIRoute(method: .get, path: "/api/v1/account", summary: "Account summary", auth: true, query: [accountQuery],
                 answer: "account: id, currency, balance, credit, equity, margin, free_margin, margin_level_percent, open_positions"),
        APIRoute(method: .get, path: "/api/v1/positions", summary: "Open positions", auth: true, query: [accountQuery],
                 answer: "positions: id, symbol, side, book, volume, price, margin, floating_pnl, sl, tp, trailing, closing"),
        APIRoute(method: .patch, path: "/api/v1/positions/{id}", summary: "Set or remove (\"0\") a position's SL, TP and trailing stop", auth: true,
                 body: [accountBody] + protection,
                 answer: "sequence and the core's events (symbols by name)"),
        APIRoute(method: .post, path: "/api/v1/positions/{id}/close", summary: "Close a position, fully or partly", auth: true,
                 body: [accountBody, Field(name: "volume", description: "lots to close (default: all)", shape: .decimal)],
                 answer: "sequence and the core's events (symbols by name)"),
        APIRoute(method: .get, path: "/api/v1/orders", summary: "Open (pending) orders", auth: true, query: [accountQuery],
                 answer: "orders: id, client_order_id, symbol, side, type, volume, price, limit_price, expires_at_ms, sl, tp, trailing, stop_triggered"),
        APIRoute(method: .post, path: "/api/v1/orders", summary: "Place a market or pending order (idempotent by client_order_id)", auth: true,
                 body: [accountBody,
                        Field(name: "client_order_id", description: "1 to 32 bytes; a repeat answers the first order", required: true, shape: .text(maxLength: 32)),
                        Field(name: "symbol", description: "symbol name", required: true, shape: .text(maxLength: 32)),
                        Field(name: "side", description: "buy or sell", required: true, shape: .oneOf(["buy", "sell"])),
                        Field(name: "volume", description: "lots, e.g. \"0.10\"", required: true, shape: .decimal),
                        Field(name: "type", description: "market (default), limit, stop or stop_limit", shape: .oneOf(["market", "limit", "stop", "stop_limit"])),
                        Field(name: "price", description: "pending: trigger price; market: the requested price for deviation, " + price, shape: .decimal),
                        Field(name: "limit_price", description: "stop_limit: the limit price it becomes", shape: .decimal),
                        Field(name: "expires_in_ms", description: "pending: good for this many ms (default: till cancelled)", shape: .whole),
                        Field(name: "fill", description: "market: fok (default) or ioc", shape: .oneOf(["fok", "ioc"])),
                        Field(name: "deviation", description: "market: largest slippage from price, " + price, shape: .decimal)] + protection,
                 answer: "sequence and the core's events (symbols by name) (order, position, ledger ...); 409 with the core's reason when it rejected the order"),
        APIRoute(method: .patch, path: "/api/v1/orders/{id}", summary: "Modify a pending order's price, limit price, SL/TP/trailing or expiry", auth: true,
                 body: [accountBody, Field(name: "price", description: "trigger price", shape: .decimal),
                        Field(name: "limit_price", description: "stop_limit's limit price", shape: .decimal),
                        Field(name: "expires_in_ms", description: "good for this many ms from now (\"0\": till cancelled)", shape: .whole)] + protection,
                 answer: "sequence and the core's events (symbols by name)"),
        APIRoute(method: .delete, path: "/api/v1/orders/{id}", summary: "Cancel a pending order", auth: true, query: [accountQuery],
                 answer: "sequence and the core's events (symbols by name)"),
        APIRoute(method: .get, path: "/api/v1/history", summary: "Trades and closed positions (read models in PostgreSQL)", auth: true,
                 query: [accountQuery, limitQuery],
                 answer: "read_models_checkpoint, trades (newest first: position, order, symbol, side, change, cause, volume, price, realized_pnl, commission, swap, time_ms), closed_positions"),
        APIRoute(method: .get, path: "/api/v1/ledger", summary: "The account's ledger entries (read models in PostgreSQL)", auth: true,
                 query: [accountQuery, limitQuery],
                 answer: "read_models_checkpoint, entries (newest first: entry, leg, ledger_account, kind, amount, currency, sequence, cause, reference, time_ms)"),
    ]

    static let byKey: [String: APIRoute] = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })
}

/// `/openapi.json`: an OpenAPI 3.1 document of `APIRoute.all`, written by hand (no generator).
/// `x-rtx-router-routes` is the router's table less the trader page's routes (static files,
/// not API: `PageRoute.all`), which are listed apart as `x-rtx-page-routes`.
enum OpenAPIDocument {
    static func json(routerRoutes: [String], pageRoutes: [String] = []) -> [UInt8] {
        let error: [String: Any] = [
            "type": "object", "required": ["error"],
            "properties": ["error": ["type": "object", "required": ["code", "message", "field"],
                                     "properties": ["code": ["type": "string"], "message": ["type": "string"],
                                                    "field": ["type": ["string", "null"]]]]],
        ]
        var paths: [String: [String: Any]] = [:]
        for route in APIRoute.all {
            var parameters: [[String: Any]] = route.query.map {
                ["name": $0.name, "in": "query", "required": $0.required, "description": $0.description, "schema": $0.shape.jsonSchema]
            }
            for name in pathParameters(route.path) {
                parameters.append(["name": name, "in": "path", "required": true, "description": "the id", "schema": ["type": "string", "pattern": "^[0-9]+$"]])
            }
            var responses: [String: Any] = [
                "200": ["description": route.answer,
                        "content": [route.path == "/metrics" ? "text/plain" : "application/json": ["schema": ["type": route.path == "/metrics" ? "string" : "object"]]]],
                "default": ["description": "an error in the one error shape",
                            "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]],
            ]
            if route.auth { responses["401"] = ["description": "no valid access token", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]] }
            var operation: [String: Any] = ["summary": route.summary, "operationId": operationID(route), "responses": responses]
            if !parameters.isEmpty { operation["parameters"] = parameters }
            if route.auth { operation["security"] = [["bearer": [String]()]] }
            if let body = route.body {
                var properties: [String: Any] = [:]
                for f in body { properties[f.name] = f.shape.jsonSchema.merging(["description": f.description]) { a, _ in a } }
                var schema: [String: Any] = ["type": "object", "additionalProperties": false, "properties": properties]
                let required = body.filter(\.required).map(\.name)
                if !required.isEmpty { schema["required"] = required }
                operation["requestBody"] = ["required": !required.isEmpty, "content": ["application/json": ["schema": schema]]]
            }
            paths[route.path, default: [:]][route.method.rawValue.lowercased()] = operation
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": "RTX Client API", "version": "1",
                     "description": "Money, prices and volumes travel as decimal strings. Account-scoped routes serve only the token's account (403 otherwise). Every error is {\"error\": {code, message, field}}."],
            "paths": paths,
            "components": ["schemas": ["Error": error],
                           "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"]]],
            "x-rtx-router-routes": routerRoutes,
            // The WebSocket is an upgrade, not a route OpenAPI can describe: named here for readers.
            "x-rtx-websocket": ["path": "/api/v1/stream",
                                "description": "WebSocket: authenticate with ?token=ACCESS or a first {\"op\":\"auth\",\"token\"} message; {\"op\":\"subscribe\"|\"unsubscribe\",\"symbols\":[...]} for quotes at the account group's prices (conflated to the latest per symbol); the account's own order, position, balance, account, margin_call, stop_out and protection_changed messages; heartbeat messages and pings. Slow clients are closed 1008 with a reason starting \"too slow\"."],
            "x-rtx-page-routes": pageRoutes,
        ]
        return Array((try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data())
    }

    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) }
    }

    static func operationID(_ route: APIRoute) -> String {
        route.method.rawValue.lowercased() + route.path.split(separator: "/").map { part in
            part.replacingOccurrences(of: "{", with: "by_").replacingOccurrences(of: "}", with: "").replacingOccurrences(of: ".", with: "_")
        }.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
