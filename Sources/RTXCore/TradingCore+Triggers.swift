/// Price triggers: resting orders, stop losses, take profits and trailing stops sit in
/// price-sorted heaps per (symbol, group) and side, so a quote costs O(groups with triggers
/// in the symbol + triggers crossed × log n), never a scan of every order or position.
extension TradingCore {
    @inline(__always)
    static func triggerBookKey(_ symbol: SymbolIndex, _ group: GroupIndex) -> UInt64 {
        UInt64(UInt32(bitPattern: symbol)) << 32 | UInt64(UInt32(bitPattern: group))
    }

    /// The trigger books of (symbol, group), created when missing.
    mutating func triggerBook(_ symbol: SymbolIndex, _ group: GroupIndex) -> Int32 {
        let key = Self.triggerBookKey(symbol, group)
        if let index = triggerBookIndex[key] { return index }
        let index = Int32(triggerBooks.count)
        triggerBooks.append(TriggerBooks())
        triggerBookIndex[key] = index
        symbolTriggerGroups[Int(symbol)].append(group)
        symbolTriggerGroups[Int(symbol)].sort()
        return index
    }

    /// Adds a trigger; returns the version its owner must hold for it to stay live.
    mutating func registerTrigger(_ target: TriggerTarget, side: TriggerSide, priceTicks: Int64, symbol: SymbolIndex,
                                  group: GroupIndex) -> UInt64 {
        let book = triggerBook(symbol, group)
        let version = nextTriggerVersion
        nextTriggerVersion += 1
        let key = side == .askAtOrAbove || side == .bidAtOrAbove ? priceTicks : -priceTicks
        triggerBooks[Int(book)].heaps[side.rawValue].push(TriggerEntry(key: key, sequence: Self.tieBreak(target), target: target, version: version))
        return version
    }

    /// Ties at one price fire stop losses first, then take profits, trailing moves and resting
    /// orders, each oldest (lowest id) first: an order that depends only on the state, so a
    /// core restored from a snapshot fires exactly as the original would.
    static func tieBreak(_ target: TriggerTarget) -> UInt64 {
        let mask: UInt64 = (1 << 60) - 1
        return switch target {
        case .stopLoss(let id): id & mask
        case .takeProfit(let id): 1 << 60 | id & mask
        case .trailing(let id): 2 << 60 | id & mask
        case .pending(let id): 3 << 60 | id & mask
        case .risk(let slot): 4 << 60 | UInt64(UInt32(bitPattern: slot))
        }
    }

    /// Notes that a registered trigger died (its owner moved or went away).
    mutating func retireTrigger(side: TriggerSide, symbol: SymbolIndex, group: GroupIndex) {
        guard let book = triggerBookIndex[Self.triggerBookKey(symbol, group)] else { return }
        triggerBooks[Int(book)].heaps[side.rawValue].stale += 1
    }

    /// Whether a heap entry's owner still holds it.
    func isLive(_ e: TriggerEntry) -> Bool {
        switch e.target {
        case .pending(let id): return pendingOrders[id]?.triggerVersion == e.version
        case .stopLoss(let id): return position(id)?.stopLossVersion == e.version
        case .takeProfit(let id): return position(id)?.takeProfitVersion == e.version
        case .trailing(let id): return position(id)?.trailingVersion == e.version
        case .risk(let slot): return accounts[Int(slot)].riskVersion == e.version
        }
    }

    func position(_ id: PositionID) -> Position? {
        guard let slot = positionSlot[id] else { return nil }
        return positions[Int(slot)]
    }

    // MARK: sides

    static func pendingSide(_ o: PendingOrder) -> TriggerSide {
        switch (o.request.side, o.behavesAsLimit) {
        case (.buy, true): .askAtOrBelow
        case (.buy, false): .askAtOrAbove
        case (.sell, true): .bidAtOrAbove
        case (.sell, false): .bidAtOrBelow
        }
    }

    static func stopLossSide(_ side: Side) -> TriggerSide { side == .buy ? .bidAtOrBelow : .askAtOrAbove }
    static func takeProfitSide(_ side: Side) -> TriggerSide { side == .buy ? .bidAtOrAbove : .askAtOrBelow }
    static func trailingSide(_ side: Side) -> TriggerSide { side == .buy ? .bidAtOrAbove : .askAtOrBelow }

    /// The price at which a trailing stop moves next: one tick past stop + distance.
    static func trailingActivation(_ p: Position) -> Int64 {
        p.side == .buy ? p.protection.stopLossTicks + p.protection.trailingDistanceTicks + 1
            : p.protection.stopLossTicks - p.protection.trailingDistanceTicks - 1
    }

    // MARK: quotes

    /// Fires every trigger the current quote crosses, group by group, side by side, in price
    /// order (ties by `tieBreak`). A fired trigger may register new ones (a
    /// stop-limit's limit, a trailing stop's next step); the pass repeats until nothing fires.
    mutating func processTriggers(_ symbol: SymbolIndex) {
        for group in symbolTriggerGroups[Int(symbol)] {
            guard let book = triggerBookIndex[Self.triggerBookKey(symbol, group)] else { continue }
            var passes = 0
            var fired = true
            while fired, passes < 8 {
                fired = false
                passes += 1
                // Firing changes positions and orders, never the quote.
                let (bid, ask) = clientQuote(symbol, group: group)
                for side in TriggerSide.allCases {
                    while let top = triggerBooks[Int(book)].heaps[side.rawValue].peek {
                        let crosses: Bool = switch side {
                        case .askAtOrAbove: ask >= top.key
                        case .askAtOrBelow: ask <= -top.key
                        case .bidAtOrAbove: bid >= top.key
                        case .bidAtOrBelow: bid <= -top.key
                        }
                        guard crosses else { break }
                        _ = triggerBooks[Int(book)].heaps[side.rawValue].pop()
                        guard isLive(top) else {
                            triggerBooks[Int(book)].heaps[side.rawValue].stale = max(0, triggerBooks[Int(book)].heaps[side.rawValue].stale - 1)
                            continue
                        }
                        fire(top)
                        fired = true
                    }
                }
            }
            for side in TriggerSide.allCases where triggerBooks[Int(book)].heaps[side.rawValue].needsCompaction {
                var heap = triggerBooks[Int(book)].heaps[side.rawValue]
                heap.compact { isLive($0) }
                triggerBooks[Int(book)].heaps[side.rawValue] = heap
            }
        }
    }

    private mutating func fire(_ e: TriggerEntry) {
        switch e.target {
        case .pending(let id): triggerPending(id)
        case .stopLoss(let id): closeByTrigger(id, cause: .stopLoss)
        case .takeProfit(let id): closeByTrigger(id, cause: .takeProfit)
        case .trailing(let id): moveTrailingStop(id)
        case .risk(let slot):
            accounts[Int(slot)].riskVersion = 0
            accounts[Int(slot)].riskTriggers.removeAll(keepingCapacity: true)
            markRiskDirty(slot)
        }
    }
}
