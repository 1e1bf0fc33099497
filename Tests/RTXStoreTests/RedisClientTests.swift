import Foundation
import Testing
@testable import RTXStore

/// One private Redis for the client tests: started before the first, stopped after the last.
struct SharedRedis: SuiteTrait, TestScoping {
    @TaskLocal static var server: PrivateRedis?

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let folder = try TestFolder.make("shared-redis")
        let server = try PrivateRedis.start(folder: folder, log: StoreLog.silent)
        defer {
            try? server.stop()
            TestFolder.remove(folder)
        }
        try await Self.$server.withValue(server) { try await function() }
    }

    static func client(commandTimeoutMs: Int = 2_000) throws -> RedisClient {
        let server = try #require(server, "this test must run inside a suite marked SharedRedis()")
        return try RedisClient(RedisConfiguration(url: server.url, commandTimeoutMs: commandTimeoutMs))
    }

    /// A key nobody else uses (tests run in parallel on one server).
    static func key(_ name: String) -> String { "test:\(name):\(UInt64.random(in: 0 ... .max))" }
}

/// `RedisClient` against a real redis-server: round trips, binary values, TTLs, pipelining,
/// error replies, pub/sub, and the failures an operator must be able to read (refused,
/// password refused without showing it, server gone, no answer).
@Suite(SharedRedis()) struct RedisClientTests {
    @Test func roundTripsTextBinaryIntegersHashesAndMissingKeys() throws {
        let redis = try SharedRedis.client()
        #expect(redis.isConnected)
        let key = SharedRedis.key("text")
        #expect(try redis.command("SET", key, "1.08512") == .status("OK"))
        #expect(try redis.command("GET", key).text == "1.08512")
        #expect(try redis.command("GET", SharedRedis.key("missing")) == .null)

        let binary: [UInt8] = [0, 1, 0xFF, 13, 10, 0, 0x80, 0x7F]
        let binaryKey: [UInt8] = Array(SharedRedis.key("bin").utf8) + [0, 0xFE]
        #expect(try redis.command([Array("SET".utf8), binaryKey, binary]) == .status("OK"))
        #expect(try redis.command([Array("GET".utf8), binaryKey]) == .bulk(binary))
        #expect(try redis.command([Array("STRLEN".utf8), binaryKey]) == .integer(8))
        #expect(try redis.command([Array("SET".utf8), binaryKey, []]) == .status("OK"))
        #expect(try redis.command([Array("GET".utf8), binaryKey]) == .bulk([]))

        let counter = SharedRedis.key("n")
        #expect(try redis.command("INCRBY", counter, "41") == .integer(41))
        #expect(try redis.command("INCR", counter) == .integer(42))

        let hash = SharedRedis.key("hash")
        #expect(try redis.command("HSET", hash, "bid", "1.08500", "ask", "1.08510") == .integer(2))
        #expect(try redis.command("HGETALL", hash).fieldValues == ["bid": "1.08500", "ask": "1.08510"])
        #expect(try redis.command("DEL", key, hash, counter) == .integer(3))
        redis.close()
        #expect(!redis.isConnected)
        let closed = try #require(throws: RedisError.self) { try redis.command("PING") }
        #expect(closed.kind == .connectionLost && closed.description.contains("the connection is closed"))
    }

    @Test func keysExpireAfterTheirTTL() throws {
        let redis = try SharedRedis.client()
        let key = SharedRedis.key("ttl")
        #expect(try redis.command("SET", key, "x", "EX", "60") == .status("OK"))
        let ttl = try #require(try redis.command("TTL", key).integer)
        #expect((1 ... 60).contains(ttl))
        #expect(try redis.command("TTL", SharedRedis.key("none")) == .integer(-2))
        #expect(try redis.command("SET", key, "x", "PX", "150") == .status("OK"))
        #expect(try redis.command("EXISTS", key) == .integer(1))
        usleep(400_000)
        #expect(try redis.command("EXISTS", key) == .integer(0))
    }

    @Test func pipelinesManyCommandsInOrderWithErrorRepliesInPlace() throws {
        let redis = try SharedRedis.client()
        let prefix = SharedRedis.key("pipe")
        let sets = (0 ..< 1_000).map { [Array("SET".utf8), Array("\(prefix):\($0)".utf8), Array("v\($0)".utf8)] }
        let setReplies = try redis.pipeline(sets)
        #expect(setReplies.count == 1_000 && setReplies.allSatisfy { $0 == .status("OK") })
        let gets = (0 ..< 1_000).map { [Array("GET".utf8), Array("\(prefix):\($0)".utf8)] }
        #expect(try redis.pipeline(gets).map(\.text) == (0 ..< 1_000).map { "v\($0)" })

        // An error reply in the middle does not disturb the replies after it.
        let mixed: [[[UInt8]]] = [["SET", "\(prefix):s", "abc"], ["INCR", "\(prefix):s"], ["GET", "\(prefix):s"]].map { $0.map { Array($0.utf8) } }
        let replies = try redis.pipeline(mixed)
        #expect(replies[0] == .status("OK"))
        #expect(replies[1].firstError?.hasPrefix("ERR value is not an integer") == true)
        #expect(replies[2].text == "abc")

        // A transaction in one pipeline: the EXEC reply holds each command's reply.
        let hash = "\(prefix):h"
        let transaction: [[[UInt8]]] = [["MULTI"], ["HSET", hash, "bid", "1"], ["EXPIRE", hash, "60"], ["EXEC"]].map { $0.map { Array($0.utf8) } }
        let exec = try redis.pipeline(transaction)
        #expect(exec[0] == .status("OK") && exec[1] == .status("QUEUED") && exec[2] == .status("QUEUED"))
        #expect(exec[3] == .array([.integer(1), .integer(1)]))
        #expect(try redis.pipeline([]) == [])
    }

    @Test func errorRepliesAreValuesAndTheConnectionStaysUsable() throws {
        let redis = try SharedRedis.client()
        let key = SharedRedis.key("wrongtype")
        _ = try redis.command("SET", key, "plain")
        #expect(try redis.command("HGET", key, "f").firstError?.hasPrefix("WRONGTYPE") == true)
        #expect(try redis.command("NOSUCHCOMMAND", "a").firstError?.contains("unknown command") == true)
        #expect(try redis.command("PING") == .status("PONG"))
        let empty = try #require(throws: RedisError.self) { try redis.command([]) }
        #expect(empty.kind == .badInput)
        #expect(redis.isConnected)
    }

    @Test func subscribersReceivePublishedMessages() throws {
        let subscriber = try SharedRedis.client(), publisher = try SharedRedis.client()
        let channel = SharedRedis.key("channel")
        #expect(try subscriber.command("SUBSCRIBE", channel) == .array([.bulk(Array("subscribe".utf8)), .bulk(Array(channel.utf8)), .integer(1)]))
        #expect(try subscriber.receive(timeoutMs: 100) == nil)
        #expect(try publisher.command("PUBLISH", channel, "{\"bid\":\"1.08500\"}") == .integer(1))
        let message = try #require(try subscriber.receive(timeoutMs: 2_000))
        #expect(message.elements?.compactMap(\.text) == ["message", channel, "{\"bid\":\"1.08500\"}"])
        #expect(subscriber.isConnected)
    }

    @Test func aRefusedConnectionNamesTheAddressAndWhatWasTried() throws {
        let port = try LoopbackTCP.freePort()
        let error = try #require(throws: RedisError.self) { try RedisClient(url: "redis://127.0.0.1:\(port)/0") }
        #expect(error.kind == .connect && error.needsReconnect)
        #expect(error.description == "Redis at 127.0.0.1:\(port): connect: Connection refused")
    }

    @Test func aServerThatNeverAnswersTimesOut() throws {
        // A listening socket nobody reads: the kernel accepts the connection, nothing answers.
        let silent = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(silent) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(silent, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(silent, $0, &length) } }
        #expect(listen(silent, 4) == 0)
        let port = UInt16(bigEndian: address.sin_port)
        let started = Date()
        let error = try #require(throws: RedisError.self) {
            try RedisClient(RedisConfiguration(url: "redis://127.0.0.1:\(port)", connectTimeoutMs: 1_000, commandTimeoutMs: 300))
        }
        #expect(error.kind == .timeout && error.needsReconnect)
        #expect(error.description == "Redis at 127.0.0.1:\(port): PING: timed out: no reply within 300 ms")
        #expect(Date().timeIntervalSince(started) < 2)
    }

    @Test func aRefusedOrMissingPasswordIsNamedWithoutTheSecret() throws {
        let folder = try TestFolder.make("redis-auth")
        defer { TestFolder.remove(folder) }
        let server = try PrivateRedis.start(folder: folder, log: StoreLog.silent)
        defer { try? server.stop() }
        let secret = "s3cret-Passw0rd-\(UInt32.random(in: 0 ... .max))"
        #expect(try RedisClient(url: server.url).command("CONFIG", "SET", "requirepass", secret) == .status("OK"))

        let missing = try #require(throws: RedisError.self) { try RedisClient(url: server.url) }
        #expect(missing.kind == .authentication && missing.doing == "PING")
        #expect(missing.description.contains("the server wants a password and none is configured: NOAUTH"))

        let wrong = "not-the-password-\(UInt32.random(in: 0 ... .max))"
        let refused = try #require(throws: RedisError.self) { try RedisClient(url: server.url, password: wrong) }
        #expect(refused.kind == .authentication && refused.doing == "AUTH")
        #expect(refused.description.hasPrefix("Redis at 127.0.0.1:\(server.port): AUTH: the server refused the password: WRONGPASS"))
        #expect(!refused.description.contains(wrong) && !"\(refused)".contains(secret))

        let user = try #require(throws: RedisError.self) { try RedisClient(url: "redis://nobody@127.0.0.1:\(server.port)/0", password: wrong) }
        #expect(user.description.contains("the server refused the user or password") && !user.description.contains(wrong))

        let configuration = try RedisConfiguration(url: server.url + "/3", password: secret)
        #expect(!"\(configuration)".contains(secret) && !String(reflecting: configuration).contains(secret))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains(secret))
        let good = try RedisClient(configuration)
        let key = SharedRedis.key("db3")
        _ = try good.command("SET", key, "in db 3")
        #expect(try RedisClient(url: server.url, password: secret).command("GET", key) == .null)
        #expect(try good.command("GET", key).text == "in db 3")
        let describedAuth = RedisClient.describe(["AUTH", "user", secret].map { Array($0.utf8) })
        #expect(describedAuth == "AUTH")
        // PrivateRedis.stop sends SHUTDOWN without a password: let it in again.
        #expect(try good.command("CONFIG", "SET", "requirepass", "") == .status("OK"))
    }

    @Test func aServerThatGoesAwayIsALostConnection() throws {
        let folder = try TestFolder.make("redis-gone")
        defer { TestFolder.remove(folder) }
        let server = try PrivateRedis.start(folder: folder, log: StoreLog.silent)
        let redis = try RedisClient(url: server.url)
        #expect(try redis.command("PING") == .status("PONG"))
        try server.stop()
        let error = try #require(throws: RedisError.self) { try redis.command("SET", "quote:EURUSD", "1") }
        #expect(error.needsReconnect && error.doing == "SET quote:EURUSD")
        #expect(!redis.isConnected)
        let again = try #require(throws: RedisError.self) { try redis.pipeline([[Array("PING".utf8)]]) }
        #expect(again.kind == .connectionLost)
    }

    @Test func urlsAreReadAndTLSIsRefusedWithAReason() throws {
        let c = try RedisConfiguration(url: "redis://cache@10.0.0.5:6380/2")
        #expect(c.host == "10.0.0.5" && c.port == 6380 && c.user == "cache" && c.database == 2 && !c.hasPassword)
        #expect(try RedisConfiguration(url: "redis://localhost").port == 6379)
        let tls = try #require(throws: RedisError.self) { try RedisConfiguration(url: "rediss://cache.example:6380") }
        #expect(tls.kind == .badInput && tls.message.contains("rediss:// (TLS) is not supported"))
        let path = try #require(throws: RedisError.self) { try RedisConfiguration(url: "redis://h:1/x") }
        #expect(path.message.contains("not a database number"))
        let timeout = try #require(throws: RedisError.self) { try RedisConfiguration(host: "h", commandTimeoutMs: 0) }
        #expect(timeout.message.contains("command timeout 0 ms is outside"))
    }
}
