/// The Swift toolchain this host was built with, spelled as Swift plugins built with the
/// RTX Swift SDK report theirs ("swift-6.3 x86_64-unknown-linux-gnu"). Swift has no stable
/// ABI on Linux, so a Swift plugin must come from the same toolchain as the host.
public enum SwiftToolchain {
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

    /// Nil when `toolchain` (a descriptor's) is acceptable: not Swift, or this host's Swift.
    static func refusal(pluginToolchain toolchain: String) -> (message: String, fix: String)? {
        guard toolchain.lowercased().hasPrefix("swift"), toolchain != current else { return nil }
        return ("was built with \(toolchain) but this host runs \(current); Swift has no stable ABI on Linux, so both must match",
                "rebuild the plugin with the Swift toolchain that built this host (\(current))")
    }
}
