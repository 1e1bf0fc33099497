/// A small, allocation-light JSON writer for journal metadata and the control protocol
/// (Foundation's encoders cost tens of microseconds per order). Produces compact UTF-8.
public struct JSONText: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    private mutating func separator() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    private mutating func key(_ k: String?) {
        separator()
        if let k {
            string(raw: k)
            bytes.append(UInt8(ascii: ":"))
        }
    }

    private mutating func string(raw s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0 ..< 0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func beginObject(_ k: String? = nil) {
        key(k)
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    public mutating func endObject() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func beginArray(_ k: String? = nil) {
        key(k)
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    public mutating func endArray() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    public mutating func field(_ k: String?, _ value: String) {
        key(k)
        string(raw: value)
    }

    public mutating func field<I: BinaryInteger>(_ k: String?, _ value: I) {
        key(k)
        bytes += Array(String(value).utf8)
    }

    public mutating func field(_ k: String?, _ value: Bool) {
        key(k)
        bytes += Array((value ? "true" : "false").utf8)
    }

    public mutating func null(_ k: String?) {
        key(k)
        bytes += Array("null".utf8)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}
