/// The Redis commands that write a batch of quotes (see `QuoteCacheSettings` for the keys
/// and channels): `MULTI`, then per quote `HSET key bid … ask … digits … time_ns …`,
/// `PEXPIRE key ms-left` and `PUBLISH channel json`, then `EXEC` — one transaction, so a key
/// never exists without its expiry. A quote already older than the TTL is left out (it would
/// expire at once). Pure: no I/O, no clock (the caller passes `nowNs`).
enum QuoteCacheCommands {
    /// The batch, and how many quotes it writes.
    static func batch(_ quotes: [CachedQuote], ttlSeconds: Int, nowNs: Int64) -> (commands: [[[UInt8]]], keys: Int) {
        var commands: [[[UInt8]]] = [[Array("MULTI".utf8)]]
        commands.reserveCapacity(quotes.count * 3 + 2)
        var keys = 0
        let ttlMs = Int64(ttlSeconds) * 1_000
        for q in quotes {
            let ageMs = max(0, (nowNs - q.timeNs) / 1_000_000)
            let leftMs = ttlMs - ageMs
            guard leftMs > 0 else { continue }
            let key = Array(QuoteCacheSettings.key(symbol: q.symbol, group: q.group).utf8)
            let bid = DecimalText.format(q.bidTicks, digits: q.digits), ask = DecimalText.format(q.askTicks, digits: q.digits)
            commands.append([Array("HSET".utf8), key, Array("bid".utf8), Array(bid.utf8), Array("ask".utf8), Array(ask.utf8),
                             Array("digits".utf8), Array(String(q.digits).utf8), Array("time_ns".utf8), Array(String(q.timeNs).utf8)])
            commands.append([Array("PEXPIRE".utf8), key, Array(String(leftMs).utf8)])
            commands.append([Array("PUBLISH".utf8), Array(QuoteCacheSettings.channel(symbol: q.symbol, group: q.group).utf8),
                             json(q, bid: bid, ask: ask)])
            keys += 1
        }
        guard keys > 0 else { return ([], 0) }
        commands.append([Array("EXEC".utf8)])
        return (commands, keys)
    }

    /// `{"symbol":"EURUSD","group":"retail","bid":"1.08500","ask":"1.08512","digits":5,"time_ns":…}` (no group when raw).
    static func json(_ q: CachedQuote, bid: String, ask: String) -> [UInt8] {
        var j = JSONText(capacity: 128)
        j.beginObject()
        j.field("symbol", q.symbol)
        if let group = q.group { j.field("group", group) }
        j.field("bid", bid)
        j.field("ask", ask)
        j.field("digits", q.digits)
        j.field("time_ns", q.timeNs)
        j.endObject()
        return j.bytes
    }
}
