/// A failure talking to Redis: which server, what we were doing (the command's name and key,
/// never its values and never a password), what went wrong.
///
/// `description` reads as one line an operator can act on, for example
/// `Redis at 127.0.0.1:6379: HSET quote:EURUSD: connection lost: Connection reset by peer`.
public struct RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Could not open a connection (refused, unresolvable, no answer within the connect timeout).
        case connect
        /// The connection broke (server gone, reset, closed). The client is unusable: close it and connect again.
        case connectionLost
        /// No answer within the command timeout. The client is unusable (hiredis marks it failed).
        case timeout
        /// The server refused the password or user (`AUTH`), or wants one and none was given.
        case authentication
        /// The server answered a command needed to set the connection up (`SELECT`, `PING`) with an error.
        case server
        /// We refused to send it: the caller's input was wrong (a URL, a limit, an empty command).
        case badInput
    }

    public var kind: Kind
    /// `host:port` of the server.
    public var address: String
    /// What we were doing: "connect", "AUTH", "HSET quote:EURUSD", "pipeline of 12 commands (MULTI ...)".
    public var doing: String
    public var message: String

    public init(_ kind: Kind, address: String, doing: String, message: String) {
        self.kind = kind
        self.address = address
        self.doing = doing
        self.message = message
    }

    /// True when the client must be closed and a new connection opened.
    public var needsReconnect: Bool { kind == .connectionLost || kind == .timeout || kind == .connect }

    public var description: String {
        let what: String
        switch kind {
        case .connectionLost: what = "connection lost: "
        case .timeout: what = "timed out: "
        default: what = ""
        }
        return "Redis at \(address): \(doing): \(what)\(message)"
    }
}
