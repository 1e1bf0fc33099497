import RTXCore

/// Exact decimal text to and from the core's fixed-point integers (DESIGN §2: quantities are
/// never binary floating point). "0.01" at scale 8 is 1,000,000; nothing is ever rounded.
///
/// Accepted text: ASCII digits with at most one '.' that has digits on both sides ("100000",
/// "0.01", "1.50"). Refused: signs, exponents ("1e5"), digit separators ("100_000",
/// "100,000"), spaces, a bare ".5" or "5.", and more fractional digits than the scale holds
/// (trailing zeros beyond the scale are exact and accepted: "0.0100000000" at scale 8).
public enum ExactDecimal {
    /// Why a text is not an exact decimal at a scale.
    public enum Problem: Error, Sendable, Equatable {
        case empty
        case negative
        /// Not decimal notation; `reason` says what was found (for the message).
        case malformed(reason: String)
        /// Significant fractional digits beyond the scale.
        case tooManyFractionDigits(written: Int, allowed: Int)
        /// The value times 10^scale does not fit in Int64.
        case tooLarge
    }

    /// Largest scale accepted (10^18 is the largest power of ten in Int64).
    public static let maxScale = 18

    /// `text` × 10^`scale` as an integer, exactly. `scale` must be 0...18.
    public static func parse(_ text: String, scale: Int) -> Result<Int64, Problem> {
        precondition((0 ... maxScale).contains(scale), "scale out of range")
        let bytes = Array(text.utf8)
        guard let first = bytes.first else { return .failure(.empty) }
        if first == UInt8(ascii: "-") { return .failure(.negative) }
        if first == UInt8(ascii: "+") { return .failure(.malformed(reason: "a sign")) }
        var integerDigits: [UInt8] = []
        var fractionDigits: [UInt8] = []
        var sawPoint = false
        for b in bytes {
            switch b {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"):
                if sawPoint { fractionDigits.append(b - 48) } else { integerDigits.append(b - 48) }
            case UInt8(ascii: "."):
                if sawPoint { return .failure(.malformed(reason: "two decimal points")) }
                sawPoint = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                return .failure(.malformed(reason: "exponent notation"))
            case UInt8(ascii: "_"), UInt8(ascii: ","), UInt8(ascii: "'"):
                return .failure(.malformed(reason: "a digit separator"))
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                return .failure(.malformed(reason: "a space"))
            default:
                return .failure(.malformed(reason: "a character that is not a digit"))
            }
        }
        if integerDigits.isEmpty { return .failure(.malformed(reason: sawPoint ? "no digit before the decimal point" : "no digits")) }
        if sawPoint, fractionDigits.isEmpty { return .failure(.malformed(reason: "no digit after the decimal point")) }
        while let last = fractionDigits.last, last == 0, fractionDigits.count > scale { fractionDigits.removeLast() }
        if fractionDigits.count > scale {
            return .failure(.tooManyFractionDigits(written: fractionDigits.count, allowed: scale))
        }
        var value: Int64 = 0
        for digit in integerDigits + fractionDigits + [UInt8](repeating: 0, count: scale - fractionDigits.count) {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(digit))
            if o1 || o2 { return .failure(.tooLarge) }
            value = sum
        }
        return .success(value)
    }

    /// The shortest exact text of `value` / 10^`scale`: (1_000_000, 8) is "0.01", (10^13, 8) is "100000".
    public static func format(_ value: Int64, scale: Int) -> String {
        precondition((0 ... maxScale).contains(scale), "scale out of range")
        let negative = value < 0
        let magnitude = value.magnitude
        let unit = UInt64(Scale.pow10(scale))
        let whole = magnitude / unit
        var fraction = magnitude % unit
        var text = (negative ? "-" : "") + String(whole)
        guard fraction != 0 else { return text }
        var digits = scale
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        let fractionText = String(fraction)
        text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
        return text
    }
}
