/// An LP adapter's own report of its connection (the ABI's RTX_CONNECTION_* values).
public enum LinkState: Int32, Sendable, Equatable, CustomStringConvertible {
    case disconnected = 1, connecting, connected, degraded, down

    /// Connected or degraded: the adapter says quotes flow.
    public var isUp: Bool { self == .connected || self == .degraded }

    public var description: String {
        switch self {
        case .disconnected: "disconnected"
        case .connecting: "connecting"
        case .connected: "connected"
        case .degraded: "degraded"
        case .down: "down"
        }
    }
}

/// The state the LP manager keeps per LP, from the adapter's reports and its quotes' ages:
/// - `down`, `disconnected`, `connecting`: as the adapter reported;
/// - `connected`: up (connected or degraded) and fresh for at least one of its symbols,
///   or up for less than the longest `stale_after_ms` of its symbols (not yet expected to
///   have quoted), or bound to no symbol;
/// - `stale`: up, but no accepted quote for any of its symbols within that symbol's
///   `stale_after_ms` (it went quiet without saying so).
/// An adapter that never reported a connection state is judged by its quotes alone (as if
/// up since its first quote). Raw values are the `rtx_lp_state` gauge's.
public enum LPHealth: Int, Sendable, Equatable, CustomStringConvertible {
    case disconnected = 0, connecting = 1, connected = 2, stale = 3, down = 4

    public var description: String {
        switch self {
        case .disconnected: "disconnected"
        case .connecting: "connecting"
        case .connected: "connected"
        case .stale: "stale"
        case .down: "down"
        }
    }

    /// The state for an adapter's report, before quote ages are considered.
    static func from(_ link: LinkState) -> LPHealth {
        switch link {
        case .disconnected: .disconnected
        case .connecting: .connecting
        case .connected, .degraded: .connected
        case .down: .down
        }
    }
}
