/// A fee model written in Swift: produces a fee schedule (commission tiers, spread markups,
/// swap rates) (`fee_model.h`). The host asks for a schedule at start and whenever the model
/// is swapped, validates and journals it; the plugin is never called per trade.
///
/// Threads: `init(host:)` and the release of the instance run on the host's control thread;
/// `buildSchedule` runs on any thread, concurrently, so conforming types are `Sendable`. It
/// may allocate and must not block on I/O.
///
/// Entries go to the host one by one through the sink, which is valid for the call only.
/// Matching: an entry's group and symbol are exact names or "*"; the most specific wins.
///
/// Errors: throw `RTXPluginError` (the sink's add methods throw when the host refuses an
/// entry); the host keeps the schedule in force and counts the fault. Never trap.
public protocol RTXFeeModel: Sendable {
    /// [control] Creates the instance bound to host; read `host.config` and throw
    /// `RTXPluginError` (`RTX_E_CONFIG` naming the line) when it is wrong.
    init(host: RTXHost) throws

    /// [any thread, concurrently] Hands the complete schedule for request to sink.
    func buildSchedule(_ request: RTXFeeRequest, into sink: RTXFeeScheduleSink) throws
}
