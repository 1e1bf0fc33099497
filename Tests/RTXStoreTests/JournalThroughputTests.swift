import Testing
@testable import RTXStore

extension DatabaseTests {
    /// Prints durable append rates (synchronous_commit = on, fsync = on) for batches of 1,
    /// 64 and 1,024 records of 64 command bytes and 16 meta bytes. It measures; it never
    /// fails on a slow machine.
    @Suite struct JournalThroughput {
        @Test func printsDurableRecordsPerSecond() throws {
            let store = try JournalStore(connection: SharedPostgres.freshDatabase())
            var next: UInt64 = 1
            var lines: [String] = []
            for (batchSize, batches) in [(1, 300), (64, 100), (1_024, 40)] {
                let prepared: [[JournalRecord]] = (0 ..< batches).map { _ in
                    defer { next += UInt64(batchSize) }
                    return (next ..< next + UInt64(batchSize)).map {
                        JournalRecord(sequence: $0, timeNs: Int64($0), format: 1,
                                      command: [UInt8](repeating: UInt8(truncatingIfNeeded: $0), count: 64),
                                      meta: [UInt8](repeating: 7, count: 16))
                    }
                }
                let start = MonotonicClock.nowMs()
                for batch in prepared { try store.append(batch) }
                let elapsedMs = max(1, MonotonicClock.nowMs() - start)
                let total = batchSize * batches
                let rate = Int64(total) * 1_000 / elapsedMs
                let perBatchUs = elapsedMs * 1_000 / Int64(batches)
                lines.append("journal append, batch \(batchSize): \(total) records in \(elapsedMs) ms = \(rate) records/s (\(perBatchUs) µs per batch)")
            }
            #expect(try store.lastSequence() == next - 1)
            for line in lines { print(line) }
        }
    }
}
