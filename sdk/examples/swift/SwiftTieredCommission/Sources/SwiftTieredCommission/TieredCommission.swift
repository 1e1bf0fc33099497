import RTXPluginSDK

/// A commission in two tiers by trade size, and one swap rate, for every group and symbol
/// ("*" / "*"). The schedule it hands the host:
///   tier 1: from 0 lots, `per_lot` per lot traded
///   tier 2: from `large_from_lots`, `large_per_lot` per lot traded
///   (both in `currency`, charged on entry and on exit, no minimum)
///   swap: `swap_long_points` / `swap_short_points` price ticks per lot per day
///   (RTX_SWAP_POINTS; positive is paid to the client), tripled on `triple_weekday`;
///   only when swap_long_points or swap_short_points is given.
///
/// Config (flat `key: value` lines in the instance's `config:` block of plugins.yaml):
///   per_lot: 3.50            required; money per lot below large_from_lots, decimal (8 digits), >= 0
///   large_per_lot: 2.00      required; money per lot from large_from_lots on, decimal, >= 0
///   large_from_lots: 10      required; the second tier's threshold, decimal lots, > 0
///   currency: USD            three capital letters; default USD
///   swap_long_points: -5     whole points per lot per day for long positions; default 0
///   swap_short_points: 1     whole points per lot per day for short positions; default 0
///   triple_weekday: 3        0 = Sunday .. 6 = Saturday; default 3 (Wednesday)
///
/// Threads: init runs on the host's control thread; buildSchedule on any thread,
/// concurrently. The model is an immutable Sendable struct: no lock. Money is Int64 at 1e-8
/// units and volume Int64 at 1e-8 lots: no floating point anywhere.
struct TieredCommission: RTXFeeModel {
    static let keys = ["per_lot", "large_per_lot", "large_from_lots", "currency",
                       "swap_long_points", "swap_short_points", "triple_weekday"]
    /// Largest swap rate accepted, in points per lot per day.
    static let swapPointsLimit: Int64 = 1_000_000

    let smallTier: RTXCommissionTier
    let largeTier: RTXCommissionTier
    let swap: RTXSwapRate?

    init(host: RTXHost) throws {
        let config = host.config
        try config.checkKeys(allowed: Self.keys)
        let perLot = try config.fixed("per_lot", digits: 8, in: 0 ... Int64.max)
        let largePerLot = try config.fixed("large_per_lot", digits: 8, in: 0 ... Int64.max)
        let largeFrom = try config.fixed("large_from_lots", digits: 8, in: 1 ... Int64.max)
        let currency = try config.string("currency", default: "USD")
        if let entry = config.entry("currency"),
           !(currency.utf8.count == 3 && currency.utf8.allSatisfy { $0 >= 0x41 && $0 <= 0x5A }) {
            throw config.error(line: entry.line, key: "currency", value: currency, "is not a 3-letter code in capitals (e.g. USD)")
        }
        smallTier = RTXCommissionTier(currency: currency, fromVolume: 0, perLotMoney: perLot)
        largeTier = RTXCommissionTier(currency: currency, fromVolume: largeFrom, perLotMoney: largePerLot)

        let points = -Self.swapPointsLimit ... Self.swapPointsLimit
        let long = try config.int("swap_long_points", in: points, default: 0)
        let short = try config.int("swap_short_points", in: points, default: 0)
        let triple = try config.int("triple_weekday", in: 0 ... 6, default: 3)
        if config.entry("swap_long_points") != nil || config.entry("swap_short_points") != nil {
            swap = RTXSwapRate(mode: .points, longRate: long, shortRate: short, tripleWeekday: Int32(triple))
        } else {
            swap = nil
        }
    }

    func buildSchedule(_ request: RTXFeeRequest, into sink: RTXFeeScheduleSink) throws {
        try sink.add(smallTier)
        try sink.add(largeTier)
        if let swap {
            try sink.add(swap)
        }
    }
}

/// The library's only exported symbol. Any thread, no side effects after the first call.
@_cdecl("rtx_plugin_entry_v1")
public func rtxPluginEntryV1() -> UnsafePointer<rtx_plugin_descriptor_t> {
    RTXPlugin.descriptor(id: "org.rtx.examples.swift-tiered-commission", version: "1.0.0",
                         description: "Fee model in Swift: two commission tiers by trade size and one swap rate",
                         license: "Apache-2.0", feeModel: TieredCommission.self)
}
