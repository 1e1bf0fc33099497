#if canImport(Glibc)
import Glibc
#endif
import RTXCore
import RTXPluginHost

/// Reads and validates `rtx.yaml`. Every problem is reported with file:line:column, the
/// setting's path (`symbols[2].volume_step`), what is wrong and what to write instead; all
/// problems of a file are collected, not just the first. Quantities are parsed exactly into
/// the core's fixed-point integers. Secrets are never read here, only where they are.
/// Thread: any; no shared state.
public enum EngineConfigDecoder {
    /// Largest configuration accepted, bytes.
    public static let maxFileBytes = 1 << 20
    public static let maxSymbols = 4_096
    public static let maxGroups = 1_024
    public static let maxAccounts = 10_000
    public static let maxLPBindings = 256
    /// Longest Unix socket path (sun_path is 108 bytes with its NUL).
    public static let maxSocketPathBytes = 107

    /// Reads the file at `path` and decodes it.
    public static func load(path: String) throws(EngineConfigErrors) -> EngineConfig {
        let text: String
        switch ConfigFile.readText(path: path, limitBytes: maxFileBytes) {
        case .success(let t):
            text = t
        case .failure(.system(let code)) where code == ENOENT:
            throw single(path, "the engine configuration \(path) does not exist",
                         fix: "copy the default from the repository root (`git show HEAD:rtx.yaml > \(path)`, or `cp <checkout>/rtx.yaml \(path)`) and edit it, or give the path of an existing file")
        case .failure(let failure):
            throw single(path, "cannot read the engine configuration: \(ConfigFile.describe(failure))",
                         fix: "pass the path of a readable rtx.yaml")
        }
        return try decode(text: text, path: path)
    }

    /// Decodes configuration text; `path` names the file in messages and anchors relative paths.
    public static func decode(text: String, path: String) throws(EngineConfigErrors) -> EngineConfig {
        let root: YAMLNode?
        do {
            root = try YAMLDocumentParser.parse(text)
        } catch {
            let context = error.context.map { " \($0)" } ?? ""
            throw EngineConfigErrors(errors: [EngineConfigError(file: path, mark: error.mark, setting: nil,
                                                                message: "YAML syntax error: \(error.problem)\(context)",
                                                                fix: "check indentation and quoting at this spot")])
        }
        guard let root else {
            throw single(path, "the engine configuration is empty",
                         fix: "start from the default rtx.yaml at the repository root (`version: 1`, `symbols:`, `groups:` ...)")
        }
        var decoder = Decoder(reader: ConfigReader(file: path))
        let config = decoder.decodeRoot(root)
        let errors = decoder.reader.errors
        if !errors.isEmpty {
            let ordered = errors.enumerated().sorted {
                let a = $0.element.mark?.offset ?? -1, b = $1.element.mark?.offset ?? -1
                return a != b ? a < b : $0.offset < $1.offset
            }
            throw EngineConfigErrors(errors: ordered.map(\.element))
        }
        guard let config else { preconditionFailure("a configuration without errors decodes") }
        return config
    }

    private static func single(_ path: String, _ message: String, fix: String) -> EngineConfigErrors {
        EngineConfigErrors(errors: [EngineConfigError(file: path, mark: nil, setting: nil, message: message, fix: fix)])
    }
}

/// The walk over the YAML tree. Each section returns nil where invalid; the reader keeps the errors.
private struct Decoder {
    var reader: ConfigReader
    /// Where the settings checked at start-up are written (`EngineConfig.settingMarks`).
    var marks: [String: SourceMark] = [:]

    /// Lots and units are read at 1e-8 (`Scale.volume`, `Scale.contract`, `Scale.money`).
    static let scale = 8
    static let maxLotsE8: Int64 = 1_000_000 * Scale.volume
    static let maxContractE8: Int64 = 1_000_000_000 * Scale.contract
    static let maxDepositE8: Int64 = 10_000_000_000 * Scale.money

    // MARK: top level

    mutating func decodeRoot(_ root: YAMLNode) -> EngineConfig? {
        guard var map = reader.mapping(Field(node: root, path: ""), what: "the configuration",
                                       fix: "write `version: 1`, `engine:`, `database:`, `redis:`, `symbols:`, `groups:`, `accounts:` and `lp_bindings:` at the top level")
        else { return nil }
        var version: Int?
        if let f = map.required("version", fix: "add `version: 1` as the first line", reader: &reader),
           let v = reader.integer(f, range: 1 ... 1_000_000) {
            if v == 1 { version = v } else {
                reader.fail(f, "configuration version \(v) is not supported; this engine reads version 1", fix: "write `version: 1` (or upgrade rtx)")
            }
        }
        let engine = decodeEngine(map.optional("engine"))
        let database = decodeDatabase(map.optional("database"))
        let redis = decodeRedis(map.optional("redis"))
        var symbolNames: [String] = []
        var symbols: [SymbolConfig]?
        if let f = map.required("symbols", fix: "add a `symbols:` list (see the default rtx.yaml)", reader: &reader) {
            symbols = decodeSymbols(f, names: &symbolNames)
        }
        var groupNames: [String] = []
        var groups: [GroupConfig]?
        if let f = map.required("groups", fix: "add a `groups:` list with at least one account group", reader: &reader) {
            groups = decodeGroups(f, names: &groupNames)
        }
        let accounts = decodeAccounts(map.optional("accounts"), groupNames: groupNames, symbols: symbols)
        let bindings = decodeLPBindings(map.optional("lp_bindings"), symbolNames: symbolNames)
        let market = MarketConfigDecoding.decodeSection(map.optional("market"), reader: &reader)
        let server = ServerConfigDecoding.decodeSection(map.optional("server"), reader: &reader, marks: &marks)
        map.finish(what: "the top level", reader: &reader)
        if let a = database?.privatePort, let b = redis?.privatePort, a == b {
            reader.fail(marks["redis.private_port"], "redis.private_port",
                        "port \(b) is also database.private_port; the two private servers cannot share a port",
                        fix: "give each server its own port, or write 0 to let rtx pick a free one")
            return nil
        }
        guard let version, let engine, let database, let redis, let symbols, let groups, let accounts, let bindings, let market, let server else { return nil }
        var config = EngineConfig(path: reader.file, version: version, engine: engine, database: database, redis: redis,
                            symbols: symbols, groups: groups, accounts: accounts, lpBindings: bindings, settingMarks: marks, market: market)
        config.server = server
        return config
    }

    /// A section that may be absent or empty (all defaults).
    mutating func section(_ f: Field?, fix: String) -> ConfigMapping?? {
        guard let f, !f.isNull else { return .some(nil) }
        guard let map = reader.mapping(f, what: "'\(f.path)'", fix: fix) else { return nil }
        return .some(map)
    }

    // MARK: engine

    mutating func decodeEngine(_ f: Field?) -> EngineSettings? {
        guard let section = section(f, fix: "indent the engine settings (`data:`, `time_tick_ms:` ...) under `engine:`") else { return nil }
        let base = reader.baseDirectory
        var s = EngineSettings.defaults
        s.dataDirectory = ConfigFile.resolve(s.dataDirectory, against: base)
        s.pluginsManifestPath = ConfigFile.resolve(s.pluginsManifestPath, against: base)
        s.controlSocketPath = s.dataDirectory + "/rtx.sock"
        guard var map = section else { return s }
        let before = reader.errors.count
        var dataField: Field?
        if let field = map.optional("data"), let p = reader.path(field, example: ".rtx") {
            s.dataDirectory = p
            s.controlSocketPath = p + "/rtx.sock"
            dataField = field
            marks["engine.control_socket"] = field.mark
        }
        if let field = map.optional("plugins"), let p = reader.path(field, example: "plugins.yaml") { s.pluginsManifestPath = p }
        let socketField = map.optional("control_socket")
        if let socketField, let text = reader.optionalString(socketField, example: "\"\""), !text.isEmpty {
            s.controlSocketPath = ConfigFile.resolve(text, against: base)
            marks["engine.control_socket"] = socketField.mark
        }
        if s.controlSocketPath.utf8.count > EngineConfigDecoder.maxSocketPathBytes {
            let at = socketField ?? dataField
            reader.fail(at?.mark ?? map.start, map.child("control_socket"),
                        "the control socket path \(s.controlSocketPath) is \(s.controlSocketPath.utf8.count) bytes; a Unix socket path holds at most \(EngineConfigDecoder.maxSocketPathBytes)",
                        fix: "set a shorter `control_socket:` (or a shorter `data:` folder)")
        }
        if let field = map.optional("time_tick_ms"), let v = reader.integer(field, range: 1 ... 60_000, unit: "ms") { s.timeTickMs = Int64(v) }
        if let field = map.optional("rollover_utc"), let text = reader.string(field, example: "\"21:00\"") {
            if let minute = SessionText.minuteOfDay(text) {
                s.rolloverMinuteUTC = minute
            } else {
                reader.fail(field, "'\(text)' is not a time of day HH:MM (UTC)",
                            fix: "write two-digit hours 00-23 and minutes 00-59, e.g. `rollover_utc: \"21:00\"`")
            }
        }
        if let field = map.optional("snapshot_every_inputs"), let v = reader.integer(field, range: 1_000 ... 1_000_000_000, unit: "inputs") {
            s.snapshotEveryInputs = v
        }
        var capacityOK = true
        if let field = map.optional("queue_capacity"), let v = reader.integer(field, range: 1_024 ... 16_777_216, unit: "inputs") {
            if v & (v - 1) == 0 {
                s.queueCapacity = v
            } else {
                var power = 1_024
                while power < v { power <<= 1 }
                reader.fail(field, "\(v) is not a power of two (the queue is a ring of 2^n slots)", fix: "write \(power >> 1) or \(power)")
                capacityOK = false
            }
        }
        if let field = map.optional("journal_batch_max"), let v = reader.integer(field, range: 1 ... 65_536, unit: "inputs") {
            if capacityOK, v > s.queueCapacity {
                reader.fail(field, "\(v) is above queue_capacity \(s.queueCapacity): a batch cannot hold more than the queue",
                            fix: "write at most \(s.queueCapacity)")
            } else {
                s.journalBatchMax = v
            }
        }
        map.finish(what: "'engine'", reader: &reader)
        return reader.errors.count == before ? s : nil
    }

    // MARK: database and redis

    mutating func decodeDatabase(_ f: Field?) -> DatabaseSettings? {
        guard let section = section(f, fix: "indent `url:` and `password_env:` under `database:`") else { return nil }
        guard var map = section else { return .defaults }
        let before = reader.errors.count
        var s = DatabaseSettings.defaults
        if let field = map.optional("url"),
           let url = reader.serverURL(field, schemes: ["postgresql", "postgres"], example: "postgresql://rtx@db.example:5432/rtx", service: "PostgreSQL") {
            s.url = url
            marks[field.path] = field.mark
        }
        s.password = reader.secretSource(&map)
        markSecret(&map)
        if let field = map.optional("pool_size"), let v = reader.integer(field, range: 1 ... 64, unit: "connections") { s.poolSize = v }
        if let field = map.optional("connect_timeout_ms"), let v = reader.integer(field, range: 100 ... 120_000, unit: "ms") {
            s.connectTimeoutMs = Int64(v)
            marks[field.path] = field.mark
        }
        if let field = map.optional("private_port") { s.privatePort = privatePort(field, url: s.url) }
        if let field = map.optional("read_models"), let v = reader.bool(field) { s.readModels = v }
        if let field = map.optional("read_model_batch"), let v = reader.integer(field, range: 1 ... 10_000, unit: "records") { s.readModelBatch = v }
        map.finish(what: "'database'", reader: &reader)
        return reader.errors.count == before ? s : nil
    }

    mutating func decodeRedis(_ f: Field?) -> RedisSettings? {
        guard let section = section(f, fix: "indent `url:` under `redis:`") else { return nil }
        guard var map = section else { return .defaults }
        let before = reader.errors.count
        var s = RedisSettings.defaults
        if let field = map.optional("url"),
           let url = reader.serverURL(field, schemes: ["redis", "rediss"], example: "redis://cache.example:6379/0", service: "Redis") {
            s.url = url
            marks[field.path] = field.mark
        }
        s.password = reader.secretSource(&map)
        markSecret(&map)
        if let field = map.optional("quote_ttl_seconds"), let v = reader.integer(field, range: 1 ... 86_400, unit: "s") { s.quoteTTLSeconds = v }
        if let field = map.optional("connect_timeout_ms"), let v = reader.integer(field, range: 100 ... 120_000, unit: "ms") {
            s.connectTimeoutMs = Int64(v)
            marks[field.path] = field.mark
        }
        if let field = map.optional("private_port") { s.privatePort = privatePort(field, url: s.url) }
        map.finish(what: "'redis'", reader: &reader)
        return reader.errors.count == before ? s : nil
    }

    /// Remembers where `password_env` / `password_file` of a server section is written.
    mutating func markSecret(_ map: inout ConfigMapping) {
        for key in ["password_env", "password_file"] {
            if let field = map.optional(key) { marks[field.path] = field.mark }
        }
    }

    /// `private_port`: 0 lets rtx pick a free loopback port (nil), else 1024...65535, and only
    /// for the private server (`url` empty). Invalid values are reported and give nil.
    mutating func privatePort(_ field: Field, url: String) -> UInt16? {
        guard let v = reader.integer(field, range: 0 ... 1_000_000, unit: "(a port 1024...65535, or 0 to pick a free one)") else { return nil }
        marks[field.path] = field.mark
        if v == 0 { return nil }
        guard (1_024 ... 65_535).contains(v) else {
            let why = v < 1_024 ? "below 1024: ports 1...1023 are reserved for system services (and need root)" : "above 65535, the largest TCP port"
            reader.fail(field, "port \(v) is \(why)", fix: "choose a port from 1024 to 65535, or write 0 to let rtx pick a free one")
            return nil
        }
        guard url.isEmpty else {
            reader.fail(field, "private_port applies only to the private server rtx starts itself, but `url:` names a server",
                        fix: "remove private_port (or write 0), or write `url: \"\"` to use the private server")
            return nil
        }
        return UInt16(v)
    }

    // MARK: symbols

    mutating func decodeSymbols(_ f: Field, names: inout [String]) -> [SymbolConfig]? {
        decodeNamedList(f, kind: "symbol", limit: EngineConfigDecoder.maxSymbols, names: &names,
                        listFix: "write each symbol as a `- name: EURUSD` item under `symbols:`",
                        empty: ("the list is empty; the engine needs at least one symbol", "add `- name: EURUSD` with its contract (see the default rtx.yaml)")) {
            $0.decodeSymbol($1, nameField: &$2)
        }
    }

    /// A non-empty list of named items (symbols, groups): each decoded by `item`, every name
    /// unique (a repeat is reported at its place with the first one's); the names in order go
    /// to `names`. Nil when anything was reported.
    mutating func decodeNamedList<T>(_ f: Field, kind: String, limit: Int, names: inout [String], listFix: String, empty: (message: String, fix: String),
                                     item: (inout Self, Field, inout Field?) -> T?) -> [T]? {
        guard let items = reader.list(f, fix: listFix, limit: limit) else { return nil }
        guard !items.isEmpty else {
            reader.fail(f, empty.message, fix: empty.fix)
            return nil
        }
        var result: [T] = []
        var firstSeen: [String: SourceMark] = [:]
        var ok = true
        for entry in items {
            var nameField: Field?
            let decoded = item(&self, entry, &nameField)
            guard let nameField, case .scalar(let s) = nameField.node, ReaderPatterns.name(s.value) else { ok = false; continue }
            if let first = firstSeen[s.value] {
                reader.fail(nameField, "\(kind) '\(s.value)' is defined twice (first at \(first))", fix: "give each \(kind) a unique name")
                ok = false
                continue
            }
            firstSeen[s.value] = nameField.mark
            names.append(s.value)
            if let decoded { result.append(decoded) } else { ok = false }
        }
        return ok ? result : nil
    }

    mutating func decodeSymbol(_ f: Field, nameField: inout Field?) -> SymbolConfig? {
        guard var map = reader.mapping(f, what: "a symbol", fix: "write `- name: EURUSD`, `digits:`, `contract_size:`, `volume_min:` ... (see the default rtx.yaml)") else {
            return nil
        }
        let before = reader.errors.count
        nameField = map.required("name", fix: "add `name: EURUSD` (1 to 31 letters, digits, '.', '_' or '-')", reader: &reader)
        let name = nameField.flatMap { reader.name($0, pattern: .name, example: "EURUSD") }
        var description = ""
        if let field = map.optional("description"), let text = reader.optionalString(field, example: "\"Euro vs US Dollar\"") {
            if text.utf8.count <= 63 { description = text } else {
                reader.fail(field, "the description is \(text.utf8.count) bytes; at most 63 are kept", fix: "shorten it")
            }
        }
        let digits = map.required("digits", fix: "add `digits: 5` (price decimals: 5 for EURUSD, 3 for USDJPY, 2 for XAUUSD)", reader: &reader)
            .flatMap { reader.integer($0, range: 0 ... Scale.maxDigits, unit: "decimals") }
        let contract = map.required("contract_size", fix: "add `contract_size: \"100000\"` (base units per lot)", reader: &reader)
            .flatMap { reader.decimal($0, scale: Self.scale, minimum: 1, maximum: Self.maxContractE8, unit: "base units per lot", example: "100000") }
        var volumes: [Int64?] = []
        for (key, example) in [("volume_min", "0.01"), ("volume_max", "100"), ("volume_step", "0.01")] {
            let field = map.required(key, fix: "add `\(key): \"\(example)\"` (lots)", reader: &reader)
            volumes.append(field.flatMap { reader.decimal($0, scale: Self.scale, minimum: 1, maximum: Self.maxLotsE8, unit: "lots", example: example) })
        }
        let margin = map.required("margin_currency", fix: "add `margin_currency: EUR` (the base currency for FX)", reader: &reader)
            .flatMap { reader.currency($0) }
        let profit = map.required("profit_currency", fix: "add `profit_currency: USD` (the quote currency for FX)", reader: &reader)
            .flatMap { reader.currency($0) }
        var stopDistance = 0
        if let field = map.optional("min_stop_distance_points"), let v = reader.integer(field, range: 0 ... 10_000_000, unit: "points") {
            stopDistance = v
        }
        let sessions = map.required("sessions", fix: "add `sessions: forex` (or `always`, or a list of windows such as [\"sun 22:00 - fri 22:00\"])",
                                    reader: &reader).flatMap { decodeSessions($0) }
        var quoteAge = 10_000
        if let field = map.optional("max_quote_age_ms"), let v = reader.integer(field, range: 1 ... 86_400_000, unit: "ms") { quoteAge = v }
        var trading = TradingState.full
        if let field = map.optional("trading"), let text = reader.choice(field, options: ["full", "close_only", "disabled"]) {
            trading = text == "full" ? .full : text == "close_only" ? .closeOnly : .disabled
        }
        let quote = MarketConfigDecoding.decodeOverrides(&map, reader: &reader)
        map.finish(what: "a symbol", reader: &reader)

        // Relations between the volume settings, each reported where it is written.
        if let minimum = volumes[0], let maximum = volumes[1], let step = volumes[2] {
            let fields = ["volume_min", "volume_max", "volume_step"].map { map.optional($0)! }
            let show = { (v: Int64) in ExactDecimal.format(v, scale: Self.scale) }
            if minimum % step != 0 {
                let lower = minimum / step * step
                let nearest = lower == 0 ? step : lower
                reader.fail(fields[0], "volume_min \(show(minimum)) is not a multiple of volume_step \(show(step))",
                            fix: "make volume_min a whole number of steps, e.g. \"\(show(nearest))\"")
            }
            if maximum < minimum {
                reader.fail(fields[1], "volume_max \(show(maximum)) is below volume_min \(show(minimum))", fix: "write a volume_max of at least \"\(show(minimum))\"")
            } else if maximum % step != 0 {
                reader.fail(fields[1], "volume_max \(show(maximum)) is not a multiple of volume_step \(show(step)), so it could never be ordered",
                            fix: "write \"\(show(maximum / step * step))\"")
            }
        }
        guard reader.errors.count == before, let name, let digits, let contract, let minimum = volumes[0], let maximum = volumes[1],
              let step = volumes[2], let margin, let profit, let sessions else { return nil }
        return SymbolConfig(name: name, description: description, digits: digits, contractSizeE8: contract, volumeMin: minimum,
                            volumeMax: maximum, volumeStep: step, marginCurrency: margin, profitCurrency: profit,
                            minStopDistanceTicks: Int64(stopDistance), sessions: sessions, maxQuoteAgeMs: Int64(quoteAge),
                            tradingState: trading, quote: quote, mark: f.mark)
    }

    mutating func decodeSessions(_ f: Field) -> TradingSessions? {
        let fix = "write `sessions: forex`, `sessions: always`, or a list of windows such as [\"sun 22:00 - fri 22:00\"] (UTC)"
        switch f.node {
        case .scalar(let s) where !s.isNull:
            switch s.value {
            case "forex": return .forex
            case "always": return .always
            default:
                reader.fail(f, "unknown sessions '\(s.value)'\(Suggest.phrase(s.value, in: ["forex", "always"]))", fix: fix)
                return nil
            }
        case .sequence(let list):
            guard !list.items.isEmpty else {
                reader.fail(f, "the list of trading windows is empty, so the symbol would never trade",
                            fix: "list its windows, write `sessions: always` for a market that never closes, or set `trading: disabled`")
                return nil
            }
            var windows: [(TradingSessions.Window, Field)] = []
            var ok = true
            for (i, node) in list.items.enumerated() {
                let item = Field(node: node, path: "\(f.path)[\(i)]")
                guard case .scalar(let s) = node, !s.isNull else {
                    reader.fail(item, "a trading window must be a text such as \"sun 22:00 - fri 22:00\", not \(node.kindName)", fix: fix)
                    ok = false
                    continue
                }
                switch SessionText.parseWindow(s.value) {
                case .success(let parts): windows += parts.map { ($0, item) }
                case .failure(let problem):
                    reader.fail(item, problem.message, fix: problem.fix)
                    ok = false
                }
            }
            guard ok else { return nil }
            let sorted = windows.enumerated().sorted {
                $0.element.0.startMinute != $1.element.0.startMinute ? $0.element.0.startMinute < $1.element.0.startMinute : $0.offset < $1.offset
            }.map(\.element)
            for k in sorted.indices.dropFirst() where sorted[k].0.startMinute < sorted[k - 1].0.endMinute {
                let later = sorted[k].1.mark.offset >= sorted[k - 1].1.mark.offset ? sorted[k].1 : sorted[k - 1].1
                reader.fail(later, "windows '\(SessionText.format(sorted[k - 1].0))' and '\(SessionText.format(sorted[k].0))' overlap",
                            fix: "merge them into one window or move one of them")
                return nil
            }
            return TradingSessions(windows: sorted.map(\.0))
        default:
            reader.fail(f, "must be forex, always or a list of windows, not \(f.node.kindName)", fix: fix)
            return nil
        }
    }

    // MARK: groups

    mutating func decodeGroups(_ f: Field, names: inout [String]) -> [GroupConfig]? {
        decodeNamedList(f, kind: "group", limit: EngineConfigDecoder.maxGroups, names: &names,
                        listFix: "write each group as a `- name: retail` item under `groups:`",
                        empty: ("the list is empty; every account needs a group", "add `- name: retail` (see the default rtx.yaml)")) {
            $0.decodeGroup($1, nameField: &$2)
        }
    }

    mutating func decodeGroup(_ f: Field, nameField: inout Field?) -> GroupConfig? {
        guard var map = reader.mapping(f, what: "a group", fix: "write `- name: retail`, `margin_call_percent:`, `stop_out_percent:` ...") else {
            return nil
        }
        let before = reader.errors.count
        nameField = map.required("name", fix: "add `name: retail` (the name plugins.yaml binds routing and fees to)", reader: &reader)
        let name = nameField.flatMap { reader.name($0, pattern: .name, example: "retail") }
        var marginCall = 100, stopOut = 50, rearm = 5, maxPositions = 0, timeout = 5_000
        var nbp = false
        var maxVolume: Int64 = 0
        let marginCallField = map.optional("margin_call_percent")
        if let marginCallField, let v = reader.integer(marginCallField, range: 0 ... 100_000, unit: "%") { marginCall = v }
        let stopOutField = map.optional("stop_out_percent")
        if let stopOutField, let v = reader.integer(stopOutField, range: 0 ... 100_000, unit: "%") { stopOut = v }
        if let field = map.optional("margin_call_rearm_percent"), let v = reader.integer(field, range: 0 ... 1_000, unit: "points") { rearm = v }
        if let field = map.optional("max_order_volume"),
           let v = reader.decimal(field, scale: Self.scale, minimum: 0, maximum: Self.maxLotsE8, unit: "lots", example: "50") { maxVolume = v }
        if let field = map.optional("max_open_positions"), let v = reader.integer(field, range: 0 ... 1_000_000, unit: "positions") { maxPositions = v }
        if let field = map.optional("a_book_timeout_ms"), let v = reader.integer(field, range: 1 ... 600_000, unit: "ms") { timeout = v }
        if let field = map.optional("negative_balance_protection"), let v = reader.bool(field) { nbp = v }
        map.finish(what: "a group", reader: &reader)
        if reader.errors.count == before, stopOut > marginCall {
            reader.fail(stopOutField ?? marginCallField ?? f, "stop out level \(stopOut)% is above the margin call level \(marginCall)%",
                        fix: "the margin call must come first: make stop_out_percent at most margin_call_percent (e.g. 50 and 100)")
        }
        guard reader.errors.count == before, let name else { return nil }
        return GroupConfig(name: name, marginCallLevelPercent: Int64(marginCall), stopOutLevelPercent: Int64(stopOut),
                           marginCallRearmPercent: Int64(rearm), maxOrderVolume: maxVolume, maxOpenPositions: maxPositions,
                           aBookTimeoutMs: Int64(timeout), negativeBalanceProtection: nbp, mark: f.mark)
    }

    // MARK: accounts

    mutating func decodeAccounts(_ f: Field?, groupNames: [String], symbols: [SymbolConfig]?) -> [AccountConfig]? {
        guard let f, !f.isNull else { return [] }
        guard let items = reader.list(f, fix: "write each account as a `- id: 1001` item under `accounts:`", limit: EngineConfigDecoder.maxAccounts) else {
            return nil
        }
        var result: [AccountConfig] = []
        var ids: [AccountID: SourceMark] = [:]
        var logins: [String: SourceMark] = [:]
        var ok = true
        for item in items {
            guard let account = decodeAccount(item, groupNames: groupNames, symbols: symbols) else { ok = false; continue }
            let (config, idField, loginField) = account
            if let first = ids[config.id] {
                reader.fail(idField, "account id \(config.id) is used twice (first at \(first))", fix: "give each account a unique id")
                ok = false
                continue
            }
            ids[config.id] = idField.mark
            if let login = config.login, let loginField {
                if let first = logins[login.lowercased()] {
                    reader.fail(loginField, "login '\(login)' is used twice (first at \(first); logins are compared without case)",
                                fix: "give each account its own login")
                    ok = false
                    continue
                }
                logins[login.lowercased()] = loginField.mark
            }
            result.append(config)
        }
        return ok ? result : nil
    }

    mutating func decodeAccount(_ f: Field, groupNames: [String], symbols: [SymbolConfig]?) -> (AccountConfig, Field, Field?)? {
        guard var map = reader.mapping(f, what: "an account", fix: "write `- id: 1001`, `group:`, `currency:`, `leverage:`, `deposit:`") else {
            return nil
        }
        let before = reader.errors.count
        let idField = map.required("id", fix: "add `id: 1001` (the broker's account number)", reader: &reader)
        let id = idField.flatMap { reader.integer($0, range: 1 ... Int(Int64.max)) }
        var group: String?
        if let field = map.required("group", fix: "add `group: <one of the groups above>`", reader: &reader),
           let text = reader.string(field, example: groupNames.first ?? "retail") {
            if groupNames.contains(text) {
                group = text
            } else {
                reader.fail(field, "unknown group '\(text)'\(Suggest.phrase(text, in: groupNames))",
                            fix: groupNames.isEmpty ? "define the group under `groups:`" : "groups defined here: \(groupNames.joined(separator: ", "))")
            }
        }
        let currencyField = map.required("currency", fix: "add `currency: USD`", reader: &reader)
        let currency = currencyField.flatMap { reader.currency($0) }
        let leverage = map.required("leverage", fix: "add `leverage: 100` (1:100)", reader: &reader)
            .flatMap { reader.integer($0, range: 1 ... 10_000, unit: "(1:N)") }
        var mode = PositionMode.hedging
        if let field = map.optional("mode"), let text = reader.choice(field, options: ["hedging", "netting"]) {
            mode = text == "hedging" ? .hedging : .netting
        }
        var deposit: Int64 = 0
        if let field = map.optional("deposit"),
           let v = reader.decimal(field, scale: Self.scale, minimum: 0, maximum: Self.maxDepositE8, unit: "units of the account currency", example: "10000") {
            deposit = v
        }
        let loginField = map.optional("login")
        let login = loginField.flatMap { reader.name($0, pattern: .login, example: "demo1") }
        let password = reader.secretSource(&map)
        if password != nil, loginField == nil {
            reader.fail(map.optional("password_env") ?? map.optional("password_file") ?? f, "a password is given for an account without a login",
                        fix: "add `login:` or remove the password setting")
        }
        var passwordHash: String?
        if let field = map.optional("password_hash"), let text = reader.string(field, example: "$2b$12$...") {
            if !ReaderPatterns.isBcryptHash(text) {
                reader.fail(field, "not a bcrypt hash (60 characters: $2a$, $2b$ or $2y$, a cost 04...31, '$', 53 more); the value is not shown in case it is a password",
                            fix: "write the output of `rtx hash-password`, or use password_env / password_file")
            } else if password != nil {
                reader.fail(field, "password_hash and password_env / password_file are both given", fix: "keep one of them")
            } else if loginField == nil {
                reader.fail(field, "a password is given for an account without a login", fix: "add `login:` or remove password_hash")
            } else {
                passwordHash = text
            }
        }
        map.finish(what: "an account", reader: &reader)
        if let currency, let currencyField, let symbols, !symbols.isEmpty,
           !symbols.contains(where: { $0.marginCurrency == currency || $0.profitCurrency == currency }) {
            let known = Set(symbols.flatMap { [$0.marginCurrency, $0.profitCurrency] }).sorted().map(\.description)
            reader.fail(currencyField, "no symbol is priced in or margined in \(currency), so nothing this account trades could be converted to it",
                        fix: "use one of \(known.joined(separator: ", ")), or define a symbol that converts \(currency) (e.g. USD\(currency))")
        }
        guard reader.errors.count == before, let id, let idField, let group, let currency, let leverage else { return nil }
        let config = AccountConfig(id: AccountID(id), group: group, currency: currency, leverage: Int64(leverage), mode: mode,
                                   deposit: deposit, login: login, password: password, mark: f.mark)
        var withHash = config
        withHash.passwordHash = passwordHash
        return (withHash, idField, loginField)
    }

    // MARK: LP bindings

    mutating func decodeLPBindings(_ f: Field?, symbolNames: [String]) -> [LPBindingConfig]? {
        guard let f, !f.isNull else { return [] }
        guard let items = reader.list(f, fix: "write each binding as `- lp: <lp-adapter id>` with a `symbols:` mapping", limit: EngineConfigDecoder.maxLPBindings) else {
            return nil
        }
        var result: [LPBindingConfig] = []
        var firstSeen: [String: SourceMark] = [:]
        var ok = true
        for item in items {
            guard var map = reader.mapping(item, what: "an LP binding", fix: "write `- lp: <lp-adapter id>` and `symbols: { \"EUR/USD\": EURUSD }`") else {
                ok = false
                continue
            }
            let before = reader.errors.count
            let lpField = map.required("lp", fix: "add `lp: <the id of an lp-adapter plugin in plugins.yaml>`", reader: &reader)
            let lp = lpField.flatMap { reader.name($0, pattern: .pluginID, example: "synthetic") }
            let symbolsField = map.required("symbols", fix: "add `symbols: { \"EUR/USD\": EURUSD }` (the LP's name: the engine's symbol)", reader: &reader)
            map.finish(what: "an LP binding", reader: &reader)
            var mappings: [LPSymbolMapping] = []
            if let symbolsField { mappings = decodeLPSymbols(symbolsField, symbolNames: symbolNames) }
            if let lp, let lpField {
                if let first = firstSeen[lp] {
                    reader.fail(lpField, "LP '\(lp)' is bound twice (first at \(first))", fix: "list all of its symbols under one binding")
                } else {
                    firstSeen[lp] = lpField.mark
                }
            }
            guard reader.errors.count == before, let lp else { ok = false; continue }
            result.append(LPBindingConfig(lp: lp, symbols: mappings, mark: item.mark))
        }
        return ok ? result : nil
    }

    /// `symbols:` of an LP binding: the LP's name → the engine's symbol, block or flow style.
    mutating func decodeLPSymbols(_ f: Field, symbolNames: [String]) -> [LPSymbolMapping] {
        guard case .mapping(let m) = f.node else {
            reader.fail(f, "must be a mapping of the LP's names to the engine's symbols, not \(f.node.kindName)",
                        fix: "write `symbols: { \"EUR/USD\": EURUSD }` or one `\"EUR/USD\": EURUSD` line per symbol")
            return []
        }
        guard !m.pairs.isEmpty else {
            reader.fail(f, "the mapping is empty, so the LP would serve no symbol", fix: "add `\"EUR/USD\": EURUSD` for each symbol the LP quotes")
            return []
        }
        var result: [LPSymbolMapping] = []
        var lpNames: [String: SourceMark] = [:]
        var engineNames: [String: String] = [:]
        for pair in m.pairs {
            guard case .scalar(let key) = pair.key, !key.isNull, ReaderPatterns.venueSymbol(key.value) else {
                reader.fail(pair.key.start, f.path, "the LP's symbol name \(ConfigReader.shown(pair.key)) is not 1 to 63 printable characters without spaces",
                            fix: "write the name exactly as the LP sends it, quoted: \"EUR/USD\"")
                continue
            }
            if let first = lpNames[key.value] {
                reader.fail(key.start, f.path, "the LP's name '\(key.value)' is mapped twice (first at \(first))", fix: "keep one mapping per LP name")
                continue
            }
            lpNames[key.value] = key.start
            guard case .scalar(let value) = pair.value, !value.isNull else {
                reader.fail(pair.value.start, f.path, "the LP's '\(key.value)' maps to \(pair.value.kindName), not an engine symbol",
                            fix: "write `\"\(key.value)\": EURUSD` with a symbol defined under `symbols:`")
                continue
            }
            guard symbolNames.contains(value.value) else {
                reader.fail(pair.value.start, f.path, "unknown symbol '\(value.value)'\(Suggest.phrase(value.value, in: symbolNames))",
                            fix: "map the LP's '\(key.value)' to a symbol defined under `symbols:` (\(symbolNames.joined(separator: ", ")))")
                continue
            }
            if let other = engineNames[value.value] {
                reader.fail(pair.value.start, f.path, "symbol '\(value.value)' is given two LP names ('\(other)' and '\(key.value)')",
                            fix: "keep one LP name per symbol")
                continue
            }
            engineNames[value.value] = key.value
            result.append(LPSymbolMapping(lpSymbol: key.value, symbol: value.value, mark: key.start))
        }
        return result
    }
}

/// Name checks used outside the typed readers (without reporting).
enum ReaderPatterns {
    /// `$2a$`/`$2b$`/`$2y$`, a two-digit cost 04...31, `$`, 53 characters of bcrypt's base64.
    static func isBcryptHash(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count == 60, b[0] == 36, b[1] == 50, [97, 98, 121].contains(b[2]), b[3] == 36, b[6] == 36,
              let cost = Int(String(decoding: b[4 ... 5], as: UTF8.self)), (4 ... 31).contains(cost) else { return false }
        return b[7...].allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 46 || $0 == 47 }
    }

    static func name(_ text: String) -> Bool { ConfigReader.NamePattern.name.matches(text) }
    static func venueSymbol(_ text: String) -> Bool { ConfigReader.NamePattern.venueSymbol.matches(text) }
}
