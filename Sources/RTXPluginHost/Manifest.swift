/// The plugin manifest (`plugins.yaml`), validated: which libraries to load, how each is
/// configured, and which plugins serve which symbols and account groups.
public struct Manifest: Sendable {
    /// The manifest's path as given (used in messages and in `rtx_config_t.source_path`).
    public var path: String
    /// The schema version; this host reads version 1.
    public var version: Int
    public var plugins: [PluginEntry]
    public var symbols: [SymbolBinding]
    public var groups: [GroupBinding]

    public func plugin(id: String) -> PluginEntry? { plugins.first { $0.id == id } }
}

/// The three plugin kinds of ABI v1, named as the manifest spells them.
public enum PluginKind: String, Sendable, CaseIterable {
    case lpAdapter = "lp-adapter"
    case routingPolicy = "routing-policy"
    case feeModel = "fee-model"

    /// The versioned factory id the library must provide for this kind.
    public var factoryID: String {
        switch self {
        case .lpAdapter: "rtx.lp-adapter/1"
        case .routingPolicy: "rtx.routing-policy/1"
        case .feeModel: "rtx.fee-model/1"
        }
    }
}

/// One plugin instance to create: a library, its kind, and its configuration.
public struct PluginEntry: Sendable, Equatable {
    /// Unique id within the manifest; logs, metrics and bindings use it.
    public var id: String
    public var kind: PluginKind
    /// The library path as written in the manifest.
    public var pathAsWritten: String
    /// The library path resolved against the manifest's folder.
    public var resolvedPath: String
    /// Lowercase hex SHA-256 the file must have, when pinned.
    public var sha256: String?
    /// The `config:` block handed to the plugin.
    public var config: PluginConfigBlock
    /// Longest a routing decision or schedule request may take, µs; nil = not timed.
    public var callBudgetUs: Int?
    /// Overruns in a row after which the instance is quarantined.
    public var maxOverruns: Int
    /// Where the entry starts in the manifest.
    public var mark: SourceMark

    /// Default for `max_overruns`.
    public static let defaultMaxOverruns = 3

    /// True when two entries would create the same instance (the library's bytes aside).
    func sameSettings(as other: PluginEntry) -> Bool {
        kind == other.kind && config.text == other.config.text && callBudgetUs == other.callBudgetUs
            && maxOverruns == other.maxOverruns
    }
}

/// A plugin's `config:` block as YAML text with its common indentation removed.
public struct PluginConfigBlock: Sendable, Equatable {
    public var text: String
    /// 1-based manifest line of the text's first line; 0 when there is no block.
    public var firstLine: Int
    public static let empty = PluginConfigBlock(text: "", firstLine: 0)
}

/// Which LP adapters quote and execute one symbol, in failover order.
public struct SymbolBinding: Sendable, Equatable {
    public var symbol: String
    /// Sorted by priority, 1 first (the primary).
    public var routes: [LPRoute]
    public var mark: SourceMark
}

/// One LP serving a symbol.
public struct LPRoute: Sendable, Equatable {
    /// The id of an `lp-adapter` plugin.
    public var lp: String
    /// 1 is the primary; higher numbers are fallbacks in order.
    public var priority: Int
    /// The venue's name for the symbol (defaults to the engine's name).
    public var lpSymbol: String
    public var mark: SourceMark
}

/// Which routing policy and fee model serve an account group.
public struct GroupBinding: Sendable, Equatable {
    public var group: String
    /// The id of a `routing-policy` plugin.
    public var routing: String
    /// The id of a `fee-model` plugin.
    public var feeModel: String
    /// What an order gets when the routing policy fails or answers out of range.
    public var fallback: RoutingFallback
    public var mark: SourceMark
}

/// The decision applied when a group's routing policy cannot give one.
public enum RoutingFallback: String, Sendable, Equatable, CaseIterable {
    /// Book the order internally (the safe default for a market maker).
    case bBook = "b-book"
    /// Refuse the order with a reason naming the policy's fault.
    case reject = "reject"
}
