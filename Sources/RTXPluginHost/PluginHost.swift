/// A plugin instance that could not be brought up: refused at load, or failed to create.
public enum PluginHostError: Error, Sendable, CustomStringConvertible {
    case load(PluginLoadError)
    case call(PluginCallError)
    public var description: String {
        switch self {
        case .load(let e): e.description
        case .call(let e): e.description
        }
    }
}

/// Loads the plugins of a manifest and owns their instances' lifecycles: create, subscribe
/// (LP adapters, per the symbol bindings), start, stop, destroy, and finally each library's
/// deinit. Libraries are never unloaded.
///
/// Thread: the control thread for everything here; see each instance type for the calls
/// other threads may make.
public final class PluginHost: @unchecked Sendable {
    public let manifest: Manifest
    public let loader: LibraryLoader
    public let logSink: any PluginLogSink
    public private(set) var symbols = SymbolRegistry()
    public private(set) var lpAdapters: [LPAdapterInstance] = []
    public private(set) var routingPolicies: [RoutingPolicyInstance] = []
    public private(set) var feeModels: [FeeModelInstance] = []

    /// - Parameter stateDirectory: where the private plugin cache lives (`<state>/plugin-cache`).
    public init(manifest: Manifest, stateDirectory: String, logSink: any PluginLogSink = StandardErrorLogSink()) {
        self.manifest = manifest
        self.logSink = logSink
        loader = LibraryLoader(libraryGuard: LibraryGuard(cacheDirectory: PluginHost.cacheDirectory(stateDirectory: stateDirectory)),
                               logSink: logSink)
        for binding in manifest.symbols { _ = symbols.register(binding.symbol) }
    }

    public static func cacheDirectory(stateDirectory: String) -> String {
        stateDirectory + "/plugin-cache"
    }

    /// Loads every plugin and creates its instance; subscribes each LP adapter to the symbols
    /// bound to it. On the first failure, destroys what was created and throws.
    public func loadAll() throws(PluginHostError) {
        do throws(PluginHostError) {
            for entry in manifest.plugins {
                let library: LoadedLibrary
                do {
                    library = try loader.load(path: entry.resolvedPath, expectedSHA256: entry.sha256, pluginID: entry.id)
                } catch { throw PluginHostError.load(error) }
                try createInstance(entry, library: library)
            }
        } catch {
            shutdown()
            throw error
        }
    }

    private func createInstance(_ entry: PluginEntry, library: LoadedLibrary) throws(PluginHostError) {
        let factory: UnsafeRawPointer
        do { factory = try library.factory(for: entry.kind, pluginID: entry.id) } catch { throw .load(error) }
        do {
            switch entry.kind {
            case .lpAdapter:
                let adapter = try LPAdapterInstance(instanceID: entry.id, library: library, factory: factory, config: entry.config,
                                                    manifestPath: manifest.path, logSink: logSink)
                lpAdapters.append(adapter)
                try adapter.subscribe(subscriptions(for: entry.id))
            case .routingPolicy:
                routingPolicies.append(try RoutingPolicyInstance(instanceID: entry.id, library: library, factory: factory,
                                                                 config: entry.config, manifestPath: manifest.path, logSink: logSink))
            case .feeModel:
                feeModels.append(try FeeModelInstance(instanceID: entry.id, library: library, factory: factory,
                                                      config: entry.config, manifestPath: manifest.path, logSink: logSink))
            }
        } catch { throw .call(error) }
    }

    /// The subscriptions the symbol bindings give an LP adapter.
    public func subscriptions(for lpID: String) -> [LPSubscription] {
        manifest.symbols.compactMap { binding in
            guard let route = binding.routes.first(where: { $0.lp == lpID }), let id = symbols.id(of: binding.symbol) else { return nil }
            return LPSubscription(symbolID: id, symbol: binding.symbol, lpSymbol: route.lpSymbol)
        }
    }

    public func lpAdapter(id: String) -> LPAdapterInstance? { lpAdapters.first { $0.instanceID == id } }
    public func routingPolicy(id: String) -> RoutingPolicyInstance? { routingPolicies.first { $0.instanceID == id } }
    public func feeModel(id: String) -> FeeModelInstance? { feeModels.first { $0.instanceID == id } }

    /// Starts every LP adapter, in manifest order.
    public func startAdapters() throws(PluginHostError) {
        for adapter in lpAdapters where adapter.state != .started {
            do { try adapter.start() } catch { throw .call(error) }
        }
    }

    /// Stops and destroys every instance, then calls each library's deinit. Idempotent.
    public func shutdown() {
        for adapter in lpAdapters { adapter.stop() }
        for adapter in lpAdapters { adapter.destroy() }
        for policy in routingPolicies { policy.destroy() }
        for model in feeModels { model.destroy() }
        lpAdapters.removeAll()
        routingPolicies.removeAll()
        feeModels.removeAll()
        loader.deinitializeAll()
    }
}
