import CRTXPluginABI

/// The host's receiver of schedule entries (`rtx_fee_schedule_sink_t`), handed to
/// `RTXFeeModel.buildSchedule`. Valid for that call only: do not keep it, and do not use it
/// from another thread. Each `add` copies the entry (strings included, borrowed only for the
/// call) and throws `RTXPluginError` with the host's status when the host refuses it
/// (`RTX_E_INVALID_ARGUMENT`: bad mode, negative amount, unknown symbol or group;
/// `RTX_E_LIMIT`: more entries than the host allows); let that error end the build.
public struct RTXFeeScheduleSink {
    /// The host's sink, for what this wrapper does not cover. Never NULL.
    public let pointer: UnsafePointer<rtx_fee_schedule_sink_t>

    init(_ pointer: UnsafePointer<rtx_fee_schedule_sink_t>) throws(RTXPluginError) {
        let size = RTXStructSize.of(pointer)
        guard size >= MemoryLayout<rtx_fee_schedule_sink_t>.size else {
            throw .invalidArgument("fee schedule sink struct_size \(size) is smaller than rtx_fee_schedule_sink_t (\(MemoryLayout<rtx_fee_schedule_sink_t>.size))")
        }
        self.pointer = pointer
    }

    private func check(_ status: Int32, _ what: @autoclosure () -> String) throws(RTXPluginError) {
        if status != RTX_OK {
            throw RTXPluginError(status, "the host refused \(what()) with status \(status)")
        }
    }

    /// Adds a commission tier.
    public func add(_ tier: RTXCommissionTier) throws(RTXPluginError) {
        guard let add = pointer.pointee.add_commission_tier else {
            throw .unsupported("the host's fee schedule sink has no add_commission_tier")
        }
        let status = RTXCStrings.withView(tier.group) { group in
            RTXCStrings.withView(tier.symbol) { symbol in
                RTXCStrings.withView(tier.currency) { currency in
                    var raw = rtx_commission_tier_t()
                    raw.struct_size = UInt32(MemoryLayout<rtx_commission_tier_t>.size)
                    raw.charge = tier.charge.rawValue
                    raw.group = group
                    raw.symbol = symbol
                    raw.currency = currency
                    raw.from_volume = tier.fromVolume
                    raw.per_lot_money = tier.perLotMoney
                    raw.minimum_money = tier.minimumMoney
                    return add(pointer, &raw)
                }
            }
        }
        try check(status, "the commission tier (group '\(tier.group)', symbol '\(tier.symbol)', from \(RTXDecimal.format(tier.fromVolume, digits: 8)) lots, \(RTXDecimal.format(tier.perLotMoney, digits: 8)) \(tier.currency) per lot)")
    }

    /// Adds a spread markup.
    public func add(_ markup: RTXMarkup) throws(RTXPluginError) {
        guard let add = pointer.pointee.add_markup else {
            throw .unsupported("the host's fee schedule sink has no add_markup")
        }
        let status = RTXCStrings.withView(markup.group) { group in
            RTXCStrings.withView(markup.symbol) { symbol in
                var raw = rtx_markup_t()
                raw.struct_size = UInt32(MemoryLayout<rtx_markup_t>.size)
                raw.mode = markup.mode.rawValue
                raw.group = group
                raw.symbol = symbol
                raw.bid_markup = markup.bidMarkup
                raw.ask_markup = markup.askMarkup
                return add(pointer, &raw)
            }
        }
        try check(status, "the markup (group '\(markup.group)', symbol '\(markup.symbol)', bid \(markup.bidMarkup), ask \(markup.askMarkup))")
    }

    /// Adds a swap rate.
    public func add(_ swap: RTXSwapRate) throws(RTXPluginError) {
        guard let add = pointer.pointee.add_swap_rate else {
            throw .unsupported("the host's fee schedule sink has no add_swap_rate")
        }
        let status = RTXCStrings.withView(swap.group) { group in
            RTXCStrings.withView(swap.symbol) { symbol in
                var raw = rtx_swap_rate_t()
                raw.struct_size = UInt32(MemoryLayout<rtx_swap_rate_t>.size)
                raw.mode = swap.mode.rawValue
                raw.group = group
                raw.symbol = symbol
                raw.long_rate = swap.longRate
                raw.short_rate = swap.shortRate
                raw.triple_weekday = swap.tripleWeekday
                return add(pointer, &raw)
            }
        }
        try check(status, "the swap rate (group '\(swap.group)', symbol '\(swap.symbol)', long \(swap.longRate), short \(swap.shortRate))")
    }
}
