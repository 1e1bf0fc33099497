import RTXCore
import Synchronization

/// Feeds time into the sequencer: a time tick every `tickMs` (GTD expiry, A-Book time-outs,
/// sessions) and the daily rollover at `rolloverMinuteUTC` (minutes after midnight UTC).
/// A tick that finds the system lane full is skipped (the next one carries the time). A
/// rollover missed while the engine was down is not made up at start: the next one comes at
/// the next boundary (operations can journal one by hand).
///
/// Thread: `run` on its own thread.
final class TimeSource: @unchecked Sendable {
    private let queue: InputQueue
    private let tickMs: Int64
    private let rolloverMinuteUTC: Int64
    private let stopping = Atomic<Bool>(false)
    let ticks = Atomic<UInt64>(0)
    let rollovers = Atomic<UInt64>(0)

    init(queue: InputQueue, tickMs: Int64, rolloverMinuteUTC: Int64) {
        self.queue = queue
        self.tickMs = tickMs
        self.rolloverMinuteUTC = rolloverMinuteUTC
    }

    func stop() { stopping.store(true, ordering: .releasing) }

    /// The first rollover boundary strictly after `wallNs`.
    static func nextRollover(after wallNs: Int64, minuteUTC: Int64) -> Int64 {
        let day: Int64 = 86_400 * 1_000_000_000
        let offset = minuteUTC * 60 * 1_000_000_000
        let todays = (wallNs - offset).floorDivided(by: day) * day + offset
        return todays > wallNs ? todays : todays + day
    }

    func run() {
        var nextTick = EngineClock.monotonicNs() + tickMs * 1_000_000
        var nextRollover = Self.nextRollover(after: EngineClock.wallNs(), minuteUTC: rolloverMinuteUTC)
        while !stopping.load(ordering: .acquiring) {
            let now = EngineClock.monotonicNs()
            if now >= nextTick {
                if queue.putSystem(.system(.timeTick)) { ticks.add(1, ordering: .relaxed) }
                nextTick = max(nextTick + tickMs * 1_000_000, now)
            }
            let wall = EngineClock.wallNs()
            if wall >= nextRollover {
                // A rollover that finds the system lane full is tried again on the next pass
                // (a tick that finds it full is skipped: the next tick carries the time).
                if queue.putSystem(.system(.rollover)) {
                    rollovers.add(1, ordering: .relaxed)
                    nextRollover = Self.nextRollover(after: wall, minuteUTC: rolloverMinuteUTC)
                }
            }
            sleepMs(max(1, min(tickMs, (nextTick - EngineClock.monotonicNs()) / 1_000_000)))
        }
    }
}

extension Int64 {
    /// Division rounding toward minus infinity.
    func floorDivided(by d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
