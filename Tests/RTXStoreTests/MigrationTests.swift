import Testing
@testable import RTXStore

extension DatabaseTests {
    @Suite struct Migrations {
        @Test func applyingTwiceIsANoOp() throws {
            let db = try SharedPostgres.freshDatabase()
            let first = try JournalStore.migrator.apply(on: db)
            let newest = JournalStore.migrator.newestVersion
            #expect(first == .init(previousVersion: 0, applied: Array(1 ... newest)))
            let second = try JournalStore.migrator.apply(on: db)
            #expect(second == .init(previousVersion: newest, applied: []))
            _ = try JournalStore(connection: db)
            _ = try JournalStore(connection: db)
            let rows = try db.execute("SELECT version, name, applied_at IS NOT NULL FROM rtx_schema_migrations ORDER BY version")
            #expect(rows.rowCount == newest)
            #expect(try rows.int64(0, 0) == 1)
            #expect(try rows.text(0, 1) == "journal and snapshots")
            #expect(try rows.text(1, 1) == "read models, ticks and OHLC")
        }

        @Test func aDatabaseNewerThanThisBuildIsRefusedUntouched() throws {
            let db = try SharedPostgres.freshDatabase()
            _ = try JournalStore(connection: db)
            try db.execute("INSERT INTO rtx_schema_migrations (version, name) VALUES (7, 'from the future')")
            let error = try #require(throws: MigrationError.self) { try JournalStore(connection: db) }
            #expect(error.message.contains("schema version 7"))
            #expect(error.message.contains("up to \(JournalStore.migrator.newestVersion)"))
            #expect(error.description.contains("fix: run the rtx build that migrated it"))
            #expect(try db.execute("SELECT count(*) FROM rtx_schema_migrations").int64(0, 0) == Int64(JournalStore.migrator.newestVersion) + 1)
            #expect(db.isConnected)
        }

        @Test func aFailingMigrationLeavesTheSchemaAsItWas() throws {
            let db = try SharedPostgres.freshDatabase()
            _ = try JournalStore(connection: db)
            let newest = JournalStore.migrator.newestVersion
            let broken = PostgresMigrator(migrations: JournalStore.migrator.migrations + [
                PostgresMigration(version: newest + 1, name: "broken", sql: "CREATE TABLE half_done (v int); SELECT no_such_function()"),
            ])
            let error = try #require(throws: PostgresError.self) { try broken.apply(on: db) }
            #expect(error.doing == "apply migration \(newest + 1) (broken)")
            #expect(try db.execute("SELECT max(version) FROM rtx_schema_migrations").int64(0, 0) == Int64(newest))
            #expect(try db.execute("SELECT to_regclass('half_done') IS NULL").text(0, 0) == "t")
        }
    }
}
