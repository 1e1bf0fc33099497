/// Why the engine refused an input before the core saw it. Each has a stable code for the
/// API and a message that says what happened and what to do.
public enum EngineRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bounded input queue is full (its capacity).
    case queueFull(capacity: Int)
    /// The journal cannot be written: nothing can change until it is back.
    case journalUnavailable(String)
    /// The engine is starting or stopping.
    case notRunning
    /// No answer within the caller's wait (the input may still be applied: check by client order id).
    case timedOut(waitMs: Int64)
    /// The request names something unknown or is malformed (which field).
    case invalidRequest(String)
    /// The account group's routing refused the order (its fallback is reject, or no binding).
    case routingRefused(String)

    public var code: String {
        switch self {
        case .queueFull: "queue_full"
        case .journalUnavailable: "journal_unavailable"
        case .notRunning: "not_running"
        case .timedOut: "timed_out"
        case .invalidRequest: "invalid_request"
        case .routingRefused: "routing_refused"
        }
    }

    public var description: String {
        switch self {
        case .queueFull(let capacity): "the engine's input queue is full (\(capacity) inputs waiting); try again shortly"
        case .journalUnavailable(let why): "trading is paused: the journal cannot be written (\(why)); orders are refused until it is back"
        case .notRunning: "the engine is not running (starting or stopping)"
        case .timedOut(let ms): "no answer within \(ms) ms; the order may still be applied: look it up by its client order id"
        case .invalidRequest(let why): why
        case .routingRefused(let why): "the order was refused by routing: \(why)"
        }
    }
}
