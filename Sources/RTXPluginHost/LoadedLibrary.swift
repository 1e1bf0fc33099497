import RTXDigest
import CRTXABI
#if canImport(Glibc)
import Glibc
#endif

/// A plugin library opened with `RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE`, its descriptor
/// checked and its `init` called. Never closed: code that carries a language runtime cannot
/// be unmapped safely, so a library stays mapped for the life of the process; replacing a
/// plugin means loading a new library from a new content-addressed path.
///
/// Thread: created and `factory(for:)` called on the control thread; the descriptor values
/// are immutable and may be read anywhere.
public final class LoadedLibrary: @unchecked Sendable {
    public let verified: VerifiedLibrary
    public let descriptor: PluginDescriptorInfo
    let rawDescriptor: UnsafePointer<rtx_plugin_descriptor_t>
    let getFactory: @convention(c) (UnsafePointer<CChar>?) -> UnsafeRawPointer?
    let deinitFunction: (@convention(c) () -> Void)?
    /// Library-scoped host services given to init; kept alive until deinit.
    let libraryHost: HostContext
    /// The dlopen handle (never closed).
    let handle: UnsafeMutableRawPointer

    /// Looks up a symbol in this library alone (diagnostics and tests; plugins are called
    /// only through their descriptor).
    func symbol(named name: String) -> UnsafeMutableRawPointer? { dlsym(handle, name) }

    init(handle: UnsafeMutableRawPointer, verified: VerifiedLibrary, descriptor: PluginDescriptorInfo, raw: UnsafePointer<rtx_plugin_descriptor_t>,
         getFactory: @escaping @convention(c) (UnsafePointer<CChar>?) -> UnsafeRawPointer?,
         deinitFunction: (@convention(c) () -> Void)?, libraryHost: HostContext) {
        self.handle = handle
        self.verified = verified
        self.descriptor = descriptor
        self.rawDescriptor = raw
        self.getFactory = getFactory
        self.deinitFunction = deinitFunction
        self.libraryHost = libraryHost
    }

    /// The library's factory for `kind`, checked for size and a create function.
    func factory(for kind: PluginKind, pluginID: String?) throws(PluginLoadError) -> UnsafeRawPointer {
        guard let factory = kind.factoryID.withCString({ getFactory($0) }) else {
            throw PluginLoadError(pluginID: pluginID, path: verified.realPath, field: "kind",
                                  message: "the library \(descriptor.pluginID) \(descriptor.pluginVersion) has no '\(kind.factoryID)' factory, so it is not a \(kind.rawValue)",
                                  fix: "set kind to what the library provides, or point path at a \(kind.rawValue) library")
        }
        let size = Int(factory.load(as: UInt32.self))
        // Every v1 factory is { struct_size, reserved0, create }.
        guard size >= HostABI.factorySize10,
              factory.load(fromByteOffset: 8, as: UnsafeRawPointer?.self) != nil else {
            throw PluginLoadError(pluginID: pluginID, path: verified.realPath, field: "kind",
                                  message: "the '\(kind.factoryID)' factory is malformed (struct_size \(size), or no create function)",
                                  fix: "rebuild the plugin against the SDK headers")
        }
        return factory
    }
}

/// Opens libraries after `LibraryGuard` has verified them, once per distinct content:
/// two manifest entries naming the same bytes share one library (and one `init`).
///
/// Thread: the control thread only.
public final class LibraryLoader: @unchecked Sendable {
    public let libraryGuard: LibraryGuard
    let logSink: any PluginLogSink
    private var bySHA256: [String: LoadedLibrary] = [:]

    public init(libraryGuard: LibraryGuard, logSink: any PluginLogSink) {
        self.libraryGuard = libraryGuard
        self.logSink = logSink
    }

    /// Every library loaded so far, in no particular order.
    public var libraries: [LoadedLibrary] { Array(bySHA256.values) }

    /// Verifies, opens and initializes the library at `path`, or returns the already loaded one.
    public func load(path: String, expectedSHA256: String?, pluginID: String?) throws(PluginLoadError) -> LoadedLibrary {
        try load(verified: try libraryGuard.verify(path: path, expectedSHA256: expectedSHA256, pluginID: pluginID), pluginID: pluginID)
    }

    /// Opens a library `libraryGuard` has just verified, or returns the one already open.
    public func load(verified: VerifiedLibrary, pluginID: String?) throws(PluginLoadError) -> LoadedLibrary {
        if let existing = bySHA256[verified.sha256] { return existing }
        let library = try open(verified, pluginID: pluginID)
        bySHA256[verified.sha256] = library
        return library
    }

    /// Calls every library's deinit (at shutdown, after every instance is destroyed). The
    /// libraries stay mapped.
    public func deinitializeAll() {
        for library in bySHA256.values.sorted(by: { $0.verified.sha256 < $1.verified.sha256 }) {
            library.deinitFunction?()
        }
        bySHA256.removeAll()
    }

    private func open(_ verified: VerifiedLibrary, pluginID: String?) throws(PluginLoadError) -> LoadedLibrary {
        func refuse(_ field: String, _ message: String, _ fix: String) -> PluginLoadError {
            PluginLoadError(pluginID: pluginID, path: verified.realPath, field: field, message: message, fix: fix)
        }
        _ = dlerror()
        guard let handle = dlopen(verified.cachePath, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw refuse("path", "cannot be loaded: \(reason)", "check that it is a shared library for this machine and that its dependencies are installed")
        }
        // The handle is deliberately never passed to dlclose.
        guard let entry = dlsym(handle, HostABI.entrySymbol) else {
            for major in [0, 2, 3, 4, 5, 6, 7, 8, 9] where dlsym(handle, "rtx_plugin_entry_v\(major)") != nil {
                throw refuse("abi_major", "exports rtx_plugin_entry_v\(major) (RTX ABI \(major).x); this host speaks RTX ABI \(HostABI.versionString) and majors must match",
                             "rebuild the plugin against the RTX ABI \(HostABI.major).x headers of this host's sdk/include")
            }
            throw refuse("path", "does not export \(HostABI.entrySymbol), so it is not an RTX plugin",
                         "define `RTX_EXPORT const rtx_plugin_descriptor_t *rtx_plugin_entry_v1(void)` (check with nm -D --defined-only)")
        }
        let entryFunction = unsafeBitCast(entry, to: (@convention(c) () -> UnsafePointer<rtx_plugin_descriptor_t>?).self)
        guard let raw = entryFunction() else {
            throw refuse("entry", "\(HostABI.entrySymbol)() returned NULL", "return a pointer to a static descriptor")
        }
        let declaredSize = Int(UnsafeRawPointer(raw).load(as: UInt32.self))
        let prefixMajor = UnsafeRawPointer(raw).load(fromByteOffset: 4, as: UInt32.self)
        let prefixMinor = UnsafeRawPointer(raw).load(fromByteOffset: 8, as: UInt32.self)
        if let refusal = HostABI.refusal(pluginMajor: prefixMajor, pluginMinor: prefixMinor) {
            throw refuse(prefixMajor != HostABI.major ? "abi_major" : "abi_minor", refusal.message, refusal.fix)
        }
        guard let (d, _) = readSizedStruct(UnsafeRawPointer(raw), as: rtx_plugin_descriptor_t.self,
                                           zero: rtx_plugin_descriptor_t(), minimumSize: HostABI.descriptorSize10) else {
            throw refuse("struct_size", "its descriptor declares \(declaredSize) bytes, less than the \(HostABI.descriptorSize10) of ABI 1.0",
                         "set struct_size = sizeof(rtx_plugin_descriptor_t) and rebuild")
        }
        func text(_ pointer: UnsafePointer<CChar>?, _ field: String, required: Bool) throws(PluginLoadError) -> String? {
            guard let read = readPluginCString(pointer) else {
                throw refuse(field, "descriptor field \(field) is longer than 256 bytes or not UTF-8", "shorten it")
            }
            if required, (read ?? "").isEmpty {
                throw refuse(field, "descriptor field \(field) is NULL or empty", "set \(field) in the descriptor")
            }
            return read
        }
        let fingerprint = try text(d.build_fingerprint, "build_fingerprint", required: true)!
        guard fingerprint == HostABI.buildFingerprint else {
            throw refuse("build_fingerprint", "was built with fingerprint '\(fingerprint)' but this host is '\(HostABI.buildFingerprint)'",
                         "rebuild the plugin on this platform with the host's sdk/include headers")
        }
        let info = PluginDescriptorInfo(
            abiMajor: d.abi_major, abiMinor: d.abi_minor, structSize: declaredSize, buildFingerprint: fingerprint,
            pluginID: try text(d.plugin_id, "plugin_id", required: true)!,
            pluginVersion: try text(d.plugin_version, "plugin_version", required: true)!,
            toolchain: try text(d.toolchain, "toolchain", required: true)!,
            description: try text(d.description, "description", required: false),
            license: try text(d.license, "license", required: false))
        if let refusal = SwiftToolchain.refusal(pluginToolchain: info.toolchain) {
            throw refuse("toolchain", refusal.message, refusal.fix)
        }
        guard let getFactory = d.get_factory else {
            throw refuse("get_factory", "the descriptor has no get_factory function", "set get_factory in the descriptor")
        }
        let host = HostContext(instanceID: pluginID ?? info.pluginID, scope: .library, logSink: logSink,
                               config: .empty, manifestPath: "")
        if let initFunction = d.`init` {
            var error = rtx_error_t()
            error.struct_size = UInt32(MemoryLayout<rtx_error_t>.size)
            let status = initFunction(host.table, &error)
            if status != RTX_OK {
                throw refuse("init", "init failed with status \(status): \(PluginErrorText.message(of: &error))",
                             "see the plugin's documentation and log for why it could not initialize")
            }
        }
        return LoadedLibrary(handle: handle, verified: verified, descriptor: info, raw: raw, getFactory: getFactory,
                             deinitFunction: d.deinit, libraryHost: host)
    }
}

/// Reads the message of an `rtx_error_t` a plugin filled, safely (bounded, UTF-8 repaired).
enum PluginErrorText {
    static func message(of error: inout rtx_error_t) -> String {
        withUnsafeBytes(of: &error.message) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let length = bytes.firstIndex(of: 0) ?? bytes.count
            let text = String(decoding: bytes[0 ..< length], as: UTF8.self)
            return text.isEmpty ? "(no message)" : text
        }
    }
}
