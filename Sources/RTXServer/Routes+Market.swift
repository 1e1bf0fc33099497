import Hummingbird
import RTXCore
import RTXEngine

/// `GET /api/v1/symbols` (the contracts, with the trading state for the account's group) and
/// `GET /api/v1/quotes` (the engine's current quotes at the account group's prices, through
/// the same `ClientPricing` markup the quote publisher applies).
extension APIServer {
    func addMarketRoutes(to router: Router<APIRequestContext>) {
        add(router, .get, "/api/v1/symbols") { [self] request, _ -> Response in
            let account = try await authenticatedAccount(request)
            let facts = try await calls.run { [engine] in
                engine.read { core -> [(SymbolSpec, TradingState?)] in
                    let group = core.accountSummary(account)?.group
                    return (0 ..< core.symbolCount).map { i in
                        (core.symbolSpec(SymbolIndex(i))!, group.flatMap { core.effectiveTradingState(symbol: SymbolIndex(i), group: $0) })
                    }
                }
            }
            guard let facts else { throw APIError.refused(.notRunning) }
            var json = JSONText(capacity: 256 + 400 * facts.count)
            json.beginObject()
            json.beginArray("symbols")
            for (s, state) in facts {
                let lots = { (v: Int64) in DecimalText.formatTrimmed(v, digits: 8) }
                json.beginObject()
                json.field("name", s.name)
                json.field("digits", s.digits)
                json.field("contract_size", lots(s.contractSizeE8))
                json.field("volume_min", lots(s.volumeMin))
                json.field("volume_max", lots(s.volumeMax))
                json.field("volume_step", lots(s.volumeStep))
                json.field("margin_currency", "\(s.marginCurrency)")
                json.field("profit_currency", "\(s.profitCurrency)")
                json.field("min_stop_distance", DecimalText.format(s.minStopDistanceTicks, digits: s.digits))
                json.field("trading_state", Self.stateText(state ?? s.tradingState))
                json.endObject()
            }
            json.endArray()
            json.endObject()
            return JSONResponse.make(.ok, json.bytes)
        }

        add(router, .get, "/api/v1/quotes") { [self] request, _ -> Response in
            let account = try await ownAccount(request, requested: Self.queryAccount(request))
            let wanted = request.uri.queryParameters["symbols"].map { Set($0.split(separator: ",").map(String.init)) }
            let facts = try await calls.run { [engine] in
                engine.read { core -> [(String, Int, (bidTicks: Int64, askTicks: Int64, timeNs: Int64))] in
                    (0 ..< core.symbolCount).compactMap { i in
                        let spec = core.symbolSpec(SymbolIndex(i))!
                        guard wanted == nil || wanted!.contains(spec.name), let q = core.clientQuote(SymbolIndex(i), account: account) else { return nil }
                        return (spec.name, spec.digits, q)
                    }
                }
            }
            guard let facts else { throw APIError.refused(.notRunning) }
            if let wanted, let unknown = wanted.subtracting(facts.map(\.0)).sorted().first {
                let known = try await calls.run { [engine] in engine.read { $0.symbolIndex(named: unknown) != nil } ?? false }
                if !known { throw APIError(.unprocessableContent, "invalid_field", "unknown symbol '\(unknown)'", field: "symbols") }
            }
            var json = JSONText(capacity: 256 + 160 * facts.count)
            json.beginObject()
            json.beginArray("quotes")
            for (name, digits, q) in facts {
                json.beginObject()
                json.field("symbol", name)
                json.field("bid", DecimalText.format(q.bidTicks, digits: digits))
                json.field("ask", DecimalText.format(q.askTicks, digits: digits))
                json.field("time_ms", "\(q.timeNs / 1_000_000)")
                json.endObject()
            }
            json.endArray()
            json.endObject()
            return JSONResponse.make(.ok, json.bytes)
        }
    }

    static func stateText(_ s: TradingState) -> String {
        switch s {
        case .full: "full"
        case .closeOnly: "close_only"
        case .disabled: "disabled"
        }
    }
}
