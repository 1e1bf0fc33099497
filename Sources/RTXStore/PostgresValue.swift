/// A statement parameter, sent by `PostgresConnection.execute(_:params:)`.
///
/// Integers, `bytea` and arrays travel in PostgreSQL's binary format (no text round trip, no
/// escaping); `.text` travels as text with an unspecified type so the server infers it from
/// the statement (write `$1::int4` and so on where it cannot).
public enum PostgresValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int16(Int16)
    case int32(Int32)
    case int64(Int64)
    case text(String)
    case bytes([UInt8])
    /// A one-dimensional `int8[]` (no NULL elements).
    case int64Array([Int64])
    /// A one-dimensional `int2[]` (no NULL elements).
    case int16Array([Int16])
    /// A one-dimensional `bytea[]` (no NULL elements).
    case bytesArray([[UInt8]])

    /// PostgreSQL type OIDs (pg_type.oid), fixed since 7.x.
    enum TypeOID {
        static let unspecified: UInt32 = 0
        static let bool: UInt32 = 16
        static let bytea: UInt32 = 17
        static let int8: UInt32 = 20
        static let int2: UInt32 = 21
        static let int4: UInt32 = 23
        static let text: UInt32 = 25
        static let byteaArray: UInt32 = 1001
        static let int2Array: UInt32 = 1005
        static let int8Array: UInt32 = 1016
    }

    /// The type OID to declare for this parameter.
    var typeOID: UInt32 {
        switch self {
        case .null, .text: TypeOID.unspecified
        case .bool: TypeOID.bool
        case .int16: TypeOID.int2
        case .int32: TypeOID.int4
        case .int64: TypeOID.int8
        case .bytes: TypeOID.bytea
        case .int64Array: TypeOID.int8Array
        case .int16Array: TypeOID.int2Array
        case .bytesArray: TypeOID.byteaArray
        }
    }

    /// 1 for binary, 0 for text.
    var formatCode: Int32 {
        if case .text = self { return 0 }
        return 1
    }

    /// At most the number of bytes `encode` appends (exact except for empty arrays), so
    /// callers can reserve one buffer for all parameters.
    var encodedCount: Int {
        switch self {
        case .null: 0
        case .bool: 1
        case .int16: 2
        case .int32: 4
        case .int64: 8
        case .text(let s): s.utf8.count + 1
        case .bytes(let b): b.count
        case .int64Array(let a): 20 + a.count * 12
        case .int16Array(let a): 20 + a.count * 6
        case .bytesArray(let a): 20 + a.reduce(0) { $0 + 4 + $1.count }
        }
    }

    /// Appends the wire bytes (binary format, or NUL-terminated UTF-8 for `.text`).
    func encode(into out: inout [UInt8]) {
        switch self {
        case .null: break
        case .bool(let v): out.append(v ? 1 : 0)
        case .int16(let v): out.appendBigEndian(v)
        case .int32(let v): out.appendBigEndian(v)
        case .int64(let v): out.appendBigEndian(v)
        case .text(let s):
            out.append(contentsOf: s.utf8)
            out.append(0)
        case .bytes(let b): out.append(contentsOf: b)
        case .int64Array(let a):
            Self.appendArrayHeader(elementOID: TypeOID.int8, count: a.count, into: &out)
            for v in a {
                out.appendBigEndian(Int32(8))
                out.appendBigEndian(v)
            }
        case .int16Array(let a):
            Self.appendArrayHeader(elementOID: TypeOID.int2, count: a.count, into: &out)
            for v in a {
                out.appendBigEndian(Int32(2))
                out.appendBigEndian(v)
            }
        case .bytesArray(let a):
            Self.appendArrayHeader(elementOID: TypeOID.bytea, count: a.count, into: &out)
            for v in a {
                out.appendBigEndian(Int32(v.count))
                out.append(contentsOf: v)
            }
        }
    }

    /// Binary array header (array_recv): dimensions, has-nulls flag, element type, then per
    /// dimension its length and lower bound. An empty array has zero dimensions.
    private static func appendArrayHeader(elementOID: UInt32, count: Int, into out: inout [UInt8]) {
        out.appendBigEndian(Int32(count == 0 ? 0 : 1))
        out.appendBigEndian(Int32(0))
        out.appendBigEndian(elementOID)
        if count > 0 {
            out.appendBigEndian(Int32(count))
            out.appendBigEndian(Int32(1))
        }
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}
