import CRTXPluginABI

// The C side of a Swift routing policy: nonisolated @convention(c) functions with no
// captures. The instance's Swift object travels in the table's plugin_data as a retained
// Unmanaged reference, released by destroy (which also frees the table). Every Swift error
// is caught here and written into the caller's rtx_error_t; nothing unwinds into the host.

/// One policy instance: the user's policy, retained from create until destroy.
final class RoutingInstance {
    let policy: any RTXRoutingPolicy

    init(policy: any RTXRoutingPolicy) {
        self.policy = policy
    }
}

enum RoutingTrampolines {
    /// The library's static routing factory (allocated once, never freed).
    static func makeFactory() -> UnsafeRawPointer {
        let factory = UnsafeMutablePointer<rtx_routing_policy_factory_t>.allocate(capacity: 1)
        factory.initialize(to: rtx_routing_policy_factory_t(
            struct_size: UInt32(MemoryLayout<rtx_routing_policy_factory_t>.size), reserved0: 0, create: routingCreate))
        return UnsafeRawPointer(factory)
    }
}

/// [control] factory->create: makes the user's policy from the host's config.
nonisolated private func routingCreate(_ factory: UnsafePointer<rtx_routing_policy_factory_t>?, _ host: UnsafePointer<rtx_host_t>?,
                           _ out: UnsafeMutablePointer<UnsafeMutablePointer<rtx_routing_policy_t>?>?,
                           _ errorOut: UnsafeMutablePointer<rtx_error_t>?) -> rtx_status_t {
    guard let host, let out else {
        return RTXPluginError.invalidArgument("routing policy create: host or out is NULL").write(to: errorOut)
    }
    guard let type = PluginRegistry.current?.routingPolicy else {
        return RTXPluginError.internalError("routing policy create: this library has no routing policy").write(to: errorOut)
    }
    do {
        let policy = try type.init(host: try RTXHost(instance: host))
        let instance = Unmanaged.passRetained(RoutingInstance(policy: policy)).toOpaque()
        let table = UnsafeMutablePointer<rtx_routing_policy_t>.allocate(capacity: 1)
        table.initialize(to: rtx_routing_policy_t(
            struct_size: UInt32(MemoryLayout<rtx_routing_policy_t>.size), reserved0: 0, plugin_data: instance,
            decide: routingDecide, destroy: routingDestroy))
        out.pointee = table
        return RTX_OK
    } catch {
        return RTXPluginError.from(error).write(to: errorOut)
    }
}

/// [any thread, concurrently] decide: copies the context, asks the policy, writes the answer.
nonisolated private func routingDecide(_ table: UnsafePointer<rtx_routing_policy_t>?, _ context: UnsafePointer<rtx_routing_context_t>?,
                           _ decision: UnsafeMutablePointer<rtx_routing_decision_t>?,
                           _ errorOut: UnsafeMutablePointer<rtx_error_t>?) -> rtx_status_t {
    guard let table, let context, let decision, let data = table.pointee.plugin_data else {
        return RTXPluginError.invalidArgument("routing decide: self, context or decision is NULL").write(to: errorOut)
    }
    guard RTXStructSize.of(decision) >= MemoryLayout<rtx_routing_decision_t>.size else {
        return RTXPluginError.invalidArgument(
            "routing decide: decision struct_size \(RTXStructSize.of(decision)) is smaller than rtx_routing_decision_t").write(to: errorOut)
    }
    let instance = Unmanaged<RoutingInstance>.fromOpaque(data).takeUnretainedValue()
    do {
        let answer = try instance.policy.decide(try RTXRoutingContext(context))
        try answer.write(into: decision)
        return RTX_OK
    } catch {
        return RTXPluginError.from(error).write(to: errorOut)
    }
}

/// [control] destroy: releases the policy and frees the table.
nonisolated private func routingDestroy(_ table: UnsafeMutablePointer<rtx_routing_policy_t>?) {
    guard let table else {
        return
    }
    if let data = table.pointee.plugin_data {
        Unmanaged<RoutingInstance>.fromOpaque(data).release()
    }
    table.deinitialize(count: 1)
    table.deallocate()
}
