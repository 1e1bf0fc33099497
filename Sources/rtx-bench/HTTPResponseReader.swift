#if canImport(Glibc)
import Glibc
#endif

/// Reads HTTP/1.1 responses with a `Content-Length` (what the API sends) from a socket into a
/// fixed buffer of `capacity` bytes; a response that does not fit is an error, never a larger
/// buffer. One response at a time (no pipelining).
struct HTTPResponseReader {
    /// A complete response: its status code and body.
    struct Response {
        var status: Int
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    enum Step {
        case incomplete
        case response(Response)
        /// The peer closed, the read failed, or the response was malformed or too large.
        case failed(String)
    }

    private var buffer: [UInt8]
    private var used = 0

    init(capacity: Int = 16 * 1_024) { buffer = [UInt8](repeating: 0, count: capacity) }

    /// Reads what the socket has (non-blocking) and returns a response once one is complete.
    mutating func read(_ fd: Int32) -> Step {
        while used < buffer.count {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + used, $0.count - used) }
            if n > 0 { used += n; continue }
            if n == 0 { return .failed("the server closed the connection") }
            if errno == EINTR { continue }
            if errno == EAGAIN { break }
            return .failed("read: \(String(cString: strerror(errno)))")
        }
        return parse()
    }

    private mutating func parse() -> Step {
        guard let headerEnd = find([13, 10, 13, 10]) else {
            return used == buffer.count ? .failed("response head over \(buffer.count) bytes") : .incomplete
        }
        let head = String(decoding: buffer[0 ..< headerEnd], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let first = lines.first, first.hasPrefix("HTTP/1.1 "), let status = Int(first.dropFirst(9).prefix(3)) else {
            return .failed("not an HTTP/1.1 status line: \(lines.first ?? "")")
        }
        var length: Int?
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" { length = Int(parts[1].trimmingCharacters(in: " ")) }
            if parts.count == 2, parts[0].lowercased() == "transfer-encoding" { return .failed("chunked responses are not read by this client") }
        }
        let bodyStart = headerEnd + 4
        let total = bodyStart + (length ?? 0)
        guard total <= buffer.count else { return .failed("response of \(total) bytes over \(buffer.count)") }
        guard used >= total else { return .incomplete }
        let response = Response(status: status, body: Array(buffer[bodyStart ..< total]))
        // Anything after it would be an unasked-for response: keep it for the next call.
        buffer.withUnsafeMutableBytes { b in _ = memmove(b.baseAddress!, b.baseAddress! + total, used - total) }
        used -= total
        return .response(response)
    }

    private func find(_ pattern: [UInt8]) -> Int? { ByteSearch.firstIndex(of: pattern, in: buffer, count: used) }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String { String(drop { $0 == set }.reversed().drop { $0 == set }.reversed()) }
}
