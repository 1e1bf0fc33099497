import CRTXABI

public typealias ManagedFeeModel = ManagedPlugin<FeeModelInstance>

/// The answer to a schedule request.
public enum FeeOutcome: Sendable, Equatable {
    /// The group's fee model produced a valid schedule for all the groups it serves.
    case schedule(FeeSchedule, groups: [String], source: RoutingSource)
    /// It could not (error, malformed schedule, overrun, quarantine, no binding): the caller
    /// keeps the schedule in force. `fault` says why.
    case failed(fault: String)
}

final class FeeBinding: Sendable {
    let group: String
    let model: ManagedFeeModel?
    /// Every group the same fee model serves (the schedule is built for all of them at once).
    let servedGroups: [String]
    init(group: String, model: ManagedFeeModel?, servedGroups: [String]) {
        self.group = group
        self.model = model
        self.servedGroups = servedGroups
    }
}

final class FeeTable: Sendable {
    let bindings: [FeeBinding?]
    init(bindings: [FeeBinding?]) { self.bindings = bindings }
}

/// Asks each group's fee model for its schedule, with the same hot-swap and fault handling
/// as `RoutingService`. Thread: `requestSchedule` from any registered reader thread.
public final class FeeService: @unchecked Sendable {
    public let groups: GroupIndex
    let cell: RCUCell<FeeTable>

    init(groups: GroupIndex) {
        self.groups = groups
        cell = RCUCell(FeeTable(bindings: []))
    }

    /// Asks the fee model of `group` for a complete schedule of the groups it serves.
    public func requestSchedule(group: String, symbols: [FeeSymbol], nowNs: Int64, reader: EpochReader) -> FeeOutcome {
        guard let index = groups.index(of: group) else {
            return .failed(fault: "account group '\(group)' has no fee model binding in the plugin manifest")
        }
        return reader.read {
            let table = cell.load()._withUnsafeGuaranteedRef { $0 }
            guard index < table.bindings.count, let binding = table.bindings[index], let managed = binding.model else {
                return .failed(fault: "account group '\(group)' has no fee model binding in the plugin manifest")
            }
            let callGuard = managed.callGuard
            if callGuard.isQuarantined {
                callGuard.recordSkip()
                return .failed(fault: "fee model '\(callGuard.instanceID)' (\(callGuard.pluginID) \(callGuard.pluginVersion)) is quarantined")
            }
            callGuard.recordCall()
            let timed = callGuard.budgetNs > 0
            let start = timed ? HostClock.monotonicNanoseconds() : 0
            let result = managed.instance.buildSchedule(groups: binding.servedGroups, symbols: symbols, nowNs: nowNs)
            if timed, !callGuard.recordDuration(HostClock.monotonicNanoseconds() - start) {
                return .failed(fault: "fee model '\(callGuard.instanceID)' (\(callGuard.pluginID) \(callGuard.pluginVersion)) overran its \(callGuard.budgetNs / 1000) µs budget")
            }
            switch result {
            case .success(let schedule):
                let library = managed.instance.library
                return .schedule(schedule, groups: binding.servedGroups,
                                 source: RoutingSource(instanceID: callGuard.instanceID, pluginID: library.descriptor.pluginID,
                                                       pluginVersion: library.descriptor.pluginVersion, sha256: library.verified.sha256))
            case .failure(let error):
                if error.message.hasPrefix("malformed fee schedule") {
                    callGuard.recordOutOfRange(error)
                } else {
                    callGuard.recordError(error)
                }
                return .failed(fault: error.description)
            }
        }
    }

    func publish(_ table: FeeTable) -> FeeTable { cell.exchange(table) }
}
