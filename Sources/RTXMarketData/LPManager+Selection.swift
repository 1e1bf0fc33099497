/// Choosing a symbol's consolidated quote after something changed: eligibility bookkeeping,
/// then `Failover` or `Aggregation` by the symbol's mode, and the publish decision.
extension LPManager {
    /// Re-chooses book `b`'s quote at `now`. `trigger` is the feed whose quote was just
    /// accepted (nil after a configuration change, a connection report or the passing of
    /// time). Returns the consolidated quote to publish, if any.
    mutating func reselect(_ b: Int, trigger: Int?, now: MarketTime) -> ConsolidatedQuote? {
        let t = now.monotonicNs
        for k in books[b].feeds.indices {
            if isEligible(b, k, now: t) {
                if books[b].feeds[k].eligibleSince == nil { books[b].feeds[k].eligibleSince = t }
            } else {
                books[b].feeds[k].eligibleSince = nil
            }
        }
        let out: ConsolidatedQuote?
        switch books[b].symbol.policy.mode {
        case .failover: out = reselectFailover(b, trigger: trigger, now: t)
        case .aggregate: out = reselectAggregate(b, trigger: trigger)
        }
        books[b].nextCheckNs = nextCheck(b)
        return out
    }

    /// The earliest time at which only the passing of time can change book `b`'s choice: an
    /// eligible LP going stale, or a failback coming due. (Everything else that changes it —
    /// a quote, a connection report, a new configuration — re-chooses at once.)
    private func nextCheck(_ b: Int) -> Int64 {
        let book = books[b]
        var next = Int64.max
        for f in book.feeds where f.eligibleSince != nil {
            next = min(next, f.lastAcceptedNs &+ book.symbol.policy.staleAfterNs &+ 1)
        }
        if book.symbol.policy.mode == .failover, let source = book.source {
            for f in book.feeds[..<source] {
                if let since = f.eligibleSince { next = min(next, since &+ book.symbol.policy.failbackAfterNs) }
            }
        }
        return next
    }

    /// Failover: publishes on a switch (the new source's last quote) and on each quote of the source.
    private mutating func reselectFailover(_ b: Int, trigger: Int?, now: Int64) -> ConsolidatedQuote? {
        let feeds = books[b].feeds
        let chosen = Failover.choose(current: books[b].source, count: feeds.count, now: now,
                                     failbackAfterNs: books[b].symbol.policy.failbackAfterNs) { k in
            Failover.Candidate(eligible: feeds[k].eligibleSince != nil, eligibleSince: feeds[k].eligibleSince ?? 0)
        }
        guard chosen != books[b].source else {
            guard let chosen, trigger == chosen, let q = feeds[chosen].last else { return nil }
            return publish(b, bid: (q, chosen), ask: (q, chosen), receivedNs: q.receivedNs)
        }
        books[b].source = chosen
        guard let chosen, let q = feeds[chosen].last else { return nil }
        let to = feeds[chosen].source.lp
        if let last = books[b].lastSourceLP, last != to {
            // Back to a higher-priority LP is a failback; to a lower one, or away from an LP
            // that is no longer bound, a failover.
            let lastIndex = feeds.firstIndex { $0.source.lp == last }
            let kind: SourceSwitch.Kind = lastIndex.map { chosen < $0 } == true ? .failback : .failover
            if kind == .failover { books[b].failovers &+= 1 } else { books[b].failbacks &+= 1 }
            switches.append(SourceSwitch(symbol: books[b].symbol.name, from: last, to: to, kind: kind, atNs: now))
        } else if books[b].lastSourceLP == nil {
            switches.append(SourceSwitch(symbol: books[b].symbol.name, from: "", to: to, kind: .initial, atNs: now))
        }
        books[b].lastSourceLP = to
        return publish(b, bid: (q, chosen), ask: (q, chosen), receivedNs: q.receivedNs)
    }

    /// Aggregate: publishes when the consolidated quote changed, or when a quote came from an
    /// LP it is made of (a refresh at the same prices). LPs crossing each other are counted
    /// per accepted quote that leaves them crossed (see `Aggregation` for the quote used).
    private mutating func reselectAggregate(_ b: Int, trigger: Int?) -> ConsolidatedQuote? {
        let feeds = books[b].feeds
        guard let r = Aggregation.consolidate(feeds.map { $0.eligibleSince != nil ? $0.last : nil }),
              let bidQuote = feeds[r.bid.source].last, let askQuote = feeds[r.ask.source].last else { return nil }
        var bid = bidQuote, ask = askQuote
        bid.bidTicks = r.bid.ticks
        bid.bidVolume = r.bid.volume
        ask.askTicks = r.ask.ticks
        ask.askVolume = r.ask.volume
        let candidate = consolidated(b, bid: (bid, r.bid.source), ask: (ask, r.ask.source), receivedNs: max(bid.receivedNs, ask.receivedNs))
        // Counted once per accepted quote that leaves the LPs crossing each other.
        if r.crossedAcrossLPs, trigger != nil { books[b].crossedAcrossLPs &+= 1 }
        if let p = books[b].published, p.samePrices(as: candidate), trigger != r.bid.source, trigger != r.ask.source { return nil }
        books[b].published = candidate
        return candidate
    }

    private mutating func publish(_ b: Int, bid: (NormalizedQuote, Int), ask: (NormalizedQuote, Int), receivedNs: Int64) -> ConsolidatedQuote {
        let q = consolidated(b, bid: bid, ask: ask, receivedNs: receivedNs)
        books[b].published = q
        return q
    }

    private func consolidated(_ b: Int, bid: (NormalizedQuote, Int), ask: (NormalizedQuote, Int), receivedNs: Int64) -> ConsolidatedQuote {
        let book = books[b]
        return ConsolidatedQuote(symbol: book.symbol.name, engineIndex: book.symbol.engineIndex, digits: book.symbol.digits,
                                 bidTicks: bid.0.bidTicks, askTicks: ask.0.askTicks, bidVolume: bid.0.bidVolume, askVolume: ask.0.askVolume,
                                 bidLP: book.feeds[bid.1].source.lp, askLP: book.feeds[ask.1].source.lp,
                                 volatilityPPM: book.volatility.ppm, receivedNs: receivedNs)
    }
}
