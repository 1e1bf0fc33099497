/// Little-endian binary writing and reading for snapshots and the command log. Every read
/// is bounds-checked: malformed input is an error naming what and where, never a trap.
public struct BinaryWriter {
    public private(set) var bytes: [UInt8] = []
    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u16(_ v: UInt16) { for i in 0 ..< 2 { bytes.append(UInt8(truncatingIfNeeded: v >> UInt16(8 * i))) } }
    public mutating func u32(_ v: UInt32) { for i in 0 ..< 4 { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(8 * i))) } }
    public mutating func u64(_ v: UInt64) { for i in 0 ..< 8 { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(8 * i))) } }
    public mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
    public mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    public mutating func i128(_ v: Int128) {
        u64(UInt64(truncatingIfNeeded: v))
        u64(UInt64(truncatingIfNeeded: v >> 64))
    }
    public mutating func bool(_ v: Bool) { u8(v ? 1 : 0) }
    /// UTF-8 with a 32-bit length.
    public mutating func string(_ v: String) {
        let utf8 = Array(v.utf8)
        u32(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }
    public mutating func raw(_ v: [UInt8]) { bytes.append(contentsOf: v) }
}

/// What is wrong with bytes being decoded.
public struct DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var offset: Int
    public var problem: String
    public var description: String { "at byte \(offset): \(problem)" }
}

public struct BinaryReader {
    public let bytes: [UInt8]
    public private(set) var offset: Int
    /// Longest string accepted.
    public static let maxStringBytes = 1 << 20

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var isAtEnd: Bool { offset == bytes.count }
    public var remaining: Int { bytes.count - offset }

    mutating func take(_ n: Int, _ what: String) throws(DecodeError) -> ArraySlice<UInt8> {
        guard n >= 0, remaining >= n else { throw DecodeError(offset: offset, problem: "\(what) needs \(n) bytes, \(remaining) left") }
        defer { offset += n }
        return bytes[offset ..< offset + n]
    }

    /// `n` bytes little-endian, as an unsigned integer.
    @inline(__always)
    mutating func little(_ n: Int, _ what: String) throws(DecodeError) -> UInt64 {
        guard remaining >= n else { throw DecodeError(offset: offset, problem: "\(what) needs \(n) bytes, \(remaining) left") }
        var v: UInt64 = 0
        for i in 0 ..< n { v |= UInt64(bytes[offset + i]) << UInt64(8 * i) }
        offset += n
        return v
    }

    public mutating func u8(_ what: String) throws(DecodeError) -> UInt8 { UInt8(try little(1, what)) }
    public mutating func u16(_ what: String) throws(DecodeError) -> UInt16 { UInt16(try little(2, what)) }
    public mutating func u32(_ what: String) throws(DecodeError) -> UInt32 { UInt32(try little(4, what)) }
    public mutating func u64(_ what: String) throws(DecodeError) -> UInt64 { try little(8, what) }
    public mutating func i32(_ what: String) throws(DecodeError) -> Int32 { Int32(bitPattern: try u32(what)) }
    public mutating func i64(_ what: String) throws(DecodeError) -> Int64 { Int64(bitPattern: try u64(what)) }
    public mutating func i128(_ what: String) throws(DecodeError) -> Int128 {
        let low = try u64(what)
        let high = try u64(what)
        return Int128(Int64(bitPattern: high)) << 64 | Int128(low)
    }
    public mutating func bool(_ what: String) throws(DecodeError) -> Bool {
        let v = try u8(what)
        guard v <= 1 else { throw DecodeError(offset: offset - 1, problem: "\(what) must be 0 or 1, not \(v)") }
        return v == 1
    }
    public mutating func string(_ what: String) throws(DecodeError) -> String {
        let n = Int(try u32(what))
        guard n <= Self.maxStringBytes else { throw DecodeError(offset: offset - 4, problem: "\(what) is \(n) bytes, over the \(Self.maxStringBytes) limit") }
        let start = offset
        let slice = try take(n, what)
        guard let s = String(validating: slice, as: UTF8.self) else { throw DecodeError(offset: start, problem: "\(what) is not UTF-8") }
        return s
    }
    /// An enum from its raw value, or an error naming the value.
    public mutating func enumeration<E: RawRepresentable>(_ type: E.Type, _ what: String) throws(DecodeError) -> E where E.RawValue == UInt8 {
        let raw = try u8(what)
        guard let v = E(rawValue: raw) else { throw DecodeError(offset: offset - 1, problem: "\(what) \(raw) is not a known value") }
        return v
    }
}
