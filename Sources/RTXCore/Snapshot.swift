import RTXDigest

/// A versioned, deterministic serialization of the whole core, and its hash. Everything is
/// written in a defined order (tables in index order, positions by id, house balances by
/// account and currency), so equal states give equal bytes in any process. Derived state
/// (exposures, account margins, lookup tables) is rebuilt on restore, not stored.
extension TradingCore {
    public static let snapshotVersion: UInt16 = 2

    public func snapshot() -> [UInt8] {
        var w = BinaryWriter(capacity: 4096)
        w.raw(Array("RTXS".utf8))
        w.u16(Self.snapshotVersion)
        w.u64(lastSequence)
        w.i64(lastTimeNs)
        w.u64(nextEntryID)
        w.u64(feeScheduleID)
        CommandCodec.encode(feeSchedule, into: &w)
        w.u8(globalTradingState.rawValue)
        w.u32(UInt32(symbols.count))
        for (i, s) in symbols.enumerated() {
            CommandCodec.encode(s, into: &w)
            w.i64(bids[i]); w.i64(asks[i]); w.i64(quoteTimes[i]); w.i64(bidVolumes[i]); w.i64(askVolumes[i])
        }
        w.u32(UInt32(groups.count))
        for (g, spec) in groups.enumerated() {
            CommandCodec.encode(spec, into: &w)
            w.u8(groupTradingStates[g].rawValue)
        }
        w.u32(UInt32(accounts.count))
        for a in accounts {
            CommandCodec.encode(a.spec, into: &w)
            w.u8(a.status.rawValue)
            w.i64(a.balance)
            w.i64(a.credit)
            w.i64(a.reservedMargin)
            w.bool(a.inMarginCall)
            w.u64(a.statistics.trades); w.u64(a.statistics.wins); w.i64(a.statistics.realizedPnl); w.i64(a.statistics.totalHoldingMs)
            let ids = a.clientOrders.inOrder
            w.u32(UInt32(ids.count))
            for id in ids { encode(a.clientOrders.result(id)!, into: &w) }
        }
        let open = positions.compactMap { $0 }.sorted { $0.id < $1.id }
        w.u32(UInt32(open.count))
        for p in open {
            w.u64(p.id); w.i32(p.accountIndex); w.i32(p.symbol); w.u8(p.side.rawValue); w.u8(p.book.rawValue); w.u32(p.hedgeRatioPPM)
            w.i64(p.volume); w.i128(p.cost); w.i64(p.margin); w.i64(p.openTimeNs)
            CommandCodec.encode(p.protection, into: &w); w.u64(p.closingOrder)
        }
        let pending = pendingOrders.values.sorted { $0.id < $1.id }
        w.u32(UInt32(pending.count))
        for o in pending {
            w.u64(o.id); w.i32(o.accountIndex); w.bool(o.stopTriggered); w.i64(o.placedAtNs)
            CommandCodec.encode(o.request, into: &w)
        }
        let inFlight = lpOrders.values.sorted { $0.route.engineOrderID < $1.route.engineOrderID }
        w.u32(UInt32(inFlight.count))
        for o in inFlight { encode(o, into: &w) }
        w.u32(UInt32(doneOrders.count))
        for id in doneOrders { w.u64(id) }
        let hedges = houseHedges.sorted { $0.key < $1.key }
        w.u32(UInt32(hedges.count))
        for (symbol, h) in hedges { w.i32(symbol); w.i64(h.volume); w.i128(h.cost) }
        let house = ledger.house.sorted { $0.key < $1.key }
        w.u32(UInt32(house.count))
        for (key, amount) in house { w.u8(key.account.rawValue); w.u32(key.currency.code); w.i64(amount) }
        return w.bytes
    }

    /// Lowercase hex SHA-256 of `snapshot()`.
    public func stateHash() -> String { SHA256.hexDigest(of: snapshot()) }

    /// Restores a core from `snapshot()` bytes.
    public init(snapshot bytes: [UInt8]) throws(DecodeError) {
        self.init()
        guard bytes.count >= 6, Array(bytes[0 ..< 4]) == Array("RTXS".utf8) else {
            throw DecodeError(offset: 0, problem: "not an RTX core snapshot (no RTXS header)")
        }
        var r = BinaryReader(bytes, offset: 4)
        let version = try r.u16("snapshot version")
        guard version == Self.snapshotVersion else {
            throw DecodeError(offset: 4, problem: "snapshot version \(version); this build reads version \(Self.snapshotVersion)")
        }
        lastSequence = try r.u64("last sequence")
        lastTimeNs = try r.i64("last time")
        nextEntryID = try r.u64("next entry id")
        feeScheduleID = try r.u64("fee schedule id")
        feeSchedule = try CommandCodec.decodeFeeSchedule(&r)
        globalTradingState = try r.enumeration(TradingState.self, "global trading state")
        let symbolCount = Int(try r.u32("symbol count"))
        for _ in 0 ..< symbolCount {
            let spec = try CommandCodec.decodeSymbol(&r)
            symbolByName[spec.name] = SymbolIndex(symbols.count)
            symbols.append(spec)
            bids.append(try r.i64("bid")); asks.append(try r.i64("ask")); quoteTimes.append(try r.i64("quote time"))
            bidVolumes.append(try r.i64("bid volume")); askVolumes.append(try r.i64("ask volume"))
            symbolTriggerGroups.append([])
        }
        let groupCount = Int(try r.u32("group count"))
        for _ in 0 ..< groupCount {
            let spec = try CommandCodec.decodeGroup(&r)
            groupByName[spec.name] = GroupIndex(groups.count)
            groups.append(spec)
            groupTradingStates.append(try r.enumeration(TradingState.self, "group trading state"))
        }
        exposureTotals.resize(groups: groups.count, symbols: symbols.count)
        guard feeSchedule.problem(symbolCount: symbols.count, groupCount: groups.count) == nil else {
            throw DecodeError(offset: r.offset, problem: "the fee schedule refers to unknown symbols or groups")
        }
        rebuildConversionRoutes()
        rebuildMarkupTable()
        let accountCount = Int(try r.u32("account count"))
        for _ in 0 ..< accountCount {
            var a = AccountState(spec: try CommandCodec.decodeAccount(&r))
            guard Int(a.spec.group) < groups.count, accountIndex[a.spec.id] == nil else {
                throw DecodeError(offset: r.offset, problem: "account \(a.spec.id) is repeated or in unknown group \(a.spec.group)")
            }
            a.status = try r.enumeration(AccountStatus.self, "account status")
            a.balance = try r.i64("balance")
            a.credit = try r.i64("credit")
            a.reservedMargin = try r.i64("reserved margin")
            a.inMarginCall = try r.bool("in margin call")
            a.statistics = TradingStatistics(trades: try r.u64("trades"), wins: try r.u64("wins"), realizedPnl: try r.i64("realized"),
                                             totalHoldingMs: try r.i64("holding"))
            let remembered = Int(try r.u32("client order count"))
            guard remembered <= ClientOrderWindow.capacity else { throw DecodeError(offset: r.offset, problem: "\(remembered) client orders, over the window") }
            for _ in 0 ..< remembered {
                let e = try decodeOrderEvent(&r)
                a.clientOrders.remember(e.clientOrderID, e)
            }
            accountIndex[a.spec.id] = Int32(accounts.count)
            accounts.append(a)
        }
        let positionCount = Int(try r.u32("position count"))
        for _ in 0 ..< positionCount {
            let id = try r.u64("position id")
            let account = try r.i32("position account")
            let symbol = try r.i32("position symbol")
            guard account >= 0, Int(account) < accounts.count, symbol >= 0, Int(symbol) < symbols.count else {
                throw DecodeError(offset: r.offset, problem: "position \(id) refers to an unknown account or symbol")
            }
            var p = Position(id: id, accountIndex: account, symbol: symbol, side: try r.enumeration(Side.self, "side"),
                             book: try r.enumeration(Book.self, "book"), hedgeRatioPPM: try r.u32("hedge"), volume: try r.i64("volume"),
                             cost: try r.i128("cost"), margin: try r.i64("margin"), openTimeNs: try r.i64("open time"))
            let protection = try CommandCodec.decodeProtection(&r)
            p.closingOrder = try r.u64("closing order")
            guard p.volume > 0 else { throw DecodeError(offset: r.offset, problem: "position \(id) has volume \(p.volume)") }
            restore(p)
            if !protection.isNone, let slot = positionSlot[p.id] {
                positions[Int(slot)]!.protection = protection
                registerProtectionTriggers(slot)
            }
        }
        let pendingCount = Int(try r.u32("pending order count"))
        for _ in 0 ..< pendingCount {
            let id = try r.u64("order id")
            let account = try r.i32("order account")
            let triggered = try r.bool("stop triggered")
            let placed = try r.i64("placed at")
            let request = try CommandCodec.decodePending(&r)
            guard account >= 0, Int(account) < accounts.count, validSymbol(request.symbol) else {
                throw DecodeError(offset: r.offset, problem: "order \(id) refers to an unknown account or symbol")
            }
            var o = PendingOrder(request: request, id: id, accountIndex: account, stopTriggered: triggered, placedAtNs: placed)
            register(&o)
            pendingOrders[id] = o
            if request.expiresAtNs > 0 { expiries.push(TimedID(time: request.expiresAtNs, id: id)) }
        }
        let inFlight = Int(try r.u32("LP order count"))
        for _ in 0 ..< inFlight {
            let o = try decodeLPOrder(&r)
            lpOrders[o.route.engineOrderID] = o
            if !o.done { lpDeadlines.push(TimedID(time: o.route.deadlineNs, id: o.route.engineOrderID)) }
        }
        let timedOut = Int(try r.u32("done count"))
        guard timedOut <= Self.maxDoneOrders else { throw DecodeError(offset: r.offset, problem: "\(timedOut) done orders, over the limit") }
        for _ in 0 ..< timedOut { doneOrders.append(try r.u64("done order")) }
        let hedgeCount = Int(try r.u32("house hedge count"))
        for _ in 0 ..< hedgeCount {
            let symbol = try r.i32("hedge symbol")
            guard validSymbol(symbol) else { throw DecodeError(offset: r.offset, problem: "house hedge in unknown symbol \(symbol)") }
            houseHedges[symbol] = HouseHedge(volume: try r.i64("hedge volume"), cost: try r.i128("hedge cost"))
        }
        let houseCount = Int(try r.u32("house balance count"))
        for _ in 0 ..< houseCount {
            let key = LedgerBalances.HouseKey(account: try r.enumeration(HouseAccount.self, "house account"), currency: Currency(code: try r.u32("currency")))
            ledger.restore(key, try r.i64("house balance"))
        }
        guard r.isAtEnd else { throw DecodeError(offset: r.offset, problem: "\(r.remaining) bytes after the snapshot's end") }
        for slot in 0 ..< accounts.count where accounts[slot].margin > 0 || accounts[slot].reservedMargin > 0 {
            registerRiskTriggers(Int32(slot))
            if let (equity, margin) = riskFigures(Int32(slot)) {
                updateStopOutBlocked(Int32(slot), equity: equity, margin: margin, stopOutLevel: groupLevels(accounts[slot].spec.group).stopOut)
            }
        }
    }

    /// Re-inserts a position and the exposure and margin it implies.
    private mutating func restore(_ p: Position) {
        let slot = Int32(positions.count)
        positions.append(p)
        positionSlot[p.id] = slot
        let e = exposureSlot(account: p.accountIndex, symbol: p.symbol)
        var x = exposures[Int(e)]!
        let before = x.margin
        x.positions.append(slot)
        if p.side == .buy {
            x.longVolume += p.volume; x.longCost += p.cost; x.longMargin += p.margin
        } else {
            x.shortVolume += p.volume; x.shortCost += p.cost; x.shortMargin += p.margin
        }
        exposures[Int(e)] = x
        exposureTotals.add(group: accounts[Int(p.accountIndex)].spec.group, symbol: p.symbol, book: p.book, side: p.side, volume: p.volume, cost: p.cost)
        accounts[Int(p.accountIndex)].margin += x.margin - before
        accounts[Int(p.accountIndex)].openPositions += 1
    }

    private func encode(_ o: LPOrderState, into w: inout BinaryWriter) {
        let route = o.route
        w.u64(route.engineOrderID); w.u8(route.purpose.rawValue); w.u64(route.account); w.i32(route.symbol); w.u8(route.side.rawValue)
        w.i64(route.volume); w.u64(route.positionID); w.u8(route.fillPolicy.rawValue); w.i64(route.deadlineNs)
        w.i32(o.accountIndex); encode(o.order, into: &w); w.i64(o.filled); w.i64(o.reservedMargin)
        CommandCodec.encode(o.protection, into: &w); CommandCodec.encode(o.routing, into: &w)
        w.u32(UInt32(o.execIDs.count))
        for id in o.execIDs { w.string(id) }
        w.bool(o.done); w.u8(o.closeCause.rawValue)
    }

    private func decodeLPOrder(_ r: inout BinaryReader) throws(DecodeError) -> LPOrderState {
        let route = LPRoute(engineOrderID: try r.u64("engine order id"), purpose: try r.enumeration(LPRoute.Purpose.self, "purpose"),
                            account: try r.u64("account"), symbol: try r.i32("symbol"), side: try r.enumeration(Side.self, "side"),
                            volume: try r.i64("volume"), positionID: try r.u64("position"), fillPolicy: try r.enumeration(FillPolicy.self, "fill policy"),
                            deadlineNs: try r.i64("deadline"))
        let account = try r.i32("account index")
        guard account >= -1, Int(account) < accounts.count, validSymbol(route.symbol) else {
            throw DecodeError(offset: r.offset, problem: "LP order \(route.engineOrderID) refers to an unknown account or symbol")
        }
        var o = LPOrderState(route: route, accountIndex: account, order: try decodeOrderEvent(&r))
        o.filled = try r.i64("filled")
        o.reservedMargin = try r.i64("reserved")
        o.protection = try CommandCodec.decodeProtection(&r)
        o.routing = try CommandCodec.decodeRouting(&r)
        let count = Int(try r.u32("exec id count"))
        guard count <= LPOrderState.maxExecIDs else { throw DecodeError(offset: r.offset, problem: "\(count) exec ids, over the limit") }
        for _ in 0 ..< count { o.execIDs.append(try r.string("exec id")) }
        o.done = try r.bool("done")
        o.closeCause = try r.enumeration(PositionEvent.Cause.self, "close cause")
        return o
    }

    private func encode(_ e: OrderEvent, into w: inout BinaryWriter) {
        w.u64(e.orderID); w.u64(e.account); CommandCodec.encode(e.clientOrderID, into: &w); w.i32(e.symbol); w.u8(e.side.rawValue)
        w.i64(e.volume); w.u8(e.state.rawValue); RejectReasonCodec.encode(e.reason, into: &w); w.i64(e.fillPriceTicks); w.u64(e.positionID)
        w.u8(e.kind.rawValue); w.i64(e.filledVolume); w.i64(e.priceTicks); w.u8(e.book.rawValue)
    }

    private func decodeOrderEvent(_ r: inout BinaryReader) throws(DecodeError) -> OrderEvent {
        OrderEvent(orderID: try r.u64("order id"), account: try r.u64("account"), clientOrderID: try CommandCodec.decodeClientOrderID(&r),
                   symbol: try r.i32("symbol"), side: try r.enumeration(Side.self, "side"), volume: try r.i64("volume"),
                   state: try r.enumeration(OrderState.self, "order state"), reason: try RejectReasonCodec.decode(&r),
                   fillPriceTicks: try r.i64("fill price"), positionID: try r.u64("position id"),
                   kind: try r.enumeration(OrderKind.self, "order kind"), filledVolume: try r.i64("filled volume"),
                   priceTicks: try r.i64("order price"), book: try r.enumeration(Book.self, "book"))
    }
}
