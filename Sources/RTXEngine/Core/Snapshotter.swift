import RTXCore
import RTXDigest
import Synchronization

/// Where snapshots are kept. Thread: the snapshotter's only.
public protocol SnapshotSaving: AnyObject {
    func saveSnapshot(sequence: UInt64, hash: [UInt8], format: UInt16, bytes: [UInt8]) throws
}

/// Encodes and stores snapshots on its own thread, off the core thread's path: the core
/// thread hands over a copy-on-write copy of the core and goes on. At most one snapshot
/// waits; a newer one replaces it (the older would be obsolete). A failed save is logged
/// and counted; the journal still holds everything.
final class Snapshotter: @unchecked Sendable {
    private let store: SnapshotSaving
    private let log: @Sendable (String) -> Void
    private let pending = Monitor<(copy: CoreCopy?, closed: Bool)>((nil, false))
    let saved = Atomic<UInt64>(0)
    let failed = Atomic<UInt64>(0)
    let lastSavedSequence = Atomic<UInt64>(0)

    init(store: SnapshotSaving, log: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.log = log
    }

    func enqueue(_ copy: CoreCopy) {
        pending.withLock { $0.copy = copy }
        pending.broadcast()
    }

    func close() {
        pending.withLock { $0.closed = true }
        pending.broadcast()
    }

    func run() {
        while true {
            let next: CoreCopy?? = pending.withLock { s, waiter in
                while s.copy == nil && !s.closed { _ = waiter.wait(&s, untilMonotonicNs: EngineClock.monotonicNs() + 200_000_000) }
                if let c = s.copy { s.copy = nil; return .some(c) }
                return .some(nil)
            }
            guard case .some(let copy) = next, let copy else { return }
            let bytes = copy.core.snapshot()
            let hash = SHA256.digest(of: bytes)
            do {
                try store.saveSnapshot(sequence: copy.core.lastSequence, hash: hash, format: TradingCore.snapshotVersion, bytes: bytes)
                saved.add(1, ordering: .relaxed)
                lastSavedSequence.store(copy.core.lastSequence, ordering: .relaxed)
            } catch {
                failed.add(1, ordering: .relaxed)
                log("snapshot at sequence \(copy.core.lastSequence) not saved: \(error)")
            }
        }
    }
}
