import CRTXABI
import RTXCore
import RTXPluginHost

/// Asks the account group's routing policy how to book an order, with the context the
/// seed's smart router needs (group, the account's trading statistics and equity, the order
/// size against the symbol's limits, quotes, recent volatility, LP states, book exposure in
/// the symbol), and writes the decision record that travels with the command into the
/// journal. Thread: the sequencer's (it owns the epoch reader).
final class OrderRouter {
    /// What routing produced for one order.
    struct Routed {
        var choice: RoutingChoice
        var preferredLP: String
        /// The decision record (compact JSON), journaled with the command.
        var meta: [UInt8]
    }

    private let routing: RoutingService
    private let reader: EpochReader
    private let view: MarketView
    private let symbolIDs: (String) -> UInt32?

    init(routing: RoutingService, reader: EpochReader, view: MarketView, symbolIDs: @escaping (String) -> UInt32?) {
        self.routing = routing
        self.reader = reader
        self.view = view
        self.symbolIDs = symbolIDs
    }

    /// Routes a market or pending order; a refusal (the group's fallback is reject, or the
    /// account or symbol is unknown) comes back as `.failure` with the reason.
    func route(account: AccountID, symbol: SymbolIndex, side: Side, orderType: Int32, volume: Int64, nowNs: Int64) -> Result<Routed, EngineRefusal> {
        guard let facts = view.account(account) else { return .failure(.invalidRequest("unknown account \(account)")) }
        guard let s = view.symbol(symbol) else { return .failure(.invalidRequest("unknown symbol #\(symbol)")) }
        var request = RoutingRequest()
        request.symbolID = symbolIDs(s.name) ?? 0
        request.accountID = account
        request.symbol = s.name
        request.group = facts.group
        request.side = side == .buy ? RTX_SIDE_BUY : RTX_SIDE_SELL
        request.orderType = orderType
        request.priceDigits = Int32(s.digits)
        request.volume = volume
        request.symbolVolumeMin = s.volumeMin
        request.symbolVolumeMax = s.volumeMax
        request.bidTicks = s.bidTicks
        request.askTicks = s.askTicks
        request.volatilityPPM = s.volatilityPPM
        request.volatilityWindowMs = 0
        request.accountTradeCount = facts.statistics.trades
        request.accountWinRatePPM = facts.statistics.trades == 0 ? 0 : UInt32(facts.statistics.wins * 1_000_000 / facts.statistics.trades)
        request.accountAverageHoldMs = facts.statistics.trades == 0 ? 0 : facts.statistics.totalHoldingMs / Int64(facts.statistics.trades)
        request.accountRealizedPnl = facts.statistics.realizedPnl
        request.accountEquity = facts.equity
        request.exposureABook = s.exposure.a
        request.exposureBBook = s.exposure.b
        request.exposureCBook = s.exposure.c
        request.lpStates = view.lpStates(for: symbol)
        request.nowNs = nowNs

        let outcome = routing.decide(group: facts.group, request: request, reader: reader)
        var json = JSONText(capacity: 640)
        json.beginObject()
        json.beginObject("routing")
        let choice: RoutingChoice
        var preferred = ""
        switch outcome {
        case .decided(let d, let source):
            choice = Self.choice(d)
            preferred = d.preferredLP
            json.field("outcome", "decided")
            Self.write(d, into: &json)
            json.field("plugin", source.pluginID)
            json.field("version", source.pluginVersion)
            json.field("sha256", source.sha256)
            json.field("instance", source.instanceID)
        case .fellBack(let d, let fault):
            choice = Self.choice(d)
            preferred = d.preferredLP
            json.field("outcome", "fallback")
            Self.write(d, into: &json)
            json.field("fault", fault)
        case .rejected(let reason):
            return .failure(.routingRefused(reason))
        }
        json.endObject()
        Self.write(request, into: &json)
        json.endObject()
        return .success(Routed(choice: choice, preferredLP: preferred, meta: json.bytes))
    }

    static func choice(_ d: RoutingDecision) -> RoutingChoice {
        let book: RTXCore.Book = switch d.book {
        case .a: .a
        case .b: .b
        case .c: .c
        }
        return RoutingChoice(book: book, hedgeRatioPPM: d.hedgeRatioPPM)
    }

    private static func write(_ d: RoutingDecision, into json: inout JSONText) {
        json.field("book", d.book == .a ? "A" : d.book == .b ? "B" : "C")
        json.field("hedge_ppm", d.hedgeRatioPPM)
        json.field("lp", d.preferredLP)
        json.field("reason", d.reason)
    }

    /// The context exactly as the policy was shown it.
    private static func write(_ r: RoutingRequest, into json: inout JSONText) {
        json.beginObject("context")
        json.field("symbol", r.symbol)
        json.field("symbol_id", r.symbolID)
        json.field("account", r.accountID)
        json.field("group", r.group)
        json.field("side", r.side == RTX_SIDE_BUY ? "buy" : "sell")
        json.field("order_type", r.orderType)
        json.field("digits", r.priceDigits)
        json.field("volume", r.volume)
        json.field("volume_min", r.symbolVolumeMin)
        json.field("volume_max", r.symbolVolumeMax)
        json.field("bid", r.bidTicks)
        json.field("ask", r.askTicks)
        json.field("volatility_ppm", r.volatilityPPM)
        json.field("trades", r.accountTradeCount)
        json.field("win_rate_ppm", r.accountWinRatePPM)
        json.field("average_hold_ms", r.accountAverageHoldMs)
        json.field("realized_pnl", r.accountRealizedPnl)
        json.field("equity", r.accountEquity)
        json.beginObject("exposure")
        json.field("a", r.exposureABook)
        json.field("b", r.exposureBBook)
        json.field("c", r.exposureCBook)
        json.endObject()
        json.beginArray("lps")
        for lp in r.lpStates {
            json.beginObject()
            json.field("id", lp.lpID)
            json.field("state", lp.state.description)
            json.field("quote_age_ms", lp.lastQuoteAgeMs)
            json.endObject()
        }
        json.endArray()
        json.field("now_ns", r.nowNs)
        json.endObject()
    }
}
