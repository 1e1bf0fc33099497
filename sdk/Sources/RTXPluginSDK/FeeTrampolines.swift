import CRTXPluginABI

// The C side of a Swift fee model: nonisolated @convention(c) functions with no captures.
// The instance's Swift object travels in the table's plugin_data as a retained Unmanaged
// reference, released by destroy (which also frees the table). Every Swift error is caught
// here and written into the caller's rtx_error_t; nothing unwinds into the host.

/// One fee model instance: the user's model, retained from create until destroy.
final class FeeInstance {
    let model: any RTXFeeModel

    init(model: any RTXFeeModel) {
        self.model = model
    }
}

enum FeeTrampolines {
    /// The library's static fee model factory (allocated once, never freed).
    static func makeFactory() -> UnsafeRawPointer {
        let factory = UnsafeMutablePointer<rtx_fee_model_factory_t>.allocate(capacity: 1)
        factory.initialize(to: rtx_fee_model_factory_t(
            struct_size: UInt32(MemoryLayout<rtx_fee_model_factory_t>.size), reserved0: 0, create: feeCreate))
        return UnsafeRawPointer(factory)
    }
}

/// [control] factory->create: makes the user's model from the host's config.
nonisolated private func feeCreate(_ factory: UnsafePointer<rtx_fee_model_factory_t>?, _ host: UnsafePointer<rtx_host_t>?,
                       _ out: UnsafeMutablePointer<UnsafeMutablePointer<rtx_fee_model_t>?>?,
                       _ errorOut: UnsafeMutablePointer<rtx_error_t>?) -> rtx_status_t {
    guard let host, let out else {
        return RTXPluginError.invalidArgument("fee model create: host or out is NULL").write(to: errorOut)
    }
    guard let type = PluginRegistry.current?.feeModel else {
        return RTXPluginError.internalError("fee model create: this library has no fee model").write(to: errorOut)
    }
    do {
        let model = try type.init(host: try RTXHost(instance: host))
        let instance = Unmanaged.passRetained(FeeInstance(model: model)).toOpaque()
        let table = UnsafeMutablePointer<rtx_fee_model_t>.allocate(capacity: 1)
        table.initialize(to: rtx_fee_model_t(
            struct_size: UInt32(MemoryLayout<rtx_fee_model_t>.size), reserved0: 0, plugin_data: instance,
            build_schedule: feeBuildSchedule, destroy: feeDestroy))
        out.pointee = table
        return RTX_OK
    } catch {
        return RTXPluginError.from(error).write(to: errorOut)
    }
}

/// [any thread, concurrently] build_schedule: copies the request, lets the model fill the sink.
nonisolated private func feeBuildSchedule(_ table: UnsafePointer<rtx_fee_model_t>?, _ request: UnsafePointer<rtx_fee_request_t>?,
                              _ sink: UnsafePointer<rtx_fee_schedule_sink_t>?,
                              _ errorOut: UnsafeMutablePointer<rtx_error_t>?) -> rtx_status_t {
    guard let table, let request, let sink, let data = table.pointee.plugin_data else {
        return RTXPluginError.invalidArgument("fee build_schedule: self, request or sink is NULL").write(to: errorOut)
    }
    let instance = Unmanaged<FeeInstance>.fromOpaque(data).takeUnretainedValue()
    do {
        try instance.model.buildSchedule(try RTXFeeRequest(request), into: try RTXFeeScheduleSink(sink))
        return RTX_OK
    } catch {
        return RTXPluginError.from(error).write(to: errorOut)
    }
}

/// [control] destroy: releases the model and frees the table.
nonisolated private func feeDestroy(_ table: UnsafeMutablePointer<rtx_fee_model_t>?) {
    guard let table else {
        return
    }
    if let data = table.pointee.plugin_data {
        Unmanaged<FeeInstance>.fromOpaque(data).release()
    }
    table.deinitialize(count: 1)
    table.deallocate()
}
