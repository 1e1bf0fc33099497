import Foundation
import Testing
@testable import RTXStore

@Suite(.serialized) struct PrivateRedisLifecycle {
    /// Sends raw RESP over TCP and returns the answer as text.
    func send(_ port: UInt16, _ request: String) -> String? {
        LoopbackTCP.exchange(port: port, request: Array(request.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func startsAnswersIsReusedStopsAndRecoversFromAStalePidFile() throws {
        let folder = try TestFolder.make("redis")
        defer { TestFolder.remove(folder) }
        let logs = LogLines()
        let redis = try PrivateRedis.start(folder: folder, log: logs.logger)
        #expect(!redis.reused)
        #expect(redis.url == "redis://127.0.0.1:\(redis.port)")
        #expect(send(redis.port, "PING\r\n") == "+PONG\r\n")
        #expect(send(redis.port, "*3\r\n$3\r\nSET\r\n$5\r\nquote\r\n$3\r\n1.1\r\n") == "+OK\r\n")
        #expect(send(redis.port, "*2\r\n$3\r\nGET\r\n$5\r\nquote\r\n") == "$3\r\n1.1\r\n")

        let again = try PrivateRedis.start(folder: folder, log: logs.logger)
        #expect(again.reused && again.pid == redis.pid && again.port == redis.port)
        #expect(logs.contains("reusing Redis (pid \(redis.pid))"))

        try redis.stop()
        #expect(!redis.ping())
        #expect(!ServerFiles.isAlive(redis.pid))
        try redis.stop()

        let restarted = try PrivateRedis.start(folder: folder, log: logs.logger)
        #expect(!restarted.reused && restarted.port == redis.port)
        #expect(kill(restarted.pid, SIGKILL) == 0)
        #expect(ServerFiles.waitGone(restarted.pid, timeoutMs: 5_000))
        #expect(ServerFiles.exists(folder + "/redis.pid"))
        let afterCrash = try PrivateRedis.start(folder: folder, log: logs.logger)
        defer { try? afterCrash.stop() }
        #expect(!afterCrash.reused && afterCrash.ping())
        #expect(logs.contains("stale Redis pid file (pid \(restarted.pid) is not running)"))
    }

    @Test func aTakenPortIsAvoided() throws {
        let folder = try TestFolder.make("redis-port")
        defer { TestFolder.remove(folder) }
        let first = try PrivateRedis.start(folder: folder, log: StoreLog.silent)
        let port = first.port
        try first.stop()
        // Someone else listens on the remembered port now.
        let squatter = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(squatter) }
        var on: Int32 = 1
        setsockopt(squatter, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(squatter, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0)
        #expect(listen(squatter, 1) == 0)
        let second = try PrivateRedis.start(folder: folder, log: StoreLog.silent)
        defer { try? second.stop() }
        #expect(second.port != port && second.ping())
    }

    @Test func badStartInputIsRefusedClearly() throws {
        let empty = try #require(throws: PrivateServerError.self) { try PrivateRedis.start(folder: "", log: StoreLog.silent) }
        #expect(empty.description == "start Redis: the folder is empty (fix: pass a folder path)")
        let quoted = try #require(throws: PrivateServerError.self) {
            try PrivateRedis.start(folder: TestFolder.root + "/a\"b", log: StoreLog.silent)
        }
        #expect(quoted.message.contains("contains a quote"))
    }
}
