import Synchronization

/// A plugin instance that could not be brought up: refused at load, or failed to create.
public enum PluginHostError: Error, Sendable, CustomStringConvertible {
    case load(PluginLoadError)
    case call(PluginCallError)
    case manifest(ManifestErrors)
    public var description: String {
        switch self {
        case .load(let e): e.description
        case .call(let e): e.description
        case .manifest(let e): e.description
        }
    }
}

/// Loads the plugins of a manifest and owns their instances' lifecycles: create, subscribe
/// (LP adapters, per the symbol bindings), start, stop, destroy, and finally each library's
/// deinit. Routing policies and fee models are served through `routing` and `fees`, which
/// swap instances without stopping callers. `reload` applies a changed manifest: routing
/// policies and fee models are swapped, LP adapters restarted one at a time, bindings
/// republished; anything that fails keeps the old plugin serving. Libraries are never
/// unloaded.
///
/// Thread: control methods (`loadAll`, `startAdapters`, `reload`, `reclaim`, `shutdown`)
/// may be called from any thread; they are serialized by an internal lock. The services'
/// call paths take no lock.
public final class PluginHost: @unchecked Sendable {
    /// The manifest as applied (entries that failed to apply keep their previous settings).
    public var manifest: Manifest { control.withLock { _ in current } }
    /// The manifest's path (fixed for the host's life).
    public let manifestPath: String
    public let loader: LibraryLoader
    public let logSink: any PluginLogSink
    /// Symbol ids (append-only across reloads).
    public var symbols: SymbolRegistry { control.withLock { _ in symbolRegistry } }
    /// The LP adapters now running or ready, in manifest order. A snapshot: a reload may
    /// replace them (the replaced ones are stopped and destroyed).
    public var lpAdapters: [LPAdapterInstance] { control.withLock { _ in adapters } }
    private var current: Manifest
    private var symbolRegistry = SymbolRegistry()
    private var adapters: [LPAdapterInstance] = []
    private var routingByID: [String: ManagedRoutingPolicy] = [:]
    private var feesByID: [String: ManagedFeeModel] = [:]
    public let epochs: EpochDomain
    public let reclaimer: Reclaimer
    public let groups = GroupIndex()
    public let routing: RoutingService
    public let fees: FeeService
    private let control = PThreadMutex<Void>(())
    private var adaptersStarted = false

    /// - Parameter stateDirectory: where the private plugin cache lives (`<state>/plugin-cache`).
    public init(manifest: Manifest, stateDirectory: String, logSink: any PluginLogSink = StandardErrorLogSink(),
                epochs: EpochDomain = EpochDomain()) {
        current = manifest
        manifestPath = manifest.path
        self.logSink = logSink
        self.epochs = epochs
        reclaimer = Reclaimer(domain: epochs)
        routing = RoutingService(groups: groups)
        fees = FeeService(groups: groups)
        loader = LibraryLoader(libraryGuard: LibraryGuard(cacheDirectory: PluginHost.cacheDirectory(stateDirectory: stateDirectory)),
                               logSink: logSink)
        for binding in manifest.symbols { _ = symbolRegistry.register(binding.symbol) }
    }

    public static func cacheDirectory(stateDirectory: String) -> String {
        stateDirectory + "/plugin-cache"
    }

    // MARK: bring-up

    /// Loads every plugin and creates its instance; subscribes each LP adapter to the symbols
    /// bound to it; publishes the routing and fee tables. On the first failure, destroys what
    /// was created and throws.
    public func loadAll() throws(PluginHostError) {
        try control.withLock { _ throws(PluginHostError) in
            do throws(PluginHostError) {
                for entry in current.plugins {
                    switch entry.kind {
                    case .lpAdapter:
                        let adapter = try createAdapter(entry)
                        adapters.append(adapter)
                        do throws(PluginCallError) { try adapter.subscribe(subscriptions(for: entry.id, in: current)) } catch { throw .call(error) }
                    case .routingPolicy: routingByID[entry.id] = try createRouting(entry)
                    case .feeModel: feesByID[entry.id] = try createFees(entry)
                    }
                }
                publishTables()
            } catch {
                shutdownLocked()
                throw error
            }
        }
    }

    private func load(_ entry: PluginEntry, verified: VerifiedLibrary? = nil) throws(PluginHostError) -> (LoadedLibrary, UnsafeRawPointer) {
        do throws(PluginLoadError) {
            let library: LoadedLibrary
            if let verified {
                library = try loader.load(verified: verified, pluginID: entry.id)
            } else {
                library = try loader.load(path: entry.resolvedPath, expectedSHA256: entry.sha256, pluginID: entry.id)
            }
            return (library, try library.factory(for: entry.kind, pluginID: entry.id))
        } catch { throw .load(error) }
    }

    private func createAdapter(_ entry: PluginEntry, verified: VerifiedLibrary? = nil) throws(PluginHostError) -> LPAdapterInstance {
        let (library, factory) = try load(entry, verified: verified)
        do {
            return try LPAdapterInstance(instanceID: entry.id, library: library, factory: factory, config: entry.config,
                                         manifestPath: manifestPath, logSink: logSink)
        } catch { throw .call(error) }
    }

    private func createRouting(_ entry: PluginEntry, verified: VerifiedLibrary? = nil) throws(PluginHostError) -> ManagedRoutingPolicy {
        let (library, factory) = try load(entry, verified: verified)
        do {
            let instance = try RoutingPolicyInstance(instanceID: entry.id, library: library, factory: factory, config: entry.config,
                                                     manifestPath: manifestPath, logSink: logSink)
            return ManagedRoutingPolicy(instance: instance, entry: entry, logSink: logSink)
        } catch { throw .call(error) }
    }

    private func createFees(_ entry: PluginEntry, verified: VerifiedLibrary? = nil) throws(PluginHostError) -> ManagedFeeModel {
        let (library, factory) = try load(entry, verified: verified)
        do {
            let instance = try FeeModelInstance(instanceID: entry.id, library: library, factory: factory, config: entry.config,
                                                manifestPath: manifestPath, logSink: logSink)
            return ManagedFeeModel(instance: instance, entry: entry, logSink: logSink)
        } catch { throw .call(error) }
    }

    /// The subscriptions the symbol bindings of `manifest` give an LP adapter.
    func subscriptions(for lpID: String, in manifest: Manifest) -> [LPSubscription] {
        manifest.symbols.compactMap { binding in
            guard let route = binding.routes.first(where: { $0.lp == lpID }), let id = symbolRegistry.id(of: binding.symbol) else { return nil }
            return LPSubscription(symbolID: id, symbol: binding.symbol, lpSymbol: route.lpSymbol)
        }
    }

    public func subscriptions(for lpID: String) -> [LPSubscription] { control.withLock { _ in subscriptions(for: lpID, in: current) } }

    /// Builds and publishes routing and fee tables from the current manifest and instances;
    private func publishTables() {
        groups.register(current.groups.map(\.group))
        var routingBindings = [RoutingBinding?](repeating: nil, count: groups.count)
        var feeBindings = [FeeBinding?](repeating: nil, count: groups.count)
        for binding in current.groups {
            guard let index = groups.index(of: binding.group) else { continue }
            routingBindings[index] = RoutingBinding(group: binding.group, policy: routingByID[binding.routing], fallback: binding.fallback)
            let served = current.groups.filter { $0.feeModel == binding.feeModel }.map(\.group)
            feeBindings[index] = FeeBinding(group: binding.group, model: feesByID[binding.feeModel], servedGroups: served)
        }
        let lpIDs = Set(current.plugins.filter { $0.kind == .lpAdapter }.map(\.id))
        retireTables(routing.publish(RoutingTable(bindings: routingBindings, knownLPs: lpIDs)),
                     fees.publish(FeeTable(bindings: feeBindings)))
    }

    /// Replaced tables stay alive until no reader can still be walking them.
    private func retireTables(_ oldRouting: RoutingTable, _ oldFees: FeeTable) {
        reclaimer.retire { withExtendedLifetime((oldRouting, oldFees)) {} }
    }

    public func lpAdapter(id: String) -> LPAdapterInstance? { control.withLock { _ in adapters.first { $0.instanceID == id } } }
    public func routingPolicy(id: String) -> RoutingPolicyInstance? { control.withLock { _ in routingByID[id]?.instance } }
    public func feeModel(id: String) -> FeeModelInstance? { control.withLock { _ in feesByID[id]?.instance } }
    public func managedRoutingPolicy(id: String) -> ManagedRoutingPolicy? { control.withLock { _ in routingByID[id] } }
    public func managedFeeModel(id: String) -> ManagedFeeModel? { control.withLock { _ in feesByID[id] } }

    /// Starts every LP adapter, in manifest order.
    public func startAdapters() throws(PluginHostError) {
        try control.withLock { _ throws(PluginHostError) in
            adaptersStarted = true
            for adapter in adapters where adapter.state != .started {
                do throws(PluginCallError) { try adapter.start() } catch { throw .call(error) }
            }
        }
    }

    // MARK: reload

    /// Re-reads the manifest file and applies the difference. A manifest that does not
    /// validate changes nothing and is reported.
    public func reload(trigger: String) -> ReloadReport {
        let next: Manifest
        do {
            next = try ManifestDecoder.load(path: manifestPath)
        } catch {
            let report = ReloadReport(trigger: trigger, applied: [], failed: ["manifest: \(error.description)"])
            logSink.write(source: "plugins", level: .error, message: report.description)
            return report
        }
        return apply(next, trigger: trigger)
    }

    /// Applies `next` over the running plugins (see the type's description).
    public func apply(_ next: Manifest, trigger: String) -> ReloadReport {
        let report = control.withLock { _ in applyLocked(next, trigger: trigger) }
        logSink.write(source: "plugins", level: report.failed.isEmpty ? .info : .error, message: report.description)
        return report
    }

    private func applyLocked(_ next: Manifest, trigger: String) -> ReloadReport {
        var report = ReloadReport(trigger: trigger, applied: [], failed: [])
        let previous = current
        var effective = next   // the manifest as actually applied (failed entries keep their old settings)
        for binding in next.symbols { _ = symbolRegistry.register(binding.symbol) }

        // Entries that cannot be applied keep the previous entry (or are dropped if new).
        func keepPrevious(_ id: String) {
            if let old = previous.plugin(id: id), let i = effective.plugins.firstIndex(where: { $0.id == id }) {
                effective.plugins[i] = old
            } else if previous.plugin(id: id) == nil {
                effective.plugins.removeAll { $0.id == id }
            }
        }

        // 1. Routing policies and fee models: create replacements first, swap after.
        var retiredRouting: [ManagedRoutingPolicy] = []
        var retiredFees: [ManagedFeeModel] = []
        for entry in next.plugins where entry.kind != .lpAdapter {
            let old = previous.plugin(id: entry.id)
            let current: LoadedLibrary? = entry.kind == .routingPolicy ? routingByID[entry.id]?.instance.library : feesByID[entry.id]?.instance.library
            let verified = try? loader.libraryGuard.verify(path: entry.resolvedPath, expectedSHA256: entry.sha256, pluginID: entry.id)
            if let old, old.kind == entry.kind, old.sameSettings(as: entry), let current, verified?.sha256 == current.verified.sha256 {
                continue   // unchanged bytes and settings
            }
            do {
                switch entry.kind {
                case .routingPolicy:
                    let created = try createRouting(entry, verified: verified)
                    if let replaced = routingByID.updateValue(created, forKey: entry.id) { retiredRouting.append(replaced) }
                    report.applied.append(describeSwap(entry, old: current, new: created.instance.library))
                case .feeModel:
                    let created = try createFees(entry, verified: verified)
                    if let replaced = feesByID.updateValue(created, forKey: entry.id) { retiredFees.append(replaced) }
                    report.applied.append(describeSwap(entry, old: current, new: created.instance.library))
                case .lpAdapter: break
                }
            } catch {
                report.failed.append("\(entry.id): \(error.description); \(current == nil ? "not added" : "the old instance keeps serving")")
                keepPrevious(entry.id)
            }
        }
        // Removed routing policies and fee models (validation guarantees no group of `next` binds them).
        for old in previous.plugins where old.kind != .lpAdapter && next.plugin(id: old.id)?.kind != old.kind {
            if let r = routingByID.removeValue(forKey: old.id) { retiredRouting.append(r) }
            if let f = feesByID.removeValue(forKey: old.id) { retiredFees.append(f) }
            report.applied.append("\(old.id): removed")
        }
        // Groups whose policy or model failed to load keep their previous binding.
        effective.groups = next.groups.map { binding in
            let routingOK = routingByID[binding.routing] != nil
            let feesOK = feesByID[binding.feeModel] != nil
            if routingOK && feesOK { return binding }
            if let old = previous.groups.first(where: { $0.group == binding.group }) {
                report.failed.append("group \(binding.group): its new binding names a plugin that did not load; the previous binding stays")
                return old
            }
            report.failed.append("group \(binding.group): its binding names a plugin that did not load; the group is not bound")
            return binding
        }.filter { routingByID[$0.routing] != nil && feesByID[$0.feeModel] != nil }
        current = effective
        publishTables()
        for r in retiredRouting { reclaimer.retire { r.instance.destroy() } }
        for f in retiredFees { reclaimer.retire { f.instance.destroy() } }

        // 2. LP adapters: one at a time; a replacement is created before the old one stops.
        for entry in next.plugins where entry.kind == .lpAdapter {
            let old = previous.plugin(id: entry.id)
            let running = adapters.first { $0.instanceID == entry.id }
            let verified = try? loader.libraryGuard.verify(path: entry.resolvedPath, expectedSHA256: entry.sha256, pluginID: entry.id)
            let unchanged = old.map { $0.kind == entry.kind && $0.sameSettings(as: entry) } ?? false
                && running.map { verified?.sha256 == $0.library.verified.sha256 } ?? false
            if unchanged, let running {
                resubscribe(running, to: subscriptions(for: entry.id, in: next), report: &report)
                continue
            }
            do {
                let replacement = try createAdapter(entry, verified: verified)
                do {
                    try replacement.subscribe(subscriptions(for: entry.id, in: next))
                } catch {
                    replacement.destroy()
                    throw PluginHostError.call(error)
                }
                if let running {
                    running.stop()
                    running.destroy()
                    adapters.removeAll { $0 === running }
                }
                adapters.append(replacement)
                if adaptersStarted {
                    do { try replacement.start() } catch {
                        report.failed.append("\(entry.id): \(error.description)")
                        continue
                    }
                }
                report.applied.append(running == nil ? "\(entry.id): added" : "\(entry.id): restarted with \(replacement.library.descriptor.pluginID) \(replacement.library.descriptor.pluginVersion)")
            } catch {
                report.failed.append("\(entry.id): \(error); \(running == nil ? "not added" : "the running adapter keeps streaming")")
                current = effectiveWithPlugin(entry.id, from: previous)
            }
        }
        for old in previous.plugins where old.kind == .lpAdapter && next.plugin(id: old.id)?.kind != .lpAdapter {
            if let running = adapters.first(where: { $0.instanceID == old.id }) {
                running.stop()
                running.destroy()
                adapters.removeAll { $0 === running }
                report.applied.append("\(old.id): removed")
            }
        }
        reclaimer.reclaim()
        return report
    }

    /// The current manifest with plugin `id` restored to its entry in `previous`.
    private func effectiveWithPlugin(_ id: String, from previous: Manifest) -> Manifest {
        var m = current
        if let old = previous.plugin(id: id) {
            if let i = m.plugins.firstIndex(where: { $0.id == id }) { m.plugins[i] = old } else { m.plugins.append(old) }
        } else {
            m.plugins.removeAll { $0.id == id }
        }
        return m
    }

    private func resubscribe(_ adapter: LPAdapterInstance, to wanted: [LPSubscription], report: inout ReloadReport) {
        let have = Set(adapter.subscriptions.map(\.symbolID))
        let want = Set(wanted.map(\.symbolID))
        let removed = adapter.subscriptions.filter { !want.contains($0.symbolID) }
        let added = wanted.filter { !have.contains($0.symbolID) }
        do {
            if !removed.isEmpty { try adapter.unsubscribe(removed.map(\.symbolID)) }
            if !added.isEmpty { try adapter.subscribe(added) }
            if !removed.isEmpty || !added.isEmpty {
                report.applied.append("\(adapter.instanceID): subscribed \(added.map(\.symbol)), unsubscribed \(removed.map(\.symbol))")
            }
        } catch {
            report.failed.append("\(adapter.instanceID): \(error.description)")
        }
    }

    private func describeSwap(_ entry: PluginEntry, old: LoadedLibrary?, new: LoadedLibrary) -> String {
        let to = "\(new.descriptor.pluginID) \(new.descriptor.pluginVersion) (sha256 \(new.verified.sha256.prefix(12)))"
        guard let old else { return "\(entry.id): added \(to)" }
        return "\(entry.id): swapped \(old.descriptor.pluginID) \(old.descriptor.pluginVersion) (sha256 \(old.verified.sha256.prefix(12))) for \(to)"
    }

    /// Destroys replaced instances whose grace period has ended. Control thread (the
    /// watcher calls it periodically).
    @discardableResult
    public func reclaim() -> Int { control.withLock { _ in reclaimer.reclaim() } }

    // MARK: shutdown

    /// Stops and destroys every instance, then calls each library's deinit. Idempotent.
    /// Instances still inside a call are waited for (up to 5 s each grace period).
    public func shutdown() {
        control.withLock { _ in shutdownLocked() }
    }

    private func shutdownLocked() {
        for adapter in adapters { adapter.stop() }
        for adapter in adapters { adapter.destroy() }
        adapters.removeAll()
        retireTables(routing.publish(RoutingTable(bindings: [], knownLPs: [])), fees.publish(FeeTable(bindings: [])))
        let routingInstances = Array(routingByID.values)
        let feeInstances = Array(feesByID.values)
        routingByID.removeAll()
        feesByID.removeAll()
        for r in routingInstances { reclaimer.retire { r.instance.destroy() } }
        for f in feeInstances { reclaimer.retire { f.instance.destroy() } }
        if !reclaimer.drain(timeoutNs: 5_000_000_000) {
            logSink.write(source: "plugins", level: .error,
                          message: "\(reclaimer.pendingCount) plugin instance(s) still in use after 5 s; not destroyed, libraries not deinitialized")
            return
        }
        loader.deinitializeAll()
    }
}

/// What a reload did.
public struct ReloadReport: Sendable, CustomStringConvertible {
    /// What caused it: "file change", "SIGHUP", "API".
    public var trigger: String
    /// One line per change applied.
    public var applied: [String]
    /// One line per change refused (the old plugin keeps serving).
    public var failed: [String]

    public init(trigger: String, applied: [String], failed: [String]) {
        self.trigger = trigger
        self.applied = applied
        self.failed = failed
    }

    public var description: String {
        var lines = ["reload (\(trigger)): \(applied.count) change(s) applied, \(failed.count) refused"]
        lines += applied.map { "  applied: \($0)" }
        lines += failed.map { "  refused: \($0)" }
        return lines.joined(separator: "\n")
    }
}
