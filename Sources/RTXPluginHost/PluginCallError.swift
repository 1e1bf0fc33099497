import CRTXABI

/// A plugin call that failed: the plugin returned an error status, answered out of range,
/// or was called in the wrong state. Names the instance and the library's id and version.
public struct PluginCallError: Error, Sendable, Equatable, CustomStringConvertible {
    public var instanceID: String
    public var pluginID: String
    public var pluginVersion: String
    /// The function called, e.g. "decide", "start".
    public var function: String
    /// The ABI status (RTX_E_*) the plugin returned, or the host's classification.
    public var status: Int32
    public var message: String

    public var description: String {
        "\(instanceID) (\(pluginID) \(pluginVersion)) \(function) failed [\(PluginStatus.name(status))]: \(message)"
    }
}

/// Names of the ABI status codes.
public enum PluginStatus {
    public static func name(_ status: Int32) -> String {
        switch status {
        case RTX_OK: "ok"
        case RTX_E_INVALID_ARGUMENT: "invalid-argument"
        case RTX_E_UNSUPPORTED: "unsupported"
        case RTX_E_STATE: "state"
        case RTX_E_AGAIN: "again"
        case RTX_E_NOT_FOUND: "not-found"
        case RTX_E_CONFIG: "config"
        case RTX_E_IO: "io"
        case RTX_E_REJECTED: "rejected"
        case RTX_E_LIMIT: "limit"
        case RTX_E_INTERNAL: "internal"
        default: "status \(status)"
        }
    }
}

/// A caller-owned rtx_error_t, zero-filled with its size set, ready to hand to a plugin.
func newPluginError() -> rtx_error_t {
    var error = rtx_error_t()
    error.struct_size = UInt32(MemoryLayout<rtx_error_t>.size)
    return error
}
