import Foundation
import RTXCore

/// Serves control requests (one JSON object per line, field `op`). Prices travel as
/// decimal strings at the symbol's digits, volumes as lots ("0.10"), money as units
/// ("1000.00"). Every bad request gets `{"ok":false,"error":{code,message,field}}` naming the
/// field; nothing reaches the engine from a request that does not parse.
///
/// Thread: any (one handler serves every connection; each call is independent).
final class ControlHandler: @unchecked Sendable {
    let engine: Engine
    static let replyWaitMs: Int64 = 10_000

    /// Numbers are accepted where text is expected (`rtx` and scripts send `"volume": 0.1`).
    let parse: RequestParser

    init(engine: Engine) {
        self.engine = engine
        parse = RequestParser(engine: engine, stringsOnly: false)
    }

    typealias BadRequest = RequestFieldError

    /// Handles one line; `write` sends bytes (false once the client is gone). Returns
    /// whether to keep the connection.
    func handle(_ line: [UInt8], write: ([UInt8]) -> Bool) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)), let request = object as? [String: Any] else {
            return write(ControlResponse.error(code: "bad_request", message: "a request is one JSON object per line"))
        }
        guard let op = request["op"] as? String else {
            return write(ControlResponse.error(code: "bad_request", message: "missing \"op\"", field: "op"))
        }
        do {
            switch op {
            case "quotes": return streamQuotes(request, write: write)
            case "watch": return streamEvents(request, write: write)
            default: return write(try respond(op, request) + [UInt8(ascii: "\n")])
            }
        } catch let bad as BadRequest {
            return write(ControlResponse.error(code: "bad_request", message: bad.message, field: bad.field))
        } catch let refusal as EngineRefusal {
            return write(ControlResponse.error(code: refusal.code, message: refusal.description))
        } catch {
            return write(ControlResponse.error(code: "internal", message: "\(error)"))
        }
    }

    private func respond(_ op: String, _ r: [String: Any]) throws -> [UInt8] {
        switch op {
        case "status": return status()
        case "metrics":
            var json = JSONText()
            json.beginObject()
            json.field("ok", true)
            json.field("text", engine.metricsText())
            json.endObject()
            return json.bytes
        case "order": return try outcome(engine.submit(try parse.marketOrder(r), waitMs: Self.replyWaitMs))
        case "pending": return try outcome(engine.submit(try parse.pendingOrder(r), waitMs: Self.replyWaitMs))
        case "close":
            let account = try parse.accountID(r)
            let position = try parse.uint(r, "position")
            let volume = try r["volume"] == nil ? 0 : parse.lots(r, "volume")
            return try outcome(engine.submit(.closePosition(account: account, position: position, volume: volume), waitMs: Self.replyWaitMs))
        case "close_by":
            return try outcome(engine.submit(.closeBy(account: try parse.accountID(r), position: try parse.uint(r, "position"), opposite: try parse.uint(r, "opposite")),
                                             waitMs: Self.replyWaitMs))
        case "modify":
            let account = try parse.accountID(r)
            let position = try parse.uint(r, "position")
            guard let p = engine.read({ core in core.positions(of: account).first { $0.id == position } }) ?? nil else {
                throw BadRequest(field: "position", message: "account \(account) has no open position \(position)")
            }
            let protection = try parse.protection(r, symbol: p.symbol)
            return try outcome(engine.submit(.modifyPosition(account: account, position: position, protection: protection), waitMs: Self.replyWaitMs))
        case "cancel":
            return try outcome(engine.submit(.cancelPendingOrder(account: try parse.accountID(r), order: try parse.uint(r, "order")), waitMs: Self.replyWaitMs))
        case "deposit", "withdraw":
            let account = try parse.accountID(r)
            let amount = try parse.money(r, "amount")
            let command: Command = op == "deposit" ? .deposit(account: account, amount: amount, method: .bankTransfer)
                : .withdraw(account: account, amount: amount, method: .bankTransfer)
            return try outcome(engine.submit(command, waitMs: Self.replyWaitMs))
        case "adjust":
            // An admin correction, signed ("-60.00" takes money out), with its reason.
            let account = try parse.accountID(r)
            let text = try parse.string(r, "amount")
            let negative = text.hasPrefix("-")
            let magnitude: Int64
            do { magnitude = try DecimalText.parse(negative ? String(text.dropFirst()) : text, digits: 8) } catch {
                throw BadRequest(field: "amount", message: "\"amount\": \(error)")
            }
            let reason = try parse.string(r, "reason")
            guard !reason.isEmpty, reason.utf8.count <= 200 else { throw BadRequest(field: "reason", message: "a reason of 1 to 200 bytes is required") }
            let admin = r["admin"] == nil ? 0 : try parse.uint(r, "admin")
            return try outcome(engine.submit(.adjustBalance(account: account, amount: negative ? -magnitude : magnitude, adminID: admin, reason: reason),
                                             waitMs: Self.replyWaitMs))
        case "rollover":
            // The daily rollover, journaled now (the time source does it at rollover_utc).
            return try outcome(engine.submitSystem(.rollover, waitMs: Self.replyWaitMs))
        case "account": return try account(r)
        case "reload":
            var json = JSONText()
            json.beginObject()
            json.field("ok", true)
            json.field("report", engine.reloadPlugins(trigger: "rtx plugins reload").description)
            json.endObject()
            return json.bytes
        default:
            throw BadRequest(field: "op", message: "unknown op '\(op)'; known: order, pending, close, close_by, modify, cancel, deposit, withdraw, adjust, rollover, account, quotes, watch, status, reload")
        }
    }

    // MARK: responses

    /// The outcome of a command: ok with what happened, or the refusal with its code.
    private func outcome(_ o: Reply.Outcome) throws -> [UInt8] {
        switch o {
        case .refused(let refusal): throw refusal
        case .applied(let sequence, let events):
            var json = JSONText(capacity: 512)
            json.beginObject()
            let rejection = OutcomeJSON.rejection(in: events)
            json.field("ok", rejection == nil)
            OutcomeJSON.write(sequence: sequence, events: events, rejection: rejection, into: &json, digits: digits)
            json.endObject()
            return json.bytes
        }
    }

    private func digits(_ symbol: SymbolIndex) -> Int { engine.view.symbol(symbol)?.digits ?? 5 }

    private func status() -> [UInt8] {
        let s = engine.status()
        let hash = engine.read { core in (core.lastSequence, core.stateHash()) }
        var json = JSONText()
        json.beginObject()
        json.field("ok", true)
        json.field("sequence", hash?.0 ?? s.lastSequence)
        json.field("state_hash", hash?.1 ?? "")
        json.field("journaled", s.journaled)
        json.field("journal_batches", s.batches)
        json.field("paused", s.paused)
        json.field("pause_reason", s.pauseReason)
        json.field("client_queue", s.clientQueue)
        json.field("system_queue", s.systemQueue)
        json.field("snapshots_saved", s.snapshotsSaved)
        json.field("last_snapshot", s.lastSnapshot)
        json.field("read_models_checkpoint", s.projectorCheckpoint)
        json.field("read_models_lag", s.projectorLag)
        json.field("read_models_problem", s.projectorProblem)
        json.beginArray("lps")
        for lp in s.lpStates { json.field(nil, lp) }
        json.endArray()
        json.field("start", s.startReport)
        if let market = engine.marketStatus() { MarketStatusJSON.write(market, into: &json) }
        if let cache = s.quoteCache { QuoteCacheStatusJSON.write(cache, into: &json) }
        json.endObject()
        return json.bytes
    }

    private func account(_ r: [String: Any]) throws -> [UInt8] {
        let id = try parse.accountID(r)
        guard let facts = engine.read({ core -> (TradingCore.AccountSummary?, [TradingCore.PositionSummary], [(id: OrderID, request: PendingOrderRequest, stopTriggered: Bool)], [String]) in
            (core.accountSummary(id), core.positions(of: id), core.pendingOrders(of: id), (0 ..< core.symbolCount).map { core.symbolSpec(SymbolIndex($0))!.name })
        }), let summary = facts.0 else { throw BadRequest(field: "account", message: "account \(id) has no summary (a conversion quote is missing)") }
        let names = facts.3
        var json = JSONText(capacity: 1_024)
        json.beginObject()
        json.field("ok", true)
        json.beginObject("account")
        AccountJSON.writeSummary(summary, into: &json)
        json.endObject()
        json.beginArray("positions")
        for p in facts.1 { AccountJSON.writePosition(p, symbolName: names[Int(p.symbol)], digits: digits(p.symbol), into: &json) }
        json.endArray()
        json.beginArray("orders")
        for o in facts.2 {
            let d = digits(o.request.symbol)
            json.beginObject()
            json.field("id", o.id)
            json.field("symbol", names[Int(o.request.symbol)])
            json.field("side", o.request.side == .buy ? "buy" : "sell")
            json.field("type", "\(o.request.type)")
            json.field("volume", DecimalText.formatTrimmed(o.request.volume, digits: 8))
            json.field("price", DecimalText.format(o.request.priceTicks, digits: d))
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.bytes
    }

    // MARK: streams

    private func streamQuotes(_ r: [String: Any], write: ([UInt8]) -> Bool) -> Bool {
        let symbols = Set((r["symbols"] as? [String]) ?? [])
        let group = r["group"] as? String
        let subscriber = engine.subscribe(events: false, quotes: true)
        defer { subscriber.cancel() }
        guard write(Array("{\"ok\":true,\"stream\":\"quotes\"}\n".utf8)) else { return false }
        while true {
            guard let item = subscriber.next(waitMs: 1_000) else {
                if !write(Array("{\"heartbeat\":true}\n".utf8)) { return false }
                continue
            }
            switch item {
            case .quote(let q):
                guard symbols.isEmpty || symbols.contains(q.name), group == nil || group == q.group else { continue }
                var json = JSONText()
                json.beginObject()
                json.field("symbol", q.name)
                json.field("group", q.group)
                json.field("bid", DecimalText.format(q.bidTicks, digits: q.digits))
                json.field("ask", DecimalText.format(q.askTicks, digits: q.digits))
                json.field("time_ns", q.timeNs)
                json.endObject()
                if !write(json.bytes + [UInt8(ascii: "\n")]) { return false }
            case .closed(let why):
                _ = write(ControlResponse.error(code: "slow_consumer", message: why))
                return false
            case .events: continue
            }
        }
    }

    private func streamEvents(_ r: [String: Any], write: ([UInt8]) -> Bool) -> Bool {
        let account = (r["account"] as? NSNumber)?.uint64Value ?? (r["account"] as? String).flatMap { UInt64($0) }
        let subscriber = engine.subscribe(events: true, quotes: false)
        defer { subscriber.cancel() }
        guard write(Array("{\"ok\":true,\"stream\":\"events\"}\n".utf8)) else { return false }
        while true {
            guard let item = subscriber.next(waitMs: 1_000) else {
                if !write(Array("{\"heartbeat\":true}\n".utf8)) { return false }
                continue
            }
            switch item {
            case .events(let sequence, let events):
                for e in events where account == nil || EventJSON.account(of: e) == account {
                    var json = JSONText()
                    json.beginObject()
                    json.field("sequence", sequence)
                    json.beginArray("event")
                    EventJSON.write(e, into: &json, digits: digits)
                    json.endArray()
                    json.endObject()
                    if !write(json.bytes + [UInt8(ascii: "\n")]) { return false }
                }
            case .closed(let why):
                _ = write(ControlResponse.error(code: "slow_consumer", message: why))
                return false
            case .quote: continue
            }
        }
    }
}
