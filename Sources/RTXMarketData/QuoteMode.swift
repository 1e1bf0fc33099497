/// How a symbol's consolidated quote is made from the quotes of the LPs bound to it.
public enum QuoteMode: String, Sendable, Equatable, CaseIterable {
    /// Best bid and best ask across the fresh, connected LPs (each side from whichever LP has it).
    case aggregate
    /// One LP at a time: the highest-priority fresh, connected LP; the next one while it is
    /// stale or down; back to it once it has been fresh for `failbackAfterMs`.
    case failover
}
