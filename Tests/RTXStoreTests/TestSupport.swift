import Foundation
import Synchronization
import Testing
@testable import RTXStore

/// Folders for the store's tests, under /tmp/rtx-store-tests (0755, so the `postgres` user
/// can reach the servers' folders when we are root).
enum TestFolder {
    static let root = "/tmp/rtx-store-tests"

    /// A new folder `<root>/<name>-<pid>-<random>` with `mode`.
    static func make(_ name: String, mode: mode_t = 0o755) throws -> String {
        mkdir(root, 0o755)
        chmod(root, 0o755)
        let path = "\(root)/\(name)-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        chmod(path, mode)
        return path
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }
}

/// Collects the store's log lines for assertions.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    var logger: StoreLogger { { line in self.lines.withLock { $0.append(line) } } }
    var all: [String] { lines.withLock { $0 } }
    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }
}

/// One private PostgreSQL for a whole suite (and its nested suites): started before the
/// first test, stopped and removed after the last.
struct SharedPostgres: SuiteTrait, TestScoping {
    @TaskLocal static var server: PrivatePostgres?

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let folder = try TestFolder.make("shared-postgres")
        let server = try PrivatePostgres.start(folder: folder, log: StoreLog.silent)
        defer {
            try? server.stop()
            TestFolder.remove(folder)
        }
        try await Self.$server.withValue(server) { try await function() }
    }

    /// The suite's server (a test outside a `.sharedPostgres` suite has none).
    static func current() throws -> PrivatePostgres {
        try #require(server, "this test must run inside a suite marked .sharedPostgres")
    }

    /// A connection to a new, empty database on the suite's server, so tests run in
    /// parallel without seeing each other's tables.
    static func freshDatabase(_ configure: (inout PostgresConfiguration) -> Void = { _ in }) throws -> PostgresConnection {
        let server = try current()
        let name = "t_" + String(UInt64.random(in: 0 ... .max), radix: 16)
        let admin = try PostgresConnection(url: server.url(database: "postgres"))
        try admin.execute("CREATE DATABASE \(name)")
        admin.close()
        var configuration = PostgresConfiguration(conninfo: server.url(database: name))
        configure(&configuration)
        return try PostgresConnection(configuration)
    }
}

extension Trait where Self == SharedPostgres {
    static var sharedPostgres: Self { SharedPostgres() }
}

/// Every suite that talks to the shared server is nested in this one.
@Suite(.sharedPostgres) enum DatabaseTests {}

/// Records `first...last` with recognizable bytes.
func records(_ range: ClosedRange<UInt64>, commandBytes: Int = 48) -> [JournalRecord] {
    range.map { sequence in
        JournalRecord(sequence: sequence, timeNs: 1_700_000_000_000_000_000 + Int64(sequence) * 1_000, format: 1,
                      command: (0 ..< commandBytes).map { UInt8(truncatingIfNeeded: Int(sequence) &* 31 &+ $0) },
                      meta: [0, 0xFF, UInt8(truncatingIfNeeded: sequence)])
    }
}
