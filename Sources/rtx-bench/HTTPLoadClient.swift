import CRTXBenchSupport
import RTXPluginHost
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 load client: `connections` keep-alive connections to 127.0.0.1, one request in
/// flight on each, all driven by the calling thread through epoll. Request `k` is
/// `request(k)`; every response goes through `check` (nil: as expected; else why not).
///
/// Open loop (`runOpenLoop`): request k is due at start + k/rate whether or not earlier answers
/// came back; a due request waits for a free connection in a bounded backlog, and its latency
/// runs from the time it was due (not sent) to its complete response, so that a slow server
/// cannot hide its stalls (no coordinated omission). Closed loop (`runClosedLoop`): each
/// connection sends its next request as soon as the answer to its last arrives; latency from
/// the send.
///
/// Memory: per connection one 16 KiB read buffer; latencies at most `count` (open loop) or
/// `maxSamples` (closed loop); the backlog at most `backlogCapacity` requests (beyond it a due
/// request is counted as not sent). Lifetime: `close()` when done.
final class HTTPLoadClient {
    /// How a run went.
    struct Result {
        var requests = 0
        var answered = 0
        /// Answers that passed `check`.
        var ok = 0
        /// Failed checks, unreadable answers and broken connections.
        var errors = 0
        var firstError: String?
        /// Due requests dropped because the backlog was full, or never sent before the deadline.
        var notSent = 0
        var statuses: [Int: Int] = [:]
        /// Due (open loop) or sent (closed loop) → complete response, ns; of the answered ones.
        var latenciesNs: [Int64] = []
        /// Samples not kept (closed loop over `maxSamples`).
        var samplesDropped = 0
        var wallNs: Int64 = 0
        /// CPU of the client's thread over the run, ns.
        var clientCPUNs: Int64 = 0

        var answersPerSecond: Double { wallNs > 0 ? Double(answered) / (Double(wallNs) / 1e9) : 0 }
        var okPerSecond: Double { wallNs > 0 ? Double(ok) / (Double(wallNs) / 1e9) : 0 }

        mutating func fail(_ why: String) {
            errors += 1
            if firstError == nil { firstError = why }
        }
    }

    private struct Connection {
        var fd: Int32
        var reader = HTTPResponseReader()
        var request = -1
        var startNs: Int64 = 0
        var alive = true
    }

    static let backlogCapacity = 65_536
    private static let timerToken = UInt64.max
    private let poll: EventPoll
    private let timer: Int32
    private var connections: [Connection] = []
    /// Most latencies the current run keeps.
    private var sampleLimit = 0
    private let request: (Int) -> [UInt8]
    private let check: (HTTPResponseReader.Response) -> String?

    init(port: UInt16, connections count: Int, request: @escaping (Int) -> [UInt8], check: @escaping (HTTPResponseReader.Response) -> String?) throws {
        self.request = request
        self.check = check
        poll = try EventPoll()
        timer = rtx_bs_timer_create()
        guard timer >= 0 else { throw BenchError("timerfd_create: \(String(cString: strerror(errno)))") }
        poll.add(timer, events: RTX_BS_READABLE, token: Self.timerToken)
        for i in 0 ..< count {
            let fd = try LoopbackSocket.connect(port: port)
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard Glibc.poll(&p, 1, 5_000) > 0, LoopbackSocket.connectError(fd) == 0 else {
                Glibc.close(fd)
                throw BenchError("connection \(i) to 127.0.0.1:\(port) failed")
            }
            connections.append(Connection(fd: fd))
            poll.add(fd, events: RTX_BS_READABLE, token: UInt64(i))
        }
    }

    func close() {
        for c in connections { Glibc.close(c.fd) }
        connections.removeAll()
        Glibc.close(timer)
    }

    /// Requests `first ..< first + count`, request i due at start + (i − first)/`perSecond`.
    func runOpenLoop(first: Int, count: Int, perSecond: Int) -> Result {
        var result = Result()
        sampleLimit = count
        result.latenciesNs.reserveCapacity(count)
        let cpuStart = ProcessCPU.threadNs()
        let startNs = HostClock.monotonicNanoseconds() + 1_000_000
        func due(_ i: Int) -> Int64 { startNs + Int64(i) * 1_000_000_000 / Int64(perSecond) }
        let deadline = due(count) + 30_000_000_000
        var backlog = BoundedQueue(capacity: min(count, Self.backlogCapacity))
        var idle = Array((0 ..< connections.count).reversed())
        var next = 0
        rtx_bs_timer_at(timer, due(0))
        func dispatch() {
            while let k = backlog.first, let c = idle.popLast() {
                backlog.removeFirst()
                send(c, request: first + k, startNs: due(k), &result)
            }
        }
        while result.answered + result.errors + result.notSent < count {
            let now = HostClock.monotonicNanoseconds()
            if now > deadline {
                result.notSent += count - result.answered - result.errors - result.notSent
                break
            }
            poll.wait(timeoutMs: 100) { events, token in
                if token == Self.timerToken {
                    rtx_bs_timer_drain(timer)
                    let now = HostClock.monotonicNanoseconds()
                    while next < count, due(next) <= now {
                        if !backlog.push(next) { result.notSent += 1 }
                        next += 1
                    }
                    if next < count { rtx_bs_timer_at(timer, due(next)) }
                } else if receive(Int(token), &result) {
                    idle.append(Int(token))
                }
                dispatch()
            }
            if connections.allSatisfy({ !$0.alive }) {
                result.notSent += count - result.answered - result.errors - result.notSent
                break
            }
        }
        rtx_bs_timer_at(timer, 0)
        result.requests = count
        result.wallNs = HostClock.monotonicNanoseconds() - startNs
        result.clientCPUNs = ProcessCPU.threadNs() - cpuStart
        return result
    }

    /// Requests from `first` on, every connection busy, for `durationNs`; then waits for the
    /// answers in flight. Keeps at most `maxSamples` latencies.
    func runClosedLoop(first: Int, durationNs: Int64, maxSamples: Int = 2_000_000) -> Result {
        var result = Result()
        sampleLimit = maxSamples
        result.latenciesNs.reserveCapacity(min(maxSamples, 1_000_000))
        let cpuStart = ProcessCPU.threadNs()
        let startNs = HostClock.monotonicNanoseconds()
        let end = startNs + durationNs
        var next = first
        var inFlight = 0
        for c in connections.indices where connections[c].alive {
            send(c, request: next, startNs: HostClock.monotonicNanoseconds(), &result)
            next += 1
            inFlight += 1
        }
        while inFlight > 0 {
            let before = result.answered + result.errors
            poll.wait(timeoutMs: 100) { _, token in
                guard token != Self.timerToken else { return }
                let c = Int(token)
                let done = receive(c, &result)
                if done || !connections[c].alive { inFlight -= 1 }
                if done, HostClock.monotonicNanoseconds() < end {
                    send(c, request: next, startNs: HostClock.monotonicNanoseconds(), &result)
                    next += 1
                    inFlight += 1
                }
            }
            if result.answered + result.errors == before, HostClock.monotonicNanoseconds() > end + 30_000_000_000 { break }
        }
        result.requests = next - first
        result.wallNs = HostClock.monotonicNanoseconds() - startNs
        result.clientCPUNs = ProcessCPU.threadNs() - cpuStart
        return result
    }

    private func send(_ c: Int, request k: Int, startNs: Int64, _ result: inout Result) {
        connections[c].request = k
        connections[c].startNs = startNs
        if !LoopbackSocket.writeAll(connections[c].fd, request(k)) {
            connections[c].alive = false
            poll.remove(connections[c].fd)
            result.fail("request \(k): the connection broke on write")
        }
    }

    /// Reads connection `c`; true when its request's answer is complete (and counted).
    private func receive(_ c: Int, _ result: inout Result) -> Bool {
        guard connections[c].alive else { return false }
        switch connections[c].reader.read(connections[c].fd) {
        case .incomplete:
            return false
        case .failed(let why):
            connections[c].alive = false
            poll.remove(connections[c].fd)
            result.fail("connection \(c): \(why)")
            return false
        case .response(let response):
            let now = HostClock.monotonicNanoseconds()
            result.answered += 1
            result.statuses[response.status, default: 0] += 1
            if result.latenciesNs.count < sampleLimit { result.latenciesNs.append(now - connections[c].startNs) } else { result.samplesDropped += 1 }
            if let why = check(response) { result.fail("request \(connections[c].request): \(why)") } else { result.ok += 1 }
            connections[c].request = -1
            return true
        }
    }
}

/// A fixed-capacity FIFO of request indexes (a ring): `push` refuses when full.
struct BoundedQueue {
    private var slots: [Int]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) { slots = [Int](repeating: 0, count: max(1, capacity)) }

    var first: Int? { count > 0 ? slots[head] : nil }

    mutating func push(_ v: Int) -> Bool {
        guard count < slots.count else { return false }
        slots[(head + count) % slots.count] = v
        count += 1
        return true
    }

    mutating func removeFirst() {
        head = (head + 1) % slots.count
        count -= 1
    }
}
