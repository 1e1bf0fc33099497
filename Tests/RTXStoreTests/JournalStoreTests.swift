import Testing
@testable import RTXStore

extension DatabaseTests {
    @Suite struct Journal {
        @Test func appendsAndReadsBackExactly() throws {
            let store = try JournalStore(connection: SharedPostgres.freshDatabase())
            #expect(try store.lastSequence() == 0)
            #expect(try store.count() == 0)
            #expect(try store.read(after: 0, limit: 10).isEmpty)
            let all = records(1 ... 5) + [JournalRecord(sequence: 6, timeNs: -1, format: UInt16(Int16.max),
                                                        command: [UInt8](repeating: 0, count: 100_000), meta: [])]
                + records(7 ... 70)
            try store.append(Array(all[0 ..< 1]))
            try store.append(Array(all[1 ..< 6]))
            try store.append([])
            try store.append(Array(all[6...]))
            #expect(try store.lastSequence() == 70)
            #expect(try store.count() == 70)
            #expect(try store.read(after: 0, limit: 100) == all)
            #expect(try store.read(after: 5, limit: 2) == Array(all[5 ..< 7]))
            #expect(try store.read(after: 70, limit: 10).isEmpty)
        }

        @Test func appendCommitsSynchronouslyEvenOnASessionConfiguredOtherwise() throws {
            let db = try SharedPostgres.freshDatabase { $0.settings = [.init("synchronous_commit", "off")] }
            #expect(try db.execute("SHOW synchronous_commit").text(0, 0) == "off")
            let store = try JournalStore(connection: db)
            try store.append(records(1 ... 2))
            #expect(try db.execute("SHOW synchronous_commit").text(0, 0) == "on")
        }

        @Test func aBatchWithAGapOrADuplicateIsRefusedWhole() throws {
            let store = try JournalStore(connection: SharedPostgres.freshDatabase())
            try store.append(records(1 ... 3))
            var gap = records(4 ... 8)
            gap[2].sequence = 7
            let gapError = try #require(throws: JournalError.self) { try store.append(gap) }
            #expect(gapError.kind == .badInput)
            #expect(gapError.description == "append journal batch 4...8: record 2 (sequence 7): expected sequence 6 after 5, found 7 (a gap) (nothing of this batch was written)")
            var duplicate = records(4 ... 6)
            duplicate[2].sequence = 5
            let duplicateError = try #require(throws: JournalError.self) { try store.append(duplicate) }
            #expect(duplicateError.message.contains("duplicate"))

            // Not following the journal: refused by the database, naming where it ends.
            for batch in [records(5 ... 6), records(3 ... 4), records(1 ... 2)] {
                let error = try #require(throws: JournalError.self) { try store.append(batch) }
                #expect(error.kind == .sequenceMismatch)
                #expect(error.journalLastSequence == 3)
                #expect(error.message.contains("the journal ends at 3, so the next batch must start at 4"))
            }
            #expect(try store.lastSequence() == 3)
            #expect(try store.count() == 3)

            // The database enforces contiguity itself, even for a writer that skips our checks.
            for (seqs, state) in [([Int64(4), 4, 6], "23505"), ([4, 6, 7], "RX002"), ([4, 5, 5], "RX002")] {
                let error = try #require(throws: PostgresError.self) {
                    try store.connection.execute("SELECT rtx_journal_append($1, $2, $3, $4, $5)",
                                                 params: [.int64Array(seqs), .int64Array([1, 1, 1]), .int16Array([1, 1, 1]),
                                                          .bytesArray([[1], [2], [3]]), .bytesArray([[], [], []])])
                }
                #expect(error.sqlState == state)
            }
            #expect(try store.count() == 3)
            try store.append(records(4 ... 6))
            #expect(try store.read(after: 0, limit: 10) == records(1 ... 6))
        }

        @Test func badInputIsRefusedNamingTheRecordAndField() throws {
            let store = try JournalStore(connection: SharedPostgres.freshDatabase())
            func refusal(_ batch: [JournalRecord]) throws -> String {
                try #require(throws: JournalError.self) { try store.append(batch) }.message
            }
            #expect(try refusal([JournalRecord(sequence: 0, timeNs: 0, format: 1, command: [])]).contains("record 0 (sequence 0): sequence is outside"))
            #expect(try refusal([JournalRecord(sequence: UInt64(Int64.max) + 1, timeNs: 0, format: 1, command: [])]).contains("sequence is outside"))
            #expect(try refusal([JournalRecord(sequence: 1, timeNs: 0, format: 40_000, command: [])]).contains("format 40000 is larger than 32767"))
            #expect(try refusal([JournalRecord(sequence: 1, timeNs: 0, format: 1, command: [],
                                               meta: [UInt8](repeating: 1, count: JournalStore.maxMetaBytes + 1))]).contains("meta is 65537 bytes"))
            #expect(try refusal([JournalRecord(sequence: 1, timeNs: 0, format: 1,
                                               command: [UInt8](repeating: 1, count: JournalStore.maxCommandBytes + 1))]).contains("command is"))
            #expect(try refusal(records(1 ... UInt64(JournalStore.maxBatchRecords + 1), commandBytes: 0)).contains("more than the limit of 8192 per batch"))
            let readLimit = try #require(throws: JournalError.self) { try store.read(after: 0, limit: 0) }
            #expect(readLimit.message == "limit 0 is outside 1...10000")
            #expect(throws: JournalError.self) { try store.read(after: 0, limit: 10_001) }
            #expect(throws: JournalError.self) { try store.read(after: .max, limit: 1) }
            #expect(try store.count() == 0)
        }

        @Test func snapshotsKeepTheNewestThree() throws {
            let store = try JournalStore(connection: SharedPostgres.freshDatabase())
            #expect(try store.latestSnapshot() == nil)
            try store.append(records(1 ... 10))
            for sequence in [2, 4, 6, 8, 10] as [UInt64] {
                try store.saveSnapshot(sequence: sequence, hash: [UInt8](repeating: UInt8(sequence), count: 32), format: 3,
                                       bytes: (0 ..< 1_000).map { UInt8(truncatingIfNeeded: $0 * Int(sequence)) })
            }
            let latest = try #require(try store.latestSnapshot())
            #expect(latest.sequence == 10)
            #expect(latest.hash == [UInt8](repeating: 10, count: 32))
            #expect(latest.format == 3)
            #expect(latest.bytes == (0 ..< 1_000).map { UInt8(truncatingIfNeeded: $0 * 10) })
            let kept = try store.connection.execute("SELECT seq FROM rtx_snapshots ORDER BY seq")
            #expect((0 ..< kept.rowCount).map { try! kept.int64($0, 0) } == [6, 8, 10])
            #expect(JournalStore.snapshotsKept == 3)

            // The same snapshot again is fine; a different hash at the same sequence is not.
            try store.saveSnapshot(sequence: 10, hash: [UInt8](repeating: 10, count: 32), format: 3, bytes: [1])
            let conflict = try #require(throws: JournalError.self) {
                try store.saveSnapshot(sequence: 10, hash: [1, 2], format: 3, bytes: [1])
            }
            #expect(conflict.kind == .snapshotConflict && conflict.message.contains("0a0a0a"))
            let ahead = try #require(throws: JournalError.self) { try store.saveSnapshot(sequence: 11, hash: [1], format: 1, bytes: []) }
            #expect(ahead.message.contains("the journal ends at 10"))
            #expect(throws: JournalError.self) { try store.saveSnapshot(sequence: 5, hash: [], format: 1, bytes: []) }
            #expect(throws: JournalError.self) { try store.saveSnapshot(sequence: 5, hash: [1], format: 50_000, bytes: []) }
            #expect(throws: JournalError.self) { try store.saveSnapshot(sequence: 0, hash: [1], format: 1, bytes: []) }
            #expect(try store.latestSnapshot()?.bytes == (0 ..< 1_000).map { UInt8(truncatingIfNeeded: $0 * 10) })
        }
    }
}
