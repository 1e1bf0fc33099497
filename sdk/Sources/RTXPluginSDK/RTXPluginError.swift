import CRTXPluginABI

/// An error a plugin reports to the host: an `RTX_E_*` status and a message that says what was
/// wrong and with which value (`plugins.yaml:14: per_lot: 'abc' is not a decimal number ...`).
///
/// Throw it from any plugin method. It never crosses the C boundary: the SDK's trampolines
/// catch every Swift error, write its status and message into the caller's `rtx_error_t`
/// (at most 255 bytes, cut at a UTF-8 character boundary, NUL-terminated) and return the
/// status. Any other `Error` is reported as `RTX_E_INTERNAL` with its description.
///
/// Thread: any. A value type; `Sendable`.
public struct RTXPluginError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An `RTX_E_*` status, never `RTX_OK` (an error made with `RTX_OK` is stored as `RTX_E_INTERNAL`).
    public var status: Int32
    /// UTF-8 text for operators; the host sees at most its first 255 bytes.
    public var message: String

    public init(_ status: Int32, _ message: String) {
        self.status = status == RTX_OK ? RTX_E_INTERNAL : status
        self.message = message
    }

    public var description: String { "RTX status \(status): \(message)" }

    /// `RTX_E_INVALID_ARGUMENT`: an argument is malformed or out of range.
    public static func invalidArgument(_ message: String) -> RTXPluginError { .init(RTX_E_INVALID_ARGUMENT, message) }
    /// `RTX_E_UNSUPPORTED`: the call or a requested feature is not implemented.
    public static func unsupported(_ message: String) -> RTXPluginError { .init(RTX_E_UNSUPPORTED, message) }
    /// `RTX_E_STATE`: wrong lifecycle state (send before start, start twice).
    public static func state(_ message: String) -> RTXPluginError { .init(RTX_E_STATE, message) }
    /// `RTX_E_AGAIN`: a bounded queue is full; nothing was taken, try later.
    public static func again(_ message: String) -> RTXPluginError { .init(RTX_E_AGAIN, message) }
    /// `RTX_E_NOT_FOUND`: unknown symbol, order or id.
    public static func notFound(_ message: String) -> RTXPluginError { .init(RTX_E_NOT_FOUND, message) }
    /// `RTX_E_CONFIG` with a message of your own. Prefer `config(source:line:key:value:_:)` or
    /// `RTXConfig.error(line:key:value:_:)`, which name the manifest line.
    public static func config(_ message: String) -> RTXPluginError { .init(RTX_E_CONFIG, message) }
    /// `RTX_E_IO`: network or file failure.
    public static func io(_ message: String) -> RTXPluginError { .init(RTX_E_IO, message) }
    /// `RTX_E_REJECTED`: refused by business rules.
    public static func rejected(_ message: String) -> RTXPluginError { .init(RTX_E_REJECTED, message) }
    /// `RTX_E_LIMIT`: a documented size or rate limit was exceeded.
    public static func limit(_ message: String) -> RTXPluginError { .init(RTX_E_LIMIT, message) }
    /// `RTX_E_INTERNAL`: a bug or an invariant violation inside the plugin.
    public static func internalError(_ message: String) -> RTXPluginError { .init(RTX_E_INTERNAL, message) }

    /// `RTX_E_CONFIG` naming the manifest line: `"<source>:<line>: <key>: '<value>' <problem>"`.
    /// `line` is the manifest's 1-based line (`first_line + k`); the value is quoted, and cut to
    /// 80 bytes so the problem still fits in the host's 255.
    public static func config(source: String, line: UInt32, key: String, value: String, _ problem: String) -> RTXPluginError {
        .init(RTX_E_CONFIG, "\(source):\(line): \(key): '\(RTXCStrings.clipped(value, maxBytes: 80))' \(problem)")
    }

    /// Any thrown error as an `RTXPluginError`: itself, or `RTX_E_INTERNAL` with its description.
    static func from(_ error: any Error) -> RTXPluginError {
        if let error = error as? RTXPluginError {
            return error
        }
        return .internalError("unexpected Swift error: \(String(describing: error))")
    }

    /// Writes status and message into the caller's error buffer (NULL-safe) and returns the
    /// status. The message is cut to `RTX_ERROR_MESSAGE_CAPACITY - 1` bytes at a character
    /// boundary and NUL-terminated; the rest of the buffer is zeroed.
    @discardableResult
    func write(to error: UnsafeMutablePointer<rtx_error_t>?) -> Int32 {
        guard let error else {
            return status
        }
        error.pointee.code = status
        withUnsafeMutableBytes(of: &error.pointee.message) { buffer in
            RTXCStrings.copy(message, into: buffer)
        }
        return status
    }
}
