import Foundation
import RTXEngine
import RTXPluginHost
import RTXStore
import Testing

/// The repository's build: the `rtx` binary and the plugins `make plugins` builds.
enum BuiltProducts {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
    static let rtx = root + "/.build/debug/rtx"
    static let plugins = root + "/.build/plugins"

    /// Fails the test with the fix when something is not built.
    static func require(_ libraries: [String]) throws {
        guard FileManager.default.isExecutableFile(atPath: rtx) else {
            throw TestSetupError("\(rtx) is not built: run `swift build --product rtx` (make test does)")
        }
        for lib in libraries where !FileManager.default.fileExists(atPath: plugins + "/" + lib) {
            throw TestSetupError("\(plugins)/\(lib) is not built: run `make plugins`")
        }
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A folder for one engine test, under /tmp/rtx-engine-tests (0755: the postgres user must
/// reach the private server's folder when we are root).
func engineTestFolder(_ name: String) throws -> String {
    let root = "/tmp/rtx-engine-tests"
    mkdir(root, 0o755)
    chmod(root, 0o755)
    let path = "\(root)/\(name)-\(getpid())-\(UInt32.random(in: 0 ... .max))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    chmod(path, 0o755)
    return path
}

/// `rtx run` as a child process on a private configuration in its own folder: rtx.yaml,
/// plugins.yaml and copies of the plugins it names. The private PostgreSQL outlives a
/// `kill -9` of the engine (as in production); `cleanUp` stops it.
final class EngineProcess: @unchecked Sendable {
    let folder: String
    var socket: String { folder + "/rtx.sock" }
    private var process: Process?
    private(set) var output = ""
    private var outputFile: String { folder + "/stdout.log" }

    init(name: String, pluginsYAML: String, libraries: [String], accounts: String, groups: String, timeTickMs: Int = 50,
         server: String = EngineProcess.freePortServer) throws {
        try BuiltProducts.require(libraries)
        folder = try engineTestFolder(name)
        let pluginFolder = folder + "/plugins"
        mkdir(pluginFolder, 0o755)
        chmod(pluginFolder, 0o755)
        for lib in libraries {
            try FileManager.default.copyItem(atPath: BuiltProducts.plugins + "/" + lib, toPath: pluginFolder + "/" + lib)
            chmod(pluginFolder + "/" + lib, 0o755)
        }
        try pluginsYAML.replacingOccurrences(of: "PLUGINS", with: pluginFolder).write(toFile: folder + "/plugins.yaml", atomically: true, encoding: .utf8)
        try Self.config(data: folder + "/data", socket: socket, timeTickMs: timeTickMs, groups: groups, accounts: accounts, server: server)
            .write(toFile: folder + "/rtx.yaml", atomically: true, encoding: .utf8)
    }

    /// The `server:` section tests use: a free port each (many engines run at once).
    static let freePortServer = "server:\n  listen: 127.0.0.1:0"

    static func config(data: String, socket: String, timeTickMs: Int, groups: String, accounts: String, server: String = freePortServer) -> String {
        """
        version: 1
        engine:
          data: \(data)
          plugins: plugins.yaml
          control_socket: \(socket)
          time_tick_ms: \(timeTickMs)
          rollover_utc: "21:00"
          snapshot_every_inputs: 2000
          queue_capacity: 4096
          journal_batch_max: 512
        symbols:
          - name: EURUSD
            digits: 5
            contract_size: "100000"
            volume_min: "0.01"
            volume_max: "100"
            volume_step: "0.01"
            margin_currency: EUR
            profit_currency: USD
            min_stop_distance_points: 10
            sessions: always
            max_quote_age_ms: 60000
          - name: GBPUSD
            digits: 5
            contract_size: "100000"
            volume_min: "0.01"
            volume_max: "100"
            volume_step: "0.01"
            margin_currency: GBP
            profit_currency: USD
            sessions: always
            max_quote_age_ms: 60000
        groups:
        \(groups)
        accounts:
        \(accounts)
        \(server)
        """
    }

    /// Compiles the test fixture `Tests/Fixtures/plugins/NAME.c` into this engine's plugin
    /// folder as `libNAME.so` (reference it as PLUGINS/libNAME.so).
    func addFixturePlugin(_ name: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let output = folder + "/plugins/lib\(name).so"
        p.arguments = ["cc", "-std=c11", "-shared", "-fPIC", "-fvisibility=hidden", "-I", BuiltProducts.root + "/sdk/include",
                       "-o", output, BuiltProducts.root + "/Tests/Fixtures/plugins/\(name).c"]
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestSetupError("cc failed for the fixture \(name)") }
        chmod(output, 0o755)
    }

    /// The URL of this engine's private PostgreSQL (started or reused).
    func privatePostgres() throws -> PrivatePostgres {
        try PrivatePostgres.start(folder: folder + "/data/postgres", log: { _ in })
    }

    /// Rewrites plugins.yaml atomically (the engine sees it on `reload` or by watching).
    func rewritePlugins(_ text: String) throws {
        try AtomicFile.write(text.replacingOccurrences(of: "PLUGINS", with: folder + "/plugins"), to: folder + "/plugins.yaml")
    }

    /// Starts `rtx run` and waits (up to 90 s) until its control socket answers.
    func start() throws {
        _ = FileManager.default.createFile(atPath: outputFile, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: BuiltProducts.rtx)
        p.arguments = ["run", "--config", folder + "/rtx.yaml"]
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        let sink = FileHandle(forWritingAtPath: outputFile)!
        sink.seekToEndOfFile()
        p.standardOutput = sink
        p.standardError = sink
        // Ready: the control socket answers and this run's banner is complete (the banner comes
        // after the HTTP API listens, which can be after the control socket answers).
        let bannersBefore = Self.banners(in: log(tail: .max))
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            if let status = try? request(["op": "status"]), status["ok"] as? Bool == true,
               Self.banners(in: log(tail: .max)) > bannersBefore { return }
            guard p.isRunning else { throw TestSetupError("rtx run exited with \(p.terminationStatus):\n\(log(tail: 40))") }
            usleep(200_000)
        }
        throw TestSetupError("rtx run did not answer on \(socket) and print its banner within 90 s:\n\(log(tail: 40))")
    }

    /// Starts the engine and returns a client of its HTTP API, at the port the banner names
    /// (`server.listen` with port 0 picks a free one). Cleans up and throws when there is none.
    func startWithAPI() throws -> HTTPTestClient {
        try start()
        // The banner is complete once `start` returns; the last run's line is the one.
        if let line = log(tail: .max).split(separator: "\n").last(where: { $0.contains("HTTP API     http://") }),
           let url = line.split(separator: " ").first(where: { $0.hasPrefix("http://") }),
           let port = UInt16(url.split(separator: ":").last ?? "") {
            return HTTPTestClient(port: port)
        }
        cleanUp()
        throw TestSetupError("no HTTP API line in the banner:\n\(log(tail: 40))")
    }

    /// How many complete start banners `text` holds (the banner's last line).
    static func banners(in text: String) -> Int { text.components(separatedBy: "Ctrl-C stops the engine").count - 1 }

    func log(tail lines: Int) -> String {
        let text = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    func request(_ json: [String: Any]) throws -> [String: Any] {
        try ControlClient(path: socket).request(json)
    }

    /// Runs the `rtx` CLI against this engine (`rtx ARGS --socket S --json`) and returns its JSON answer.
    func cli(_ arguments: [String]) throws -> [String: Any] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: BuiltProducts.rtx)
        p.arguments = arguments + ["--socket", socket, "--json"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard let answer = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TestSetupError("rtx \(arguments.joined(separator: " ")) printed no JSON (exit \(p.terminationStatus)):\n\(String(decoding: data, as: UTF8.self))")
        }
        return answer
    }

    /// Runs the CLI until `accept` says its answer is final.
    func cli(_ arguments: [String], until accept: ([String: Any]) -> Bool, timeoutSeconds: Double = 30) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var last: [String: Any] = [:]
        while Date() < deadline {
            last = try cli(arguments)
            if accept(last) { return last }
            usleep(100_000)
        }
        return last
    }

    /// Sends a request until `accept` says its answer is final (e.g. until quotes arrived).
    func request(_ json: [String: Any], until accept: ([String: Any]) -> Bool, timeoutSeconds: Double = 30) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var last: [String: Any] = [:]
        while Date() < deadline {
            last = try request(json)
            if accept(last) { return last }
            usleep(100_000)
        }
        return last
    }

    /// SIGKILL, as a crash: nothing is flushed or stopped.
    func kill9() {
        guard let p = process else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    /// SIGTERM and wait up to 60 s (then SIGKILL, and the output says so); returns the output of this run.
    @discardableResult
    func terminate() -> String {
        guard let p = process else { return "" }
        p.terminate()
        let deadline = Date().addingTimeInterval(60)
        while p.isRunning, Date() < deadline { usleep(50_000) }
        var note = ""
        if p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            note = "\n(test: rtx run did not stop within 60 s of SIGTERM; killed)"
        }
        p.waitUntilExit()
        process = nil
        return log(tail: 400) + note
    }

    /// `rtx replay` of the journal, offline (no plugin is loaded: the plugins are deleted first).
    func replay() throws -> (sequence: UInt64, hash: String) {
        try? FileManager.default.removeItem(atPath: folder + "/plugins")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: BuiltProducts.rtx)
        p.arguments = ["replay", "--config", folder + "/rtx.yaml"]
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard p.terminationStatus == 0,
              let seqLine = text.split(separator: "\n").first(where: { $0.hasPrefix("sequence ") }),
              let hashLine = text.split(separator: "\n").first(where: { $0.hasPrefix("state hash ") }),
              let sequence = UInt64(seqLine.dropFirst("sequence ".count)) else {
            throw TestSetupError("rtx replay failed (\(p.terminationStatus)):\n\(text)")
        }
        return (sequence, String(hashLine.dropFirst("state hash ".count)))
    }

    /// Stops the engine if running and the private servers, and removes the folder.
    func cleanUp() {
        if process != nil { terminate() }
        if let pg = try? PrivatePostgres.start(folder: folder + "/data/postgres", log: { _ in }) { try? pg.stop() }
        if let redis = try? PrivateRedis.start(folder: folder + "/data/redis", log: { _ in }) { try? redis.stop() }
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// The events of a command answer.
func events(_ answer: [String: Any]) -> [[String: Any]] { answer["events"] as? [[String: Any]] ?? [] }

func events(_ answer: [String: Any], type: String) -> [[String: Any]] { events(answer).filter { $0["type"] as? String == type } }

/// The "final stopped" line of `rtx run`: (sequence, hash).
func stoppedLine(_ output: String) -> (UInt64, String)? {
    guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("stopped at sequence ") }) else { return nil }
    let parts = line.split(separator: " ")
    guard parts.count >= 7, let seq = UInt64(parts[3]) else { return nil }
    return (seq, String(parts[6]))
}
