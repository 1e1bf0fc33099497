/// Decimal text to and from fixed-point integers, the same rules as `rtx/config.h`. No binary
/// floating point anywhere: an amount of 3.50 at 8 digits is the Int64 350000000.
/// Thread: any (pure functions).
public enum RTXDecimal {
    /// Space, tab, and carriage return (trimmed from the end only, as `rtx_str_trim` does).
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 {
            slice = slice.dropFirst()
        }
        while let last = slice.last, last == 0x20 || last == 0x09 || last == 0x0D {
            slice = slice.dropLast()
        }
        return slice
    }

    /// `text` with spaces and tabs trimmed at both ends (and a carriage return at the end).
    public static func trim(_ text: String) -> String {
        String(decoding: trimmed(ArraySlice(text.utf8)), as: UTF8.self)
    }

    /// A whole signed decimal number (`rtx_config_parse_int`): an optional sign and at least one
    /// digit, after trimming; nil on other syntax or when it does not fit in Int64.
    public static func parseInt(_ text: String) -> Int64? {
        parseFixed(text, digits: 0)
    }

    /// A decimal number into fixed point with `digits` fractional digits
    /// (`rtx_config_parse_fixed`): "1.0851" at 5 digits is 108510, "-2.5" at 2 is -250.
    /// Syntax: an optional sign, at least one digit, optionally a dot and at least one digit.
    /// nil on other syntax (".5", "5.", "1e3", a lone sign), on more fractional digits than
    /// `digits` (no silent rounding), on digits outside 0...18, or when the result does not fit
    /// in Int64.
    public static func parseFixed(_ text: String, digits: Int32) -> Int64? {
        guard (0 ... 18).contains(digits) else {
            return nil
        }
        let bytes = trimmed(ArraySlice(text.utf8))
        var index = bytes.startIndex
        var negative = false
        if let first = bytes.first, first == 0x2D || first == 0x2B { // '-' or '+'
            negative = first == 0x2D
            index += 1
        }
        var magnitude: UInt64 = 0
        var integerDigits = 0
        var fractionDigits: Int32 = 0
        var seenDot = false
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            if byte == 0x2E { // '.'
                if seenDot || integerDigits == 0 {
                    return nil
                }
                seenDot = true
                continue
            }
            guard byte >= 0x30 && byte <= 0x39 else {
                return nil
            }
            if seenDot {
                fractionDigits += 1
                if fractionDigits > digits {
                    return nil
                }
            } else {
                integerDigits += 1
            }
            guard let next = appendDigit(magnitude, UInt64(byte - 0x30)) else {
                return nil
            }
            magnitude = next
        }
        if integerDigits == 0 || (seenDot && fractionDigits == 0) {
            return nil
        }
        while fractionDigits < digits {
            guard let next = appendDigit(magnitude, 0) else {
                return nil
            }
            magnitude = next
            fractionDigits += 1
        }
        let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        guard magnitude <= limit else {
            return nil
        }
        return negative ? Int64(bitPattern: 0 &- magnitude) : Int64(magnitude)
    }

    /// magnitude * 10 + digit, or nil on UInt64 overflow.
    private static func appendDigit(_ magnitude: UInt64, _ digit: UInt64) -> UInt64? {
        let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = times10.addingReportingOverflow(digit)
        return overflow1 || overflow2 ? nil : sum
    }

    /// Decimal text of a fixed-point value, without trailing fractional zeros: 150000000 at 8
    /// digits is "1.5", 100000000 is "1", -250 at 2 is "-2.5". digits outside 0...18 count as 0.
    public static func format(_ value: Int64, digits: Int32) -> String {
        let digits = (0 ... 18).contains(digits) ? Int(digits) : 0
        var scale: UInt64 = 1
        for _ in 0 ..< digits {
            scale &*= 10 // at most 10^18: no overflow
        }
        let magnitude = value.magnitude
        var text = value < 0 ? "-" : ""
        text += String(magnitude / scale)
        var fraction = magnitude % scale
        if fraction != 0 {
            var width = digits
            while fraction % 10 == 0 {
                fraction /= 10
                width -= 1
            }
            let fractionText = String(fraction)
            text += "." + String(repeating: "0", count: max(0, width - fractionText.count)) + fractionText
        }
        return text
    }
}
