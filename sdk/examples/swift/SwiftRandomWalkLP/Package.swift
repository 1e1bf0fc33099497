// swift-tools-version:6.0
// SwiftRandomWalkLP: an RTX LP adapter in Swift. Build (from the repository root):
//   swift build -c release --package-path sdk/examples/swift/SwiftRandomWalkLP --scratch-path .build/swift-plugins/SwiftRandomWalkLP
// -> .build/swift-plugins/SwiftRandomWalkLP/release/libSwiftRandomWalkLP.so
import PackageDescription

/// exports.map next to this manifest: export rtx_plugin_entry_v1 only (see that file).
let exportsMap = String(#filePath.dropLast("Package.swift".count)) + "exports.map"

let package = Package(
    name: "SwiftRandomWalkLP",
    products: [
        .library(name: "SwiftRandomWalkLP", type: .dynamic, targets: ["SwiftRandomWalkLP"]),
    ],
    dependencies: [
        .package(path: "../../.."), // sdk/: RTXPluginSDK, linked statically into the plugin
    ],
    targets: [
        .target(name: "SwiftRandomWalkLP", dependencies: [.product(name: "RTXPluginSDK", package: "sdk")],
                linkerSettings: [.unsafeFlags(["-Xlinker", "--version-script=\(exportsMap)"])]),
    ],
    swiftLanguageModes: [.v6]
)
