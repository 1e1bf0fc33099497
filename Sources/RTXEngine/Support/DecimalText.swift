/// Fixed-point integers as decimal text for people and the control protocol (no floating
/// point): prices at a symbol's digits keep all their digits ("1.08500"); other amounts use
/// `ExactDecimal`'s shortest exact form. Parsing is `ExactDecimal.parse` (exact, refuses
/// signs, exponents and digits beyond the scale).
public enum DecimalText {
    /// `value` with exactly `digits` fractional digits: (108500, 5) → "1.08500".
    public static func format(_ value: Int64, digits: Int) -> String {
        guard digits > 0 else { return String(value) }
        let negative = value < 0
        var magnitude = String(value.magnitude)
        let width = digits + 1
        if magnitude.count < width { magnitude = String(repeating: "0", count: width - magnitude.count) + magnitude }
        let split = magnitude.index(magnitude.endIndex, offsetBy: -digits)
        return (negative ? "-" : "") + magnitude[..<split] + "." + magnitude[split...]
    }

    /// The shortest exact text: 500000000 at 8 → "5", 1000000 at 8 → "0.01".
    public static func formatTrimmed(_ value: Int64, digits: Int) -> String { ExactDecimal.format(value, scale: digits) }

    /// "1.08512" at 5 digits → 108512, or a sentence saying what is wrong with the text.
    public static func parse(_ text: String, digits: Int) throws(ExactDecimal.Problem) -> Int64 {
        try ExactDecimal.parse(text, scale: digits).get()
    }
}

extension ExactDecimal.Problem: CustomStringConvertible {
    public var description: String {
        switch self {
        case .empty: "is empty"
        case .negative: "must not be negative"
        case .malformed(let reason): "is not a decimal number (\(reason))"
        case .tooManyFractionDigits(let written, let allowed): "has \(written) digits after the point; at most \(allowed) are allowed"
        case .tooLarge: "is too large"
        }
    }
}
