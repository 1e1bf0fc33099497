import RTXEngine

/// The engine benchmark's figures and how they are printed (rates and latencies as Double
/// for printing only).
struct EngineBenchReport {
    var settings: EngineBenchSettings
    var inserts: CommitBaseline.Result
    var appends: CommitBaseline.Result
    var load: EngineOrdersBench.Phase
    var paced: EngineOrdersBench.Phase
    var closedLoop: EngineOrdersBench.Phase
    var fillInputsPerSecond: Double
    var finalSequence: UInt64
    var recovered: Recovery.Result
    var readOnlyNs: Int64
    var finalHash: String
    var recoveredHash: String

    func print() {
        let s = settings
        let target = EngineOrdersBench.targetOrdersPerSecond
        let rate = load.drive.ordersPerSecond
        let recoverySeconds = Double(recovered.elapsedNs) / 1e9
        let recoveryRate = Double(recovered.replayedInputs) / recoverySeconds
        func line(_ label: String, _ value: String) { Swift.print("  " + label.padding(48) + value) }
        func cpu(_ p: EngineOrdersBench.Phase) -> String {
            "CPU rtx-bench \(format(p.cores(p.benchCPUNs), decimals: 2)) + PostgreSQL \(format(p.cores(p.serverCPUNs), decimals: 2)) cores"
        }
        let answers = load.drive.failures == 0 ? "every answer .applied" : "\(load.drive.failures) answers FAILED"
        Swift.print("engine-orders: \(grouped(s.orders)) market orders through the engine (queue, sequencer, PostgreSQL journal with group commit, core thread), \(s.submitters) submitters x \(s.inFlightPerSubmitter) in flight, \(grouped(s.accounts)) netting accounts, \(s.symbols) symbols, no plugins (\(machineDescription()))")
        line("one-row commits, INSERT (synchronous_commit)", "\(grouped(Int(inserts.commitsPerSecond)))/s  (\(inserts.latencies.summary))")
        line("one-record journal appends", "\(grouped(Int(appends.commitsPerSecond)))/s  (\(appends.latencies.summary))")
        line("durable orders", "\(grouped(Int(rate)))/s  (target >= \(grouped(Int(target))): \(rate >= target ? "MET" : "MISSED"); \(grouped(load.drive.ordersFilled)) filled, \(answers))")
        line("journal batches", "\(grouped(Int(load.journalBatches))), mean \(format(load.meanBatch)) inputs per batch; \(format(rate / max(inserts.commitsPerSecond, 1))) x the one-row commit rate")
        line("command -> answer, engine", summary(load))
        line("", cpu(load))
        line("paced at \(grouped(s.pacedPerSecond))/s (\(grouped(s.pacedOrders)) orders)", "\(grouped(Int(paced.drive.ordersPerSecond))) orders/s, mean \(format(paced.meanBatch)) inputs per batch")
        line("  command -> answer, engine", summary(paced))
        line("", cpu(paced))
        line("closed loop (1 submitter, 1 in flight)", "\(grouped(Int(closedLoop.drive.ordersPerSecond))) orders/s, mean \(format(closedLoop.meanBatch)) inputs per batch")
        line("  command -> answer, engine", summary(closedLoop))
        line("  command -> answer, seen by the client", LatencyFigures(closedLoop.drive.observedNs).summary)
        line("journal fill (3 quotes per order)", fillInputsPerSecond > 0 ? "\(grouped(Int(fillInputsPerSecond))) inputs/s" : "none needed")
        line("recovery, no snapshot", "\(grouped(recovered.replayedInputs)) inputs in \(format(recoverySeconds, decimals: 2)) s = \(grouped(Int(recoveryRate))) inputs/s (1,000,000 inputs: \(format(1_000_000 / recoveryRate, decimals: 2)) s)")
        line("  of which reading the journal (measured alone)", "\(format(Double(readOnlyNs) / 1e9, decimals: 2)) s")
        line("state hash, engine at \(finalSequence)", finalHash)
        line("state hash, recovered", "\(recoveredHash) (\(recoveredHash == finalHash ? "equal" : "DIFFERENT"))")
    }

    private func summary(_ phase: EngineOrdersBench.Phase) -> String {
        LatencyFigures.summary(p50: phase.engineP50Ns, p99: phase.engineP99Ns, p999: phase.engineP999Ns)
    }
}

extension String {
    /// The string padded with spaces to `width` characters (unchanged when longer).
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}

/// 1234567 → "1,234,567".
func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}
