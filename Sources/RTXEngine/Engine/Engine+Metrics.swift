import RTXObservability

extension Engine {
    /// Every metric in the Prometheus text format, after refreshing what is read rather than
    /// counted as it happens (queue depths, the journal's pause state, plugin and LP adapter
    /// counters). Thread: any (one export at a time).
    public func metricsText() -> String {
        metricsExport.withLock { plugins in
            let metrics = PipelineMetrics.shared
            let depths = queue.depths
            metrics.queueClient.record(depths.client)
            metrics.queueSystem.record(depths.system)
            metrics.queueQuotes.record(depths.quotes)
            metrics.queueHandoff.record(handoff.depth)
            if let sequencer { metrics.journalPaused.record(sequencer.isPaused ? 1 : 0) }
            if let host { plugins.refresh(host: host) }
        }
        return EngineMetrics.prometheusText()
    }
}

extension Engine {
    /// Whether the engine is started and not stopping (the API's readiness).
    public var isRunning: Bool { running.load(ordering: .acquiring) }
}
