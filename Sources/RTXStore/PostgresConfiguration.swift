/// How `PostgresConnection` connects, and the limits it puts on every session.
///
/// The settings are sent at connection start-up (libpq's `options`), so they hold again after
/// `reconnect()` without a round trip. Keywords set here override the same keywords in
/// `conninfo`.
public struct PostgresConfiguration: Sendable, Equatable {
    /// A libpq URL (`postgresql://user:pw@127.0.0.1:5432/rtx`) or key=value conninfo
    /// (`host=127.0.0.1 port=5432 dbname=rtx`).
    public var conninfo: String
    /// Longest wait to open (or reopen) a connection, in seconds (libpq's `connect_timeout`;
    /// libpq treats 1 as 2). 0 means wait forever and is refused.
    public var connectTimeoutSeconds: Int
    /// The server cancels any one statement running longer than this, in milliseconds
    /// (`statement_timeout`, SQLSTATE 57014).
    public var statementTimeoutMs: Int
    /// The server gives up waiting for a lock after this, in milliseconds (`lock_timeout`).
    public var lockTimeoutMs: Int
    /// The server ends a session idle inside an open transaction for this long, in
    /// milliseconds (`idle_in_transaction_session_timeout`).
    public var idleInTransactionTimeoutMs: Int
    /// How long sent data may stay unacknowledged by the server's TCP stack before libpq
    /// declares the connection dead, in milliseconds (`tcp_user_timeout`; TCP only).
    public var tcpUserTimeoutMs: Int
    /// Shown in `pg_stat_activity`.
    public var applicationName: String
    /// Further server settings for every session, as `(name, value)`: the default asks
    /// for `synchronous_commit = on` (a commit returns once its WAL is flushed to disk).
    public var settings: [Setting]

    public struct Setting: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(conninfo: String,
                connectTimeoutSeconds: Int = 10,
                statementTimeoutMs: Int = 30_000,
                lockTimeoutMs: Int = 10_000,
                idleInTransactionTimeoutMs: Int = 60_000,
                tcpUserTimeoutMs: Int = 10_000,
                applicationName: String = "rtx",
                settings: [Setting] = [Setting("synchronous_commit", "on")]) {
        self.conninfo = conninfo
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.statementTimeoutMs = statementTimeoutMs
        self.lockTimeoutMs = lockTimeoutMs
        self.idleInTransactionTimeoutMs = idleInTransactionTimeoutMs
        self.tcpUserTimeoutMs = tcpUserTimeoutMs
        self.applicationName = applicationName
        self.settings = settings
    }

    /// Refuses values that would make a wait unbounded or a setting unsendable.
    func validate() throws(PostgresError) {
        func refuse(_ message: String) -> PostgresError {
            PostgresError(.badInput, doing: "check the PostgreSQL connection settings", message: message)
        }
        if conninfo.isEmpty { throw refuse("the connection URL is empty (expected postgresql://user@host:port/db or host=... dbname=...)") }
        if conninfo.utf8.contains(0) { throw refuse("the connection URL contains a NUL byte") }
        guard (1 ... 3_600).contains(connectTimeoutSeconds) else {
            throw refuse("connectTimeoutSeconds \(connectTimeoutSeconds) is outside 1...3600")
        }
        for (name, value) in [("statementTimeoutMs", statementTimeoutMs), ("lockTimeoutMs", lockTimeoutMs),
                              ("idleInTransactionTimeoutMs", idleInTransactionTimeoutMs), ("tcpUserTimeoutMs", tcpUserTimeoutMs)] {
            guard (1 ... 86_400_000).contains(value) else { throw refuse("\(name) \(value) is outside 1...86400000 (0 would mean no limit)") }
        }
        for setting in settings {
            guard !setting.name.isEmpty, setting.name.utf8.allSatisfy({ Self.isNameByte($0) }) else {
                throw refuse("setting name '\(setting.name)' is not a plain server setting name")
            }
            guard !setting.value.utf8.contains(0) else { throw refuse("setting \(setting.name) has a NUL byte in its value") }
        }
    }

    /// libpq's `options`: `-c name=value` for each limit and setting, spaces and backslashes escaped.
    var startupOptions: String {
        var all = [Setting("statement_timeout", String(statementTimeoutMs)),
                   Setting("lock_timeout", String(lockTimeoutMs)),
                   Setting("idle_in_transaction_session_timeout", String(idleInTransactionTimeoutMs))]
        all += settings
        return all.map { "-c \($0.name)=\(Self.escapeOption($0.value))" }.joined(separator: " ")
    }

    /// libpq keyword/value pairs: `dbname` carries the conninfo (expanded by libpq), later
    /// keywords override what it says.
    var keywordValues: [(String, String)] {
        [("dbname", conninfo),
         ("connect_timeout", String(connectTimeoutSeconds)),
         ("tcp_user_timeout", String(tcpUserTimeoutMs)),
         ("keepalives", "1"),
         ("keepalives_idle", "10"),
         ("keepalives_interval", "5"),
         ("keepalives_count", "3"),
         ("application_name", applicationName),
         ("options", startupOptions)]
    }

    private static func isNameByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
            || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
    }

    private static func escapeOption(_ value: String) -> String {
        var out = ""
        for c in value {
            if c == " " || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
