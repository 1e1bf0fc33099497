/// Where a Redis server is and how long to wait for it: host, port, ACL user, password,
/// database number, and the connect and command timeouts. Made from a `redis://` URL plus a
/// password from elsewhere (rtx.yaml's `password_env` / `password_file`).
///
/// The password is kept but never shown: `description`, `dump` and mirrors leave it out.
/// `rediss://` (TLS) is refused: hiredis 0.14 (Debian's libhiredis-dev) has no TLS.
public struct RedisConfiguration: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    public var host: String
    public var port: UInt16
    /// The ACL user for `AUTH user password` (Redis 6+); nil sends `AUTH password`.
    public var user: String?
    private var password: String?
    /// `SELECT`ed after connecting when not 0.
    public var database: Int
    /// Longest wait for the TCP connection, ms (1...600,000).
    public var connectTimeoutMs: Int
    /// Longest wait for each command's reply (and for sending it), ms (1...600,000). A command
    /// that passes it leaves the client unusable (`RedisError.Kind.timeout`).
    public var commandTimeoutMs: Int

    public static let defaultPort: UInt16 = 6379
    public static let maxTimeoutMs = 600_000

    public init(host: String, port: UInt16 = defaultPort, user: String? = nil, password: String? = nil, database: Int = 0,
                connectTimeoutMs: Int = 5_000, commandTimeoutMs: Int = 2_000) throws(RedisError) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.connectTimeoutMs = connectTimeoutMs
        self.commandTimeoutMs = commandTimeoutMs
        try validate()
    }

    /// From `redis://[user@]host[:port][/db]`; `password` (if any) is used for `AUTH`. A
    /// password written in the URL itself is ignored (rtx.yaml refuses one there).
    public init(url: String, password: String? = nil, connectTimeoutMs: Int = 5_000, commandTimeoutMs: Int = 2_000) throws(RedisError) {
        guard let parsed = ServerURL(url) else {
            throw RedisError(.badInput, address: "?", doing: "read the Redis URL", message: "not a redis://host:port/db URL")
        }
        let address = parsed.address(defaultPort: Self.defaultPort)
        guard parsed.scheme == "redis" else {
            let why = parsed.scheme == "rediss"
                ? "rediss:// (TLS) is not supported: the hiredis 0.14 client has no TLS (use redis:// through a TLS tunnel such as stunnel)"
                : "the scheme '\(parsed.scheme)' is not redis://"
            throw RedisError(.badInput, address: address, doing: "read the Redis URL", message: why)
        }
        var database = 0
        if !parsed.path.isEmpty {
            guard let n = Int(parsed.path), n >= 0 else {
                throw RedisError(.badInput, address: address, doing: "read the Redis URL", message: "the path '/\(parsed.path)' is not a database number")
            }
            database = n
        }
        try self.init(host: parsed.host, port: parsed.port ?? Self.defaultPort, user: parsed.user, password: password, database: database,
                      connectTimeoutMs: connectTimeoutMs, commandTimeoutMs: commandTimeoutMs)
    }

    /// `host:port` for messages (IPv6 in brackets).
    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public var hasPassword: Bool { password != nil }

    /// The password, for `AUTH` only.
    func revealPassword() -> String? { password }

    func validate() throws(RedisError) {
        let doing = "check the Redis settings"
        guard !host.isEmpty else { throw RedisError(.badInput, address: address, doing: doing, message: "the host is empty") }
        guard port > 0 else { throw RedisError(.badInput, address: address, doing: doing, message: "port 0") }
        guard database >= 0, database <= Int(Int32.max) else {
            throw RedisError(.badInput, address: address, doing: doing, message: "database \(database) is not 0...\(Int32.max)")
        }
        for (name, value) in [("connect", connectTimeoutMs), ("command", commandTimeoutMs)] where !(1 ... Self.maxTimeoutMs).contains(value) {
            throw RedisError(.badInput, address: address, doing: doing, message: "\(name) timeout \(value) ms is outside 1...\(Self.maxTimeoutMs)")
        }
        if let password, password.isEmpty { throw RedisError(.badInput, address: address, doing: doing, message: "the password is empty") }
    }

    public var description: String {
        "redis://\(user.map { $0 + "@" } ?? "")\(address)/\(database) (password \(password == nil ? "none" : "set"), connect \(connectTimeoutMs) ms, command \(commandTimeoutMs) ms)"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["host": host, "port": port, "user": user as Any, "hasPassword": hasPassword, "database": database,
                                "connectTimeoutMs": connectTimeoutMs, "commandTimeoutMs": commandTimeoutMs], displayStyle: .struct)
    }
}
