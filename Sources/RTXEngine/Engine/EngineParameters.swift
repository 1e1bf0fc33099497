import RTXCore

/// What the engine needs from its configuration (the decoded `rtx.yaml`, see
/// `EngineConfig`), in the core's units.
public struct EngineParameters: Sendable {
    public var dataDirectory: String
    public var manifestPath: String
    public var controlSocketPath: String
    public var timeTickMs: Int64
    /// Minutes after midnight UTC of the daily rollover.
    public var rolloverMinuteUTC: Int64
    public var snapshotEveryInputs: UInt64
    public var queueCapacity: Int
    public var journalBatchMax: Int
    public var symbols: [SymbolSpec]
    public var groups: [GroupSpec]
    /// Demo accounts opened at first start, with their first deposit (1e-8 of the account currency).
    public var accounts: [(spec: AccountSpec, deposit: Int64)]
    /// The LP manager's quote policy per symbol (rtx.yaml `market:` and `quote_*`).
    public var quotePolicies = QuotePolicies()
    /// The Redis quote cache (server, password, TTL); nil runs without one (`rtx run` always
    /// sets it: the private server's or `redis.url`).
    public var quoteCache: QuoteCacheSettings? = nil
    /// The read-model projector (on by default; it runs when the journal is in PostgreSQL).
    public var readModels = ReadModelSettings()

    public init(dataDirectory: String, manifestPath: String, controlSocketPath: String, timeTickMs: Int64 = 100,
                rolloverMinuteUTC: Int64 = 21 * 60, snapshotEveryInputs: UInt64 = 100_000, queueCapacity: Int = 65_536,
                journalBatchMax: Int = 2_048, symbols: [SymbolSpec], groups: [GroupSpec], accounts: [(spec: AccountSpec, deposit: Int64)]) {
        self.dataDirectory = dataDirectory
        self.manifestPath = manifestPath
        self.controlSocketPath = controlSocketPath
        self.timeTickMs = timeTickMs
        self.rolloverMinuteUTC = rolloverMinuteUTC
        self.snapshotEveryInputs = snapshotEveryInputs
        self.queueCapacity = queueCapacity
        self.journalBatchMax = journalBatchMax
        self.symbols = symbols
        self.groups = groups
        self.accounts = accounts
    }
}

/// Reading the journal back (recovery, offline replay). Thread: one at a time.
public protocol JournalReading: AnyObject {
    func read(after sequence: UInt64, limit: Int) throws -> [JournaledInput]
    func latestSnapshot() throws -> (sequence: UInt64, hash: [UInt8], format: UInt16, bytes: [UInt8])?
}
