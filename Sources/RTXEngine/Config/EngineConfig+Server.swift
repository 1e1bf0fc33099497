import RTXPluginHost

/// `server:` — the client HTTP API (RTXServer): where it listens, its token lifetimes and its
/// request size limit. Tokens are signed with a key made at each start (a restart logs every
/// client out).
public struct ServerSettings: Sendable, Equatable {
    /// The listening address: an IPv4 literal or `localhost`.
    public var host: String
    /// The TCP port; 0 picks a free one (the banner prints it).
    public var port: UInt16
    /// Lifetime of an access token (`access_token_seconds`, 1...86400 s).
    public var accessTokenSeconds: Int
    /// Lifetime of a refresh token (`refresh_token_seconds`, 60...2592000 s, at least the access token's).
    public var refreshTokenSeconds: Int
    /// Largest request body read (`max_body_bytes`, 1024...1048576 bytes); larger ones get 413.
    public var maxBodyBytes: Int

    /// `host:port`, as written in the file.
    public var listen: String { "\(host):\(port)" }

    public static let defaults = ServerSettings(host: "127.0.0.1", port: 8_080, accessTokenSeconds: 900, refreshTokenSeconds: 86_400, maxBodyBytes: 65_536)
}

/// Reads `server:`.
enum ServerConfigDecoding {
    static func decodeSection(_ f: Field?, reader: inout ConfigReader, marks: inout [String: SourceMark]) -> ServerSettings? {
        guard let f, !f.isNull else { return .defaults }
        guard var map = reader.mapping(f, what: "'server'", fix: "indent `listen: 127.0.0.1:8080` under `server:`") else { return nil }
        let before = reader.errors.count
        var s = ServerSettings.defaults
        if let field = map.optional("listen"), let text = reader.string(field, example: "127.0.0.1:8080") {
            marks[field.path] = field.mark
            if let (host, port) = parseListen(text) {
                s.host = host
                s.port = port
            } else {
                reader.fail(field, "'\(text)' is not HOST:PORT with an IPv4 address (or localhost) and a port 0 or 1024...65535",
                            fix: "write e.g. `listen: 127.0.0.1:8080` (0.0.0.0 listens on every interface; port 0 picks a free one)")
            }
        }
        if let field = map.optional("access_token_seconds"), let v = reader.integer(field, range: 1 ... 86_400, unit: "s") { s.accessTokenSeconds = v }
        if let field = map.optional("refresh_token_seconds"), let v = reader.integer(field, range: 60 ... 2_592_000, unit: "s") {
            s.refreshTokenSeconds = v
            if v < s.accessTokenSeconds {
                reader.fail(field, "a refresh token (\(v) s) must live at least as long as an access token (\(s.accessTokenSeconds) s)",
                            fix: "raise refresh_token_seconds or lower access_token_seconds")
            }
        }
        if let field = map.optional("max_body_bytes"), let v = reader.integer(field, range: 1_024 ... 1_048_576, unit: "bytes") { s.maxBodyBytes = v }
        map.finish(what: "'server'", reader: &reader)
        return reader.errors.count == before ? s : nil
    }

    /// `a.b.c.d:port` or `localhost:port`, port 0 or 1024...65535.
    static func parseListen(_ text: String) -> (String, UInt16)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), port == 0 || (1_024 ... 65_535).contains(port) else { return nil }
        if host == "localhost" { return ("127.0.0.1", UInt16(port)) }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ p in !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isASCII) && UInt8(p) != nil }) else { return nil }
        return (host, UInt16(port))
    }
}
