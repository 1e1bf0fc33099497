import Foundation
import RTXPluginHost

/// Paths of the repository, found from this file's location.
enum Repo {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0 ..< 3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let sdkInclude = root + "/sdk/include"
    static let examples = root + "/sdk/examples"
    static let fixtures = root + "/Tests/Fixtures/plugins"
}

struct CommandFailure: Error, CustomStringConvertible {
    var command: String
    var output: String
    var description: String { "\(command) failed:\n\(output)" }
}

/// Runs a program, returning its combined output; throws with the output when it fails.
@discardableResult
func run(_ executable: String, _ arguments: [String], allowFailure: Bool = false) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
    process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let output = String(decoding: data, as: UTF8.self)
    if process.terminationStatus != 0, !allowFailure {
        throw CommandFailure(command: ([executable] + arguments).joined(separator: " "), output: output)
    }
    return (process.terminationStatus, output)
}

/// A private folder for one test, under /tmp/rtx-tests-<uid> (created 0700; /tmp is a
/// root-owned sticky folder, which the load guard accepts as a parent). Removed on deinit.
final class Scratch: @unchecked Sendable {
    let path: String
    var stateDirectory: String { path + "/state" }

    init(_ name: String = #function) throws {
        let base = "/tmp/rtx-tests-\(geteuid())"
        mkdir(base, 0o700)
        chmod(base, 0o700)
        let safe = name.filter { $0.isLetter || $0.isNumber }
        path = "\(base)/\(safe)-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        chmod(path, 0o755)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Compiles C `sources` into `<scratch>/<name>` with the SDK's one-line recipe.
    @discardableResult
    func compile(_ sources: [String], to name: String, defines: [String] = [], compiler: String = "cc") throws -> String {
        let out = path + "/" + name
        try run(compiler, ["-std=c11", "-O1", "-shared", "-fPIC", "-fvisibility=hidden", "-I", Repo.sdkInclude]
            + defines.map { "-D" + $0 } + ["-o", out] + sources + ["-lpthread"])
        chmod(out, 0o755)
        return out
    }

    /// Builds an SDK example (sdk/examples/<name>.c) into lib<name>.so.
    @discardableResult
    func example(_ name: String) throws -> String {
        try compile([Repo.examples + "/\(name).c"], to: "lib\(name).so")
    }

    /// Builds a test fixture (Tests/Fixtures/plugins/<name>.c).
    @discardableResult
    func fixture(_ name: String, as output: String? = nil, defines: [String] = []) throws -> String {
        try compile([Repo.fixtures + "/\(name).c"], to: output ?? "lib\(name).so", defines: defines)
    }

    @discardableResult
    func write(_ text: String, to name: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        chmod(file, 0o644)
        return file
    }

    /// Writes and decodes a manifest.
    func manifest(_ text: String, name: String = "plugins.yaml") throws -> Manifest {
        let file = try write(text, to: name)
        return try ManifestDecoder.load(path: file)
    }

    func loader(logSink: any PluginLogSink = CollectingLogSink()) -> LibraryLoader {
        LibraryLoader(libraryGuard: LibraryGuard(cacheDirectory: PluginHost.cacheDirectory(stateDirectory: stateDirectory)),
                      logSink: logSink)
    }

    func host(_ manifest: Manifest, logSink: any PluginLogSink = CollectingLogSink()) -> PluginHost {
        mkdir(stateDirectory, 0o700)
        return PluginHost(manifest: manifest, stateDirectory: stateDirectory, logSink: logSink)
    }
}

/// Keeps every log record, for assertions. Thread-safe.
final class CollectingLogSink: PluginLogSink, @unchecked Sendable {
    private let lock = NSLock()
    private var records: [(String, PluginLogLevel, String)] = []
    func write(source: String, level: PluginLogLevel, message: String) {
        lock.lock()
        records.append((source, level, message))
        lock.unlock()
    }
    var messages: [String] {
        lock.lock()
        defer { lock.unlock() }
        return records.map { "[\($0.0)] \($0.1): \($0.2)" }
    }
}

/// Polls `condition` every 5 ms until it holds or `timeoutMs` passes; returns whether it held.
func eventually(timeoutMs: Int = 5_000, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
    while Date() < deadline {
        if condition() { return true }
        usleep(5_000)
    }
    return condition()
}
