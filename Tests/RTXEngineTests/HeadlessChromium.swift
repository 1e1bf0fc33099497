import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Debian's `chromium`, headless, driven over the Chrome DevTools Protocol (CDP) with our own
/// WebSocket client (`WebSocketTestClient`) for the page tests: one browser, one page (a
/// flattened target session), commands answered in order, events kept (bounded) for the
/// failure messages: console lines, exceptions and the page's requests with their statuses.
///
/// Thread: one test thread. Lifetime: `launch`, use, `close` (always, also on failure: it
/// kills the browser and every process it started, found by the private profile folder).
final class HeadlessChromium {
    /// A request the page made and, once answered, its status.
    struct Request {
        var method: String
        var url: String
        var status: Int?
    }

    static let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
    /// Bounds on what is kept of the page's events.
    static let maxLogLines = 200
    static let maxRequests = 2_000

    private let process: Process
    let profile: String
    private let socket: WebSocketTestClient
    private var session: String?
    private var nextID = 0
    private var requestIDs: [String: Int] = [:]
    private(set) var log: [String] = []
    private(set) var requests: [Request] = []
    /// The last error `waitFor` saw (for its failure message).
    private var lastError: String?

    /// The browser's path; throws the fix when it is not installed.
    static func executable() throws -> String {
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestSetupError("chromium is not installed (looked for \(candidates.joined(separator: ", "))): run `make deps`, which installs Debian's chromium")
        }
        return path
    }

    /// Starts the browser with a fresh profile in `folder` and connects to its DevTools socket
    /// (the port it chose, read from `DevToolsActivePort`, within `timeout` seconds).
    init(folder: String, timeout: Double = 90) throws {
        let binary = try Self.executable()
        profile = folder + "/chromium-profile"
        try FileManager.default.createDirectory(atPath: profile, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                       "--no-default-browser-check", "--remote-debugging-port=0", "--user-data-dir=\(profile)",
                       "--window-size=1280,1200", "about:blank"]
        let logFile = folder + "/chromium.log"
        _ = FileManager.default.createFile(atPath: logFile, contents: nil)
        let sink = FileHandle(forWritingAtPath: logFile)
        p.standardOutput = sink
        p.standardError = sink
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(timeout)
        var endpoint: (port: UInt16, path: String)?
        while endpoint == nil, Date() < deadline, p.isRunning {
            let lines = ((try? String(contentsOfFile: profile + "/DevToolsActivePort", encoding: .utf8)) ?? "").split(separator: "\n")
            if lines.count >= 2, let port = UInt16(lines[0]) { endpoint = (port, String(lines[1])) } else { usleep(100_000) }
        }
        guard let endpoint else {
            let output = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
            Self.kill(process: p, profile: profile)
            throw TestSetupError("chromium gave no DevTools port within \(Int(timeout)) s (running: \(p.isRunning)):\n\(output.suffix(2_000))")
        }
        do {
            socket = try WebSocketTestClient(port: endpoint.port, path: endpoint.path)
        } catch {
            Self.kill(process: p, profile: profile)
            throw error
        }
    }

    /// Opens a page target, attaches to it and enables the domains the tests read.
    func openPage(width: Int = 1280, height: Int = 1200) throws {
        let target = try call("Target.createTarget", ["url": "about:blank"], browser: true)["targetId"] as? String ?? ""
        session = try call("Target.attachToTarget", ["targetId": target, "flatten": true], browser: true)["sessionId"] as? String
        guard session != nil else { throw TestSetupError("CDP: no session for the page target") }
        for domain in ["Page.enable", "Runtime.enable", "Network.enable"] { _ = try call(domain) }
        _ = try call("Emulation.setDeviceMetricsOverride", ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": false])
    }

    func navigate(_ url: String) throws {
        let answer = try call("Page.navigate", ["url": url])
        if let error = answer["errorText"] as? String { throw TestSetupError("navigate \(url): \(error)") }
    }

    /// One CDP command (to the page's session unless `browser`); its `result`, or the protocol's error thrown.
    @discardableResult
    func call(_ method: String, _ params: [String: Any] = [:], browser: Bool = false, timeout: Double = 60) throws -> [String: Any] {
        nextID += 1
        let id = nextID
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if !browser, let session { message["sessionId"] = session }
        try socket.send(json: message)
        let deadline = Date().addingTimeInterval(timeout)
        while deadline.timeIntervalSinceNow > 0 {
            let event = try socket.next(timeout: deadline.timeIntervalSinceNow)
            switch event {
            case .close, .eof: throw TestSetupError("CDP: the browser closed its socket during \(method)")
            case .timeout: break
            default:
                guard let json = event.json else { continue }
                if json["id"] as? Int == id {
                    if let error = json["error"] as? [String: Any] { throw TestSetupError("CDP \(method): \(error)") }
                    return json["result"] as? [String: Any] ?? [:]
                }
                record(json)
            }
        }
        throw TestSetupError("CDP: no answer to \(method) within \(Int(timeout)) s")
    }

    /// The value of a JavaScript expression in the page (awaited when it is a promise).
    func evaluate(_ expression: String) throws -> Any? {
        let answer = try call("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = answer["exceptionDetails"] as? [String: Any] {
            throw TestSetupError("JavaScript `\(expression.prefix(120))`: \((exception["exception"] as? [String: Any])?["description"] ?? exception)")
        }
        return (answer["result"] as? [String: Any])?["value"]
    }

    /// Polls `expression` until it gives a value that is not null, false, 0 or "" (every 200 ms,
    /// up to `timeout` s; an exception, as while a navigation replaces the document, counts as
    /// not yet); throws naming `what`, with the last value and the page's log, otherwise.
    @discardableResult
    func waitFor(_ what: String, _ expression: String, timeout: Double = 60) throws -> Any {
        let deadline = Date().addingTimeInterval(timeout)
        var last: Any?
        while Date() < deadline {
            do { last = try evaluate(expression) } catch { last = nil; lastError = "\(error)" }
            switch last {
            case nil, is NSNull: break
            case let b as Bool where !b: break
            case let s as String where s.isEmpty: break
            case let n as NSNumber where n == 0: break
            default: return last!
            }
            usleep(200_000)
        }
        throw TestSetupError("waited \(Int(timeout)) s for \(what) (last value: \(String(describing: last)); last error: \(lastError ?? "none"))\npage log:\n\(log.suffix(30).joined(separator: "\n"))")
    }

    /// A real mouse click (pressed and released) at the centre of the element `selector`.
    func click(_ selector: String) throws {
        let rect = try evaluate("""
            (() => { const e = document.querySelector(\(Self.quoted(selector))); if (!e) return null;
                     e.scrollIntoView({block: "center"}); const r = e.getBoundingClientRect();
                     return [r.left + r.width / 2, r.top + r.height / 2]; })()
            """) as? [Double]
        guard let rect, rect.count == 2 else { throw TestSetupError("no element \(selector) to click") }
        for type in ["mousePressed", "mouseReleased"] {
            try call("Input.dispatchMouseEvent", ["type": type, "x": rect[0], "y": rect[1], "button": "left", "clickCount": 1])
        }
    }

    /// Focuses `selector`, clears it and types `text` (as keyboard input would insert it).
    func type(_ selector: String, _ text: String) throws {
        let found = try evaluate("(() => { const e = document.querySelector(\(Self.quoted(selector))); if (!e) return false; e.focus(); e.select(); return true; })()") as? Bool
        guard found == true else { throw TestSetupError("no element \(selector) to type into") }
        try call("Input.insertText", ["text": text])
    }

    /// A PNG of the page as it is shown, written to each path (folders made as needed).
    func screenshot(to paths: [String]) throws {
        let data = try call("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true])["data"] as? String
        guard let data, let png = Data(base64Encoded: data) else { throw TestSetupError("Page.captureScreenshot gave no image") }
        for path in paths {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try png.write(to: URL(fileURLWithPath: path))
        }
    }

    /// Closes the browser (CDP `Browser.close`, then SIGTERM, then SIGKILL) and every process
    /// still running with its profile folder; removes the profile.
    func close() {
        try? socket.send(json: ["id": nextID + 1, "method": "Browser.close"])
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(100_000) }
        Self.kill(process: process, profile: profile)
        try? FileManager.default.removeItem(atPath: profile)
    }

    /// SIGTERM, then SIGKILL after 5 s, to the browser; SIGKILL to any process whose command line names `profile`.
    static func kill(process: Process, profile: String) {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline { usleep(100_000) }
            if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        }
        for pid in processes(naming: profile) { Glibc.kill(pid, SIGKILL) }
    }

    /// The pids whose command line contains `text` (from /proc).
    static func processes(naming text: String) -> [pid_t] {
        let own = getpid()
        return ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
            guard let pid = pid_t(entry), pid != own,
                  let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            return String(decoding: raw.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(text) ? pid : nil
        }
    }

    /// Keeps the page's console lines, exceptions and requests (bounded).
    private func record(_ json: [String: Any]) {
        let params = json["params"] as? [String: Any] ?? [:]
        switch json["method"] as? String {
        case "Runtime.consoleAPICalled":
            let args = (params["args"] as? [[String: Any]] ?? []).map { "\($0["value"] ?? $0["description"] ?? "")" }
            append("console.\(params["type"] ?? ""): \(args.joined(separator: " "))")
        case "Runtime.exceptionThrown":
            let details = params["exceptionDetails"] as? [String: Any]
            append("exception: \((details?["exception"] as? [String: Any])?["description"] ?? details?["text"] ?? "")")
        case "Network.requestWillBeSent":
            guard requests.count < Self.maxRequests, let request = params["request"] as? [String: Any], let id = params["requestId"] as? String else { return }
            requestIDs[id] = requests.count
            requests.append(Request(method: request["method"] as? String ?? "", url: request["url"] as? String ?? ""))
        case "Network.responseReceived":
            guard let id = params["requestId"] as? String, let index = requestIDs[id] else { return }
            requests[index].status = (params["response"] as? [String: Any])?["status"] as? Int
            if let status = requests[index].status, status >= 400 { append("HTTP \(status) \(requests[index].method) \(requests[index].url)") }
        default: break
        }
    }

    private func append(_ line: String) {
        if log.count >= Self.maxLogLines { log.removeFirst() }
        log.append(line)
    }

    static func quoted(_ text: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: [text]), as: UTF8.self).dropFirst().dropLast().description
    }
}
