/// What a library says it is (its descriptor, copied into Swift values).
public struct PluginDescriptorInfo: Sendable, Equatable {
    public var abiMajor: UInt32
    public var abiMinor: UInt32
    /// The descriptor's struct_size as the plugin declared it.
    public var structSize: Int
    public var buildFingerprint: String
    public var pluginID: String
    public var pluginVersion: String
    public var toolchain: String
    /// Since ABI 1.1; nil from older plugins or when not given.
    public var description: String?
    /// SPDX license id; since ABI 1.1.
    public var license: String?

    public var abiVersion: String { "\(abiMajor).\(abiMinor)" }
}
