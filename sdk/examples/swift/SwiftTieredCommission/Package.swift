// swift-tools-version:6.0
// SwiftTieredCommission: an RTX fee model in Swift. Build (from the repository root):
//   swift build -c release --package-path sdk/examples/swift/SwiftTieredCommission --scratch-path .build/swift-plugins/SwiftTieredCommission
// -> .build/swift-plugins/SwiftTieredCommission/release/libSwiftTieredCommission.so
import PackageDescription

/// exports.map next to this manifest: export rtx_plugin_entry_v1 only (see that file).
let exportsMap = String(#filePath.dropLast("Package.swift".count)) + "exports.map"

let package = Package(
    name: "SwiftTieredCommission",
    products: [
        .library(name: "SwiftTieredCommission", type: .dynamic, targets: ["SwiftTieredCommission"]),
    ],
    dependencies: [
        .package(path: "../../.."), // sdk/: RTXPluginSDK, linked statically into the plugin
    ],
    targets: [
        .target(name: "SwiftTieredCommission", dependencies: [.product(name: "RTXPluginSDK", package: "sdk")],
                linkerSettings: [.unsafeFlags(["-Xlinker", "--version-script=\(exportsMap)"])]),
    ],
    swiftLanguageModes: [.v6]
)
