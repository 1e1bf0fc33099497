/// Converting prices between digit counts in integers. When digits are lost a bid rounds
/// down and an ask rounds up, so a converted quote is never narrower than the LP's (and a
/// quote that was not crossed cannot become crossed).
public enum PriceScale {
    /// 10^n for n in 0...18.
    public static func pow10(_ n: Int) -> Int64 {
        precondition(n >= 0 && n <= 18, "10^\(n) does not fit Int64")
        var v: Int64 = 1
        for _ in 0 ..< n { v *= 10 }
        return v
    }

    /// `ticks` at `from` digits expressed at `to` digits, rounding up (ask) or down (bid)
    /// when digits are lost. Nil when the result does not fit (more than 18 digits apart, or
    /// an overflow when digits are added). Non-negative `ticks` expected (prices).
    public static func rescale(_ ticks: Int64, from: Int, to: Int, roundUp: Bool) -> Int64? {
        if from == to { return ticks }
        guard abs(from - to) <= 18 else { return nil }
        if from < to {
            let (v, overflow) = ticks.multipliedReportingOverflow(by: pow10(to - from))
            return overflow ? nil : v
        }
        let d = pow10(from - to)
        let q = ticks / d
        return roundUp && ticks % d != 0 ? q + 1 : q
    }
}
