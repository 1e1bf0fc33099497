import Synchronization

/// A bounded, lock-free multi-producer single-consumer ring of plain values (Vyukov's
/// bounded queue). Producers (plugin threads) never block: `push` fails when the ring is
/// full and the caller decides what that means (a quote is dropped and counted; an
/// execution report is handed back to the plugin with RTX_E_AGAIN).
///
/// Thread: `push` from any number of threads concurrently; `pop` from one consumer thread
/// at a time. Capacity is a power of two, fixed at creation.
public final class BoundedMPSCRing<Element: BitwiseCopyable>: @unchecked Sendable {
    public let capacity: Int
    private let mask: Int
    private let sequences: UnsafeMutablePointer<Atomic<Int>>
    private let values: UnsafeMutablePointer<Element>
    private let enqueuePosition = Atomic<Int>(0)
    /// Owned by the single consumer.
    private var dequeuePosition = 0

    /// - Parameter capacity: rounded up to a power of two, at least 2.
    public init(capacity: Int) {
        var size = 2
        while size < capacity { size <<= 1 }
        self.capacity = size
        mask = size - 1
        sequences = .allocate(capacity: size)
        for i in 0 ..< size { (sequences + i).initialize(to: Atomic(i)) }
        values = .allocate(capacity: size)
    }

    deinit {
        (sequences).deinitialize(count: capacity)
        sequences.deallocate()
        values.deallocate()
    }

    /// Appends `element`; returns false (taking nothing) when the ring is full.
    @inline(__always)
    public func push(_ element: Element) -> Bool {
        var position = enqueuePosition.load(ordering: .relaxed)
        while true {
            let sequence = (sequences + (position & mask)).pointee.load(ordering: .acquiring)
            let difference = sequence &- position
            if difference == 0 {
                let (exchanged, current) = enqueuePosition.compareExchange(
                    expected: position, desired: position &+ 1, ordering: .relaxed)
                if exchanged { break }
                position = current
            } else if difference < 0 {
                return false
            } else {
                position = enqueuePosition.load(ordering: .relaxed)
            }
        }
        (values + (position & mask)).initialize(to: element)
        (sequences + (position & mask)).pointee.store(position &+ 1, ordering: .releasing)
        return true
    }

    /// Removes the oldest element, or returns nil when empty. One consumer at a time.
    @inline(__always)
    public func pop() -> Element? {
        let position = dequeuePosition
        let cell = position & mask
        let sequence = (sequences + cell).pointee.load(ordering: .acquiring)
        guard sequence == position &+ 1 else { return nil }
        let element = values[cell]
        (sequences + cell).pointee.store(position &+ mask &+ 1, ordering: .releasing)
        dequeuePosition = position &+ 1
        return element
    }

    /// Elements waiting, approximately (exact when producers are idle). Consumer thread.
    public var approximateCount: Int {
        max(0, enqueuePosition.load(ordering: .relaxed) &- dequeuePosition)
    }
}
