import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import RTXCore
import RTXEngine
import ServiceLifecycle
import Synchronization

/// The client HTTP API on Hummingbird 2 (`server:` in rtx.yaml): probes, login and token
/// refresh, the account summary, positions and market orders. Every route answers JSON, and
/// every error the one shape of `APIError`. Engine calls run off the event loops
/// (`EngineCalls`); bodies are read up to `server.max_body_bytes`.
///
/// Thread: `start` and `stop` from one thread (the `rtx run` main thread); handlers run on
/// the server's event loops. Lifetime: `start` once, `stop` once, before the engine stops.
public final class APIServer: Sendable {
    let engine: Engine
    let settings: ServerSettings
    let logins: LoginDirectory
    let calls = EngineCalls()
    /// Values must be JSON strings; the client order id is `client_order_id`.
    let parser: RequestParser
    let tokens: TokenIssuer
    /// The WebSocket fan-out (`Streams/`) and the rate limits (`Limits/`).
    let hub: StreamHub
    let limits: RateLimits
    /// The trader page's files (`Routes+Page`), read once here.
    let page: PageFiles
    private let task = Mutex<Task<Void, Never>?>(nil)
    /// The service group running the application: `stop` asks it for a graceful shutdown.
    private let group = Mutex<ServiceGroup?>(nil)
    private let done = DispatchSemaphore(value: 0)

    /// Longest wait for the listening socket at start, s.
    static let startTimeoutSeconds = 10

    /// Reads the logins' passwords (see `LoginDirectory`); throws `EngineConfigError` naming the setting.
    public init(engine: Engine, config: EngineConfig) async throws {
        self.engine = engine
        settings = config.server
        logins = try LoginDirectory(config: config)
        parser = RequestParser(engine: engine, stringsOnly: true, clientIDKey: "client_order_id")
        tokens = await TokenIssuer(accessSeconds: config.server.accessTokenSeconds, refreshSeconds: config.server.refreshTokenSeconds)
        hub = StreamHub(engine: engine)
        limits = RateLimits(settings: config.server)
        page = PageFiles.load()
    }

    /// The logins that can log in: (login, account).
    public var loginList: [(login: String, account: AccountID)] { logins.entries.map { ($0.login, $0.account) } }

    /// Whether the account's password is `password` (the banner says so for the documented demo password).
    public func accountHasPassword(_ password: String, account: AccountID) -> Bool { logins.passwordIs(password, account: account) }

    func router() -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: CORSPolicyMiddleware(origins: settings.corsOrigins))
        router.add(middleware: ErrorShapeMiddleware())
        router.add(middleware: RateLimitMiddleware(limits: limits, tokens: tokens))
        addProbeRoutes(to: router)
        addAuthRoutes(to: router)
        addAccountRoutes(to: router)
        addOrderRoutes(to: router)
        addMarketRoutes(to: router)
        addPositionRoutes(to: router)
        addHistoryRoutes(to: router, history: HistoryReader(engine: engine))
        addPageRoutes(to: router, page: page)
        let table = RouterTable()
        addOpenAPIRoute(to: router, table: table)
        // Every route is in the API's table or is one of the page's; the page's are left out of the document.
        let routes = router.routes.map { "\($0.method.rawValue) \($0.path)" }
        for route in routes { precondition(APIRoute.byKey[route] != nil || PageRoute.all.contains(route), "\(route) is in neither APIRoute.all nor PageRoute.all") }
        table.set(api: routes.filter { !PageRoute.all.contains($0) }, page: routes.filter { PageRoute.all.contains($0) })
        return router
    }

    /// Binds `server.listen` and serves in the background. Returns the bound `host:port` (the
    /// real port when the setting's is 0). Throws `APIServerStartError` when the address cannot
    /// be bound (in use, not on this machine) or nothing listens within 10 s.
    public func start() throws -> String {
        let bound = Outcome<Int>()
        let ready = bound.ready
        var logger = Logger(label: "rtx.api")
        logger.logLevel = .warning
        let app = Application(router: router(),
                              server: .http1WebSocketUpgrade(configuration: .init(ws: .init(maxFrameSize: Self.streamMaxFrameBytes,
                                  autoPing: .enabled(timePeriod: .seconds(Int64(settings.streamHeartbeatSeconds)))))) { [self] head, channel, _ in
                                  try await shouldUpgrade(head, channel: channel)
                              },
                              configuration: .init(address: .hostname(settings.host, port: Int(settings.port)), serverName: "rtx"),
                              onServerRunning: { channel in
                                  bound.value.withLock { $0 = .success(channel.localAddress?.port ?? 0) }
                                  ready.signal()
                              },
                              logger: logger)
        let done = self.done
        // Our own service group (no signals: `rtx run` handles those) so that `stop` can shut it
        // down gracefully: stop accepting, let requests in flight finish, then close.
        let serviceGroup = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        group.withLock { $0 = serviceGroup }
        task.withLock {
            $0 = Task.detached {
                do { try await serviceGroup.run() } catch {
                    bound.value.withLock { if $0 == nil { $0 = .failure(error) } }
                    ready.signal()
                }
                done.signal()
            }
        }
        _ = ready.wait(timeout: .now() + .seconds(Self.startTimeoutSeconds))
        switch bound.value.withLock({ $0 }) {
        case .success(let port):
            hub.start()
            return "\(settings.host):\(port)"
        case .failure(let error): throw APIServerStartError(listen: settings.listen, underlying: "\(error)")
        case nil:
            stop()
            throw APIServerStartError(listen: settings.listen, underlying: "not listening within \(Self.startTimeoutSeconds) s")
        }
    }

    /// Stops accepting, finishes requests in flight (graceful shutdown) and waits up to 10 s;
    /// then cancels what is left and waits up to 2 s more.
    public func stop() {
        hub.stop()
        defer { calls.shutdown() }
        guard let task = task.withLock({ t -> Task<Void, Never>? in defer { t = nil }; return t }) else { return }
        if let serviceGroup = group.withLock({ g -> ServiceGroup? in defer { g = nil }; return g }) {
            Task.detached { await serviceGroup.triggerGracefulShutdown() }
            if done.wait(timeout: .now() + .seconds(10)) == .success { return }
        }
        task.cancel()
        _ = done.wait(timeout: .now() + .seconds(2))
    }
}

/// The HTTP server could not listen on `server.listen`.
public struct APIServerStartError: Error, CustomStringConvertible {
    public var listen: String
    public var underlying: String
    /// Whether the address is taken by another process.
    public var inUse: Bool { underlying.contains("in use") || underlying.contains("EADDRINUSE") || underlying.contains("errno: 98") }
    public var description: String { "cannot listen on \(listen): \(underlying)" }
}

extension APIServer {
    /// `init` for synchronous callers (`rtx run`'s main thread): waits for it on a task.
    public static func make(engine: Engine, config: EngineConfig) throws -> APIServer {
        let result = Outcome<APIServer>()
        let made = result.ready
        Task.detached {
            do {
                let server = try await APIServer(engine: engine, config: config)
                result.value.withLock { $0 = .success(server) }
            } catch {
                result.value.withLock { $0 = .failure(error) }
            }
            made.signal()
        }
        made.wait()
        return try result.value.withLock { $0! }.get()
    }
}

/// A result handed from a task to a waiting thread.
final class Outcome<T: Sendable>: Sendable {
    let value = Mutex<Result<T, any Error>?>(nil)
    let ready = DispatchSemaphore(value: 0)
}
