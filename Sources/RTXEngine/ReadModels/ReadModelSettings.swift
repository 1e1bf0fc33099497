/// How the read-model projector runs (`database.read_models`, `database.read_model_batch` in
/// rtx.yaml; see `ReadModelProjector`).
public struct ReadModelSettings: Sendable, Equatable {
    /// Whether the engine starts the projector (it needs the journal in PostgreSQL).
    public var enabled: Bool
    /// Most journal records projected in one transaction (1...10,000). A projector that lags
    /// reads full batches back to back until it has caught up.
    public var batchMax: Int
    /// How long the projector waits before looking again when it has caught up, ms.
    public var idleWaitMs: Int64
    /// How long it waits after a failure (PostgreSQL unreachable, a write refused) before
    /// reconnecting and recovering its replica from its checkpoint, ms.
    public var retryMs: Int64

    public init(enabled: Bool = true, batchMax: Int = 4_000, idleWaitMs: Int64 = 10, retryMs: Int64 = 1_000) {
        self.enabled = enabled
        self.batchMax = batchMax
        self.idleWaitMs = idleWaitMs
        self.retryMs = retryMs
    }

    public static let maxBatch = 10_000
}
