import RTXStore

extension StartupCheck {
    /// `database.private_port` / `redis.private_port`: a pinned port another process listens
    /// on. A private server of this data folder that still runs (left by a crash) is reused
    /// on the port it has, so its port is never reported.
    static func privatePortProblems(_ config: EngineConfig) -> [EngineConfigError] {
        var problems: [EngineConfigError] = []
        let fix = "choose a free port, or remove the setting (or write 0) to let rtx pick one"
        if config.database.usesPrivateServer, let port = config.database.privatePort,
           PrivatePostgres.runningPort(folder: config.engine.dataDirectory + "/postgres") == nil, !LoopbackTCP.isFree(port) {
            problems.append(config.problem("database.private_port", "127.0.0.1:\(port) is in use (by another process)", fix: fix))
        }
        if config.redis.usesPrivateServer, let port = config.redis.privatePort,
           PrivateRedis.runningPort(folder: config.engine.dataDirectory + "/redis") == nil, !LoopbackTCP.isFree(port) {
            problems.append(config.problem("redis.private_port", "127.0.0.1:\(port) is in use (by another process)", fix: fix))
        }
        // server.listen on loopback (or every interface): checked here so that nothing starts;
        // another address is checked when the HTTP server binds it (after the engine started).
        if config.server.port != 0, ["127.0.0.1", "0.0.0.0"].contains(config.server.host), !LoopbackTCP.isFree(config.server.port) {
            problems.append(config.problem("server.listen", "\(config.server.listen) is in use (by another process)",
                                           fix: "stop that process, or choose another port in server.listen (0 picks a free one)"))
        }
        return problems
    }

    /// `database.url`: one session opened (and closed) within `connect_timeout_ms`.
    static func databaseProblems(_ config: EngineConfig, password: Secret?) -> [EngineConfigError] {
        let settings = config.database
        guard !settings.usesPrivateServer else { return [] }
        let address = ServerURL(settings.url)?.address(defaultPort: PostgresProbe.defaultPort) ?? "the configured address"
        let fallback = "or write `url: \"\"` to let rtx start a private server"
        switch PostgresProbe.check(url: settings.url, password: password?.reveal(), timeoutMs: Int(settings.connectTimeoutMs)) {
        case .connected:
            return []
        case .timedOut:
            return [config.problem("database.url", "PostgreSQL at \(address) did not answer within \(settings.connectTimeoutMs) ms (database.connect_timeout_ms)",
                                   fix: "start PostgreSQL there or correct the host and port in database.url, check the network, raise database.connect_timeout_ms for a slow link, \(fallback)")]
        case .failed(let message):
            if message.contains("password authentication failed"), let source = settings.password {
                return [config.problem(secretSetting(source, section: "database"), "PostgreSQL at \(address) refused the password from \(source): \(message)",
                                       fix: "put the right password in \(source), or correct the user in database.url")]
            }
            if message.contains("no password supplied") {
                return [config.problem("database.password_env", "PostgreSQL at \(address) asks for a password and none is configured: \(message)",
                                       fix: "add `password_env: RTX_DATABASE_PASSWORD` (or `password_file:`) under `database:` and give it the password",
                                       near: "database.url")]
            }
            if message.contains("database \""), message.contains("does not exist") {
                return [config.problem("database.url", "PostgreSQL at \(address) has no such database: \(message)",
                                       fix: "create the database (CREATE DATABASE ...) or correct its name at the end of database.url")]
            }
            return [config.problem("database.url", "cannot connect to PostgreSQL at \(address): \(message)",
                                   fix: "start PostgreSQL there, correct database.url, \(fallback)")]
        }
    }

    /// `redis.url`: a connection and `PING` (after `AUTH`) within `connect_timeout_ms`.
    static func redisProblems(_ config: EngineConfig, password: Secret?, notes: inout [String]) -> [EngineConfigError] {
        let settings = config.redis
        guard !settings.usesPrivateServer else { return [] }
        guard let url = ServerURL(settings.url) else {
            return [config.problem("redis.url", "the Redis URL names no host", fix: "write `url: redis://host:6379/0`, or `url: \"\"` for the private server")]
        }
        let address = url.address(defaultPort: RedisProbe.defaultPort)
        let timeout = "\(settings.connectTimeoutMs) ms (redis.connect_timeout_ms)"
        let fallback = "or write `url: \"\"` to let rtx start a private server"
        switch RedisProbe.check(url: url, password: password?.reveal(), timeoutMs: Int(settings.connectTimeoutMs)) {
        case .answered:
            return []
        case .reachableTLSNotChecked:
            // hiredis 0.14 (Debian's) has no TLS: the quote cache could never connect.
            return [config.problem("redis.url", "rediss:// (TLS) is not supported by this build's Redis client (hiredis 0.14 has no TLS); \(address) cannot be used",
                                   fix: "use a redis:// URL (a TLS tunnel such as stunnel in front of Redis), or `url: \"\"` for the private server")]
        case .unreachable(let failure) where failure.timedOut:
            return [config.problem("redis.url", "Redis at \(address) did not answer within \(timeout)",
                                   fix: "start Redis there or correct the host and port in redis.url, check the network, raise redis.connect_timeout_ms for a slow link, \(fallback)")]
        case .unreachable(let failure):
            return [config.problem("redis.url", "cannot connect to Redis at \(address): \(failure.reason)",
                                   fix: "start Redis there, correct redis.url, \(fallback)")]
        case .silent:
            return [config.problem("redis.url", "\(address) accepted the connection but did not answer PING within \(timeout)",
                                   fix: "check that redis.url names a Redis server (not another service), or raise redis.connect_timeout_ms")]
        case .needsPassword(let reply):
            return [config.problem("redis.password_env", "Redis at \(address) asks for a password and none is configured (\(reply))",
                                   fix: "add `password_env: RTX_REDIS_PASSWORD` (or `password_file:`) under `redis:` and give it the password",
                                   near: "redis.url")]
        case .passwordRefused(let reply):
            let setting = settings.password.map { secretSetting($0, section: "redis") } ?? "redis.password_env"
            let source = settings.password.map { "\($0)" } ?? "the configuration"
            return [config.problem(setting, "Redis at \(address) refused the password from \(source) (\(reply))",
                                   fix: "put the right password in \(source), correct the user in redis.url, or remove the password setting if the server has none",
                                   near: "redis.url")]
        case .unexpected(let reply):
            return [config.problem("redis.url", "\(address) does not answer like Redis (\(reply))",
                                   fix: "check the host and port in redis.url")]
        }
    }
}
