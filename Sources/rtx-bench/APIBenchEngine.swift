import Foundation
import RTXEngine
import RTXPluginHost
import RTXServer
import RTXStore

/// The API benchmarks' server: the real engine in this process with its private PostgreSQL
/// journal (`fsync=on`, synchronous commit), the SDK's synthetic LP for quotes, B-Book routing,
/// a flat commission, and the client HTTP/WebSocket API (`APIServer`) on 127.0.0.1 at a free port, configured
/// as `rtx run` would from an rtx.yaml the benchmark writes. Its netting USD accounts log in
/// as demo1...demoN with the documented demo password; the server's rate limits are raised
/// to their maximum (100,000/s per account and per address), so that the load measures the
/// server, not its limits.
///
/// Lifetime: `start`, then `stop` on every way out (the PostgreSQL server and its folder go).
final class APIBenchEngine {
    /// The documented demo password, and its bcrypt hash (cost 10) from rtx.yaml's demo1.
    static let password = "rtx-demo"
    static let passwordHash = "$2b$10$QR1OOf2ojS1QL0Gjb9jAZOROzEtEzfzgGsbl00mC5xmF2zbykm5vm"
    static let rateLimit = 100_000

    /// What the benchmark asks for.
    struct Options {
        var name: String
        var symbols: [String]
        var accounts: Int
        /// The synthetic LP's quotes per second per symbol.
        var quotesPerSecondPerSymbol: Int
        /// The read-model projector, on in `rtx run` by default.
        var readModels: Bool
    }

    let options: Options
    let postgres: BenchPostgres
    let engine: Engine
    let api: APIServer
    let port: UInt16
    private var stopped = false

    /// Logins in account order: demo1 ... demoN.
    var logins: [String] { (1 ... options.accounts).map { "demo\($0)" } }

    private init(options: Options, postgres: BenchPostgres, engine: Engine, api: APIServer, port: UInt16) {
        self.options = options
        self.postgres = postgres
        self.engine = engine
        self.api = api
        self.port = port
    }

    static func start(_ setup: BenchSetup, _ options: Options) throws -> APIBenchEngine {
        let postgres = try BenchPostgres.start(name: options.name)
        do {
            let folder = "/tmp/rtx-bench-\(geteuid())-\(options.name)"
            try? FileManager.default.removeItem(atPath: folder)
            mkdir(folder, 0o700)
            mkdir(folder + "/data", 0o700)
            try AtomicFile.write(try pluginsYAML(setup, options), to: folder + "/plugins.yaml")
            try AtomicFile.write(rtxYAML(folder: folder, options), to: folder + "/rtx.yaml")
            let config = try EngineConfigDecoder.load(path: folder + "/rtx.yaml")
            let manifest = try ManifestDecoder.load(path: folder + "/plugins.yaml")
            let problems = config.problems(with: manifest)
            guard problems.isEmpty else { throw BenchError(problems.map(\.description).joined(separator: "\n")) }
            let host = PluginHost(manifest: manifest, stateDirectory: folder + "/data/plugins")
            mkdir(folder + "/data/plugins", 0o700)
            try host.loadAll()
            let engine = Engine(parameters: EngineParameters(config: config), journal: try PostgresJournal(url: postgres.url), snapshots: nil,
                                host: host, log: { benchLog("engine: \($0)") })
            try engine.start()
            do {
                let api = try APIServer.make(engine: engine, config: config)
                let address = try api.start()
                guard let port = address.split(separator: ":").last.flatMap({ UInt16($0) }) else { throw BenchError("API address \(address)") }
                let server = APIBenchEngine(options: options, postgres: postgres, engine: engine, api: api, port: port)
                try server.waitForQuotes()
                return server
            } catch {
                engine.stop()
                throw error
            }
        } catch {
            postgres.close()
            throw error
        }
    }

    func stop() {
        guard !stopped else { return }
        stopped = true
        api.stop()
        engine.stop()
        postgres.close()
    }

    /// Logs every account in (bcrypt, ~60 ms each) and returns their access tokens, in account order.
    func logIn() throws -> [String] {
        try logins.map { try LoopbackHTTP.login(port: port, $0, password: Self.password) }
    }

    /// Until the core has applied a quote of every symbol (market orders need one), 30 s at most.
    private func waitForQuotes() throws {
        let deadline = HostClock.monotonicNanoseconds() + 30_000_000_000
        while engine.quotePipelineCounters().applied < UInt64(options.symbols.count) * 2 {
            guard HostClock.monotonicNanoseconds() < deadline else { throw BenchError("no quotes from the synthetic LP within 30 s") }
            usleep(20_000)
        }
    }

    /// CPU of the PostgreSQL server so far, ns.
    var postgresCPUNs: Int64 { ProcessCPU.serverNs(postmaster: postgres.server.pid) }

    private static func pluginsYAML(_ setup: BenchSetup, _ o: Options) throws -> String {
        let prices = ["EURUSD": "1.08500/5/8", "GBPUSD": "1.26500/5/10", "USDJPY": "151.200/3/12", "AUDUSD": "0.65400/5/9"]
        return """
            version: 1
            plugins:
              - id: synthetic
                kind: lp-adapter
                path: \(try setup.plugin("libsynthetic_lp.so"))
                config:
                  seed: 11
                  quotes_per_second: \(o.quotesPerSecondPerSymbol)
                  instruments: \(o.symbols.map { "\($0)=\(prices[$0] ?? "1.00000/5/10")" }.joined(separator: ", "))
                  available_lots: 1000
              - id: b-book
                kind: routing-policy
                path: \(try setup.plugin("libb_book_routing.so"))
              - id: flat
                kind: fee-model
                path: \(try setup.plugin("libflat_commission.so"))
                config:
                  per_lot: 3.50
                  minimum: 0.50
                  currency: USD
            bindings:
              symbols:
            \(o.symbols.map { "    - {symbol: \($0), lps: [{lp: synthetic, priority: 1}]}" }.joined(separator: "\n"))
              groups:
                - {group: retail, routing: b-book, fee_model: flat, fallback: b-book}
            """
    }

    private static func rtxYAML(folder: String, _ o: Options) -> String {
        """
        version: 1
        engine:
          data: \(folder)/data
          plugins: plugins.yaml
          time_tick_ms: 100
        database:
          read_models: \(o.readModels)
        market:
          mode: failover
          stale_after_ms: 5000
        symbols:
        \(BenchConfigYAML.symbols(o.symbols))
        groups:
          - name: retail
        accounts:
        \((1 ... o.accounts).map { i in """
          - {id: \(3_000 + i), group: retail, currency: USD, leverage: 100, mode: netting, deposit: "10000000", login: demo\(i), password_hash: "\(passwordHash)"}
        """ }.joined(separator: "\n"))
        server:
          listen: 127.0.0.1:0
          access_token_seconds: 3600
          rate_account_per_second: \(rateLimit)
          rate_account_burst: \(rateLimit)
          rate_address_per_second: \(rateLimit)
          rate_address_burst: \(rateLimit)
        """
    }
}

/// rtx.yaml fragments the benchmarks share.
enum BenchConfigYAML {
    /// `symbols:` entries for FX pairs named like EURUSD (JPY pairs at 3 digits, others at 5),
    /// trading around the clock.
    static func symbols(_ names: [String]) -> String {
        names.map { """
          - name: \($0)
            digits: \($0.hasSuffix("JPY") ? 3 : 5)
            contract_size: "100000"
            volume_min: "0.01"
            volume_max: "100"
            volume_step: "0.01"
            margin_currency: \($0.prefix(3))
            profit_currency: \($0.suffix(3))
            sessions: always
        """ }.joined(separator: "\n")
    }
}
