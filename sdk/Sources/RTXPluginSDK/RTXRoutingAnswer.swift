import CRTXPluginABI

/// A routing policy's answer (`rtx_routing_decision_t`). The SDK writes it into the host's
/// buffer: `preferredLP` cut to 63 bytes and `reason` to 159 (at a character boundary),
/// both NUL-terminated. A book other than A, B or C, or a hedge ratio above 1 000 000 ppm, is
/// refused before it reaches the host (`RTX_E_INTERNAL`: the group's fallback applies).
/// Thread: any (a value type, `Sendable`).
public struct RTXRoutingAnswer: Sendable, Equatable {
    public var book: RTXBook
    /// Share hedged at the LP, 0...1_000_000 ppm (`RTX_RATIO_SCALE` is 1.0): A is all, B none.
    public var hedgeRatioPPM: UInt32
    /// An LP adapter id, or "" for "any".
    public var preferredLP: String
    /// Why, for the decision record.
    public var reason: String

    public init(book: RTXBook, hedgeRatioPPM: UInt32, preferredLP: String = "", reason: String) {
        self.book = book
        self.hedgeRatioPPM = hedgeRatioPPM
        self.preferredLP = preferredLP
        self.reason = reason
    }

    /// A-Book: the whole order goes to an LP (hedge ratio 1 000 000 ppm).
    public static func aBook(preferredLP: String = "", reason: String) -> RTXRoutingAnswer {
        .init(book: .a, hedgeRatioPPM: UInt32(RTX_RATIO_SCALE), preferredLP: preferredLP, reason: reason)
    }

    /// B-Book: the broker takes the other side (hedge ratio 0, no LP).
    public static func bBook(reason: String) -> RTXRoutingAnswer {
        .init(book: .b, hedgeRatioPPM: 0, preferredLP: "", reason: reason)
    }

    /// C-Book: an internal fill plus a hedge of hedgeRatioPPM at the LP.
    public static func cBook(hedgeRatioPPM: UInt32, preferredLP: String = "", reason: String) -> RTXRoutingAnswer {
        .init(book: .c, hedgeRatioPPM: hedgeRatioPPM, preferredLP: preferredLP, reason: reason)
    }

    /// Validates and writes into the host's zero-filled decision buffer.
    func write(into decision: UnsafeMutablePointer<rtx_routing_decision_t>) throws(RTXPluginError) {
        guard book == .a || book == .b || book == .c else {
            throw .internalError("the policy answered book \(book.rawValue), not RTX_BOOK_A, B or C")
        }
        guard hedgeRatioPPM <= UInt32(RTX_RATIO_SCALE) else {
            throw .internalError("the policy answered a hedge ratio of \(hedgeRatioPPM) ppm, above \(RTX_RATIO_SCALE)")
        }
        decision.pointee.book = book.rawValue
        decision.pointee.hedge_ratio_ppm = hedgeRatioPPM
        withUnsafeMutableBytes(of: &decision.pointee.preferred_lp) { RTXCStrings.copy(preferredLP, into: $0) }
        withUnsafeMutableBytes(of: &decision.pointee.reason) { RTXCStrings.copy(reason, into: $0) }
    }
}
