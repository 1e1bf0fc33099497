import RTXCore

/// One input on its way to the sequencer. Thread: built by any thread, owned by the queue,
/// then by the sequencer.
struct EngineInput: Sendable {
    enum Lane: Sendable {
        /// Client requests: refused with `queueFull` when their lane is full.
        case client
        /// LP execution reports, fee schedules, time, definitions: never refused for space
        /// (their own, larger lane; see `InputQueue`).
        case system
    }

    var command: Command
    /// Who waits for the outcome (nil: nobody).
    var reply: Reply?
    /// Orders: ask the group's routing policy at sequencing (the request's routing is replaced).
    var needsRouting: Bool
    var lane: Lane
    /// When it was submitted (monotonic), for latency figures.
    var submittedNs: Int64

    static func client(_ command: Command, reply: Reply) -> EngineInput {
        let routed: Bool = switch command {
        case .placeMarketOrder, .placePendingOrder: true
        default: false
        }
        return EngineInput(command: command, reply: reply, needsRouting: routed, lane: .client, submittedNs: EngineClock.monotonicNs())
    }

    static func system(_ command: Command, reply: Reply? = nil) -> EngineInput {
        EngineInput(command: command, reply: reply, needsRouting: false, lane: .system, submittedNs: EngineClock.monotonicNs())
    }
}
