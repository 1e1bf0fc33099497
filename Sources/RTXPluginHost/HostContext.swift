import CRTXABI
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The host side of one `rtx_host_t` table: what a plugin library (scope `.library`, given
/// to init) or a plugin instance (scope `.instance`, given to create) can call.
///
/// Lifetime: owns the C table and every string it points to; the owner keeps the context
/// alive until the instance's destroy (or the library's deinit) has returned. Thread: the
/// callbacks run on any plugin thread; everything they touch is immutable or atomic.
class HostContext: @unchecked Sendable {
    enum Scope { case library, instance }

    let instanceID: String
    let scope: Scope
    let logSink: any PluginLogSink
    let config: PluginConfigBlock
    let table: UnsafeMutablePointer<rtx_host_t>
    private var ownedStrings: [UnsafeMutablePointer<CChar>] = []
    private let configView: (text: rtx_str_t, source: rtx_str_t, id: rtx_str_t)

    init(instanceID: String, scope: Scope, logSink: any PluginLogSink, config: PluginConfigBlock, manifestPath: String) {
        self.instanceID = instanceID
        self.scope = scope
        self.logSink = logSink
        self.config = config
        table = .allocate(capacity: 1)
        var owned: [UnsafeMutablePointer<CChar>] = []
        func view(_ text: String) -> rtx_str_t {
            let copy = strdup(text)!
            owned.append(copy)
            return rtx_str_t(data: UnsafePointer(copy), length: strlen(copy))
        }
        configView = (view(config.text), view(manifestPath), view(instanceID))
        var t = rtx_host_t()
        t.struct_size = UInt32(MemoryLayout<rtx_host_t>.size)
        t.abi_major = HostABI.major
        t.abi_minor = HostABI.minor
        t.host_name = view("rtx")
        t.host_version = view(RTXVersion.current)
        t.log = { host, level, message in HostCallbacks.log(host, level, message) }
        t.monotonic_ns = { _ in HostClock.monotonicNanoseconds() }
        t.wall_clock_ns = { _ in HostClock.wallNanoseconds() }
        t.get_config = { host, out in HostCallbacks.getConfig(host, out) }
        t.emit_quote = { host, quote in HostCallbacks.emitQuote(host, quote) }
        t.emit_execution_report = { host, report in HostCallbacks.emitExecutionReport(host, report) }
        t.emit_connection_state = { host, state, reason in HostCallbacks.emitConnectionState(host, state, reason) }
        table.initialize(to: t)
        ownedStrings = owned
        table.pointee.host_data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        table.deinitialize(count: 1)
        table.deallocate()
        for s in ownedStrings { free(s) }
    }

    func fillConfig(_ out: UnsafeMutablePointer<rtx_config_t>) -> rtx_status_t {
        let size = Int(out.pointee.struct_size)
        guard size >= MemoryLayout<rtx_config_t>.size else {
            return RTX_E_INVALID_ARGUMENT
        }
        out.pointee.first_line = UInt32(config.firstLine)
        out.pointee.text = configView.text
        out.pointee.source_path = configView.source
        out.pointee.instance_id = configView.id
        return RTX_OK
    }

    func log(_ level: PluginLogLevel, _ message: String) {
        logSink.write(source: instanceID, level: level, message: message)
    }

    // Overridden by instance contexts that accept pushes (LP adapters); the library scope
    // and the pure kinds answer RTX_E_STATE.
    func emitQuote(_ quote: UnsafePointer<rtx_quote_t>) -> rtx_status_t { RTX_E_STATE }
    func emitExecutionReport(_ report: UnsafePointer<rtx_execution_report_t>) -> rtx_status_t { RTX_E_STATE }
    func emitConnectionState(_ state: rtx_connection_state_t, _ reason: rtx_str_t) -> rtx_status_t { RTX_E_STATE }
}

/// The C entry points of the host table. Non-capturing, nonisolated: safe on plugin threads.
enum HostCallbacks {
    private static let hostDataOffset = MemoryLayout<rtx_host_t>.offset(of: \rtx_host_t.host_data)!

    @inline(__always)
    static func withContext<R>(_ host: UnsafePointer<rtx_host_t>?, otherwise: R, _ body: (HostContext) -> R) -> R {
        guard let host,
              let data = UnsafeRawPointer(host).load(fromByteOffset: hostDataOffset, as: UnsafeMutableRawPointer?.self)
        else { return otherwise }
        return Unmanaged<HostContext>.fromOpaque(data)._withUnsafeGuaranteedRef { body($0) }
    }

    static func log(_ host: UnsafePointer<rtx_host_t>?, _ level: rtx_log_level_t, _ message: rtx_str_t) {
        withContext(host, otherwise: ()) { context in
            let text = StringView.copy(message, limitBytes: 4096) ?? "(log message was NULL, too long or not UTF-8)"
            context.log(PluginLogLevel(rawValue: min(max(level, 0), 4)) ?? .info, text)
        }
    }

    static func getConfig(_ host: UnsafePointer<rtx_host_t>?, _ out: UnsafeMutablePointer<rtx_config_t>?) -> rtx_status_t {
        guard let out else { return RTX_E_INVALID_ARGUMENT }
        return withContext(host, otherwise: RTX_E_INVALID_ARGUMENT) { $0.fillConfig(out) }
    }

    static func emitQuote(_ host: UnsafePointer<rtx_host_t>?, _ quote: UnsafePointer<rtx_quote_t>?) -> rtx_status_t {
        guard let quote else { return RTX_E_INVALID_ARGUMENT }
        return withContext(host, otherwise: RTX_E_INVALID_ARGUMENT) { $0.emitQuote(quote) }
    }

    static func emitExecutionReport(_ host: UnsafePointer<rtx_host_t>?,
                                    _ report: UnsafePointer<rtx_execution_report_t>?) -> rtx_status_t {
        guard let report else { return RTX_E_INVALID_ARGUMENT }
        return withContext(host, otherwise: RTX_E_INVALID_ARGUMENT) { $0.emitExecutionReport(report) }
    }

    static func emitConnectionState(_ host: UnsafePointer<rtx_host_t>?, _ state: rtx_connection_state_t,
                                    _ reason: rtx_str_t) -> rtx_status_t {
        withContext(host, otherwise: RTX_E_INVALID_ARGUMENT) { $0.emitConnectionState(state, reason) }
    }
}

/// Clocks handed to plugins.
public enum HostClock {
    @inline(__always)
    public static func monotonicNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
    }

    public static func wallNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
    }
}

/// Copies borrowed `rtx_str_t` views into Swift strings.
enum StringView {
    /// nil when data is NULL with a length, longer than the limit, or not UTF-8.
    static func copy(_ view: rtx_str_t, limitBytes: Int) -> String? {
        if view.length == 0 { return "" }
        guard let data = view.data, view.length <= limitBytes else { return nil }
        let bytes = UnsafeRawBufferPointer(start: data, count: view.length).bindMemory(to: UInt8.self)
        return String(validating: bytes, as: UTF8.self)
    }
}

/// The host's version string.
public enum RTXVersion {
    public static let current = "0.1.0"
}
