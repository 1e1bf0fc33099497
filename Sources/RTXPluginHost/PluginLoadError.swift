/// Why a plugin was refused: the plugin, the file, the manifest field at fault, and the fix.
public struct PluginLoadError: Error, Sendable, CustomStringConvertible {
    /// The manifest id of the plugin, when known.
    public var pluginID: String?
    /// The library file the refusal is about.
    public var path: String
    /// The manifest field (or ABI field) that is wrong: "path", "sha256", "kind", "abi_major", ...
    public var field: String
    public var message: String
    public var fix: String

    public init(pluginID: String?, path: String, field: String, message: String, fix: String) {
        self.pluginID = pluginID
        self.path = path
        self.field = field
        self.message = message
        self.fix = fix
    }

    public var description: String {
        let who = pluginID.map { "plugin '\($0)'" } ?? "plugin"
        return "\(who) (\(path)): refused [\(field)]: \(message) (fix: \(fix))"
    }
}
