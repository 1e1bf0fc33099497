import RTXMarketData

/// The `market` object of the control protocol's `status` answer (prices are decimal text at
/// the symbol's digits, ages ms, -1 for never):
/// `{"lps":[{"id","state":"connected|stale|down|connecting|disconnected","link":"connected|degraded|…|unreported",
///   "quotes","accepted","refused":{"crossed","non_positive","spike","stale","unmapped","malformed"},
///   "symbols":[{"symbol","venue_symbol","priority","bid","ask","age_ms","eligible"}]}],
///  "symbols":[{"symbol","mode":"failover|aggregate","source","lps":[…],"bid","ask","bid_lp","ask_lp",
///   "volatility_ppm","failovers","failbacks","crossed_across_lps"}]}`.
enum MarketStatusJSON {
    static func write(_ m: MarketStatus, into json: inout JSONText) {
        json.beginObject("market")
        json.beginArray("lps")
        for lp in m.lps {
            json.beginObject()
            json.field("id", lp.id)
            json.field("state", lp.health.description)
            json.field("link", lp.link?.description ?? "unreported")
            json.field("quotes", lp.counters.received)
            json.field("accepted", lp.counters.accepted)
            json.beginObject("refused")
            for (reason, count) in lp.counters.refusals { json.field(reason.rawValue, count) }
            json.endObject()
            json.beginArray("symbols")
            for f in lp.feeds {
                json.beginObject()
                json.field("symbol", f.symbol)
                json.field("venue_symbol", f.venueSymbol)
                json.field("priority", f.priority)
                json.field("bid", f.bidTicks > 0 ? DecimalText.format(f.bidTicks, digits: f.digits) : "")
                json.field("ask", f.askTicks > 0 ? DecimalText.format(f.askTicks, digits: f.digits) : "")
                json.field("age_ms", f.ageMs)
                json.field("eligible", f.eligible)
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
        json.endArray()
        json.beginArray("symbols")
        for s in m.symbols {
            json.beginObject()
            json.field("symbol", s.name)
            json.field("mode", s.mode.rawValue)
            json.field("source", s.source)
            json.beginArray("lps")
            for lp in s.lps { json.field(nil, lp) }
            json.endArray()
            json.field("bid", s.bidTicks > 0 ? DecimalText.format(s.bidTicks, digits: s.digits) : "")
            json.field("ask", s.askTicks > 0 ? DecimalText.format(s.askTicks, digits: s.digits) : "")
            json.field("bid_lp", s.bidLP)
            json.field("ask_lp", s.askLP)
            json.field("volatility_ppm", s.volatilityPPM)
            json.field("failovers", s.failovers)
            json.field("failbacks", s.failbacks)
            json.field("crossed_across_lps", s.crossedAcrossLPs)
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }
}
