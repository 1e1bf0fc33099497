import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 client over a TCP socket for the API tests: one request per connection
/// (`Connection: close`), the whole answer read until the server closes (at most 4 MiB,
/// `readTimeoutSeconds` per read, 10 unless set). No mocks: it talks to `rtx run`'s real server.
struct HTTPTestClient {
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        /// The API's error shape: (code, field).
        var error: (code: String?, field: String?) {
            let e = json["error"] as? [String: Any]
            return (e?["code"] as? String, e?["field"] as? String)
        }
    }

    var host = "127.0.0.1"
    var port: UInt16
    /// The longest wait for each read of the answer, s.
    var readTimeoutSeconds = 10

    /// `POST`s `body` as JSON when it is given (a `String` is sent as it is, raw).
    func send(_ method: String, _ path: String, token: String? = nil, json: [String: Any]? = nil, raw: String? = nil,
              rawBytes: [UInt8]? = nil, headers extra: [String: String] = [:]) throws -> Answer {
        var body: [UInt8] = []
        if let json { body = Array(try JSONSerialization.data(withJSONObject: json)) }
        if let raw { body = Array(raw.utf8) }
        if let rawBytes { body = rawBytes }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        for (name, value) in extra.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        if method != "GET", method != "OPTIONS" { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        head += "\r\n"
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSetupError("socket: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: readTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestSetupError("connect to \(host):\(port): errno \(errno)") }
        let request = Array(head.utf8) + body
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }     // the server may answer (413) and close before reading everything
            sent += n
        }
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while answer.count < 4 << 20 {
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            answer += chunk[0 ..< n]
        }
        return try Self.parse(answer)
    }

    static func parse(_ bytes: [UInt8]) throws -> Answer {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0 ..< max(0, bytes.count - 3)).first(where: { Array(bytes[$0 ..< $0 + 4]) == separator }) else {
            throw TestSetupError("no HTTP answer: \(String(decoding: bytes, as: UTF8.self))")
        }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw TestSetupError("bad status line \(lines[0])") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(bytes[(end + 4)...])
        if headers["transfer-encoding"] == "chunked" { body = dechunk(body) }
        return Answer(status: status, headers: headers, body: body)
    }

    static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let lineEnd = (i ..< bytes.count - 1).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }),
                  let size = Int(String(decoding: bytes[i ..< lineEnd], as: UTF8.self), radix: 16), size > 0 else { break }
            out += bytes[(lineEnd + 2) ..< min(bytes.count, lineEnd + 2 + size)]
            i = lineEnd + 2 + size + 2
        }
        return out
    }
}
