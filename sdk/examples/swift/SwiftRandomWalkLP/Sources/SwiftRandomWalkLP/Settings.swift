import RTXPluginSDK

/// The adapter's configuration, read once at create.
///
/// Config (flat `key: value` lines in the instance's `config:` block of plugins.yaml):
///   seed: 1                  walk seed, 0..9223372036854775807; default 1
///   quotes_per_second: 10    quotes per subscribed symbol per second, 1..100000; default 10
///   instruments: EURUSD=1.08500/5/8, USDJPY=151.200/3/12
///                            comma list of LPNAME=start_price/digits/spread_ticks; this is
///                            the default. subscribe refuses any other lp_symbol.
struct Settings: Sendable {
    static let keys = ["seed", "quotes_per_second", "instruments"]
    static let defaultInstruments = "EURUSD=1.08500/5/8, USDJPY=151.200/3/12"
    /// Most instruments in `instruments`.
    static let maxInstruments = 64
    /// Longest instrument name, bytes.
    static let maxNameBytes = 31

    let seed: UInt64
    /// 1 s / quotes_per_second.
    let periodNanoseconds: Int64
    let instruments: [Instrument]

    init(_ config: RTXConfig) throws(RTXPluginError) {
        try config.checkKeys(allowed: Self.keys)
        seed = UInt64(try config.int("seed", in: 0 ... Int64.max, default: 1))
        periodNanoseconds = 1_000_000_000 / (try config.int("quotes_per_second", in: 1 ... 100_000, default: 10))
        let entry = config.entry("instruments")
        instruments = try Self.instruments(entry?.value ?? Self.defaultInstruments, line: entry?.line ?? 0,
                                           seed: seed, config: config)
    }

    /// Parses `LPNAME=start_price/digits/spread_ticks, ...`.
    private static func instruments(_ list: String, line: Int, seed: UInt64, config: RTXConfig) throws(RTXPluginError) -> [Instrument] {
        func refuse(_ item: String, _ problem: String) -> RTXPluginError {
            config.error(line: line, key: "instruments", value: item, problem)
        }
        let items = RTXConfig.items(of: list)
        if items.isEmpty {
            throw refuse(list, "is an empty list (omit the key for the default list)")
        }
        var result: [Instrument] = []
        for item in items {
            let halves = RTXConfig.items(of: item, separator: "=")
            let fields = halves.count == 2 ? RTXConfig.items(of: halves[1], separator: "/") : []
            guard halves.count == 2, !halves[0].isEmpty, fields.count == 3 else {
                throw refuse(item, "is not LPNAME=start_price/digits/spread_ticks (e.g. EURUSD=1.08500/5/8)")
            }
            let name = halves[0]
            guard name.utf8.count <= maxNameBytes else {
                throw refuse(item, "has a name longer than \(maxNameBytes) bytes")
            }
            guard !result.contains(where: { $0.name == name }) else {
                throw refuse(item, "lists \(name) a second time")
            }
            guard result.count < maxInstruments else {
                throw refuse(item, "is one instrument too many (at most \(maxInstruments))")
            }
            guard let digits = RTXDecimal.parseInt(fields[1]), (0 ... Int64(RTX_PRICE_DIGITS_MAX)).contains(digits) else {
                throw refuse(item, "has digits '\(fields[1])', not a whole number from 0 to \(RTX_PRICE_DIGITS_MAX)")
            }
            guard let spread = RTXDecimal.parseInt(fields[2]), (1 ... 1_000_000_000).contains(spread) else {
                throw refuse(item, "has spread_ticks '\(fields[2])', not a whole number from 1 to 1000000000")
            }
            guard fields[0].utf8.first.map({ $0 >= 0x30 && $0 <= 0x39 }) == true,
                  let start = RTXDecimal.parseFixed(fields[0], digits: Int32(digits)), start <= Instrument.midLimit else {
                throw refuse(item, "has start price '\(fields[0])', not a positive decimal number with at most \(digits) fractional digits")
            }
            guard start > spread else {
                throw refuse(item, "has a start price of \(start) ticks, not above its spread of \(spread) ticks")
            }
            result.append(Instrument(name: name, digits: Int32(digits), spread: spread, start: start,
                                     seed: seed, position: result.count))
        }
        return result
    }
}
