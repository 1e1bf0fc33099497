import RTXCore
import RTXPluginHost

/// The engine configuration (`rtx.yaml`), validated: where the engine keeps its state, which
/// databases it uses, and the symbols, account groups, demo accounts and LP symbol names it
/// starts with. Quantities are the core's fixed-point integers (never floating point); every
/// relative path is already resolved against the file's folder. Holds no secret, only where
/// each secret is (`SecretSource`). Made by `EngineConfigDecoder`.
public struct EngineConfig: Sendable, Equatable {
    /// The name `rtx` looks for when no path is given.
    public static let defaultFileName = "rtx.yaml"

    /// The configuration's path as given.
    public var path: String
    /// The schema version; this engine reads version 1.
    public var version: Int
    public var engine: EngineSettings
    public var database: DatabaseSettings
    public var redis: RedisSettings
    /// In definition order: the core's symbol indices follow it.
    public var symbols: [SymbolConfig]
    /// In definition order: the core's group indices follow it.
    public var groups: [GroupConfig]
    /// Accounts opened (and funded) at the engine's first start, in order.
    public var accounts: [AccountConfig]
    /// The names each LP adapter uses for the engine's symbols.
    public var lpBindings: [LPBindingConfig]
    /// Where the settings checked at start-up (not while decoding) are written, by setting
    /// path (`database.url`, `database.password_env`, `redis.private_port`,
    /// `engine.control_socket` ...), so a start-up problem points into the file too. A
    /// setting left out of the file has no entry.
    public var settingMarks: [String: SourceMark] = [:]
    /// `market:` — the LP manager's defaults (symbols override them with `quote_*` keys).
    public var market: MarketSettings = .standard
    /// `server:` — the client HTTP API.
    public var server: ServerSettings = .defaults

    public func symbol(named name: String) -> SymbolConfig? { symbols.first { $0.name == name } }
    public func group(named name: String) -> GroupConfig? { groups.first { $0.name == name } }
    /// The core's index of a group: its position in `groups`.
    public func groupIndex(named name: String) -> RTXCore.GroupIndex? { groups.firstIndex { $0.name == name }.map { RTXCore.GroupIndex($0) } }
    public func lpBinding(for lp: String) -> LPBindingConfig? { lpBindings.first { $0.lp == lp } }
}

/// `engine:` — the process and its queues.
public struct EngineSettings: Sendable, Equatable {
    /// The state folder (private servers' data, control socket, snapshots), resolved.
    public var dataDirectory: String
    /// The plugin manifest, resolved.
    public var pluginsManifestPath: String
    /// The admin control socket, resolved; `<data>/rtx.sock` unless set.
    public var controlSocketPath: String
    /// Period of the core's time tick (GTD expiry, A-Book time-outs, stale quotes), ms.
    public var timeTickMs: Int64
    /// When the daily rollover (swap) runs, minutes after 00:00 UTC.
    public var rolloverMinuteUTC: Int
    /// A snapshot is written after this many journaled inputs.
    public var snapshotEveryInputs: Int
    /// Capacity of the bounded input queue in front of the sequencer (a power of two). When it
    /// is full new orders are refused with a reason; nothing waits without bound.
    public var queueCapacity: Int
    /// Most inputs the journal writer commits in one batch (group commit).
    public var journalBatchMax: Int

    public static let defaults = EngineSettings(
        dataDirectory: ".rtx", pluginsManifestPath: "plugins.yaml", controlSocketPath: ".rtx/rtx.sock", timeTickMs: 100,
        rolloverMinuteUTC: 21 * 60, snapshotEveryInputs: 100_000, queueCapacity: 65_536, journalBatchMax: 2_048)
}

/// `database:` — the PostgreSQL system of record.
public struct DatabaseSettings: Sendable, Equatable {
    /// `postgresql://user@host:port/db`, or empty for the private server `rtx` starts under the
    /// state folder. Never holds a password (refused at decoding).
    public var url: String
    /// Where the password is; read only when `url` is set.
    public var password: SecretSource?
    /// Connections the engine opens (journal writer, read models).
    public var poolSize: Int
    /// Longest wait for a connection, ms.
    public var connectTimeoutMs: Int64
    /// The loopback port the private server listens on (`private_port`, 1024...65535); nil
    /// (written 0 or left out) lets `rtx` pick a free one. Only with an empty `url`.
    public var privatePort: UInt16?
    /// Whether the engine projects the journal into the read-model tables (`read_models`).
    public var readModels: Bool = true
    /// Most journal records per read-model transaction (`read_model_batch`, 1...10000).
    public var readModelBatch: Int = 4_000
    public var usesPrivateServer: Bool { url.isEmpty }

    public static let defaults = DatabaseSettings(url: "", password: nil, poolSize: 4, connectTimeoutMs: 5_000, privatePort: nil)
}

/// `redis:` — the quote cache and pub/sub.
public struct RedisSettings: Sendable, Equatable {
    /// `redis://[user@]host:port[/db]` (or `rediss://`), or empty for the private server.
    public var url: String
    /// Where the password is (Redis AUTH); read only when `url` is set.
    public var password: SecretSource?
    /// Lifetime of the `quote:SYMBOL` keys, seconds.
    public var quoteTTLSeconds: Int
    /// Longest wait for a connection (and its first answer), ms.
    public var connectTimeoutMs: Int64
    /// The loopback port the private server listens on (`private_port`, 1024...65535); nil
    /// (written 0 or left out) lets `rtx` pick a free one. Only with an empty `url`.
    public var privatePort: UInt16?
    public var usesPrivateServer: Bool { url.isEmpty }

    public static let defaults = RedisSettings(url: "", password: nil, quoteTTLSeconds: 60, connectTimeoutMs: 5_000, privatePort: nil)
}

/// One entry of `symbols:`. `symbolSpec()` turns it into the core's definition.
public struct SymbolConfig: Sendable, Equatable {
    public var name: String
    /// Free text for clients and the back office ("Euro vs US Dollar").
    public var description: String
    /// Price digits (0...12): prices are ticks of 10^-digits.
    public var digits: Int
    /// Base units per lot at 1e-8 (`contract_size: "100000"` is 10,000,000,000,000).
    public var contractSizeE8: Int64
    /// Volume limits and step, 1e-8 lots (`"0.01"` is 1,000,000).
    public var volumeMin: Int64
    public var volumeMax: Int64
    public var volumeStep: Int64
    public var marginCurrency: Currency
    public var profitCurrency: Currency
    /// Smallest distance of a stop loss or take profit from the price, ticks (points).
    public var minStopDistanceTicks: Int64
    /// Weekly trading windows (UTC).
    public var sessions: TradingSessions
    /// A quote older than this refuses orders, ms.
    public var maxQuoteAgeMs: Int64
    /// The trading switch the symbol starts with.
    public var tradingState: TradingState
    /// `quote_mode`, `quote_stale_after_ms` ...: this symbol's exceptions to `market:`.
    public var quote: SymbolQuoteOverrides = .none
    /// Where the entry starts in the file.
    public var mark: SourceMark
}

/// One entry of `groups:`. `groupSpec()` turns it into the core's definition.
public struct GroupConfig: Sendable, Equatable {
    public var name: String
    /// Margin level (equity / margin, %) at or below which a margin call is raised.
    public var marginCallLevelPercent: Int64
    /// Margin level at or below which positions are closed.
    public var stopOutLevelPercent: Int64
    /// Points above the margin call level the level must regain before the next margin call.
    public var marginCallRearmPercent: Int64
    /// Largest volume of one order, 1e-8 lots (0: the symbol's limit only).
    public var maxOrderVolume: Int64
    /// Most open positions per account (0: no limit).
    public var maxOpenPositions: Int
    /// Longest wait for an LP's final report on an A-Book order, ms.
    public var aBookTimeoutMs: Int64
    /// A negative balance after a stop out is written off.
    public var negativeBalanceProtection: Bool
    public var mark: SourceMark
}

/// One entry of `accounts:`: an account opened and funded at the engine's first start.
public struct AccountConfig: Sendable, Equatable {
    public var id: AccountID
    /// The group's name (one of `groups`).
    public var group: String
    public var currency: Currency
    /// 1:N.
    public var leverage: Int64
    public var mode: PositionMode
    /// The first deposit, 1e-8 units of `currency` (0: none).
    public var deposit: Int64
    /// The client's login name (unique, compared without case), if the account has one.
    public var login: String?
    /// Where the login's password is (read and bcrypt-hashed at start).
    public var password: SecretSource?
    /// The login's password as a bcrypt hash (`password_hash: "$2b$12$..."`), if given instead.
    public var passwordHash: String? = nil
    public var mark: SourceMark
}

/// One entry of `lp_bindings:`: how one LP adapter names the engine's symbols.
public struct LPBindingConfig: Sendable, Equatable {
    /// The id of an `lp-adapter` plugin in the manifest.
    public var lp: String
    /// In file order.
    public var symbols: [LPSymbolMapping]
    public var mark: SourceMark

    /// The engine symbol the LP's `lpSymbol` stands for.
    public func engineSymbol(forLPSymbol lpSymbol: String) -> String? { symbols.first { $0.lpSymbol == lpSymbol }?.symbol }
    /// The LP's name for an engine symbol.
    public func lpSymbol(forEngineSymbol symbol: String) -> String? { symbols.first { $0.symbol == symbol }?.lpSymbol }
}

/// The LP's name for one engine symbol.
public struct LPSymbolMapping: Sendable, Equatable {
    public var lpSymbol: String
    public var symbol: String
    public var mark: SourceMark
}
