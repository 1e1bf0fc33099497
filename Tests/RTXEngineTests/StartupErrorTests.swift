import Foundation
import RTXStore
import Synchronization
import Testing

/// Issue 8: each bad configuration stops `rtx run` before it starts anything, with a message
/// naming the setting and the fix. Every test runs the real `rtx` binary on a configuration in
/// its own folder and checks the exit status, the setting, the fix, and that nothing was
/// started or changed (no process for the folder, the data folder absent or as it was).
/// Serialized: some tests run an engine with its private servers.
@Suite(.serialized) struct StartupErrorTests {
    // MARK: unknown names in bindings

    @Test func manifestBindingOfAnUndefinedSymbolOrGroupNamesTheManifestLine() throws {
        let attempt = try StartupAttempt("binding-symbol", plugins: """
            version: 1
            plugins:
              - id: feed
                kind: lp-adapter
                path: plugins/libfeed.so
              - id: book
                kind: routing-policy
                path: plugins/libbook.so
              - id: fees
                kind: fee-model
                path: plugins/libfees.so
            bindings:
              symbols:
                - symbol: XAUUSD
                  lps: [{lp: feed, priority: 1}]
              groups:
                - group: vip
                  routing: book
                  fee_model: fees
            """, dummyPlugins: ["libfeed.so", "libbook.so", "libfees.so"])
        defer { attempt.remove() }
        let run = try attempt.run()
        #expect(run.status == 2, "\(run.output)")
        run.expectLine(containing: ["plugins.yaml:14:7: error: bindings.symbols[0].symbol:", "binds symbol 'XAUUSD'",
                                    "does not define", "fix: define XAUUSD under `symbols:`"])
        run.expectLine(containing: ["plugins.yaml:17:7: error: bindings.groups[0].group:", "binds group 'vip'",
                                    "fix: define vip under `groups:`"])
        attempt.expectNothingStarted(run)
    }

    @Test func manifestBindingToAnUnknownRoutingPluginNamesTheManifestLine() throws {
        let attempt = try StartupAttempt("binding-routing", plugins: """
            version: 1
            plugins:
              - id: fees
                kind: fee-model
                path: plugins/libfees.so
            bindings:
              groups:
                - group: retail
                  routing: b-bok
                  fee_model: fees
            """, dummyPlugins: ["libfees.so"])
        defer { attempt.remove() }
        let run = try attempt.run()
        #expect(run.status == 2, "\(run.output)")
        run.expectLine(containing: ["plugins.yaml:9:16: error: routing 'b-bok' names no plugin in this manifest",
                                    "fix: no routing-policy plugin is listed under `plugins:`"])
        attempt.expectNothingStarted(run)
    }

    @Test func lpBindingOfAnUnknownSymbolOrLPNamesTheSetting() throws {
        let unknownSymbol = try StartupAttempt("lp-symbol", extra: """
            lp_bindings:
              - lp: feed
                symbols: {"EUR/USD": EURUSD, "XAU/USD": XAUUSD}
            """)
        defer { unknownSymbol.remove() }
        let first = try unknownSymbol.run()
        #expect(first.status == 2, "\(first.output)")
        first.expectLine(containing: ["rtx.yaml:", "error: lp_bindings[0].symbols: unknown symbol 'XAUUSD'",
                                      "fix: map the LP's 'XAU/USD' to a symbol defined under `symbols:` (EURUSD, GBPUSD)"])
        unknownSymbol.expectNothingStarted(first)

        let unknownLP = try StartupAttempt("lp-unknown", extra: """
            lp_bindings:
              - lp: fed
                symbols: {"EUR/USD": EURUSD}
            """)
        defer { unknownLP.remove() }
        let second = try unknownLP.run()
        #expect(second.status == 2, "\(second.output)")
        second.expectLine(containing: ["error: lp_bindings[0].lp: 'fed' names no plugin in", "fix: add the LP adapter to"])
        unknownLP.expectNothingStarted(second)
    }

    // MARK: ports in use

    @Test func pinnedPrivatePortsInUseStopStartUpBeforeAnyServerStarts() throws {
        let busyDatabase = try StartupListener()
        let busyRedis = try StartupListener()
        let both = try StartupAttempt("ports-busy", extra: """
            database:
              private_port: \(busyDatabase.port)
            redis:
              private_port: \(busyRedis.port)
            """, existingData: true)
        defer { both.remove() }
        let run = try both.run()
        #expect(run.status == 2, "\(run.output)")
        run.expectLine(containing: ["error: database.private_port: 127.0.0.1:\(busyDatabase.port) is in use (by another process)",
                                    "fix: choose a free port, or remove the setting (or write 0) to let rtx pick one"])
        run.expectLine(containing: ["error: redis.private_port: 127.0.0.1:\(busyRedis.port) is in use (by another process)"])
        both.expectNothingStarted(run)

        // Only Redis's port is taken: PostgreSQL (started first when all is well) is not started either.
        let redisOnly = try StartupAttempt("port-redis-busy", extra: """
            redis:
              private_port: \(busyRedis.port)
            """)
        defer { redisOnly.remove() }
        let second = try redisOnly.run()
        #expect(second.status == 2, "\(second.output)")
        second.expectLine(containing: ["rtx.yaml:", "error: redis.private_port: 127.0.0.1:\(busyRedis.port) is in use"])
        redisOnly.expectNothingStarted(second)
    }

    @Test func privatePortOutsideItsRangeOrSharedIsRefused() throws {
        let attempt = try StartupAttempt("port-range", extra: """
            database:
              private_port: 80
            redis:
              private_port: 70000
            """)
        defer { attempt.remove() }
        let run = try attempt.run()
        #expect(run.status == 2, "\(run.output)")
        run.expectLine(containing: ["error: database.private_port: port 80 is below 1024", "fix: choose a port from 1024 to 65535"])
        run.expectLine(containing: ["error: redis.private_port: port 70000 is above 65535", "fix: choose a port from 1024 to 65535"])
        attempt.expectNothingStarted(run)

        let shared = try StartupAttempt("port-shared", extra: """
            database:
              private_port: 41000
            redis:
              private_port: 41000
            """)
        defer { shared.remove() }
        let second = try shared.run()
        #expect(second.status == 2, "\(second.output)")
        second.expectLine(containing: ["error: redis.private_port: port 41000 is also database.private_port", "fix: give each server its own port"])
        shared.expectNothingStarted(second)

        let withURL = try StartupAttempt("port-with-url", extra: """
            database:
              url: postgresql://rtx@127.0.0.1:5432/rtx
              private_port: 41001
            """)
        defer { withURL.remove() }
        let third = try withURL.run()
        #expect(third.status == 2, "\(third.output)")
        third.expectLine(containing: ["error: database.private_port: private_port applies only to the private server"])
        withURL.expectNothingStarted(third)
    }

    @Test func pinnedPortsAreUsedAndACrashedEnginesServersAreReusedOnThem() throws {
        let engine = try EngineProcess(name: "ports-pinned", pluginsYAML: StartupAttempt.noPlugins, libraries: [],
                                       accounts: StartupAttempt.accounts, groups: StartupAttempt.groups)
        defer { engine.cleanUp() }
        let databasePort = try LoopbackTCP.freePort()
        var redisPort = try LoopbackTCP.freePort()
        while redisPort == databasePort { redisPort = try LoopbackTCP.freePort() }
        let config = try String(contentsOfFile: engine.folder + "/rtx.yaml", encoding: .utf8)
        try (config + "\ndatabase:\n  private_port: \(databasePort)\nredis:\n  private_port: \(redisPort)\n")
            .write(toFile: engine.folder + "/rtx.yaml", atomically: true, encoding: .utf8)
        try engine.start()
        #expect(!LoopbackTCP.isFree(databasePort) && !LoopbackTCP.isFree(redisPort))
        #expect(engine.log(tail: 200).contains("PostgreSQL   127.0.0.1:\(databasePort) (private"), "\(engine.log(tail: 40))")
        #expect(engine.log(tail: 200).contains("Redis        127.0.0.1:\(redisPort) (private"), "\(engine.log(tail: 40))")

        // A crash leaves both servers running on their pinned ports: the next start reuses them.
        engine.kill9()
        try engine.start()
        let log = engine.terminate()
        #expect(log.contains("PostgreSQL   127.0.0.1:\(databasePort) (private, reused"), "\(log)")
        #expect(log.contains("Redis        127.0.0.1:\(redisPort) (private, reused"), "\(log)")
        #expect(!log.contains("in use"), "\(log)")
    }

    // MARK: the control socket

    @Test func aSecondEngineOnTheSameControlSocketIsRefusedAndTheFirstKeepsRunning() throws {
        let first = try EngineProcess(name: "socket-live", pluginsYAML: StartupAttempt.noPlugins, libraries: [],
                                      accounts: StartupAttempt.accounts, groups: StartupAttempt.groups)
        defer { first.cleanUp() }
        try first.start()

        // The same configuration again (same data folder, same socket).
        let again = try StartupAttempt.run(config: first.folder + "/rtx.yaml", in: first.folder)
        #expect(again.status == 2, "\(again.output)")
        again.expectLine(containing: ["rtx.yaml:", "error: engine.control_socket: another engine is listening at \(first.socket) (pid ",
                                      "fix: stop it (Ctrl-C in its terminal, or kill -TERM ", "or set a different engine.control_socket"])
        // Its own data folder, the first engine's socket: nothing of the second is started.
        let other = try StartupAttempt("socket-live-other", socket: first.socket)
        defer { other.remove() }
        let second = try other.run()
        #expect(second.status == 2, "\(second.output)")
        second.expectLine(containing: ["error: engine.control_socket: another engine is listening at \(first.socket)"])
        other.expectNothingStarted(second)

        // The first engine and its private PostgreSQL still answer.
        let status = try first.request(["op": "status"])
        #expect(status["ok"] as? Bool == true, "\(status)")
        let log = first.terminate()
        #expect(log.contains("stopped at sequence"), "\(log)")
    }

    /// Two engines on one data folder would share a journal: the second is refused by the
    /// folder's lock even with its own control socket, and the first keeps running.
    @Test func aSecondEngineOnTheSameDataFolderIsRefusedEvenWithItsOwnSocket() throws {
        let first = try EngineProcess(name: "data-lock", pluginsYAML: StartupAttempt.noPlugins, libraries: [],
                                      accounts: StartupAttempt.accounts, groups: StartupAttempt.groups)
        defer { first.cleanUp() }
        try first.start()
        let text = try String(contentsOfFile: first.folder + "/rtx.yaml", encoding: .utf8)
            .replacingOccurrences(of: "control_socket: \(first.socket)", with: "control_socket: \(first.folder)/second.sock")
        try text.write(toFile: first.folder + "/second.yaml", atomically: true, encoding: .utf8)
        let second = try StartupAttempt.run(config: first.folder + "/second.yaml", in: first.folder)
        #expect(second.status == 2, "\(second.output)")
        second.expectLine(containing: ["error: engine.data: another engine (pid ", "uses \(first.folder)/data",
                                       "fix: stop it (Ctrl-C in its terminal, or kill -TERM ", "or give this engine its own engine.data"])
        #expect(!FileManager.default.fileExists(atPath: first.folder + "/second.sock"))
        #expect(try first.request(["op": "status"])["ok"] as? Bool == true)
        #expect(first.terminate().contains("stopped at sequence"))
    }

    @Test func aStaleControlSocketLeftByACrashIsReplacedSilently() throws {
        let engine = try EngineProcess(name: "socket-stale", pluginsYAML: StartupAttempt.noPlugins, libraries: [],
                                       accounts: StartupAttempt.accounts, groups: StartupAttempt.groups)
        defer { engine.cleanUp() }
        try StartupAttempt.leaveStaleSocket(at: engine.socket)
        var info = stat()
        #expect(lstat(engine.socket, &info) == 0 && (info.st_mode & S_IFMT) == S_IFSOCK)
        try engine.start()
        let log = engine.terminate()
        #expect(!log.contains("control_socket"), "\(log)")
        #expect(log.contains("stopped at sequence"), "\(log)")
    }

    @Test func aControlSocketPathHoldingAFileIsRefusedAndTheFileKept() throws {
        let attempt = try StartupAttempt("socket-file", existingData: true)
        defer { attempt.remove() }
        try "not a socket\n".write(toFile: attempt.socketPath, atomically: true, encoding: .utf8)
        let run = try attempt.run()
        #expect(run.status == 2, "\(run.output)")
        run.expectLine(containing: ["error: engine.control_socket: \(attempt.socketPath) exists and is a regular file, not a socket",
                                    "fix: set engine.control_socket to a new path"])
        #expect((try? String(contentsOfFile: attempt.socketPath, encoding: .utf8)) == "not a socket\n")
        attempt.expectNothingStarted(run)
    }

    // MARK: unreachable servers

    @Test func unreachableDatabaseURLNamesTheSettingTheAddressAndTheFix() throws {
        let attempt = try StartupAttempt("url-database", extra: """
            database:
              url: postgresql://rtx@127.0.0.1:1/rtx
              connect_timeout_ms: 2000
            """, existingData: true)
        defer { attempt.remove() }
        let run = try attempt.run()
        #expect(run.status == 2, "\(run.output)")
        run.expectLine(containing: ["rtx.yaml:", "error: database.url: cannot connect to PostgreSQL at 127.0.0.1:1:",
                                    "Connection refused", "fix: start PostgreSQL there, correct database.url, or write `url: \"\"`"])
        #expect(run.elapsedMs < 2_000 + 3_000, "took \(run.elapsedMs) ms")
        attempt.expectNothingStarted(run)
    }

    @Test func unreachableRedisURLNamesTheSettingTheAddressAndTheFix() throws {
        let attempt = try StartupAttempt("url-redis", extra: """
            redis:
              url: redis://127.0.0.1:1/0
            """)
        defer { attempt.remove() }
        let run = try attempt.run()
        #expect(run.status == 2, "\(run.output)")
        run.expectLine(containing: ["rtx.yaml:", "error: redis.url: cannot connect to Redis at 127.0.0.1:1: Connection refused",
                                    "fix: start Redis there, correct redis.url, or write `url: \"\"`"])
        attempt.expectNothingStarted(run)
    }

    /// hiredis 0.14 has no TLS: a rediss:// URL is refused before anything starts.
    @Test func aTLSRedisURLIsRefusedBeforeAnythingStarts() throws {
        let listener = try StartupListener()
        let attempt = try StartupAttempt("url-rediss", extra: """
            redis:
              url: rediss://127.0.0.1:\(listener.port)
            """)
        defer { attempt.remove() }
        let run = try attempt.run()
        #expect(run.status == 2, "\(run.output)")
        run.expectLine(containing: ["rtx.yaml:", "error: redis.url: rediss:// (TLS) is not supported", "fix: use a redis:// URL"])
        attempt.expectNothingStarted(run)
    }

    @Test func serversThatNeverAnswerFailWithinTheConnectTimeout() throws {
        let silent = try StartupListener()
        let attempt = try StartupAttempt("url-silent", extra: """
            database:
              url: postgresql://rtx@127.0.0.1:\(silent.port)/rtx
              connect_timeout_ms: 800
            redis:
              url: redis://127.0.0.1:\(silent.port)
              connect_timeout_ms: 600
            """)
        defer { attempt.remove() }
        let run = try attempt.run()
        #expect(run.status == 2, "\(run.output)")
        run.expectLine(containing: ["error: database.url: PostgreSQL at 127.0.0.1:\(silent.port) did not answer within 800 ms (database.connect_timeout_ms)",
                                    "raise database.connect_timeout_ms"])
        run.expectLine(containing: ["error: redis.url: 127.0.0.1:\(silent.port) accepted the connection but did not answer PING within 600 ms"])
        // Both waits together, plus the process's own start; libpq's default would be 10 s.
        #expect(run.elapsedMs >= 1_400 && run.elapsedMs < 1_400 + 3_000, "took \(run.elapsedMs) ms")
        attempt.expectNothingStarted(run)
    }

    @Test func configuredServersThatAnswerAreUsedAndAWrongPasswordIsNamed() throws {
        let serversFolder = try engineTestFolder("startup-ext-servers")
        defer { try? FileManager.default.removeItem(atPath: serversFolder) }
        let postgres = try PrivatePostgres.start(folder: serversFolder + "/postgres", log: StoreLog.silent)
        defer { try? postgres.stop() }
        let redis = try PrivateRedis.start(folder: serversFolder + "/redis", log: StoreLog.silent)
        defer { try? redis.stop() }
        let attempt = try StartupAttempt("url-answering", extra: """
            database:
              url: postgresql://rtx@127.0.0.1:\(postgres.port)/rtx
              password_env: RTX_STARTUP_TEST_DB
            redis:
              url: redis://127.0.0.1:\(redis.port)/0
            """)
        defer { attempt.remove() }

        let wrong = try attempt.run(environment: ["RTX_STARTUP_TEST_DB": "not-the-password-41"])
        #expect(wrong.status == 2, "\(wrong.output)")
        wrong.expectLine(containing: ["rtx.yaml:", "error: database.password_env: PostgreSQL at 127.0.0.1:\(postgres.port) refused the password from environment variable RTX_STARTUP_TEST_DB",
                                      "password authentication failed", "fix: put the right password in environment variable RTX_STARTUP_TEST_DB"])
        #expect(!wrong.output.contains("not-the-password-41"), "\(wrong.output)")
        attempt.expectNothingStarted(wrong)

        let right = try attempt.run(environment: ["RTX_STARTUP_TEST_DB": postgres.password], seconds: 2)
        #expect(right.status == 0, "\(right.output)")
        #expect(right.output.contains("RTX engine running"), "\(right.output)")
        #expect(!right.output.contains(postgres.password), "\(right.output)")
        #expect(!FileManager.default.fileExists(atPath: attempt.data + "/postgres") && !FileManager.default.fileExists(atPath: attempt.data + "/redis"),
                "a private server was made although URLs are configured")
    }

    // MARK: secrets

    @Test func missingSecretsNameTheSettingTheSourceAndTheFix() throws {
        let attempt = try StartupAttempt("secret-env", extra: """
            database:
              url: postgresql://rtx@127.0.0.1:1/rtx
              password_env: RTX_STARTUP_TEST_UNSET
            redis:
              url: redis://127.0.0.1:1
              password_file: secrets/redis-password
            """, existingData: true)
        defer { attempt.remove() }
        let run = try attempt.run()
        #expect(run.status == 2, "\(run.output)")
        run.expectLine(containing: ["rtx.yaml:", "error: database.password_env: environment variable RTX_STARTUP_TEST_UNSET is not set",
                                    "fix: export RTX_STARTUP_TEST_UNSET before starting rtx"])
        run.expectLine(containing: ["error: redis.password_file: cannot read password file \(attempt.folder)/secrets/redis-password: No such file or directory",
                                    "fix: create the file holding only the secret"])
        // A server whose secret is missing is not tried (that would only add a second error).
        #expect(!run.output.contains("cannot connect"), "\(run.output)")
        attempt.expectNothingStarted(run)

        let folderAsFile = try StartupAttempt("secret-folder", extra: """
            database:
              url: postgresql://rtx@127.0.0.1:1/rtx
              password_file: secrets
            """)
        defer { folderAsFile.remove() }
        try FileManager.default.createDirectory(atPath: folderAsFile.folder + "/secrets", withIntermediateDirectories: true)
        let second = try folderAsFile.run()
        #expect(second.status == 2, "\(second.output)")
        second.expectLine(containing: ["error: database.password_file: cannot read password file", "it is a folder, not a file"])
        folderAsFile.expectNothingStarted(second)
    }

    @Test func aSecretsValueNeverAppearsInTheOutput() throws {
        let secret = "Xk9-startup-SECRET-value-7Q"
        // A "Redis" that echoes the AUTH request it got back in its error reply.
        let echo = try StartupListener(reply: { request in "-WRONGPASS you sent " + request.replacingOccurrences(of: "\r\n", with: " ") + "\r\n" })
        let attempt = try StartupAttempt("secret-hidden", extra: """
            database:
              url: postgresql://rtx@127.0.0.1:1/rtx
              password_env: RTX_STARTUP_TEST_DB
            redis:
              url: redis://127.0.0.1:\(echo.port)
              password_file: redis-password
            """)
        defer { attempt.remove() }
        try (secret + "\n").write(toFile: attempt.folder + "/redis-password", atomically: true, encoding: .utf8)
        let run = try attempt.run(environment: ["RTX_STARTUP_TEST_DB": secret])
        #expect(run.status == 2, "\(run.output)")
        run.expectLine(containing: ["error: database.url: cannot connect to PostgreSQL at 127.0.0.1:1:"])
        run.expectLine(containing: ["error: redis.password_file: Redis at 127.0.0.1:\(echo.port) refused the password from password file",
                                    "<hidden>", "fix: put the right password in"])
        #expect(!run.output.contains(secret), "the secret leaked:\n\(run.output)")
        #expect(!run.output.contains("Xk9-startup"), "part of the secret leaked:\n\(run.output)")
        attempt.expectNothingStarted(run)
    }

    // MARK: malformed rtx.yaml

    @Test func malformedConfigurationPointsAtTheSpotWithTheSettingAndTheFix() throws {
        let syntax = try StartupAttempt("yaml-syntax", edit: { $0.replacingOccurrences(of: "  time_tick_ms: 50", with: "  time_tick_ms: [50") },
                                        existingData: true)
        defer { syntax.remove() }
        let first = try syntax.run()
        #expect(first.status == 2, "\(first.output)")
        first.expectLine(containing: ["rtx.yaml:", "error: YAML syntax error:", "fix: check indentation and quoting at this spot"])
        syntax.expectNothingStarted(first)

        let wrongType = try StartupAttempt("yaml-type", edit: { $0.replacingOccurrences(of: "  time_tick_ms: 50", with: "  time_tick_ms: fast") },
                                           existingData: true)
        defer { wrongType.remove() }
        let second = try wrongType.run()
        #expect(second.status == 2, "\(second.output)")
        second.expectLine(containing: ["rtx.yaml:6:17: error: engine.time_tick_ms: must be an integer from 1 to 60000 ms, not 'fast'",
                                       "fix: write `time_tick_ms: 1` without quotes"])
        wrongType.expectNothingStarted(second)

        let unknownKey = try StartupAttempt("yaml-key", edit: { $0.replacingOccurrences(of: "  time_tick_ms: 50", with: "  time_tic_ms: 50") },
                                            existingData: true)
        defer { unknownKey.remove() }
        let third = try unknownKey.run()
        #expect(third.status == 2, "\(third.output)")
        third.expectLine(containing: ["rtx.yaml:6:3: error: engine.time_tic_ms: unknown key 'time_tic_ms' in 'engine'", "did you mean 'time_tick_ms'",
                                      "fix: keys allowed here:"])
        unknownKey.expectNothingStarted(third)
    }
}

/// One `rtx run` attempt on a configuration in its own folder under /tmp/rtx-engine-tests:
/// `EngineProcess.config` (valid) plus `extra` sections, edited by `edit`, and `plugins`.
struct StartupAttempt {
    static let noPlugins = "version: 1\nplugins: []\n"
    static let groups = "  - name: retail"
    static let accounts = """
          - id: 1
            group: retail
            currency: USD
            leverage: 100
            deposit: "1000"
        """

    let folder: String
    var data: String { folder + "/data" }
    var socketPath: String { folder + "/rtx.sock" }
    /// The data folder's files before the attempt (nil: it did not exist).
    private(set) var dataBefore: [String: String]?

    /// `existingData`: the data folder exists with a file in it, which must stay as it is.
    init(_ name: String, extra: String = "", plugins: String = noPlugins, dummyPlugins: [String] = [], socket: String? = nil,
         edit: (String) -> String = { $0 }, existingData: Bool = false) throws {
        try BuiltProducts.require([])
        folder = try engineTestFolder("startup-" + name)
        let config = EngineProcess.config(data: folder + "/data", socket: socket ?? folder + "/rtx.sock", timeTickMs: 50,
                                          groups: Self.groups, accounts: Self.accounts)
        try edit(config + "\n" + extra + "\n").write(toFile: folder + "/rtx.yaml", atomically: true, encoding: .utf8)
        try plugins.write(toFile: folder + "/plugins.yaml", atomically: true, encoding: .utf8)
        if !dummyPlugins.isEmpty {
            try FileManager.default.createDirectory(atPath: folder + "/plugins", withIntermediateDirectories: true)
            for lib in dummyPlugins { _ = FileManager.default.createFile(atPath: folder + "/plugins/" + lib, contents: Data()) }
        }
        if existingData {
            try FileManager.default.createDirectory(atPath: data + "/kept", withIntermediateDirectories: true)
            try "journal the broker keeps\n".write(toFile: data + "/kept/notes.txt", atomically: true, encoding: .utf8)
        }
        dataBefore = Self.files(under: data)
    }

    func run(environment: [String: String] = [:], seconds: Int = 30) throws -> StartupRun {
        try Self.run(config: folder + "/rtx.yaml", in: folder, environment: environment, seconds: seconds)
    }

    /// `rtx run --config CONFIG --seconds 30` (so a start that wrongly goes on ends by itself),
    /// with no RTX_* variable of ours unless given.
    static func run(config: String, in folder: String, environment: [String: String] = [:], seconds: Int = 30) throws -> StartupRun {
        let outputFile = folder + "/attempt-\(UInt32.random(in: 0 ... .max)).log"
        _ = FileManager.default.createFile(atPath: outputFile, contents: nil)
        guard let sink = FileHandle(forWritingAtPath: outputFile) else { throw TestSetupError("cannot write \(outputFile)") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: BuiltProducts.rtx)
        p.arguments = ["run", "--config", config, "--seconds", String(seconds)]
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        p.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RTX_") }.merging(environment) { $1 }
        p.standardOutput = sink
        p.standardError = sink
        let started = Date()
        try p.run()
        let deadline = started.addingTimeInterval(60)
        while p.isRunning, Date() < deadline { usleep(20_000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        let elapsedMs = Int(Date().timeIntervalSince(started) * 1_000)
        try sink.close()
        let output = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
        unlink(outputFile)
        return StartupRun(status: p.terminationStatus, output: output, elapsedMs: elapsedMs)
    }

    /// (d): no process mentions the folder (a private PostgreSQL names its data folder on its
    /// command line), and the data folder is absent or exactly as it was (no server folder,
    /// socket or log made in it).
    func expectNothingStarted(_ run: StartupRun, sourceLocation: SourceLocation = #_sourceLocation) {
        let holders = Self.processes(mentioning: folder + "/")
        #expect(holders.isEmpty, "processes running for \(folder): \(holders)\n\(run.output)", sourceLocation: sourceLocation)
        #expect(Self.files(under: data) == dataBefore, "the data folder changed:\n\(run.output)", sourceLocation: sourceLocation)
        #expect(!run.output.contains("started PostgreSQL") && !run.output.contains("started Redis"), "\(run.output)",
                sourceLocation: sourceLocation)
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }

    /// Every file and folder under `root` with its size and modification time; nil when `root` is missing.
    static func files(under root: String) -> [String: String]? {
        var info = stat()
        guard stat(root, &info) == 0 else { return nil }
        var result: [String: String] = [:]
        let walker = FileManager.default.enumerator(atPath: root)
        while let name = walker?.nextObject() as? String {
            guard lstat(root + "/" + name, &info) == 0 else { continue }
            result[name] = "\(info.st_mode) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        }
        return result
    }

    /// Command lines of running processes that contain `text`.
    static func processes(mentioning text: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid -> String? in
            guard Int32(pid) != nil, pid != String(getpid()),
                  let bytes = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: bytes.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(text) ? "\(pid): \(line)" : nil
        }
    }

    /// A Unix socket file nobody listens on, as a crashed engine leaves it.
    static func leaveStaleSocket(at path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSetupError("socket(): \(errno)") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(fd, 1) == 0 else { throw TestSetupError("cannot make a socket at \(path): \(errno)") }
    }
}

/// What one attempt printed and how it ended.
struct StartupRun {
    var status: Int32
    var output: String
    var elapsedMs: Int

    /// Some line of the output contains every one of `parts`.
    func expectLine(containing parts: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let found = output.split(separator: "\n").contains { line in parts.allSatisfy { line.contains($0) } }
        #expect(found, "no line contains all of \(parts):\n\(output)", sourceLocation: sourceLocation)
    }
}

/// A TCP listener on 127.0.0.1 that holds a port: silent (accepts nothing, so a client's
/// connect completes in the kernel and then waits), or answering each connection's first
/// request with `reply`. Closed on deinit (by its thread, when it has one).
final class StartupListener: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private let stop = StartupListenerStop()
    private let answers: Bool

    init(reply: (@Sendable (String) -> String)? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listener = fd
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 16) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard fd >= 0, ok else { throw TestSetupError("cannot listen on 127.0.0.1: \(errno)") }
        port = UInt16(bigEndian: address.sin_port)
        answers = reply != nil
        guard let reply else { return }
        let stop = self.stop
        Thread.detachNewThread {
            defer { close(listener) }
            while !stop.requested.load(ordering: .acquiring) {
                var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                guard poll(&ready, 1, 100) > 0 else { continue }
                let client = accept(listener, nil, nil)
                guard client >= 0 else { continue }
                var buffer = [UInt8](repeating: 0, count: 4_096)
                let n = recv(client, &buffer, buffer.count, 0)
                let answer = Array(reply(String(decoding: buffer.prefix(max(0, n)), as: UTF8.self)).utf8)
                _ = answer.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(client)
            }
        }
    }

    deinit {
        if answers { stop.requested.store(true, ordering: .releasing) } else { close(fd) }
    }
}

/// Tells a `StartupListener`'s thread to close its socket and end.
final class StartupListenerStop: Sendable {
    let requested = Atomic<Bool>(false)
}
