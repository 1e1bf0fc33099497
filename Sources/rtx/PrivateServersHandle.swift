import ArgumentParser
import Foundation
import RTXEngine
import RTXStore

/// The private servers `rtx run` started (or reused), or the configured URLs.
final class PrivateServersHandle {
    let databaseURL: String
    let databaseDescription: String
    /// The private server's URL or `redis.url` (the password is in `StartupCheck.redisPassword`).
    let redisURL: String
    let redisDescription: String
    private let postgres: PrivatePostgres?
    private let redis: PrivateRedis?

    private init(databaseURL: String, databaseDescription: String, redisURL: String, redisDescription: String, postgres: PrivatePostgres?,
                 redis: PrivateRedis?) {
        self.databaseURL = databaseURL
        self.databaseDescription = databaseDescription
        self.redisURL = redisURL
        self.redisDescription = redisDescription
        self.postgres = postgres
        self.redis = redis
    }

    /// Starts (or reuses) the private servers the configuration asks for, on their pinned
    /// ports if any; with URLs configured, hands the checked database password to libpq
    /// (PGPASSWORD). On failure stops what it started, prints the error and exits with 2.
    static func start(_ config: EngineConfig, checked: StartupCheck) throws -> PrivateServersHandle {
        var postgres: PrivatePostgres?
        var redis: PrivateRedis?
        let url: String
        let databaseDescription: String
        do {
            if config.database.usesPrivateServer {
                let pg = try PrivatePostgres.start(folder: config.engine.dataDirectory + "/postgres", port: config.database.privatePort,
                                                   log: { engineLog($0) })
                postgres = pg
                url = pg.url
                databaseDescription = "127.0.0.1:\(pg.port) (private\(pg.reused ? ", reused" : ""), data in \(pg.dataFolder))"
            } else {
                if let secret = checked.databasePassword { setenv("PGPASSWORD", secret.reveal(), 1) }
                url = config.database.url
                databaseDescription = config.database.url
            }
            if config.redis.usesPrivateServer {
                redis = try PrivateRedis.start(folder: config.engine.dataDirectory + "/redis", port: config.redis.privatePort,
                                               log: { engineLog($0) })
            }
        } catch {
            try? redis?.stop()
            try? postgres?.stop()
            // The pinned port was free when checked but taken since: say which setting.
            let pinned = postgres == nil && config.database.usesPrivateServer
                ? config.database.privatePort.map { ("database.private_port", $0) }
                : config.redis.privatePort.map { ("redis.private_port", $0) }
            if let (setting, port) = pinned, !LoopbackTCP.isFree(port) {
                printError(config.problem(setting, "127.0.0.1:\(port) is in use (by another process, since the check a moment before)",
                                          fix: "choose a free port, or remove the setting (or write 0) to let rtx pick one").description)
            } else {
                printError("error: \(error)")
            }
            throw ExitCode(2)
        }
        let uses = "quote cache quote:SYMBOL and quote:GROUP:SYMBOL, TTL \(config.redis.quoteTTLSeconds) s; pub/sub quotes:SYMBOL and quotes:GROUP:SYMBOL"
        let redisDescription = redis.map { "127.0.0.1:\($0.port) (private\($0.reused ? ", reused" : ""); \(uses))" }
            ?? "\(config.redis.url) (\(uses))"
        return PrivateServersHandle(databaseURL: url, databaseDescription: databaseDescription, redisURL: redis?.url ?? config.redis.url,
                                    redisDescription: redisDescription, postgres: postgres, redis: redis)
    }

    func stop() {
        do { try redis?.stop() } catch { printError("Redis did not stop cleanly: \(error)") }
        do { try postgres?.stop() } catch { printError("PostgreSQL did not stop cleanly: \(error)") }
    }
}
