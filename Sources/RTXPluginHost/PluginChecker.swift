/// What `rtx plugins check` found for one manifest entry.
public struct PluginCheckReport: Sendable {
    public var entry: PluginEntry
    public var verified: VerifiedLibrary?
    public var descriptor: PluginDescriptorInfo?
    /// nil when the plugin would load; otherwise why not.
    public var refusal: String?
    public var wouldLoad: Bool { refusal == nil }
}

/// Loads every plugin of a manifest as the engine would (checks, private copy, dlopen, ABI,
/// factory, create with its config) and destroys each instance again, without starting
/// anything. Thread: control thread.
public enum PluginChecker {
    public static func check(manifest: Manifest, stateDirectory: String,
                             logSink: any PluginLogSink = StandardErrorLogSink()) -> [PluginCheckReport] {
        let host = PluginHost(manifest: manifest, stateDirectory: stateDirectory, logSink: logSink)
        defer { host.loader.deinitializeAll() }
        return manifest.plugins.map { entry in
            var report = PluginCheckReport(entry: entry)
            do {
                let library = try host.loader.load(path: entry.resolvedPath, expectedSHA256: entry.sha256, pluginID: entry.id)
                report.verified = library.verified
                report.descriptor = library.descriptor
                let factory = try library.factory(for: entry.kind, pluginID: entry.id)
                try createAndDestroy(entry, library: library, factory: factory, manifestPath: manifest.path, logSink: logSink)
            } catch let error as PluginLoadError {
                report.refusal = error.description
            } catch let error as PluginCallError {
                report.refusal = error.description
            } catch {
                report.refusal = "\(error)"
            }
            return report
        }
    }

    private static func createAndDestroy(_ entry: PluginEntry, library: LoadedLibrary, factory: UnsafeRawPointer,
                                         manifestPath: String, logSink: any PluginLogSink) throws(PluginCallError) {
        switch entry.kind {
        case .lpAdapter:
            try LPAdapterInstance(instanceID: entry.id, library: library, factory: factory, config: entry.config,
                                  manifestPath: manifestPath, logSink: logSink, quoteCapacity: 2).destroy()
        case .routingPolicy:
            try RoutingPolicyInstance(instanceID: entry.id, library: library, factory: factory, config: entry.config,
                                      manifestPath: manifestPath, logSink: logSink).destroy()
        case .feeModel:
            try FeeModelInstance(instanceID: entry.id, library: library, factory: factory, config: entry.config,
                                 manifestPath: manifestPath, logSink: logSink).destroy()
        }
    }
}
