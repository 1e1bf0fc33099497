import CRTXBenchSupport
import RTXPluginHost
#if canImport(Glibc)
import Glibc
#endif

/// Many WebSocket clients of `/api/v1/stream` on one thread (epoll): each connects, upgrades,
/// authenticates with `{"op":"auth","token"}` (client i uses token i mod tokens), subscribes
/// to `symbols` and then reads. For each quote received in the measured window it records
/// receive wall clock − the quote's `time_ns` (the engine's wall clock when it published the
/// quote: same machine, same clock). Pings are answered; a close frame or a dropped
/// connection is counted with its reason ("too slow ..." is the server's slow-consumer cut-off).
///
/// Memory: a 16 KiB read buffer per client; at most `maxSamples` latencies (the rest counted).
final class WebSocketFanoutClient {
    /// What the clients saw.
    struct Result {
        var clients = 0
        var live = 0
        var quotes = 0
        var latenciesNs: [Int64] = []
        var samplesDropped = 0
        /// Quotes whose `time_ns` could not be read.
        var unreadable = 0
        var otherMessages = 0
        var errorMessages = 0
        var firstError: String?
        /// Connections closed by the server or lost, by reason (slow-consumer cut-offs start "too slow").
        var closed: [String: Int] = [:]
        var wallNs: Int64 = 0
        var clientCPUNs: Int64 = 0

        var slowClosed: Int { closed.filter { $0.key.hasPrefix("too slow") }.values.reduce(0, +) }
        var quotesPerSecond: Double { wallNs > 0 ? Double(quotes) / (Double(wallNs) / 1e9) : 0 }
    }

    private enum Stage { case connecting, upgrading, authenticating, subscribing, live, gone }

    private struct Client {
        var fd: Int32
        var stage = Stage.connecting
        var reader = WebSocketFrameReader()
    }

    /// Most connections being set up at once (the listen backlog is not flooded).
    static let setupWindow = 64
    private let port: UInt16
    private let tokens: [String]
    private let subscribe: [UInt8]
    private let poll: EventPoll
    private var clients: [Client] = []
    private var result = Result()
    private var recording = false
    private var sampleLimit = 0

    init(port: UInt16, tokens: [String], symbols: [String]) throws {
        self.port = port
        self.tokens = tokens
        subscribe = Array("{\"op\":\"subscribe\",\"symbols\":[\(symbols.map { "\"\($0)\"" }.joined(separator: ","))]}".utf8)
        poll = try EventPoll()
    }

    /// Opens `count` clients, at most `setupWindow` in set-up at a time, and waits until all are
    /// live (subscribed) or `timeoutNs` has passed. Returns how many are live.
    func connect(count: Int, timeoutNs: Int64) throws -> Int {
        let deadline = HostClock.monotonicNanoseconds() + timeoutNs
        var opened = 0
        while HostClock.monotonicNanoseconds() < deadline {
            let settingUp = clients.filter { $0.stage != .live && $0.stage != .gone }.count
            if opened < count, settingUp < Self.setupWindow {
                for _ in 0 ..< min(Self.setupWindow - settingUp, count - opened) {
                    let fd = try LoopbackSocket.connect(port: port)
                    clients.append(Client(fd: fd))
                    poll.add(fd, events: RTX_BS_READABLE | RTX_BS_WRITABLE, token: UInt64(clients.count - 1))
                    opened += 1
                }
            }
            if opened == count, !clients.contains(where: { $0.stage != .live && $0.stage != .gone }) { break }
            poll.wait(timeoutMs: 10) { events, token in handle(Int(token), events) }
        }
        result.clients = clients.count
        return clients.filter { $0.stage == .live }.count
    }

    /// Reads for `durationNs` without recording (warm-up).
    func idle(durationNs: Int64) {
        let end = HostClock.monotonicNanoseconds() + durationNs
        while HostClock.monotonicNanoseconds() < end { poll.wait(timeoutMs: 10) { handle(Int($1), $0) } }
    }

    /// Reads for `durationNs`, recording every quote's latency (at most `maxSamples`).
    func measure(durationNs: Int64, maxSamples: Int) -> Result {
        sampleLimit = maxSamples
        result.latenciesNs.reserveCapacity(min(maxSamples, 4_000_000))
        let cpuStart = ProcessCPU.threadNs()
        let start = HostClock.monotonicNanoseconds()
        recording = true
        while HostClock.monotonicNanoseconds() < start + durationNs { poll.wait(timeoutMs: 10) { handle(Int($1), $0) } }
        recording = false
        result.wallNs = HostClock.monotonicNanoseconds() - start
        result.clientCPUNs = ProcessCPU.threadNs() - cpuStart
        result.live = clients.filter { $0.stage == .live }.count
        return result
    }

    func close() {
        for c in clients where c.stage != .gone { Glibc.close(c.fd) }
        clients.removeAll()
    }

    private func handle(_ i: Int, _ events: UInt32) {
        switch clients[i].stage {
        case .gone: return
        case .connecting:
            guard events & (RTX_BS_WRITABLE | RTX_BS_ERROR | RTX_BS_HANGUP) != 0 else { return }
            let error = LoopbackSocket.connectError(clients[i].fd)
            guard error == 0 else { return drop(i, "connect: \(String(cString: strerror(error)))") }
            poll.modify(clients[i].fd, events: RTX_BS_READABLE, token: UInt64(i))
            clients[i].stage = .upgrading
            send(i, WebSocketFrameReader.upgradeRequest(path: "/api/v1/stream"))
        default:
            let wallNs = LoopbackSocket.wallNs()
            var replies: [[UInt8]] = []
            var stage = clients[i].stage
            var closeReason: String?
            let status = clients[i].reader.read(clients[i].fd) { opcode, payload in
                switch WebSocketFrameReader.Opcode(rawValue: opcode) {
                case .text: if let next = message(payload, stage: stage, wallNs: wallNs, replies: &replies) { stage = next }
                case .ping: replies.append(WebSocketFrameReader.clientFrame(.pong, Array(payload)))
                case .close:
                    let reason = payload.count > 2 ? String(decoding: payload.dropFirst(2), as: UTF8.self) : "close frame without a reason"
                    closeReason = reason.isEmpty ? "close code \(payload.count >= 2 ? Int(payload.first!) << 8 | Int(payload.dropFirst().first!) : 0)" : reason
                default: result.otherMessages += 1
                }
            }
            if clients[i].reader.upgraded, clients[i].stage == .upgrading {
                replies.insert(Array("{\"op\":\"auth\",\"token\":\"\(tokens[i % tokens.count])\"}".utf8), at: 0)
                if stage == .upgrading { stage = .authenticating }
            }
            clients[i].stage = stage
            for r in replies { send(i, r.first == UInt8(ascii: "{") ? WebSocketFrameReader.clientFrame(.text, r) : r) }
            if let closeReason { return drop(i, closeReason) }
            switch status {
            case .open: break
            case .ended(let why), .failed(let why): drop(i, why)
            }
        }
    }

    private static let quotePrefix = Array("{\"type\":\"quote\"".utf8)
    private static let readyPrefix = Array("{\"type\":\"ready\"".utf8)
    private static let subscribedPrefix = Array("{\"type\":\"subscribed\"".utf8)
    private static let timeKey = Array("\"time_ns\":".utf8)
    private static let errorPrefix = Array("{\"type\":\"error\"".utf8)

    /// One text message; returns the client's next stage when it moves on.
    private func message(_ m: ArraySlice<UInt8>, stage: Stage, wallNs: Int64, replies: inout [[UInt8]]) -> Stage? {
        if m.starts(with: Self.quotePrefix) {
            guard recording else { return nil }
            guard let timeNs = Self.trailingTimeNs(m) else {
                result.unreadable += 1
                return nil
            }
            result.quotes += 1
            if result.latenciesNs.count < sampleLimit { result.latenciesNs.append(wallNs - timeNs) } else { result.samplesDropped += 1 }
            return nil
        }
        if m.starts(with: Self.readyPrefix), stage == .authenticating {
            replies.append(subscribe)
            return .subscribing
        }
        if m.starts(with: Self.subscribedPrefix), stage == .subscribing { return .live }
        if m.starts(with: Self.errorPrefix) {
            result.errorMessages += 1
            if result.firstError == nil { result.firstError = String(decoding: m, as: UTF8.self) }
            return nil
        }
        result.otherMessages += 1
        return nil
    }

    /// The quote's `time_ns`, its last field: the digits before the closing brace.
    static func trailingTimeNs(_ m: ArraySlice<UInt8>) -> Int64? {
        guard m.last == UInt8(ascii: "}") else { return nil }
        var i = m.endIndex - 1
        var value: Int64 = 0, scale: Int64 = 1, digits = 0
        while i > m.startIndex, digits < 19, case let d = m[i - 1], d >= 48, d <= 57 {
            value = value &+ Int64(d - 48) &* scale
            digits += 1
            if digits < 19 { scale *= 10 }
            i -= 1
        }
        let key = timeKey
        guard digits > 0, i - m.startIndex >= key.count, m[(i - key.count) ..< i].elementsEqual(key) else { return nil }
        return value
    }

    private func send(_ i: Int, _ bytes: [UInt8]) {
        if !LoopbackSocket.writeAll(clients[i].fd, bytes) { drop(i, "write failed") }
    }

    private func drop(_ i: Int, _ reason: String) {
        guard clients[i].stage != .gone else { return }
        poll.remove(clients[i].fd)
        Glibc.close(clients[i].fd)
        clients[i].stage = .gone
        let key = String(reason.prefix(80))
        if result.closed[key] != nil || result.closed.count < 32 { result.closed[key, default: 0] += 1 } else { result.closed["(other reasons)", default: 0] += 1 }
    }
}
