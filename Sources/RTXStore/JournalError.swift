/// Why the journal refused a call. Database failures are `PostgresError` instead (look at
/// `isConnectionLost` for "retry after reconnect").
public struct JournalError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The caller's input is wrong (sizes, ranges, a batch not contiguous or with a
        /// duplicate sequence); the message names the record and the field.
        case badInput
        /// The batch does not start right after the journal's last sequence;
        /// `journalLastSequence` says where the journal ends.
        case sequenceMismatch
        /// A snapshot for this sequence exists with a different hash (replay is not
        /// deterministic, or the caller mixed journals).
        case snapshotConflict
    }

    public var kind: Kind
    /// What we were doing: "append journal batch 1201...1264".
    public var doing: String
    public var message: String
    /// For `.sequenceMismatch`: the journal's last sequence at the time of the refusal.
    public var journalLastSequence: UInt64?

    public init(_ kind: Kind, doing: String, message: String, journalLastSequence: UInt64? = nil) {
        self.kind = kind
        self.doing = doing
        self.message = message
        self.journalLastSequence = journalLastSequence
    }

    public var description: String { "\(doing): \(message)" }
}
