#if canImport(Glibc)
import Glibc
#endif

/// Plain HTTP/1.1 requests to the API on 127.0.0.1 for the benchmarks: the request bytes the
/// load clients send, and one blocking request (log-ins and checks during set-up).
enum LoopbackHTTP {
    /// A request with a JSON body (keep-alive; `Authorization: Bearer` when `token` is given).
    static func request(_ method: String, _ path: String, json: String?, token: String?) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        if let json {
            head += "Content-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n" + json
        } else {
            head += "\r\n"
        }
        return Array(head.utf8)
    }

    /// Sends one request on a fresh connection and waits up to `timeoutMs` for the answer.
    static func send(port: UInt16, _ method: String, _ path: String, json: String? = nil, token: String? = nil,
                     timeoutMs: Int32 = 10_000) throws -> HTTPResponseReader.Response {
        let fd = try LoopbackSocket.connect(port: port)
        defer { close(fd) }
        var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&p, 1, timeoutMs) > 0, LoopbackSocket.connectError(fd) == 0 else { throw BenchError("cannot connect to 127.0.0.1:\(port)") }
        guard LoopbackSocket.writeAll(fd, request(method, path, json: json, token: token)) else { throw BenchError("\(method) \(path): write failed") }
        var reader = HTTPResponseReader(capacity: 64 * 1_024)
        while true {
            var r = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&r, 1, timeoutMs) > 0 else { throw BenchError("\(method) \(path): no answer within \(timeoutMs) ms") }
            switch reader.read(fd) {
            case .incomplete: continue
            case .response(let response): return response
            case .failed(let why): throw BenchError("\(method) \(path): \(why)")
            }
        }
    }

    /// Logs `login` in and returns its access token.
    static func login(port: UInt16, _ login: String, password: String) throws -> String {
        let answer = try send(port: port, "POST", "/api/v1/auth/login", json: "{\"login\":\"\(login)\",\"password\":\"\(password)\"}")
        let marker = Array("\"access_token\":\"".utf8)
        guard answer.status == 200, let start = answer.body.firstRange(of: marker)?.upperBound,
              let end = answer.body[start...].firstIndex(of: UInt8(ascii: "\"")) else {
            throw BenchError("login \(login) failed: \(answer.status) \(answer.text)")
        }
        return String(decoding: answer.body[start ..< end], as: UTF8.self)
    }
}
