import Foundation
import Testing

/// The client HTTP API against `rtx run` (a real engine, PostgreSQL journal and the synthetic
/// LP) over real HTTP: login, an order, the position; wrong passwords, other accounts' and
/// forged or expired tokens; malformed and wrong requests that change nothing; the probes.
/// Serialized: each test runs an engine and its private servers.
@Suite(.serialized) struct ClientAPITests {
    static let plugins = """
        version: 1
        plugins:
          - id: synthetic
            kind: lp-adapter
            path: PLUGINS/libsynthetic_lp.so
            config:
              seed: 5
              quotes_per_second: 20
              instruments: EURUSD=1.08500/5/8, GBPUSD=1.26500/5/10
              available_lots: 50
          - id: b-book
            kind: routing-policy
            path: PLUGINS/libb_book_routing.so
          - id: flat
            kind: fee-model
            path: PLUGINS/libflat_commission.so
            config:
              per_lot: 3.50
              minimum: 0.50
              currency: USD
        bindings:
          symbols:
            - symbol: EURUSD
              lps: [{lp: synthetic, priority: 1}]
            - symbol: GBPUSD
              lps: [{lp: synthetic, priority: 1}]
          groups:
            - group: retail
              routing: b-book
              fee_model: flat
              fallback: b-book
        """

    /// bcrypt (cost 4, fast for tests) of "pass-2001" and "pass-2002".
    static let accounts = """
          - id: 2001
            group: retail
            currency: USD
            leverage: 100
            deposit: "10000"
            login: trader1
            password_hash: "$2b$04$6fDMON5hZRHUg05T9.Mbjuh6yBzEMZXWeXAnUwZb77Wf00.q6mwF."
          - id: 2002
            group: retail
            currency: USD
            leverage: 100
            deposit: "5000"
            login: trader2
            password_hash: "$2b$04$P9XOFpc0gB1xCbqdQIyd/uCsnD1egxjFy/RTpQ/pvLB2L6iGFR.R2"
        """

    /// Access tokens live 10 s here, so that expiry can be shown.
    static let server = """
        server:
          listen: 127.0.0.1:0
          access_token_seconds: 10
          refresh_token_seconds: 600
          max_body_bytes: 4096
        """

    /// Starts the engine and reads the API's port from the banner.
    static func start(_ name: String) throws -> (EngineProcess, HTTPTestClient) {
        let engine = try EngineProcess(name: name, pluginsYAML: plugins,
                                       libraries: ["libsynthetic_lp.so", "libb_book_routing.so", "libflat_commission.so"],
                                       accounts: accounts, groups: "  - name: retail", server: server)
        return (engine, try engine.startWithAPI())
    }

    static func login(_ api: HTTPTestClient, _ login: String, _ password: String) throws -> (access: String, refresh: String) {
        let answer = try api.send("POST", "/api/v1/auth/login", json: ["login": login, "password": password])
        guard answer.status == 200, let access = answer.json["access_token"] as? String, let refresh = answer.json["refresh_token"] as? String else {
            throw TestSetupError("login \(login) failed: \(answer.status) \(answer.text)")
        }
        return (access, refresh)
    }

    /// The account's summary as the API shows it (balance, equity ... as decimal strings).
    static func summary(_ api: HTTPTestClient, _ token: String) throws -> [String: Any] {
        try api.send("GET", "/api/v1/account", token: token).json["account"] as? [String: Any] ?? [:]
    }

    @Test func probesLoginOrderPositionAndRefusals() throws {
        let (engine, api) = try Self.start("client-api")
        defer { engine.cleanUp() }

        // Probes.
        let health = try api.send("GET", "/health")
        #expect(health.status == 200 && health.json["status"] as? String == "ok", "\(health.text)")
        let ready = try api.send("GET", "/ready")
        #expect(ready.status == 200 && ready.json["status"] as? String == "ready", "\(ready.text)")
        let metrics = try api.send("GET", "/metrics")
        #expect(metrics.status == 200 && metrics.text.contains("rtx_") && metrics.headers["content-type"]?.hasPrefix("text/plain") == true)

        // Wait for quotes (the summary needs them for EURUSD margin).
        var (access, refresh) = try Self.login(api, "trader1", "pass-2001")
        var before: [String: Any] = [:]
        for _ in 0 ..< 100 {
            (access, refresh) = try Self.login(api, "trader1", "pass-2001")
            before = try Self.summary(api, access)
            if before["balance"] != nil { break }
            usleep(100_000)
        }
        #expect(before["balance"] as? String == "10000.00000000", "\(before)")
        #expect(before["margin"] as? String == "0.00000000")

        // Login by account number works too; wrong password, unknown login: 401 with the one error shape.
        _ = try Self.login(api, "2001", "pass-2001")
        let wrong = try api.send("POST", "/api/v1/auth/login", json: ["login": "trader1", "password": "nope"])
        #expect(wrong.status == 401 && wrong.error.code == "unauthorized", "\(wrong.text)")
        let nobody = try api.send("POST", "/api/v1/auth/login", json: ["login": "nobody", "password": "pass-2001"])
        #expect(nobody.status == 401)

        // An order: the engine's answer, then the position.
        (access, refresh) = try Self.login(api, "trader1", "pass-2001")
        let order = try api.send("POST", "/api/v1/orders", token: access,
                                 json: ["symbol": "EURUSD", "side": "buy", "volume": "0.10", "client_order_id": "api-1"])
        #expect(order.status == 200, "\(order.text)")
        #expect(order.json["sequence"] as? Int ?? 0 > 0)
        let positions = try api.send("GET", "/api/v1/positions", token: access)
        let list = positions.json["positions"] as? [[String: Any]] ?? []
        #expect(positions.status == 200 && list.count == 1, "\(positions.text)")
        #expect(list.first?["symbol"] as? String == "EURUSD" && list.first?["volume"] as? String == "0.1" && list.first?["side"] as? String == "buy")
        let after = try Self.summary(api, access)
        #expect(after["margin"] as? String != "0.00000000", "\(after)")
        for key in ["balance", "credit", "equity", "margin", "free_margin", "margin_level_percent"] { #expect(after[key] is String, "\(key)") }

        // Another account's token: 403 on every account-scoped route; its own account is untouched.
        let other = try Self.login(api, "trader2", "pass-2002")
        #expect(try api.send("GET", "/api/v1/account?account=2001", token: other.access).status == 403)
        #expect(try api.send("GET", "/api/v1/positions?account=2001", token: other.access).status == 403)
        let foreign = try api.send("POST", "/api/v1/orders", token: other.access,
                                   json: ["account": "2001", "symbol": "EURUSD", "side": "buy", "volume": "0.10", "client_order_id": "x"])
        #expect(foreign.status == 403 && foreign.error.code == "forbidden", "\(foreign.text)")
        #expect(try api.send("GET", "/api/v1/positions", token: other.access).json["positions"] as? [Any] != nil)
        #expect((try api.send("GET", "/api/v1/positions", token: other.access).json["positions"] as? [Any])?.isEmpty == true)

        // Bad requests: 4xx naming the field; nothing changes.
        (access, refresh) = try Self.login(api, "trader1", "pass-2001")
        let state = try Self.summary(api, access)
        let base: [String: Any] = ["symbol": "EURUSD", "side": "buy", "volume": "0.10", "client_order_id": "bad"]
        let cases: [(String, [String: Any]?, String?, Int, String?)] = [
            ("malformed JSON", nil, "{\"symbol\": ", 400, nil),
            ("not an object", nil, "[1, 2]", 400, nil),
            ("volume as a number", base.merging(["volume": 0.1]) { $1 }, nil, 422, "volume"),
            ("negative volume", base.merging(["volume": "-1"]) { $1 }, nil, 422, "volume"),
            ("huge volume", base.merging(["volume": "99999999999999999999"]) { $1 }, nil, 422, "volume"),
            ("above the symbol's maximum", base.merging(["volume": "1000"]) { $1 }, nil, 422, "volume"),
            ("off the step", base.merging(["volume": "0.015"]) { $1 }, nil, 422, "volume"),
            ("unknown symbol", base.merging(["symbol": "NOPE"]) { $1 }, nil, 422, "symbol"),
            ("bad side", base.merging(["side": "up"]) { $1 }, nil, 422, "side"),
            ("unknown field", base.merging(["colour": "red"]) { $1 }, nil, 422, "colour"),
            ("no client order id", base.filter { $0.key != "client_order_id" }, nil, 422, "client_order_id"),
            ("sl as a number", base.merging(["sl": 1.05]) { $1 }, nil, 422, "sl"),
        ]
        for (what, json, raw, status, field) in cases {
            let answer = try api.send("POST", "/api/v1/orders", token: access, json: json, raw: raw)
            #expect(answer.status == status, "\(what): \(answer.status) \(answer.text)")
            #expect(answer.error.code != nil && answer.json["error"] is [String: Any], "\(what): \(answer.text)")
            if let field { #expect(answer.error.field == field, "\(what): \(answer.text)") }
        }
        let big = try api.send("POST", "/api/v1/orders", token: access, rawBytes: Array(repeating: UInt8(ascii: " "), count: 10_000))
        #expect(big.status == 413 && big.error.code == "body_too_large", "\(big.text)")
        let unknownRoute = try api.send("GET", "/api/v1/nothing-here", token: access)
        #expect(unknownRoute.status == 404 && unknownRoute.error.code == "not_found", "\(unknownRoute.text)")
        let unchanged = try Self.summary(api, access)
        #expect(unchanged["balance"] as? String == state["balance"] as? String && unchanged["margin"] as? String == state["margin"] as? String)
        #expect((try api.send("GET", "/api/v1/positions", token: access).json["positions"] as? [Any])?.count == 1)

        // Tokens: none, forged, a refresh token used as an access token, a refreshed pair, an expired one.
        (access, refresh) = try Self.login(api, "trader1", "pass-2001")
        #expect(try api.send("GET", "/api/v1/account").status == 401)
        let parts = access.split(separator: ".")
        let forged = parts[0] + "." + parts[1] + "." + String(parts[2].reversed())
        #expect(try api.send("GET", "/api/v1/account", token: String(forged)).status == 401)
        #expect(try api.send("GET", "/api/v1/account", token: "not-a-jwt").status == 401)
        #expect(try api.send("GET", "/api/v1/account", token: refresh).status == 401)
        let refreshed = try api.send("POST", "/api/v1/auth/refresh", json: ["refresh_token": refresh])
        #expect(refreshed.status == 200, "\(refreshed.text)")
        let fresh = refreshed.json["access_token"] as? String ?? ""
        #expect(try api.send("GET", "/api/v1/account", token: fresh).status == 200)
        #expect(try api.send("POST", "/api/v1/auth/refresh", json: ["refresh_token": fresh]).status == 401)
        sleep(11)   // past access_token_seconds
        let expired = try api.send("GET", "/api/v1/account", token: fresh)
        #expect(expired.status == 401 && expired.error.code == "unauthorized", "\(expired.text)")
        #expect(!engine.log(tail: 2_000).contains("pass-2001"), "a password reached the log")
    }

    /// server.listen on a port another process holds: rtx run refuses to start, naming the setting and the fix.
    @Test func listenPortInUse() throws {
        let busy = try StartupListener()
        let attempt = try StartupAttempt("api-port-busy", edit: { $0.replacingOccurrences(of: "listen: 127.0.0.1:0", with: "listen: 127.0.0.1:\(busy.port)") })
        defer { attempt.remove() }
        let run = try attempt.run()
        #expect(run.status == 2, "\(run.output)")
        run.expectLine(containing: ["rtx.yaml:", "error: server.listen: 127.0.0.1:\(busy.port) is in use (by another process)", "fix:"])
    }
}
