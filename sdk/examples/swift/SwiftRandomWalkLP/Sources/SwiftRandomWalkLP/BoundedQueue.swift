/// A first-in first-out ring of fixed capacity: `push` refuses (returns false) when full and
/// never grows, so its storage is allocated once, at init. Not thread-safe: keep it inside a
/// Mutex.
struct BoundedQueue<Element: Sendable>: Sendable {
    private var slots: [Element?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        slots = Array(repeating: nil, count: max(1, capacity))
    }

    var capacity: Int { slots.count }
    var isEmpty: Bool { count == 0 }
    var free: Int { slots.count - count }
    var first: Element? { count == 0 ? nil : slots[head] }

    /// Appends; false (and nothing stored) when full.
    mutating func push(_ element: Element) -> Bool {
        guard count < slots.count else {
            return false
        }
        slots[(head + count) % slots.count] = element
        count += 1
        return true
    }

    /// Removes and returns the oldest element.
    mutating func pop() -> Element? {
        guard count > 0 else {
            return nil
        }
        let element = slots[head]
        slots[head] = nil
        head = (head + 1) % slots.count
        count -= 1
        return element
    }

    mutating func removeAll() {
        while pop() != nil {}
    }
}
