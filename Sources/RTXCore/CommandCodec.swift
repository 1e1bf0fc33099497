/// The binary form of commands, for the journal and for replay in another process.
/// Format version 2 (version 1, before the group's margin call re-arm level, was never
/// released): an envelope is `u64 sequence, i64 timeNs, u8 tag, fields...`; the tags
/// and field orders below are frozen; a new command gets a new tag.
public enum CommandCodec {
    public static let version: UInt16 = 2

    enum Tag: UInt8 {
        case defineSymbol = 1, setSymbolTradingState, defineGroup, openAccount, setAccountStatus, quote, deposit, withdraw,
             adjustBalance, grantCredit, placeMarketOrder, closePosition, closeBy, placePendingOrder, modifyPendingOrder,
             cancelPendingOrder, modifyPosition, timeTick, executionReport, setFeeSchedule, rollover, setGroupTradingState,
             setGlobalTradingState
    }

    public static func encode(_ e: Envelope, into w: inout BinaryWriter) {
        w.u64(e.sequence)
        w.i64(e.timeNs)
        switch e.command {
        case .defineSymbol(let s): w.u8(Tag.defineSymbol.rawValue); encode(s, into: &w)
        case .setSymbolTradingState(let s, let state): w.u8(Tag.setSymbolTradingState.rawValue); w.i32(s); w.u8(state.rawValue)
        case .defineGroup(let g): w.u8(Tag.defineGroup.rawValue); encode(g, into: &w)
        case .openAccount(let a): w.u8(Tag.openAccount.rawValue); encode(a, into: &w)
        case .setAccountStatus(let id, let status): w.u8(Tag.setAccountStatus.rawValue); w.u64(id); w.u8(status.rawValue)
        case .quote(let s, let bid, let ask, let bidVolume, let askVolume):
            w.u8(Tag.quote.rawValue); w.i32(s); w.i64(bid); w.i64(ask); w.i64(bidVolume); w.i64(askVolume)
        case .deposit(let id, let amount, let method): w.u8(Tag.deposit.rawValue); w.u64(id); w.i64(amount); w.u8(method.rawValue)
        case .withdraw(let id, let amount, let method): w.u8(Tag.withdraw.rawValue); w.u64(id); w.i64(amount); w.u8(method.rawValue)
        case .adjustBalance(let id, let amount, let admin, let reason):
            w.u8(Tag.adjustBalance.rawValue); w.u64(id); w.i64(amount); w.u64(admin); w.string(reason)
        case .grantCredit(let id, let amount, let admin, let reason):
            w.u8(Tag.grantCredit.rawValue); w.u64(id); w.i64(amount); w.u64(admin); w.string(reason)
        case .placeMarketOrder(let r):
            w.u8(Tag.placeMarketOrder.rawValue); w.u64(r.account); encode(r.clientOrderID, into: &w); w.i32(r.symbol)
            w.u8(r.side.rawValue); w.i64(r.volume); encode(r.routing, into: &w); w.u8(r.fillPolicy.rawValue)
            w.i64(r.requestedPriceTicks); w.i64(r.maxDeviationTicks); encode(r.protection, into: &w)
        case .closePosition(let id, let p, let volume): w.u8(Tag.closePosition.rawValue); w.u64(id); w.u64(p); w.i64(volume)
        case .closeBy(let id, let p, let q): w.u8(Tag.closeBy.rawValue); w.u64(id); w.u64(p); w.u64(q)
        case .placePendingOrder(let r): w.u8(Tag.placePendingOrder.rawValue); encode(r, into: &w)
        case .modifyPendingOrder(let id, let order, let price, let limit, let protection, let expiry):
            w.u8(Tag.modifyPendingOrder.rawValue); w.u64(id); w.u64(order); w.i64(price); w.i64(limit); encode(protection, into: &w); w.i64(expiry)
        case .cancelPendingOrder(let id, let order): w.u8(Tag.cancelPendingOrder.rawValue); w.u64(id); w.u64(order)
        case .modifyPosition(let id, let p, let protection): w.u8(Tag.modifyPosition.rawValue); w.u64(id); w.u64(p); encode(protection, into: &w)
        case .timeTick: w.u8(Tag.timeTick.rawValue)
        case .executionReport(let x):
            w.u8(Tag.executionReport.rawValue); w.u64(x.engineOrderID); w.string(x.execID); w.u8(x.kind.rawValue)
            w.i64(x.lastPriceTicks); w.i64(x.lastVolume); w.string(x.text)
        case .setFeeSchedule(let f): w.u8(Tag.setFeeSchedule.rawValue); encode(f, into: &w)
        case .rollover: w.u8(Tag.rollover.rawValue)
        case .setGroupTradingState(let g, let state): w.u8(Tag.setGroupTradingState.rawValue); w.i32(g); w.u8(state.rawValue)
        case .setGlobalTradingState(let state): w.u8(Tag.setGlobalTradingState.rawValue); w.u8(state.rawValue)
        }
    }

    public static func decode(from r: inout BinaryReader) throws(DecodeError) -> Envelope {
        let sequence = try r.u64("sequence")
        let time = try r.i64("time")
        let tag = try r.enumeration(Tag.self, "command tag")
        let command: Command
        switch tag {
        case .defineSymbol: command = .defineSymbol(try decodeSymbol(&r))
        case .setSymbolTradingState: command = .setSymbolTradingState(try r.i32("symbol"), try r.enumeration(TradingState.self, "trading state"))
        case .defineGroup: command = .defineGroup(try decodeGroup(&r))
        case .openAccount: command = .openAccount(try decodeAccount(&r))
        case .setAccountStatus: command = .setAccountStatus(try r.u64("account"), try r.enumeration(AccountStatus.self, "status"))
        case .quote: command = .quote(symbol: try r.i32("symbol"), bidTicks: try r.i64("bid"), askTicks: try r.i64("ask"),
                                      bidVolume: try r.i64("bid volume"), askVolume: try r.i64("ask volume"))
        case .deposit: command = .deposit(account: try r.u64("account"), amount: try r.i64("amount"), method: try r.enumeration(PaymentMethod.self, "method"))
        case .withdraw: command = .withdraw(account: try r.u64("account"), amount: try r.i64("amount"), method: try r.enumeration(PaymentMethod.self, "method"))
        case .adjustBalance:
            command = .adjustBalance(account: try r.u64("account"), amount: try r.i64("amount"), adminID: try r.u64("admin"), reason: try r.string("reason"))
        case .grantCredit:
            command = .grantCredit(account: try r.u64("account"), amount: try r.i64("amount"), adminID: try r.u64("admin"), reason: try r.string("reason"))
        case .placeMarketOrder:
            let account = try r.u64("account")
            let client = try decodeClientOrderID(&r)
            let symbol = try r.i32("symbol")
            let side = try r.enumeration(Side.self, "side")
            let volume = try r.i64("volume")
            let routing = try decodeRouting(&r)
            let policy = try r.enumeration(FillPolicy.self, "fill policy")
            let requested = try r.i64("requested price")
            let deviation = try r.i64("max deviation")
            command = .placeMarketOrder(MarketOrderRequest(account: account, clientOrderID: client, symbol: symbol, side: side, volume: volume,
                                                           routing: routing, fillPolicy: policy, requestedPriceTicks: requested,
                                                           maxDeviationTicks: deviation, protection: try decodeProtection(&r)))
        case .closePosition: command = .closePosition(account: try r.u64("account"), position: try r.u64("position"), volume: try r.i64("volume"))
        case .closeBy: command = .closeBy(account: try r.u64("account"), position: try r.u64("position"), opposite: try r.u64("opposite"))
        case .placePendingOrder: command = .placePendingOrder(try decodePending(&r))
        case .modifyPendingOrder:
            command = .modifyPendingOrder(account: try r.u64("account"), order: try r.u64("order"), priceTicks: try r.i64("price"),
                                          limitPriceTicks: try r.i64("limit price"), protection: try decodeProtection(&r), expiresAtNs: try r.i64("expiry"))
        case .cancelPendingOrder: command = .cancelPendingOrder(account: try r.u64("account"), order: try r.u64("order"))
        case .modifyPosition: command = .modifyPosition(account: try r.u64("account"), position: try r.u64("position"), protection: try decodeProtection(&r))
        case .timeTick: command = .timeTick
        case .executionReport:
            command = .executionReport(LPExecution(engineOrderID: try r.u64("engine order id"), execID: try r.string("exec id"),
                                                   kind: try r.enumeration(LPExecution.Kind.self, "exec kind"), lastPriceTicks: try r.i64("last price"),
                                                   lastVolume: try r.i64("last volume"), text: try r.string("text")))
        case .setFeeSchedule: command = .setFeeSchedule(try decodeFeeSchedule(&r))
        case .rollover: command = .rollover
        case .setGroupTradingState: command = .setGroupTradingState(try r.i32("group"), try r.enumeration(TradingState.self, "trading state"))
        case .setGlobalTradingState: command = .setGlobalTradingState(try r.enumeration(TradingState.self, "trading state"))
        }
        return Envelope(sequence: sequence, timeNs: time, command: command)
    }

    /// A whole log: `"RTXL"`, version, then envelopes back to back.
    public static func encodeLog(_ envelopes: [Envelope]) -> [UInt8] {
        var w = BinaryWriter(capacity: envelopes.count * 48)
        w.raw(Array("RTXL".utf8))
        w.u16(version)
        for e in envelopes { encode(e, into: &w) }
        return w.bytes
    }

    public static func decodeLog(_ bytes: [UInt8]) throws(DecodeError) -> [Envelope] {
        var r = BinaryReader(bytes)
        guard bytes.count >= 6, Array(bytes[0 ..< 4]) == Array("RTXL".utf8) else { throw DecodeError(offset: 0, problem: "not an RTX command log (no RTXL header)") }
        r = BinaryReader(bytes, offset: 4)
        let v = try r.u16("log version")
        guard v == version else { throw DecodeError(offset: 4, problem: "command log version \(v); this build reads version \(version)") }
        var out: [Envelope] = []
        while !r.isAtEnd { out.append(try decode(from: &r)) }
        return out
    }

    // MARK: parts shared with snapshots

    static func encode(_ s: SymbolSpec, into w: inout BinaryWriter) {
        w.string(s.name); w.u8(UInt8(s.digits)); w.i64(s.contractSizeE8); w.i64(s.volumeMin); w.i64(s.volumeMax); w.i64(s.volumeStep)
        w.u32(s.marginCurrency.code); w.u32(s.profitCurrency.code); w.i64(s.minStopDistanceTicks); w.u8(s.tradingState.rawValue)
        w.u32(UInt32(s.sessions.windows.count))
        for window in s.sessions.windows { w.i32(window.startMinute); w.i32(window.endMinute) }
        w.i64(s.maxQuoteAgeMs)
    }

    static func decodeSymbol(_ r: inout BinaryReader) throws(DecodeError) -> SymbolSpec {
        let name = try r.string("symbol name")
        let digits = Int(try r.u8("digits"))
        let contract = try r.i64("contract size")
        let vmin = try r.i64("volume min"), vmax = try r.i64("volume max"), step = try r.i64("volume step")
        let margin = Currency(code: try r.u32("margin currency")), profit = Currency(code: try r.u32("profit currency"))
        let stop = try r.i64("stop distance")
        let state = try r.enumeration(TradingState.self, "trading state")
        let count = Int(try r.u32("session count"))
        guard count <= 1024 else { throw DecodeError(offset: r.offset - 4, problem: "\(count) sessions, over the 1024 limit") }
        var windows: [TradingSessions.Window] = []
        for _ in 0 ..< count { windows.append(.init(startMinute: try r.i32("session start"), endMinute: try r.i32("session end"))) }
        let age = try r.i64("quote age")
        return SymbolSpec(name: name, digits: digits, contractSizeE8: contract, volumeMin: vmin, volumeMax: vmax, volumeStep: step,
                          marginCurrency: margin, profitCurrency: profit, minStopDistanceTicks: stop, tradingState: state,
                          sessions: TradingSessions(windows: windows), maxQuoteAgeMs: age)
    }

    static func encode(_ g: GroupSpec, into w: inout BinaryWriter) {
        w.string(g.name); w.i64(g.marginCallLevelPercent); w.i64(g.stopOutLevelPercent); w.i64(g.maxOrderVolume); w.i64(Int64(g.maxOpenPositions))
        w.i64(g.aBookTimeoutMs); w.bool(g.negativeBalanceProtection); w.i64(g.marginCallRearmPercent)
    }

    static func decodeGroup(_ r: inout BinaryReader) throws(DecodeError) -> GroupSpec {
        GroupSpec(name: try r.string("group name"), marginCallLevelPercent: try r.i64("margin call level"),
                  stopOutLevelPercent: try r.i64("stop out level"), maxOrderVolume: try r.i64("max order volume"),
                  maxOpenPositions: Int(try r.i64("max open positions")), aBookTimeoutMs: try r.i64("A-Book time-out"),
                  negativeBalanceProtection: try r.bool("negative balance protection"),
                  marginCallRearmPercent: try r.i64("margin call re-arm"))
    }

    static func encode(_ a: AccountSpec, into w: inout BinaryWriter) {
        w.u64(a.id); w.i32(a.group); w.u32(a.currency.code); w.i64(a.leverage); w.u8(a.mode.rawValue)
    }

    static func decodeAccount(_ r: inout BinaryReader) throws(DecodeError) -> AccountSpec {
        AccountSpec(id: try r.u64("account id"), group: try r.i32("group"), currency: Currency(code: try r.u32("currency")),
                    leverage: try r.i64("leverage"), mode: try r.enumeration(PositionMode.self, "position mode"))
    }

    /// An optional index: -1 for "any".
    static func encodeIndex(_ i: Int32?, into w: inout BinaryWriter) { w.i32(i ?? -1) }
    static func decodeIndex(_ r: inout BinaryReader, _ what: String) throws(DecodeError) -> Int32? {
        let v = try r.i32(what)
        guard v >= -1 else { throw DecodeError(offset: r.offset - 4, problem: "\(what) \(v) is not an index or -1") }
        return v == -1 ? nil : v
    }

    static let maxScheduleEntries = 100_000

    static func encode(_ f: FeeScheduleSpec, into w: inout BinaryWriter) {
        w.u32(UInt32(f.commissionTiers.count))
        for t in f.commissionTiers {
            encodeIndex(t.group, into: &w); encodeIndex(t.symbol, into: &w); w.u32(t.currency.code); w.u8(t.charge.rawValue)
            w.i64(t.fromVolume); w.i64(t.perLotMoney); w.i64(t.minimumMoney)
        }
        w.u32(UInt32(f.markups.count))
        for m in f.markups { encodeIndex(m.group, into: &w); encodeIndex(m.symbol, into: &w); w.u8(m.mode.rawValue); w.i64(m.bid); w.i64(m.ask) }
        w.u32(UInt32(f.swaps.count))
        for s in f.swaps {
            encodeIndex(s.group, into: &w); encodeIndex(s.symbol, into: &w); w.u8(s.mode.rawValue); w.i64(s.long); w.i64(s.short)
            w.u8(UInt8(s.tripleWeekday))
        }
    }

    static func decodeFeeSchedule(_ r: inout BinaryReader) throws(DecodeError) -> FeeScheduleSpec {
        func count(_ what: String) throws(DecodeError) -> Int {
            let n = Int(try r.u32(what))
            guard n <= maxScheduleEntries else { throw DecodeError(offset: r.offset - 4, problem: "\(n) \(what), over the \(maxScheduleEntries) limit") }
            return n
        }
        var f = FeeScheduleSpec()
        for _ in 0 ..< (try count("commission tiers")) {
            f.commissionTiers.append(.init(group: try decodeIndex(&r, "group"), symbol: try decodeIndex(&r, "symbol"),
                                           currency: Currency(code: try r.u32("currency")), charge: try r.enumeration(FeeScheduleSpec.Charge.self, "charge"),
                                           fromVolume: try r.i64("from volume"), perLotMoney: try r.i64("per lot"), minimumMoney: try r.i64("minimum")))
        }
        for _ in 0 ..< (try count("markups")) {
            f.markups.append(.init(group: try decodeIndex(&r, "group"), symbol: try decodeIndex(&r, "symbol"),
                                   mode: try r.enumeration(FeeScheduleSpec.MarkupMode.self, "markup mode"), bid: try r.i64("bid markup"), ask: try r.i64("ask markup")))
        }
        for _ in 0 ..< (try count("swaps")) {
            f.swaps.append(.init(group: try decodeIndex(&r, "group"), symbol: try decodeIndex(&r, "symbol"),
                                 mode: try r.enumeration(FeeScheduleSpec.SwapMode.self, "swap mode"), long: try r.i64("long"), short: try r.i64("short"),
                                 tripleWeekday: Int(try r.u8("triple weekday"))))
        }
        return f
    }

    static func encode(_ r: RoutingChoice, into w: inout BinaryWriter) { w.u8(r.book.rawValue); w.u32(r.hedgeRatioPPM) }

    static func decodeRouting(_ r: inout BinaryReader) throws(DecodeError) -> RoutingChoice {
        RoutingChoice(book: try r.enumeration(Book.self, "book"), hedgeRatioPPM: try r.u32("hedge ratio"))
    }

    static func encode(_ p: Protection, into w: inout BinaryWriter) { w.i64(p.stopLossTicks); w.i64(p.takeProfitTicks); w.i64(p.trailingDistanceTicks) }

    static func decodeProtection(_ r: inout BinaryReader) throws(DecodeError) -> Protection {
        Protection(stopLossTicks: try r.i64("stop loss"), takeProfitTicks: try r.i64("take profit"), trailingDistanceTicks: try r.i64("trailing distance"))
    }

    static func encode(_ p: PendingOrderRequest, into w: inout BinaryWriter) {
        w.u64(p.account); encode(p.clientOrderID, into: &w); w.i32(p.symbol); w.u8(p.side.rawValue); w.u8(p.type.rawValue); w.i64(p.volume)
        w.i64(p.priceTicks); w.i64(p.limitPriceTicks); w.i64(p.expiresAtNs); encode(p.protection, into: &w); encode(p.routing, into: &w)
    }

    static func decodePending(_ r: inout BinaryReader) throws(DecodeError) -> PendingOrderRequest {
        PendingOrderRequest(account: try r.u64("account"), clientOrderID: try decodeClientOrderID(&r), symbol: try r.i32("symbol"),
                            side: try r.enumeration(Side.self, "side"), type: try r.enumeration(PendingType.self, "pending type"),
                            volume: try r.i64("volume"), priceTicks: try r.i64("price"), limitPriceTicks: try r.i64("limit price"),
                            expiresAtNs: try r.i64("expiry"), protection: try decodeProtection(&r), routing: try decodeRouting(&r))
    }

    static func encode(_ c: ClientOrderID, into w: inout BinaryWriter) {
        w.u64(c.words.0); w.u64(c.words.1); w.u64(c.words.2); w.u64(c.words.3)
    }

    static func decodeClientOrderID(_ r: inout BinaryReader) throws(DecodeError) -> ClientOrderID {
        ClientOrderID(words: (try r.u64("client order id"), try r.u64("client order id"), try r.u64("client order id"), try r.u64("client order id")))
    }
}
