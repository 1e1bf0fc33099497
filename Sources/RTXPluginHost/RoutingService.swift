import CRTXABI

/// A pure plugin instance (routing policy or fee model).
public protocol PurePluginInstance: AnyObject, Sendable {
    var library: LoadedLibrary { get }
}
extension RoutingPolicyInstance: PurePluginInstance {}
extension FeeModelInstance: PurePluginInstance {}

/// A pure plugin instance as a service calls it: the instance and its fault guard (budget,
/// overruns, quarantine, counters from the manifest entry).
public final class ManagedPlugin<Instance: PurePluginInstance>: @unchecked Sendable {
    public let instance: Instance
    public let callGuard: PluginCallGuard
    init(instance: Instance, entry: PluginEntry, logSink: any PluginLogSink) {
        self.instance = instance
        callGuard = PluginCallGuard(instanceID: entry.id, library: instance.library,
                                    budgetNs: Int64(entry.callBudgetUs ?? 0) * 1000, maxOverruns: entry.maxOverruns,
                                    logSink: logSink)
    }
}

public typealias ManagedRoutingPolicy = ManagedPlugin<RoutingPolicyInstance>

/// Who gave a routing answer, for the order's decision record.
public struct RoutingSource: Sendable, Equatable {
    public var instanceID: String
    public var pluginID: String
    public var pluginVersion: String
    public var sha256: String
}

/// The host's answer for one order.
public enum RoutingOutcome: Sendable, Equatable {
    /// The group's policy decided.
    case decided(RoutingDecision, source: RoutingSource)
    /// The policy failed (error, out-of-range answer, overrun, quarantine); the group's
    /// fallback booked the order on the B-Book. `fault` says what went wrong.
    case fellBack(RoutingDecision, fault: String)
    /// The group's fallback is `reject`, or the group has no binding: refuse the order.
    case rejected(reason: String)

    public var decision: RoutingDecision? {
        switch self {
        case .decided(let d, _), .fellBack(let d, _): d
        case .rejected: nil
        }
    }
}

/// One group's routing binding inside a published table.
final class RoutingBinding: Sendable {
    let group: String
    let policy: ManagedRoutingPolicy?
    let fallback: RoutingFallback
    init(group: String, policy: ManagedRoutingPolicy?, fallback: RoutingFallback) {
        self.group = group
        self.policy = policy
        self.fallback = fallback
    }
}

/// What the call path reads for a group: plain values only, so reading it costs no
/// reference counting (the table's `bindings` keep every object alive).
struct RouteSlot {
    var binding: Unmanaged<RoutingBinding>?
    var managed: Unmanaged<ManagedRoutingPolicy>?
    var decide: (@convention(c) (UnsafePointer<rtx_routing_policy_t>?, UnsafePointer<rtx_routing_context_t>?,
                                 UnsafeMutablePointer<rtx_routing_decision_t>?, UnsafeMutablePointer<rtx_error_t>?) -> rtx_status_t)?
    var instance: UnsafePointer<rtx_routing_policy_t>?
}

/// An immutable routing table: bindings indexed by stable group index.
final class RoutingTable: @unchecked Sendable {
    let bindings: [RoutingBinding?]
    let knownLPs: Set<String>
    let slots: UnsafeMutableBufferPointer<RouteSlot>

    init(bindings: [RoutingBinding?], knownLPs: Set<String>) {
        self.bindings = bindings
        self.knownLPs = knownLPs
        slots = .allocate(capacity: bindings.count)
        for (i, binding) in bindings.enumerated() {
            var slot = RouteSlot()
            if let binding {
                slot.binding = Unmanaged.passUnretained(binding)
                if let policy = binding.policy {
                    slot.managed = Unmanaged.passUnretained(policy)
                    let entry = policy.instance.unsafeDecideEntry
                    slot.decide = entry.function
                    slot.instance = entry.instance
                }
            }
            (slots.baseAddress! + i).initialize(to: slot)
        }
    }

    deinit { slots.deallocate() }
}

/// Routes orders through each group's routing policy, with hot swap: the table is an
/// `RCUCell`, so a decision in flight finishes on the instance it started with while new
/// decisions use the new one, and replaced instances are destroyed after the grace period.
///
/// Thread: `decide` from any registered reader thread, concurrently, lock-free; the
/// control-side methods (`publish`) from the plugin host's control thread.
public final class RoutingService: @unchecked Sendable {
    public let groups: GroupIndex
    let cell: RCUCell<RoutingTable>

    init(groups: GroupIndex) {
        self.groups = groups
        cell = RCUCell(RoutingTable(bindings: [], knownLPs: []))
    }

    /// Decides for one order of `group` (builds the C context from `request`).
    public func decide(group: String, request: RoutingRequest, reader: EpochReader) -> RoutingOutcome {
        guard let index = groups.index(of: group) else {
            return .rejected(reason: "account group '\(group)' has no routing binding in the plugin manifest")
        }
        return request.withCContext { context in decide(groupIndex: index, context: context, reader: reader) }
    }

    /// Decides for one order over a prepared C context (the hot path).
    public func decide(groupIndex: Int, context: UnsafePointer<rtx_routing_context_t>, reader: EpochReader) -> RoutingOutcome {
        reader.read {
            cell.load()._withUnsafeGuaranteedRef { table -> RoutingOutcome in
                guard groupIndex >= 0, groupIndex < table.slots.count, let bindingRef = table.slots[groupIndex].binding else {
                    return .rejected(reason: "account group #\(groupIndex) has no routing binding in the plugin manifest")
                }
                let binding = bindingRef.takeUnretainedValue()
                guard let managedRef = table.slots[groupIndex].managed else {
                    return fallback(binding, fault: "group '\(binding.group)' has no routing policy")
                }
                let managed = managedRef.takeUnretainedValue()
                let callGuard = managed.callGuard
                if callGuard.isQuarantined {
                    callGuard.recordSkip()
                    return fallback(binding, fault: "routing policy '\(callGuard.instanceID)' (\(callGuard.pluginID) \(callGuard.pluginVersion)) is quarantined")
                }
                callGuard.recordCall()
                let timed = callGuard.budgetNs > 0
                let start = timed ? HostClock.monotonicNanoseconds() : 0
                let result = managed.instance.decide(context: context, knownLPs: { table.knownLPs.contains($0) })
                if timed, !callGuard.recordDuration(HostClock.monotonicNanoseconds() - start) {
                    return fallback(binding, fault: "routing policy '\(callGuard.instanceID)' (\(callGuard.pluginID) \(callGuard.pluginVersion)) overran its \(callGuard.budgetNs / 1000) µs budget")
                }
                switch result {
                case .success(let decision):
                    let library = managed.instance.library
                    return .decided(decision, source: RoutingSource(instanceID: callGuard.instanceID, pluginID: library.descriptor.pluginID,
                                                                    pluginVersion: library.descriptor.pluginVersion,
                                                                    sha256: library.verified.sha256))
                case .failure(let error):
                    if error.status == RTX_E_INVALID_ARGUMENT, error.message.hasPrefix("out-of-range") {
                        callGuard.recordOutOfRange(error)
                    } else {
                        callGuard.recordError(error)
                    }
                    return fallback(binding, fault: error.description)
                }
            }
        }
    }

    /// Calls the group's policy through the ABI inside the hot-swap machinery (read section,
    /// table load, group slot) and returns its raw status with `decision` as the plugin wrote
    /// it, unvalidated and uncounted. For benchmarks and diagnostics: orders go through
    /// `decide`, which validates and applies the fallback. RTX_E_NOT_FOUND for an unbound group.
    public func unvalidatedDecision(groupIndex: Int, context: UnsafePointer<rtx_routing_context_t>,
                                    decision: UnsafeMutablePointer<rtx_routing_decision_t>,
                                    error: UnsafeMutablePointer<rtx_error_t>, reader: EpochReader) -> rtx_status_t {
        reader.read {
            cell.load()._withUnsafeGuaranteedRef { table in
                guard groupIndex >= 0, groupIndex < table.slots.count, let decide = table.slots[groupIndex].decide else {
                    return RTX_E_NOT_FOUND
                }
                return decide(table.slots[groupIndex].instance, context, decision, error)
            }
        }
    }

    private func fallback(_ binding: RoutingBinding, fault: String) -> RoutingOutcome {
        switch binding.fallback {
        case .bBook:
            return .fellBack(RoutingDecision(book: .b, hedgeRatioPPM: 0, preferredLP: "", reason: "fallback b-book: \(fault)"), fault: fault)
        case .reject:
            return .rejected(reason: "routing unavailable for group '\(binding.group)': \(fault)")
        }
    }

    /// Publishes a new table; returns the old one (the caller retires what it replaced).
    func publish(_ table: RoutingTable) -> RoutingTable { cell.exchange(table) }

    /// The policy bound to a group right now (control thread; for inspection).
    func currentTable() -> RoutingTable { cell.load().takeUnretainedValue() }
}

/// Stable indices for account group names: a group keeps its index across reloads, so a
/// caller can resolve it once. Thread: reads from any thread; `register` on the control thread.
public final class GroupIndex: @unchecked Sendable {
    private let cell = RCUCell(Names(names: []))
    private final class Names: Sendable {
        let names: [String]
        let index: [String: Int]
        init(names: [String]) {
            self.names = names
            var index: [String: Int] = [:]
            for (i, n) in names.enumerated() { index[n] = i }
            self.index = index
        }
    }
    private var retired: [Names] = []

    /// The index of `group`, or nil when no manifest ever bound it.
    public func index(of group: String) -> Int? {
        // Names objects are never freed while the GroupIndex lives (they are kept in
        // `retired`), so a plain load is safe without a read section.
        cell.load()._withUnsafeGuaranteedRef { $0.index[group] }
    }

    /// Registers groups (appending new ones); control thread.
    func register(_ groups: [String]) {
        let current = cell.load().takeUnretainedValue()
        let added = groups.filter { current.index[$0] == nil }
        guard !added.isEmpty else { return }
        var seen = Set<String>()
        let names = current.names + added.filter { seen.insert($0).inserted }
        retired.append(cell.exchange(Names(names: names)))
    }

    public var count: Int { cell.load()._withUnsafeGuaranteedRef { $0.names.count } }
}
