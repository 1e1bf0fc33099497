/// Formats fixed-point integers as decimal text, exactly (no floating point).
enum PriceText {
    /// `ticks` with `digits` fractional digits: (108512, 5) → "1.08512".
    static func format(_ ticks: Int64, digits: Int32) -> String {
        guard digits > 0 else { return String(ticks) }
        let negative = ticks < 0
        var magnitude = String(ticks.magnitude)
        let width = Int(digits) + 1
        if magnitude.count < width { magnitude = String(repeating: "0", count: width - magnitude.count) + magnitude }
        let split = magnitude.index(magnitude.endIndex, offsetBy: -Int(digits))
        return (negative ? "-" : "") + magnitude[..<split] + "." + magnitude[split...]
    }

    /// Drops trailing fractional zeros: "5.00000000" → "5", "0.01000000" → "0.01".
    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var t = Substring(text)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }
}
