/// An LP adapter written in Swift: connects to one liquidity provider, streams its quotes,
/// sends and cancels orders, and reports executions and connection state through the
/// `RTXHost` it was created with (`lp_adapter.h`).
///
/// Threads (the host's contract; the SDK adds no thread and no lock of its own):
/// - control thread, one call at a time per instance: `init(host:)`, `start`, `stop`,
///   `subscribe`, `unsubscribe`, and the release of the instance (destroy). They may block
///   briefly; `start` must not wait for the venue (connect in your own thread).
/// - the host's order thread, never concurrently with each other: `sendOrder`, `cancelOrder`.
///   They must not block: copy the request into a bounded queue for your thread and throw
///   `.again(...)` when it is full (having taken nothing).
/// - any thread: `stats()`.
/// So conforming types are `Sendable`. Your own threads (see `RTXPluginThread`) push quotes,
/// reports and states through the host. `stop()` joins every thread you started and may emit
/// the final DISCONNECTED and last reports itself: after it returns no host callback may
/// follow and none of your code may run until `start()` or the instance's release.
///
/// Lifecycle: init -> [subscribe]* -> start -> (send/cancel/subscribe/unsubscribe)* -> stop ->
/// [start ... stop]* -> released. The SDK calls `stop()` only after a `start()` that returned
/// without throwing, answers a second `start` without `stop` with `RTX_E_STATE` itself, and
/// calls `stop()` before releasing a started instance (the host never destroys one).
///
/// Errors: throw `RTXPluginError` (the SDK writes it into the host's `rtx_error_t`). Never
/// trap: a `fatalError`, force-unwrap or overflow takes down the whole trading process.
public protocol RTXLPAdapter: Sendable {
    /// [control] Creates the instance bound to host; read `host.config` and throw
    /// `RTXPluginError` (`RTX_E_CONFIG` naming the line) when it is wrong.
    init(host: RTXHost) throws

    /// [control] Begins connecting (in your own thread) and streaming.
    func start() throws

    /// [control, blocks] Disconnects and joins every thread you started. No callback after it returns.
    func stop()

    /// [control] Adds symbols (before or after start). Throw `.notFound` naming an unknown lp_symbol.
    func subscribe(_ subscriptions: [RTXSubscription]) throws

    /// [control] Stops quoting symbols; unknown ids are ignored.
    func unsubscribe(_ symbolIDs: [UInt32]) throws

    /// [order thread, non-blocking] Queues an order; its outcome arrives as execution reports.
    func sendOrder(_ order: RTXOrderRequest) throws

    /// [order thread, non-blocking] Queues a cancel; the outcome arrives as an execution report.
    func cancelOrder(_ cancel: RTXCancelRequest) throws

    /// [any thread, non-blocking] The adapter's counters, or nil when it keeps none (the host
    /// then gets `RTX_E_UNSUPPORTED`). Default: nil.
    func stats() -> RTXLPStats?
}

extension RTXLPAdapter {
    public func stats() -> RTXLPStats? { nil }
}
