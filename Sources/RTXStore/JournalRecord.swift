/// One journaled input to the core, as stored: the core's command bytes and the edge's
/// metadata bytes, opaque to the store.
public struct JournalRecord: Sendable, Equatable {
    /// Position in the journal: 1, 2, 3, ... with no gaps (at most `Int64.max`).
    public var sequence: UInt64
    /// When the sequencer took the input, in nanoseconds since the Unix epoch (wall clock, UTC).
    public var timeNs: Int64
    /// Version of the encoding of `command` (at most `Int16.max`: stored as `smallint`).
    public var format: UInt16
    /// The encoded command the core applies (at most `JournalStore.maxCommandBytes`).
    public var command: [UInt8]
    /// Edge metadata that is not input to the core: origin, request id, ... (at most
    /// `JournalStore.maxMetaBytes`).
    public var meta: [UInt8]

    public init(sequence: UInt64, timeNs: Int64, format: UInt16, command: [UInt8], meta: [UInt8] = []) {
        self.sequence = sequence
        self.timeNs = timeNs
        self.format = format
        self.command = command
        self.meta = meta
    }
}
