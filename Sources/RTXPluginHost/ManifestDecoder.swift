#if canImport(Glibc)
import Glibc
#endif

/// Reads and validates `plugins.yaml`. Every problem is reported with file:line:column,
/// what is wrong and what to write instead; all problems of a file are collected, not just
/// the first. Thread: any; no shared state.
public enum ManifestDecoder {
    /// Largest manifest accepted, bytes.
    public static let maxFileBytes = 1 << 20
    /// Most plugins and bindings of each kind accepted.
    public static let maxEntries = 1024

    /// Reads the file at `path` and decodes it.
    public static func load(path: String) throws(ManifestErrors) -> Manifest {
        let text: String
        do {
            text = try FileBytes.readText(path: path, limitBytes: maxFileBytes)
        } catch {
            throw ManifestErrors(errors: [ManifestError(file: path, mark: nil, message: "cannot read the manifest: \(error)",
                                                        fix: "pass the path of a readable plugins.yaml")])
        }
        return try decode(text: text, path: path)
    }

    /// Decodes manifest text; `path` names the file in messages and anchors relative plugin paths.
    public static func decode(text: String, path: String) throws(ManifestErrors) -> Manifest {
        var reader = Reader(file: path, source: text)
        let root: YAMLNode?
        do {
            root = try YAMLDocumentParser.parse(text)
        } catch {
            let context = error.context.map { " \($0)" } ?? ""
            throw ManifestErrors(errors: [ManifestError(file: path, mark: error.mark,
                                                        message: "YAML syntax error: \(error.problem)\(context)",
                                                        fix: "check indentation and quoting at this spot")])
        }
        guard let root else {
            throw ManifestErrors(errors: [ManifestError(file: path, mark: nil, message: "the manifest is empty",
                                                        fix: "start with `version: 1` and a `plugins:` list")])
        }
        let manifest = reader.decodeRoot(root)
        if !reader.errors.isEmpty {
            throw ManifestErrors(errors: reader.errors.sorted { ($0.mark?.offset ?? -1) < ($1.mark?.offset ?? -1) })
        }
        return manifest!
    }
}

/// The validating walk over the YAML tree. Collects errors; returns nil pieces where invalid.
private struct Reader {
    let file: String
    let source: String
    let baseDirectory: String
    var errors: [ManifestError] = []

    init(file: String, source: String) {
        self.file = file
        self.source = source
        self.baseDirectory = FileBytes.directory(of: file)
    }

    mutating func fail(_ mark: SourceMark?, _ message: String, fix: String? = nil) {
        errors.append(ManifestError(file: file, mark: mark, message: message, fix: fix))
    }

    // MARK: top level

    mutating func decodeRoot(_ root: YAMLNode) -> Manifest? {
        guard var map = mapping(root, what: "the manifest", fix: "write `version: 1`, `plugins:` and `bindings:` at the top level") else {
            return nil
        }
        let versionNode = map.required("version", in: "the manifest", fix: "add `version: 1` as the first line", reader: &self)
        var version = 1
        if let versionNode, let v = integer(versionNode, key: "version", range: 1 ... 1_000_000) {
            if v != 1 {
                fail(versionNode.start, "manifest version \(v) is not supported; this host reads version 1",
                     fix: "write `version: 1` (or upgrade rtx)")
            }
            version = v
        }
        var plugins: [PluginEntry] = []
        if let node = map.required("plugins", in: "the manifest", fix: "add a `plugins:` list of plugin entries", reader: &self) {
            plugins = decodePlugins(node)
        }
        var symbols: [SymbolBinding] = []
        var groups: [GroupBinding] = []
        if let node = map.optional("bindings") {
            (symbols, groups) = decodeBindings(node, plugins: plugins)
        }
        map.reportUnknown(allowed: ["version", "plugins", "bindings"], in: "the top level", reader: &self)
        return Manifest(path: file, version: version, plugins: plugins, symbols: symbols, groups: groups)
    }

    // MARK: plugins

    mutating func decodePlugins(_ node: YAMLNode) -> [PluginEntry] {
        guard let items = sequence(node, key: "plugins", fix: "write each plugin as a `- id: ...` item under `plugins:`") else { return [] }
        if items.items.count > ManifestDecoder.maxEntries {
            fail(node.start, "\(items.items.count) plugins exceed the limit of \(ManifestDecoder.maxEntries)", fix: "split the deployment")
            return []
        }
        var result: [PluginEntry] = []
        var firstSeen: [String: SourceMark] = [:]
        for item in items.items {
            guard let entry = decodePlugin(item) else { continue }
            if let first = firstSeen[entry.id] {
                fail(entry.mark, "duplicate plugin id '\(entry.id)' (first defined at \(first))",
                     fix: "give each plugin a unique id; the same library may appear under two ids")
                continue
            }
            firstSeen[entry.id] = entry.mark
            result.append(entry)
        }
        return result
    }

    mutating func decodePlugin(_ node: YAMLNode) -> PluginEntry? {
        guard var map = mapping(node, what: "a plugin entry", fix: "write `- id: NAME`, `kind:`, `path:` (and optional `sha256:`, `config:`)") else {
            return nil
        }
        let errorCount = errors.count
        let idNode = map.required("id", in: "plugin entry", fix: "add `id: a-unique-name`", reader: &self)
        let kindNode = map.required("kind", in: "plugin entry", fix: "add `kind: lp-adapter`, `routing-policy` or `fee-model`", reader: &self)
        let pathNode = map.required("path", in: "plugin entry", fix: "add `path: <the .so, relative to this manifest>`", reader: &self)
        let shaNode = map.optional("sha256")
        let configNode = map.optional("config")
        let budgetNode = map.optional("call_budget_us")
        let overrunsNode = map.optional("max_overruns")
        map.reportUnknown(allowed: ["id", "kind", "path", "sha256", "config", "call_budget_us", "max_overruns"],
                          in: "a plugin entry", reader: &self)

        let id = idNode.flatMap { identifier($0, key: "id", pattern: .pluginID) }
        var kind: PluginKind?
        if let kindNode, let text = string(kindNode, key: "kind") {
            kind = PluginKind(rawValue: text)
            if kind == nil {
                let suggestion = Suggest.closest(to: text, in: PluginKind.allCases.map(\.rawValue)).map { "did you mean '\($0)'? " } ?? ""
                fail(kindNode.start, "unknown plugin kind '\(text)'",
                     fix: "\(suggestion)kind is one of: \(PluginKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        var resolved: String?
        var written: String?
        if let pathNode, let text = string(pathNode, key: "path") {
            written = text
            let full = text.hasPrefix("/") || baseDirectory == "." ? text : baseDirectory + "/" + text
            switch FileBytes.kind(of: full) {
            case .regular: resolved = full
            case .missing:
                fail(pathNode.start, "plugin library '\(text)' does not exist (looked for \(full))",
                     fix: "build the plugin (make plugins) or correct the path; relative paths start at the manifest's folder")
            case .other:
                fail(pathNode.start, "plugin path '\(text)' is not a regular file", fix: "point path at the .so file itself")
            }
        }
        var sha: String?
        if let shaNode, let text = string(shaNode, key: "sha256") {
            let lowered = text.lowercased()
            if lowered.utf8.count == 64, lowered.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) {
                sha = lowered
            } else {
                fail(shaNode.start, "sha256 '\(text)' is not 64 hexadecimal digits",
                     fix: "write the output of `sha256sum <library>`, or remove the pin")
            }
        }
        var config = PluginConfigBlock.empty
        if let configNode {
            switch configNode {
            case .mapping(let m) where m.isFlow:
                fail(configNode.start, "'config' is written in flow style `{...}`; plugins read it line by line and report errors by line",
                     fix: "write each setting on its own indented line under `config:`")
            case .mapping: config = configBlock(configNode)
            case .scalar(let s) where s.isNull: break
            default:
                fail(configNode.start, "'config' must be a mapping of the plugin's settings, not \(configNode.kindName)",
                     fix: "indent `key: value` lines under `config:`")
            }
        }
        var budget: Int?
        var maxOverruns = PluginEntry.defaultMaxOverruns
        for (key, node) in [("call_budget_us", budgetNode), ("max_overruns", overrunsNode)] {
            guard let node else { continue }
            if kind == .lpAdapter {
                fail(node.start, "'\(key)' applies to routing-policy and fee-model plugins, not to an lp-adapter",
                     fix: "remove '\(key)' from this entry")
                continue
            }
            if key == "call_budget_us" {
                budget = integer(node, key: key, range: 1 ... 10_000_000)
            } else if let value = integer(node, key: key, range: 1 ... 1000) {
                maxOverruns = value
            }
        }
        guard errors.count == errorCount, let id, let kind, let resolved, let written else { return nil }
        return PluginEntry(id: id, kind: kind, pathAsWritten: written, resolvedPath: resolved, sha256: sha,
                           config: config, callBudgetUs: budget, maxOverruns: maxOverruns, mark: node.start)
    }

    /// The source text of a block-style config mapping, dedented, with its first line number.
    func configBlock(_ node: YAMLNode) -> PluginConfigBlock {
        guard case .mapping(let map) = node, !map.pairs.isEmpty, !map.isFlow else { return .empty }
        let lastLine = node.lastContentEnd.line
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let indent = map.start.column - 1
        var out: [Substring] = []
        for lineNumber in map.start.line ... min(lastLine, lines.count) {
            let line = lines[lineNumber - 1]
            let leading = line.prefix { $0 == " " }.count
            out.append(line.dropFirst(min(leading, indent)))
        }
        return PluginConfigBlock(text: out.joined(separator: "\n") + "\n", firstLine: map.start.line)
    }

    // MARK: bindings

    mutating func decodeBindings(_ node: YAMLNode, plugins: [PluginEntry]) -> ([SymbolBinding], [GroupBinding]) {
        if case .scalar(let s) = node, s.isNull { return ([], []) }
        guard var map = mapping(node, what: "'bindings'", fix: "write `symbols:` and `groups:` lists under `bindings:`") else { return ([], []) }
        var symbols: [SymbolBinding] = []
        var groups: [GroupBinding] = []
        if let s = map.optional("symbols") { symbols = decodeSymbolBindings(s, plugins: plugins) }
        if let g = map.optional("groups") { groups = decodeGroupBindings(g, plugins: plugins) }
        map.reportUnknown(allowed: ["symbols", "groups"], in: "'bindings'", reader: &self)
        return (symbols, groups)
    }

    mutating func decodeSymbolBindings(_ node: YAMLNode, plugins: [PluginEntry]) -> [SymbolBinding] {
        guard let items = sequence(node, key: "symbols", fix: "write `- symbol: EURUSD` items with an `lps:` list") else { return [] }
        var result: [SymbolBinding] = []
        var firstSeen: [String: SourceMark] = [:]
        for item in items.items.prefix(ManifestDecoder.maxEntries) {
            guard var map = mapping(item, what: "a symbol binding", fix: "write `- symbol: NAME` and `lps:`") else { continue }
            let symbolNode = map.required("symbol", in: "symbol binding", fix: "add `symbol: EURUSD` (the engine's name)", reader: &self)
            let lpsNode = map.required("lps", in: "symbol binding", fix: "add `lps:` with at least one `- lp: <lp-adapter id>`", reader: &self)
            map.reportUnknown(allowed: ["symbol", "lps"], in: "a symbol binding", reader: &self)
            guard let symbolNode, let symbol = identifier(symbolNode, key: "symbol", pattern: .symbol) else { continue }
            if let first = firstSeen[symbol] {
                fail(symbolNode.start, "symbol '\(symbol)' is bound twice (first at \(first))", fix: "list all of its LPs under one binding")
                continue
            }
            firstSeen[symbol] = symbolNode.start
            guard let lpsNode else { continue }
            let routes = decodeRoutes(lpsNode, symbol: symbol, plugins: plugins)
            if !routes.isEmpty {
                result.append(SymbolBinding(symbol: symbol, routes: routes.sorted { $0.priority < $1.priority }, mark: item.start))
            }
        }
        return result
    }

    mutating func decodeRoutes(_ node: YAMLNode, symbol: String, plugins: [PluginEntry]) -> [LPRoute] {
        guard let items = sequence(node, key: "lps", fix: "write `- lp: <lp-adapter id>` items with `priority:`") else { return [] }
        if items.items.isEmpty {
            fail(node.start, "symbol '\(symbol)' has an empty 'lps' list", fix: "name at least one LP adapter")
            return []
        }
        var routes: [LPRoute] = []
        var priorities: [Int: SourceMark] = [:]
        var lps: Set<String> = []
        for item in items.items {
            guard var map = mapping(item, what: "an LP route", fix: "write `- lp: ID`, `priority: 1`, optional `lp_symbol:`") else { continue }
            let lpNode = map.required("lp", in: "LP route", fix: "add `lp: <lp-adapter id>`", reader: &self)
            let priorityNode = map.optional("priority")
            let lpSymbolNode = map.optional("lp_symbol")
            map.reportUnknown(allowed: ["lp", "priority", "lp_symbol"], in: "an LP route", reader: &self)
            guard let lpNode, let lp = pluginReference(lpNode, key: "lp", kind: .lpAdapter, plugins: plugins) else { continue }
            var priority = routes.count + 1
            if let priorityNode {
                guard let p = integer(priorityNode, key: "priority", range: 1 ... 99) else { continue }
                priority = p
            }
            if let first = priorities[priority] {
                fail(priorityNode?.start ?? lpNode.start, "priority \(priority) of symbol '\(symbol)' is used twice (first at \(first))",
                     fix: "give each LP of a symbol its own priority: 1 is the primary, 2 the first fallback")
                continue
            }
            if lps.contains(lp) {
                fail(lpNode.start, "LP '\(lp)' is listed twice for symbol '\(symbol)'", fix: "list each LP once per symbol")
                continue
            }
            var lpSymbol = symbol
            if let lpSymbolNode {
                guard let s = identifier(lpSymbolNode, key: "lp_symbol", pattern: .venueSymbol) else { continue }
                lpSymbol = s
            }
            priorities[priority] = priorityNode?.start ?? lpNode.start
            lps.insert(lp)
            routes.append(LPRoute(lp: lp, priority: priority, lpSymbol: lpSymbol, mark: item.start))
        }
        return routes
    }

    mutating func decodeGroupBindings(_ node: YAMLNode, plugins: [PluginEntry]) -> [GroupBinding] {
        guard let items = sequence(node, key: "groups", fix: "write `- group: NAME` items with `routing:` and `fee_model:`") else { return [] }
        var result: [GroupBinding] = []
        var firstSeen: [String: SourceMark] = [:]
        for item in items.items.prefix(ManifestDecoder.maxEntries) {
            guard var map = mapping(item, what: "a group binding", fix: "write `- group: NAME`, `routing:`, `fee_model:`") else { continue }
            let groupNode = map.required("group", in: "group binding", fix: "add `group: <account group>`", reader: &self)
            let routingNode = map.required("routing", in: "group binding", fix: "add `routing: <routing-policy id>`", reader: &self)
            let feeNode = map.required("fee_model", in: "group binding", fix: "add `fee_model: <fee-model id>`", reader: &self)
            let fallbackNode = map.optional("fallback")
            map.reportUnknown(allowed: ["group", "routing", "fee_model", "fallback"], in: "a group binding", reader: &self)
            let group = groupNode.flatMap { identifier($0, key: "group", pattern: .symbol) }
            let routing = routingNode.flatMap { pluginReference($0, key: "routing", kind: .routingPolicy, plugins: plugins) }
            let fee = feeNode.flatMap { pluginReference($0, key: "fee_model", kind: .feeModel, plugins: plugins) }
            var fallback = RoutingFallback.bBook
            if let fallbackNode, let text = string(fallbackNode, key: "fallback") {
                if let f = RoutingFallback(rawValue: text) {
                    fallback = f
                } else {
                    fail(fallbackNode.start, "unknown fallback '\(text)'",
                         fix: "fallback is one of: \(RoutingFallback.allCases.map(\.rawValue).joined(separator: ", "))")
                    continue
                }
            }
            guard let group, let groupNode, let routing, let fee else { continue }
            if let first = firstSeen[group] {
                fail(groupNode.start, "group '\(group)' is bound twice (first at \(first))", fix: "keep one binding per group")
                continue
            }
            firstSeen[group] = groupNode.start
            result.append(GroupBinding(group: group, routing: routing, feeModel: fee, fallback: fallback, mark: item.start))
        }
        return result
    }

    // MARK: typed values

    mutating func mapping(_ node: YAMLNode, what: String, fix: String) -> MappingReader? {
        guard case .mapping(let m) = node else {
            fail(node.start, "\(what) must be a mapping, not \(node.kindName)", fix: fix)
            return nil
        }
        return MappingReader(mapping: m, reader: &self)
    }

    mutating func sequence(_ node: YAMLNode, key: String, fix: String) -> YAMLSequence? {
        guard case .sequence(let s) = node else {
            fail(node.start, "'\(key)' must be a list, not \(node.kindName)", fix: fix)
            return nil
        }
        return s
    }

    mutating func string(_ node: YAMLNode, key: String) -> String? {
        guard case .scalar(let s) = node, !s.isNull else {
            fail(node.start, "'\(key)' must be a non-empty string, not \(node.kindName)", fix: "write `\(key): <text>`")
            return nil
        }
        return s.value
    }

    mutating func integer(_ node: YAMLNode, key: String, range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let s) = node, !s.isQuoted, let value = Int(s.value), range.contains(value) else {
            let shown: String
            if case .scalar(let s) = node { shown = s.isQuoted ? "the quoted string \"\(s.value)\"" : "'\(s.value)'" } else { shown = node.kindName }
            fail(node.start, "'\(key)' must be an integer from \(range.lowerBound) to \(range.upperBound), not \(shown)",
                 fix: "write `\(key): \(range.lowerBound)` without quotes")
            return nil
        }
        return value
    }

    enum NamePattern {
        case pluginID, symbol, venueSymbol
        var rule: String {
            switch self {
            case .pluginID: "1 to 63 characters: lowercase letters, digits, '.', '_' or '-', starting with a letter or digit"
            case .symbol: "1 to 31 characters: letters, digits, '.', '_' or '-'"
            case .venueSymbol: "1 to 63 printable characters without spaces"
            }
        }
        func matches(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            switch self {
            case .pluginID:
                guard (1 ... 63).contains(bytes.count), let first = bytes.first, Self.isLowerAlnum(first) else { return false }
                return bytes.allSatisfy { Self.isLowerAlnum($0) || $0 == 46 || $0 == 95 || $0 == 45 }
            case .symbol:
                guard (1 ... 31).contains(bytes.count) else { return false }
                return bytes.allSatisfy { Self.isLowerAlnum($0) || ($0 >= 65 && $0 <= 90) || $0 == 46 || $0 == 95 || $0 == 45 }
            case .venueSymbol:
                return (1 ... 63).contains(bytes.count) && bytes.allSatisfy { $0 > 32 && $0 < 127 }
            }
        }
        private static func isLowerAlnum(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
    }

    mutating func identifier(_ node: YAMLNode, key: String, pattern: NamePattern) -> String? {
        guard let text = string(node, key: key) else { return nil }
        guard pattern.matches(text) else {
            fail(node.start, "'\(key)' value '\(text)' is not a valid name", fix: "use \(pattern.rule)")
            return nil
        }
        return text
    }

    mutating func pluginReference(_ node: YAMLNode, key: String, kind: PluginKind, plugins: [PluginEntry]) -> String? {
        guard let text = string(node, key: key) else { return nil }
        guard let plugin = plugins.first(where: { $0.id == text }) else {
            let candidates = plugins.filter { $0.kind == kind }.map(\.id)
            let suggestion = Suggest.closest(to: text, in: candidates).map { "did you mean '\($0)'? " } ?? ""
            let list = candidates.isEmpty ? "no \(kind.rawValue) plugin is listed under `plugins:`" : "\(kind.rawValue) plugins here: \(candidates.joined(separator: ", "))"
            fail(node.start, "\(key) '\(text)' names no plugin in this manifest", fix: "\(suggestion)\(list)")
            return nil
        }
        guard plugin.kind == kind else {
            fail(node.start, "\(key) '\(text)' is a \(plugin.kind.rawValue) plugin, but \(key) needs a \(kind.rawValue)",
                 fix: "name a plugin whose kind is \(kind.rawValue)")
            return nil
        }
        return text
    }
}

/// Reads the keys of one mapping: flags duplicates at construction and unknown keys at the end.
private struct MappingReader {
    private var pairs: [String: (key: YAMLNode, value: YAMLNode)] = [:]
    private var order: [(String, SourceMark)] = []
    private var used: Set<String> = []
    /// Where the mapping starts: missing keys are reported here.
    private let start: SourceMark

    init(mapping: YAMLMapping, reader: inout Reader) {
        start = mapping.start
        for pair in mapping.pairs {
            guard case .scalar(let key) = pair.key, !key.value.isEmpty else {
                reader.fail(pair.key.start, "a key must be a plain name, not \(pair.key.kindName)", fix: "write `name: value`")
                continue
            }
            if let first = pairs[key.value] {
                reader.fail(key.start, "key '\(key.value)' appears twice in this mapping (first at \(first.key.start))",
                            fix: "keep one '\(key.value)'")
                continue
            }
            pairs[key.value] = (pair.key, pair.value)
            order.append((key.value, key.start))
        }
    }

    mutating func optional(_ key: String) -> YAMLNode? {
        used.insert(key)
        return pairs[key]?.value
    }

    mutating func required(_ key: String, in what: String, fix: String, reader: inout Reader) -> YAMLNode? {
        used.insert(key)
        guard let value = pairs[key]?.value else {
            reader.fail(start, "\(what) is missing '\(key)'", fix: fix)
            return nil
        }
        return value
    }

    func reportUnknown(allowed: [String], in what: String, reader: inout Reader) {
        for (key, mark) in order where !allowed.contains(key) {
            let suggestion = Suggest.closest(to: key, in: allowed).map { "did you mean '\($0)'? " } ?? ""
            reader.fail(mark, "unknown key '\(key)' in \(what)", fix: "\(suggestion)allowed keys: \(allowed.joined(separator: ", "))")
        }
    }
}
