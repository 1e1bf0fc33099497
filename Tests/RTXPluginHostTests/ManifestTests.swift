import Testing
@testable import RTXPluginHost

@Suite struct ManifestTests {
    static let valid = """
    # RTX plugins
    version: 1
    plugins:
      - id: synthetic
        kind: lp-adapter
        path: liba.so
        config:
          seed: 7
          # a comment inside the block
          instruments: EURUSD=1.08500/5/8

      - id: b-book
        kind: routing-policy
        path: liba.so
        sha256: 3F640FB5C0FEBC706612EE75BF4620F1B59688AA83BA5554B5BBFCE36C66DF75
      - id: flat
        kind: fee-model
        path: liba.so
        config:
          per_lot: 3.50
    bindings:
      symbols:
        - symbol: EURUSD
          lps:
            - lp: synthetic
              priority: 2
              lp_symbol: EUR/USD
        - symbol: GBPUSD
          lps:
            - lp: synthetic
      groups:
        - group: retail
          routing: b-book
          fee_model: flat
          fallback: reject

    """

    @Test func decodesAValidManifest() throws {
        let scratch = try Scratch()
        try scratch.write("not really a library", to: "liba.so")
        let m = try scratch.manifest(Self.valid)
        #expect(m.version == 1)
        #expect(m.plugins.map(\.id) == ["synthetic", "b-book", "flat"])
        #expect(m.plugins.map(\.kind) == [.lpAdapter, .routingPolicy, .feeModel])
        #expect(m.plugins[0].resolvedPath == scratch.path + "/liba.so")
        #expect(m.plugins[0].mark.line == 4)
        // The config block travels as dedented text with the manifest line it starts on.
        #expect(m.plugins[0].config.firstLine == 8)
        #expect(m.plugins[0].config.text == "seed: 7\n# a comment inside the block\ninstruments: EURUSD=1.08500/5/8\n")
        #expect(m.plugins[1].config == .empty)
        #expect(m.plugins[1].sha256 == "3f640fb5c0febc706612ee75bf4620f1b59688aa83ba5554b5bbfce36c66df75")
        #expect(m.plugins[2].config.text == "per_lot: 3.50\n")
        #expect(m.plugins[2].config.firstLine == 20)
        #expect(m.symbols.map(\.symbol) == ["EURUSD", "GBPUSD"])
        #expect(m.symbols[0].routes == [LPRoute(lp: "synthetic", priority: 2, lpSymbol: "EUR/USD", mark: m.symbols[0].routes[0].mark)])
        #expect(m.symbols[1].routes[0].lpSymbol == "GBPUSD")
        #expect(m.symbols[1].routes[0].priority == 1)
        #expect(m.groups == [GroupBinding(group: "retail", routing: "b-book", feeModel: "flat", fallback: .reject, mark: m.groups[0].mark)])
    }

    /// A malformed manifest, the error it must get, and where.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var yaml: String
        var message: String
        var line: Int?
        var column: Int?
        var testDescription: String { name }
    }

    static let header = "version: 1\nplugins:\n  - id: p\n    kind: routing-policy\n    path: liba.so\n"

    static let malformed: [Case] = [
        Case(name: "YAML syntax error", yaml: "version: 1\nplugins: [\n  - id: x\n", message: "YAML syntax error", line: 3),
        Case(name: "empty file", yaml: "# nothing here\n", message: "the manifest is empty"),
        Case(name: "top level is a list", yaml: "- version: 1\n", message: "the manifest must be a mapping, not a list", line: 1, column: 1),
        Case(name: "missing version", yaml: "plugins: []\n", message: "the manifest is missing 'version'", line: 1),
        Case(name: "unsupported version", yaml: "version: 2\nplugins: []\n", message: "manifest version 2 is not supported", line: 1, column: 10),
        Case(name: "version is a string", yaml: "version: \"1\"\nplugins: []\n", message: "'version' must be an integer from 1 to 1000000, not the quoted string \"1\"", line: 1, column: 10),
        Case(name: "unknown top-level key with suggestion", yaml: "version: 1\nplugins: []\nplugin: []\n", message: "unknown key 'plugin' in the top level", line: 3, column: 1),
        Case(name: "plugins is not a list", yaml: "version: 1\nplugins: synthetic\n", message: "'plugins' must be a list, not a scalar", line: 2, column: 10),
        Case(name: "plugin without path", yaml: "version: 1\nplugins:\n  - id: p\n    kind: fee-model\n", message: "plugin entry is missing 'path'", line: 3, column: 5),
        Case(name: "invalid plugin id", yaml: "version: 1\nplugins:\n  - id: My Plugin\n    kind: fee-model\n    path: liba.so\n", message: "'id' value 'My Plugin' is not a valid name", line: 3, column: 9),
        Case(name: "unknown kind", yaml: "version: 1\nplugins:\n  - id: p\n    kind: fee-modle\n    path: liba.so\n", message: "unknown plugin kind 'fee-modle'", line: 4, column: 11),
        Case(name: "missing library file", yaml: "version: 1\nplugins:\n  - id: p\n    kind: fee-model\n    path: missing.so\n", message: "plugin library 'missing.so' does not exist", line: 5, column: 11),
        Case(name: "path is a folder", yaml: "version: 1\nplugins:\n  - id: p\n    kind: fee-model\n    path: .\n", message: "plugin path '.' is not a regular file", line: 5, column: 11),
        Case(name: "malformed sha256", yaml: header + "    sha256: abc123\n", message: "sha256 'abc123' is not 64 hexadecimal digits", line: 6, column: 13),
        Case(name: "config in flow style", yaml: header + "    config: {per_lot: 3.5}\n", message: "'config' is written in flow style", line: 6, column: 13),
        Case(name: "config is a list", yaml: header + "    config: [1, 2]\n", message: "'config' must be a mapping of the plugin's settings, not a list", line: 6, column: 13),
        Case(name: "unknown key in plugin entry", yaml: header + "    sha: abc\n", message: "unknown key 'sha' in a plugin entry", line: 6, column: 5),
        Case(name: "duplicate plugin id", yaml: header + "  - id: p\n    kind: fee-model\n    path: liba.so\n", message: "duplicate plugin id 'p' (first defined at 3:5)", line: 6, column: 5),
        Case(name: "duplicate key", yaml: "version: 1\nversion: 1\nplugins: []\n", message: "key 'version' appears twice in this mapping (first at 1:1)", line: 2, column: 1),
        Case(name: "binding names no plugin", yaml: header + "bindings:\n  groups:\n    - group: retail\n      routing: q\n      fee_model: p\n",
             message: "routing 'q' names no plugin in this manifest", line: 9, column: 16),
        Case(name: "binding names a plugin of the wrong kind", yaml: header + "bindings:\n  symbols:\n    - symbol: EURUSD\n      lps:\n        - lp: p\n",
             message: "lp 'p' is a routing-policy plugin, but lp needs a lp-adapter", line: 10, column: 15),
        Case(name: "priority is not an integer", yaml: "version: 1\nplugins:\n  - id: lp\n    kind: lp-adapter\n    path: liba.so\nbindings:\n  symbols:\n    - symbol: EURUSD\n      lps:\n        - lp: lp\n          priority: high\n",
             message: "'priority' must be an integer from 1 to 99, not 'high'", line: 11, column: 21),
        Case(name: "duplicate symbol binding", yaml: "version: 1\nplugins:\n  - id: lp\n    kind: lp-adapter\n    path: liba.so\nbindings:\n  symbols:\n    - symbol: EURUSD\n      lps: [{lp: lp}]\n    - symbol: EURUSD\n      lps: [{lp: lp}]\n",
             message: "symbol 'EURUSD' is bound twice (first at 8:15)", line: 10, column: 15),
        Case(name: "empty lps list", yaml: header + "bindings:\n  symbols:\n    - symbol: EURUSD\n      lps: []\n", message: "symbol 'EURUSD' has an empty 'lps' list", line: 9, column: 12),
        Case(name: "duplicate priority", yaml: "version: 1\nplugins:\n  - {id: a, kind: lp-adapter, path: liba.so}\n  - {id: b, kind: lp-adapter, path: liba.so}\nbindings:\n  symbols:\n    - symbol: EURUSD\n      lps:\n        - {lp: a, priority: 1}\n        - {lp: b, priority: 1}\n",
             message: "priority 1 of symbol 'EURUSD' is used twice (first at 9:29)", line: 10, column: 29),
        Case(name: "group missing fee model", yaml: header + "bindings:\n  groups:\n    - group: retail\n      routing: p\n", message: "group binding is missing 'fee_model'", line: 8, column: 7),
        Case(name: "unknown fallback", yaml: header + "  - id: f\n    kind: fee-model\n    path: liba.so\nbindings:\n  groups:\n    - group: retail\n      routing: p\n      fee_model: f\n      fallback: a-book\n",
             message: "unknown fallback 'a-book'", line: 14, column: 17),
        Case(name: "alias that refers to itself", yaml: "version: 1\nplugins: &a [*a]\n", message: "an alias that refers to itself", line: 2),
        Case(name: "two documents", yaml: "version: 1\nplugins: []\n---\nversion: 1\n", message: "a second YAML document starts here", line: 4),
    ]

    @Test(arguments: malformed)
    func malformedManifestGetsItsOwnPreciseError(_ c: Case) throws {
        let scratch = try Scratch()
        try scratch.write("not really a library", to: "liba.so")
        let file = try scratch.write(c.yaml, to: "plugins.yaml")
        do {
            _ = try ManifestDecoder.load(path: file)
            Issue.record("\(c.name): decoded without error")
        } catch {
            let first = try #require(error.errors.first)
            #expect(first.message.contains(c.message), "\(c.name): got \(error)")
            #expect(first.file == file)
            if let line = c.line { #expect(first.mark?.line == line, "\(c.name): \(first)") }
            if let column = c.column { #expect(first.mark?.column == column, "\(c.name): \(first)") }
            #expect(first.fix != nil || first.message.contains("YAML syntax"), "\(c.name): every error says what to write instead")
            #expect(first.description.hasPrefix(file + (first.mark.map { ":\($0.line):\($0.column)" } ?? "") + ": error: "))
        }
    }

    @Test func everyMalformedCaseHasItsOwnMessage() {
        #expect(Set(Self.malformed.map(\.message)).count == Self.malformed.count)
        #expect(Self.malformed.count >= 15)
    }

    @Test func suggestsTheKeyThatWasMeant() throws {
        let scratch = try Scratch()
        let file = try scratch.write("version: 1\nplugins: []\nplugin: []\n", to: "plugins.yaml")
        #expect(throws: ManifestErrors.self) { try ManifestDecoder.load(path: file) }
        do { _ = try ManifestDecoder.load(path: file) } catch {
            #expect(error.description.contains("did you mean 'plugins'?"))
        }
    }

    @Test func collectsEveryProblemInSourceOrder() throws {
        let scratch = try Scratch()
        let file = try scratch.write("version: 3\nplugins:\n  - id: A\n    kind: nope\n    path: gone.so\n", to: "plugins.yaml")
        do {
            _ = try ManifestDecoder.load(path: file)
            Issue.record("decoded")
        } catch {
            #expect(error.errors.count == 4)
            #expect(error.errors.map { $0.mark?.line ?? 0 } == [1, 3, 4, 5])
        }
    }

    @Test func refusesUnreadableAndOversizedFiles() throws {
        let scratch = try Scratch()
        #expect(throws: ManifestErrors.self) { try ManifestDecoder.load(path: scratch.path + "/none.yaml") }
        let big = try scratch.write("version: 1\n" + String(repeating: "# padding\n", count: 120_000), to: "big.yaml")
        do { _ = try ManifestDecoder.load(path: big) } catch {
            #expect(error.description.contains("larger than the limit"))
        }
        let binary = scratch.path + "/binary.yaml"
        try Data([0xff, 0xfe, 0x00, 0x41]).write(to: URL(fileURLWithPath: binary))
        do { _ = try ManifestDecoder.load(path: binary) } catch {
            #expect(error.description.contains("not valid UTF-8"))
        }
    }
}

import Foundation
