/// One reply from Redis (RESP2, as hiredis 0.14 reads it), copied out of hiredis's memory so
/// it outlives the call. Bulk strings are bytes (binary-safe); `text` reads them as UTF-8.
public indirect enum RedisReply: Sendable, Equatable, CustomStringConvertible {
    /// `+OK`, `+PONG`, `+QUEUED` ...
    case status(String)
    /// `-ERR ...`, `-WRONGTYPE ...`: the server refused this one command (the connection is fine).
    case error(String)
    case integer(Int64)
    /// A bulk string, byte for byte.
    case bulk([UInt8])
    /// The null bulk string or null array (`GET` of a missing key, `EXEC` after a failed `WATCH`).
    case null
    case array([RedisReply])

    /// The bytes of a bulk string or the text of a status, as UTF-8 (invalid bytes replaced); nil otherwise.
    public var text: String? {
        switch self {
        case .bulk(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let s): s
        default: nil
        }
    }

    public var integer: Int64? {
        if case .integer(let v) = self { return v }
        return nil
    }

    public var elements: [RedisReply]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The first error message in this reply or, for arrays (`EXEC`), in its elements.
    public var firstError: String? {
        switch self {
        case .error(let message): message
        case .array(let items): items.lazy.compactMap(\.firstError).first
        default: nil
        }
    }

    /// `HGETALL`'s flat field/value array as a dictionary (UTF-8 fields and values); nil for other replies.
    public var fieldValues: [String: String]? {
        guard case .array(let items) = self, items.count % 2 == 0 else { return nil }
        var result: [String: String] = [:]
        var i = 0
        while i < items.count {
            guard let field = items[i].text, let value = items[i + 1].text else { return nil }
            result[field] = value
            i += 2
        }
        return result
    }

    public var description: String {
        switch self {
        case .status(let s): "+\(s)"
        case .error(let e): "-\(e)"
        case .integer(let v): ":\(v)"
        case .bulk(let b): "\"\(String(decoding: b.prefix(200), as: UTF8.self))\(b.count > 200 ? "…" : "")\""
        case .null: "(nil)"
        case .array(let a): "[\(a.map(\.description).joined(separator: ", "))]"
        }
    }
}
