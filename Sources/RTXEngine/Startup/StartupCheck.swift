import RTXStore

/// What `rtx run` checks after reading rtx.yaml and plugins.yaml and before it creates or
/// starts anything (no data folder, no private server, no plugin): the secrets it needs can be
/// read, the control socket is free, pinned private ports are free, and configured PostgreSQL
/// and Redis servers answer within their `connect_timeout_ms`. Every problem names the setting,
/// points at it in rtx.yaml when it is written there, and says the fix; all problems are
/// reported together, in file order. Secret values are kept only in `Secret` and never enter a message.
///
/// Thread: any; `run` blocks for at most the two connect timeouts plus a few socket calls.
public struct StartupCheck: Sendable {
    /// The password of `database.url`, read; nil with the private server or when none is configured.
    public let databasePassword: Secret?
    /// The password of `redis.url`, read; nil with the private server or when none is configured.
    public let redisPassword: Secret?
    /// What was found fine but is worth a log line (e.g. TLS not checked).
    public let notes: [String]

    /// Runs every check; throws every problem found.
    public static func run(_ config: EngineConfig) throws(EngineConfigErrors) -> StartupCheck {
        var problems: [EngineConfigError] = []
        var notes: [String] = []
        let database = readSecret(config.database.password, section: "database", usesPrivateServer: config.database.usesPrivateServer,
                                  config, &problems)
        let redis = readSecret(config.redis.password, section: "redis", usesPrivateServer: config.redis.usesPrivateServer,
                               config, &problems)
        problems += controlSocketProblems(config)
        problems += privatePortProblems(config)
        if database.readable { problems += databaseProblems(config, password: database.secret) }
        if redis.readable { problems += redisProblems(config, password: redis.secret, notes: &notes) }
        guard problems.isEmpty else {
            let inFileOrder = problems.enumerated().sorted {
                let a = $0.element.mark?.offset ?? Int.max, b = $1.element.mark?.offset ?? Int.max
                return a != b ? a < b : $0.offset < $1.offset
            }
            throw EngineConfigErrors(errors: inFileOrder.map(\.element))
        }
        return StartupCheck(databasePassword: database.secret, redisPassword: redis.secret, notes: notes)
    }

    /// The secret of a server section, read when its URL is set. `readable` is false when a
    /// configured secret could not be read (reported).
    private static func readSecret(_ source: SecretSource?, section: String, usesPrivateServer: Bool, _ config: EngineConfig,
                                   _ problems: inout [EngineConfigError]) -> (secret: Secret?, readable: Bool) {
        guard let source, !usesPrivateServer else { return (nil, true) }
        do {
            return (try source.read(), true)
        } catch {
            problems.append(config.problem(secretSetting(source, section: section), error.message, fix: error.fix))
            return (nil, false)
        }
    }

    /// `database.password_env` or `database.password_file` (or the same under `redis`).
    static func secretSetting(_ source: SecretSource, section: String) -> String {
        switch source {
        case .environment: "\(section).password_env"
        case .file: "\(section).password_file"
        }
    }
}

extension EngineConfig {
    /// A start-up problem of `setting`, pointing at where it is written, else at `near` (the
    /// setting it belongs with), else at the file.
    public func problem(_ setting: String, _ message: String, fix: String, near: String? = nil) -> EngineConfigError {
        EngineConfigError(file: path, mark: settingMarks[setting] ?? near.flatMap { settingMarks[$0] }, setting: setting,
                          message: message, fix: fix)
    }
}
