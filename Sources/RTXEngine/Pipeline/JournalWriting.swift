/// One sequenced input as the journal stores it: the encoded envelope (CommandCodec format)
/// and its metadata (the decision record of an order, as compact JSON; empty for others).
public struct JournaledInput: Sendable, Equatable {
    public var sequence: UInt64
    public var timeNs: Int64
    public var command: [UInt8]
    public var meta: [UInt8]
    public init(sequence: UInt64, timeNs: Int64, command: [UInt8], meta: [UInt8]) {
        self.sequence = sequence
        self.timeNs = timeNs
        self.command = command
        self.meta = meta
    }
}

/// Where the sequencer makes inputs durable. `append` returns only once the batch is
/// durable (synchronous commit) and is all or nothing. Thread: the sequencer's only.
public protocol JournalWriting: AnyObject {
    func append(_ batch: [JournaledInput]) throws
    /// The last durable sequence (after a failure: to learn whether an in-doubt batch committed).
    func durableSequence() throws -> UInt64
    /// Tries to get a working connection again; throws while it cannot.
    func reconnect() throws
}
