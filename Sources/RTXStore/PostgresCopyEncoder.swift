/// Rows in PostgreSQL's binary COPY format, for `PostgresConnection.copyIn` with
/// `COPY table (columns) FROM STDIN WITH (FORMAT binary)`: the header, then per row the
/// field count and each field as a length and its bytes in the column type's binary form,
/// then the trailer. The caller writes exactly the table's column types, in the COPY's
/// column order (int8 for bigint, int4 for integer, int2 for smallint: the server checks
/// the lengths).
///
/// Thread: one owner (a value type).
public struct PostgresCopyEncoder {
    public private(set) var bytes: [UInt8]
    public private(set) var rows = 0
    private let fieldsPerRow: Int16

    /// Microseconds from the Unix epoch to PostgreSQL's (2000-01-01 00:00:00 UTC).
    static let postgresEpochMicros: Int64 = 946_684_800_000_000

    public init(fields: Int, capacity: Int = 1 << 16) {
        fieldsPerRow = Int16(fields)
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(contentsOf: Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00])
        bytes.appendBigEndian(Int32(0))     // flags
        bytes.appendBigEndian(Int32(0))     // header extension length
    }

    /// Starts a row (then exactly `fields` values).
    public mutating func row() {
        bytes.appendBigEndian(fieldsPerRow)
        rows += 1
    }

    public mutating func int64(_ v: Int64) {
        bytes.appendBigEndian(Int32(8))
        bytes.appendBigEndian(v)
    }

    public mutating func int32(_ v: Int32) {
        bytes.appendBigEndian(Int32(4))
        bytes.appendBigEndian(v)
    }

    public mutating func int16(_ v: Int16) {
        bytes.appendBigEndian(Int32(2))
        bytes.appendBigEndian(v)
    }

    /// `bigint`, NULL when `v` is nil.
    public mutating func int64(_ v: Int64?) {
        if let v { int64(v) } else { null() }
    }

    public mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            bytes.appendBigEndian(Int32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// `text`, NULL when empty.
    public mutating func textOrNull(_ s: String) {
        if s.isEmpty { null() } else { text(s) }
    }

    /// `jsonb` from JSON text (UTF-8); the server parses and checks it.
    public mutating func jsonb(_ json: [UInt8]) {
        bytes.appendBigEndian(Int32(json.count + 1))
        bytes.append(1)     // jsonb's binary format version
        bytes.append(contentsOf: json)
    }

    /// `timestamptz` from nanoseconds since the Unix epoch (truncated to microseconds, as
    /// the type holds).
    public mutating func timestamp(ns: Int64) {
        let micros = ns >= 0 ? ns / 1_000 : (ns - 999) / 1_000
        int64(micros - Self.postgresEpochMicros)
    }

    public mutating func null() { bytes.appendBigEndian(Int32(-1)) }

    /// Appends the trailer and returns the data, ready for `copyIn` (write no more rows after).
    public mutating func finish() -> [UInt8] {
        bytes.appendBigEndian(Int16(-1))
        return bytes
    }
}
