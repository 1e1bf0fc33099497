import Foundation

/// The engine benchmark's sizes; each can be changed through the environment variable named
/// next to it (a positive whole number; anything else is refused with the variable's name).
struct EngineBenchSettings {
    /// Orders of the measured run (`RTX_BENCH_ORDERS`).
    var orders = 200_000
    /// Client threads (`RTX_BENCH_SUBMITTERS`).
    var submitters = 4
    /// Unanswered inputs each client thread may hold (`RTX_BENCH_IN_FLIGHT`).
    var inFlightPerSubmitter = 256
    /// Orders before the measured run, not measured (`RTX_BENCH_WARMUP_ORDERS`).
    var warmupOrders = 8_000
    /// Orders of the paced run, submitted at `pacedPerSecond` in total (`RTX_BENCH_PACED_ORDERS`).
    var pacedOrders = 100_000
    /// The paced run's rate, orders per second: the throughput target (`RTX_BENCH_PACED_RATE`).
    var pacedPerSecond = 20_000
    /// Orders of the closed-loop run: one client, one order in flight (`RTX_BENCH_CLOSED_LOOP_ORDERS`).
    var closedLoopOrders = 5_000
    /// Journaled inputs at least, before recovery is timed (`RTX_BENCH_RECOVERY_INPUTS`).
    var recoveryInputs = 1_000_000
    /// Netting accounts (`RTX_BENCH_ACCOUNTS`), at least `submitters`.
    var accounts = 1_000
    /// Symbols (`RTX_BENCH_SYMBOLS`).
    var symbols = 4
    /// Length of each one-row-commit baseline (`RTX_BENCH_BASELINE_MS`).
    var baselineMs: Int64 = 3_000

    static func fromEnvironment() throws -> EngineBenchSettings {
        var s = EngineBenchSettings()
        func read(_ name: String, _ value: inout Int) throws {
            guard let text = ProcessInfo.processInfo.environment[name] else { return }
            guard let n = Int(text.replacingOccurrences(of: "_", with: "")), n > 0 else {
                throw BenchError("\(name)=\(text) is not a positive whole number")
            }
            value = n
        }
        try read("RTX_BENCH_ORDERS", &s.orders)
        try read("RTX_BENCH_SUBMITTERS", &s.submitters)
        try read("RTX_BENCH_IN_FLIGHT", &s.inFlightPerSubmitter)
        try read("RTX_BENCH_WARMUP_ORDERS", &s.warmupOrders)
        try read("RTX_BENCH_PACED_ORDERS", &s.pacedOrders)
        try read("RTX_BENCH_PACED_RATE", &s.pacedPerSecond)
        try read("RTX_BENCH_CLOSED_LOOP_ORDERS", &s.closedLoopOrders)
        try read("RTX_BENCH_RECOVERY_INPUTS", &s.recoveryInputs)
        try read("RTX_BENCH_ACCOUNTS", &s.accounts)
        try read("RTX_BENCH_SYMBOLS", &s.symbols)
        var baseline = Int(s.baselineMs)
        try read("RTX_BENCH_BASELINE_MS", &baseline)
        s.baselineMs = Int64(baseline)
        guard s.accounts >= s.submitters else {
            throw BenchError("RTX_BENCH_ACCOUNTS (\(s.accounts)) must be at least RTX_BENCH_SUBMITTERS (\(s.submitters))")
        }
        return s
    }
}
