import CRTXABI

/// A symbol a fee schedule is asked for.
public struct FeeSymbol: Sendable, Equatable {
    public var symbolID: UInt32
    public var symbol: String
    public var priceDigits: Int32
    public var profitCurrency: String
    /// Base units per lot at 1e-8 scale.
    public var contractUnitsE8: Int64
    public init(symbolID: UInt32, symbol: String, priceDigits: Int32, profitCurrency: String, contractUnitsE8: Int64) {
        self.symbolID = symbolID
        self.symbol = symbol
        self.priceDigits = priceDigits
        self.profitCurrency = profitCurrency
        self.contractUnitsE8 = contractUnitsE8
    }
}

/// One fee model instance. `buildSchedule` may be called from several threads at once.
public final class FeeModelInstance: @unchecked Sendable {
    public let instanceID: String
    public let library: LoadedLibrary
    let context: HostContext
    let raw: UnsafeMutablePointer<rtx_fee_model_t>
    private let buildFunction: @convention(c) (UnsafePointer<rtx_fee_model_t>?, UnsafePointer<rtx_fee_request_t>?,
                                               UnsafePointer<rtx_fee_schedule_sink_t>?, UnsafeMutablePointer<rtx_error_t>?) -> rtx_status_t
    private let destroyFunction: @convention(c) (UnsafeMutablePointer<rtx_fee_model_t>?) -> Void
    public private(set) var isDestroyed = false

    init(instanceID: String, library: LoadedLibrary, factory: UnsafeRawPointer, config: PluginConfigBlock,
         manifestPath: String, logSink: any PluginLogSink) throws(PluginCallError) {
        self.instanceID = instanceID
        self.library = library
        context = HostContext(instanceID: instanceID, scope: .instance, logSink: logSink, config: config, manifestPath: manifestPath)
        let (out, copy) = try PluginFactoryCall.create(factory, host: context, zero: rtx_fee_model_t(),
                                                       minimumSize: HostABI.feeModelSize10, instanceID: instanceID, library: library)
        guard let build = copy.build_schedule, let destroy = copy.destroy else {
            throw PluginFactoryCall.missing("build_schedule, destroy", instanceID: instanceID, library: library)
        }
        raw = out
        buildFunction = build
        destroyFunction = destroy
    }

    /// Asks for a complete schedule for these groups and symbols, and validates it. Any thread.
    public func buildSchedule(groups: [String], symbols: [FeeSymbol], nowNs: Int64) -> Result<FeeSchedule, PluginCallError> {
        let builder = FeeScheduleBuilder(groups: Set(groups), symbols: Set(symbols.map(\.symbol)))
        let box = Unmanaged.passRetained(builder)
        defer { box.release() }
        var sink = rtx_fee_schedule_sink_t()
        sink.struct_size = UInt32(MemoryLayout<rtx_fee_schedule_sink_t>.size)
        sink.host_data = box.toOpaque()
        sink.add_commission_tier = { sink, tier in
            guard let sink, let tier, let data = sink.pointee.host_data else { return RTX_E_INVALID_ARGUMENT }
            return Unmanaged<FeeScheduleBuilder>.fromOpaque(data).takeUnretainedValue().add(tier.pointee)
        }
        sink.add_markup = { sink, markup in
            guard let sink, let markup, let data = sink.pointee.host_data else { return RTX_E_INVALID_ARGUMENT }
            return Unmanaged<FeeScheduleBuilder>.fromOpaque(data).takeUnretainedValue().add(markup.pointee)
        }
        sink.add_swap_rate = { sink, swap in
            guard let sink, let swap, let data = sink.pointee.host_data else { return RTX_E_INVALID_ARGUMENT }
            return Unmanaged<FeeScheduleBuilder>.fromOpaque(data).takeUnretainedValue().add(swap.pointee)
        }
        let strings = groups + symbols.flatMap { [$0.symbol, $0.profitCurrency] }
        let (status, message) = CStringArena.withViews(strings) { views -> (Int32, String) in
            var groupViews = Array(views[0 ..< groups.count])
            var symbolViews = symbols.enumerated().map { i, s in
                rtx_fee_symbol_t(struct_size: UInt32(MemoryLayout<rtx_fee_symbol_t>.size), symbol_id: s.symbolID,
                                 price_digits: s.priceDigits, reserved0: 0, symbol: views[groups.count + 2 * i],
                                 profit_currency: views[groups.count + 2 * i + 1], contract_units_e8: s.contractUnitsE8)
            }
            return groupViews.withUnsafeMutableBufferPointer { g in
                symbolViews.withUnsafeMutableBufferPointer { s in
                    var request = rtx_fee_request_t()
                    request.struct_size = UInt32(MemoryLayout<rtx_fee_request_t>.size)
                    request.group_count = UInt32(g.count)
                    request.groups = UnsafePointer(g.baseAddress)
                    request.symbols = UnsafePointer(s.baseAddress)
                    request.symbol_count = UInt32(s.count)
                    request.symbol_size = UInt32(MemoryLayout<rtx_fee_symbol_t>.size)
                    request.now_ns = nowNs
                    var error = newPluginError()
                    let status = buildFunction(raw, &request, &sink, &error)
                    return (status, PluginErrorText.message(of: &error))
                }
            }
        }
        let d = library.descriptor
        func fault(_ status: Int32, _ message: String) -> PluginCallError {
            PluginCallError(instanceID: instanceID, pluginID: d.pluginID, pluginVersion: d.pluginVersion,
                            function: "build_schedule", status: status, message: message)
        }
        // A refused entry refuses the whole schedule, whatever the plugin returned after it.
        if let problem = builder.firstProblem {
            let plugin = status == RTX_OK ? "" : " (the plugin then said: \(message))"
            return .failure(fault(RTX_E_INVALID_ARGUMENT, "malformed fee schedule: \(problem)\(plugin)"))
        }
        guard status == RTX_OK else { return .failure(fault(status, message)) }
        return .success(builder.schedule)
    }

    /// Destroys the instance. Control thread; only when no build is running. Idempotent.
    public func destroy() {
        guard !isDestroyed else { return }
        isDestroyed = true
        destroyFunction(raw)
    }
}
