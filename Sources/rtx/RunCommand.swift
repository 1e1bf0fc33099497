import ArgumentParser
import Foundation
import RTXCore
import RTXEngine
import RTXPluginHost
import RTXServer
import RTXStore
#if canImport(Glibc)
import Glibc
#endif

/// `rtx run`: the engine. Reads rtx.yaml and plugins.yaml, starts private PostgreSQL and
/// Redis when no URL is configured, recovers the book from the journal, loads the plugins,
/// and serves the control socket until Ctrl-C (or `--seconds`), then stops everything.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the engine (private PostgreSQL and Redis unless rtx.yaml names servers).")

    @Option(help: "The engine configuration.") var config = "rtx.yaml"
    @Option(help: "Stop after this many seconds (default: until Ctrl-C or SIGTERM).") var seconds: Int?

    func run() throws {
        EngineLog.bootstrap()
        let settings = try loadConfiguration()
        let checked = try checkBeforeStarting(settings.config)
        mkdir(settings.config.engine.dataDirectory, 0o700)
        let folderLock: DataFolderLock
        do { folderLock = try DataFolderLock.acquire(dataDirectory: settings.config.engine.dataDirectory) } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        defer { withExtendedLifetime(folderLock) {} }
        let servers = try PrivateServersHandle.start(settings.config, checked: checked)
        defer { servers.stop() }
        let quoteCache = try quoteCacheSettings(settings.config, url: servers.redisURL, password: checked.redisPassword)
        let engine: Engine
        let control: ControlServer
        do {
            (engine, control) = try startEngine(settings, databaseURL: servers.databaseURL, quoteCache: quoteCache)
        } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        let watcher = engine.host.map { host in
            ManifestWatcher(host: host) { [engine] trigger in engine.reloadPlugins(trigger: trigger) }
        }
        watcher?.start()
        signal(SIGINT) { _ in interruptRequested.store(true, ordering: .relaxed) }
        signal(SIGTERM) { _ in interruptRequested.store(true, ordering: .relaxed) }
        unblockStopSignals()
        Thread.detachNewThread { control.run() }
        let api: APIServer
        let apiAddress: String
        do {
            api = try APIServer.make(engine: engine, config: settings.config)
            apiAddress = try api.start()
        } catch {
            printError(apiStartProblem(error, config: settings.config))
            control.stop()
            watcher?.stop()
            engine.stop()
            throw ExitCode(2)
        }
        printWhereToLook(settings, engine: engine, control: control, servers: servers, api: api, apiAddress: apiAddress)
        let deadline = seconds.map { Date().addingTimeInterval(TimeInterval($0)) }
        while !interruptRequested.load(ordering: .relaxed), deadline.map({ Date() < $0 }) ?? true { usleep(100_000) }
        say("stopping: HTTP API, control socket, plugins, pipeline, servers")
        api.stop()
        control.stop()
        watcher?.stop()
        engine.stop()
        say("stopped at sequence \(engine.finalSequence)  state hash \(engine.finalStateHash)")
    }

    /// rtx.yaml and plugins.yaml, cross-checked; every problem printed with its fix. Creates nothing.
    private func loadConfiguration() throws -> (config: EngineConfig, manifest: Manifest) {
        let config: EngineConfig
        do { config = try EngineConfigDecoder.load(path: self.config) } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        let manifest: Manifest
        do { manifest = try ManifestDecoder.load(path: config.engine.pluginsManifestPath) } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        let problems = config.problems(with: manifest)
        guard problems.isEmpty else {
            printError(problems.map(\.description).joined(separator: "\n"))
            throw ExitCode(2)
        }
        return (config, manifest)
    }

    /// What must hold before anything is created or started (secrets, control socket, pinned
    /// ports, configured servers answering); every problem printed with its fix.
    private func checkBeforeStarting(_ config: EngineConfig) throws -> StartupCheck {
        do {
            let checked = try StartupCheck.run(config)
            for note in checked.notes { engineLog(note) }
            return checked
        } catch {
            printError("\(error)")
            printError("rtx run: nothing was started; correct the settings above and run it again")
            throw ExitCode(2)
        }
    }

    private func startEngine(_ settings: (config: EngineConfig, manifest: Manifest), databaseURL: String,
                             quoteCache: QuoteCacheSettings) throws -> (Engine, ControlServer) {
        let config = settings.config
        let journal = try PostgresJournal(url: databaseURL)
        let snapshots = try PostgresJournal(url: databaseURL)
        let host = PluginHost(manifest: settings.manifest, stateDirectory: config.engine.dataDirectory + "/plugins", logSink: SwiftLogPluginSink())
        mkdir(config.engine.dataDirectory + "/plugins", 0o700)
        try host.loadAll()
        var parameters = EngineParameters(config: config)
        parameters.quoteCache = quoteCache
        let engine = Engine(parameters: parameters, journal: journal, snapshots: snapshots, host: host, log: engineLog)
        let control = ControlServer(path: config.engine.controlSocketPath, engine: engine)
        try control.bind()
        do {
            try engine.start()
        } catch {
            control.stop()
            engine.stop()
            throw error
        }
        return (engine, control)
    }

    /// Why the HTTP API did not start, as a setting problem with its fix.
    private func apiStartProblem(_ error: Error, config: EngineConfig) -> String {
        guard let e = error as? APIServerStartError else { return "\(error)" }
        if e.inUse {
            return config.problem("server.listen", "\(e.listen) is in use by another process",
                                  fix: "stop that process, or choose another port in server.listen (0 picks a free one)").description
        }
        return config.problem("server.listen", "cannot listen on \(e.listen): \(e.underlying)",
                              fix: "use an address of this machine, e.g. 127.0.0.1:8080").description
    }

    /// The logins of the banner; the documented demo password is named when an account still has it.
    private func loginLine(_ api: APIServer) -> String {
        let logins = api.loginList
        guard !logins.isEmpty else { return "none (give accounts a login and password_hash or password_env in rtx.yaml)" }
        let demo = logins.filter { api.accountHasPassword(Self.demoPassword, account: $0.account) }
        let names = logins.map { "\($0.login) (\($0.account))" }.joined(separator: ", ")
        return demo.isEmpty ? names : names + "; password \"\(Self.demoPassword)\" for \(demo.map(\.login).joined(separator: ", ")) (the documented demo password: change it)"
    }

    /// The demo password the shipped rtx.yaml's hashes stand for (README, rtx.yaml).
    static let demoPassword = "rtx-demo"

    /// The Redis quote cache's settings: the private server's or `redis.url`'s address, the
    /// password read by the start-up check, `redis.connect_timeout_ms` and `quote_ttl_seconds`.
    /// A URL the client cannot use (`rediss://`: no TLS in hiredis 0.14) is refused here.
    private func quoteCacheSettings(_ config: EngineConfig, url: String, password: Secret?) throws -> QuoteCacheSettings {
        do {
            let redis = try RedisConfiguration(url: url, password: password?.reveal(), connectTimeoutMs: Int(config.redis.connectTimeoutMs))
            return QuoteCacheSettings(redis: redis, ttlSeconds: config.redis.quoteTTLSeconds)
        } catch {
            printError(config.problem("redis.url", error.message, fix: "write a redis:// URL, or `url: \"\"` for the private server").description)
            throw ExitCode(2)
        }
    }

    private func printWhereToLook(_ settings: (config: EngineConfig, manifest: Manifest), engine: Engine, control: ControlServer,
                                  servers: PrivateServersHandle, api: APIServer, apiAddress: String) {
        let config = settings.config
        let account = config.accounts.first.map { String($0.id) } ?? "ID"
        let symbol = config.symbols.first?.name ?? "EURUSD"
        let socketFlag = control.path == ".rtx/rtx.sock" ? "" : " --socket \(control.path)"
        say("""

        RTX engine running — \(engine.startReport)
          PostgreSQL   \(servers.databaseDescription)
          Redis        \(servers.redisDescription)
          control      \(control.path)
          plugins      \(config.engine.pluginsManifestPath) (edit it or send SIGHUP: changes apply live)
          accounts     \(config.accounts.map { "\($0.id) (\($0.group), \($0.currency))" }.joined(separator: ", "))
          HTTP API     http://\(apiAddress)  (GET /health, /ready, /metrics; /api/v1/...)
          trader page  http://\(apiAddress)/  (a browser page; log in with one of the logins below)
          logins       \(loginLine(api))

        In another terminal:
          .build/debug/rtx quotes \(symbol)\(socketFlag)
          .build/debug/rtx account \(account)\(socketFlag)
          .build/debug/rtx order market buy \(symbol) 0.10 --account \(account)\(socketFlag)
          .build/debug/rtx watch --account \(account)\(socketFlag)
          .build/debug/rtx status\(socketFlag)
        Ctrl-C stops the engine and its private servers.

        """)
    }
}

/// The engine's log lines: UTC time, then the message, on standard error.
@Sendable func engineLog(_ line: String) {
    EngineLog.bootstrap()
    EngineLog.info(line)
}

/// Writes a line to standard output at once (a pipe would otherwise hold it in a buffer).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// A parent may start us with signals blocked (a test runner's thread, some supervisors):
/// SIGINT, SIGTERM and SIGHUP must reach this process to stop or reload it.
func unblockStopSignals() {
    var set = sigset_t()
    sigemptyset(&set)
    for s in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, s) }
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
}
