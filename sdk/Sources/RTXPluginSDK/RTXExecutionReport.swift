import CRTXPluginABI

/// An execution report an LP adapter pushes with `RTXHost.emit(report:)`
/// (`rtx_execution_report_t`). Prices are ticks at `priceDigits`; volumes are 1e-8 lots;
/// times are wall ns since the epoch. The strings are UTF-8 and are borrowed by the host for
/// the emit call only (it copies them). The host de-duplicates reports by `execID`, so an
/// adapter that replays after a reconnect sends the same `execID` again.
/// Thread: any (a value type, `Sendable`).
public struct RTXExecutionReport: Sendable, Equatable {
    public var execType: RTXExecType
    /// As received in the order request.
    public var engineOrderID: UInt64
    public var symbolID: UInt32
    /// The order's side; `RTXSide(rawValue: 0)` only on a report without a fill when the venue did not say.
    public var side: RTXSide
    /// Digits of `lastPriceTicks`.
    public var priceDigits: Int32
    /// Price of this fill; 0 when nothing filled.
    public var lastPriceTicks: Int64
    /// Volume of this fill, 1e-8 lots.
    public var lastVolume: Int64
    /// Total filled so far, 1e-8 lots.
    public var cumulativeVolume: Int64
    /// Still open at the venue, 1e-8 lots.
    public var leavesVolume: Int64
    /// Venue transaction time, wall ns since the epoch; 0 when unknown.
    public var lpTimeNanoseconds: Int64
    /// The venue's execution id, unique per venue, at most 64 bytes (the host refuses longer).
    public var execID: String
    /// The venue's order id, at most 64 bytes; may be empty.
    public var lpOrderID: String
    /// Reject or cancel reason, at most 256 bytes; may be empty.
    public var text: String

    public init(execType: RTXExecType, engineOrderID: UInt64, symbolID: UInt32, side: RTXSide,
                priceDigits: Int32 = 0, lastPriceTicks: Int64 = 0, lastVolume: Int64 = 0,
                cumulativeVolume: Int64 = 0, leavesVolume: Int64 = 0, lpTimeNanoseconds: Int64 = 0,
                execID: String, lpOrderID: String = "", text: String = "") {
        self.execType = execType
        self.engineOrderID = engineOrderID
        self.symbolID = symbolID
        self.side = side
        self.priceDigits = priceDigits
        self.lastPriceTicks = lastPriceTicks
        self.lastVolume = lastVolume
        self.cumulativeVolume = cumulativeVolume
        self.leavesVolume = leavesVolume
        self.lpTimeNanoseconds = lpTimeNanoseconds
        self.execID = execID
        self.lpOrderID = lpOrderID
        self.text = text
    }

    /// The C struct, with string views the caller keeps valid for its use.
    func raw(execID: rtx_str_t, lpOrderID: rtx_str_t, text: rtx_str_t) -> rtx_execution_report_t {
        var raw = rtx_execution_report_t()
        raw.struct_size = UInt32(MemoryLayout<rtx_execution_report_t>.size)
        raw.exec_type = execType.rawValue
        raw.engine_order_id = engineOrderID
        raw.symbol_id = symbolID
        raw.side = side.rawValue
        raw.price_digits = priceDigits
        raw.last_price_ticks = lastPriceTicks
        raw.last_volume = lastVolume
        raw.cumulative_volume = cumulativeVolume
        raw.leaves_volume = leavesVolume
        raw.lp_time_ns = lpTimeNanoseconds
        raw.exec_id = execID
        raw.lp_order_id = lpOrderID
        raw.text = text
        return raw
    }
}
