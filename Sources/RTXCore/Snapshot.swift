import RTXDigest

/// A versioned, deterministic serialization of the whole core, and its hash. Everything is
/// written in a defined order (tables in index order, positions by id, house balances by
/// account and currency), so equal states give equal bytes in any process. Derived state
/// (exposures, account margins, lookup tables) is rebuilt on restore, not stored.
extension TradingCore {
    public static let snapshotVersion: UInt16 = 1

    public func snapshot() -> [UInt8] {
        var w = BinaryWriter(capacity: 4096)
        w.raw(Array("RTXS".utf8))
        w.u16(Self.snapshotVersion)
        w.u64(lastSequence)
        w.i64(lastTimeNs)
        w.u64(nextEntryID)
        w.u32(UInt32(symbols.count))
        for (i, s) in symbols.enumerated() {
            CommandCodec.encode(s, into: &w)
            w.i64(bids[i]); w.i64(asks[i]); w.i64(quoteTimes[i])
        }
        w.u32(UInt32(groups.count))
        for g in groups { CommandCodec.encode(g, into: &w) }
        w.u32(UInt32(accounts.count))
        for a in accounts {
            CommandCodec.encode(a.spec, into: &w)
            w.u8(a.status.rawValue)
            w.i64(a.balance)
            w.i64(a.credit)
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
        }
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
        let symbolCount = Int(try r.u32("symbol count"))
        for _ in 0 ..< symbolCount {
            let spec = try CommandCodec.decodeSymbol(&r)
            symbolByName[spec.name] = SymbolIndex(symbols.count)
            symbols.append(spec)
            bids.append(try r.i64("bid")); asks.append(try r.i64("ask")); quoteTimes.append(try r.i64("quote time"))
        }
        let groupCount = Int(try r.u32("group count"))
        for _ in 0 ..< groupCount {
            let spec = try CommandCodec.decodeGroup(&r)
            groupByName[spec.name] = GroupIndex(groups.count)
            groups.append(spec)
        }
        let accountCount = Int(try r.u32("account count"))
        for _ in 0 ..< accountCount {
            var a = AccountState(spec: try CommandCodec.decodeAccount(&r))
            a.status = try r.enumeration(AccountStatus.self, "account status")
            a.balance = try r.i64("balance")
            a.credit = try r.i64("credit")
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
            let p = Position(id: id, accountIndex: account, symbol: symbol, side: try r.enumeration(Side.self, "side"),
                             book: try r.enumeration(Book.self, "book"), hedgeRatioPPM: try r.u32("hedge"), volume: try r.i64("volume"),
                             cost: try r.i128("cost"), margin: try r.i64("margin"), openTimeNs: try r.i64("open time"))
            restore(p)
        }
        let houseCount = Int(try r.u32("house balance count"))
        for _ in 0 ..< houseCount {
            let key = LedgerBalances.HouseKey(account: try r.enumeration(HouseAccount.self, "house account"), currency: Currency(code: try r.u32("currency")))
            ledger.restore(key, try r.i64("house balance"))
        }
        guard r.isAtEnd else { throw DecodeError(offset: r.offset, problem: "\(r.remaining) bytes after the snapshot's end") }
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
        accounts[Int(p.accountIndex)].margin += x.margin - before
        accounts[Int(p.accountIndex)].openPositions += 1
    }

    private func encode(_ e: OrderEvent, into w: inout BinaryWriter) {
        w.u64(e.orderID); w.u64(e.account); CommandCodec.encode(e.clientOrderID, into: &w); w.i32(e.symbol); w.u8(e.side.rawValue)
        w.i64(e.volume); w.u8(e.state.rawValue); RejectReasonCodec.encode(e.reason, into: &w); w.i64(e.fillPriceTicks); w.u64(e.positionID)
    }

    private func decodeOrderEvent(_ r: inout BinaryReader) throws(DecodeError) -> OrderEvent {
        OrderEvent(orderID: try r.u64("order id"), account: try r.u64("account"), clientOrderID: try CommandCodec.decodeClientOrderID(&r),
                   symbol: try r.i32("symbol"), side: try r.enumeration(Side.self, "side"), volume: try r.i64("volume"),
                   state: try r.enumeration(OrderState.self, "order state"), reason: try RejectReasonCodec.decode(&r),
                   fillPriceTicks: try r.i64("fill price"), positionID: try r.u64("position id"))
    }
}
