import Foundation
import Testing

/// The WebSocket stream `/api/v1/stream`, the REST rate limit per account and CORS, against
/// `rtx run` (real engine, PostgreSQL journal, the synthetic LP) over real sockets
/// (`WebSocketTestClient`, `HTTPTestClient`): auth by query token and by first message, bad
/// tokens closed with 1008; quotes at the account group's prices (the flat fee model's
/// markup), the REST order's order and position messages on the private stream and never on
/// another account's; heartbeats and pings; a slow consumer cut off "too slow" while a fast
/// one keeps receiving; 429 with Retry-After; CORS preflights.
@Suite(.serialized) struct ClientStreamTests {
    typealias API = ClientAPITests

    static func plugins(quotesPerSecond: Int) -> String {
        """
        version: 1
        plugins:
          - id: synthetic
            kind: lp-adapter
            path: PLUGINS/libsynthetic_lp.so
            config:
              seed: 5
              quotes_per_second: \(quotesPerSecond)
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
              currency: USD
              markup_points: 7
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
    }

    /// trader1 (2001), trader2 (2002) and trader3 (2003, the rate limit's account; password pass-2001).
    static let accounts = API.accounts + """

          - id: 2003
            group: retail
            currency: USD
            leverage: 100
            deposit: "1000"
            login: trader3
            password_hash: "$2b$04$6fDMON5hZRHUg05T9.Mbjuh6yBzEMZXWeXAnUwZb77Wf00.q6mwF."
        """

    static let origin = "http://127.0.0.1:8080"

    static func start(_ name: String, quotesPerSecond: Int, server: String,
                      groups: String = "  - name: retail") throws -> (EngineProcess, HTTPTestClient) {
        let engine = try EngineProcess(name: name, pluginsYAML: plugins(quotesPerSecond: quotesPerSecond),
                                       libraries: ["libsynthetic_lp.so", "libb_book_routing.so", "libflat_commission.so"],
                                       accounts: accounts, groups: groups, server: server)
        return (engine, try engine.startWithAPI())
    }

    static func type(_ j: [String: Any]) -> String { j["type"] as? String ?? "" }

    @Test func authQuotesPrivateStreamHeartbeatsRateLimitAndCORS() throws {
        let server = """
            server:
              listen: 127.0.0.1:0
              rate_account_per_second: 1
              rate_account_burst: 20
              cors_origins: ["\(Self.origin)"]
              stream_heartbeat_seconds: 1
            """
        let (engine, api) = try Self.start("client-stream", quotesPerSecond: 20, server: server)
        defer { engine.cleanUp() }
        let token = try API.login(api, "trader1", "pass-2001").access
        let other = try API.login(api, "trader2", "pass-2002").access
        for _ in 0 ..< 100 {
            if let q = try api.send("GET", "/api/v1/quotes?symbols=EURUSD", token: token).json["quotes"] as? [Any], !q.isEmpty { break }
            usleep(200_000)
        }

        // A bad token in the query, and a bad first message: an error in the one shape, then close 1008.
        let badQuery = try WebSocketTestClient(port: api.port, path: "/api/v1/stream?token=forged")
        var first = try badQuery.next(timeout: 5)
        #expect((first.json?["error"] as? [String: Any])?["code"] as? String == "unauthorized", "\(first)")
        var closing = try badQuery.next(timeout: 5)
        if case .close(let code, let reason) = closing { #expect(code == 1008 && reason == "unauthorized") } else { Issue.record("no close 1008: \(closing)") }
        let badFirst = try WebSocketTestClient(port: api.port, path: "/api/v1/stream")
        try badFirst.send(json: ["op": "auth", "token": "forged"])
        first = try badFirst.next(timeout: 5)
        #expect((first.json?["error"] as? [String: Any])?["code"] as? String == "unauthorized", "\(first)")
        closing = try badFirst.next(timeout: 5)
        if case .close(let code, _) = closing { #expect(code == 1008) } else { Issue.record("no close 1008: \(closing)") }

        // trader1 by the query token, trader2 by the first message: ready, then the account summary.
        let mine = try WebSocketTestClient(port: api.port, path: "/api/v1/stream?token=\(token)")
        let ready = try mine.next(timeout: 5) { _ in true }
        #expect(ready.map(Self.type) == "ready" && ready?["account"] as? Int == 2001 && ready?["group"] as? String == "retail"
                && ready?["heartbeat_seconds"] as? Int == 1, "\(ready ?? [:])")
        let summary = try mine.next(timeout: 5) { _ in true }
        #expect(summary.map(Self.type) == "account" && (summary?["account"] as? [String: Any])?["balance"] is String, "\(summary ?? [:])")
        let theirs = try WebSocketTestClient(port: api.port, path: "/api/v1/stream")
        try theirs.send(json: ["op": "auth", "token": other])
        let theirReady = try theirs.next(timeout: 5) { Self.type($0) == "ready" }
        #expect(theirReady?["account"] as? Int == 2002, "\(theirReady ?? [:])")

        // Subscribe: quotes arrive at the group's prices, the ones GET /api/v1/quotes shows.
        try mine.send(json: ["op": "subscribe", "symbols": ["EURUSD", "NOPE"]])
        let unknown = try mine.next(timeout: 5) { Self.type($0) == "error" }
        #expect((unknown?["error"] as? [String: Any])?["code"] as? String == "unknown_symbol", "\(unknown ?? [:])")
        try mine.send(json: ["op": "subscribe", "symbols": ["EURUSD"]])
        let subscribed = try mine.next(timeout: 5) { Self.type($0) == "subscribed" }
        #expect(subscribed?["symbols"] as? [String] == ["EURUSD"], "\(subscribed ?? [:])")
        try theirs.send(json: ["op": "subscribe", "symbols": ["EURUSD"]])
        // trader2's connection is read (and its pings answered) all along: never a message of 2001.
        var theirQuotes = 0
        var theirEnd: WebSocketTestClient.Event?
        func serviceTheirs() throws {
            while theirEnd == nil {
                let e = try theirs.next(timeout: 0.001)
                switch e {
                case .timeout: return
                case .close, .eof: theirEnd = e
                default:
                    guard let j = e.json else { continue }
                    #expect(j["account"] as? Int != 2001 && !["order", "position", "balance"].contains(Self.type(j)), "trader2 saw \(j)")
                    if Self.type(j) == "quote" { theirQuotes += 1 }
                }
            }
        }
        var streamed: [Int64: (String, String)] = [:]
        var matched = false
        var restQuote: [String: Any] = [:]
        for _ in 0 ..< 20 where !matched {
            try serviceTheirs()
            let end = Date().addingTimeInterval(0.5)
            while Date() < end, let q = try mine.next(timeout: 1, where: { Self.type($0) == "quote" }) {
                #expect(q["symbol"] as? String == "EURUSD")
                if let t = (q["time_ns"] as? NSNumber)?.int64Value { streamed[t / 1_000_000] = (q["bid"] as? String ?? "", q["ask"] as? String ?? "") }
            }
            restQuote = (try api.send("GET", "/api/v1/quotes?symbols=EURUSD", token: token).json["quotes"] as? [[String: Any]])?.first ?? [:]
            let end2 = Date().addingTimeInterval(0.3)
            while Date() < end2, let q = try mine.next(timeout: 1, where: { Self.type($0) == "quote" }) {
                if let t = (q["time_ns"] as? NSNumber)?.int64Value { streamed[t / 1_000_000] = (q["bid"] as? String ?? "", q["ask"] as? String ?? "") }
            }
            if let ms = Int64(restQuote["time_ms"] as? String ?? ""), let s = streamed[ms] {
                #expect(s.0 == restQuote["bid"] as? String && s.1 == restQuote["ask"] as? String, "stream \(s), REST \(restQuote)")
                matched = true
            }
        }
        #expect(matched, "no streamed quote at the REST quote's time: REST \(restQuote), streamed \(streamed.count)")
        // The group's markup (7 points on the flat fee model) widens every streamed spread past the raw 0.00008 ... at least 7 points.
        for (_, (bid, ask)) in streamed {
            let spread = ((Double(ask) ?? 0) - (Double(bid) ?? 0)) * 100_000
            #expect(spread >= 7 - 1e-6, "spread \(spread) points: \(bid) \(ask)")
        }

        // An order over REST: its order and position messages reach trader1's stream, not trader2's.
        let order = try api.send("POST", "/api/v1/orders", token: token,
                                 json: ["symbol": "EURUSD", "side": "buy", "volume": "0.10", "client_order_id": "ws-1"])
        #expect(order.status == 200, "\(order.text)")
        var seen: Set<String> = []
        var heartbeats = 0
        let until = Date().addingTimeInterval(4)
        while Date() < until {
            try serviceTheirs()
            let e = try mine.next(timeout: min(0.2, until.timeIntervalSinceNow))
            guard let j = e.json else {
                if case .close = e { Issue.record("trader1's stream closed: \(e)"); break }
                continue
            }
            switch Self.type(j) {
            case "order":
                #expect(j["account"] as? Int == 2001 && j["symbol"] as? String == "EURUSD" && j["side"] as? String == "buy" && j["volume"] as? String == "0.1", "\(j)")
                if j["client_order_id"] as? String == "ws-1" { seen.insert("order") }
            case "position":
                #expect(j["account"] as? Int == 2001 && j["volume"] as? String == "0.1", "\(j)")
                seen.insert("position")
            case "account": seen.insert("account")
            case "balance":
                #expect(j["account"] as? Int == 2001 && j["balance"] is String && j["margin"] is String, "\(j)")
                seen.insert("balance")
            case "heartbeat":
                heartbeats += 1
                #expect((j["time_ns"] as? NSNumber)?.int64Value ?? 0 > 0)
            default: break
            }
        }
        #expect(seen.isSuperset(of: ["order", "position", "account", "balance"]), "\(seen)")
        // Heartbeats every second (stream_heartbeat_seconds: 1), and WebSocket pings, answered: still open.
        #expect(heartbeats >= 2 && mine.pings >= 1, "heartbeats \(heartbeats), pings \(mine.pings)")
        try serviceTheirs()
        #expect(theirQuotes > 0 && theirEnd == nil, "trader2: \(theirQuotes) quotes, \(theirEnd.map { "\($0)" } ?? "open")")
        try mine.send(json: ["op": "ping"])
        #expect(try mine.next(timeout: 5) { Self.type($0) == "pong" } != nil)
        try mine.sendClose()
        // Unsubscribe (a fresh connection, read all along): the list is empty, and no quote
        // follows once what was in flight is read.
        let again = try WebSocketTestClient(port: api.port, path: "/api/v1/stream?token=\(other)")
        try again.send(json: ["op": "subscribe", "symbols": ["EURUSD", "GBPUSD"]])
        let both = try again.next(timeout: 5) { Self.type($0) == "subscribed" }
        #expect(both?["symbols"] as? [String] == ["EURUSD", "GBPUSD"], "\(both ?? [:])")
        #expect(try again.next(timeout: 5) { Self.type($0) == "quote" } != nil)
        try again.send(json: ["op": "unsubscribe", "symbols": ["EURUSD", "GBPUSD"]])
        let left = try again.next(timeout: 5) { Self.type($0) == "subscribed" }
        #expect((left?["symbols"] as? [String])?.isEmpty == true, "\(left ?? [:])")
        #expect(try again.next(timeout: 1.5) { Self.type($0) == "quote" } == nil)
        try again.sendClose()
        // A client that does not answer pings is closed by the next one.
        let deaf = try WebSocketTestClient(port: api.port, path: "/api/v1/stream?token=\(token)")
        deaf.answerPings = false
        var deafEnd: WebSocketTestClient.Event = .timeout
        let deafUntil = Date().addingTimeInterval(6)
        while Date() < deafUntil {
            deafEnd = try deaf.next(timeout: deafUntil.timeIntervalSinceNow)
            if case .close = deafEnd { break }
            if case .eof = deafEnd { break }
        }
        if case .close(let code, _) = deafEnd { #expect(code == 1001, "\(deafEnd)") } else { Issue.record("a client without pongs stays open: \(deafEnd), \(deaf.pings) pings") }

        // The rate limit per account (1/s, burst 20): trader3's 30 quick requests end in 429 with
        // Retry-After, in the one error shape; trader1 is not limited by them.
        let limited = try API.login(api, "trader3", "pass-2001").access
        var answers: [HTTPTestClient.Answer] = []
        for _ in 0 ..< 30 { answers.append(try api.send("GET", "/api/v1/account", token: limited)) }
        let refused = answers.filter { $0.status == 429 }
        #expect(answers.prefix(15).allSatisfy { $0.status == 200 } && refused.count >= 5, "\(answers.map(\.status))")
        if let r = refused.first {
            #expect(r.error.code == "rate_limited" && Int(r.headers["retry-after"] ?? "") ?? 0 >= 1, "\(r.headers) \(r.text)")
        }
        #expect(try api.send("GET", "/api/v1/account", token: token).status == 200)

        // CORS: a preflight from the allowed origin gets 204 and the headers; from another, 403.
        let preflight = try api.send("OPTIONS", "/api/v1/orders",
                                     headers: ["Origin": Self.origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"])
        #expect(preflight.status == 204 && preflight.headers["access-control-allow-origin"] == Self.origin
                && preflight.headers["access-control-allow-methods"]?.contains("POST") == true
                && preflight.headers["access-control-allow-headers"]?.contains("Authorization") == true
                && preflight.headers["access-control-max-age"] == "600", "\(preflight.status) \(preflight.headers)")
        let foreign = try api.send("OPTIONS", "/api/v1/orders", headers: ["Origin": "http://evil.example", "Access-Control-Request-Method": "POST"])
        #expect(foreign.status == 403 && foreign.error.code == "origin_not_allowed" && foreign.headers["access-control-allow-origin"] == nil,
                "\(foreign.status) \(foreign.headers) \(foreign.text)")
        let simple = try api.send("GET", "/api/v1/account", token: token, headers: ["Origin": Self.origin])
        #expect(simple.status == 200 && simple.headers["access-control-allow-origin"] == Self.origin, "\(simple.headers)")
        let simpleForeign = try api.send("GET", "/api/v1/account", token: token, headers: ["Origin": "http://evil.example"])
        #expect(simpleForeign.headers["access-control-allow-origin"] == nil, "\(simpleForeign.headers)")
    }

    @Test func slowConsumerIsClosedWhileAFastOneKeepsReceiving() throws {
        let server = """
            server:
              listen: 127.0.0.1:0
              stream_heartbeat_seconds: 30
              stream_max_lag_seconds: 2
            """
        let (engine, api) = try Self.start("client-stream-slow", quotesPerSecond: 1_000, server: server)
        defer { engine.cleanUp() }
        let token = try API.login(api, "trader1", "pass-2001").access
        let fast = try WebSocketTestClient(port: api.port, path: "/api/v1/stream?token=\(token)")
        let slow = try WebSocketTestClient(port: api.port, path: "/api/v1/stream?token=\(token)", receiveBuffer: 2_048)
        for c in [fast, slow] {
            #expect(try c.next(timeout: 5) { Self.type($0) == "ready" } != nil)
            try c.send(json: ["op": "subscribe", "symbols": ["EURUSD", "GBPUSD"]])
            #expect(try c.next(timeout: 5) { Self.type($0) == "subscribed" } != nil)
        }
        // The slow one stops reading for 6 s (more than stream_max_lag_seconds and a tick); the fast one reads all along.
        var fastQuotes = 0
        let until = Date().addingTimeInterval(6)
        while Date() < until {
            let e = try fast.next(timeout: until.timeIntervalSinceNow)
            if case .close = e { Issue.record("the fast client was closed: \(e)"); break }
            if e.json.map(Self.type) == "quote" { fastQuotes += 1 }
        }
        #expect(fastQuotes > 500, "fast client got \(fastQuotes) quotes in 6 s")
        // The slow one reads again: what was written, then a close 1008 "too slow ...".
        let (end, before) = try slow.untilClose(timeout: 20)
        if case .close(let code, let reason) = end {
            #expect(code == 1008 && reason.hasPrefix("too slow") && reason.contains("stream_max_lag_seconds"), "\(end)")
            // Conflated first: while it did not read, newer quotes replaced unwritten ones (the
            // reason counts them), so it was sent far fewer quotes than the fast one read.
            let conflated = reason.split(separator: ";").last.flatMap { Int($0.split(separator: " ").first ?? "") } ?? 0
            #expect(conflated > 1_000, "\(reason)")
            #expect(before < fastQuotes / 2, "the slow client got \(before) messages, the fast one \(fastQuotes) quotes")
        } else {
            Issue.record("the slow client was not closed with a reason: \(end) after \(before) messages")
        }
        // Nothing after the close frame; the server closes the socket within its grace period.
        let afterClose = try slow.next(timeout: 10)
        if case .eof = afterClose {} else { Issue.record("after the close frame: \(afterClose)") }
        // The fast one is still served.
        var after = 0
        let more = Date().addingTimeInterval(2)
        while Date() < more {
            let e = try fast.next(timeout: more.timeIntervalSinceNow)
            if case .close = e { Issue.record("the fast client was closed: \(e)"); break }
            if e.json.map(Self.type) == "quote" { after += 1 }
        }
        #expect(after > 100, "fast client got \(after) quotes after the slow one was closed")
        #expect(engine.log(tail: 400).contains("closing slow WebSocket"), "\(engine.log(tail: 40))")
        // The stream's metrics say so too.
        let metrics = try api.send("GET", "/metrics").text
        #expect(Self.metric(metrics, "rtx_stream_quotes_conflated_total") ?? 0 > 1_000, "\(metrics.split(separator: "\n").filter { $0.contains("rtx_stream") })")
        #expect(Self.metric(metrics, "rtx_stream_slow_closed_total") == 1)
        #expect(Self.metric(metrics, "rtx_stream_connections") == 1)
        #expect(Self.metric(metrics, "rtx_stream_messages_sent_total{kind=\"quote\"}") ?? 0 > Double(fastQuotes))
        #expect(Self.metric(metrics, "rtx_api_requests_total{status=\"5xx\"}") ?? 0 == 0)
        #expect(Self.metric(metrics, "rtx_api_requests_total{status=\"2xx\"}") ?? 0 >= 1)
    }

    /// A non-negative decimal string as an integer of 10^-8 units ("1000.5" → 100050000000).
    static func scaled(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1 ... 2).contains(parts.count), let whole = Int64(parts[0]) else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 8, let f = Int64(fraction.padding(toLength: 8, withPad: "0", startingAt: 0)) else { return nil }
        return whole * 100_000_000 + f
    }

    /// The value of the sample `name` (with its labels as written) in Prometheus text.
    static func metric(_ text: String, _ name: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// The account's margin call and stop out arrive on its own stream, with equity and margin,
    /// and the stop out's position close after them; another account's stream gets none of them.
    @Test func marginCallAndStopOutReachTheAccountsStream() throws {
        let server = """
            server:
              listen: 127.0.0.1:0
              stream_heartbeat_seconds: 300
            """
        let groups = """
              - name: retail
                margin_call_percent: 100
                stop_out_percent: 50
            """
        let (engine, api) = try Self.start("client-stream-margin", quotesPerSecond: 20, server: server, groups: groups)
        defer { engine.cleanUp() }
        let token = try API.login(api, "trader2", "pass-2002").access
        let otherToken = try API.login(api, "trader1", "pass-2001").access
        let own = try WebSocketTestClient(port: api.port, path: "/api/v1/stream?token=\(token)")
        let other = try WebSocketTestClient(port: api.port, path: "/api/v1/stream?token=\(otherToken)")
        for c in [own, other] { #expect(try c.next(timeout: 5) { Self.type($0) == "ready" } != nil) }
        for _ in 0 ..< 100 {
            if let q = try api.send("GET", "/api/v1/quotes?symbols=EURUSD", token: token).json["quotes"] as? [Any], !q.isEmpty { break }
            usleep(200_000)
        }
        // 1 lot of EURUSD at 1:100 holds about 1,085 USD of margin on trader2's 5,000.
        let order = try api.send("POST", "/api/v1/orders", token: token,
                                 json: ["symbol": "EURUSD", "side": "buy", "volume": "1.00", "client_order_id": "margin-1"])
        #expect(order.status == 200, "\(order.text)")
        let opened = try own.next(timeout: 10) { Self.type($0) == "position" && $0["change"] as? String == "opened" }
        let position = try #require(opened?["position"] as? Int, "no position message")
        // Equity about 1,000: margin level about 92 %, under the 100 % call, above the 50 % stop out.
        let call = try engine.request(["op": "adjust", "account": 2002, "amount": "-4000", "reason": "test: margin call"])
        #expect("\(call)".contains("margin_call"), "\(call)")
        let notice = try own.next(timeout: 10) { Self.type($0) == "margin_call" }
        #expect(notice?["account"] as? Int == 2002 && notice?["equity"] is String && notice?["margin"] is String, "\(String(describing: notice))")
        if let e = (notice?["equity"] as? String).flatMap(Self.scaled), let m = (notice?["margin"] as? String).flatMap(Self.scaled) {
            #expect(e < m && e * 2 > m, "equity \(e), margin \(m)")
        }
        // Equity about 400: under 50 %, the position is closed by the stop out.
        let stop = try engine.request(["op": "adjust", "account": 2002, "amount": "-600", "reason": "test: stop out"])
        #expect("\(stop)".contains("stop_out"), "\(stop)")
        var sawStopOut = false
        var closedBy: String?
        let until = Date().addingTimeInterval(10)
        while Date() < until, closedBy == nil {
            guard let m = try own.next(timeout: until.timeIntervalSinceNow, where: { ["stop_out", "position"].contains(Self.type($0)) }) else { break }
            if Self.type(m) == "stop_out" { sawStopOut = m["account"] as? Int == 2002 }
            if Self.type(m) == "position", m["position"] as? Int == position, m["change"] as? String == "closed" { closedBy = m["cause"] as? String }
        }
        #expect(sawStopOut && closedBy == "stopOut", "stop_out seen \(sawStopOut), position closed by \(String(describing: closedBy))")
        let positions = try api.send("GET", "/api/v1/positions", token: token)
        #expect((positions.json["positions"] as? [Any])?.isEmpty == true, "\(positions.text)")
        // trader1's stream saw none of it.
        let leaked = try other.next(timeout: 2) { ["margin_call", "stop_out", "position", "order"].contains(Self.type($0)) }
        #expect(leaked == nil, "\(String(describing: leaked))")
        // SIGTERM with two streams open: a graceful stop, quickly, with no server error logged.
        let stopping = Date()
        let output = engine.terminate()
        #expect(Date().timeIntervalSince(stopping) < 8, "stop took \(Date().timeIntervalSince(stopping)) s")
        #expect(output.contains("stopped at sequence") && !output.contains("shutdown error") && !output.contains("CancellationError"),
                "\(output.split(separator: "\n").suffix(15).joined(separator: "\n"))")
        // The streams were told: close 1001 "server stopping".
        let (end, _) = try own.untilClose(timeout: 10)
        if case .close(let code, let reason) = end { #expect(code == 1001 && reason == "server stopping", "\(end)") } else { Issue.record("\(end)") }
    }

    @Test func privateQueueOverflowAndAuthTimeout() throws {
        let server = """
            server:
              listen: 127.0.0.1:0
              stream_heartbeat_seconds: 300
              stream_max_lag_seconds: 600
              stream_buffer_messages: 16
            """
        let (engine, api) = try Self.start("client-stream-overflow", quotesPerSecond: 1_000, server: server)
        defer { engine.cleanUp() }
        let token = try API.login(api, "trader1", "pass-2001").access
        // A connection without a token that never sends the auth message is closed after 10 s (checked at the end).
        let silent = try WebSocketTestClient(port: api.port, path: "/api/v1/stream")
        let silentSince = Date()
        let slow = try WebSocketTestClient(port: api.port, path: "/api/v1/stream?token=\(token)", receiveBuffer: 2_048)
        #expect(try slow.next(timeout: 5) { Self.type($0) == "ready" } != nil)
        try slow.send(json: ["op": "subscribe", "symbols": ["EURUSD", "GBPUSD"]])
        #expect(try slow.next(timeout: 5) { Self.type($0) == "subscribed" } != nil)
        // It stops reading; the quotes fill its socket; then 20 orders' messages overflow its 16-message queue.
        sleep(2)
        for i in 0 ..< 20 {
            let order = try api.send("POST", "/api/v1/orders", token: token,
                                     json: ["symbol": "EURUSD", "side": i % 2 == 0 ? "buy" : "sell", "volume": "0.01", "client_order_id": "ovf-\(i)"])
            #expect(order.status == 200, "\(order.text)")
        }
        sleep(2)
        let (end, before) = try slow.untilClose(timeout: 20)
        if case .close(let code, let reason) = end {
            #expect(code == 1008 && reason.hasPrefix("too slow") && reason.contains("stream_buffer_messages"), "\(end)")
        } else {
            Issue.record("the connection was not closed on overflow: \(end) after \(before) messages")
        }
        var silentEnd: WebSocketTestClient.Event = .timeout
        while Date().timeIntervalSince(silentSince) < 14 {
            silentEnd = try silent.next(timeout: max(0.1, 14 - Date().timeIntervalSince(silentSince)))
            if case .eof = silentEnd { break }
            if case .close = silentEnd { break }
        }
        let waited = Date().timeIntervalSince(silentSince)
        if case .timeout = silentEnd { Issue.record("a connection without auth still open after \(waited) s") }
        #expect(waited >= 9.5, "closed after \(waited) s: \(silentEnd)")
    }

    /// A client message over the 16 KiB frame limit closes that connection (1009, message too
    /// big) and changes nothing; a second connection of the same account keeps its stream.
    @Test func oversizedMessageClosesOnlyThatConnection() throws {
        let server = """
            server:
              listen: 127.0.0.1:0
              stream_heartbeat_seconds: 300
            """
        let (engine, api) = try Self.start("client-stream-big", quotesPerSecond: 50, server: server)
        defer { engine.cleanUp() }
        let token = try API.login(api, "trader1", "pass-2001").access
        let big = try WebSocketTestClient(port: api.port, path: "/api/v1/stream?token=\(token)")
        let other = try WebSocketTestClient(port: api.port, path: "/api/v1/stream?token=\(token)")
        for c in [big, other] {
            #expect(try c.next(timeout: 5) { Self.type($0) == "ready" } != nil)
            try c.send(json: ["op": "subscribe", "symbols": ["EURUSD"]])
            #expect(try c.next(timeout: 5) { Self.type($0) == "subscribed" } != nil)
        }
        // A subscribe naming 20 KiB of symbols.
        let padding = String(repeating: "X", count: 20 * 1_024)
        try big.send("{\"op\":\"subscribe\",\"symbols\":[\"\(padding)\"]}")
        let (end, _) = try big.untilClose(timeout: 10)
        switch end {
        case .close(let code, _): #expect(code == 1009, "\(end)")
        case .eof: Issue.record("closed without a close frame")
        default: Issue.record("an oversized message did not close the connection: \(end)")
        }
        var quotes = 0
        let until = Date().addingTimeInterval(2)
        while Date() < until {
            let e = try other.next(timeout: until.timeIntervalSinceNow)
            if case .close = e { Issue.record("the other connection was closed: \(e)"); break }
            if e.json.map(Self.type) == "quote" { quotes += 1 }
        }
        #expect(quotes > 10, "\(quotes) quotes on the other connection")
        #expect(try api.send("GET", "/ready").status == 200)
    }

    /// The per-address bucket (burst 6, refilled 1/s) counts REST requests and stream
    /// connections alike, before and apart from the account's: quick requests from one address
    /// end in 429 naming `rate_address_per_second` with Retry-After; an order refused so
    /// changes nothing; an upgrade while the bucket is empty is told `rate_limited` and closed
    /// 1013; the probes are never limited; once refilled, the address is served again.
    @Test func addressLimitCoversRESTAndStream() throws {
        let server = """
            server:
              listen: 127.0.0.1:0
              rate_address_per_second: 1
              rate_address_burst: 6
            """
        let (engine, api) = try Self.start("client-address-limit", quotesPerSecond: 20, server: server)
        defer { engine.cleanUp() }
        let token = try API.login(api, "trader1", "pass-2001").access
        var answers: [HTTPTestClient.Answer] = []
        for _ in 0 ..< 12 { answers.append(try api.send("GET", "/api/v1/symbols", token: token)) }
        let refused = answers.filter { $0.status == 429 }
        #expect(answers.prefix(3).allSatisfy { $0.status == 200 } && refused.count >= 4, "\(answers.map(\.status))")
        if let r = refused.first {
            #expect(r.error.code == "rate_limited" && r.text.contains("rate_address_per_second") && Int(r.headers["retry-after"] ?? "") ?? 0 >= 1,
                    "\(r.headers) \(r.text)")
        }
        // Unauthenticated requests count too (a login from the same address).
        let login = try api.send("POST", "/api/v1/auth/login", json: ["login": "trader1", "password": "pass-2001"])
        #expect(login.status == 429 && login.error.code == "rate_limited", "\(login.status) \(login.text)")
        // An order refused for its address is not placed.
        let order = try api.send("POST", "/api/v1/orders", token: token,
                                 json: ["symbol": "EURUSD", "side": "buy", "volume": "0.01", "client_order_id": "addr-1"])
        #expect(order.status == 429, "\(order.status) \(order.text)")
        // A stream connection from the emptied address.
        let c = try WebSocketTestClient(port: api.port, path: "/api/v1/stream?token=\(token)")
        let first = try c.next(timeout: 5)
        if let j = first.json {
            #expect(Self.type(j) == "error" && (j["error"] as? [String: Any])?["code"] as? String == "rate_limited"
                    && j["retry_after_seconds"] as? Int ?? 0 >= 1, "\(j)")
            let closing = try c.next(timeout: 5)
            if case .close(let code, _) = closing { #expect(code == 1013) } else { Issue.record("no close 1013: \(closing)") }
        } else {
            Issue.record("upgrade: \(first)")
        }
        // Probes are not limited.
        #expect(try api.send("GET", "/health").status == 200)
        #expect(try api.send("GET", "/ready").status == 200)
        // Refilled (1/s), the address is served, and the refused order was never placed.
        sleep(3)
        let positions = try api.send("GET", "/api/v1/positions", token: token)
        #expect(positions.status == 200 && (positions.json["positions"] as? [Any])?.isEmpty == true, "\(positions.status) \(positions.text)")
        sleep(2)
        let stream = try WebSocketTestClient(port: api.port, path: "/api/v1/stream?token=\(token)")
        #expect(try stream.next(timeout: 5) { Self.type($0) == "ready" } != nil)
    }
}
