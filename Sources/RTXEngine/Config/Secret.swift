#if canImport(Glibc)
import Glibc
#endif

/// Where a password or other secret lives: an environment variable or a file. `rtx.yaml` names
/// the place, never the value; the value is read when it is needed and never printed.
public enum SecretSource: Sendable, Equatable, CustomStringConvertible {
    /// The environment variable of this name (`password_env`).
    case environment(name: String)
    /// The file at this path, resolved against the configuration's folder (`password_file`).
    /// It holds only the secret; one trailing line break is ignored.
    case file(path: String)

    /// Largest secret file read, bytes.
    public static let maxFileBytes = 64 * 1024

    public var description: String {
        switch self {
        case .environment(let name): "environment variable \(name)"
        case .file(let path): "password file \(path)"
        }
    }

    /// Reads the secret from the process environment or the file.
    public func read() throws(SecretError) -> Secret {
        try read(environment: { name in getenv(name).map { String(cString: $0) } })
    }

    /// Reads the secret, looking environment variables up with `environment` (tests pass their own).
    public func read(environment: (String) -> String?) throws(SecretError) -> Secret {
        switch self {
        case .environment(let name):
            guard let value = environment(name) else {
                throw SecretError(source: self, message: "environment variable \(name) is not set",
                                  fix: "export \(name) before starting rtx, or name a file with password_file")
            }
            guard !value.isEmpty else {
                throw SecretError(source: self, message: "environment variable \(name) is set but empty",
                                  fix: "give \(name) the password, or name a file with password_file")
            }
            return Secret(value: value, source: self)
        case .file(let path):
            let bytes: [UInt8]
            switch ConfigFile.readBytes(path: path, limitBytes: Self.maxFileBytes) {
            case .success(let b): bytes = b
            case .failure(let failure):
                throw SecretError(source: self, message: "cannot read password file \(path): \(ConfigFile.describe(failure))",
                                  fix: "create the file holding only the secret (chmod 600), or correct password_file")
            }
            var body = bytes[...]
            if body.last == UInt8(ascii: "\n") { body = body.dropLast() }
            if body.last == UInt8(ascii: "\r") { body = body.dropLast() }
            guard !body.isEmpty else {
                throw SecretError(source: self, message: "password file \(path) is empty",
                                  fix: "write the secret into the file (one line, nothing else)")
            }
            guard !body.contains(UInt8(ascii: "\n")), !body.contains(0) else {
                throw SecretError(source: self, message: "password file \(path) holds more than one line",
                                  fix: "keep only the secret in the file, on one line")
            }
            guard let text = String(validating: body, as: UTF8.self) else {
                throw SecretError(source: self, message: "password file \(path) is not UTF-8 text",
                                  fix: "write the secret as UTF-8 text")
            }
            return Secret(value: text, source: self)
        }
    }
}

/// A secret read from its source. Printing, interpolating, dumping or mirroring it shows only
/// where it came from; `reveal()` is the one way to the value (to hand it to libpq or Redis).
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String
    /// Where it was read from.
    public let source: SecretSource

    init(value: String, source: SecretSource) {
        self.value = value
        self.source = source
    }

    /// The secret itself. Do not log it, put it in an error, or keep it longer than the call that needs it.
    public func reveal() -> String { value }

    public var description: String { "<secret from \(source)>" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["source": source], displayStyle: .struct) }
}

/// A secret that could not be read: which source, why, and what to do. Never holds the value.
public struct SecretError: Error, Sendable, Equatable, CustomStringConvertible {
    public var source: SecretSource
    public var message: String
    public var fix: String
    public var description: String { "error: \(message) (fix: \(fix))" }
}
