/// What one LP's quotes came to, since the LP manager first knew the LP. Monotonic.
public struct LPCounters: Sendable, Equatable {
    /// Every quote of the LP the engine saw, refused at the ABI boundary or not.
    public private(set) var received: UInt64 = 0
    public private(set) var accepted: UInt64 = 0
    /// Refused quotes by reason, indexed like `QuoteRefusal.allCases`.
    private var refusedByReason = [UInt64](repeating: 0, count: QuoteRefusal.allCases.count)

    public init() {}

    public func refused(_ reason: QuoteRefusal) -> UInt64 { refusedByReason[Self.slot(reason)] }
    public var refusedTotal: UInt64 { refusedByReason.reduce(0, &+) }
    /// Every reason with its count, in `QuoteRefusal.allCases` order (zeros included).
    public var refusals: [(reason: QuoteRefusal, count: UInt64)] { QuoteRefusal.allCases.map { ($0, refused($0)) } }

    mutating func countAccepted() {
        received &+= 1
        accepted &+= 1
    }

    mutating func countRefused(_ reason: QuoteRefusal, _ n: UInt64 = 1) {
        received &+= n
        refusedByReason[Self.slot(reason)] &+= n
    }

    private static func slot(_ r: QuoteRefusal) -> Int { QuoteRefusal.allCases.firstIndex(of: r)! }

    public static func == (a: Self, b: Self) -> Bool {
        a.received == b.received && a.accepted == b.accepted && a.refusedByReason == b.refusedByReason
    }
}
