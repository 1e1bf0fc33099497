import Foundation
@testable import RTXEngine
import Testing

/// `Reply.whenComplete` (the API's wait that holds no thread): the callback runs exactly once
/// with the outcome, whether it was set before, after, or while another thread completed the
/// reply; a second `complete` changes nothing. Runs under TSan and ASan too (make test-sanitizers).
@Suite struct ReplyCallbackTests {
    final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var calls: [Int: Int] = [:]
        var sequences: [Int: UInt64] = [:]
        func record(_ i: Int, _ outcome: Reply.Outcome) {
            lock.lock()
            calls[i, default: 0] += 1
            if case .applied(let s, _) = outcome { sequences[i] = s }
            lock.unlock()
        }
    }

    @Test func callbackRunsOnceWhicheverThreadComesFirst() throws {
        let count = 20_000
        let replies = (0 ..< count).map { _ in Reply() }
        let counter = Counter()
        let completer = Thread {
            for (i, r) in replies.enumerated() {
                r.complete(.applied(sequence: UInt64(i + 1), events: []))
                r.complete(.refused(.notRunning))   // ignored: the first outcome stands
            }
        }
        completer.start()
        for (i, r) in replies.enumerated() { r.whenComplete { counter.record(i, $0) } }
        // The completer may still be running: wait for every callback (bounded).
        let deadline = Date().addingTimeInterval(30)
        while counter.lock.withLock({ counter.calls.count }) < count, Date() < deadline { usleep(1_000) }
        counter.lock.lock()
        defer { counter.lock.unlock() }
        #expect(counter.calls.count == count)
        #expect(counter.calls.values.allSatisfy { $0 == 1 }, "a callback ran twice")
        #expect((0 ..< count).allSatisfy { counter.sequences[$0] == UInt64($0 + 1) }, "a callback saw another outcome than the first")
    }

    @Test func callbackSetAfterTheOutcomeRunsAtOnce() {
        let r = Reply()
        r.complete(.refused(.notRunning))
        let counter = Counter()
        r.whenComplete { counter.record(0, $0) }
        #expect(counter.calls[0] == 1 && counter.sequences[0] == nil, "the callback did not run at once")
        if case .refused(.notRunning) = r.wait(timeoutMs: 0) {} else { Issue.record("wait disagrees") }
    }
}
