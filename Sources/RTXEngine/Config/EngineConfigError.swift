import RTXPluginHost

/// One problem in an engine configuration: where it is, which setting, what is wrong and what
/// to write instead. Never carries the value of a password or other secret.
public struct EngineConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration's path as given.
    public var file: String
    /// Where the problem is; nil for problems of the file as a whole (missing, unreadable, empty).
    public var mark: SourceMark?
    /// The setting's path, e.g. `symbols[2].volume_step`; nil for problems of the file as a whole.
    public var setting: String?
    /// What is wrong.
    public var message: String
    /// What to write instead.
    public var fix: String?

    public init(file: String, mark: SourceMark?, setting: String?, message: String, fix: String? = nil) {
        self.file = file
        self.mark = mark
        self.setting = setting
        self.message = message
        self.fix = fix
    }

    /// `file:line:column: error: setting: message (fix: ...)`, the shape compilers use so editors can jump to it.
    public var description: String {
        let location = mark.map { "\(file):\($0.line):\($0.column)" } ?? file
        let subject = setting.map { "\($0): " } ?? ""
        return "\(location): error: \(subject)\(message)" + (fix.map { " (fix: \($0))" } ?? "")
    }
}

/// Every problem found in an engine configuration, in source order. Thrown when there is at least one.
public struct EngineConfigErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [EngineConfigError]
    public init(errors: [EngineConfigError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
