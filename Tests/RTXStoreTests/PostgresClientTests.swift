import Testing
@testable import RTXStore

extension DatabaseTests {
    @Suite struct PostgresClient {
        @Test func connectsAndRoundTripsBinaryAndTextValues() throws {
            let db = try SharedPostgres.freshDatabase()
            #expect(db.isConnected)
            #expect(db.target.hasPrefix("127.0.0.1:"))
            let allBytes = (0 ... 255).map { UInt8($0) }
            let params: [PostgresValue] = [.int64(Int64.min), .int64(Int64.max), .int32(-7), .int16(Int16.max),
                                           .bytes(allBytes), .bytes([]), .text("größe €"), .null, .bool(true)]
            let sql = "SELECT $1::int8, $2::int8, $3::int4, $4::int2, $5::bytea, $6::bytea, $7::text, $8::int8, $9::bool"
            for format in [PostgresConnection.ResultFormat.binary, .text] {
                let row = try db.execute(sql, params: params, resultFormat: format)
                #expect(row.rowCount == 1 && row.columnCount == 9)
                #expect(try row.int64(0, 0) == Int64.min)
                #expect(try row.int64(0, 1) == Int64.max)
                #expect(try row.int64(0, 2) == -7)
                #expect(try row.int64(0, 3) == Int64(Int16.max))
                #expect(try row.bytes(0, 4) == allBytes)
                #expect(try row.bytes(0, 5) == [])
                #expect(try row.text(0, 6) == "größe €")
                #expect(row.isNull(0, 7))
            }
            let arrays = try db.execute("SELECT cardinality($1::int8[]), ($1::int8[])[3], ($2::bytea[])[2], cardinality($3::int2[])",
                                        params: [.int64Array([5, 6, -7]), .bytesArray([[1], [0, 255]]), .int16Array([])])
            #expect(try arrays.int64(0, 0) == 3)
            #expect(try arrays.int64(0, 1) == -7)
            #expect(try arrays.bytes(0, 2) == [0, 255])
            #expect(try arrays.isNull(0, 3) || arrays.int64(0, 3) == 0)
            let plain = try db.execute("SELECT 41 + 1, 'x'::bytea")
            #expect(try plain.int64(0, 0) == 42)
            #expect(try plain.bytes(0, 1) == [UInt8(ascii: "x")])
        }

        @Test func serverErrorsCarrySQLStateMessageAndWhatWeWereDoing() throws {
            let db = try SharedPostgres.freshDatabase()
            let error = try #require(throws: PostgresError.self) {
                try db.execute("SELECT * FROM no_such_table", params: [], doing: "read the orders")
            }
            #expect(error.kind == .server)
            #expect(error.sqlState == "42P01")
            #expect(error.description.hasPrefix("read the orders: "))
            #expect(error.description.contains("no_such_table"))
            #expect(db.isConnected)
            #expect(try db.execute("SELECT 1").int64(0, 0) == 1)
        }

        @Test func statementTimeoutCancelsALongStatement() throws {
            let db = try SharedPostgres.freshDatabase { $0.statementTimeoutMs = 200 }
            let error = try #require(throws: PostgresError.self) { try db.execute("SELECT pg_sleep(5)") }
            #expect(error.isStatementTimeout)
            #expect(try db.execute("SHOW synchronous_commit").text(0, 0) == "on")
            #expect(try db.execute("SHOW statement_timeout").text(0, 0) == "200ms")
        }

        @Test func transactionCommitsOrRollsBackAndDoesNotNest() throws {
            let db = try SharedPostgres.freshDatabase()
            try db.execute("CREATE TABLE t (v int8)")
            struct Boom: Error {}
            #expect(throws: Boom.self) {
                try db.transaction { tx in
                    try tx.execute("INSERT INTO t VALUES ($1)", params: [.int64(1)])
                    throw Boom()
                }
            }
            #expect(try db.execute("SELECT count(*) FROM t").int64(0, 0) == 0)
            try db.transaction { tx in try tx.execute("INSERT INTO t VALUES ($1)", params: [.int64(2)]) }
            #expect(try db.execute("SELECT count(*) FROM t").int64(0, 0) == 1)
            let nested = try #require(throws: PostgresError.self) {
                try db.transaction { tx in try tx.transaction { _ in } }
            }
            #expect(nested.kind == .badInput)
            #expect(nested.message.contains("do not nest"))
            #expect(try db.execute("SELECT count(*) FROM t").int64(0, 0) == 1)
        }

        @Test func badConnectionInputGetsAClearError() throws {
            let server = try SharedPostgres.current()
            let empty = try #require(throws: PostgresError.self) { try PostgresConnection(url: "") }
            #expect(empty.kind == .badInput && empty.message.contains("empty"))
            let noTimeout = try #require(throws: PostgresError.self) {
                try PostgresConnection(PostgresConfiguration(conninfo: server.url, connectTimeoutSeconds: 0))
            }
            #expect(noTimeout.message.contains("connectTimeoutSeconds 0"))
            let badSetting = try #require(throws: PostgresError.self) {
                try PostgresConnection(PostgresConfiguration(conninfo: server.url, settings: [.init("x; DROP", "1")]))
            }
            #expect(badSetting.kind == .badInput)
            let port = try LoopbackTCP.freePort()
            let nobody = try #require(throws: PostgresError.self) {
                try PostgresConnection(url: "postgresql://rtx@127.0.0.1:\(port)/rtx")
            }
            #expect(nobody.kind == .connect)
            #expect(nobody.description.contains("connect to 127.0.0.1:\(port)/rtx"))
            let wrongPassword = try #require(throws: PostgresError.self) {
                try PostgresConnection(url: "postgresql://rtx:wrong@127.0.0.1:\(server.port)/rtx")
            }
            #expect(wrongPassword.description.contains("password authentication failed"))
            let garbage = try #require(throws: PostgresError.self) { try PostgresConnection(url: "postgresql://[::1") }
            #expect(garbage.kind == .connect)
        }

        @Test func decodeErrorsNameTheColumn() throws {
            let db = try SharedPostgres.freshDatabase()
            let row = try db.execute("SELECT NULL::int8 AS amount, 'abc' AS word")
            let null = try #require(throws: PostgresError.self) { try row.int64(0, 0) }
            #expect(null.kind == .decode && null.message.contains("'amount'") && null.message.contains("NULL"))
            let word = try #require(throws: PostgresError.self) { try row.int64(0, 1) }
            #expect(word.message.contains("'word'"))
            let outside = try #require(throws: PostgresError.self) { try row.int64(3, 0) }
            #expect(outside.message.contains("row 3"))
        }

        @Test func closedConnectionIsReportedAndReconnectWorks() throws {
            let db = try SharedPostgres.freshDatabase()
            db.close()
            #expect(!db.isConnected)
            let error = try #require(throws: PostgresError.self) { try db.execute("SELECT 1", doing: "probe") }
            #expect(error.isConnectionLost && error.description.hasPrefix("probe: connection lost"))
            try db.reconnect()
            #expect(try db.execute("SELECT 1").int64(0, 0) == 1)
            // A session killed by the server is detected on the next call.
            let pid = try db.execute("SELECT pg_backend_pid()").int64(0, 0)
            let admin = try SharedPostgres.freshDatabase()
            try admin.execute("SELECT pg_terminate_backend($1::int4)", params: [.int32(Int32(pid))])
            let lost = try #require(throws: PostgresError.self) { try db.execute("SELECT 1", params: [], doing: "after kill") }
            #expect(lost.isConnectionLost)
            #expect(!db.isConnected)
            try db.reconnect()
            #expect(try db.execute("SELECT 2").int64(0, 0) == 2)
        }
    }
}
