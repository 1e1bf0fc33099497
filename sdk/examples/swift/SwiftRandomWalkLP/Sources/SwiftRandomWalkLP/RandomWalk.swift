import RTXPluginSDK

/// xorshift64* (Vigna): the walk's random numbers. Deterministic: the same seed gives the
/// same numbers on every run. Wrapping arithmetic (&*, &+) is intended here.
struct XorShift64Star: Sendable {
    private var state: UInt64

    /// state must not be 0 (a 0 seed is replaced by a fixed constant).
    init(seed: UInt64) {
        state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
    }

    mutating func next() -> UInt64 {
        var x = state
        x ^= x >> 12
        x ^= x << 25
        x ^= x >> 27
        state = x
        return x &* 0x2545_F491_4F6C_DD1D
    }

    /// splitmix64, to spread a small seed over 64 bits.
    static func splitmix64(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One instrument of the random-walk venue: its mid moves by -2...+2 ticks per quote and stays
/// above the spread; bid = mid - spread/2, ask = bid + spread, at the instrument's own digits.
/// (The same walk as sdk/examples/synthetic_lp.c: a seed gives the same prices in both.)
struct Instrument: Sendable {
    /// Largest mid a walk may reach: far from overflow, so the checked arithmetic cannot trap.
    static let midLimit = Int64.max / 4

    let name: String
    let digits: Int32
    /// Ticks, 1...1_000_000_000.
    let spread: Int64
    /// Ticks; spread < mid <= midLimit.
    private(set) var mid: Int64
    private var random: XorShift64Star
    /// Subscriptions mapped to it; it walks only while > 0.
    var subscribers = 0

    /// position: the instrument's index in `instruments`, mixed into its seed.
    init(name: String, digits: Int32, spread: Int64, start: Int64, seed: UInt64, position: Int) {
        self.name = name
        self.digits = digits
        self.spread = spread
        self.mid = start
        random = XorShift64Star(seed: XorShift64Star.splitmix64(seed ^ XorShift64Star.splitmix64(UInt64(position) &+ 1)))
    }

    var bid: Int64 { mid - spread / 2 }
    var ask: Int64 { bid + spread }

    /// One step of the walk, reflected off the floor (the spread) and the ceiling (midLimit).
    mutating func step() {
        var step = Int64(random.next() % 5) - 2
        if mid + step <= spread || mid + step > Self.midLimit {
            step = -step
        }
        mid += step
    }
}
