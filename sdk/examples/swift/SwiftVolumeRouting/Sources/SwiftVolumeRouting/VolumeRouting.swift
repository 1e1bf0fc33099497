import RTXPluginSDK

/// Orders of `threshold_lots` or more go to the C-Book, hedged `hedge_ppm` at LP `lp` (or any
/// LP); smaller ones stay on the B-Book. The reason names the rule that fired.
///
/// Config (flat `key: value` lines in the instance's `config:` block of plugins.yaml):
///   threshold_lots: 2.5   required; decimal lots (at most 8 fractional digits), > 0
///   hedge_ppm: 500000     share of a large order hedged at the LP, 0..1000000; default 500000
///   lp: synthetic         preferred LP adapter id for large orders, at most 63 bytes; default: any
///
/// Threads: init runs on the host's control thread; decide on any thread, concurrently. The
/// policy is immutable after init (a Sendable struct), so decide needs no lock; its answers
/// are built in init, so decide neither blocks nor allocates for them.
struct VolumeRouting: RTXRoutingPolicy {
    /// 1e-8 lots.
    let threshold: Int64
    let large: RTXRoutingAnswer
    let small: RTXRoutingAnswer

    init(host: RTXHost) throws {
        let config = host.config
        try config.checkKeys(allowed: ["threshold_lots", "hedge_ppm", "lp"])
        threshold = try config.fixed("threshold_lots", digits: 8, in: 1 ... Int64.max)
        let hedge = try config.int("hedge_ppm", in: 0 ... Int64(RTX_RATIO_SCALE), default: 500_000)
        let lp = try config.string("lp", default: "", maxBytes: Int(RTX_LP_ID_CAPACITY) - 1)
        let lots = RTXDecimal.format(threshold, digits: 8)
        large = .cBook(hedgeRatioPPM: UInt32(hedge), preferredLP: lp,
                       reason: "volume at or above threshold_lots \(lots): C-Book, hedge \(hedge) ppm" +
                           (lp.isEmpty ? "" : " at \(lp)"))
        small = .bBook(reason: "volume below threshold_lots \(lots): B-Book")
    }

    func decide(_ context: RTXRoutingContext) throws -> RTXRoutingAnswer {
        context.volume >= threshold ? large : small
    }
}

/// The library's only exported symbol. Any thread, no side effects after the first call.
@_cdecl("rtx_plugin_entry_v1")
public func rtxPluginEntryV1() -> UnsafePointer<rtx_plugin_descriptor_t> {
    RTXPlugin.descriptor(id: "org.rtx.examples.swift-volume-routing", version: "1.0.0",
                         description: "Routing policy in Swift: large orders to the C-Book with a partial hedge, the rest to the B-Book",
                         license: "Apache-2.0", routingPolicy: VolumeRouting.self)
}
