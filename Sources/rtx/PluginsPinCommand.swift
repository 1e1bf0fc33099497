import ArgumentParser
import RTXEngine
import RTXPluginHost

/// `rtx plugins pin [FILE]`: writes each plugin's current sha256 into the manifest, so the
/// engine refuses any other build of it. The file is rewritten atomically (temporary file and
/// rename), so a running engine's watcher sees the old or the new manifest, never half of one.
struct PluginsPinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin",
        abstract: "Pin every plugin of a manifest to the sha256 of its current library file.")

    @Argument(help: "The manifest.")
    var manifest: String = "plugins.yaml"

    @Option(name: .customLong("state-dir"), help: "Folder for the engine's private state.")
    var stateDirectory: String = ".rtx"

    func run() throws {
        let parsed: Manifest
        let text: String
        do {
            parsed = try ManifestDecoder.load(path: manifest)
            text = try String(validatingUTF8Path: manifest)
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        try StateDirectory.ensure(stateDirectory)
        let libraryGuard = LibraryGuard(cacheDirectory: PluginHost.cacheDirectory(stateDirectory: stateDirectory))
        var digests: [String: String] = [:]
        var refused = 0
        for entry in parsed.plugins {
            do {
                // Pins only what the engine would accept (permissions checked, bytes hashed).
                digests[entry.id] = try libraryGuard.verify(path: entry.resolvedPath, expectedSHA256: nil, pluginID: entry.id).sha256
            } catch {
                printError(error.description)
                refused += 1
            }
        }
        let result = ManifestPinner.pin(text: text, manifest: parsed, digests: digests)
        for note in result.notes { print(note) }
        if result.text != text {
            do { try AtomicFile.write(result.text, to: manifest) } catch {
                printError("cannot write \(manifest): \(error)")
                throw ExitCode(1)
            }
            print("wrote \(manifest)")
        }
        if refused > 0 { throw ExitCode(1) }
    }
}

extension String {
    /// Reads a whole UTF-8 file (for the commands; the host reads through its own helpers).
    init(validatingUTF8Path path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ValidationError("cannot open \(path)") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes += chunk[0 ..< n]
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw ValidationError("\(path) is not UTF-8") }
        self = text
    }
}

#if canImport(Glibc)
import Glibc
#endif
