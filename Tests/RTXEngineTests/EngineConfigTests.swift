import Foundation
import RTXCore
@testable import RTXEngine
import RTXPluginHost
import Testing

/// Paths of the repository, found from this file's location.
private enum Repo {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0 ..< 3 { url.deleteLastPathComponent() }
        return url.path
    }()
}

/// A fresh temporary folder, removed when the value goes away.
private final class Scratch {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("rtx-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ text: String, to name: String) throws -> String {
        let file = path + "/" + name
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Decodes a plugin manifest here, with an empty stand-in file for every library it names
    /// (the manifest decoder only checks that each path is a regular file).
    func manifest(_ text: String) throws -> Manifest {
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("path: ") { try write("", to: String(trimmed.dropFirst(6))) }
        }
        return try ManifestDecoder.decode(text: text, path: try write(text, to: "plugins.yaml"))
    }
}

private let USD = Currency("USD")!
private let EUR = Currency("EUR")!
private let XAU = Currency("XAU")!

@Suite struct EngineConfigTests {
    // MARK: the shipped rtx.yaml

    static func shipped() throws -> EngineConfig { try EngineConfigDecoder.load(path: Repo.root + "/rtx.yaml") }

    @Test func shippedConfigDecodes() throws {
        let config = try Self.shipped()
        #expect(config.version == 1)
        #expect(config.symbols.map(\.name) == ["EURUSD", "GBPUSD", "USDJPY", "EURGBP", "XAUUSD", "BTCUSD", "ETHUSD"])
        #expect(config.groups.map(\.name) == ["retail", "vip", "abook"])
        #expect(config.accounts.map(\.id) == [1001, 1002, 1003, 1004])
        #expect(Set(config.accounts.map(\.currency)) == [USD, EUR])
        #expect(config.accounts.compactMap(\.login) == ["demo1", "demo2", "demo3", "demo4"])
        #expect(config.groups.allSatisfy { $0.marginCallLevelPercent == 100 && $0.stopOutLevelPercent == 50 })
        #expect(config.lpBindings.map(\.lp) == ["synthetic", "swift-walk"])
        #expect(config.lpBinding(for: "synthetic")?.engineSymbol(forLPSymbol: "USDJPY") == "USDJPY")
        #expect(config.engine.dataDirectory == Repo.root + "/.rtx")
        #expect(config.engine.controlSocketPath == Repo.root + "/.rtx/rtx.sock")
        #expect(config.engine.pluginsManifestPath == Repo.root + "/plugins.yaml")
        #expect(config.engine.rolloverMinuteUTC == 21 * 60)
        #expect(config.engine.queueCapacity == 65_536 && config.engine.journalBatchMax == 2_048)
        #expect(config.database.usesPrivateServer && config.redis.usesPrivateServer)
        #expect(config.database.password == .environment(name: "RTX_DATABASE_PASSWORD"))
        #expect(config.symbol(named: "EURUSD")?.sessions == .forex)
        #expect(config.symbol(named: "BTCUSD")?.sessions == .always)
        #expect(config.symbol(named: "XAUUSD")?.sessions.windows.count == 5)
    }

    /// Every spec the shipped file produces is accepted by a real core, deposits arrive, and an
    /// order of each symbol's minimum volume fills.
    @Test func shippedConfigIsAcceptedByTheCore() throws {
        let config = try Self.shipped()
        var core = TradingCore()
        var sequence: UInt64 = 0
        let wednesdayNoon: Int64 = 1_704_283_200_000_000_000    // 2024-01-03 12:00 UTC
        func apply(_ command: Command) -> [CoreEvent] {
            sequence += 1
            core.apply(Envelope(sequence: sequence, timeNs: wednesdayNoon + Int64(sequence) * 1_000_000, command: command))
            return core.events
        }
        let commands = config.firstStartCommands()
        #expect(commands.count == 7 + 3 + 4 * 2)
        for command in commands {
            let events = apply(command)
            for case .commandRejected(_, let reason) in events { Issue.record("\(command) rejected: \(reason)") }
        }
        #expect(core.accountSummary(1001)?.balance == 1_000_000_000_000)
        #expect(core.accountSummary(1002)?.balance == 500_000_000_000)
        #expect(core.accountSummary(1003)?.balance == 25_000_000_000_000)
        #expect(core.accountSummary(1004)?.balance == 2_500_050_000_000)
        #expect(core.accountSummary(1004)?.group == 2)
        #expect(core.groupSpec(of: 1002) == config.groups[0].groupSpec())

        // Quotes for every symbol, then the smallest order of each from the USD account 1001.
        let prices: [String: (Int64, Int64)] = ["EURUSD": (108_500, 108_508), "GBPUSD": (126_500, 126_510), "USDJPY": (151_200, 151_212),
                                                "EURGBP": (85_700, 85_712), "XAUUSD": (234_500, 234_550), "BTCUSD": (6_500_000, 6_501_500),
                                                "ETHUSD": (340_000, 340_120)]
        for (i, symbol) in config.symbols.enumerated() {
            let (bid, ask) = try #require(prices[symbol.name])
            let events = apply(.quote(symbol: SymbolIndex(i), bidTicks: bid, askTicks: ask))
            for case .commandRejected(_, let reason) in events { Issue.record("quote \(symbol.name) rejected: \(reason)") }
        }
        for (i, symbol) in config.symbols.enumerated() {
            let order = MarketOrderRequest(account: 1001, clientOrderID: .none, symbol: SymbolIndex(i), side: .buy, volume: symbol.volumeMin)
            let events = apply(.placeMarketOrder(order))
            let filled = events.contains { if case .order(let o) = $0 { o.state == .filled } else { false } }
            #expect(filled, "\(symbol.name): \(events)")
        }
        #expect(core.positions(of: 1001).count == config.symbols.count)
    }

    @Test func shippedConfigAgreesWithShippedPluginManifest() throws {
        let config = try Self.shipped()
        let scratch = try Scratch()
        let manifest = try scratch.manifest(String(contentsOfFile: Repo.root + "/plugins.yaml", encoding: .utf8))
        #expect(config.problems(with: manifest) == [])
        // Every group plugins.yaml routes exists here, and every symbol it binds.
        #expect(Set(manifest.groups.map(\.group)).isSubset(of: config.groups.map(\.name)))
        #expect(Set(manifest.symbols.map(\.symbol)).isSubset(of: config.symbols.map(\.name)))
    }

    @Test func shippedConfigHasACommentOnEveryValue() throws {
        let text = try String(contentsOfFile: Repo.root + "/rtx.yaml", encoding: .utf8)
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            // Blank lines, comment lines and the keys that open a section or list hold no value.
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasSuffix(":") { continue }
            #expect(line.contains(" # "), "rtx.yaml:\(number + 1) has no comment: \(line)")
        }
    }

    @Test func conversionGapsOfTheShippedConfig() throws {
        let gaps = try Self.shipped().conversionGaps()
        // Only the EUR account lacks conversions: JPY, XAU, BTC and ETH reach EUR through no one symbol.
        #expect(gaps.map(\.account) == [1002, 1002, 1002, 1002])
        #expect(gaps.map(\.symbol) == ["USDJPY", "XAUUSD", "BTCUSD", "ETHUSD"])
        #expect(gaps.map(\.currency.description) == ["JPY", "XAU", "BTC", "ETH"])
    }

    // MARK: conversions, checked by hand

    @Test func handCheckedConversions() throws {
        let config = try Self.shipped()
        let eurusd = try #require(config.symbol(named: "EURUSD"))
        #expect(eurusd.contractSizeE8 == 10_000_000_000_000)    // 100000 × 1e8
        #expect(eurusd.volumeMin == 1_000_000)                  // 0.01 × 1e8
        #expect(eurusd.volumeMax == 10_000_000_000)             // 100 × 1e8
        #expect(eurusd.volumeStep == 1_000_000)
        #expect(eurusd.symbolSpec() == SymbolSpec(
            name: "EURUSD", digits: 5, contractSizeE8: 10_000_000_000_000, volumeMin: 1_000_000, volumeMax: 10_000_000_000,
            volumeStep: 1_000_000, marginCurrency: EUR, profitCurrency: USD, minStopDistanceTicks: 10, tradingState: .full,
            sessions: .forex, maxQuoteAgeMs: 10_000))
        let xau = try #require(config.symbol(named: "XAUUSD"))
        #expect(xau.contractSizeE8 == 10_000_000_000)           // 100 oz × 1e8
        #expect(xau.marginCurrency == XAU && xau.digits == 2)
        #expect(xau.sessions.windows.first == TradingSessions.Window(startMinute: 23 * 60, endMinute: 1_440 + 22 * 60))
        #expect(config.symbol(named: "BTCUSD")?.contractSizeE8 == 100_000_000)
        #expect(config.symbol(named: "ETHUSD")?.volumeStep == 10_000_000)    // 0.1 × 1e8
        #expect(config.accounts[0].deposit == 1_000_000_000_000)                  // "10000" × 1e8
        #expect(config.accounts[3].deposit == 2_500_050_000_000)                  // "25000.50" × 1e8
        #expect(config.group(named: "retail")?.groupSpec() == GroupSpec(
            name: "retail", marginCallLevelPercent: 100, stopOutLevelPercent: 50, maxOrderVolume: 5_000_000_000, maxOpenPositions: 200,
            aBookTimeoutMs: 5_000, negativeBalanceProtection: true, marginCallRearmPercent: 5))
        let openings = config.accountOpenings()
        #expect(openings[0] == AccountOpening(spec: AccountSpec(id: 1001, group: 0, currency: USD, leverage: 30, mode: .hedging),
                                              deposit: 1_000_000_000_000))
        #expect(openings[1].spec == AccountSpec(id: 1002, group: 0, currency: EUR, leverage: 30, mode: .netting))
        #expect(openings[2].spec.group == 1 && openings[3].spec.group == 2)
    }

    @Test func exactDecimalParsing() {
        func parse(_ text: String, _ scale: Int = 8) -> Result<Int64, ExactDecimal.Problem> { ExactDecimal.parse(text, scale: scale) }
        #expect(parse("100000") == .success(10_000_000_000_000))
        #expect(parse("0.01") == .success(1_000_000))
        #expect(parse("10000") == .success(1_000_000_000_000))
        #expect(parse("0.00000001") == .success(1))
        #expect(parse("007.50") == .success(750_000_000))
        #expect(parse("0.0100000000") == .success(1_000_000))    // zeros past the scale are exact
        #expect(parse("92233720368.54775807") == .success(Int64.max))
        #expect(parse("92233720368.54775808") == .failure(.tooLarge))
        #expect(parse("123", 0) == .success(123))
        #expect(parse("1.5", 0) == .failure(.tooManyFractionDigits(written: 1, allowed: 0)))
        #expect(parse("0.000000001") == .failure(.tooManyFractionDigits(written: 9, allowed: 8)))
        #expect(parse("") == .failure(.empty))
        #expect(parse("-1") == .failure(.negative))
        #expect(parse("+1") == .failure(.malformed(reason: "a sign")))
        #expect(parse("1e5") == .failure(.malformed(reason: "exponent notation")))
        #expect(parse("100_000") == .failure(.malformed(reason: "a digit separator")))
        #expect(parse("100,000") == .failure(.malformed(reason: "a digit separator")))
        #expect(parse("1 000") == .failure(.malformed(reason: "a space")))
        #expect(parse(".5") == .failure(.malformed(reason: "no digit before the decimal point")))
        #expect(parse("5.") == .failure(.malformed(reason: "no digit after the decimal point")))
        #expect(parse("1.2.3") == .failure(.malformed(reason: "two decimal points")))
        #expect(parse(".inf") == .failure(.malformed(reason: "a character that is not a digit")))
        #expect(parse("0x10") == .failure(.malformed(reason: "a character that is not a digit")))
        for (value, text) in [(Int64(1_000_000), "0.01"), (10_000_000_000_000, "100000"), (1, "0.00000001"), (2_500_050_000_000, "25000.5"), (0, "0"),
                              (-150_000_000, "-1.5")] {
            #expect(ExactDecimal.format(value, scale: 8) == text)
        }
        // Round trip over awkward values.
        for value: Int64 in [1, 9, 10, 99_999_999, 100_000_000, 123_456_789_012, Int64.max] {
            #expect(parse(ExactDecimal.format(value, scale: 8)) == .success(value))
        }
    }

    @Test func sessionWindows() throws {
        #expect(try SessionText.parseWindow("sun 22:00 - fri 22:00").get() == TradingSessions.forex.windows)
        #expect(try SessionText.parseWindow("Sunday 22:00 - FRI 22:00").get() == TradingSessions.forex.windows)
        #expect(try SessionText.parseWindow("mon 00:00 - sat 24:00").get() == [.init(startMinute: 1_440, endMinute: 10_080)])
        // Over the week's turn: two core windows.
        #expect(try SessionText.parseWindow("sat 22:00 - sun 02:00").get() == [.init(startMinute: 0, endMinute: 120),
                                                                              .init(startMinute: 6 * 1_440 + 22 * 60, endMinute: 10_080)])
        #expect(try SessionText.parseWindow("sat 22:00 - sun 00:00").get() == [.init(startMinute: 6 * 1_440 + 22 * 60, endMinute: 10_080)])
        if case .success = SessionText.parseWindow("mon 10:00 - mon 10:00") { Issue.record("an empty window was accepted") }
        if case .success = SessionText.parseWindow("mon 24:00 - tue 10:00") { Issue.record("a start at 24:00 was accepted") }
        if case .success = SessionText.parseWindow("mon 9:00 - tue 10:00") { Issue.record("a one-digit hour was accepted") }
        #expect(SessionText.format(TradingSessions.forex.windows[0]) == "sun 22:00 - fri 22:00")
        #expect(SessionText.format(.init(startMinute: 1_440, endMinute: 10_080)) == "mon 00:00 - sat 24:00")
        #expect(SessionText.minuteOfDay("21:00") == 1_260)
        #expect(SessionText.minuteOfDay("24:00") == nil && SessionText.minuteOfDay("24:00", allowEndOfDay: true) == 1_440)
    }

    // MARK: defaults and paths

    @Test func minimalConfigGetsDefaultsAndPathsStartAtItsFolder() throws {
        let scratch = try Scratch()
        let file = try scratch.write("""
        version: 1
        symbols:
          - {name: BTCUSD, digits: 2, contract_size: "1", volume_min: "0.01", volume_max: "10", volume_step: "0.01", margin_currency: BTC, profit_currency: USD, sessions: always}
        groups:
          - name: retail
        engine:
          data: state
        database:
          url: "postgresql://rtx@db.example:5432/rtx?sslmode=require"
          password_file: secrets/db
        """, to: "conf/rtx.yaml")
        let config = try EngineConfigDecoder.load(path: file)
        #expect(config.engine.dataDirectory == scratch.path + "/conf/state")
        #expect(config.engine.controlSocketPath == scratch.path + "/conf/state/rtx.sock")
        #expect(config.engine.pluginsManifestPath == scratch.path + "/conf/plugins.yaml")
        #expect(config.engine.timeTickMs == 100 && config.engine.snapshotEveryInputs == 100_000)
        #expect(config.database.url == "postgresql://rtx@db.example:5432/rtx?sslmode=require")
        #expect(config.database.password == .file(path: scratch.path + "/conf/secrets/db"))
        #expect(config.database.poolSize == 4 && config.redis == .defaults)
        #expect(config.groups[0].groupSpec() == GroupSpec(name: "retail"))
        #expect(config.accounts.isEmpty && config.lpBindings.isEmpty)
        #expect(config.symbols[0].maxQuoteAgeMs == 10_000 && config.symbols[0].tradingState == .full)
    }

    @Test func missingFileNamesThePathAndHowToGetTheDefault() throws {
        let scratch = try Scratch()
        let path = scratch.path + "/nowhere/rtx.yaml"
        do {
            _ = try EngineConfigDecoder.load(path: path)
            Issue.record("a missing file decoded")
        } catch {
            let e = try #require(error.errors.first)
            #expect(error.errors.count == 1 && e.mark == nil)
            #expect(e.message == "the engine configuration \(path) does not exist")
            #expect(e.fix?.contains("git show HEAD:rtx.yaml > \(path)") == true)
            #expect(error.description.hasPrefix("\(path): error: the engine configuration"))
        }
        do {
            _ = try EngineConfigDecoder.load(path: scratch.path)
            Issue.record("a folder decoded")
        } catch {
            #expect(error.description.contains("it is a folder"))
        }
        let big = try scratch.write("version: 1\n" + String(repeating: "# padding\n", count: 120_000), to: "big.yaml")
        do { _ = try EngineConfigDecoder.load(path: big) } catch {
            #expect(error.description.contains("larger than the limit"))
        }
    }

    // MARK: malformed configurations

    /// A small valid configuration; the malformed cases below change it one line at a time.
    static let base = """
    version: 1
    engine:
      time_tick_ms: 100
      rollover_utc: "21:00"
    database:
      url: ""
    symbols:
      - name: EURUSD
        digits: 5
        contract_size: "100000"
        volume_min: "0.01"
        volume_max: "100"
        volume_step: "0.01"
        margin_currency: EUR
        profit_currency: USD
        sessions: forex
      - name: XAUUSD
        digits: 2
        contract_size: "100"
        volume_min: "0.01"
        volume_max: "50"
        volume_step: "0.01"
        margin_currency: XAU
        profit_currency: USD
        sessions: ["sun 23:00 - fri 22:00"]
    groups:
      - name: retail
        margin_call_percent: 100
        stop_out_percent: 50
    accounts:
      - id: 1001
        group: retail
        currency: USD
        leverage: 100
        deposit: "10000"
        login: demo1
    lp_bindings:
      - lp: synthetic
        symbols: { "EUR/USD": EURUSD, "XAU/USD": XAUUSD }

    """

    /// The base with line `line` (1-based) replaced by `text` (which may hold several lines).
    static func replacing(_ line: Int, with text: String) -> String {
        var lines = base.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[line - 1] = text
        return lines.joined(separator: "\n")
    }

    /// A malformed configuration, the error it must get, and where.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var yaml: String
        var message: String
        var setting: String?
        var line: Int?
        var column: Int?
        var testDescription: String { name }
    }

    static let malformed: [Case] = [
        Case(name: "YAML syntax error", yaml: replacing(39, with: "    symbols: { \"EUR/USD\": EURUSD"), message: "YAML syntax error"),
        Case(name: "empty file", yaml: "# nothing here\n", message: "the engine configuration is empty"),
        Case(name: "top level is a list", yaml: "- version: 1\n", message: "the configuration must be a mapping, not a list", line: 1, column: 1),
        Case(name: "missing version", yaml: replacing(1, with: "# no version"), message: "required setting 'version' is missing", setting: "version", line: 2, column: 1),
        Case(name: "unsupported version", yaml: replacing(1, with: "version: 2"), message: "configuration version 2 is not supported", setting: "version", line: 1, column: 10),
        Case(name: "unknown top-level key", yaml: base + "lp_binding: []\n", message: "unknown key 'lp_binding' in the top level; did you mean 'lp_bindings'?",
             setting: "lp_binding", line: 40, column: 1),
        Case(name: "time tick out of range", yaml: replacing(3, with: "  time_tick_ms: 0"), message: "0 is out of range: must be from 1 to 60000 ms",
             setting: "engine.time_tick_ms", line: 3, column: 17),
        Case(name: "rollover not a time", yaml: replacing(4, with: "  rollover_utc: \"25:00\""), message: "'25:00' is not a time of day HH:MM (UTC)",
             setting: "engine.rollover_utc", line: 4, column: 17),
        Case(name: "queue capacity not a power of two", yaml: replacing(4, with: "  queue_capacity: 100000"),
             message: "100000 is not a power of two", setting: "engine.queue_capacity", line: 4, column: 19),
        Case(name: "journal batch above the queue", yaml: replacing(3, with: "  queue_capacity: 1024\n  journal_batch_max: 2048"),
             message: "2048 is above queue_capacity 1024", setting: "engine.journal_batch_max", line: 4, column: 22),
        Case(name: "control socket path too long", yaml: replacing(4, with: "  control_socket: /tmp/\(String(repeating: "x", count: 120))/rtx.sock"),
             message: "a Unix socket path holds at most 107", setting: "engine.control_socket", line: 4, column: 19),
        Case(name: "database URL with a password", yaml: replacing(6, with: "  url: \"postgresql://rtx:hunter2@db:5432/rtx\""),
             message: "the PostgreSQL URL carries a password (user:password@)", setting: "database.url", line: 6, column: 8),
        Case(name: "database URL of another scheme", yaml: replacing(6, with: "  url: mysql://db/rtx"),
             message: "is not a PostgreSQL URL", setting: "database.url", line: 6, column: 8),
        Case(name: "inline database password", yaml: replacing(6, with: "  password: hunter2"),
             message: "a password or secret written inline is refused", setting: "database.password", line: 6, column: 3),
        Case(name: "both password_env and password_file", yaml: replacing(6, with: "  password_env: DBPW\n  password_file: pw.txt"),
             message: "password_env and password_file are both given", setting: "database.password_file", line: 7, column: 18),
        Case(name: "invalid symbol name", yaml: replacing(8, with: "  - name: EUR USD"), message: "'EUR USD' is not a valid name",
             setting: "symbols[0].name", line: 8, column: 11),
        Case(name: "duplicate key", yaml: replacing(9, with: "    name: EURUSD2"), message: "key 'name' appears twice in this mapping (first at 8:5)",
             setting: "symbols[0].name", line: 9, column: 5),
        Case(name: "digits out of range", yaml: replacing(9, with: "    digits: 13"), message: "13 is out of range: must be from 0 to 12 decimals",
             setting: "symbols[0].digits", line: 9, column: 13),
        Case(name: "contract size in exponent notation", yaml: replacing(10, with: "    contract_size: 1e5"),
             message: "'1e5' is not an exact decimal: it has exponent notation", setting: "symbols[0].contract_size", line: 10, column: 20),
        Case(name: "contract size with a digit separator", yaml: replacing(10, with: "    contract_size: \"100_000\""),
             message: "'100_000' is not an exact decimal: it has a digit separator", setting: "symbols[0].contract_size", line: 10, column: 20),
        Case(name: "more decimals than the volume scale", yaml: replacing(11, with: "    volume_min: \"0.000000001\""),
             message: "'0.000000001' has 9 decimal places; volume_min holds at most 8 (1e-8 lots)", setting: "symbols[0].volume_min", line: 11, column: 17),
        Case(name: "volume_min off the step", yaml: replacing(11, with: "    volume_min: \"0.015\""),
             message: "volume_min 0.015 is not a multiple of volume_step 0.01", setting: "symbols[0].volume_min", line: 11, column: 17),
        Case(name: "volume_max below volume_min", yaml: replacing(12, with: "    volume_max: \"0.005\""),
             message: "volume_max 0.005 is below volume_min 0.01", setting: "symbols[0].volume_max", line: 12, column: 17),
        Case(name: "negative volume step", yaml: replacing(13, with: "    volume_step: \"-0.01\""),
             message: "'-0.01' is negative; volume_step cannot be below 0.00000001", setting: "symbols[0].volume_step", line: 13, column: 18),
        Case(name: "zero volume step", yaml: replacing(13, with: "    volume_step: \"0\""),
             message: "'0' must be greater than zero", setting: "symbols[0].volume_step", line: 13, column: 18),
        Case(name: "lowercase currency", yaml: replacing(14, with: "    margin_currency: eur"),
             message: "'eur' is not a currency code of three capital letters", setting: "symbols[0].margin_currency", line: 14, column: 22),
        Case(name: "unknown sessions word", yaml: replacing(16, with: "    sessions: forx"),
             message: "unknown sessions 'forx'; did you mean 'forex'?", setting: "symbols[0].sessions", line: 16, column: 15),
        Case(name: "unknown key in a symbol", yaml: replacing(16, with: "    session: forex"),
             message: "unknown key 'session' in a symbol; did you mean 'sessions'?", setting: "symbols[0].session", line: 16, column: 5),
        Case(name: "missing key in a symbol", yaml: replacing(15, with: "    # no profit currency"),
             message: "required setting 'profit_currency' is missing", setting: "symbols[0].profit_currency", line: 8, column: 5),
        Case(name: "duplicate symbol", yaml: replacing(17, with: "  - name: EURUSD"),
             message: "symbol 'EURUSD' is defined twice (first at 8:11)", setting: "symbols[1].name", line: 17, column: 11),
        Case(name: "window with a misspelt weekday", yaml: replacing(25, with: "    sessions: [\"sun 23:00 - fry 22:00\"]"),
             message: "'fry' in window 'sun 23:00 - fry 22:00' is not a weekday", setting: "symbols[1].sessions[0]", line: 25, column: 16),
        Case(name: "overlapping windows", yaml: replacing(25, with: "    sessions: [\"sun 23:00 - wed 22:00\", \"tue 00:00 - fri 22:00\"]"),
             message: "windows 'sun 23:00 - wed 22:00' and 'tue 00:00 - fri 22:00' overlap", setting: "symbols[1].sessions[1]", line: 25, column: 41),
        Case(name: "empty list of windows", yaml: replacing(25, with: "    sessions: []"),
             message: "the list of trading windows is empty", setting: "symbols[1].sessions", line: 25, column: 15),
        Case(name: "max quote age quoted", yaml: replacing(24, with: "    max_quote_age_ms: \"10000\""),
             message: "must be an integer from 1 to 86400000 ms, not the quoted string \"10000\"", setting: "symbols[1].max_quote_age_ms", line: 24, column: 23),
        Case(name: "stop out above margin call", yaml: replacing(29, with: "    stop_out_percent: 150"),
             message: "stop out level 150% is above the margin call level 100%", setting: "groups[0].stop_out_percent", line: 29, column: 23),
        Case(name: "boolean written as yes", yaml: replacing(29, with: "    negative_balance_protection: yes"),
             message: "must be true or false, not 'yes'", setting: "groups[0].negative_balance_protection", line: 29, column: 34),
        Case(name: "unknown group", yaml: replacing(32, with: "    group: retial"),
             message: "unknown group 'retial'; did you mean 'retail'?", setting: "accounts[0].group", line: 32, column: 12),
        Case(name: "currency no symbol converts", yaml: replacing(33, with: "    currency: CHF"),
             message: "no symbol is priced in or margined in CHF", setting: "accounts[0].currency", line: 33, column: 15),
        Case(name: "leverage zero", yaml: replacing(34, with: "    leverage: 0"),
             message: "0 is out of range: must be from 1 to 10000 (1:N)", setting: "accounts[0].leverage", line: 34, column: 15),
        Case(name: "deposit with too many decimals", yaml: replacing(35, with: "    deposit: \"10000.123456789\""),
             message: "'10000.123456789' has 9 decimal places; deposit holds at most 8", setting: "accounts[0].deposit", line: 35, column: 14),
        Case(name: "password_env holding a password", yaml: replacing(36, with: "    login: demo1\n    password_env: \"hunter2!\""),
             message: "must be the name of an environment variable", setting: "accounts[0].password_env", line: 37, column: 19),
        Case(name: "unknown account mode", yaml: replacing(35, with: "    mode: neting"),
             message: "unknown value 'neting'; did you mean 'netting'?", setting: "accounts[0].mode", line: 35, column: 11),
        Case(name: "duplicate account id", yaml: replacing(36, with: "    login: demo1\n  - id: 1001\n    group: retail\n    currency: USD\n    leverage: 10"),
             message: "account id 1001 is used twice (first at 31:9)", setting: "accounts[1].id", line: 37, column: 9),
        Case(name: "duplicate login, other case", yaml: replacing(36, with: "    login: demo1\n  - id: 1002\n    group: retail\n    currency: USD\n    leverage: 10\n    login: DEMO1"),
             message: "login 'DEMO1' is used twice (first at 36:12; logins are compared without case)", setting: "accounts[1].login", line: 41, column: 12),
        Case(name: "invalid LP id", yaml: replacing(38, with: "  - lp: Synthetic LP"),
             message: "'Synthetic LP' is not a valid name", setting: "lp_bindings[0].lp", line: 38, column: 9),
        Case(name: "LP binding to an unknown symbol", yaml: replacing(39, with: "    symbols: { \"EUR/USD\": EURUSD, \"XAU/USD\": XAUUSDD }"),
             message: "unknown symbol 'XAUUSDD'; did you mean 'XAUUSD'?", setting: "lp_bindings[0].symbols", line: 39, column: 46),
        Case(name: "LP gives one symbol two names", yaml: replacing(39, with: "    symbols: { \"EUR/USD\": EURUSD, \"EURUSD.x\": EURUSD }"),
             message: "symbol 'EURUSD' is given two LP names ('EUR/USD' and 'EURUSD.x')", setting: "lp_bindings[0].symbols", line: 39, column: 47),
        Case(name: "LP binding without symbols", yaml: replacing(39, with: "    symbols: {}"),
             message: "the mapping is empty, so the LP would serve no symbol", setting: "lp_bindings[0].symbols", line: 39, column: 14),
        Case(name: "password_hash that is no bcrypt hash", yaml: replacing(36, with: "    login: demo1\n    password_hash: \"hunter2\""),
             message: "not a bcrypt hash", setting: "accounts[0].password_hash", line: 37, column: 20),
        Case(name: "password_hash and password_env", yaml: replacing(36, with: "    login: demo1\n    password_env: DEMO1_PW\n    password_hash: \"$2b$04$6fDMON5hZRHUg05T9.Mbjuh6yBzEMZXWeXAnUwZb77Wf00.q6mwF.\""),
             message: "password_hash and password_env / password_file are both given", setting: "accounts[0].password_hash", line: 38, column: 20),
        Case(name: "server.listen without a port", yaml: replacing(37, with: "server:\n  listen: 127.0.0.1\nlp_bindings:"),
             message: "'127.0.0.1' is not HOST:PORT", setting: "server.listen", line: 38, column: 11),
        Case(name: "server.listen on a reserved port", yaml: replacing(37, with: "server:\n  listen: 127.0.0.1:80\nlp_bindings:"),
             message: "'127.0.0.1:80' is not HOST:PORT", setting: "server.listen", line: 38, column: 11),
        Case(name: "refresh token shorter than the access token", yaml: replacing(37, with: "server:\n  access_token_seconds: 900\n  refresh_token_seconds: 60\nlp_bindings:"),
             message: "a refresh token (60 s) must live at least as long as an access token (900 s)", setting: "server.refresh_token_seconds", line: 39, column: 26),
    ]

    @Test(arguments: malformed)
    func malformedConfigGetsItsOwnPreciseError(_ c: Case) throws {
        let scratch = try Scratch()
        let file = try scratch.write(c.yaml, to: "rtx.yaml")
        do {
            _ = try EngineConfigDecoder.load(path: file)
            Issue.record("\(c.name): decoded without error")
        } catch {
            let found = try #require(error.errors.first { $0.message.contains(c.message) }, "\(c.name): got \(error)")
            #expect(found.file == file)
            #expect(found.setting == c.setting, "\(c.name): \(found)")
            if let line = c.line { #expect(found.mark?.line == line, "\(c.name): \(found)") }
            if let column = c.column { #expect(found.mark?.column == column, "\(c.name): \(found)") }
            for e in error.errors {
                #expect(e.fix != nil, "\(c.name): every error says what to write instead: \(e)")
                let location = e.mark.map { ":\($0.line):\($0.column)" } ?? ""
                #expect(e.description.hasPrefix(file + location + ": error: " + (e.setting.map { "\($0): " } ?? "")))
            }
            #expect(!error.description.contains("hunter2"), "\(c.name): a secret was echoed: \(error)")
        }
    }

    @Test func everyMalformedCaseHasItsOwnMessage() {
        #expect(Set(Self.malformed.map(\.message)).count == Self.malformed.count)
        #expect(Self.malformed.count >= 25)
    }

    @Test func theBaseOfTheMalformedCasesIsValid() throws {
        let config = try EngineConfigDecoder.decode(text: Self.base, path: "rtx.yaml")
        #expect(config.symbols.count == 2 && config.accounts.count == 1)
        #expect(config.lpBindings[0].symbols.map(\.lpSymbol) == ["EUR/USD", "XAU/USD"])
        #expect(config.lpBindings[0].engineSymbol(forLPSymbol: "XAU/USD") == "XAUUSD")
    }

    @Test func collectsEveryProblemInSourceOrder() throws {
        var text = Self.replacing(1, with: "version: 3")
        text = text.replacingOccurrences(of: "    digits: 5\n", with: "    digits: five\n")
        text = text.replacingOccurrences(of: "    group: retail\n", with: "    group: gold\n")
        text = text.replacingOccurrences(of: "\"XAU/USD\": XAUUSD }", with: "\"XAU/USD\": XAUUSDD }")
        text = text.replacingOccurrences(of: "  time_tick_ms: 100\n", with: "  time_tick: 100\n")
        do {
            _ = try EngineConfigDecoder.decode(text: text, path: "rtx.yaml")
            Issue.record("decoded")
        } catch {
            #expect(error.errors.map { $0.mark?.line ?? 0 } == [1, 3, 9, 32, 39], "\(error)")
            #expect(error.errors.map { $0.setting ?? "" } == ["version", "engine.time_tick", "symbols[0].digits", "accounts[0].group", "lp_bindings[0].symbols"])
            #expect(error.description.split(separator: "\n").count == 5)
            #expect(error.description.contains("rtx.yaml:3:3: error: engine.time_tick: unknown key 'time_tick' in 'engine'; did you mean 'time_tick_ms'?"))
        }
    }

    // MARK: secrets

    @Test func inlineSecretsAreRefusedWithoutBeingEchoed() throws {
        let secret = "S3cr3t-Value-42"
        let texts = [
            Self.replacing(6, with: "  password: \(secret)"),
            Self.replacing(6, with: "  url: \"postgresql://rtx:\(secret)@db/rtx\""),
            Self.replacing(6, with: "  url: \"postgresql://db/rtx?password=\(secret)\""),
            Self.replacing(6, with: "  url: \"postgresql:/rtx:\(secret)@db/rtx\""),
            Self.replacing(6, with: "  password_env: \"\(secret)\""),
            Self.replacing(36, with: "    login: demo1\n    password: \(secret)"),
            Self.replacing(36, with: "    login: demo1\n    api_token: \(secret)"),
            Self.base + "redis:\n  url: \"redis://:\(secret)@cache:6379\"\n",
        ]
        for text in texts {
            do {
                _ = try EngineConfigDecoder.decode(text: text, path: "rtx.yaml")
                Issue.record("decoded: \(text)")
            } catch {
                #expect(!error.description.contains(secret), "\(error)")
                #expect(!String(reflecting: error).contains(secret))
                #expect(error.errors.count == 1, "\(error)")
            }
        }
        do {
            _ = try EngineConfigDecoder.decode(text: Self.replacing(6, with: "  password: \(secret)"), path: "rtx.yaml")
        } catch {
            #expect(error.errors[0].fix == "put it in the environment variable named by password_env or in a file named by password_file")
        }
    }

    @Test func secretsAreReadFromTheEnvironmentWithoutBeingShown() throws {
        let environment = ["RTX_TEST_DB_PASSWORD": "pa55word", "RTX_EMPTY": ""]
        let source = SecretSource.environment(name: "RTX_TEST_DB_PASSWORD")
        let secret = try source.read(environment: { environment[$0] })
        #expect(secret.reveal() == "pa55word")
        #expect(secret.source == source)
        for shown in ["\(secret)", String(describing: secret), String(reflecting: secret), "\([secret])"] {
            #expect(!shown.contains("pa55word"), "\(shown)")
        }
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("pa55word"), "\(dumped)")
        #expect(Mirror(reflecting: secret).children.allSatisfy { !"\($0.value)".contains("pa55word") })

        do {
            _ = try SecretSource.environment(name: "RTX_NOT_SET").read(environment: { environment[$0] })
            Issue.record("a missing variable was read")
        } catch {
            #expect(error.message == "environment variable RTX_NOT_SET is not set")
            #expect(error.fix.contains("export RTX_NOT_SET"))
        }
        do {
            _ = try SecretSource.environment(name: "RTX_EMPTY").read(environment: { environment[$0] })
            Issue.record("an empty variable was read")
        } catch {
            #expect(error.message == "environment variable RTX_EMPTY is set but empty")
        }
        // The real process environment: PATH is always set; its value must not show.
        let path = try SecretSource.environment(name: "PATH").read()
        #expect(!path.reveal().isEmpty && !"\(path)".contains(path.reveal()))
        #expect(throws: SecretError.self) { try SecretSource.environment(name: "RTX_SURELY_UNSET_\(UUID().uuidString.prefix(8))").read() }
    }

    @Test func secretsAreReadFromFilesWithoutBeingShown() throws {
        let scratch = try Scratch()
        let file = try scratch.write("fi1e-secret\n", to: "db-password")
        let secret = try SecretSource.file(path: file).read()
        #expect(secret.reveal() == "fi1e-secret")
        #expect("\(secret)" == "<secret from password file \(file)>")
        #expect(try SecretSource.file(path: scratch.write("crlf\r\n", to: "crlf")).read().reveal() == "crlf")

        let missing = scratch.path + "/absent"
        do {
            _ = try SecretSource.file(path: missing).read()
            Issue.record("a missing file was read")
        } catch {
            #expect(error.message.hasPrefix("cannot read password file \(missing): "))
            #expect(error.message.contains("No such file"))
        }
        for (name, content, message) in [("empty", "\n", "is empty"), ("two-lines", "one\ntwo-lines-secret\n", "holds more than one line")] {
            let path = try scratch.write(content, to: name)
            do {
                _ = try SecretSource.file(path: path).read()
                Issue.record("\(name) was read")
            } catch {
                #expect(error.message.contains(message))
                #expect(!error.description.contains("two-lines-secret"))
            }
        }
    }

    // MARK: agreement with plugins.yaml

    @Test func disagreementsWithThePluginManifestPointAtTheFileToChange() throws {
        let scratch = try Scratch()
        let manifest = try scratch.manifest("""
        version: 1
        plugins:
          - id: synthetic-lp
            kind: lp-adapter
            path: lib/liblp.so
          - id: b-book
            kind: routing-policy
            path: lib/librouting.so
          - id: fees
            kind: fee-model
            path: lib/libfees.so
        bindings:
          symbols:
            - symbol: EURUSD
              lps: [{lp: synthetic-lp, priority: 1, lp_symbol: "EURUSD.m"}]
            - symbol: GBPUSD
              lps: [{lp: synthetic-lp}]
          groups:
            - group: retail
              routing: b-book
              fee_model: fees
            - group: vipp
              routing: b-book
              fee_model: fees

        """)
        var text = Self.base
        text += "  - lp: synthetic-lp\n    symbols: { \"EUR/USD\": EURUSD }\n  - lp: b-book\n    symbols: { \"XAU/USD\": XAUUSD }\n"
        let config = try EngineConfigDecoder.decode(text: text, path: "rtx.yaml")
        let problems = config.problems(with: manifest)
        #expect(problems.count == 5, "\(problems)")
        #expect(problems.contains { $0.file == "rtx.yaml" && $0.setting == "lp_bindings[0].lp" && $0.message.contains("'synthetic' names no plugin in \(manifest.path); did you mean 'synthetic-lp'?") })
        #expect(problems.contains { $0.setting == "lp_bindings[2].lp" && $0.message.contains("'b-book' is a routing-policy plugin; an LP binding needs an lp-adapter") })
        #expect(problems.contains { $0.file == manifest.path && $0.setting == "bindings.symbols[1].symbol" && $0.mark?.line == 16
                && $0.message.contains("binds symbol 'GBPUSD', which rtx.yaml does not define") })
        #expect(problems.contains { $0.setting == "lp_bindings[1].symbols" && $0.mark?.line == 41
                && $0.message.contains("LP 'synthetic-lp' calls EURUSD 'EUR/USD' here but 'EURUSD.m' in \(manifest.path)") })
        #expect(problems.contains { $0.setting == "bindings.groups[1].group" && $0.file == manifest.path && $0.message == "binds group 'vipp', which rtx.yaml does not define" })
        #expect(problems.allSatisfy { $0.fix != nil })
    }

    // MARK: no floating point

    /// Quantities are never binary floating point: checked on the source text of the decoder.
    @Test func configSourcesUseNoFloatingPoint() throws {
        let folder = Repo.root + "/Sources/RTXEngine/Config"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".swift") }
        #expect(files.count >= 8)
        let forbidden: Set<Substring> = ["Double", "Float", "Float32", "Float64", "Float80", "CGFloat", "Decimal", "NSNumber"]
        for file in files {
            let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                for word in code.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }) where forbidden.contains(word) {
                    Issue.record("\(file):\(number + 1) uses \(word): \(line)")
                }
            }
        }
    }
}

@Suite struct EngineConfigMergeKeyTests {
    static let text = """
    version: 1
    x-fx: &fx
      digits: 5
      contract_size: "100000"
      volume_min: "0.01"
      volume_max: "100"
      volume_step: "0.01"
      sessions: forex
    symbols:
      - <<: *fx
        name: EURUSD
        margin_currency: EUR
        profit_currency: USD
      - <<: *fx
        name: USDJPY
        digits: 3
        margin_currency: USD
        profit_currency: JPY
    groups:
      - name: retail
    """

    @Test func sharedSettingsMergeAndEntriesOverrideThem() throws {
        let config = try EngineConfigDecoder.decode(text: Self.text, path: "rtx.yaml")
        #expect(config.symbols.map(\.name) == ["EURUSD", "USDJPY"])
        #expect(config.symbols.map(\.digits) == [5, 3])
        #expect(config.symbols.allSatisfy { $0.contractSizeE8 == 10_000_000_000_000 && $0.sessions == .forex })
    }

    @Test func aProblemInSharedSettingsIsReportedWhereItIsWritten() throws {
        let text = Self.text.replacingOccurrences(of: "contract_size: \"100000\"", with: "contract_size: \"1e5\"")
        do {
            _ = try EngineConfigDecoder.decode(text: text, path: "rtx.yaml")
            Issue.record("decoded")
        } catch {
            #expect(error.errors.map(\.setting) == ["symbols[0].contract_size", "symbols[1].contract_size"])
            #expect(error.errors.allSatisfy { $0.mark?.line == 4 && $0.mark?.column == 18 })
        }
        do {
            _ = try EngineConfigDecoder.decode(text: Self.text.replacingOccurrences(of: "x-fx:", with: "fx:"), path: "rtx.yaml")
            Issue.record("decoded")
        } catch {
            #expect(error.description.contains("rtx.yaml:2:1: error: fx: unknown key 'fx' in the top level"))
        }
        do {
            _ = try EngineConfigDecoder.decode(text: Self.text.replacingOccurrences(of: "  - <<: *fx\n    name: USDJPY", with: "  - <<: 5\n    name: USDJPY"), path: "rtx.yaml")
            Issue.record("decoded")
        } catch {
            #expect(error.description.contains("a merge key `<<` takes a mapping, not a scalar"))
        }
    }
}

/// Mutated configurations never trap the decoder; every problem it reports has a place and a
/// fix; and whatever it accepts, a real core accepts too.
@Suite struct EngineConfigFuzzTests {
    /// xorshift64*, so every run tries the same inputs.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
    }

    @Test func mutatedConfigsAreDecodedOrRefusedWithPlaceAndFix() throws {
        var rng = Generator(state: 0x5EED_C0F1_6000_0001)
        let pieces = [":", "-", " ", "\n", "\"", "{", "}", "[", "]", "&a", "*a", "<<: ", "0", "9", ".", "a", "Z", "#", ",", "  ", "1e5", "-1", "x-"]
        var accepted = 0
        for _ in 0 ..< 3_000 {
            var chars = Array(EngineConfigTests.base)
            for _ in 0 ..< Int.random(in: 1 ... 3, using: &rng) {
                let at = Int.random(in: 0 ... chars.count - 1, using: &rng)
                switch Int.random(in: 0 ... 5, using: &rng) {
                case 4, 5:
                    // A digit becomes another digit: mostly still valid, exercising acceptance.
                    let digits = chars.indices.filter { chars[$0].isNumber }
                    if let d = digits.randomElement(using: &rng) { chars[d] = Array("0123456789").randomElement(using: &rng)! }
                case 0: chars.removeSubrange(at ..< min(chars.count, at + Int.random(in: 1 ... 6, using: &rng)))
                case 1: chars.insert(contentsOf: pieces.randomElement(using: &rng)!, at: at)
                case 2: chars[at] = pieces.randomElement(using: &rng)!.first!
                default:
                    let lines = String(chars).split(separator: "\n", omittingEmptySubsequences: false)
                    let line = lines.randomElement(using: &rng)!
                    chars.insert(contentsOf: line + "\n", at: String(chars).split(separator: "\n", omittingEmptySubsequences: false)
                        .prefix(Int.random(in: 0 ..< lines.count, using: &rng)).reduce(0) { $0 + $1.count + 1 })
                }
                if chars.isEmpty { chars = ["#"] }
            }
            let text = String(chars)
            let lineCount = text.split(separator: "\n", omittingEmptySubsequences: false).count
            do {
                let config = try EngineConfigDecoder.decode(text: text, path: "rtx.yaml")
                accepted += 1
                var core = TradingCore()
                for (i, command) in config.firstStartCommands().enumerated() {
                    core.apply(Envelope(sequence: UInt64(i + 1), timeNs: 1_704_283_200_000_000_000, command: command))
                    for case .commandRejected(_, let reason) in core.events {
                        Issue.record("the core refused \(command) (\(reason)) from an accepted config:\n\(text)")
                    }
                }
            } catch {
                #expect(!error.errors.isEmpty)
                for e in error.errors {
                    #expect(e.fix != nil, "\(e)")
                    if let mark = e.mark { #expect(mark.line >= 1 && mark.line <= lineCount + 1, "\(e)") }
                }
            }
        }
        #expect(accepted > 100, "only \(accepted) mutated configs were valid: the mutations are too destructive to test acceptance")
    }

    @Test func decimalsRoundTripAndNeverTrap() {
        var rng = Generator(state: 0xDEC1_3A15_0000_0007)
        for _ in 0 ..< 20_000 {
            let scale = Int.random(in: 0 ... 18, using: &rng)
            let value = Int64.random(in: 0 ... Int64.max, using: &rng) >> Int.random(in: 0 ... 62, using: &rng)
            #expect(ExactDecimal.parse(ExactDecimal.format(value, scale: scale), scale: scale) == .success(value))
        }
        let alphabet = Array("0123456789.-e_ +")
        for _ in 0 ..< 20_000 {
            let text = String((0 ..< Int.random(in: 0 ... 24, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            let scale = Int.random(in: 0 ... 18, using: &rng)
            if case .success(let v) = ExactDecimal.parse(text, scale: scale) {
                // Accepted text means the same number as its canonical form.
                #expect(ExactDecimal.parse(ExactDecimal.format(v, scale: scale), scale: scale) == .success(v))
                #expect(text.allSatisfy { $0.isNumber || $0 == "." })
            }
        }
    }
}
