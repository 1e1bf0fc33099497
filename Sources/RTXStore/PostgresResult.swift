import CLibPQ

/// The rows of one statement's result, read in place from libpq's buffer.
///
/// Lifetime: owns its `PGresult` and frees it on deinit; it does not need the connection
/// after the statement finished, so it may outlive it. Thread: not thread-safe; read it on
/// one thread at a time (it is not `Sendable`).
///
/// Readers accept either wire format: binary (parameters sent with `resultFormat: .binary`)
/// or text (plain `execute(sql)`).
public final class PostgresResult {
    private let handle: OpaquePointer
    /// What the statement was doing, for decode errors.
    let doing: String

    init(handle: OpaquePointer, doing: String) {
        self.handle = handle
        self.doing = doing
    }

    deinit { PQclear(handle) }

    public var rowCount: Int { Int(PQntuples(handle)) }
    public var columnCount: Int { Int(PQnfields(handle)) }

    /// Rows inserted, updated or deleted by the statement (0 when it says nothing).
    public var affectedRows: Int {
        guard let text = PQcmdTuples(handle) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    public func columnName(_ column: Int) -> String {
        guard let name = PQfname(handle, Int32(column)) else { return "#\(column)" }
        return String(cString: name)
    }

    public func isNull(_ row: Int, _ column: Int) -> Bool {
        PQgetisnull(handle, Int32(row), Int32(column)) == 1
    }

    /// An integer column (int2, int4, int8; in text format anything that parses as Int64).
    public func int64(_ row: Int, _ column: Int) throws(PostgresError) -> Int64 {
        let raw = try cell(row, column, wanted: "an integer")
        if PQfformat(handle, Int32(column)) == 1 {
            switch raw.count {
            case 2: return Int64(Int16(bigEndianBytes: raw))
            case 4: return Int64(Int32(bigEndianBytes: raw))
            case 8: return Int64(bigEndianBytes: raw)
            default: throw decodeError(row, column, "an integer of 2, 4 or 8 bytes, got \(raw.count) bytes")
            }
        }
        guard let text = String(validating: raw, as: UTF8.self), let value = Int64(text) else {
            throw decodeError(row, column, "an integer, got text '\(String(decoding: raw.prefix(40), as: UTF8.self))'")
        }
        return value
    }

    /// A `bytea` column (binary format: the bytes; text format: the `\x` hex form decoded).
    public func bytes(_ row: Int, _ column: Int) throws(PostgresError) -> [UInt8] {
        let raw = try cell(row, column, wanted: "bytes")
        if PQfformat(handle, Int32(column)) == 1 { return Array(raw) }
        guard let decoded = HexBytes.decodePostgres(raw) else {
            throw decodeError(row, column, "bytea in hex form (\\x...)")
        }
        return decoded
    }

    /// A text column as a Swift string (any column in text format).
    public func text(_ row: Int, _ column: Int) throws(PostgresError) -> String {
        let raw = try cell(row, column, wanted: "text")
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw decodeError(row, column, "UTF-8 text")
        }
        return text
    }

    /// The cell's bytes, valid while `self` lives; NULL is refused naming the column.
    private func cell(_ row: Int, _ column: Int, wanted: String) throws(PostgresError) -> UnsafeRawBufferPointer {
        guard row >= 0, row < rowCount, column >= 0, column < columnCount else {
            throw PostgresError(.decode, doing: doing,
                                message: "no cell at row \(row), column \(column) (result has \(rowCount) rows, \(columnCount) columns)")
        }
        if isNull(row, column) { throw decodeError(row, column, "\(wanted), got NULL") }
        let length = Int(PQgetlength(handle, Int32(row), Int32(column)))
        let base = PQgetvalue(handle, Int32(row), Int32(column))
        return UnsafeRawBufferPointer(start: base, count: length)
    }

    private func decodeError(_ row: Int, _ column: Int, _ wanted: String) -> PostgresError {
        PostgresError(.decode, doing: doing, message: "row \(row), column '\(columnName(column))': expected \(wanted)")
    }
}

extension FixedWidthInteger {
    /// Reads `Self.bitWidth / 8` big-endian bytes; the caller checked the count.
    init(bigEndianBytes raw: UnsafeRawBufferPointer) {
        var value = Self.zero
        for byte in raw { value = (value << 8) | Self(truncatingIfNeeded: byte) }
        self = value
    }
}
