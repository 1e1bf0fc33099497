/// The api-orders benchmark's figures and how they are printed (rates as Double for printing only).
struct APIOrdersReport {
    var settings: APIOrdersBench.Settings
    var baseline: CommitBaseline.Result
    var paced: APIOrdersBench.Phase
    var closed: APIOrdersBench.Phase

    /// max(2 ms, the one-row commit's p99 + 1 ms), ns.
    var targetNs: Int64 { max(2_000_000, (baseline.latencies.percentileNs(99) ?? 0) + 1_000_000) }

    func print() {
        let s = settings
        func line(_ label: String, _ value: String) { Swift.print("  " + label.padding(44) + value) }
        func us(_ ns: Int64?) -> String { ns.map { grouped(Int(($0 + 500) / 1_000)) } ?? "-" }
        Swift.print("api-orders: POST /api/v1/orders (market, 0.01-0.05 lot) over \(s.connections) HTTP/1.1 keep-alive connections on loopback, one request in flight each; the engine in this process with its PostgreSQL journal (group commit, synchronous_commit on: every answer is durable), \(s.accounts) netting accounts (logins demo1...demo\(s.accounts)), \(APIOrdersBench.symbols.count) symbols quoted 10/s each by the synthetic LP, B-Book, read models \(s.readModels == 1 ? "on" : "off"); server rate limits raised to \(grouped(APIBenchEngine.rateLimit))/s per account and per address (\(machineDescription()))")
        line("disk: one-row commits (INSERT, fsync)", "\(grouped(Int(baseline.commitsPerSecond)))/s  (\(baseline.latencies.summary))")
        line("target at \(grouped(s.rate)) orders/s", "p99 < max(2 ms, commit p99 + 1 ms) = \(us(targetNs)) µs")
        phase("paced, open loop at \(grouped(s.rate))/s, \(s.seconds) s", paced, from: "due")
        let p99 = LatencyFigures(paced.client.latenciesNs).percentileNs(99)
        let met = paced.client.errors == 0 && paced.client.notSent == 0 && (p99 ?? .max) < targetNs
        line("  target", "\(met ? "MET" : "MISSED"): p99 \(us(p99)) µs against \(us(targetNs)) µs\(paced.client.errors + paced.client.notSent > 0 ? " (and orders failed)" : "")")
        phase("closed loop, \(s.connections) connections, \(s.closedSeconds) s", closed, from: "send")
        Swift.print("  (latencies: the client's from \"due\" (the order's scheduled time, open loop) or \"send\" to the complete response; the engine's from the command's submission to its answer, inside the server)")
    }

    private func phase(_ title: String, _ p: APIOrdersBench.Phase, from: String) {
        func line(_ label: String, _ value: String) { Swift.print("  " + label.padding(44) + value) }
        let c = p.client
        let statuses = c.statuses.sorted { $0.key < $1.key }.map { "\($0.value) x \($0.key)" }.joined(separator: ", ")
        line(title, "\(grouped(Int(c.okPerSecond))) filled orders/s; \(grouped(c.ok)) of \(grouped(c.requests)) filled, \(c.errors) errors, \(c.notSent) not sent (HTTP \(statuses.isEmpty ? "-" : statuses))")
        if let first = c.firstError { line("  first error", first) }
        let figures = LatencyFigures(c.latenciesNs)
        line("  \(from) -> answer, client", "\(figures.summary), max \(figures.sortedNs.last.map { grouped(Int($0 / 1_000)) } ?? "-") µs")
        line("  command -> answer, engine", LatencyFigures.summary(p50: p.engineP50Ns, p99: p.engineP99Ns, p999: p.engineP999Ns))
        line("  CPU (cores)", "engine + API \(p.cores(p.serverCPUNs)), PostgreSQL \(p.cores(p.postgresCPUNs)), load client \(p.cores(c.clientCPUNs))")
    }
}
