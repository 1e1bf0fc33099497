import CRTXABI

/// The ABI this host speaks, from the SDK headers it was compiled with.
public enum HostABI {
    public static let major = UInt32(RTX_ABI_VERSION_MAJOR)
    public static let minor = UInt32(RTX_ABI_VERSION_MINOR)
    /// Must equal a plugin's `build_fingerprint` byte for byte.
    public static let buildFingerprint = RTX_BUILD_FINGERPRINT
    public static var versionString: String { "\(major).\(minor)" }
    /// The exported entry symbol of this major.
    public static let entrySymbol = RTX_PLUGIN_ENTRY_SYMBOL

    /// Smallest sizes the host accepts for plugin-provided structs (their ABI 1.0 layouts).
    static let descriptorSize10 = Int(RTX_PLUGIN_DESCRIPTOR_SIZE_1_0)
    static let lpAdapterSize10 = Int(RTX_LP_ADAPTER_SIZE_1_0)
    static let routingPolicySize10 = MemoryLayout<rtx_routing_policy_t>.size
    static let feeModelSize10 = MemoryLayout<rtx_fee_model_t>.size
    static let factorySize10 = MemoryLayout<rtx_lp_adapter_factory_t>.size

    /// The compatibility rule: majors equal, plugin minor not newer than the host's.
    /// Returns nil when compatible, or the refusal naming both versions.
    public static func refusal(pluginMajor: UInt32, pluginMinor: UInt32) -> (message: String, fix: String)? {
        if pluginMajor != major {
            return ("built for RTX ABI \(pluginMajor).\(pluginMinor); this host speaks RTX ABI \(versionString) and majors must match",
                    "rebuild the plugin against the RTX ABI \(major).x headers of this host's sdk/include")
        }
        if pluginMinor > minor {
            return ("needs RTX ABI \(pluginMajor).\(pluginMinor); this host provides RTX ABI \(versionString)",
                    "upgrade rtx to a release with ABI \(pluginMajor).\(pluginMinor), or rebuild the plugin against the \(versionString) headers")
        }
        return nil
    }
}

/// Copies a plugin-provided struct that starts with its size into a zero-filled host struct:
/// fields beyond the plugin's size read as zero (absent). Returns nil when the plugin's
/// struct is smaller than `minimumSize` (a layout older than ABI 1.0: not a valid plugin).
func readSizedStruct<T>(_ pointer: UnsafeRawPointer, as type: T.Type, zero: T, minimumSize: Int) -> (value: T, size: Int)? {
    let declared = Int(pointer.load(as: UInt32.self))
    guard declared >= minimumSize else { return nil }
    var value = zero
    withUnsafeMutableBytes(of: &value) { destination in
        destination.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: min(declared, destination.count)))
    }
    return (value, declared)
}

/// Reads a NUL-terminated string a plugin handed over, refusing NULL (when required),
/// more than `limitBytes` bytes, or invalid UTF-8.
func readPluginCString(_ pointer: UnsafePointer<CChar>?, limitBytes: Int = 256) -> String?? {
    guard let pointer else { return .some(nil) }
    let length = strnlen(pointer, limitBytes + 1)
    guard length <= limitBytes else { return nil }
    let bytes = UnsafeRawBufferPointer(start: pointer, count: length)
    guard let text = String(validating: bytes.bindMemory(to: UInt8.self), as: UTF8.self) else { return nil }
    return .some(text)
}

#if canImport(Glibc)
import Glibc
#endif
