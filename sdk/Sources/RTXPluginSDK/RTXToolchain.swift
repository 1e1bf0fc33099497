/// The Swift toolchain a plugin was built with, as its descriptor reports it:
/// `"swift-<major>.<minor> <arch>-unknown-linux-gnu"`, e.g. `"swift-6.3 x86_64-unknown-linux-gnu"`.
///
/// Swift has no stable ABI on Linux, so the host refuses a Swift plugin whose string differs
/// from its own, computed the same way (Sources/RTXPluginHost/SwiftToolchain.swift): build
/// plugins with the toolchain that built the host.
public enum RTXToolchain {
    /// This build's toolchain string.
    public static let current: String = "swift-\(version) \(architecture)-unknown-linux-gnu"

    static var version: String {
        #if compiler(>=6.5)
        "6.5+"
        #elseif compiler(>=6.4)
        "6.4"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #else
        "6.1-"
        #endif
    }

    static var architecture: String {
        #if arch(x86_64)
        "x86_64"
        #elseif arch(arm64)
        "aarch64"
        #else
        "unknown"
        #endif
    }
}
