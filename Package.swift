// swift-tools-version:6.0
// The RTX host. Plugins (Plugins/, sdk/examples/) are built separately and never linked here:
// the host sees only the SDK's C headers (CRTXABI), never a plugin and never the SDK's Swift helpers.
import PackageDescription

let package = Package(
    name: "rtx",
    products: [
        .executable(name: "rtx", targets: ["rtx"]),
        .library(name: "RTXPluginHost", targets: ["RTXPluginHost"]),
        // The deterministic trading core, embeddable by other packages (backtesters, risk tools).
        .library(name: "RTXCore", targets: ["RTXCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.0.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        // Already there through Hummingbird; named for the server tests' EmbeddedChannel.
        .package(url: "https://github.com/apple/swift-nio", from: "2.0.0"),
    ],
    targets: [
        // The C ABI headers of sdk/include/rtx, as a module the host imports.
        .target(name: "CRTXABI", path: "Sources/CRTXABI"),
        // libyaml, for plugins.yaml.
        .systemLibrary(name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1",
                       providers: [.apt(["libyaml-dev"])]),
        // SHA-256, shared by the plugin host (library pins) and the core (state hashes).
        .target(name: "RTXDigest"),
        // The deterministic trading core: pure Swift, no I/O, no clock, no Foundation, no floating point.
        .target(name: "RTXCore", dependencies: ["RTXDigest"]),
        // Host-internal C: the epoch read side's compiler fence and membarrier(2).
        .target(name: "CRTXHostSupport", path: "Sources/CRTXHostSupport"),
        // libpq, for the journal and the read models.
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // hiredis, for the quote cache and pub/sub.
        .systemLibrary(name: "CHiredis", path: "Sources/CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        // PostgreSQL and Redis clients, journal and snapshot store, migrations, private PostgreSQL and Redis servers.
        .target(name: "RTXStore", dependencies: ["CLibPQ", "CHiredis"]),
        // The LP manager's logic: normalize, validate, aggregate or fail over (pure, no I/O).
        .target(name: "RTXMarketData"),
        // Metrics (Prometheus text) and structured logs.
        .target(name: "RTXObservability", dependencies: [
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Manifest, loader, ABI checks, host services, plugin instances.
        .target(name: "RTXPluginHost", dependencies: ["CRTXABI", "CYAML", "CRTXHostSupport", "RTXDigest"]),
        // The running engine: configuration, sequencer, journal writer, core thread, LP order path, clock, recovery.
        .target(name: "RTXEngine", dependencies: ["RTXCore", "RTXPluginHost", "RTXStore", "CRTXABI", "RTXMarketData", "RTXObservability",
                                                 .product(name: "Metrics", package: "swift-metrics"), .product(name: "Logging", package: "swift-log")]),
        // The client HTTP API (Hummingbird 2): health, readiness, metrics, login with bcrypt and JWT, account, orders, positions.
        // Page/: the trader page (plain HTML, CSS, JavaScript), copied into the resource bundle beside the binary.
        .target(name: "RTXServer", dependencies: [
            "RTXEngine", "RTXCore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], resources: [.copy("Page")]),
        // The `rtx` command line.
        .executableTarget(name: "rtx", dependencies: [
            "RTXServer",
            "RTXPluginHost",
            "RTXCore",
            "RTXEngine",
            "RTXStore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // epoll and timerfd for the benchmarks' load clients (Swift's Glibc module lacks both).
        .target(name: "CRTXBenchSupport", path: "Sources/CRTXBenchSupport"),
        // Benchmarks (run in release builds by `make bench`): programs that print numbers.
        .executableTarget(name: "rtx-bench", dependencies: ["RTXPluginHost", "RTXCore", "CRTXABI", "RTXEngine", "RTXStore", "RTXServer",
                                                           "CRTXBenchSupport"]),
        .testTarget(name: "RTXCoreTests", dependencies: ["RTXCore", "RTXDigest"]),
        .testTarget(name: "RTXPluginHostTests", dependencies: ["RTXPluginHost", "CRTXABI", "RTXDigest"]),
        .testTarget(name: "RTXStoreTests", dependencies: ["RTXStore"]),
        .testTarget(name: "RTXEngineTests", dependencies: ["RTXEngine", "RTXCore", "RTXPluginHost", "RTXStore", "RTXObservability"]),
        .testTarget(name: "RTXMarketDataTests", dependencies: ["RTXMarketData"]),
        .testTarget(name: "RTXServerTests", dependencies: ["RTXServer",
                                                           .product(name: "NIOEmbedded", package: "swift-nio"),
                                                           .product(name: "NIOWebSocket", package: "swift-nio")]),
    ]
)
