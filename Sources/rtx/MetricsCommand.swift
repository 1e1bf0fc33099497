import ArgumentParser
import Foundation
import RTXEngine

/// `rtx metrics`: the running engine's metrics in the Prometheus text format, printed or
/// written atomically to a file (for a node exporter's textfile collector, until the HTTP
/// endpoint exists).
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "The running engine's metrics (Prometheus text format): latencies, queue depths, LP states, plugin calls and faults.")
    @Option(help: "Write them to this file (atomically) instead of printing them.") var output: String?
    @OptionGroup var socket: SocketOption

    func run() throws {
        guard let output else {
            try sendControl(["op": "metrics"], socket) { $0["text"] as? String ?? "" }
            return
        }
        let answer: [String: Any]
        do { answer = try ControlClient(path: socket.path).request(["op": "metrics"]) } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        guard answer["ok"] as? Bool == true, let text = answer["text"] as? String else {
            printError("refused: \(answer)")
            throw ExitCode(1)
        }
        let temporary = output + ".tmp-\(getpid())"
        guard (try? text.write(toFile: temporary, atomically: false, encoding: .utf8)) != nil, rename(temporary, output) == 0 else {
            unlink(temporary)
            printError("error: cannot write \(output): \(String(cString: strerror(errno)))")
            throw ExitCode(1)
        }
        if socket.json {
            print("{\"ok\":true,\"written\":\"\(output)\"}")
        } else {
            print("metrics written to \(output) (\(text.split(separator: "\n").count) lines)")
        }
    }
}
