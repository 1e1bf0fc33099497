import CRTXHostSupport
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Epoch-based reclamation for objects readers use without locks (DESIGN §3: hot swap).
///
/// Each reader thread registers once and gets an `EpochReader`. A read section announces the
/// current global epoch in the reader's own cache line (one store), reads shared pointers,
/// and clears the announcement (one store). A writer publishes a replacement, advances the
/// epoch, and may free what it replaced once every reader is either outside a read section
/// or inside one that began at the new epoch or later: such a reader cannot hold the old
/// object. No reader ever waits, takes a lock or touches memory shared with other readers.
///
/// Ordering: the announcement must be visible before the reader loads a shared pointer.
/// Where Linux's membarrier(2) is available the reader's store is plain (with a compiler
/// fence) and the writer pays instead, with one membarrier per grace-period check (the
/// liburcu "memb" scheme); otherwise the reader's store is sequentially consistent.
///
/// Limits: at most `capacity` registered readers (beyond: `register` returns nil). Read
/// sections do not nest. Thread: `register`/`unregister` any thread; `advance` and
/// `isQuiescent` any thread (writers serialize among themselves).
public final class EpochDomain: @unchecked Sendable {
    public let capacity: Int
    /// True when readers use the light announcement (membarrier on the writer side).
    public let usesMembarrier: Bool
    /// Words between two readers' slots (128 bytes), so no two readers share a cache line.
    private static let slotStride = 16
    /// [0] is the global epoch; slot i lives at (i + 1) * slotStride.
    private let words: UnsafeMutablePointer<UInt64>
    private let registration = PThreadMutex<[Bool]>([])

    public init(capacity: Int = 256) {
        self.capacity = capacity
        let raw = UnsafeMutableRawPointer.allocate(byteCount: (capacity + 1) * Self.slotStride * 8, alignment: 128)
        words = raw.bindMemory(to: UInt64.self, capacity: (capacity + 1) * Self.slotStride)
        words.initialize(repeating: 0, count: (capacity + 1) * Self.slotStride)
        words[0] = 1
        usesMembarrier = rtx_hs_membarrier_register() == 0
        registration.withLock { $0 = [Bool](repeating: false, count: capacity) }
    }

    deinit { words.deallocate() }

    @inline(__always)
    fileprivate func slot(_ index: Int) -> UnsafeMutablePointer<UInt64> { words + (index + 1) * Self.slotStride }
    @inline(__always)
    fileprivate var globalEpoch: UnsafeMutablePointer<UInt64> { words }

    /// Registers a reader (one per thread that reads). Nil when `capacity` readers exist.
    public func register() -> EpochReader? {
        let index = registration.withLock { used -> Int? in
            guard let free = used.firstIndex(of: false) else { return nil }
            used[free] = true
            return free
        }
        guard let index else { return nil }
        rtx_hs_epoch_exit(slot(index))
        return EpochReader(domain: self, slot: slot(index), index: index, light: usesMembarrier)
    }

    fileprivate func release(_ index: Int) {
        rtx_hs_epoch_exit(slot(index))
        registration.withLock { $0[index] = false }
    }

    /// Starts a new epoch after a replacement was published; returns it. Objects replaced
    /// before this call may be freed once `isQuiescent(since:)` says so.
    public func advance() -> UInt64 { rtx_hs_epoch_advance(globalEpoch) }

    /// True when no reader can still hold an object replaced before `epoch` was started.
    public func isQuiescent(since epoch: UInt64) -> Bool {
        if usesMembarrier, rtx_hs_membarrier() != 0 {
            // membarrier failed at run time: treat every announcement as possibly stale.
            return false
        }
        let registered = registration.withLock { $0 }
        for index in 0 ..< capacity where registered[index] {
            let announced = rtx_hs_epoch_read(slot(index))
            if announced != 0, announced < epoch { return false }
        }
        return true
    }

    /// Waits (sleeping 50 µs at a time) until `isQuiescent(since:)` or `timeoutNs` passes.
    /// Returns whether the grace period ended.
    public func waitForQuiescence(since epoch: UInt64, timeoutNs: Int64) -> Bool {
        let deadline = HostClock.monotonicNanoseconds() + timeoutNs
        while !isQuiescent(since: epoch) {
            if HostClock.monotonicNanoseconds() >= deadline { return false }
            usleep(50)
        }
        return true
    }
}

/// One reader thread's handle on an `EpochDomain`. Use it from one thread at a time.
/// Lifetime: until `unregister()` (or deinit).
public final class EpochReader: @unchecked Sendable {
    private let domain: EpochDomain
    private let index: Int
    private let announcement: UnsafeMutablePointer<UInt64>
    private let global: UnsafeMutablePointer<UInt64>
    private let light: Bool
    private var registered = true

    fileprivate init(domain: EpochDomain, slot: UnsafeMutablePointer<UInt64>, index: Int, light: Bool) {
        self.domain = domain
        self.index = index
        announcement = slot
        global = domain.globalEpoch
        self.light = light
    }

    deinit { unregister() }

    /// Leaves the domain; the slot can be reused by another reader.
    public func unregister() {
        guard registered else { return }
        registered = false
        domain.release(index)
    }

    /// Runs `body` inside a read section: anything loaded from an `RCUCell` of this domain
    /// stays alive until `body` returns. Not reentrant.
    @inline(__always)
    public func read<R>(_ body: () throws -> R) rethrows -> R {
        if light {
            rtx_hs_epoch_enter_light(announcement, global)
        } else {
            rtx_hs_epoch_enter_fenced(announcement, global)
        }
        defer { rtx_hs_epoch_exit(announcement) }
        return try body()
    }
}

/// An atomically replaceable reference for lock-free readers. Readers load it inside an
/// `EpochReader.read` section; a writer `exchange`s it and frees the old value only after the
/// domain's grace period (see `Reclaimer`).
///
/// Thread: `load` from any reader; `exchange` from writers, serialized by the caller.
public final class RCUCell<Value: AnyObject>: @unchecked Sendable {
    private let pointer: Atomic<UnsafeMutableRawPointer>

    public init(_ initial: Value) {
        pointer = Atomic(Unmanaged.passRetained(initial).toOpaque())
    }

    deinit {
        Unmanaged<Value>.fromOpaque(pointer.load(ordering: .acquiring)).release()
    }

    /// The current value, unretained: valid only inside the read section it was loaded in.
    @inline(__always)
    public func load() -> Unmanaged<Value> {
        Unmanaged<Value>.fromOpaque(pointer.load(ordering: .acquiring))
    }

    /// Publishes `value` and returns the previous one (now owned by the caller, who must not
    /// let it die before the grace period that starts with the next `advance`).
    public func exchange(_ value: Value) -> Value {
        let old = pointer.exchange(Unmanaged.passRetained(value).toOpaque(), ordering: .sequentiallyConsistent)
        return Unmanaged<Value>.fromOpaque(old).takeRetainedValue()
    }
}
/// Runs deferred clean-ups (destroying replaced plugin instances) once no reader can still
/// use what they free. Thread: the control thread.
///
/// Limit: at most `capacity` pending clean-ups; beyond it `retire` first waits (up to
/// `overflowWaitNs`) for the oldest grace period so the list cannot grow without end; if a
/// reader is stuck inside a plugin call even then, the clean-up stays pending and is counted.
public final class Reclaimer: @unchecked Sendable {
    public let domain: EpochDomain
    public let capacity: Int
    public let overflowWaitNs: Int64
    private var pending: [(epoch: UInt64, action: () -> Void)] = []
    public private(set) var overflowWaits = 0

    public init(domain: EpochDomain, capacity: Int = 4096, overflowWaitNs: Int64 = 1_000_000_000) {
        self.domain = domain
        self.capacity = capacity
        self.overflowWaitNs = overflowWaitNs
    }

    public var pendingCount: Int { pending.count }

    /// Schedules `action` for after the grace period of a replacement just published.
    public func retire(_ action: @escaping () -> Void) {
        let epoch = domain.advance()
        pending.append((epoch, action))
        if pending.count > capacity {
            overflowWaits += 1
            _ = domain.waitForQuiescence(since: pending[0].epoch, timeoutNs: overflowWaitNs)
        }
        reclaim()
    }

    /// Runs every clean-up whose grace period has ended, oldest first. Returns how many ran.
    @discardableResult
    public func reclaim() -> Int {
        var ran = 0
        while let first = pending.first, domain.isQuiescent(since: first.epoch) {
            pending.removeFirst()
            first.action()
            ran += 1
        }
        return ran
    }

    /// Waits up to `timeoutNs` for every pending clean-up to run. Returns whether all ran.
    @discardableResult
    public func drain(timeoutNs: Int64) -> Bool {
        let deadline = HostClock.monotonicNanoseconds() + timeoutNs
        while !pending.isEmpty {
            reclaim()
            if pending.isEmpty { break }
            if HostClock.monotonicNanoseconds() >= deadline { return false }
            usleep(100)
        }
        return true
    }
}
