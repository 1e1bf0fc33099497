/// Fixed-point scales and exact arithmetic for the core (no floating point anywhere).
///
/// - price: Int64 ticks at the symbol's digits (1.08512 with 5 digits is 108512)
/// - volume: Int64 in 1e-8 lots (`Scale.volume` per lot)
/// - money: Int64 in 1e-8 units of a currency (`Scale.money` per unit)
/// - contract size: Int64 base units per lot at 1e-8 (100,000 units is 10,000,000,000,000)
///
/// Products of price, volume and contract size are computed in 128 bits. The one rounding
/// rule: a quotient is rounded to the nearest unit, halves away from zero. Rounding happens
/// once per amount, and every amount is posted to the ledger as one entry between two
/// accounts, so rounding never creates or destroys money. A result that does not fit in
/// Int64 is reported (nil), never trapped.
public enum Scale {
    public static let volume: Int64 = 100_000_000
    public static let money: Int64 = 100_000_000
    public static let contract: Int64 = 100_000_000
    public static let maxDigits = 12

    /// 10^n for n in 0...18.
    @inline(__always)
    public static func pow10(_ n: Int) -> Int64 { powersOf10[n] }
    private static let powersOf10: [Int64] = (0 ... 18).map { n in (0 ..< n).reduce(Int64(1)) { a, _ in a * 10 } }
}

public enum FixedMath {
    /// n / d rounded to nearest, halves away from zero. d must be > 0.
    @inline(__always)
    public static func divideRounded(_ n: Int128, _ d: Int128) -> Int128 {
        let q = n / d
        let r = n % d
        if r == 0 { return q }
        // |r| * 2 >= d rounds away from zero.
        let twice = (r < 0 ? -r : r) * 2
        if twice >= d { return n < 0 ? q - 1 : q + 1 }
        return q
    }

    /// The Int64 value of x, or nil when it does not fit.
    @inline(__always)
    public static func narrow(_ x: Int128) -> Int64? {
        x >= Int128(Int64.min) && x <= Int128(Int64.max) ? Int64(x) : nil
    }

    /// Money (1e-8 units of the profit currency) of `costTicksVolume` = Σ volume × price
    /// (1e-8 lots × ticks) for a symbol of `contractSizeE8` and `digits`:
    /// cost × contract / (1e8 · 1e8 · 10^digits) units = cost × contract / (1e8 · 10^digits) money.
    @inline(__always)
    public static func money(ofCost cost: Int128, contractSizeE8: Int64, digits: Int) -> Int128? {
        let (product, overflow) = cost.multipliedReportingOverflow(by: Int128(contractSizeE8))
        guard !overflow else { return nil }
        return divideRounded(product, Int128(Scale.volume) * Int128(Scale.pow10(digits)))
    }

    /// Σ volume × price, in 128 bits (cannot overflow for Int64 inputs).
    @inline(__always)
    public static func cost(volume: Int64, priceTicks: Int64) -> Int128 {
        Int128(volume) * Int128(priceTicks)
    }
}
