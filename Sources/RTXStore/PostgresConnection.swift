import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// One PostgreSQL session over libpq, synchronous (each call blocks its thread until the
/// server answers or a limit in `PostgresConfiguration` ends the wait).
///
/// Thread: not thread-safe. One owner uses it, from one thread at a time (it is not
/// `Sendable`); the journal writer owns its own connection. Lifetime: the session closes on
/// `close()` or deinit. Loss: a broken session is detected after the failing call (libpq's
/// `PQstatus`), reported as `PostgresError.Kind.connectionLost`, and stays broken until
/// `reconnect()` succeeds; nothing reconnects behind the owner's back.
///
/// Limits: at most `maxParameters` parameters and `maxParameterBytes` bytes of parameters per
/// statement (the protocol's own ceilings are 65,535 and 1 GiB).
public final class PostgresConnection {
    public let configuration: PostgresConfiguration
    private var handle: OpaquePointer?
    private var inTransaction = false

    public static let maxParameters = 65_535
    public static let maxParameterBytes = 512 << 20

    /// How the server should send result columns.
    public enum ResultFormat: Int32, Sendable {
        case text = 0
        case binary = 1
    }

    /// Connects, waiting at most `configuration.connectTimeoutSeconds`.
    public init(_ configuration: PostgresConfiguration) throws(PostgresError) {
        try configuration.validate()
        self.configuration = configuration
        try open()
    }

    /// Connects to a URL or conninfo with the default limits.
    public convenience init(url: String) throws(PostgresError) {
        try self.init(PostgresConfiguration(conninfo: url))
    }

    deinit { if let handle { PQfinish(handle) } }

    /// True when the session is open and libpq has not seen it break.
    public var isConnected: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// `host:port/dbname` as libpq resolved it (never the password), for messages.
    public var target: String {
        guard let handle else { return "(closed connection)" }
        func field(_ value: UnsafeMutablePointer<CChar>?) -> String { value.map { String(cString: $0) } ?? "?" }
        return "\(field(PQhost(handle))):\(field(PQport(handle)))/\(field(PQdb(handle)))"
    }

    /// Closes the session and opens a new one with the same configuration, waiting at most
    /// `connectTimeoutSeconds`. An open transaction is gone with the old session.
    public func reconnect() throws(PostgresError) {
        close()
        try open()
    }

    /// Closes the session; calls after this fail until `reconnect()`.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        inTransaction = false
    }

    /// Runs SQL text (one or more statements separated by `;`, no parameters); the result
    /// of the last statement is returned, in text format.
    @discardableResult
    public func execute(_ sql: String, doing: String? = nil) throws(PostgresError) -> PostgresResult {
        let what = doing ?? Self.describe(sql)
        let connection = try liveHandle(doing: what)
        let result = PQexec(connection, sql)
        return try check(result, doing: what)
    }

    /// Runs one statement with parameters `$1...$n`, sent in binary where the type allows
    /// (see `PostgresValue`); results come back in `resultFormat`.
    @discardableResult
    public func execute(_ sql: String, params: [PostgresValue], resultFormat: ResultFormat = .binary,
                        doing: String? = nil) throws(PostgresError) -> PostgresResult {
        let what = doing ?? Self.describe(sql)
        guard params.count <= Self.maxParameters else {
            throw PostgresError(.badInput, doing: what, message: "\(params.count) parameters, more than the limit of \(Self.maxParameters)")
        }
        var buffer = [UInt8]()
        let estimate = params.reduce(0) { $0 + $1.encodedCount }
        guard estimate <= Self.maxParameterBytes else {
            throw PostgresError(.badInput, doing: what, message: "\(estimate) bytes of parameters, more than the limit of \(Self.maxParameterBytes)")
        }
        buffer.reserveCapacity(estimate)
        var offsets = [Int](), lengths = [Int32](), types = [UInt32](), formats = [Int32]()
        for param in params {
            let start = buffer.count
            param.encode(into: &buffer)
            offsets.append(start)
            // Text is NUL-terminated and its length is ignored by libpq; binary needs it.
            lengths.append(Int32(buffer.count - start))
            types.append(param.typeOID)
            formats.append(param.formatCode)
        }
        let connection = try liveHandle(doing: what)
        let result: OpaquePointer? = buffer.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(bitPattern: 1)!
            let values: [UnsafePointer<CChar>?] = params.indices.map { index in
                if case .null = params[index] { return nil }
                return (base + offsets[index]).assumingMemoryBound(to: CChar.self)
            }
            return PQexecParams(connection, sql, Int32(params.count), types, values, lengths, formats, resultFormat.rawValue)
        }
        return try check(result, doing: what)
    }

    /// Runs `COPY table (columns) FROM STDIN` with `data` as the whole input (build it with
    /// `PostgresCopyEncoder` for `WITH (FORMAT binary)`), in chunks of at most 1 MiB; returns
    /// the rows copied. A refusal (bad data, a constraint) ends the COPY with the server's
    /// error and nothing of it is kept; inside a transaction the transaction is then aborted.
    @discardableResult
    public func copyIn(_ sql: String, data: [UInt8], doing: String? = nil) throws(PostgresError) -> Int {
        let what = doing ?? Self.describe(sql)
        let connection = try liveHandle(doing: what)
        guard let start = PQexec(connection, sql) else {
            throw PostgresError(PQstatus(connection) == CONNECTION_OK ? .server : .connectionLost, doing: what, message: Self.libpqMessage(connection))
        }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            _ = try check(start, doing: what)     // throws the server's error, or:
            throw PostgresError(.badInput, doing: what, message: "the statement is not a COPY ... FROM STDIN")
        }
        PQclear(start)
        var sent = true
        data.withUnsafeBufferPointer { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = min(1 << 20, bytes.count - offset)
                let pointer = UnsafeRawPointer(bytes.baseAddress! + offset).assumingMemoryBound(to: CChar.self)
                if PQputCopyData(connection, pointer, Int32(n)) != 1 { sent = false; break }
                offset += n
            }
        }
        _ = PQputCopyEnd(connection, sent ? nil : "the client could not send the data")
        var copied = 0
        var failure: PostgresError?
        while let result = PQgetResult(connection) {
            do {
                let done = try check(result, doing: what)
                copied = done.affectedRows
            } catch {
                if failure == nil { failure = error }
            }
        }
        if let failure { throw failure }
        guard sent else { throw PostgresError(.connectionLost, doing: what, message: Self.libpqMessage(connection)) }
        return copied
    }

    /// Runs `body` inside BEGIN ... COMMIT; any error thrown by `body` or by COMMIT rolls the
    /// transaction back (when the session is still there) and is rethrown. Transactions do
    /// not nest: calling this inside `body` is refused.
    @discardableResult
    public func transaction<T>(doing: String = "transaction", _ body: (PostgresConnection) throws -> T) throws -> T {
        guard !inTransaction else {
            throw PostgresError(.badInput, doing: doing, message: "a transaction is already open on this connection (transactions do not nest)")
        }
        try execute("BEGIN", doing: "\(doing): begin")
        inTransaction = true
        defer { inTransaction = false }
        do {
            let value = try body(self)
            try execute("COMMIT", doing: "\(doing): commit")
            return value
        } catch {
            if isConnected { _ = try? execute("ROLLBACK", doing: "\(doing): roll back") }
            throw error
        }
    }

    // MARK: - Internals

    private func open() throws(PostgresError) {
        let pairs = configuration.keywordValues
        let keys = pairs.map { strdup($0.0) } + [nil]
        let values = pairs.map { strdup($0.1) } + [nil]
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        let constKeys: [UnsafePointer<CChar>?] = keys.map { $0.map { UnsafePointer($0) } }
        let constValues: [UnsafePointer<CChar>?] = values.map { $0.map { UnsafePointer($0) } }
        let connection: OpaquePointer? = constKeys.withUnsafeBufferPointer { k in
            constValues.withUnsafeBufferPointer { v in
                PQconnectdbParams(k.baseAddress, v.baseAddress, 1)
            }
        }
        guard let connection else {
            throw PostgresError(.connect, doing: "connect to PostgreSQL", message: "out of memory in libpq")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.libpqMessage(connection)
            func field(_ value: UnsafeMutablePointer<CChar>?) -> String { value.map { String(cString: $0) } ?? "?" }
            let where_ = "\(field(PQhost(connection))):\(field(PQport(connection)))/\(field(PQdb(connection)))"
            PQfinish(connection)
            throw PostgresError(.connect, doing: "connect to \(where_)", message: message)
        }
        // Server NOTICEs (e.g. "already exists, skipping") would go to stderr; drop them.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
    }

    private func liveHandle(doing: String) throws(PostgresError) -> OpaquePointer {
        guard let handle else {
            throw PostgresError(.connectionLost, doing: doing, message: "the connection is closed (call reconnect())")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            throw PostgresError(.connectionLost, doing: doing, message: "the connection is broken (call reconnect()): \(Self.libpqMessage(handle))")
        }
        return handle
    }

    /// Turns a libpq result into `PostgresResult` or the matching error.
    private func check(_ result: OpaquePointer?, doing: String) throws(PostgresError) -> PostgresResult {
        let connection = handle!
        guard let result else {
            let kind: PostgresError.Kind = PQstatus(connection) == CONNECTION_OK ? .server : .connectionLost
            throw PostgresError(kind, doing: doing, message: Self.libpqMessage(connection))
        }
        let status = PQresultStatus(result)
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PostgresResult(handle: result, doing: doing)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            PQclear(result)
            _ = PQputCopyEnd(connection, "COPY is not supported through execute()")
            while let next = PQgetResult(connection) { PQclear(next) }
            throw PostgresError(.badInput, doing: doing, message: "COPY is not supported through execute()")
        default:
            let sqlState = Self.field(result, "C")
            let primary = Self.field(result, "M")
            let detail = Self.field(result, "D")
            let fallback = String(cString: PQresultErrorMessage(result))
            PQclear(result)
            let lost = PQstatus(connection) != CONNECTION_OK
            var message = primary ?? Self.trim(fallback)
            if message.isEmpty { message = Self.libpqMessage(connection) }
            throw PostgresError(lost ? .connectionLost : .server, doing: doing, message: message, sqlState: sqlState, detail: detail)
        }
    }

    private static func field(_ result: OpaquePointer, _ code: Unicode.Scalar) -> String? {
        guard let value = PQresultErrorField(result, Int32(code.value)) else { return nil }
        return String(cString: value)
    }

    private static func libpqMessage(_ connection: OpaquePointer) -> String {
        guard let text = PQerrorMessage(connection) else { return "unknown libpq error" }
        let message = trim(String(cString: text))
        return message.isEmpty ? "unknown libpq error" : message
    }

    /// libpq messages end in newlines and may span lines; keep one line.
    static func trim(_ text: String) -> String {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { $0.trimmingPrefix(while: { $0 == " " || $0 == "\t" }) }
            .filter { !$0.isEmpty }
            .joined(separator: "; ")
    }

    /// The first words of a statement, for errors when the caller gave no description.
    private static func describe(_ sql: String) -> String {
        let flat = sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).prefix(6).joined(separator: " ")
        return "run '\(flat.count > 60 ? String(flat.prefix(60)) + "..." : flat)'"
    }
}
