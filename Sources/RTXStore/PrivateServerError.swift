/// Why a private PostgreSQL or Redis server could not be started, reused or stopped:
/// what failed, the details, and the fix.
public struct PrivateServerError: Error, Sendable, CustomStringConvertible {
    /// The step: "initdb", "start PostgreSQL", "stop Redis", ...
    public var what: String
    public var message: String
    public var fix: String

    public init(_ what: String, _ message: String, fix: String) {
        self.what = what
        self.message = message
        self.fix = fix
    }

    public var description: String { "\(what): \(message) (fix: \(fix))" }
}
