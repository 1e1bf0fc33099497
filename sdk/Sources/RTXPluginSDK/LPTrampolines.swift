import CRTXPluginABI

// The C side of a Swift LP adapter: nonisolated @convention(c) functions with no captures.
// The instance's Swift object travels in the table's plugin_data as a retained Unmanaged
// reference, released by destroy (which also frees the table). Every Swift error is caught
// here and written into the caller's rtx_error_t; nothing unwinds into the host.

/// One adapter instance: the user's adapter, retained from create until destroy.
final class LPInstance {
    let adapter: any RTXLPAdapter
    /// Between a successful start and stop. Control thread only (start, stop, destroy).
    var started = false

    init(adapter: any RTXLPAdapter) {
        self.adapter = adapter
    }
}

enum LPTrampolines {
    /// The library's static LP adapter factory (allocated once, never freed).
    static func makeFactory() -> UnsafeRawPointer {
        let factory = UnsafeMutablePointer<rtx_lp_adapter_factory_t>.allocate(capacity: 1)
        factory.initialize(to: rtx_lp_adapter_factory_t(
            struct_size: UInt32(MemoryLayout<rtx_lp_adapter_factory_t>.size), reserved0: 0, create: lpCreate))
        return UnsafeRawPointer(factory)
    }
}

private func instance(_ table: UnsafePointer<rtx_lp_adapter_t>?) -> LPInstance? {
    guard let data = table?.pointee.plugin_data else {
        return nil
    }
    return Unmanaged<LPInstance>.fromOpaque(data).takeUnretainedValue()
}

private func instance(_ table: UnsafeMutablePointer<rtx_lp_adapter_t>?) -> LPInstance? {
    instance(table.map { UnsafePointer($0) })
}

/// [control] factory->create: makes the user's adapter from the host's config.
nonisolated private func lpCreate(_ factory: UnsafePointer<rtx_lp_adapter_factory_t>?, _ host: UnsafePointer<rtx_host_t>?,
                      _ out: UnsafeMutablePointer<UnsafeMutablePointer<rtx_lp_adapter_t>?>?,
                      _ errorOut: UnsafeMutablePointer<rtx_error_t>?) -> rtx_status_t {
    guard let host, let out else {
        return RTXPluginError.invalidArgument("LP adapter create: host or out is NULL").write(to: errorOut)
    }
    guard let type = PluginRegistry.current?.lpAdapter else {
        return RTXPluginError.internalError("LP adapter create: this library has no LP adapter").write(to: errorOut)
    }
    do {
        let adapter = try type.init(host: try RTXHost(instance: host))
        let data = Unmanaged.passRetained(LPInstance(adapter: adapter)).toOpaque()
        let table = UnsafeMutablePointer<rtx_lp_adapter_t>.allocate(capacity: 1)
        table.initialize(to: rtx_lp_adapter_t(
            struct_size: UInt32(MemoryLayout<rtx_lp_adapter_t>.size), reserved0: 0, plugin_data: data,
            start: lpStart, stop: lpStop, subscribe: lpSubscribe, unsubscribe: lpUnsubscribe,
            send_order: lpSendOrder, cancel_order: lpCancelOrder, destroy: lpDestroy, get_stats: lpGetStats))
        out.pointee = table
        return RTX_OK
    } catch {
        return RTXPluginError.from(error).write(to: errorOut)
    }
}

/// [control] start. A second start without stop answers RTX_E_STATE without calling the adapter.
nonisolated private func lpStart(_ table: UnsafeMutablePointer<rtx_lp_adapter_t>?, _ errorOut: UnsafeMutablePointer<rtx_error_t>?) -> rtx_status_t {
    guard let lp = instance(table) else {
        return RTXPluginError.invalidArgument("LP start: self is NULL").write(to: errorOut)
    }
    guard !lp.started else {
        return RTXPluginError.state("LP start: already started (stop it first)").write(to: errorOut)
    }
    do {
        try lp.adapter.start()
        lp.started = true
        return RTX_OK
    } catch {
        return RTXPluginError.from(error).write(to: errorOut)
    }
}

/// [control, blocks] stop. Calls the adapter only after a successful start.
nonisolated private func lpStop(_ table: UnsafeMutablePointer<rtx_lp_adapter_t>?) {
    guard let lp = instance(table), lp.started else {
        return
    }
    lp.adapter.stop()
    lp.started = false
}

/// [control] subscribe: walks the array by its elements' struct_size (the host's sizeof).
nonisolated private func lpSubscribe(_ table: UnsafeMutablePointer<rtx_lp_adapter_t>?, _ symbols: UnsafePointer<rtx_subscription_t>?,
                         _ count: UInt32, _ errorOut: UnsafeMutablePointer<rtx_error_t>?) -> rtx_status_t {
    guard let lp = instance(table) else {
        return RTXPluginError.invalidArgument("LP subscribe: self is NULL").write(to: errorOut)
    }
    var subscriptions: [RTXSubscription] = []
    if count > 0 {
        guard let symbols else {
            return RTXPluginError.invalidArgument("LP subscribe: \(count) symbols but the array is NULL").write(to: errorOut)
        }
        let stride = RTXStructSize.of(symbols)
        guard stride >= MemoryLayout<rtx_subscription_t>.size else {
            return RTXPluginError.invalidArgument(
                "LP subscribe: symbols[0].struct_size is \(stride), smaller than rtx_subscription_t (\(MemoryLayout<rtx_subscription_t>.size))").write(to: errorOut)
        }
        guard !Int(count).multipliedReportingOverflow(by: stride).overflow else {
            return RTXPluginError.invalidArgument("LP subscribe: \(count) symbols of \(stride) bytes do not fit in memory").write(to: errorOut)
        }
        let base = UnsafeRawPointer(symbols)
        subscriptions.reserveCapacity(Int(count))
        for i in 0 ..< Int(count) {
            subscriptions.append(RTXSubscription(base.advanced(by: i * stride).loadUnaligned(as: rtx_subscription_t.self)))
        }
    }
    do {
        try lp.adapter.subscribe(subscriptions)
        return RTX_OK
    } catch {
        return RTXPluginError.from(error).write(to: errorOut)
    }
}

/// [control] unsubscribe.
nonisolated private func lpUnsubscribe(_ table: UnsafeMutablePointer<rtx_lp_adapter_t>?, _ ids: UnsafePointer<rtx_symbol_id_t>?,
                           _ count: UInt32, _ errorOut: UnsafeMutablePointer<rtx_error_t>?) -> rtx_status_t {
    guard let lp = instance(table) else {
        return RTXPluginError.invalidArgument("LP unsubscribe: self is NULL").write(to: errorOut)
    }
    var symbolIDs: [UInt32] = []
    if count > 0 {
        guard let ids else {
            return RTXPluginError.invalidArgument("LP unsubscribe: \(count) ids but the array is NULL").write(to: errorOut)
        }
        symbolIDs = Array(UnsafeBufferPointer(start: ids, count: Int(count)))
    }
    do {
        try lp.adapter.unsubscribe(symbolIDs)
        return RTX_OK
    } catch {
        return RTXPluginError.from(error).write(to: errorOut)
    }
}

/// [order thread, non-blocking] send_order.
nonisolated private func lpSendOrder(_ table: UnsafeMutablePointer<rtx_lp_adapter_t>?, _ order: UnsafePointer<rtx_order_request_t>?,
                         _ errorOut: UnsafeMutablePointer<rtx_error_t>?) -> rtx_status_t {
    guard let lp = instance(table), let order else {
        return RTXPluginError.invalidArgument("LP send_order: self or order is NULL").write(to: errorOut)
    }
    guard RTXStructSize.of(order) >= MemoryLayout<rtx_order_request_t>.size else {
        return RTXPluginError.invalidArgument(
            "LP send_order: order struct_size \(RTXStructSize.of(order)) is smaller than rtx_order_request_t").write(to: errorOut)
    }
    do {
        try lp.adapter.sendOrder(RTXOrderRequest(order.pointee))
        return RTX_OK
    } catch {
        return RTXPluginError.from(error).write(to: errorOut)
    }
}

/// [order thread, non-blocking] cancel_order.
nonisolated private func lpCancelOrder(_ table: UnsafeMutablePointer<rtx_lp_adapter_t>?, _ cancel: UnsafePointer<rtx_cancel_request_t>?,
                           _ errorOut: UnsafeMutablePointer<rtx_error_t>?) -> rtx_status_t {
    guard let lp = instance(table), let cancel else {
        return RTXPluginError.invalidArgument("LP cancel_order: self or cancel is NULL").write(to: errorOut)
    }
    guard RTXStructSize.of(cancel) >= MemoryLayout<rtx_cancel_request_t>.size else {
        return RTXPluginError.invalidArgument(
            "LP cancel_order: cancel struct_size \(RTXStructSize.of(cancel)) is smaller than rtx_cancel_request_t").write(to: errorOut)
    }
    do {
        try lp.adapter.cancelOrder(RTXCancelRequest(cancel.pointee))
        return RTX_OK
    } catch {
        return RTXPluginError.from(error).write(to: errorOut)
    }
}

/// [any thread, non-blocking] get_stats (ABI 1.1): RTX_E_UNSUPPORTED when the adapter keeps none.
nonisolated private func lpGetStats(_ table: UnsafePointer<rtx_lp_adapter_t>?, _ stats: UnsafeMutablePointer<rtx_lp_stats_t>?) -> rtx_status_t {
    guard let lp = instance(table), let stats, RTXStructSize.of(stats) >= MemoryLayout<rtx_lp_stats_t>.size else {
        return RTX_E_INVALID_ARGUMENT
    }
    guard let counters = lp.adapter.stats() else {
        return RTX_E_UNSUPPORTED
    }
    stats.pointee.reserved0 = 0
    stats.pointee.messages_received = counters.messagesReceived
    stats.pointee.quotes_emitted = counters.quotesEmitted
    stats.pointee.orders_sent = counters.ordersSent
    stats.pointee.reconnects = counters.reconnects
    stats.pointee.last_message_wall_ns = counters.lastMessageWallNanoseconds
    return RTX_OK
}

/// [control] destroy: stops a started adapter (the host never destroys one; be safe), releases
/// it and frees the table.
nonisolated private func lpDestroy(_ table: UnsafeMutablePointer<rtx_lp_adapter_t>?) {
    guard let table else {
        return
    }
    if let data = table.pointee.plugin_data {
        let lp = Unmanaged<LPInstance>.fromOpaque(data).takeUnretainedValue()
        if lp.started {
            lp.adapter.stop()
            lp.started = false
        }
        Unmanaged<LPInstance>.fromOpaque(data).release()
    }
    table.deinitialize(count: 1)
    table.deallocate()
}
