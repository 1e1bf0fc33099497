import Dispatch
import RTXEngine
import Synchronization

/// Runs the engine's blocking calls (`submit` waits for the journal and the core, `read` for
/// the core thread, bcrypt for up to ~250 ms of CPU) on a dispatch queue, so the server's
/// event loops never wait. At most `maxInFlight` calls at a time; beyond that a request gets
/// 503 `busy` at once instead of queueing without bound.
///
/// Thread: any. Lifetime: the server's.
final class EngineCalls: Sendable {
    /// Most blocking calls in flight at once.
    static let maxInFlight = 256
    private let queue = DispatchQueue(label: "rtx-api-engine-calls", attributes: .concurrent)
    private let inFlight = Atomic<Int>(0)

    func run<R: Sendable>(_ body: @escaping @Sendable () throws -> R) async throws -> R {
        guard inFlight.add(1, ordering: .relaxed).newValue <= Self.maxInFlight else {
            inFlight.subtract(1, ordering: .relaxed)
            throw APIError(.serviceUnavailable, "busy", "the server has \(Self.maxInFlight) engine calls in flight; try again shortly")
        }
        defer { inFlight.subtract(1, ordering: .relaxed) }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
        }
    }
}
