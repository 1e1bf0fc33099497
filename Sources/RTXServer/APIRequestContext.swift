import Hummingbird
import NIOCore

/// The request context of every client API route: Hummingbird's core context plus the
/// connection's remote address, read once when the request starts (the per-address rate
/// limit's key). Thread: built and used on the request's task; a value type.
struct APIRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The peer of the TCP connection; nil only for a channel without one (not TCP).
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The rate-limit key of the address: the IP without the port ("unknown" without one).
    var addressKey: String { remoteAddress?.ipAddress ?? "unknown" }
}
