import Foundation
import Testing
@testable import RTXStore

/// Each test starts its own server in its own folder (they stop and kill servers), one at a time.
@Suite(.serialized) struct PrivatePostgresLifecycle {
    @Test func aLostConnectionIsReportedAndNothingIsLostAfterReconnect() throws {
        let folder = try TestFolder.make("pg-lost")
        defer { TestFolder.remove(folder) }
        let server = try PrivatePostgres.start(folder: folder, log: StoreLog.silent)
        let store = try JournalStore(connection: PostgresConnection(url: server.url))
        try store.append(records(1 ... 10))

        try server.stop()
        #expect(!server.isAnswering)
        let lost = try #require(throws: PostgresError.self) { try store.append(records(11 ... 20)) }
        #expect(lost.isConnectionLost)
        #expect(lost.description.hasPrefix("append journal batch 11...20: connection lost"))
        #expect(!store.connection.isConnected)
        let down = try #require(throws: PostgresError.self) { try store.connection.reconnect() }
        #expect(down.kind == .connect && down.description.contains("127.0.0.1:\(server.port)"))

        let again = try PrivatePostgres.start(folder: folder, log: StoreLog.silent)
        defer { try? again.stop() }
        #expect(!again.reused)
        #expect(again.port == server.port)
        try store.connection.reconnect()
        #expect(try store.lastSequence() == 10)
        try store.append(records(11 ... 20))
        #expect(try store.read(after: 0, limit: 100) == records(1 ... 20))
    }

    @Test func aSecondStartReusesTheRunningServerAndAStalePidFileIsStartedAgain() throws {
        let folder = try TestFolder.make("pg-reuse")
        defer { TestFolder.remove(folder) }
        let logs = LogLines()
        let first = try PrivatePostgres.start(folder: folder, log: logs.logger)
        #expect(!first.reused)
        let db = try PostgresConnection(url: first.url)
        try db.execute("CREATE TABLE kept (v int8); INSERT INTO kept VALUES (42)")

        let second = try PrivatePostgres.start(folder: folder, log: logs.logger)
        #expect(second.reused)
        #expect(second.pid == first.pid && second.port == first.port && second.password == first.password)
        #expect(logs.contains("reusing PostgreSQL (pid \(first.pid))"))
        db.close()

        // The server crashes: its pid file stays behind.
        #expect(kill(first.pid, SIGKILL) == 0)
        #expect(ServerFiles.waitGone(first.pid, timeoutMs: 10_000))
        let deadline = MonotonicClock.nowMs() + 10_000
        while PrivatePostgres.answers(port: first.port), MonotonicClock.nowMs() < deadline { MonotonicClock.sleep(ms: 50) }
        #expect(ServerFiles.exists(first.dataFolder + "/postmaster.pid"))

        let third = try PrivatePostgres.start(folder: folder, log: logs.logger)
        defer { try? third.stop() }
        #expect(!third.reused && third.pid != first.pid)
        #expect(logs.contains("stale PostgreSQL pid file (pid \(first.pid) is not running)"))
        let after = try PostgresConnection(url: third.url)
        #expect(try after.execute("SELECT v FROM kept").int64(0, 0) == 42)
    }

    @Test(.enabled(if: geteuid() == 0, "only root has to hand the server to the postgres user"))
    func asRootAnUnreachableFolderGetsAStableStandInOwnedByPostgres() throws {
        let parent = try TestFolder.make("pg-private-parent", mode: 0o700)
        let requested = parent + "/server"
        let logs = LogLines()
        let server = try PrivatePostgres.start(folder: requested, log: logs.logger)
        defer {
            try? server.stop()
            TestFolder.remove(server.folder)
            TestFolder.remove(parent)
        }
        #expect(server.folder.hasPrefix("/var/tmp/rtx-postgres/server-"))
        #expect(logs.contains("cannot reach \(requested)"))
        var info = stat()
        #expect(stat(server.dataFolder, &info) == 0)
        #expect(info.st_uid == getpwnam("postgres").pointee.pw_uid)
        #expect(info.st_mode & 0o777 == 0o700)

        let again = try PrivatePostgres.start(folder: requested, log: logs.logger)
        #expect(again.reused && again.folder == server.folder && again.port == server.port)
        #expect(try PostgresConnection(url: again.url).execute("SELECT current_database()").text(0, 0) == "rtx")
        #expect(try PostgresConnection(url: again.url).execute("SHOW fsync").text(0, 0) == "on")
        #expect(try PostgresConnection(url: again.url).execute("SHOW listen_addresses").text(0, 0) == "127.0.0.1")
    }

    @Test func badStartInputIsRefusedClearly() throws {
        let empty = try #require(throws: PrivateServerError.self) { try PrivatePostgres.start(folder: "", log: StoreLog.silent) }
        #expect(empty.description.contains("the folder is empty"))
        let quoted = try #require(throws: PrivateServerError.self) {
            try PrivatePostgres.start(folder: TestFolder.root + "/it's", log: StoreLog.silent)
        }
        #expect(quoted.message.contains("contains a quote"))
        let timeout = try #require(throws: PrivateServerError.self) {
            try PrivatePostgres.start(folder: TestFolder.root + "/never", log: StoreLog.silent, startTimeoutSeconds: 0)
        }
        #expect(timeout.message.contains("start timeout 0 s"))
    }
}
