import Foundation
import Testing
@testable import RTXCore

@Suite struct SnapshotTests {
    /// A busy core: a generated sequence of 300 commands.
    static func busyHarness(seed: UInt64 = 42) -> CoreHarness {
        let h = CoreHarness()
        var g = CommandGenerator(seed: seed)
        g.setUp(h)
        for _ in 0 ..< 300 { h.apply(g.next(h), advanceMs: 50) }
        return h
    }

    @Test func restoreGivesTheSameBytesAndHash() throws {
        let h = Self.busyHarness()
        let bytes = h.core.snapshot()
        let restored = try TradingCore(snapshot: bytes)
        #expect(restored.snapshot() == bytes)
        #expect(restored.stateHash() == h.core.stateHash())
        #expect(restored.lastSequence == h.core.lastSequence)
        for id in [AccountID](arrayLiteral: 11, 12, 13, 14, 15) {
            #expect(restored.accountSummary(id) == h.core.accountSummary(id))
            #expect(restored.positions(of: id) == h.core.positions(of: id))
        }
    }

    @Test func commandLogRoundTrips() throws {
        let h = Self.busyHarness(seed: 7)
        let bytes = CommandCodec.encodeLog(h.log)
        #expect(try CommandCodec.decodeLog(bytes) == h.log)
    }

    @Test func malformedSnapshotsAndLogsAreRefusedNotTrapped() throws {
        let h = Self.busyHarness(seed: 3)
        let snapshot = h.core.snapshot()
        #expect(throws: DecodeError.self) { try TradingCore(snapshot: Array("nope".utf8)) }
        var wrongVersion = snapshot
        wrongVersion[4] = 9
        do { _ = try TradingCore(snapshot: wrongVersion); Issue.record("accepted") } catch {
            #expect(error.problem.contains("snapshot version 9; this build reads version \(TradingCore.snapshotVersion)"))
        }
        // Every truncation is refused with a position.
        for cut in stride(from: 0, to: snapshot.count - 1, by: max(1, snapshot.count / 200)) {
            #expect(throws: DecodeError.self) { try TradingCore(snapshot: Array(snapshot[0 ..< cut])) }
        }
        #expect(throws: DecodeError.self) { try TradingCore(snapshot: snapshot + [0]) }
        // Flipped bytes either decode to some state or are refused; they never trap.
        var rng = SplitMix64(state: 99)
        for _ in 0 ..< 300 {
            var corrupt = snapshot
            corrupt[6 + rng.below(corrupt.count - 6)] ^= UInt8(1 + rng.below(255))
            _ = try? TradingCore(snapshot: corrupt)
        }
        // A log cut mid-envelope is refused; cut between envelopes it is a shorter, valid log
        // (record framing and checksums are the journal's job).
        let log = CommandCodec.encodeLog(h.log)
        var refused = 0
        for cut in stride(from: 7, to: log.count - 1, by: max(1, log.count / 200)) {
            do {
                let prefix = try CommandCodec.decodeLog(Array(log[0 ..< cut]))
                let isPrefix = prefix.count < h.log.count && Array(h.log[0 ..< prefix.count]) == prefix
                #expect(isPrefix, "a truncated log decoded to something that is not a prefix (cut at \(cut))")
            } catch {
                refused += 1
            }
        }
        #expect(refused > 100)
        for _ in 0 ..< 300 {
            var corrupt = log
            corrupt[6 + rng.below(corrupt.count - 6)] ^= UInt8(1 + rng.below(255))
            _ = try? CommandCodec.decodeLog(corrupt)
        }
    }

    /// A separate process (the rtx command line) replays the same log, from empty and from a
    /// snapshot, and prints the same state hash.
    @Test func aSeparateProcessReplaysToTheSameHash() throws {
        let rtx = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/rtx").path
        guard FileManager.default.isExecutableFile(atPath: rtx) else {
            Issue.record("\(rtx) is missing: build it first (`swift build` or `make test`)")
            return
        }
        let h = Self.busyHarness(seed: 11)
        let folder = NSTemporaryDirectory() + "rtx-replay-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(CommandCodec.encodeLog(h.log)).write(to: URL(fileURLWithPath: folder + "/log"))
        // A snapshot from halfway.
        var half = TradingCore()
        for e in h.log[0 ..< h.log.count / 2] { half.apply(e) }
        try Data(half.snapshot()).write(to: URL(fileURLWithPath: folder + "/snapshot"))
        for extra in [[], ["--from-snapshot", folder + "/snapshot"]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: rtx)
            process.arguments = ["core", "replay", folder + "/log"] + extra
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(output.contains("state hash \(h.core.stateHash())"), "\(extra): \(output)")
        }
    }
}
