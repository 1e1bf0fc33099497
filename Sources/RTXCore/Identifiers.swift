/// A client account's id (the broker's, as given when it was opened).
public typealias AccountID = UInt64
/// An order's id: the journal sequence of the command that placed it (unique, and a resend
/// of the same command is recognisable).
public typealias OrderID = UInt64
/// A position's id: the id of the order that opened it.
public typealias PositionID = UInt64
/// An index into the core's symbol table (assigned in definition order, from 0).
public typealias SymbolIndex = Int32
/// An index into the core's group table.
public typealias GroupIndex = Int32

/// A client's order id: up to 32 bytes of ASCII chosen by the client, unique per account.
/// Stored inline (no allocation); the API refuses longer ids.
public struct ClientOrderID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var words: (UInt64, UInt64, UInt64, UInt64)
    public init(words: (UInt64, UInt64, UInt64, UInt64)) { self.words = words }

    /// From text; nil when longer than 32 bytes, empty, or not printable ASCII.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 32, bytes.allSatisfy({ $0 > 32 && $0 < 127 }) else { return nil }
        var w: [UInt64] = [0, 0, 0, 0]
        for (i, b) in bytes.enumerated() { w[i / 8] |= UInt64(b) << UInt64((i % 8) * 8) }
        words = (w[0], w[1], w[2], w[3])
    }

    public static let none = ClientOrderID(words: (0, 0, 0, 0))
    public var isNone: Bool { self == .none }

    public static func == (a: Self, b: Self) -> Bool { a.words == b.words }
    public static func < (a: Self, b: Self) -> Bool {
        (a.words.0, a.words.1, a.words.2, a.words.3) < (b.words.0, b.words.1, b.words.2, b.words.3)
    }
    public func hash(into h: inout Hasher) {
        h.combine(words.0); h.combine(words.1); h.combine(words.2); h.combine(words.3)
    }
    public var description: String {
        var bytes: [UInt8] = []
        for w in [words.0, words.1, words.2, words.3] {
            for i in 0 ..< 8 { let b = UInt8(truncatingIfNeeded: w >> UInt64(i * 8)); if b != 0 { bytes.append(b) } }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A three-letter currency code packed into 32 bits ("USD"), so it costs nothing to copy.
public struct Currency: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let code: UInt32
    public init(code: UInt32) { self.code = code }
    /// Nil unless exactly three capital ASCII letters.
    public init?(_ text: String) {
        let b = Array(text.utf8)
        guard b.count == 3, b.allSatisfy({ $0 >= 65 && $0 <= 90 }) else { return nil }
        code = UInt32(b[0]) << 16 | UInt32(b[1]) << 8 | UInt32(b[2])
    }
    public static func < (a: Self, b: Self) -> Bool { a.code < b.code }
    public var description: String {
        String(decoding: [UInt8(truncatingIfNeeded: code >> 16), UInt8(truncatingIfNeeded: code >> 8), UInt8(truncatingIfNeeded: code)], as: UTF8.self)
    }
}

/// Buy or sell.
public enum Side: UInt8, Sendable, CaseIterable {
    case buy = 1, sell = 2
    public var opposite: Side { self == .buy ? .sell : .buy }
    /// +1 for buy, -1 for sell.
    @inline(__always) public var sign: Int64 { self == .buy ? 1 : -1 }
}

/// The execution book of an order or position.
public enum Book: UInt8, Sendable, CaseIterable {
    case a = 1, b = 2, c = 3
}
