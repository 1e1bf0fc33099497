import RTXPluginSDK

/// The library's only exported symbol. Any thread, no side effects after the first call.
@_cdecl("rtx_plugin_entry_v1")
public func rtxPluginEntryV1() -> UnsafePointer<rtx_plugin_descriptor_t> {
    RTXPlugin.descriptor(id: "org.rtx.examples.swift-random-walk-lp", version: "1.0.0",
                         description: "LP adapter in Swift: random-walk quotes from its own thread, market orders filled at its price",
                         license: "Apache-2.0", lpAdapter: SwiftRandomWalkLP.self)
}
