/// The quote path's counts and latencies: LP adapters → LP manager → conflated slot →
/// sequencer (journal) → core. For benchmarks and diagnostics.
public struct QuotePipelineCounters: Sendable, Equatable {
    /// LP quotes the LP manager accepted, and those refused or ignored (any reason).
    public var lpAccepted: UInt64
    public var lpRefused: UInt64
    /// Consolidated quotes published to the sequencer's slots and to subscribers.
    public var published: UInt64
    /// Published quotes replaced in their slot before the sequencer took them.
    public var conflated: UInt64
    /// Quotes the core applied (each journaled first).
    public var applied: UInt64
}

extension Engine {
    /// Counters since start. Thread: any.
    public func quotePipelineCounters() -> QuotePipelineCounters {
        QuotePipelineCounters(lpAccepted: pump?.quotesIn.load(ordering: .relaxed) ?? 0, lpRefused: pump?.quotesIgnored.load(ordering: .relaxed) ?? 0,
                              published: pump?.quotesPublished.load(ordering: .relaxed) ?? 0, conflated: UInt64(queue.depths.conflated),
                              applied: runner.appliedQuotes.load(ordering: .relaxed))
    }

    /// LP emitted → core applied latency percentile of recorded quotes, ns (nil: none yet).
    public func quoteLatencyPercentile(_ p: Double) -> Int64? { runner.quoteLatencies.percentile(p) }

    public func resetQuoteLatencies() { runner.quoteLatencies.reset() }
}
