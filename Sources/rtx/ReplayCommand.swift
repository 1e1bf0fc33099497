import ArgumentParser
import RTXCore
import RTXEngine
import RTXStore

/// `rtx replay`: rebuilds the book from the journal offline, loading no plugin, and prints
/// the state hash — to check that a journal replays to the hash the engine reported.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay the journal offline (no plugin loaded) and print the final state hash.")

    @Option(help: "The engine configuration (for the database).") var config = "rtx.yaml"
    @Option(help: "A PostgreSQL URL (default: rtx.yaml's, or its private server).") var database: String?
    @Flag(name: .customLong("from-snapshot"), help: "Start from the latest snapshot instead of the first input.") var fromSnapshot = false

    func run() throws {
        var privateServer: PrivatePostgres?
        defer { if privateServer?.reused == false { try? privateServer?.stop() } }
        let url: String
        if let database {
            url = database
        } else {
            let config: EngineConfig
            do { config = try EngineConfigDecoder.load(path: self.config) } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
            if config.database.usesPrivateServer {
                do {
                    privateServer = try PrivatePostgres.start(folder: config.engine.dataDirectory + "/postgres", log: { _ in })
                } catch {
                    printError("error: \(error)")
                    throw ExitCode(2)
                }
                url = privateServer!.url
            } else {
                url = config.database.url
            }
        }
        do {
            let journal = try PostgresJournal(url: url)
            let result = try Recovery.recover(from: journal, useSnapshot: fromSnapshot)
            print("replayed \(result.replayedInputs) inputs" + (result.snapshotSequence > 0 ? " after the snapshot at \(result.snapshotSequence)" : "")
                  + " in \(result.elapsedNs / 1_000_000) ms")
            print("sequence \(result.core.core.lastSequence)")
            print("state hash \(result.core.core.stateHash())")
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
    }
}
