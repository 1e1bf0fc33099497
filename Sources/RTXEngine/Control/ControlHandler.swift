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

    init(engine: Engine) { self.engine = engine }

    struct BadRequest: Error {
        var field: String
        var message: String
    }

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
        case "order": return try outcome(engine.submit(try marketOrder(r), waitMs: Self.replyWaitMs))
        case "pending": return try outcome(engine.submit(try pendingOrder(r), waitMs: Self.replyWaitMs))
        case "close":
            let account = try accountID(r)
            let position = try uint(r, "position")
            let volume = try r["volume"] == nil ? 0 : lots(r, "volume")
            return try outcome(engine.submit(.closePosition(account: account, position: position, volume: volume), waitMs: Self.replyWaitMs))
        case "close_by":
            return try outcome(engine.submit(.closeBy(account: try accountID(r), position: try uint(r, "position"), opposite: try uint(r, "opposite")),
                                             waitMs: Self.replyWaitMs))
        case "modify":
            let account = try accountID(r)
            let position = try uint(r, "position")
            guard let p = engine.read({ core in core.positions(of: account).first { $0.id == position } }) ?? nil else {
                throw BadRequest(field: "position", message: "account \(account) has no open position \(position)")
            }
            let protection = try self.protection(r, symbol: p.symbol)
            return try outcome(engine.submit(.modifyPosition(account: account, position: position, protection: protection), waitMs: Self.replyWaitMs))
        case "cancel":
            return try outcome(engine.submit(.cancelPendingOrder(account: try accountID(r), order: try uint(r, "order")), waitMs: Self.replyWaitMs))
        case "deposit", "withdraw":
            let account = try accountID(r)
            let amount = try money(r, "amount")
            let command: Command = op == "deposit" ? .deposit(account: account, amount: amount, method: .bankTransfer)
                : .withdraw(account: account, amount: amount, method: .bankTransfer)
            return try outcome(engine.submit(command, waitMs: Self.replyWaitMs))
        case "adjust":
            // An admin correction, signed ("-60.00" takes money out), with its reason.
            let account = try accountID(r)
            let text = try string(r, "amount")
            let negative = text.hasPrefix("-")
            let magnitude: Int64
            do { magnitude = try DecimalText.parse(negative ? String(text.dropFirst()) : text, digits: 8) } catch {
                throw BadRequest(field: "amount", message: "\"amount\": \(error)")
            }
            let reason = try string(r, "reason")
            guard !reason.isEmpty, reason.utf8.count <= 200 else { throw BadRequest(field: "reason", message: "a reason of 1 to 200 bytes is required") }
            let admin = r["admin"] == nil ? 0 : try uint(r, "admin")
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

    // MARK: parsing

    private func string(_ r: [String: Any], _ key: String) throws -> String {
        if let s = r[key] as? String { return s }
        if let n = r[key] as? NSNumber { return n.stringValue }
        throw BadRequest(field: key, message: r[key] == nil ? "missing \"\(key)\"" : "\"\(key)\" must be a string")
    }

    private func uint(_ r: [String: Any], _ key: String) throws -> UInt64 {
        guard let v = UInt64(try string(r, key)) else { throw BadRequest(field: key, message: "\"\(key)\" must be a whole number") }
        return v
    }

    private func accountID(_ r: [String: Any]) throws -> AccountID {
        let id = try uint(r, "account")
        guard engine.view.account(id) != nil else { throw BadRequest(field: "account", message: "unknown account \(id)") }
        return id
    }

    private func symbol(_ r: [String: Any]) throws -> (index: SymbolIndex, digits: Int) {
        let name = try string(r, "symbol")
        guard let found = engine.read({ core in core.symbolIndex(named: name).map { ($0, core.symbolSpec($0)!.digits) } }) ?? nil else {
            throw BadRequest(field: "symbol", message: "unknown symbol '\(name)'")
        }
        return found
    }

    private func decimal(_ r: [String: Any], _ key: String, digits: Int) throws -> Int64 {
        let text = try string(r, key)
        do { return try DecimalText.parse(text, digits: digits) } catch { throw BadRequest(field: key, message: "\"\(key)\": \(error)") }
    }

    private func lots(_ r: [String: Any], _ key: String) throws -> Int64 {
        let v = try decimal(r, key, digits: 8)
        guard v > 0 else { throw BadRequest(field: key, message: "\"\(key)\" must be positive") }
        return v
    }

    private func money(_ r: [String: Any], _ key: String) throws -> Int64 {
        let v = try decimal(r, key, digits: 8)
        guard v > 0 else { throw BadRequest(field: key, message: "\"\(key)\" must be positive") }
        return v
    }

    private func side(_ r: [String: Any]) throws -> Side {
        switch try string(r, "side") {
        case "buy": return .buy
        case "sell": return .sell
        case let s: throw BadRequest(field: "side", message: "side must be buy or sell, not '\(s)'")
        }
    }

    private func protection(_ r: [String: Any], symbol: SymbolIndex) throws -> Protection {
        let digits = engine.read { $0.symbolSpec(symbol)?.digits ?? 5 } ?? 5
        func price(_ key: String) throws -> Int64 { r[key] == nil ? 0 : try decimal(r, key, digits: digits) }
        return Protection(stopLossTicks: try price("sl"), takeProfitTicks: try price("tp"), trailingDistanceTicks: try price("trailing"))
    }

    private func clientOrderID(_ r: [String: Any]) throws -> ClientOrderID {
        guard r["client_id"] != nil else { return .none }
        let text = try string(r, "client_id")
        guard let id = ClientOrderID(text) else { throw BadRequest(field: "client_id", message: "a client order id is 1 to 32 bytes") }
        return id
    }

    private func marketOrder(_ r: [String: Any]) throws -> Command {
        let account = try accountID(r)
        let (symbol, digits) = try self.symbol(r)
        let fill: FillPolicy
        switch r["fill"] as? String ?? "fok" {
        case "fok": fill = .fillOrKill
        case "ioc": fill = .immediateOrCancel
        case let f: throw BadRequest(field: "fill", message: "fill must be fok or ioc, not '\(f)'")
        }
        let requested = r["price"] == nil ? 0 : try decimal(r, "price", digits: digits)
        let deviation = r["deviation"] == nil ? 0 : try decimal(r, "deviation", digits: digits)
        return .placeMarketOrder(MarketOrderRequest(account: account, clientOrderID: try clientOrderID(r), symbol: symbol, side: try side(r),
                                                    volume: try lots(r, "volume"), fillPolicy: fill, requestedPriceTicks: requested,
                                                    maxDeviationTicks: deviation, protection: try protection(r, symbol: symbol)))
    }

    private func pendingOrder(_ r: [String: Any]) throws -> Command {
        let account = try accountID(r)
        let (symbol, digits) = try self.symbol(r)
        let type: PendingType
        switch try string(r, "type") {
        case "limit": type = .limit
        case "stop": type = .stop
        case "stop_limit": type = .stopLimit
        case let t: throw BadRequest(field: "type", message: "type must be limit, stop or stop_limit, not '\(t)'")
        }
        let limit = r["limit_price"] == nil ? 0 : try decimal(r, "limit_price", digits: digits)
        var expires: Int64 = 0
        if r["expires_in_ms"] != nil {
            guard let ms = Int64(try string(r, "expires_in_ms")), ms > 0 else { throw BadRequest(field: "expires_in_ms", message: "\"expires_in_ms\" must be a positive whole number") }
            expires = EngineClock.wallNs() + ms * 1_000_000
        }
        return .placePendingOrder(PendingOrderRequest(account: account, clientOrderID: try clientOrderID(r), symbol: symbol, side: try side(r),
                                                      type: type, volume: try lots(r, "volume"), priceTicks: try decimal(r, "price", digits: digits),
                                                      limitPriceTicks: limit, expiresAtNs: expires, protection: try protection(r, symbol: symbol)))
    }

    // MARK: responses

    /// The outcome of a command: ok with what happened, or the refusal with its code.
    private func outcome(_ o: Reply.Outcome) throws -> [UInt8] {
        switch o {
        case .refused(let refusal): throw refusal
        case .applied(let sequence, let events):
            var json = JSONText(capacity: 512)
            json.beginObject()
            var rejection: RejectReason?
            for e in events {
                if case .commandRejected(_, let r) = e { rejection = r }
                if case .order(let o) = e, o.state == .rejected, let r = o.reason { rejection = r }
            }
            json.field("ok", rejection == nil)
            json.field("sequence", sequence)
            if let rejection {
                json.beginObject("error")
                json.field("code", RejectReasonText.code(rejection))
                json.field("message", RejectReasonText.message(rejection))
                json.endObject()
            }
            json.beginArray("events")
            for e in events { EventJSON.write(e, into: &json, digits: digits) }
            json.endArray()
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
        let id = try accountID(r)
        guard let facts = engine.read({ core -> (TradingCore.AccountSummary?, [TradingCore.PositionSummary], [(id: OrderID, request: PendingOrderRequest, stopTriggered: Bool)], [String]) in
            (core.accountSummary(id), core.positions(of: id), core.pendingOrders(of: id), (0 ..< core.symbolCount).map { core.symbolSpec(SymbolIndex($0))!.name })
        }), let summary = facts.0 else { throw BadRequest(field: "account", message: "account \(id) has no summary (a conversion quote is missing)") }
        let names = facts.3
        var json = JSONText(capacity: 1_024)
        json.beginObject()
        json.field("ok", true)
        json.beginObject("account")
        json.field("id", summary.id)
        json.field("currency", "\(summary.currency)")
        json.field("balance", DecimalText.format(summary.balance, digits: 8))
        json.field("credit", DecimalText.format(summary.credit, digits: 8))
        json.field("equity", DecimalText.format(summary.equity, digits: 8))
        json.field("margin", DecimalText.format(summary.margin, digits: 8))
        json.field("free_margin", DecimalText.format(summary.freeMargin, digits: 8))
        json.field("margin_level_percent", summary.margin > 0 ? "\(Int128(summary.equity) * 100 / Int128(summary.margin))" : "")
        json.field("open_positions", summary.openPositions)
        json.endObject()
        json.beginArray("positions")
        for p in facts.1 {
            let d = digits(p.symbol)
            json.beginObject()
            json.field("id", p.id)
            json.field("symbol", names[Int(p.symbol)])
            json.field("side", p.side == .buy ? "buy" : "sell")
            json.field("book", "\(p.book)".uppercased())
            json.field("volume", DecimalText.formatTrimmed(p.volume, digits: 8))
            json.field("price", DecimalText.format(p.averagePriceTicks, digits: d))
            json.field("margin", DecimalText.format(p.margin, digits: 8))
            json.field("floating_pnl", DecimalText.format(p.floatingPnl, digits: 8))
            if p.protection.stopLossTicks > 0 { json.field("sl", DecimalText.format(p.protection.stopLossTicks, digits: d)) }
            if p.protection.takeProfitTicks > 0 { json.field("tp", DecimalText.format(p.protection.takeProfitTicks, digits: d)) }
            if p.protection.trailingDistanceTicks > 0 { json.field("trailing", DecimalText.format(p.protection.trailingDistanceTicks, digits: d)) }
            json.field("closing", p.closing)
            json.endObject()
        }
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
