// swift-tools-version:6.0
// SwiftVolumeRouting: an RTX routing policy in Swift. Build (from the repository root):
//   swift build -c release --package-path sdk/examples/swift/SwiftVolumeRouting --scratch-path .build/swift-plugins/SwiftVolumeRouting
// -> .build/swift-plugins/SwiftVolumeRouting/release/libSwiftVolumeRouting.so
import PackageDescription

/// exports.map next to this manifest: export rtx_plugin_entry_v1 only (see that file).
let exportsMap = String(#filePath.dropLast("Package.swift".count)) + "exports.map"

let package = Package(
    name: "SwiftVolumeRouting",
    products: [
        .library(name: "SwiftVolumeRouting", type: .dynamic, targets: ["SwiftVolumeRouting"]),
    ],
    dependencies: [
        .package(path: "../../.."), // sdk/: RTXPluginSDK, linked statically into the plugin
    ],
    targets: [
        .target(name: "SwiftVolumeRouting", dependencies: [.product(name: "RTXPluginSDK", package: "sdk")],
                linkerSettings: [.unsafeFlags(["-Xlinker", "--version-script=\(exportsMap)"])]),
    ],
    swiftLanguageModes: [.v6]
)
