import CRTXABI

/// One routing policy instance. `decide` may be called from any number of threads at once.
/// Lifecycle: created → destroyed (destroy only when no decide is running: the hot-swap
/// machinery guarantees that).
public final class RoutingPolicyInstance: @unchecked Sendable {
    public let instanceID: String
    public let library: LoadedLibrary
    let context: HostContext
    let raw: UnsafeMutablePointer<rtx_routing_policy_t>
    let decideFunction: @convention(c) (UnsafePointer<rtx_routing_policy_t>?, UnsafePointer<rtx_routing_context_t>?,
                                        UnsafeMutablePointer<rtx_routing_decision_t>?, UnsafeMutablePointer<rtx_error_t>?) -> rtx_status_t
    private let destroyFunction: @convention(c) (UnsafeMutablePointer<rtx_routing_policy_t>?) -> Void
    public private(set) var isDestroyed = false

    init(instanceID: String, library: LoadedLibrary, factory: UnsafeRawPointer, config: PluginConfigBlock,
         manifestPath: String, logSink: any PluginLogSink) throws(PluginCallError) {
        self.instanceID = instanceID
        self.library = library
        context = HostContext(instanceID: instanceID, scope: .instance, logSink: logSink, config: config, manifestPath: manifestPath)
        let (out, copy) = try PluginFactoryCall.create(factory, host: context, zero: rtx_routing_policy_t(),
                                                       minimumSize: HostABI.routingPolicySize10, instanceID: instanceID, library: library)
        guard let decide = copy.decide, let destroy = copy.destroy else {
            throw PluginFactoryCall.missing("decide, destroy", instanceID: instanceID, library: library)
        }
        raw = out
        decideFunction = decide
        destroyFunction = destroy
    }

    /// Asks the policy for a decision and validates it. Any thread.
    /// - Parameter knownLPs: says whether an LP id named as preferred exists.
    public func decide(_ request: RoutingRequest, knownLPs: (String) -> Bool) -> Result<RoutingDecision, PluginCallError> {
        request.withCContext { context in decide(context: context, knownLPs: knownLPs) }
    }

    /// The same over a prepared C context (the hot path: no allocation by the host).
    public func decide(context: UnsafePointer<rtx_routing_context_t>,
                       knownLPs: (String) -> Bool) -> Result<RoutingDecision, PluginCallError> {
        var decision = rtx_routing_decision_t()
        decision.struct_size = UInt32(MemoryLayout<rtx_routing_decision_t>.size)
        var error = newPluginError()
        let status = decideFunction(raw, context, &decision, &error)
        guard status == RTX_OK else { return .failure(fault(status, PluginErrorText.message(of: &error))) }
        switch RoutingDecisionValidator.validate(&decision, knownLPs: knownLPs) {
        case .success(let d): return .success(d)
        case .failure(let problem): return .failure(fault(RTX_E_INVALID_ARGUMENT, "out-of-range answer: \(problem.message)"))
        }
    }

    /// The plugin's decide function and instance, for calling it with no host code around
    /// it (benchmarks' baseline). Valid until destroy.
    public var unsafeDecideEntry: (function: @convention(c) (UnsafePointer<rtx_routing_policy_t>?, UnsafePointer<rtx_routing_context_t>?,
                                                             UnsafeMutablePointer<rtx_routing_decision_t>?, UnsafeMutablePointer<rtx_error_t>?) -> rtx_status_t,
                                   instance: UnsafePointer<rtx_routing_policy_t>) {
        (decideFunction, UnsafePointer(raw))
    }

    func fault(_ status: Int32, _ message: String) -> PluginCallError {
        PluginCallError(instanceID: instanceID, pluginID: library.descriptor.pluginID,
                        pluginVersion: library.descriptor.pluginVersion, function: "decide", status: status, message: message)
    }

    /// Destroys the instance. Control thread; only when no decide is running. Idempotent.
    public func destroy() {
        guard !isDestroyed else { return }
        isDestroyed = true
        destroyFunction(raw)
    }
}
