/// Client holdings in one symbol summed over many positions: what the exposure monitor reads.
/// Volumes are 1e-8 lots; costs are Σ volume × open price (1e-8 lots × ticks, `FixedMath.cost`).
public struct NetExposure: Equatable, Sendable {
    public var longVolume: Int64 = 0
    public var shortVolume: Int64 = 0
    public var longCost: Int128 = 0
    public var shortCost: Int128 = 0

    public init() {}

    /// Clients' net volume: long minus short, 1e-8 lots (the house holds the opposite on B-Book).
    public var netVolume: Int64 { longVolume - shortVolume }

    mutating func add(_ side: Side, volume: Int64, cost: Int128) {
        if side == .buy {
            longVolume += volume
            longCost += cost
        } else {
            shortVolume += volume
            shortCost += cost
        }
    }

    mutating func add(_ other: NetExposure) {
        longVolume += other.longVolume; longCost += other.longCost
        shortVolume += other.shortVolume; shortCost += other.shortCost
    }
}

/// A `NetExposure` valued at the current quote: notional in the symbol's profit currency,
/// 1e-8 units (volume × contract size × mid price).
public struct ExposureValuation: Equatable, Sendable {
    public var exposure: NetExposure
    public var currency: Currency
    public var longNotional: Int64
    public var shortNotional: Int64
    /// Long minus short notional.
    public var netNotional: Int64 { longNotional - shortNotional }
}

/// The running totals per (symbol, book) and per (group, symbol, book), updated at every
/// position change in O(1). Derived state: rebuilt from the positions on restore.
///
/// Layout: `bySymbol[symbol × 3 + book − 1]`, `byGroup[(group × symbols + symbol) × 3 + book − 1]`.
struct ExposureTotals {
    private(set) var bySymbol: [NetExposure] = []
    private(set) var byGroup: [NetExposure] = []
    private(set) var groupCount = 0
    private(set) var symbolCount = 0

    @inline(__always)
    static func bookIndex(_ book: Book) -> Int { Int(book.rawValue) - 1 }

    @inline(__always)
    func groupSlot(_ group: GroupIndex, _ symbol: SymbolIndex, _ book: Book) -> Int {
        (Int(group) * symbolCount + Int(symbol)) * 3 + Self.bookIndex(book)
    }

    /// Applies one position change (volume and cost signed: negative when reduced).
    @inline(__always)
    mutating func add(group: GroupIndex, symbol: SymbolIndex, book: Book, side: Side, volume: Int64, cost: Int128) {
        bySymbol[Int(symbol) * 3 + Self.bookIndex(book)].add(side, volume: volume, cost: cost)
        byGroup[groupSlot(group, symbol, book)].add(side, volume: volume, cost: cost)
    }

    /// Grows the tables after a symbol or group is defined, keeping the totals.
    mutating func resize(groups: Int, symbols: Int) {
        guard groups != groupCount || symbols != symbolCount else { return }
        var grown = [NetExposure](repeating: NetExposure(), count: groups * symbols * 3)
        for g in 0 ..< groupCount {
            for s in 0 ..< symbolCount {
                for b in 0 ..< 3 { grown[(g * symbols + s) * 3 + b] = byGroup[(g * symbolCount + s) * 3 + b] }
            }
        }
        byGroup = grown
        bySymbol += [NetExposure](repeating: NetExposure(), count: (symbols - symbolCount) * 3)
        groupCount = groups
        symbolCount = symbols
    }

    func symbol(_ symbol: SymbolIndex, book: Book?) -> NetExposure {
        guard let book else { return Book.allCases.reduce(into: NetExposure()) { $0.add(bySymbol[Int(symbol) * 3 + Self.bookIndex($1)]) } }
        return bySymbol[Int(symbol) * 3 + Self.bookIndex(book)]
    }

    func group(_ group: GroupIndex, symbol: SymbolIndex, book: Book?) -> NetExposure {
        guard let book else { return Book.allCases.reduce(into: NetExposure()) { $0.add(byGroup[groupSlot(group, symbol, $1)]) } }
        return byGroup[groupSlot(group, symbol, book)]
    }
}
