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
    /// Token bucket per account (`rate_account_per_second`, 1...100000; `rate_account_burst`, 1...100000).
    public var rateAccountPerSecond: Int = 50
    public var rateAccountBurst: Int = 100
    /// Token bucket per remote address, for REST requests and stream connections alike
    /// (`rate_address_per_second`, `rate_address_burst`, same ranges).
    public var rateAddressPerSecond: Int = 100
    public var rateAddressBurst: Int = 200
    /// Origins a browser page may call the API from (`cors_origins`, e.g. `http://127.0.0.1:8080`; `*` any).
    public var corsOrigins: [String] = []
    /// WebSocket heartbeat period (`stream_heartbeat_seconds`, 1...300 s): a heartbeat message and a ping;
    /// a client that has not answered the previous ping is closed.
    public var streamHeartbeatSeconds: Int = 15
    /// Private messages (orders, positions, account, margin calls) queued per WebSocket at most
    /// (`stream_buffer_messages`, 16...65536); quotes are conflated to the latest per symbol besides.
    public var streamBufferMessages: Int = 1_024
    /// A WebSocket that stays behind this long (messages waiting, none written) is closed
    /// (`stream_max_lag_seconds`, 1...600 s), and so is one whose private queue overflows.
    public var streamMaxLagSeconds: Int = 10

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
        if let field = map.optional("rate_account_per_second"), let v = reader.integer(field, range: 1 ... 100_000, unit: "requests/s") { s.rateAccountPerSecond = v }
        if let field = map.optional("rate_account_burst"), let v = reader.integer(field, range: 1 ... 100_000, unit: "requests") { s.rateAccountBurst = v }
        if let field = map.optional("rate_address_per_second"), let v = reader.integer(field, range: 1 ... 100_000, unit: "requests/s") { s.rateAddressPerSecond = v }
        if let field = map.optional("rate_address_burst"), let v = reader.integer(field, range: 1 ... 100_000, unit: "requests") { s.rateAddressBurst = v }
        if let field = map.optional("cors_origins"), let items = reader.list(field, fix: "write e.g. `cors_origins: [\"http://127.0.0.1:8080\"]`", limit: 64) {
            s.corsOrigins = []
            for item in items {
                guard let text = reader.string(item, example: "http://127.0.0.1:8080") else { continue }
                if text == "*" || ((text.hasPrefix("http://") || text.hasPrefix("https://")) && !text.hasSuffix("/") && !text.contains(" ")) {
                    s.corsOrigins.append(text)
                } else {
                    reader.fail(item, "'\(text)' is not an origin (scheme://host[:port], no path) or *",
                                fix: "write e.g. `http://127.0.0.1:8080` (no trailing slash), or `*` for any origin")
                }
            }
        }
        if let field = map.optional("stream_heartbeat_seconds"), let v = reader.integer(field, range: 1 ... 300, unit: "s") { s.streamHeartbeatSeconds = v }
        if let field = map.optional("stream_buffer_messages"), let v = reader.integer(field, range: 16 ... 65_536, unit: "messages") { s.streamBufferMessages = v }
        if let field = map.optional("stream_max_lag_seconds"), let v = reader.integer(field, range: 1 ... 600, unit: "s") { s.streamMaxLagSeconds = v }
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
