import Synchronization

/// Per-instance fault accounting for a pure plugin (routing policy or fee model): calls,
/// errors, out-of-range answers, budget overruns, quarantine. Counters are atomics so any
/// caller thread may record; the quarantine flag is read on every call.
///
/// Quarantine: after `maxOverruns` consecutive calls over budget the instance is no longer
/// called; callers get their fallback until the plugin is swapped or reloaded.
public final class PluginCallGuard: @unchecked Sendable {
    public let instanceID: String
    public let pluginID: String
    public let pluginVersion: String
    /// Largest duration of one call, ns; 0 = not timed.
    public let budgetNs: Int64
    public let maxOverruns: Int
    let logSink: any PluginLogSink

    private let calls = Atomic<UInt64>(0)
    private let errors = Atomic<UInt64>(0)
    private let outOfRange = Atomic<UInt64>(0)
    private let overruns = Atomic<UInt64>(0)
    private let consecutiveOverruns = Atomic<Int>(0)
    private let skippedWhileQuarantined = Atomic<UInt64>(0)
    private let quarantined = Atomic<Bool>(false)
    private let logsLeft = Atomic<Int>(50)

    init(instanceID: String, library: LoadedLibrary, budgetNs: Int64, maxOverruns: Int, logSink: any PluginLogSink) {
        self.instanceID = instanceID
        pluginID = library.descriptor.pluginID
        pluginVersion = library.descriptor.pluginVersion
        self.budgetNs = budgetNs
        self.maxOverruns = maxOverruns
        self.logSink = logSink
    }

    /// Counters of this instance. Any thread.
    public var stats: PluginCallStats {
        PluginCallStats(calls: calls.load(ordering: .relaxed), errors: errors.load(ordering: .relaxed),
                        outOfRange: outOfRange.load(ordering: .relaxed), overruns: overruns.load(ordering: .relaxed),
                        skippedWhileQuarantined: skippedWhileQuarantined.load(ordering: .relaxed),
                        quarantined: quarantined.load(ordering: .relaxed))
    }

    @inline(__always) var isQuarantined: Bool { quarantined.load(ordering: .relaxed) }

    @inline(__always) func recordSkip() { skippedWhileQuarantined.add(1, ordering: .relaxed) }
    @inline(__always) func recordCall() { calls.add(1, ordering: .relaxed) }

    /// Records a call's duration; true when it was within budget (or untimed).
    @inline(__always)
    func recordDuration(_ elapsedNs: Int64) -> Bool {
        guard budgetNs > 0 else { return true }
        if elapsedNs <= budgetNs {
            if consecutiveOverruns.load(ordering: .relaxed) != 0 { consecutiveOverruns.store(0, ordering: .relaxed) }
            return true
        }
        overruns.add(1, ordering: .relaxed)
        let streak = consecutiveOverruns.add(1, ordering: .relaxed).newValue
        log("call took \(elapsedNs / 1000) µs, over its budget of \(budgetNs / 1000) µs: the late answer was discarded (overrun \(streak) of \(maxOverruns) in a row)")
        if streak >= maxOverruns, !quarantined.exchange(true, ordering: .relaxed) {
            logSink.write(source: instanceID, level: .error,
                          message: "\(pluginID) \(pluginVersion) quarantined after \(streak) overruns in a row: callers get their fallback until the plugin is swapped or reloaded")
        }
        return false
    }

    func recordError(_ error: PluginCallError) {
        errors.add(1, ordering: .relaxed)
        log(error.description)
    }

    func recordOutOfRange(_ error: PluginCallError) {
        outOfRange.add(1, ordering: .relaxed)
        log(error.description)
    }

    private func log(_ message: String) {
        if logsLeft.subtract(1, ordering: .relaxed).newValue >= 0 {
            logSink.write(source: instanceID, level: .warning, message: "\(pluginID) \(pluginVersion): \(message)")
        }
    }
}

/// A snapshot of an instance's fault counters.
public struct PluginCallStats: Sendable, Equatable {
    public var calls: UInt64
    /// Calls that returned an error status.
    public var errors: UInt64
    /// Calls whose answer the host refused as out of range or malformed.
    public var outOfRange: UInt64
    /// Calls that took longer than the budget (their answer was discarded).
    public var overruns: UInt64
    /// Calls not made because the instance was quarantined.
    public var skippedWhileQuarantined: UInt64
    public var quarantined: Bool
    /// Every call that ended in the fallback.
    public var faults: UInt64 { errors + outOfRange + overruns + skippedWhileQuarantined }
}
