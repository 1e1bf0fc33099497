/// One problem in a manifest: where it is, what is wrong, and what to write instead.
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The manifest's path as given.
    public var file: String
    /// Where the problem is; nil for problems of the file as a whole (unreadable, empty).
    public var mark: SourceMark?
    /// What is wrong, naming the key and the value.
    public var message: String
    /// What to write instead.
    public var fix: String?

    public init(file: String, mark: SourceMark?, message: String, fix: String? = nil) {
        self.file = file
        self.mark = mark
        self.message = message
        self.fix = fix
    }

    /// `file:line:column: error: message (fix: ...)`, the shape compilers use so editors can jump to it.
    public var description: String {
        let location = mark.map { "\(file):\($0.line):\($0.column)" } ?? file
        return "\(location): error: \(message)" + (fix.map { " (fix: \($0))" } ?? "")
    }
}

/// Every problem found in a manifest, in source order. Thrown when there is at least one.
public struct ManifestErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ManifestError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
