import Foundation
import Testing

/// The trader page (`GET /`, `/app/...`) against `rtx run` (real engine, PostgreSQL, the
/// synthetic LP) in headless Chromium over the DevTools protocol: the files are served with
/// their content types and nothing outside the page's folder can be reached; a trader logs
/// in as demo1, sees quotes move, clicks Buy and sees the position the REST API lists; the
/// access token is refreshed before it expires. A screenshot is saved for a human to look at.
/// Chromium missing is a failure naming the fix (`make deps`), never a skip.
@Suite(.serialized) struct TraderPageTests {
    /// demo1 with the shipped demo password `rtx-demo` (the hash of rtx.yaml).
    static let accounts = """
          - id: 1001
            group: retail
            currency: USD
            leverage: 100
            deposit: "10000"
            login: demo1
            password_hash: "$2b$10$QR1OOf2ojS1QL0Gjb9jAZOROzEtEzfzgGsbl00mC5xmF2zbykm5vm"
        """
    /// Access tokens live 10 s here, so that the page must refresh its token during the test.
    static let server = "server:\n  listen: 127.0.0.1:0\n  access_token_seconds: 10"
    static let screenshots = ["/tmp/rtx-engine-tests/trader-page.png", BuiltProducts.root + "/.build/test-artifacts/trader-page.png"]

    static func start() throws -> (EngineProcess, HTTPTestClient) {
        let engine = try EngineProcess(name: "trader-page", pluginsYAML: ClientAPITests.plugins,
                                       libraries: ["libsynthetic_lp.so", "libb_book_routing.so", "libflat_commission.so"],
                                       accounts: accounts, groups: "  - name: retail", server: server)
        return (engine, try engine.startWithAPI())
    }

    @Test func pageFilesAndTheirLimits() throws {
        let (engine, api) = try Self.start()
        defer { engine.cleanUp() }
        #expect(engine.log(tail: 200).contains("trader page  http://127.0.0.1:\(api.port)/"), "\(engine.log(tail: 30))")
        let index = try api.send("GET", "/")
        #expect(index.status == 200 && index.headers["content-type"] == "text/html; charset=utf-8" && index.text.contains("id=\"login-form\""),
                "\(index.status) \(index.headers)")
        for (file, type) in [("trader.js", "text/javascript"), ("decimal.js", "text/javascript"), ("api.js", "text/javascript"),
                             ("stream.js", "text/javascript"), ("trader.css", "text/css")] {
            let answer = try api.send("GET", "/app/\(file)")
            #expect(answer.status == 200 && answer.headers["content-type"] == "\(type); charset=utf-8" && !answer.body.isEmpty
                    && answer.headers["x-content-type-options"] == "nosniff", "\(file): \(answer.status) \(answer.headers)")
        }
        // Nothing outside the page's folder, however the path is spelled; only GET.
        for path in ["/app/../Package.swift", "/app/..%2FPackage.swift", "/app/%2e%2e%2fPackage.swift", "/app/%2E%2E/Package.swift",
                     "/app/..%2F..%2FPackage.swift", "/app/../../../../etc/passwd", "/app/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                     "/../Package.swift", "/%2e%2e/Package.swift", "/app/", "/app/index.html", "/app/nope.js", "/app/.%2e/index.html",
                     "/index.html", "/app/app/trader.js", "/app/trader.js%00.html"] {
            let answer = try api.send("GET", path)
            #expect(answer.status == 404 && answer.error.code == "not_found" && !answer.text.contains("swift-tools-version")
                    && !answer.text.contains("root:"), "\(path): \(answer.status) \(answer.text.prefix(200))")
        }
        for method in ["POST", "PUT", "DELETE", "PATCH"] {
            let answer = try api.send(method, "/", raw: "{}")
            #expect(answer.status == 404 || answer.status == 405, "\(method) /: \(answer.status) \(answer.text)")
            #expect(try api.send(method, "/app/trader.js", raw: "{}").status >= 400)
        }
        // Not API: the document lists them apart from its paths, and its router table leaves them out.
        let doc = try api.send("GET", "/openapi.json").json
        #expect(Set(doc["x-rtx-page-routes"] as? [String] ?? []) == ["GET /", "GET /app/{file}"], "\(doc["x-rtx-page-routes"] ?? "none")")
        #expect((doc["paths"] as? [String: Any])?.keys.contains { $0 == "/" || $0.hasPrefix("/app") } == false)
    }

    @Test func loginQuotesBuyAndPosition() throws {
        let started = Date()
        let (engine, api) = try Self.start()
        defer { engine.cleanUp() }
        let browser = try HeadlessChromium(folder: engine.folder)
        defer { browser.close() }
        try browser.openPage()
        try browser.navigate("http://127.0.0.1:\(api.port)/")
        try browser.waitFor("the page's script", "document.body?.dataset.ready === 'true'")

        // A wrong password: the API's error shown, still on the login form.
        try browser.type("#login-login", "demo1")
        try browser.type("#login-password", "wrong")
        try browser.click("#login-submit")
        let refused = try browser.waitFor("the login error", "!document.getElementById('error').hidden && document.getElementById('error').textContent") as? String
        #expect(refused?.contains("unauthorized") == true && refused?.contains("wrong login or password") == true, "\(refused ?? "")")

        // Log in; quotes appear and move (the synthetic LP walks its prices).
        try browser.type("#login-password", "rtx-demo")
        try browser.click("#login-submit")
        try browser.waitFor("the trader view", "!document.getElementById('trader').hidden && document.getElementById('error').hidden")
        try browser.waitFor("the stream", "document.getElementById('stream-state').textContent === 'stream: live'")
        let first = try browser.waitFor("a EURUSD quote", "/^\\d+\\.\\d{5}$/.test(document.getElementById('bid-EURUSD').textContent) && document.getElementById('bid-EURUSD').textContent") as? String
        try browser.waitFor("EURUSD to move", "(() => { const b = document.getElementById('bid-EURUSD').textContent; return b !== \(HeadlessChromium.quoted(first ?? "")) && /^\\d+\\.\\d{5}$/.test(b); })()")
        try browser.waitFor("a tick colour", "document.querySelector('#quotes-body td.up, #quotes-body td.down') !== null")
        try browser.waitFor("GBPUSD quotes", "/^\\d+\\.\\d{5}$/.test(document.getElementById('ask-GBPUSD').textContent)")
        let balance = try browser.waitFor("the balance", "document.getElementById('sum-balance').textContent.includes('.') && document.getElementById('sum-balance').textContent") as? String
        #expect(balance == "10000.00")

        // One click: buy 0.10 EURUSD; the row appears with the REST API's position.
        try browser.type("#trade-volume", "0.10")
        try browser.click("#buy-EURUSD")
        let rowID = try browser.waitFor("the position row", "document.querySelector('#positions-body tr[data-id]')?.dataset.id") as? String
        let row = try browser.evaluate("""
            [...document.querySelectorAll('#positions-body tr[data-id]')].map(r => [...r.cells].slice(0, 5).map(c => c.textContent))
            """) as? [[String]] ?? []
        let token = try ClientAPITests.login(api, "demo1", "rtx-demo").access
        let positions = try api.send("GET", "/api/v1/positions", token: token).json["positions"] as? [[String: Any]] ?? []
        #expect(positions.count == 1 && row.count == 1, "REST \(positions), page \(row)")
        if let p = positions.first, let r = row.first {
            #expect(r == ["\(p["id"] ?? "")", p["symbol"] as? String ?? "", p["side"] as? String ?? "", p["volume"] as? String ?? "", p["price"] as? String ?? ""],
                    "page \(r), REST \(p)")
            #expect(rowID == "\(p["id"] ?? "")" && p["side"] as? String == "buy" && p["volume"] as? String == "0.1")
        }
        // Live P&L: a decimal at 2 places, and the margin the buy took shown in the summary.
        try browser.waitFor("the live P&L", "/^-?\\d+\\.\\d{2}$/.test(document.querySelector('#positions-body td.pnl')?.textContent ?? '')")
        try browser.waitFor("the margin", "document.getElementById('sum-margin').textContent !== '0.00' && document.getElementById('sum-margin').textContent !== '–'")

        // A bad volume: the API's 422 shown with its field, the field marked, nothing placed.
        try browser.type("#trade-volume", "-1")
        try browser.click("#sell-EURUSD")
        let bad = try browser.waitFor("the volume error", "!document.getElementById('error').hidden && document.getElementById('error').textContent") as? String
        #expect(bad?.contains("invalid_field") == true && bad?.contains("field volume") == true, "\(bad ?? "")")
        #expect(try browser.evaluate("document.getElementById('trade-volume').getAttribute('aria-invalid')") as? String == "true")
        try browser.type("#trade-volume", "0.10")

        // A pending limit order below the market, with a stop loss: listed on the page as over REST.
        let ask = Double(try browser.evaluate("document.getElementById('ask-EURUSD').textContent") as? String ?? "") ?? 0
        let limit = String(format: "%.5f", ask - 0.02), stop = String(format: "%.5f", ask - 0.04)
        try browser.evaluate("document.getElementById('pending-type').value = 'limit'")
        try browser.type("#pending-volume", "0.20")
        try browser.type("#pending-price", limit)
        try browser.type("#pending-sl", stop)
        try browser.click("#pending-submit")
        let orderID = try browser.waitFor("the pending order row", "document.querySelector('#orders-body tr[data-id]')?.dataset.id") as? String
        let orders = try api.send("GET", "/api/v1/orders", token: token).json["orders"] as? [[String: Any]] ?? []
        #expect(orders.count == 1 && "\(orders.first?["id"] ?? "")" == orderID && orders.first?["price"] as? String == limit
                && orders.first?["sl"] as? String == stop && orders.first?["volume"] as? String == "0.2", "\(orders)")
        #expect(try browser.evaluate("document.getElementById('error').hidden") as? Bool == true)

        // A partial close from the page: 0.05 of 0.10 left open.
        if let id = rowID {
            try browser.type("#close-volume-\(id)", "0.05")
            try browser.click("#close-\(id)")
            try browser.waitFor("the partial close", "document.querySelector('#position-\(id) td:nth-child(4)')?.textContent === '0.05'")
            let left = try api.send("GET", "/api/v1/positions", token: token).json["positions"] as? [[String: Any]] ?? []
            #expect(left.count == 1 && left.first?["volume"] as? String == "0.05", "\(left)")
        }

        // The access token (10 s here) was refreshed by the page before it expired, and the page still works.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, !browser.requests.contains(where: { $0.url.hasSuffix("/api/v1/auth/refresh") && $0.status == 200 }) {
            _ = try browser.evaluate("1")
            usleep(500_000)
        }
        #expect(browser.requests.contains { $0.url.hasSuffix("/api/v1/auth/refresh") && $0.status == 200 },
                "no refresh: \(browser.requests.suffix(20).map { "\($0.method) \($0.url) \($0.status ?? 0)" })")
        #expect(!browser.requests.contains { $0.url.contains("/api/v1/") && $0.status == 401 && !$0.url.hasSuffix("/auth/login") },
                "401s: \(browser.requests.filter { $0.status == 401 }.map(\.url))")
        #expect(!browser.log.contains { $0.hasPrefix("exception") }, "\(browser.log)")

        // Let a quote or two move the P&L, then the picture.
        try browser.waitFor("history rows or its state", "document.getElementById('history-body').rows.length > 0 || document.getElementById('history-state').textContent")
        try browser.screenshot(to: Self.screenshots)
        #expect(FileManager.default.fileExists(atPath: Self.screenshots[0]))

        // Cancel the pending order and close the rest of the position from the page.
        if let orderID, let id = rowID {
            try browser.click("#cancel-\(orderID)")
            try browser.waitFor("the order gone", "document.getElementById('orders-body').rows.length === 0")
            try browser.click("#close-\(id)")
            try browser.waitFor("the position gone", "document.getElementById('positions-body').rows.length === 0")
            #expect((try api.send("GET", "/api/v1/orders", token: token).json["orders"] as? [Any])?.isEmpty == true)
            #expect((try api.send("GET", "/api/v1/positions", token: token).json["positions"] as? [Any])?.isEmpty == true)
        }
        print("trader page test: \(Int(Date().timeIntervalSince(started))) s; screenshot \(Self.screenshots.joined(separator: " and "))")
    }
}
