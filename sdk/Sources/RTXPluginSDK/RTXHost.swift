import CRTXPluginABI

/// The host services handed to one plugin instance (`rtx_host_t`): log, clocks, the
/// instance's config, and for LP adapters the emit functions.
///
/// Thread: every method may be called from any thread, concurrently; none blocks and none
/// calls back into the plugin (so calling them while holding your own lock cannot deadlock).
/// That is the host's contract, which is why this wrapper is `@unchecked Sendable`.
/// Lifetime: valid from `init(host:)` until the instance is destroyed (the SDK's destroy
/// trampoline releases your instance). Do not use it after your `stop()` returned (LP
/// adapters: the host then answers `RTX_E_STATE`) or after destroy.
/// Ownership: everything passed to these methods is borrowed for the call; the host copies it.
public struct RTXHost: @unchecked Sendable {
    /// The host's table, for what this wrapper does not cover. Never NULL.
    public let table: UnsafePointer<rtx_host_t>
    /// The instance's configuration, copied once when the instance was created.
    public let config: RTXConfig
    /// The host's name and version (e.g. "rtx", "0.4.0").
    public let hostName: String
    public let hostVersion: String
    /// The host's ABI minor (this SDK's headers are 1.1).
    public let abiMinor: UInt32

    /// Checks an instance-scoped host table and copies its config. Every field of
    /// `rtx_host_t` exists since ABI 1.0, so a table whose struct_size does not cover them all
    /// (or that lacks a function) is refused with `RTX_E_INVALID_ARGUMENT`.
    init(instance table: UnsafePointer<rtx_host_t>) throws(RTXPluginError) {
        let size = RTXStructSize.of(table)
        guard size >= MemoryLayout<rtx_host_t>.size else {
            throw .invalidArgument("the host table is \(size) bytes, smaller than rtx_host_t (\(MemoryLayout<rtx_host_t>.size))")
        }
        let host = table.pointee
        guard host.log != nil, host.monotonic_ns != nil, host.wall_clock_ns != nil, host.emit_quote != nil,
              host.emit_execution_report != nil, host.emit_connection_state != nil, let getConfig = host.get_config else {
            throw .invalidArgument("the host table lacks a function (log, clocks, get_config or emit_*)")
        }
        var config = rtx_config_t()
        config.struct_size = UInt32(MemoryLayout<rtx_config_t>.size)
        let status = getConfig(table, &config)
        guard status == RTX_OK else {
            throw RTXPluginError(status, "host get_config failed with status \(status)")
        }
        self.table = table
        self.config = RTXConfig(text: RTXCStrings.string(config.text), firstLine: config.first_line,
                                sourcePath: RTXCStrings.string(config.source_path),
                                instanceID: RTXCStrings.string(config.instance_id))
        self.hostName = RTXCStrings.string(host.host_name)
        self.hostVersion = RTXCStrings.string(host.host_version)
        self.abiMinor = host.abi_minor
    }

    /// Writes one log record attributed to this instance.
    public func log(_ level: RTXLogLevel, _ message: String) {
        guard let log = table.pointee.log else {
            return
        }
        RTXCStrings.withView(message) { log(table, level.rawValue, $0) }
    }

    /// The host's monotonic clock, ns since an unspecified origin.
    public var monotonicNanoseconds: Int64 {
        table.pointee.monotonic_ns.map { $0(table) } ?? 0
    }

    /// The host's wall clock, ns since the Unix epoch (UTC).
    public var wallNanoseconds: Int64 {
        table.pointee.wall_clock_ns.map { $0(table) } ?? 0
    }

    /// Pushes a quote (the host copies it; `struct_size` is set here). Returns `RTX_OK`;
    /// `RTX_E_AGAIN` when the host's quote queue is full and the quote was dropped and counted
    /// (a fresher quote supersedes it: do not retry); `RTX_E_INVALID_ARGUMENT` for an unknown
    /// symbol_id or bad prices; `RTX_E_STATE` after stop.
    @discardableResult
    public func emit(quote: rtx_quote_t) -> Int32 {
        guard let emit = table.pointee.emit_quote else {
            return RTX_E_UNSUPPORTED
        }
        var quote = quote
        quote.struct_size = UInt32(MemoryLayout<rtx_quote_t>.size)
        return emit(table, &quote)
    }

    /// Pushes an execution report; its strings are borrowed for the call only. Returns
    /// `RTX_OK`; `RTX_E_AGAIN` when the host's report queue is full and the report was NOT
    /// taken: keep it and emit it again later, in order (reports must not be lost);
    /// `RTX_E_STATE` after stop; `RTX_E_INVALID_ARGUMENT` for a malformed report.
    public func emit(report: RTXExecutionReport) -> Int32 {
        guard let emit = table.pointee.emit_execution_report else {
            return RTX_E_UNSUPPORTED
        }
        return RTXCStrings.withView(report.execID) { execID in
            RTXCStrings.withView(report.lpOrderID) { lpOrderID in
                RTXCStrings.withView(report.text) { text in
                    var raw = report.raw(execID: execID, lpOrderID: lpOrderID, text: text)
                    return emit(table, &raw)
                }
            }
        }
    }

    /// Reports the adapter's connection state; reason (borrowed for the call) says why, for operators.
    @discardableResult
    public func emit(connectionState: RTXConnectionState, reason: String) -> Int32 {
        guard let emit = table.pointee.emit_connection_state else {
            return RTX_E_UNSUPPORTED
        }
        return RTXCStrings.withView(reason) { emit(table, connectionState.rawValue, $0) }
    }
}
