/// Fixed-point integers as decimal text and back, exactly (no floating point): prices in
/// ticks at a symbol's digits, volumes in 1e-8 lots, money in 1e-8 units.
public enum DecimalText {
    /// `value` with `digits` fractional digits: (108512, 5) → "1.08512".
    public static func format(_ value: Int64, digits: Int) -> String {
        guard digits > 0 else { return String(value) }
        let negative = value < 0
        var magnitude = String(value.magnitude)
        let width = digits + 1
        if magnitude.count < width { magnitude = String(repeating: "0", count: width - magnitude.count) + magnitude }
        let split = magnitude.index(magnitude.endIndex, offsetBy: -digits)
        return (negative ? "-" : "") + magnitude[..<split] + "." + magnitude[split...]
    }

    /// Like `format`, without trailing fractional zeros: 500000000 at 8 → "5".
    public static func formatTrimmed(_ value: Int64, digits: Int) -> String { trimmed(format(value, digits: digits)) }

    /// Drops trailing fractional zeros: "5.00000000" → "5", "0.01000000" → "0.01".
    public static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var t = Substring(text)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case notANumber(String)
        case tooManyDigits(String, allowed: Int)
        case outOfRange(String)
        public var description: String {
            switch self {
            case .notANumber(let t): "'\(t)' is not a decimal number"
            case .tooManyDigits(let t, let n): "'\(t)' has more than \(n) digits after the point"
            case .outOfRange(let t): "'\(t)' is out of range"
            }
        }
    }

    /// Parses "1.08512" at 5 digits → 108512; "-0.5" at 8 → −50000000. Refuses more
    /// fractional digits than `digits` (no silent rounding), exponents, and overflow.
    public static func parse(_ text: String, digits: Int) throws(ParseError) -> Int64 {
        var s = Substring(text)
        var negative = false
        if s.hasPrefix("-") { negative = true; s = s.dropFirst() } else if s.hasPrefix("+") { s = s.dropFirst() }
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0], fraction = parts.count > 1 ? parts[1] : ""
        guard !(whole.isEmpty && fraction.isEmpty), whole.allSatisfy(\.isASCIIDigit), fraction.allSatisfy(\.isASCIIDigit),
              parts.count == 1 || !fraction.isEmpty || !whole.isEmpty else { throw .notANumber(text) }
        var significant = fraction
        while significant.hasSuffix("0") { significant = significant.dropLast() }
        guard significant.count <= digits else { throw .tooManyDigits(text, allowed: digits) }
        var value: Int64 = 0
        for c in whole + significant + String(repeating: "0", count: digits - significant.count) {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(c.asciiValue! - 48))
            guard !o1, !o2 else { throw .outOfRange(text) }
            value = a
        }
        return negative ? -value : value
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
