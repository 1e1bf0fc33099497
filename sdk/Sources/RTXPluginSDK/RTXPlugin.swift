import CRTXPluginABI
import Glibc
import Synchronization

/// Builds the library's descriptor: call it from your one exported entry function.
///
/// ```swift
/// @_cdecl("rtx_plugin_entry_v1")
/// public func rtxPluginEntryV1() -> UnsafePointer<rtx_plugin_descriptor_t> {
///     RTXPlugin.descriptor(id: "org.example.routing.volume", version: "1.0.0", routingPolicy: VolumeRouting.self)
/// }
/// ```
public enum RTXPlugin {
    /// The descriptor, its factories and its strings, built on the first call and returned
    /// (the same pointer) on every later call; later calls' arguments are ignored, so pass
    /// constants. Thread: any, concurrently (the first build is done once, under a lock).
    /// Lifetime: static for the life of the process (libraries are never unloaded).
    ///
    /// - id: reverse-DNS plugin id, e.g. "org.example.routing.volume"; version: e.g. "1.4.2";
    ///   description: one line for operators; license: an SPDX id. NUL-terminated copies are
    ///   kept; the host refuses strings longer than 256 bytes.
    /// - routingPolicy, feeModel, lpAdapter: the kinds this library provides (at least one);
    ///   `get_factory` answers NULL for the others.
    /// - toolchain is `RTXToolchain.current`, build_fingerprint `RTX_BUILD_FINGERPRINT`, and
    ///   the ABI version that of these headers. init and deinit are NULL: set up per instance.
    public static func descriptor(id: String, version: String, description: String? = nil, license: String? = nil,
                                  routingPolicy: (any RTXRoutingPolicy.Type)? = nil,
                                  feeModel: (any RTXFeeModel.Type)? = nil,
                                  lpAdapter: (any RTXLPAdapter.Type)? = nil) -> UnsafePointer<rtx_plugin_descriptor_t> {
        if let registry = PluginRegistry.current {
            return registry.descriptor
        }
        return buildLock.withLock { _ in
            if let registry = PluginRegistry.current {
                return registry.descriptor
            }
            let registry = PluginRegistry(id: id, version: version, description: description, license: license,
                                          routingPolicy: routingPolicy, feeModel: feeModel, lpAdapter: lpAdapter)
            PluginRegistry.publish(registry)
            return registry.descriptor
        }
    }
}

/// Serializes the one build of the registry.
private let buildLock = Mutex<Void>(())
/// The published registry: the bits of a retained (never released) `PluginRegistry`, or 0.
private let publishedRegistry = Atomic<Int>(0)

/// Everything static of this library: the descriptor, one factory per kind it provides, and
/// the Swift types the factories create. Built once; immutable and never freed afterwards.
final class PluginRegistry {
    let descriptor: UnsafePointer<rtx_plugin_descriptor_t>
    let routingPolicy: (any RTXRoutingPolicy.Type)?
    let feeModel: (any RTXFeeModel.Type)?
    let lpAdapter: (any RTXLPAdapter.Type)?
    let routingFactory: UnsafeRawPointer?
    let feeFactory: UnsafeRawPointer?
    let lpFactory: UnsafeRawPointer?
    let routingFactoryID: UnsafePointer<CChar>?
    let feeFactoryID: UnsafePointer<CChar>?
    let lpFactoryID: UnsafePointer<CChar>?

    init(id: String, version: String, description: String?, license: String?,
         routingPolicy: (any RTXRoutingPolicy.Type)?, feeModel: (any RTXFeeModel.Type)?, lpAdapter: (any RTXLPAdapter.Type)?) {
        self.routingPolicy = routingPolicy
        self.feeModel = feeModel
        self.lpAdapter = lpAdapter
        routingFactory = routingPolicy == nil ? nil : RoutingTrampolines.makeFactory()
        feeFactory = feeModel == nil ? nil : FeeTrampolines.makeFactory()
        lpFactory = lpAdapter == nil ? nil : LPTrampolines.makeFactory()
        routingFactoryID = RTXCStrings.immortalCString(RTX_FACTORY_ROUTING_POLICY)
        feeFactoryID = RTXCStrings.immortalCString(RTX_FACTORY_FEE_MODEL)
        lpFactoryID = RTXCStrings.immortalCString(RTX_FACTORY_LP_ADAPTER)

        var d = rtx_plugin_descriptor_t()
        d.struct_size = UInt32(MemoryLayout<rtx_plugin_descriptor_t>.size)
        d.abi_major = UInt32(RTX_ABI_VERSION_MAJOR)
        d.abi_minor = UInt32(RTX_ABI_VERSION_MINOR)
        d.reserved0 = 0
        d.build_fingerprint = RTXCStrings.immortalCString(RTX_BUILD_FINGERPRINT)
        d.plugin_id = RTXCStrings.immortalCString(id)
        d.plugin_version = RTXCStrings.immortalCString(version)
        d.toolchain = RTXCStrings.immortalCString(RTXToolchain.current)
        d.`init` = nil
        d.deinit = nil
        d.get_factory = pluginGetFactory
        d.description = description.flatMap(RTXCStrings.immortalCString)
        d.license = license.flatMap(RTXCStrings.immortalCString)
        let storage = UnsafeMutablePointer<rtx_plugin_descriptor_t>.allocate(capacity: 1)
        storage.initialize(to: d)
        descriptor = UnsafePointer(storage)
    }

    /// The published registry, or nil before the first `RTXPlugin.descriptor` call. Lock-free.
    static var current: PluginRegistry? {
        let bits = publishedRegistry.load(ordering: .acquiring)
        guard let raw = UnsafeRawPointer(bitPattern: bits) else {
            return nil
        }
        return Unmanaged<PluginRegistry>.fromOpaque(raw).takeUnretainedValue()
    }

    /// Publishes registry for good (retained forever: the library is never unloaded).
    static func publish(_ registry: PluginRegistry) {
        let raw = Unmanaged.passRetained(registry).toOpaque()
        publishedRegistry.store(Int(bitPattern: raw), ordering: .releasing)
    }
}

/// `get_factory` [any thread, non-blocking, allocation-free]: the static factory for an id,
/// or NULL when this library provides none of that kind.
nonisolated private func pluginGetFactory(_ factoryID: UnsafePointer<CChar>?) -> UnsafeRawPointer? {
    guard let factoryID, let registry = PluginRegistry.current else {
        return nil
    }
    if let id = registry.routingFactoryID, strcmp(factoryID, id) == 0 {
        return registry.routingFactory
    }
    if let id = registry.feeFactoryID, strcmp(factoryID, id) == 0 {
        return registry.feeFactory
    }
    if let id = registry.lpFactoryID, strcmp(factoryID, id) == 0 {
        return registry.lpFactory
    }
    return nil
}
