import CHiredis
#if canImport(Glibc)
import Glibc
#endif

/// One Redis connection through hiredis (blocking API), synchronous: each call blocks its
/// thread until the server answers or `RedisConfiguration.commandTimeoutMs` passes.
///
/// Connecting: TCP within `connectTimeoutMs` (`redisConnectWithTimeout`), then the command
/// timeout on the socket (`redisSetTimeout`), `AUTH` when a password is set, `SELECT` when the
/// database is not 0, and a `PING` so that a server wanting a password is found at once.
///
/// Commands are argument vectors of bytes (binary-safe: `redisCommandArgv`); `pipeline`
/// sends many at once and reads their replies in order (`redisAppendCommandArgv` +
/// `redisGetReply`). An error reply (`-ERR`, `-WRONGTYPE`) is a `RedisReply.error` value, not
/// a thrown error; a thrown `RedisError` means the connection could not be used
/// (`needsReconnect`), or the input was refused before sending.
///
/// Thread: not thread-safe and not `Sendable`: one owner, one thread at a time. Lifetime: the
/// connection closes on `close()` or deinit. Loss: after `connectionLost` or `timeout` every
/// call throws until the owner makes a new client; nothing reconnects behind its back.
/// Limits: at most `maxPipelineCommands` commands per pipeline and `maxArguments` arguments
/// per command; replies are read whole (hiredis has no reply size limit): use it for commands
/// with small replies. Signals: hiredis writes with write(2), so the first client sets
/// SIGPIPE to ignored when it is at its default (a closed peer would otherwise kill the process).
public final class RedisClient {
    public let configuration: RedisConfiguration
    private var context: UnsafeMutablePointer<redisContext>?

    public static let maxPipelineCommands = 100_000
    public static let maxArguments = 1_000_000

    /// Connects (see the type's comment); throws `.connect`, `.authentication`, `.server` or `.timeout`.
    public init(_ configuration: RedisConfiguration) throws(RedisError) {
        try configuration.validate()
        self.configuration = configuration
        Self.ignoreSIGPIPEOnce
        try open()
    }

    /// Connects to a `redis://` URL with the default timeouts.
    public convenience init(url: String, password: String? = nil) throws(RedisError) {
        try self.init(RedisConfiguration(url: url, password: password))
    }

    deinit { if let context { redisFree(context) } }

    /// `host:port`, for messages.
    public var address: String { configuration.address }

    /// True while the connection is open and hiredis has seen no error on it.
    public var isConnected: Bool {
        guard let context else { return false }
        return context.pointee.err == 0 && context.pointee.flags & REDIS_CONNECTED != 0
    }

    /// Closes the connection; later calls throw `.connectionLost`.
    public func close() {
        if let context { redisFree(context) }
        context = nil
    }

    /// Sends one command and waits for its reply.
    @discardableResult
    public func command(_ arguments: [[UInt8]]) throws(RedisError) -> RedisReply {
        let what = Self.describe(arguments)
        let context = try live(doing: what)
        try Self.checkArguments(arguments, address: address, doing: what)
        let raw = Self.withArgv(arguments) { argc, argv, lengths in redisCommandArgv(context, argc, argv, lengths) }
        guard let raw else { throw failure(doing: what) }
        defer { freeReplyObject(raw) }
        return Self.convert(raw.assumingMemoryBound(to: redisReply.self))
    }

    /// `command` with text arguments (UTF-8).
    @discardableResult
    public func command(_ words: String...) throws(RedisError) -> RedisReply {
        try command(words.map { Array($0.utf8) })
    }

    /// Sends every command at once, then reads the replies in order (one round trip for all).
    /// An I/O failure or time-out on any of them throws; error replies are returned in place.
    public func pipeline(_ commands: [[[UInt8]]]) throws(RedisError) -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        let what = commands.count == 1 ? Self.describe(commands[0]) : "pipeline of \(commands.count) commands (\(Self.describe(commands[0])) ...)"
        let context = try live(doing: what)
        guard commands.count <= Self.maxPipelineCommands else {
            throw RedisError(.badInput, address: address, doing: what, message: "more than \(Self.maxPipelineCommands) commands in one pipeline")
        }
        for arguments in commands {
            try Self.checkArguments(arguments, address: address, doing: what)
            let status = Self.withArgv(arguments) { argc, argv, lengths in redisAppendCommandArgv(context, argc, argv, lengths) }
            guard status == REDIS_OK else { throw failure(doing: what) }
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw failure(doing: what) }
            replies.append(Self.convert(raw.assumingMemoryBound(to: redisReply.self)))
            freeReplyObject(raw)
        }
        return replies
    }

    /// The next reply the server pushes without a request (a pub/sub message after
    /// `SUBSCRIBE`), waiting up to `timeoutMs`; nil when none came. Unlike a command that
    /// times out, a `receive` that finds nothing leaves the connection usable.
    public func receive(timeoutMs: Int) throws(RedisError) -> RedisReply? {
        let what = "read a pushed message"
        let context = try live(doing: what)
        var raw: UnsafeMutableRawPointer?
        guard redisGetReplyFromReader(context, &raw) == REDIS_OK else { throw failure(doing: what) }
        if raw == nil {
            var entry = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
            var ready: Int32
            repeat { ready = poll(&entry, 1, Int32(clamping: timeoutMs)) } while ready < 0 && errno == EINTR
            guard ready > 0 else { return nil }
            guard redisGetReply(context, &raw) == REDIS_OK else { throw failure(doing: what) }
        }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        return Self.convert(raw.assumingMemoryBound(to: redisReply.self))
    }

    // MARK: - Internals

    private func open() throws(RedisError) {
        let c = configuration
        guard let context = redisConnectWithTimeout(c.host, Int32(c.port), Self.timeval(ms: c.connectTimeoutMs)) else {
            throw RedisError(.connect, address: address, doing: "connect", message: "hiredis could not allocate a context")
        }
        if context.pointee.err != 0 {
            let message = Self.errorText(context)
            redisFree(context)
            throw RedisError(.connect, address: address, doing: "connect",
                             message: message + (message.contains("timed out") ? " (no connection within \(c.connectTimeoutMs) ms)" : ""))
        }
        self.context = context
        guard redisSetTimeout(context, Self.timeval(ms: c.commandTimeoutMs)) == REDIS_OK else {
            let message = Self.errorText(context)
            close()
            throw RedisError(.connect, address: address, doing: "set the command timeout", message: message)
        }
        redisEnableKeepAlive(context)
        do throws(RedisError) {
            if let password = c.revealPassword() {
                let words = c.user.map { ["AUTH", $0, password] } ?? ["AUTH", password]
                let reply = try command(words.map { Array($0.utf8) })
                if case .error(let message) = reply {
                    throw RedisError(.authentication, address: address, doing: "AUTH",
                                     message: "the server refused the \(c.user == nil ? "password" : "user or password"): \(hidden(message))")
                }
            }
            if c.database != 0, case .error(let message) = try command("SELECT", String(c.database)) {
                throw RedisError(.server, address: address, doing: "SELECT \(c.database)", message: hidden(message))
            }
            let pong = try command("PING")
            if case .error(let message) = pong {
                let wantsPassword = message.hasPrefix("NOAUTH") || message.hasPrefix("DENIED")
                throw RedisError(wantsPassword ? .authentication : .server, address: address, doing: "PING",
                                 message: wantsPassword ? "the server wants a password and none is configured: \(hidden(message))" : hidden(message))
            }
        } catch {
            close()
            throw error
        }
    }

    /// A message with the password (if it appears) replaced.
    private func hidden(_ text: String) -> String {
        guard let password = configuration.revealPassword(), !password.isEmpty else { return text }
        return text.replacing(password, with: "<hidden>")
    }

    private func live(doing: String) throws(RedisError) -> UnsafeMutablePointer<redisContext> {
        guard let context else { throw RedisError(.connectionLost, address: address, doing: doing, message: "the connection is closed") }
        guard context.pointee.err == 0 else {
            throw RedisError(.connectionLost, address: address, doing: doing, message: "the connection failed earlier: \(hidden(Self.errorText(context)))")
        }
        return context
    }

    /// The error hiredis recorded on the context, as a `RedisError` (time-outs told apart).
    private func failure(doing: String) -> RedisError {
        guard let context else { return RedisError(.connectionLost, address: address, doing: doing, message: "the connection is closed") }
        let text = hidden(Self.errorText(context))
        if context.pointee.err == REDIS_ERR_IO, text.contains("temporarily unavailable") {
            return RedisError(.timeout, address: address, doing: doing, message: "no reply within \(configuration.commandTimeoutMs) ms")
        }
        if context.pointee.err == 0 { return RedisError(.connectionLost, address: address, doing: doing, message: "hiredis returned no reply") }
        return RedisError(.connectionLost, address: address, doing: doing, message: text.isEmpty ? "error \(context.pointee.err)" : text)
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    private static func timeval(ms: Int) -> timeval {
        Glibc.timeval(tv_sec: ms / 1_000, tv_usec: (ms % 1_000) * 1_000)
    }

    private static func checkArguments(_ arguments: [[UInt8]], address: String, doing: String) throws(RedisError) {
        guard !arguments.isEmpty else { throw RedisError(.badInput, address: address, doing: doing, message: "an empty command") }
        guard arguments.count <= maxArguments else {
            throw RedisError(.badInput, address: address, doing: doing, message: "more than \(maxArguments) arguments")
        }
    }

    /// Calls `body` with C views of `arguments` (pointers into one buffer, with lengths).
    private static func withArgv<R>(_ arguments: [[UInt8]], _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R) -> R {
        var flat: [UInt8] = []
        flat.reserveCapacity(arguments.reduce(0) { $0 + $1.count } + 1)
        var offsets: [Int] = []
        var lengths: [Int] = []
        for argument in arguments {
            offsets.append(flat.count)
            lengths.append(argument.count)
            flat += argument
        }
        flat.append(0)
        return flat.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            var pointers: [UnsafePointer<CChar>?] = offsets.map { (base + $0).assumingMemoryBound(to: CChar.self) }
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { body(Int32(arguments.count), argv.baseAddress!, $0.baseAddress!) }
            }
        }
    }

    private static func convert(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let r = reply.pointee
        func bytes() -> [UInt8] {
            guard let str = r.str, r.len > 0 else { return [] }
            return Array(UnsafeRawBufferPointer(start: str, count: r.len))
        }
        switch r.type {
        case REDIS_REPLY_STATUS: return .status(String(decoding: bytes(), as: UTF8.self))
        case REDIS_REPLY_ERROR: return .error(String(decoding: bytes(), as: UTF8.self))
        case REDIS_REPLY_INTEGER: return .integer(Int64(r.integer))
        case REDIS_REPLY_STRING: return .bulk(bytes())
        case REDIS_REPLY_ARRAY:
            guard let items = r.element else { return .array([]) }
            return .array((0 ..< r.elements).map { i in items[i].map(convert) ?? .null })
        default: return .null
        }
    }

    /// A command for messages: its name and first argument (a key), never the other
    /// arguments (values, passwords). Commands that carry secrets show their name only.
    static func describe(_ arguments: [[UInt8]]) -> String {
        guard let first = arguments.first else { return "(empty command)" }
        let name = String(decoding: first.prefix(32), as: UTF8.self).uppercased()
        let secretive: Set<String> = ["AUTH", "HELLO", "CONFIG", "ACL", "MIGRATE"]
        guard arguments.count > 1, !secretive.contains(name) else { return name }
        let key = arguments[1]
        let printable = key.count <= 64 && key.allSatisfy { (0x21 ... 0x7E).contains($0) }
        return "\(name) \(printable ? String(decoding: key, as: UTF8.self) : "(a \(key.count)-byte key)")"
    }

    private static let ignoreSIGPIPEOnce: Void = {
        var current = sigaction()
        sigaction(SIGPIPE, nil, &current)
        if current.__sigaction_handler.sa_handler == nil { signal(SIGPIPE, SIG_IGN) }
    }()
}
