/// A routing policy written in Swift: decides, per order, the A-Book (to an LP), the B-Book
/// (the broker takes the other side) or the C-Book (internal plus a partial hedge)
/// (`routing.h`).
///
/// Threads: `init(host:)` and the release of the instance run on the host's control thread;
/// `decide` runs on any thread, concurrently, so conforming types are `Sendable` (keep the
/// instance immutable after init and no lock is needed). `decide` must not block and should
/// not allocate: precompute reason strings in init (the SDK copies the context's strings and
/// LP states into Swift values, which allocates only for strings longer than 15 bytes and for
/// a non-empty LP state list).
///
/// `decide` must be a pure function of its argument and the instance's configuration: the
/// decision and the context it saw are journaled with the order, and replay never calls the
/// plugin again.
///
/// Errors: throw `RTXPluginError`; the host then applies the group's fallback and counts the
/// fault. Never trap.
public protocol RTXRoutingPolicy: Sendable {
    /// [control] Creates the instance bound to host; read `host.config` and throw
    /// `RTXPluginError` (`RTX_E_CONFIG` naming the line) when it is wrong.
    init(host: RTXHost) throws

    /// [any thread, concurrently; non-blocking] The decision for one order.
    func decide(_ context: RTXRoutingContext) throws -> RTXRoutingAnswer
}
