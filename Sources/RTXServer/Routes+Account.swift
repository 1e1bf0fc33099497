import Hummingbird
import RTXCore
import RTXEngine

/// `GET /api/v1/account` and `GET /api/v1/positions`: the token's own account (an `account`
/// query naming another one is 403).
extension APIServer {
    func addAccountRoutes(to router: Router<APIRequestContext>) {
        add(router, .get, "/api/v1/account") { [self] request, _ -> Response in
            let account = try await ownAccount(request, requested: request.uri.queryParameters["account"].map(String.init))
            let summary = try await calls.run { [engine] in engine.read { $0.accountSummary(account) } ?? nil }
            guard let summary else {
                throw APIError(.serviceUnavailable, "summary_unavailable", "account \(account) has no summary yet (a conversion quote is missing); try again shortly")
            }
            var json = JSONText(capacity: 512)
            json.beginObject()
            json.beginObject("account")
            AccountJSON.writeSummary(summary, into: &json)
            json.endObject()
            json.endObject()
            return JSONResponse.make(.ok, json.bytes)
        }
        add(router, .get, "/api/v1/positions") { [self] request, _ -> Response in
            let account = try await ownAccount(request, requested: request.uri.queryParameters["account"].map(String.init))
            let facts = try await calls.run { [engine] in
                engine.read { core in
                    core.positions(of: account).map { p in (p, core.symbolSpec(p.symbol)?.name ?? "?", core.symbolSpec(p.symbol)?.digits ?? 5) }
                }
            }
            guard let facts else { throw APIError.refused(.notRunning) }
            var json = JSONText(capacity: 256 + 320 * facts.count)
            json.beginObject()
            json.beginArray("positions")
            for (p, name, digits) in facts { AccountJSON.writePosition(p, symbolName: name, digits: digits, into: &json) }
            json.endArray()
            json.endObject()
            return JSONResponse.make(.ok, json.bytes)
        }
    }
}
