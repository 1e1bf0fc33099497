/// The parts of a server URL (`scheme://[user[:password]@]host[:port][/path][?query]`) that
/// a connection check needs. The password, if the URL carries one, is dropped: `address`
/// and `user` never show it. IPv6 hosts are written in brackets (`[::1]:6379`).
public struct ServerURL: Sendable, Equatable {
    /// Lower-cased: `postgresql`, `redis`, `rediss` ...
    public var scheme: String
    /// The user name before `@`, if any (without a password).
    public var user: String?
    /// The host as written (brackets of an IPv6 address removed); may list several hosts
    /// separated by commas for libpq.
    public var host: String
    /// The port written in the URL, if any.
    public var port: UInt16?
    /// The path after the host without its leading `/` (a database name or number); may be empty.
    public var path: String

    /// Parses `text`; nil when it has no `://`, no host, or a port that is not 1...65535.
    public init?(_ text: String) {
        guard let separator = text.firstRange(of: "://") else { return nil }
        scheme = text[..<separator.lowerBound].lowercased()
        let rest = text[separator.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        let afterAuthority = rest[authority.endIndex...]
        path = afterAuthority.hasPrefix("/") ? String(afterAuthority.dropFirst().prefix { $0 != "?" }) : ""
        var hostPort = authority[...]
        user = nil
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            let name = userInfo.prefix { $0 != ":" }
            user = name.isEmpty ? nil : String(name)
            hostPort = authority[authority.index(after: at)...]
        }
        port = nil
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            host = String(hostPort[hostPort.index(after: hostPort.startIndex) ..< close])
            let tail = hostPort[hostPort.index(after: close)...]
            if tail.hasPrefix(":") {
                guard let p = UInt16(tail.dropFirst()), p > 0 else { return nil }
                port = p
            }
        } else if !hostPort.contains(","), let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            guard let p = UInt16(hostPort[hostPort.index(after: colon)...]), p > 0 else { return nil }
            port = p
        } else {
            host = String(hostPort)
        }
        guard !host.isEmpty else { return nil }
    }

    /// `host:port` for messages, with `defaultPort` when the URL names none (a libpq host list
    /// is shown as written); no user, no password.
    public func address(defaultPort: UInt16) -> String {
        if host.contains(",") { return host }
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(shownHost):\(port ?? defaultPort)"
    }
}
