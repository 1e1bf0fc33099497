import RTXCore
import RTXPluginHost

/// A node of `rtx.yaml` together with its setting path (`symbols[2].volume_step`).
struct Field {
    let node: YAMLNode
    let path: String
    var mark: SourceMark { node.start }
    /// The last key of the path, as written in the file (`volume_step`).
    var key: String {
        var p = Substring(path)
        while p.hasSuffix("]"), let open = p.lastIndex(of: "[") { p = p[..<open] }
        if let dot = p.lastIndex(of: ".") { return String(p[p.index(after: dot)...]) }
        return String(p)
    }
    var isNull: Bool {
        if case .scalar(let s) = node { return s.isNull }
        return false
    }
}

/// The validating walk's state: the file, the folder relative paths start at, and every
/// problem found so far. The typed readers below report a problem and return nil; callers
/// carry on so that one run reports everything.
struct ConfigReader {
    let file: String
    let baseDirectory: String
    var errors: [EngineConfigError] = []

    init(file: String) {
        self.file = file
        self.baseDirectory = ConfigFile.directory(of: file)
    }

    mutating func fail(_ mark: SourceMark?, _ setting: String?, _ message: String, fix: String?) {
        errors.append(EngineConfigError(file: file, mark: mark, setting: setting, message: message, fix: fix))
    }

    mutating func fail(_ field: Field, _ message: String, fix: String?) {
        fail(field.mark, field.path.isEmpty ? nil : field.path, message, fix: fix)
    }

    /// How a scalar value is shown in a message.
    static func shown(_ node: YAMLNode) -> String {
        guard case .scalar(let s) = node, !s.isNull else { return node.kindName }
        return s.isQuoted ? "the quoted string \"\(s.value)\"" : "'\(s.value)'"
    }

    // MARK: structure

    mutating func mapping(_ f: Field, what: String, fix: String) -> ConfigMapping? {
        guard case .mapping(let m) = f.node else {
            fail(f, "\(what) must be a mapping, not \(f.node.kindName)", fix: fix)
            return nil
        }
        return ConfigMapping(m, path: f.path, reader: &self)
    }

    /// The items of a list, each with its path (`symbols[0]`), or nil (reported).
    mutating func list(_ f: Field, fix: String, limit: Int) -> [Field]? {
        guard case .sequence(let s) = f.node else {
            fail(f, "must be a list, not \(f.node.kindName)", fix: fix)
            return nil
        }
        guard s.items.count <= limit else {
            fail(f, "\(s.items.count) entries exceed the limit of \(limit)", fix: "split the deployment or raise the limit in EngineConfigDecoder")
            return nil
        }
        return s.items.enumerated().map { Field(node: $0.element, path: "\(f.path)[\($0.offset)]") }
    }

    // MARK: scalars

    /// The text of a non-empty scalar.
    mutating func string(_ f: Field, example: String) -> String? {
        guard case .scalar(let s) = f.node, !s.isNull, !s.value.isEmpty else {
            fail(f, "must be a non-empty value, not \(f.node.kindName)", fix: "write `\(f.key): \(example)`")
            return nil
        }
        return s.value
    }

    /// The text of a scalar that may be empty (`""` or nothing).
    mutating func optionalString(_ f: Field, example: String) -> String? {
        guard case .scalar(let s) = f.node else {
            fail(f, "must be a single value, not \(f.node.kindName)", fix: "write `\(f.key): \(example)`")
            return nil
        }
        return s.isNull ? "" : s.value
    }

    mutating func integer(_ f: Field, range: ClosedRange<Int>, unit: String = "") -> Int? {
        let suffix = unit.isEmpty ? "" : " \(unit)"
        guard case .scalar(let s) = f.node, !s.isQuoted, let value = Int(s.value) else {
            var example = range.lowerBound
            if case .scalar(let s) = f.node, let written = Int(s.value), range.contains(written) { example = written }
            fail(f, "must be an integer from \(range.lowerBound) to \(range.upperBound)\(suffix), not \(Self.shown(f.node))",
                 fix: "write `\(f.key): \(example)` without quotes, digits only")
            return nil
        }
        guard range.contains(value) else {
            fail(f, "\(value) is out of range: must be from \(range.lowerBound) to \(range.upperBound)\(suffix)",
                 fix: "write a value from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    mutating func bool(_ f: Field) -> Bool? {
        if case .scalar(let s) = f.node, !s.isQuoted {
            if s.value == "true" { return true }
            if s.value == "false" { return false }
        }
        fail(f, "must be true or false, not \(Self.shown(f.node))", fix: "write `\(f.key): true` or `\(f.key): false`")
        return nil
    }

    /// An exact decimal at `scale` (never floating point), from `minimum` to `maximum` (both scaled).
    /// `what` names the quantity and its unit in messages ("lots", "base units").
    mutating func decimal(_ f: Field, scale: Int, minimum: Int64, maximum: Int64, unit: String, example: String) -> Int64? {
        let fix = "write an exact decimal such as `\(f.key): \"\(example)\"` (digits and at most one '.')"
        guard case .scalar(let s) = f.node, !s.isNull else {
            fail(f, "must be a decimal number of \(unit), not \(f.node.kindName)", fix: fix)
            return nil
        }
        let text = s.value
        let value: Int64
        switch ExactDecimal.parse(text, scale: scale) {
        case .success(let v): value = v
        case .failure(.empty):
            fail(f, "must be a decimal number of \(unit), not an empty string", fix: fix)
            return nil
        case .failure(.negative):
            fail(f, "'\(text)' is negative; \(f.key) cannot be below \(ExactDecimal.format(minimum, scale: scale))", fix: fix)
            return nil
        case .failure(.malformed(let reason)):
            fail(f, "'\(text)' is not an exact decimal: it has \(reason)", fix: fix)
            return nil
        case .failure(.tooManyFractionDigits(let written, let allowed)):
            fail(f, "'\(text)' has \(written) decimal places; \(f.key) holds at most \(allowed) (1e-\(allowed) \(unit))",
                 fix: "round it to \(allowed) decimal places")
            return nil
        case .failure(.tooLarge):
            value = Int64.max
        }
        guard value <= maximum else {
            fail(f, "'\(text)' is above the largest \(f.key), \(ExactDecimal.format(maximum, scale: scale)) \(unit)",
                 fix: "write at most \"\(ExactDecimal.format(maximum, scale: scale))\"")
            return nil
        }
        guard value >= minimum else {
            let message = minimum == 1 ? "'\(text)' must be greater than zero"
                : "'\(text)' is below the smallest \(f.key), \(ExactDecimal.format(minimum, scale: scale)) \(unit)"
            fail(f, message, fix: fix)
            return nil
        }
        return value
    }

    /// One of `options`, with a did-you-mean for near misses.
    mutating func choice(_ f: Field, options: [String]) -> String? {
        guard case .scalar(let s) = f.node, !s.isNull else {
            fail(f, "must be one of \(options.joined(separator: ", ")), not \(f.node.kindName)", fix: "write `\(f.key): \(options[0])`")
            return nil
        }
        guard options.contains(s.value) else {
            fail(f, "unknown value '\(s.value)'\(Suggest.phrase(s.value, in: options))",
                 fix: "\(f.key) is one of: \(options.joined(separator: ", "))")
            return nil
        }
        return s.value
    }

    enum NamePattern {
        /// Symbols and groups: what the core and the manifest accept.
        case name
        case login
        case pluginID
        case venueSymbol

        var rule: String {
            switch self {
            case .name: "1 to 31 characters: letters, digits, '.', '_' or '-'"
            case .login: "1 to 64 characters: letters, digits, '.', '_', '-' or '@'"
            case .pluginID: "1 to 63 characters: lowercase letters, digits, '.', '_' or '-', starting with a letter or digit"
            case .venueSymbol: "1 to 63 printable characters without spaces"
            }
        }

        func matches(_ text: String) -> Bool {
            let b = Array(text.utf8)
            let alnum: (UInt8) -> Bool = { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }
            let lowerAlnum: (UInt8) -> Bool = { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) }
            let punct: (UInt8) -> Bool = { $0 == 46 || $0 == 95 || $0 == 45 }
            switch self {
            case .name: return (1 ... 31).contains(b.count) && b.allSatisfy { alnum($0) || punct($0) }
            case .login: return (1 ... 64).contains(b.count) && b.allSatisfy { alnum($0) || punct($0) || $0 == 64 }
            case .pluginID:
                guard (1 ... 63).contains(b.count), lowerAlnum(b[0]) else { return false }
                return b.allSatisfy { lowerAlnum($0) || punct($0) }
            case .venueSymbol: return (1 ... 63).contains(b.count) && b.allSatisfy { $0 > 32 && $0 < 127 }
            }
        }
    }

    mutating func name(_ f: Field, pattern: NamePattern, example: String) -> String? {
        guard let text = string(f, example: example) else { return nil }
        guard pattern.matches(text) else {
            fail(f, "'\(text)' is not a valid name", fix: "use \(pattern.rule), e.g. \(example)")
            return nil
        }
        return text
    }

    mutating func currency(_ f: Field) -> Currency? {
        guard let text = string(f, example: "USD") else { return nil }
        guard let currency = Currency(text) else {
            let upper = text.uppercased()
            let hint = Currency(upper) != nil ? "write \(upper)" : "write an ISO 4217 code such as USD, EUR or XAU"
            fail(f, "'\(text)' is not a currency code of three capital letters", fix: hint)
            return nil
        }
        return currency
    }

    /// A file-system path, resolved against the configuration's folder.
    mutating func path(_ f: Field, example: String) -> String? {
        guard let text = string(f, example: example) else { return nil }
        guard text.utf8.count <= 4_095, !text.utf8.contains(0) else {
            fail(f, "is not a usable path (longer than 4095 bytes or holding a NUL)", fix: "write `\(f.key): \(example)`")
            return nil
        }
        return ConfigFile.resolve(text, against: baseDirectory)
    }

    // MARK: secrets and URLs

    static let inlineSecretFix = "put it in the environment variable named by password_env or in a file named by password_file"

    /// `password_env` / `password_file` of a mapping: where a secret is (never the secret).
    mutating func secretSource(_ map: inout ConfigMapping) -> SecretSource? {
        let envField = map.optional("password_env")
        let fileField = map.optional("password_file")
        if let envField, let fileField {
            let later = envField.mark.offset > fileField.mark.offset ? envField : fileField
            fail(later, "password_env and password_file are both given", fix: "keep one of them")
            return nil
        }
        if let envField {
            guard case .scalar(let s) = envField.node, !s.isNull, Self.isEnvironmentName(s.value) else {
                // The value is not shown: a password typed into the wrong key must not reach a log.
                fail(envField, "must be the name of an environment variable (letters, digits and '_', not starting with a digit); the value written is not shown in case it is the secret itself",
                     fix: "write `password_env: RTX_DATABASE_PASSWORD` and export the secret in that variable")
                return nil
            }
            return .environment(name: s.value)
        }
        if let fileField, let resolved = path(fileField, example: "secrets/db-password") {
            return .file(path: resolved)
        }
        return nil
    }

    static func isEnvironmentName(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard (1 ... 128).contains(b.count), !(b[0] >= 48 && b[0] <= 57) else { return false }
        return b.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 }
    }

    /// A server URL, or "" for the private server. Refuses URLs that carry a password. The URL is
    /// never echoed in a message (it may hold a secret).
    mutating func serverURL(_ f: Field, schemes: [String], example: String, service: String) -> String? {
        guard let text = optionalString(f, example: "\"\"") else { return nil }
        if text.isEmpty { return "" }
        let fix = "write `url: \(example)`, or `url: \"\"` for the private \(service) server rtx starts itself"
        guard !text.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) else {
            fail(f, "the \(service) URL contains white space", fix: fix)
            return nil
        }
        guard let separator = text.firstRange(of: "://"),
              schemes.contains(text[..<separator.lowerBound].lowercased()) else {
            fail(f, "is not a \(service) URL (it must start with \(schemes.map { "\($0)://" }.joined(separator: " or ")))", fix: fix)
            return nil
        }
        let rest = text[separator.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        let query = rest.firstIndex(of: "?").map { rest[$0...] } ?? ""
        if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") {
            fail(f, "the \(service) URL carries a password (user:password@); a password written inline is refused",
                 fix: Self.inlineSecretFix + ", and write the URL without it")
            return nil
        }
        if query.lowercased().contains("password=") {
            fail(f, "the \(service) URL carries a password parameter; a password written inline is refused",
                 fix: Self.inlineSecretFix + ", and write the URL without it")
            return nil
        }
        let hostPort = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        if hostPort.isEmpty {
            fail(f, "the \(service) URL names no host", fix: fix)
            return nil
        }
        if !hostPort.hasPrefix("["), let colon = hostPort.lastIndex(of: ":") {
            let port = hostPort[hostPort.index(after: colon)...]
            guard let number = Int(port), (1 ... 65_535).contains(number) else {
                fail(f, "the \(service) URL's port is not a number from 1 to 65535", fix: fix)
                return nil
            }
        }
        return text
    }
}

/// Reads the keys of one mapping: flags duplicate keys at construction and, at `finish`, every
/// key nobody asked for (with a did-you-mean), refusing inline secrets by their key alone.
struct ConfigMapping {
    let path: String
    /// Where the mapping starts: missing keys are reported here.
    let start: SourceMark
    private var pairs: [String: (key: YAMLNode, value: YAMLNode)] = [:]
    private var order: [(String, SourceMark)] = []
    private var asked: [String] = []

    /// Deepest chain of merge keys followed (`<<: *a` where `a` itself merges `b` ...).
    static let maxMergeDepth = 8

    init(_ mapping: YAMLMapping, path: String, reader: inout ConfigReader) {
        self.path = path
        self.start = mapping.start
        var merges: [YAMLNode] = []
        for pair in mapping.pairs {
            guard case .scalar(let key) = pair.key, !key.value.isEmpty else {
                reader.fail(pair.key.start, path.isEmpty ? nil : path, "a key must be a plain name, not \(pair.key.kindName)", fix: "write `name: value`")
                continue
            }
            if key.value == "<<", !key.isQuoted {
                merges.append(pair.value)
                continue
            }
            if let first = pairs[key.value] {
                reader.fail(key.start, child(key.value), "key '\(key.value)' appears twice in this mapping (first at \(first.key.start))",
                            fix: "keep one '\(key.value)'")
                continue
            }
            pairs[key.value] = (pair.key, pair.value)
            order.append((key.value, key.start))
        }
        for merge in merges { self.merge(merge, depth: 1, reader: &reader) }
    }

    /// YAML merge keys (`<<: *defaults` or `<<: [*a, *b]`): the keys of the merged mappings that
    /// this mapping does not set itself; with several, the earlier one wins. Their marks point at
    /// the anchored mapping, so a problem in shared settings is reported where it is written.
    private mutating func merge(_ node: YAMLNode, depth: Int, reader: inout ConfigReader) {
        let fix = "write `<<: *name` where `&name` anchors a mapping of settings (or a list of such aliases)"
        guard depth <= Self.maxMergeDepth else {
            reader.fail(node.start, path.isEmpty ? nil : path, "merge keys nest deeper than \(Self.maxMergeDepth) levels", fix: fix)
            return
        }
        switch node {
        case .sequence(let list):
            for item in list.items {
                guard case .mapping = item else {
                    reader.fail(item.start, path.isEmpty ? nil : path, "a merge key `<<` takes mappings, not \(item.kindName)", fix: fix)
                    continue
                }
                merge(item, depth: depth, reader: &reader)
            }
        case .mapping(let m):
            var nested: [YAMLNode] = []
            for pair in m.pairs {
                guard case .scalar(let key) = pair.key, !key.value.isEmpty else { continue }
                if key.value == "<<", !key.isQuoted { nested.append(pair.value); continue }
                if pairs[key.value] == nil {
                    pairs[key.value] = (pair.key, pair.value)
                    order.append((key.value, key.start))
                }
            }
            for n in nested { merge(n, depth: depth + 1, reader: &reader) }
        default:
            reader.fail(node.start, path.isEmpty ? nil : path, "a merge key `<<` takes a mapping, not \(node.kindName)", fix: fix)
        }
    }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func optional(_ key: String) -> Field? {
        if !asked.contains(key) { asked.append(key) }
        return pairs[key].map { Field(node: $0.value, path: child(key)) }
    }

    mutating func required(_ key: String, fix: String, reader: inout ConfigReader) -> Field? {
        guard let field = optional(key) else {
            reader.fail(start, child(key), "required setting '\(key)' is missing", fix: fix)
            return nil
        }
        return field
    }

    /// Reports the keys that were never asked for. `what` names the mapping ("a symbol").
    func finish(what: String, reader: inout ConfigReader) {
        // At the top level, `x-` keys are free for anchors of shared settings (`x-fx: &fx ...`).
        for (key, mark) in order where !asked.contains(key) && !(path.isEmpty && key.hasPrefix("x-")) {
            if Self.looksLikeSecret(key) {
                reader.fail(mark, child(key), "a password or secret written inline is refused (its value is neither kept nor shown)",
                            fix: ConfigReader.inlineSecretFix)
            } else {
                reader.fail(mark, child(key), "unknown key '\(key)' in \(what)\(Suggest.phrase(key, in: asked))",
                            fix: "keys allowed here: \(asked.joined(separator: ", "))")
            }
        }
    }

    static func looksLikeSecret(_ key: String) -> Bool {
        let k = key.lowercased()
        return ["password", "passwd", "secret", "token", "credential", "private_key"].contains { k.contains($0) }
            || ["pass", "pwd", "api_key", "apikey", "auth"].contains(k)
    }
}
