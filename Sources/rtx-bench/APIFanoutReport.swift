/// The api-fanout benchmark's figures and how they are printed (rates as Double for printing only).
struct APIFanoutReport {
    var settings: APIFanoutBench.Settings
    var live: Int
    var connectNs: Int64
    var result: WebSocketFanoutClient.Result
    /// Consolidated quotes the engine published during the measured window (one client quote each: one group).
    var published: UInt64
    /// This process less the client's thread (engine, API server, plugins), and PostgreSQL, ns.
    var serverCPUNs: Int64
    var postgresCPUNs: Int64

    func print() {
        let s = settings
        let r = result
        func line(_ label: String, _ value: String) { Swift.print("  " + label.padding(44) + value) }
        func cores(_ ns: Int64) -> String { format(r.wallNs > 0 ? Double(ns) / Double(r.wallNs) : 0, decimals: 2) }
        let seconds = Double(r.wallNs) / 1e9
        let expected = Double(published) * Double(r.live)
        let figures = LatencyFigures(r.latenciesNs)
        let p99 = figures.percentileNs(99)
        Swift.print("api-fanout: \(grouped(s.clients)) WebSocket clients of /api/v1/stream on loopback (one epoll thread), each authenticated (logins demo1...demo\(s.accounts)) and subscribed to \(s.symbols) symbols; the synthetic LP quoting \(s.quotesPerSymbol)/s per symbol (\(s.quotesPerSymbol * s.symbols) quotes/s) into the engine in this process (PostgreSQL journal, read models \(s.readModels == 1 ? "on" : "off")); stream limits per address raised to \(grouped(APIBenchEngine.rateLimit))/s (\(machineDescription()))")
        line("clients subscribed", "\(grouped(live)) of \(grouped(s.clients)) in \(format(Double(connectNs) / 1e9, decimals: 2)) s; \(grouped(r.live)) still connected after \(format(seconds, decimals: 1)) s measured")
        line("quotes published by the engine", "\(grouped(Int(published))) = \(format(Double(published) / seconds)) /s")
        line("delivered quote messages", "\(grouped(Int(r.quotesPerSecond)))/s (\(grouped(r.quotes)) in all; \(expected > 0 ? format(100 * Double(r.quotes) / expected) : "-") % of published x connected clients; the rest conflated to the newest per symbol)")
        line("delivery latency (time_ns -> received)", "\(figures.summary), max \(figures.sortedNs.last.map { grouped(Int($0 / 1_000)) } ?? "-") µs")
        line("target p99 < 5 ms", (p99 ?? .max) < APIFanoutBench.targetP99Ns && r.live == s.clients ? "MET" : "MISSED\(r.live < s.clients ? " (clients were lost)" : "")")
        line("CPU (cores)", "engine + API \(cores(serverCPUNs)), PostgreSQL \(cores(postgresCPUNs)), WebSocket clients \(cores(r.clientCPUNs))")
        let slow = r.slowClosed
        line("clients closed as slow", "\(slow)")
        let others = r.closed.filter { !$0.key.hasPrefix("too slow") }
        if !others.isEmpty { line("connections lost otherwise", others.map { "\($0.value) x \($0.key)" }.joined(separator: "; ")) }
        if r.errorMessages > 0 { line("error messages from the server", "\(r.errorMessages); the first: \(r.firstError ?? "?")") }
        if r.unreadable > 0 || r.samplesDropped > 0 { line("quotes without a readable time_ns / latencies not kept", "\(r.unreadable) / \(r.samplesDropped)") }
        Swift.print("  (latency: from the quote's time_ns, the engine's wall clock when the LP pump publishes the client quote, after the LP manager; the LP's own emit → publish step, the pump's 1 ms poll at most, is not in it)")
    }
}
