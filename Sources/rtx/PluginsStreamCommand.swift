import ArgumentParser
import RTXEngine
import RTXPluginHost
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Set by SIGINT/SIGTERM; polled by the streaming loop.
let interruptRequested = Atomic<Bool>(false)

/// `rtx plugins stream [FILE]`: starts the manifest's LP adapters, subscribes the bound
/// symbols and prints the quotes, connection changes and counters to the console. Edits of
/// the manifest (or SIGHUP) are applied while it runs, and each reload is printed.
struct PluginsStreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Start the manifest's LP adapters and print their quotes until interrupted.")

    @Argument(help: "The manifest.")
    var manifest: String = "plugins.yaml"

    @Option(name: .customLong("state-dir"), help: "Folder for the engine's private state.")
    var stateDirectory: String = ".rtx"

    @Option(help: "Stop after this many seconds (0: run until Ctrl-C).")
    var seconds: Int = 0

    @Option(name: .customLong("print-every"), help: "Print one quote in N per symbol (1: all).")
    var printEvery: Int = 1

    func validate() throws {
        guard seconds >= 0 else { throw ValidationError("--seconds must be 0 or more") }
        guard printEvery >= 1 else { throw ValidationError("--print-every must be 1 or more") }
    }

    func run() throws {
        let parsed = try CommandSupport.loadManifest(manifest)
        try StateDirectory.ensure(stateDirectory)
        let host = PluginHost(manifest: parsed, stateDirectory: stateDirectory)
        do {
            try host.loadAll()
            try host.startAdapters()
        } catch {
            printError(error.description)
            host.shutdown()
            throw ExitCode(1)
        }
        signal(SIGINT) { _ in interruptRequested.store(true, ordering: .relaxed) }
        signal(SIGTERM) { _ in interruptRequested.store(true, ordering: .relaxed) }
        let watcher = ManifestWatcher(host: host)
        watcher.start()
        defer { watcher.stop() }
        var reportsShown = 0
        print("streaming from \(host.lpAdapters.map(\.instanceID).joined(separator: ", ")); edit \(manifest) or send SIGHUP to reload; Ctrl-C stops")
        let deadline = seconds > 0 ? HostClock.monotonicNanoseconds() + Int64(seconds) * 1_000_000_000 : Int64.max
        var seen: [UInt32: Int] = [:]
        while !interruptRequested.load(ordering: .relaxed), HostClock.monotonicNanoseconds() < deadline {
            let reports = watcher.reloadReports
            for report in reports.suffix(max(0, reports.count - reportsShown)) { print(report.description) }
            reportsShown = reports.count
            let symbols = host.symbols
            for adapter in host.lpAdapters {
                for event in adapter.takeConnectionEvents() {
                    print("\(adapter.instanceID)  connection \(event.state)\(event.reason.isEmpty ? "" : " (\(event.reason))")")
                }
                adapter.drainQuotes { q in
                    let count = seen[q.quote.symbol_id, default: 0]
                    seen[q.quote.symbol_id] = count + 1
                    guard count % printEvery == 0 else { return }
                    let symbol = symbols.name(of: q.quote.symbol_id) ?? "#\(q.quote.symbol_id)"
                    let bid = DecimalText.format(q.quote.bid_ticks, digits: Int(q.quote.price_digits))
                    let ask = DecimalText.format(q.quote.ask_ticks, digits: Int(q.quote.price_digits))
                    let size = DecimalText.formatTrimmed(q.quote.ask_volume, digits: 8)
                    print("\(adapter.instanceID)  \(symbol.padding(8))  bid \(bid)  ask \(ask)  size \(size) lots")
                }
            }
            usleep(50_000)
        }
        watcher.stop()
        for adapter in host.lpAdapters {
            let c = adapter.feedCounters
            print("\(adapter.instanceID)  quotes accepted \(c.quotesAccepted), refused \(c.quotesRefused), dropped (queue full) \(c.quotesDroppedFull)")
        }
        host.shutdown()
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
