/// The engine's parameters from a validated `rtx.yaml`: one mapping for `rtx run`, `rtx replay`,
/// the benchmarks and the tests.
extension EngineParameters {
    public init(config: EngineConfig) {
        self.init(dataDirectory: config.engine.dataDirectory, manifestPath: config.engine.pluginsManifestPath,
                  controlSocketPath: config.engine.controlSocketPath, timeTickMs: config.engine.timeTickMs,
                  rolloverMinuteUTC: Int64(config.engine.rolloverMinuteUTC), snapshotEveryInputs: UInt64(config.engine.snapshotEveryInputs),
                  queueCapacity: config.engine.queueCapacity, journalBatchMax: config.engine.journalBatchMax,
                  symbols: config.symbols.map { $0.symbolSpec() }, groups: config.groups.map { $0.groupSpec() },
                  accounts: config.accountOpenings().map { ($0.spec, $0.deposit) })
        quotePolicies = config.quotePolicies
        readModels = ReadModelSettings(enabled: config.database.readModels, batchMax: config.database.readModelBatch)
    }
}
