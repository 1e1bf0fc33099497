// swift-tools-version:6.0
// RTXPluginSDK: write RTX plugins in Swift. The package has no dependencies: a C target that
// exposes the ABI headers of sdk/include/rtx, and the Swift helpers on top of them. The library
// product is linked statically into each plugin .so (nothing of it is shared between plugins,
// and nothing of it is ever seen by the host: only the C ABI crosses the boundary).
import PackageDescription

let package = Package(
    name: "RTXPluginSDK",
    products: [
        .library(name: "RTXPluginSDK", targets: ["RTXPluginSDK"]),
    ],
    targets: [
        // The C ABI v1 headers (sdk/include/rtx) as a Clang module.
        .target(name: "CRTXPluginABI", path: "Sources/CRTXPluginABI"),
        // Protocols per plugin kind, value types, the config reader, the descriptor builder and
        // the nonisolated @convention(c) trampolines that turn C calls into Swift calls.
        .target(name: "RTXPluginSDK", dependencies: ["CRTXPluginABI"], path: "Sources/RTXPluginSDK"),
    ],
    swiftLanguageModes: [.v6]
)
