import Hummingbird
import RTXCore
import RTXEngine

/// `POST /api/v1/positions/{id}/close` (body optional: `volume` in lots for a partial close;
/// all of it otherwise) and `PATCH /api/v1/positions/{id}` (`sl`, `tp`, `trailing`: a field
/// left out keeps its value, "0" removes it). 404 for a position the account does not have.
extension APIServer {
    func addPositionRoutes(to router: Router<APIRequestContext>) {
        add(router, .post, "/api/v1/positions/{id}/close") { [self] request, context -> Response in
            let id = try Self.pathID(context)
            let body = try await optionalBody(request)
            let account = try await ownAccount(request, requested: try Self.bodyAccount(body))
            try Self.checkKeys(body, ["account", "volume"])
            let parser = self.parser
            let engine = self.engine
            let sendable = SendableBody(body)
            let outcome = try await calls.run { () throws -> Reply.Outcome in
                guard let position = engine.read({ core in core.positions(of: account).first { $0.id == id } }) ?? nil else {
                    throw APIError(.notFound, "unknown_position", "account \(account) has no open position \(id)", field: "id")
                }
                var volume: Int64 = 0
                if sendable.value["volume"] != nil {
                    do { volume = try parser.lots(sendable.value, "volume") } catch let e as RequestFieldError { throw APIError.invalid(e) }
                    guard volume <= position.volume else {
                        throw APIError(.unprocessableContent, "invalid_field", "\"volume\" is more than the position's \(DecimalText.formatTrimmed(position.volume, digits: 8)) lots", field: "volume")
                    }
                }
                return engine.submit(.closePosition(account: account, position: id, volume: volume), waitMs: Self.replyWaitMs)
            }
            return try Self.outcomeResponse(outcome, engine: engine)
        }

        add(router, .patch, "/api/v1/positions/{id}") { [self] request, context -> Response in
            let id = try Self.pathID(context)
            let body = try await JSONRequest.object(request, maxBytes: settings.maxBodyBytes)
            let account = try await ownAccount(request, requested: try Self.bodyAccount(body))
            try Self.checkKeys(body, ["account", "sl", "tp", "trailing"])
            let parser = self.parser
            let engine = self.engine
            let sendable = SendableBody(body)
            let outcome = try await calls.run { () throws -> Reply.Outcome in
                guard let position = engine.read({ core in core.positions(of: account).first { $0.id == id } }) ?? nil else {
                    throw APIError(.notFound, "unknown_position", "account \(account) has no open position \(id)", field: "id")
                }
                let r = sendable.value
                let digits = engine.view.symbol(position.symbol)?.digits ?? 5
                func price(_ key: String, _ old: Int64) throws -> Int64 {
                    guard r[key] != nil else { return old }
                    do { return try parser.decimal(r, key, digits: digits) } catch let e as RequestFieldError { throw APIError.invalid(e) }
                }
                let old = position.protection
                let protection = Protection(stopLossTicks: try price("sl", old.stopLossTicks), takeProfitTicks: try price("tp", old.takeProfitTicks),
                                            trailingDistanceTicks: try price("trailing", old.trailingDistanceTicks))
                return engine.submit(.modifyPosition(account: account, position: id, protection: protection), waitMs: Self.replyWaitMs)
            }
            return try Self.outcomeResponse(outcome, engine: engine)
        }
    }
}
