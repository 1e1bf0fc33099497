import RTXCore

/// Renders a command's outcome (sequence, the core's rejection if any, every event) as JSON
/// fields, for the control socket and the HTTP API alike. Prices at the symbol's digits, money
/// and volumes as decimal strings.
///
/// Thread: any (pure).
public enum OutcomeJSON {
    /// The core's reason when it refused the command or rejected the order it placed.
    public static func rejection(in events: [CoreEvent]) -> RejectReason? {
        var rejection: RejectReason?
        for e in events {
            if case .commandRejected(_, let r) = e { rejection = r }
            if case .order(let o) = e, o.state == .rejected, let r = o.reason { rejection = r }
        }
        return rejection
    }

    /// Writes `sequence`, `error` (when `rejection` is set) and `events` into the open object.
    /// `name`, when given, names each event's symbol; else `symbol` is its index.
    public static func write(sequence: UInt64, events: [CoreEvent], rejection: RejectReason?, into json: inout JSONText,
                             digits: (SymbolIndex) -> Int, name: ((SymbolIndex) -> String)? = nil) {
        json.field("sequence", sequence)
        if let rejection {
            json.beginObject("error")
            json.field("code", RejectReasonText.code(rejection))
            json.field("message", RejectReasonText.message(rejection))
            json.endObject()
        }
        json.beginArray("events")
        for e in events { EventJSON.write(e, into: &json, digits: digits, name: name) }
        json.endArray()
    }
}
