/// A failure talking to PostgreSQL: what we were doing, what went wrong, and the server's
/// SQLSTATE and message when the server said something.
///
/// `description` reads as one line an operator can act on, for example
/// `append journal batch 1201...1264: connection lost: server closed the connection unexpectedly`.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Could not open a connection (bad conninfo, server down, authentication, timeout).
        case connect
        /// The connection broke (server stopped, network gone). `PostgresConnection.reconnect()`
        /// may bring it back; the statement in flight may or may not have committed.
        case connectionLost
        /// The server refused the statement; `sqlState` says why (for example 23505 unique
        /// violation, 57014 statement timeout, 42P01 undefined table).
        case server
        /// We refused to send it: the caller's input was wrong (too large, out of range, ...).
        case badInput
        /// The server answered something we could not read as asked (NULL, wrong width, ...).
        case decode
    }

    public var kind: Kind
    /// The five-character SQLSTATE, when the server sent one.
    public var sqlState: String?
    /// The server's primary message, or libpq's, or ours.
    public var message: String
    /// The server's DETAIL line, when it sent one.
    public var detail: String?
    /// What we were doing, in words: "connect to 127.0.0.1:5433/rtx", "append journal batch 1...64".
    public var doing: String

    public init(_ kind: Kind, doing: String, message: String, sqlState: String? = nil, detail: String? = nil) {
        self.kind = kind
        self.doing = doing
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
    }

    /// True when the connection is gone and `reconnect()` is the next step.
    public var isConnectionLost: Bool { kind == .connectionLost }

    /// True when the server cancelled the statement for running past `statement_timeout`.
    public var isStatementTimeout: Bool { sqlState == "57014" }

    public var description: String {
        var text = "\(doing): "
        if kind == .connectionLost { text += "connection lost: " }
        text += message
        if let sqlState { text += " [SQLSTATE \(sqlState)]" }
        if let detail, !detail.isEmpty { text += " (\(detail))" }
        return text
    }
}
