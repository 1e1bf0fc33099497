import ArgumentParser
import RTXEngine
import RTXCore

/// `rtx core ...`: tools around the deterministic core.
struct CoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "core",
        abstract: "Tools for the deterministic trading core.",
        subcommands: [CoreReplayCommand.self])
}

/// `rtx core replay LOG`: applies a binary command log to an empty core and prints the state
/// hash, so a replay can be checked in a separate process (or on another machine).
struct CoreReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a binary command log into an empty core and print the state hash.")

    @Argument(help: "A command log written by RTXCore's CommandCodec.encodeLog.")
    var log: String

    @Option(name: .customLong("from-snapshot"), help: "Start from this snapshot and apply only the log's commands after its sequence.")
    var snapshot: String?

    func run() throws {
        let bytes = try readFile(log)
        let envelopes: [Envelope]
        do {
            envelopes = try CommandCodec.decodeLog(bytes)
        } catch {
            printError("\(log): \(error)")
            throw ExitCode(2)
        }
        var core: TradingCore
        if let snapshot {
            do {
                core = try TradingCore(snapshot: try readFile(snapshot))
            } catch {
                printError("\(snapshot): \(error)")
                throw ExitCode(2)
            }
        } else {
            core = TradingCore()
        }
        var applied = 0
        for e in envelopes where e.sequence > core.lastSequence {
            core.apply(e)
            applied += 1
        }
        print("applied \(applied) of \(envelopes.count) commands; last sequence \(core.lastSequence)")
        print("state hash \(core.stateHash())")
    }

    private func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            printError("cannot open \(path): \(String(cString: strerror(errno)))")
            throw ExitCode(2)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { printError("cannot read \(path)"); throw ExitCode(2) }
            if n == 0 { return bytes }
            bytes += chunk[0 ..< n]
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
