import Hummingbird
import RTXCore
import RTXEngine

/// `POST /api/v1/orders`: a market order of the token's own account.
///
/// Body (every value a JSON string): `symbol`, `side` (buy | sell), `volume` (lots, e.g.
/// "0.10"), `client_order_id` (1 to 32 bytes); optional `sl`, `tp`, `trailing` (prices at the
/// symbol's digits), `fill` (fok | ioc), `price` and `deviation`, and `account` (must be the
/// token's). The volume is checked against the symbol's minimum, maximum and step before
/// anything reaches the engine. Answers 200 with the journal sequence and the core's events,
/// 409 with the core's reason when it rejected the order, 422 naming a bad field.
extension APIServer {
    static let orderKeys: Set<String> = ["account", "symbol", "side", "volume", "client_order_id", "sl", "tp", "trailing", "fill", "price", "deviation"]

    func addOrderRoutes(to router: Router<BasicRequestContext>) {
        router.post("/api/v1/orders") { [self] request, _ -> Response in
            var body = try await JSONRequest.object(request, maxBytes: settings.maxBodyBytes)
            let requested: String?
            switch body["account"] {
            case nil: requested = nil
            case let s as String: requested = s
            default: throw APIError(.unprocessableContent, "invalid_field", "\"account\" must be a string", field: "account")
            }
            let account = try await ownAccount(request, requested: requested)
            if let unknown = body.keys.sorted().first(where: { !Self.orderKeys.contains($0) }) {
                throw APIError(.unprocessableContent, "invalid_field", "unknown field \"\(unknown)\"; known: \(Self.orderKeys.sorted().joined(separator: ", "))", field: unknown)
            }
            guard body["client_order_id"] != nil else {
                throw APIError(.unprocessableContent, "invalid_field", "missing \"client_order_id\" (1 to 32 bytes, unique per order)", field: "client_order_id")
            }
            body["account"] = String(account)
            let parser = self.parser
            let engine = self.engine
            let sendable = SendableBody(body)
            let outcome = try await calls.run { () throws -> (Reply.Outcome, [String]) in
                let command: Command
                do { command = try parser.marketOrder(sendable.value) } catch let e as RequestFieldError { throw APIError.invalid(e) }
                if case .placeMarketOrder(let order) = command { try Self.checkVolume(order, engine: engine) }
                let names = engine.read { core in (0 ..< core.symbolCount).map { core.symbolSpec(SymbolIndex($0))!.name } } ?? []
                return (engine.submit(command, waitMs: Self.replyWaitMs), names)
            }
            switch outcome.0 {
            case .refused(let refusal): throw APIError.refused(refusal)
            case .applied(let sequence, let events):
                if let rejection = OutcomeJSON.rejection(in: events) {
                    throw APIError(.conflict, RejectReasonText.code(rejection), RejectReasonText.message(rejection))
                }
                var json = JSONText(capacity: 1_024)
                json.beginObject()
                OutcomeJSON.write(sequence: sequence, events: events, rejection: nil, into: &json,
                                  digits: { engine.view.symbol($0)?.digits ?? 5 })
                json.endObject()
                return JSONResponse.make(.ok, json.bytes)
            }
        }
    }

    /// Longest wait for the engine's answer to an order, ms.
    static let replyWaitMs: Int64 = 10_000

    /// 422 naming `volume` when it is below the symbol's minimum, above its maximum or off its step.
    static func checkVolume(_ order: MarketOrderRequest, engine: Engine) throws {
        guard let spec = engine.read({ $0.symbolSpec(order.symbol) }) ?? nil else { return }
        let lots = { (v: Int64) in DecimalText.formatTrimmed(v, digits: 8) }
        if order.volume < spec.volumeMin || order.volume > spec.volumeMax {
            throw APIError(.unprocessableContent, "invalid_field",
                           "\"volume\" must be from \(lots(spec.volumeMin)) to \(lots(spec.volumeMax)) lots for \(spec.name)", field: "volume")
        }
        if order.volume % spec.volumeStep != 0 {
            throw APIError(.unprocessableContent, "invalid_field", "\"volume\" must be a multiple of \(lots(spec.volumeStep)) lots for \(spec.name)", field: "volume")
        }
    }
}

/// A decoded JSON body handed to the engine-call queue (JSONSerialization's values are
/// immutable Foundation objects, never shared for writing).
struct SendableBody: @unchecked Sendable {
    let value: [String: Any]
    init(_ value: [String: Any]) { self.value = value }
}
