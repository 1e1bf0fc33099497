import Foundation
import RTXEngine
import Testing

/// The LP manager inside `rtx run` (real PostgreSQL, Redis and plugins): two instances of
/// the SDK's synthetic LP aggregated (best bid / best ask) and failing over and back (the
/// failover time is measured and printed for BENCHMARKS.md, not asserted), and a scripted
/// fixture LP whose crossed, non-positive, stale, spiking and unmapped quotes are refused
/// and counted in `status` and in the metrics. Every wait has a deadline; no fixed sleep is
/// an assertion.
@Suite(.serialized) struct LPManagerTests {
    static let libraries = ["libsynthetic_lp.so", "libb_book_routing.so", "libflat_commission.so"]

    /// Plugins: the LPs given, b-book routing and a flat commission (no markup: client prices are raw).
    static func plugins(lps: String, bindings: String) -> String {
        """
        version: 1
        plugins:
        \(lps)
          - id: b-book
            kind: routing-policy
            path: PLUGINS/libb_book_routing.so
          - id: flat
            kind: fee-model
            path: PLUGINS/libflat_commission.so
            config:
              per_lot: 3.50
              minimum: 0.50
              currency: USD
        bindings:
          symbols:
        \(bindings)
          groups:
            - group: retail
              routing: b-book
              fee_model: flat
              fallback: b-book
        """
    }

    static func synthetic(_ id: String, seed: Int, instrument: String, qps: Int = 20, extra: String = "") -> String {
        """
          - id: \(id)
            kind: lp-adapter
            path: PLUGINS/libsynthetic_lp.so
            config:
              seed: \(seed)
              quotes_per_second: \(qps)
              instruments: \(instrument)
        \(extra)
        """
    }

    static func scripted(_ id: String, script: String, then: String = "repeat", intervalMs: Int = 20) -> String {
        """
          - id: \(id)
            kind: lp-adapter
            path: PLUGINS/libscripted_lp.so
            config:
              interval_ms: \(intervalMs)
              then: \(then)
              script: \(script)
        """
    }

    static func eurusd(_ lps: [String]) -> String {
        "    - symbol: EURUSD\n      lps: [" + lps.enumerated().map { "{lp: \($0.element), priority: \($0.offset + 1)}" }.joined(separator: ", ") + "]"
    }

    /// An engine on `pluginsYAML` with `market` appended to its rtx.yaml (and the scripted fixture compiled).
    static func engine(_ name: String, plugins pluginsYAML: String, market: String) throws -> EngineProcess {
        let engine = try EngineProcess(name: name, pluginsYAML: pluginsYAML, libraries: libraries,
                                       accounts: PipelineIntegrationTests.retailAccount, groups: PipelineIntegrationTests.retailGroup)
        try engine.addFixturePlugin("scripted_lp")
        let config = engine.folder + "/rtx.yaml"
        try (try String(contentsOfFile: config, encoding: .utf8) + "\n" + market).write(toFile: config, atomically: true, encoding: .utf8)
        return engine
    }

    static func market(_ engine: EngineProcess) throws -> [String: Any] {
        try engine.request(["op": "status"])["market"] as? [String: Any] ?? [:]
    }

    static func lp(_ market: [String: Any], _ id: String) -> [String: Any] {
        (market["lps"] as? [[String: Any]] ?? []).first { $0["id"] as? String == id } ?? [:]
    }

    static func symbol(_ market: [String: Any], _ name: String) -> [String: Any] {
        (market["symbols"] as? [[String: Any]] ?? []).first { $0["symbol"] as? String == name } ?? [:]
    }

    static func feed(_ lp: [String: Any], _ symbol: String) -> [String: Any] {
        (lp["symbols"] as? [[String: Any]] ?? []).first { $0["symbol"] as? String == symbol } ?? [:]
    }

    static func int(_ v: Any?) -> Int64 { (v as? NSNumber)?.int64Value ?? -1 }

    /// Ticks at 5 digits of a decimal text ("1.08512" → 108512).
    static func ticks(_ v: Any?) -> Int64? {
        guard let s = v as? String, !s.isEmpty else { return nil }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 5, let whole = Int64(parts[0]), let frac = Int64(parts[1]) else { return nil }
        return whole * 100_000 + frac
    }

    /// The value of the metric line `name{labels...}` whose labels include all of `labels`.
    static func metric(_ text: String, _ name: String, _ labels: [String: String]) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") {
            guard let close = line.firstIndex(of: "}") else { continue }
            let inside = line[line.index(line.startIndex, offsetBy: name.count + 1) ..< close]
            guard labels.allSatisfy({ inside.contains("\($0.key)=\"\($0.value)\"") }) else { continue }
            return Double(line[line.index(after: close)...].trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    // MARK: aggregation

    /// Two synthetic LPs in `mode: aggregate`: in every status snapshot where both are fresh,
    /// the consolidated quote is the best bid and the best ask of their last quotes — or, when
    /// they cross each other, the primary's own quote.
    @Test func aggregationOfTwoSyntheticLPsIsTheBestBidAndTheBestAsk() throws {
        let lps = Self.synthetic("lp-a", seed: 11, instrument: "EURUSD=1.08500/5/8", qps: 10)
            + "\n" + Self.synthetic("lp-b", seed: 12, instrument: "EURUSD=1.08504/5/10", qps: 10)
        let engine = try Self.engine("lpm-aggregate", plugins: Self.plugins(lps: lps, bindings: Self.eurusd(["lp-a", "lp-b"])),
                                     market: "market:\n  mode: aggregate\n  stale_after_ms: 1000\n")
        defer { engine.cleanUp() }
        try engine.start()
        var checked = 0, mixed = 0, crossed = 0
        var mismatches: [String] = []
        let deadline = Date().addingTimeInterval(60)
        while checked < 30, Date() < deadline {
            let m = try Self.market(engine)
            let a = Self.feed(Self.lp(m, "lp-a"), "EURUSD"), b = Self.feed(Self.lp(m, "lp-b"), "EURUSD")
            let s = Self.symbol(m, "EURUSD")
            guard a["eligible"] as? Bool == true, b["eligible"] as? Bool == true,
                  let ab = Self.ticks(a["bid"]), let aa = Self.ticks(a["ask"]), let bb = Self.ticks(b["bid"]), let ba = Self.ticks(b["ask"]),
                  let bid = Self.ticks(s["bid"]), let ask = Self.ticks(s["ask"]) else {
                usleep(50_000)
                continue
            }
            checked += 1
            #expect(s["mode"] as? String == "aggregate")
            let bestBid = max(ab, bb), bestAsk = min(aa, ba)
            if bestBid > bestAsk {
                crossed += 1
                if (bid, ask) != (ab, aa) || s["bid_lp"] as? String != "lp-a" { mismatches.append("crossed: a \(ab)/\(aa) b \(bb)/\(ba) → \(s)") }
            } else {
                if (bid, ask) != (bestBid, bestAsk) { mismatches.append("a \(ab)/\(aa) b \(bb)/\(ba) → \(bid)/\(ask)") }
                let bidLP = ab == bestBid ? "lp-a" : "lp-b", askLP = aa == bestAsk ? "lp-a" : "lp-b"
                if s["bid_lp"] as? String != bidLP || s["ask_lp"] as? String != askLP { mismatches.append("sources: \(s)") }
                if bidLP != askLP { mixed += 1 }
            }
            usleep(50_000)
        }
        #expect(checked >= 30, "only \(checked) snapshots with both LPs fresh:\n\(engine.log(tail: 30))")
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        print("aggregation: \(checked) snapshots, \(mixed) with the bid and the ask from different LPs, \(crossed) with the LPs crossing each other")
        let market = try Self.market(engine)
        #expect(Self.int(Self.symbol(market, "EURUSD")["crossed_across_lps"]) >= 0)
        #expect(Self.lp(market, "lp-a")["state"] as? String == "connected" && Self.lp(market, "lp-b")["state"] as? String == "connected")
    }

    /// Two scripted LPs with fixed quotes: a quote subscriber sees exactly the consolidated
    /// quote (bid from one LP, ask from the other); when they cross each other the primary's
    /// own quote is published and the crossing is counted.
    @Test func aQuoteSubscriberSeesTheConsolidatedQuote() throws {
        let lps = Self.scripted("one", script: "EURUSD 1.08500/1.08520") + "\n" + Self.scripted("two", script: "EURUSD 1.08505/1.08525")
        let plugins = Self.plugins(lps: lps, bindings: Self.eurusd(["one", "two"]))
        let engine = try Self.engine("lpm-consolidated", plugins: plugins, market: "market:\n  mode: aggregate\n  stale_after_ms: 1000\n")
        defer { engine.cleanUp() }
        try engine.start()
        let quotes = try ControlClient(path: engine.socket)
        try quotes.send(["op": "quotes", "symbols": ["EURUSD"], "group": "retail"])
        func waitFor(_ bid: String, _ ask: String) throws -> Bool {
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                if let q = try quotes.readObject(timeoutMs: 1_000), q["bid"] as? String == bid, q["ask"] as? String == ask { return true }
            }
            return false
        }
        #expect(try waitFor("1.08505", "1.08520"), "bid of two, ask of one never reached the subscriber:\n\(engine.log(tail: 30))")
        let s = Self.symbol(try Self.market(engine), "EURUSD")
        #expect(s["bid_lp"] as? String == "two" && s["ask_lp"] as? String == "one", "\(s)")

        // Two moves above one's ask: they cross; one's own quote is the consolidated quote.
        try engine.rewritePlugins(Self.plugins(lps: Self.scripted("one", script: "EURUSD 1.08500/1.08520") + "\n"
                                                 + Self.scripted("two", script: "EURUSD 1.08530/1.08540"), bindings: Self.eurusd(["one", "two"])))
        _ = try engine.request(["op": "reload"])
        #expect(try waitFor("1.08500", "1.08520"))
        let crossed = try engine.request(["op": "status"], until: { Self.int(Self.symbol($0["market"] as? [String: Any] ?? [:], "EURUSD")["crossed_across_lps"]) > 0 })
        let after = Self.symbol(crossed["market"] as? [String: Any] ?? [:], "EURUSD")
        #expect(Self.int(after["crossed_across_lps"]) > 0 && after["bid"] as? String == "1.08500" && after["ask"] as? String == "1.08520", "\(after)")
    }

    // MARK: failover

    /// A tape of the quotes a subscriber receives, read on its own thread.
    final class Tape: @unchecked Sendable {
        struct Entry {
            /// When the test read it (monotonic ns) and when the engine published it (wall ns).
            var receivedNs: Int64
            var timeNs: Int64
            var bid: Int64
        }

        private let lock = NSLock()
        private var entries: [Entry] = []
        private var stopped = false
        private let client: ControlClient

        init(socket: String) throws {
            client = try ControlClient(path: socket)
            try client.send(["op": "quotes", "symbols": ["EURUSD"], "group": "retail"])
            let thread = Thread { [self] in
                while !lock.withLock({ stopped }) {
                    guard let q = try? client.readObject(timeoutMs: 200) else { continue }
                    guard let bid = LPManagerTests.ticks(q["bid"]) else { continue }
                    let e = Entry(receivedNs: Tape.monotonicNs(), timeNs: LPManagerTests.int(q["time_ns"]), bid: bid)
                    lock.withLock { entries.append(e) }
                }
            }
            thread.start()
        }

        static func monotonicNs() -> Int64 {
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
        }

        var snapshot: [Entry] { lock.withLock { entries } }
        var count: Int { lock.withLock { entries.count } }
        func stop() { lock.withLock { stopped = true } }

        /// Waits until `accept` holds for the tape (deadline `seconds`).
        func wait(seconds: Double, _ accept: ([Entry]) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if accept(snapshot) { return true }
                usleep(10_000)
            }
            return accept(snapshot)
        }
    }

    /// The primary (synthetic, EURUSD around 1.085) goes silent while connected, quotes
    /// continue from the secondary (around 1.285) once the primary is stale, and fail back
    /// once it quotes again for failback_after_ms; then the primary is removed from the
    /// manifest (immediate failover). The times are printed for BENCHMARKS.md.
    @Test func quotesFailOverToTheSecondaryAndFailBack() throws {
        let staleMs = 500, failbackMs = 1_000
        func lps(primaryFault: String?) -> String {
            Self.synthetic("primary", seed: 21, instrument: "EURUSD=1.08500/5/8", qps: 20,
                           extra: primaryFault.map { "      quote_fault: stall\n      fault_after_quotes: \($0)" } ?? "")
                + "\n" + Self.synthetic("secondary", seed: 22, instrument: "EURUSD=1.28500/5/8", qps: 20)
        }
        let bindings = Self.eurusd(["primary", "secondary"])
        let engine = try Self.engine("lpm-failover", plugins: Self.plugins(lps: lps(primaryFault: nil), bindings: bindings),
                                     market: "market:\n  mode: failover\n  stale_after_ms: \(staleMs)\n  failback_after_ms: \(failbackMs)\n")
        defer { engine.cleanUp() }
        try engine.start()
        let tape = try Tape(socket: engine.socket)
        defer { tape.stop() }
        func isPrimary(_ e: Tape.Entry) -> Bool { e.bid < 120_000 }
        #expect(tape.wait(seconds: 30) { $0.contains(where: isPrimary) }, "no quote from the primary:\n\(engine.log(tail: 30))")

        // 1. The primary restarts with a stall after 60 quotes (3 s at 20/s): it quotes, then
        //    stays connected and silent. Quotes continue from the secondary once it is stale.
        var mark = tape.count
        try engine.rewritePlugins(Self.plugins(lps: lps(primaryFault: "60"), bindings: bindings))
        _ = try engine.request(["op": "reload"])
        // Wait for the stall itself (not a blip of the restart): the restarted primary quoted
        // (at least 10 quotes reached the subscriber), then only the secondary, and status says stale.
        let stalled = tape.wait(seconds: 60) { t in
            let primaries = t[mark...].filter(isPrimary).count
            guard primaries >= 10, let last = t[mark...].lastIndex(where: isPrimary), t[(last + 1)...].count >= 5 else { return false }
            let m = (try? Self.market(engine)) ?? [:]
            return Self.lp(m, "primary")["state"] as? String == "stale" && Self.symbol(m, "EURUSD")["source"] as? String == "secondary"
        }
        #expect(stalled, "no failover to the secondary after the primary stalled:\n\((try? Self.market(engine)) ?? [:])\n\(engine.log(tail: 30))")
        var t = tape.snapshot
        let lastPrimary = try #require(t[mark...].lastIndex(where: isPrimary))
        let firstSecondary = try #require(t[(lastPrimary + 1)...].firstIndex { !isPrimary($0) })
        let silentToSecondaryMs = Double(t[firstSecondary].receivedNs - t[lastPrimary].receivedNs) / 1e6
        let publishedGapMs = Double(t[firstSecondary].timeNs - t[lastPrimary].timeNs) / 1e6
        #expect(t[(firstSecondary)...].allSatisfy { !isPrimary($0) })

        // 2. The primary is back (no fault): quotes fail back after it was fresh for failback_after_ms.
        mark = tape.count
        let reloadNs = Tape.monotonicNs()
        try engine.rewritePlugins(Self.plugins(lps: lps(primaryFault: nil), bindings: bindings))
        _ = try engine.request(["op": "reload"])
        #expect(tape.wait(seconds: 30) { $0[mark...].contains(where: isPrimary) }, "no failback:\n\(engine.log(tail: 30))")
        t = tape.snapshot
        let backIndex = try #require(t[mark...].firstIndex(where: isPrimary))
        let failbackMsMeasured = Double(t[backIndex].receivedNs - reloadNs) / 1e6
        let back = Self.symbol(try Self.market(engine), "EURUSD")
        #expect(back["source"] as? String == "primary" && Self.int(back["failovers"]) >= 1 && Self.int(back["failbacks"]) >= 1, "\(back)")

        // 3. The primary removed from the manifest: quotes fail over at once.
        #expect(tape.wait(seconds: 10) { t in t.suffix(3).count == 3 && t.suffix(3).allSatisfy(isPrimary) })
        mark = tape.count
        try engine.rewritePlugins(Self.plugins(lps: Self.synthetic("secondary", seed: 22, instrument: "EURUSD=1.28500/5/8", qps: 20),
                                               bindings: Self.eurusd(["secondary"])))
        let removeNs = Tape.monotonicNs()
        _ = try engine.request(["op": "reload"])
        #expect(tape.wait(seconds: 30) { $0[mark...].contains { !isPrimary($0) } })
        t = tape.snapshot
        let removedToSecondaryMs = Double(t[try #require(t[mark...].firstIndex { !isPrimary($0) })].receivedNs - removeNs) / 1e6

        let metrics = try engine.request(["op": "metrics"])["text"] as? String ?? ""
        #expect((Self.metric(metrics, "rtx_quote_failovers_total", ["symbol": "EURUSD"]) ?? 0) >= 2, "\(metrics.split(separator: "\n").filter { $0.contains("rtx_quote") })")
        print(String(format: "LP failover (stale_after_ms %d, failback_after_ms %d, 20 quotes/s per LP): primary silent → first secondary quote at the subscriber %.1f ms (engine publish times %.1f ms apart); primary back → first primary quote %.1f ms after the reload; primary removed → first secondary quote %.1f ms after the reload request",
                     staleMs, failbackMs, silentToSecondaryMs, publishedGapMs, failbackMsMeasured, removedToSecondaryMs))
    }

    // MARK: refusals

    /// A scripted LP sends one crossed, two non-positive (one as sent, one that rounds to 0 at
    /// the symbol's digits), one stale (stamped 60 s ago), one spiking (5 % away) and one
    /// unmapped quote among good ones, then goes silent: each is refused and counted per
    /// reason in `status` and in the metrics, and the LP turns stale; a second LP that reports
    /// DOWN is shown down.
    @Test func crossedStaleSpikingAndUnmappedQuotesAreRefusedAndCounted() throws {
        let script = "EURUSD 1.08500/1.08510 x5, EURUSD 1.08520/1.08510, EURUSD 0/1.08510, EURUSD 0.000004/0.000020, "
            + "EURUSD 1.08500/1.08510 stale, EURUSD 1.14000/1.14010, EURUSD 1.08502/1.08512 x3, @999 1.00000/1.00010"
        let lps = Self.scripted("scripted", script: script, then: "silent") + "\n" + Self.scripted("downer", script: "EURUSD 1.08500/1.08510 x3, down", then: "silent")
        let engine = try Self.engine("lpm-refusals", plugins: Self.plugins(lps: lps, bindings: Self.eurusd(["scripted", "downer"])),
                                     market: "market:\n  mode: failover\n  stale_after_ms: 500\n")
        defer { engine.cleanUp() }
        try engine.start()
        let expected: [String: Int64] = ["crossed": 1, "non_positive": 2, "stale": 1, "spike": 1, "unmapped": 1, "malformed": 0]
        let status = try engine.request(["op": "status"], until: { s in
            let lp = Self.lp(s["market"] as? [String: Any] ?? [:], "scripted")
            let refused = lp["refused"] as? [String: Any] ?? [:]
            return expected.allSatisfy { Self.int(refused[$0.key]) == $0.value } && lp["state"] as? String == "stale"
        }, timeoutSeconds: 60)
        let market = status["market"] as? [String: Any] ?? [:]
        let lp = Self.lp(market, "scripted")
        let refused = lp["refused"] as? [String: Any] ?? [:]
        for (reason, count) in expected { #expect(Self.int(refused[reason]) == count, "\(reason): \(lp)") }
        #expect(Self.int(lp["accepted"]) == 8 && Self.int(lp["quotes"]) == 14, "\(lp)")
        #expect(lp["state"] as? String == "stale" && lp["link"] as? String == "connected", "\(lp)")
        #expect(Self.lp(market, "downer")["state"] as? String == "down", "\(Self.lp(market, "downer"))")
        // Only good quotes were published: the last consolidated quote is the last good one.
        let s = Self.symbol(market, "EURUSD")
        #expect(s["bid"] as? String == "1.08502" && s["ask"] as? String == "1.08512", "\(s)")

        let metrics = try engine.request(["op": "metrics"])["text"] as? String ?? ""
        for (reason, count) in expected {
            #expect(Self.metric(metrics, "rtx_lp_quotes_refused_total", ["lp": "scripted", "reason": reason]) == Double(count), "\(reason)")
        }
        #expect(Self.metric(metrics, "rtx_lp_quotes_total", ["lp": "scripted"]) == 14)
        #expect(Self.metric(metrics, "rtx_lp_state", ["lp": "scripted"]) == 3)
        #expect(Self.metric(metrics, "rtx_lp_state", ["lp": "downer"]) == 4)
        #expect(Self.metric(metrics, "rtx_quote_failovers_total", ["symbol": "EURUSD"]) != nil)

        // `rtx status` prints the same.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: BuiltProducts.rtx)
        p.arguments = ["status", "--socket", engine.socket]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(text.contains("LP scripted: stale (adapter: connected); quotes 14, accepted 8, refused: crossed 1, non_positive 2, spike 1, stale 1, unmapped 1"), "\(text)")
        #expect(text.contains("EURUSD: failover over scripted > downer"), "\(text)")
    }
}
