import CRTXPluginABI

/// A symbol a fee schedule is asked for (`rtx_fee_symbol_t`).
public struct RTXFeeSymbol: Sendable, Equatable {
    public var symbolID: UInt32
    public var priceDigits: Int32
    /// Engine name, e.g. "EURUSD".
    public var symbol: String
    /// e.g. "USD".
    public var profitCurrency: String
    /// Base units per lot at 1e-8 scale: 100000 units is 10000000000000.
    public var contractUnitsE8: Int64

    public init(symbolID: UInt32, priceDigits: Int32, symbol: String, profitCurrency: String, contractUnitsE8: Int64) {
        self.symbolID = symbolID
        self.priceDigits = priceDigits
        self.symbol = symbol
        self.profitCurrency = profitCurrency
        self.contractUnitsE8 = contractUnitsE8
    }
}

/// What a fee schedule is for (`rtx_fee_request_t`), copied out of the host's borrowed struct.
/// Thread: any (a value type, `Sendable`).
public struct RTXFeeRequest: Sendable, Equatable {
    /// Account group names.
    public var groups: [String]
    public var symbols: [RTXFeeSymbol]
    /// Wall time, ns since the epoch.
    public var nowNanoseconds: Int64

    public init(groups: [String] = [], symbols: [RTXFeeSymbol] = [], nowNanoseconds: Int64 = 0) {
        self.groups = groups
        self.symbols = symbols
        self.nowNanoseconds = nowNanoseconds
    }

    /// Copies the host's request. Symbols are walked by `symbol_size`, not by this SDK's
    /// `sizeof`, so a newer host's larger elements still work.
    init(_ pointer: UnsafePointer<rtx_fee_request_t>) throws(RTXPluginError) {
        let size = RTXStructSize.of(pointer)
        guard size >= MemoryLayout<rtx_fee_request_t>.size else {
            throw .invalidArgument("fee request struct_size \(size) is smaller than rtx_fee_request_t (\(MemoryLayout<rtx_fee_request_t>.size))")
        }
        let r = pointer.pointee
        nowNanoseconds = r.now_ns
        groups = []
        symbols = []
        let groupCount = Int(r.group_count)
        if groupCount > 0 {
            guard let base = r.groups else {
                throw .invalidArgument("fee request has \(groupCount) groups but groups is NULL")
            }
            groups = UnsafeBufferPointer(start: base, count: groupCount).map(RTXCStrings.string)
        }
        let symbolCount = Int(r.symbol_count)
        if symbolCount > 0 {
            let stride = Int(r.symbol_size)
            guard let base = r.symbols.map({ UnsafeRawPointer($0) }) else {
                throw .invalidArgument("fee request has \(symbolCount) symbols but symbols is NULL")
            }
            guard stride >= MemoryLayout<rtx_fee_symbol_t>.size else {
                throw .invalidArgument("fee request symbol_size \(stride) is smaller than rtx_fee_symbol_t (\(MemoryLayout<rtx_fee_symbol_t>.size))")
            }
            guard !symbolCount.multipliedReportingOverflow(by: stride).overflow else {
                throw .invalidArgument("fee request: \(symbolCount) symbols of \(stride) bytes do not fit in memory")
            }
            symbols.reserveCapacity(symbolCount)
            for i in 0 ..< symbolCount {
                let s = base.advanced(by: i * stride).loadUnaligned(as: rtx_fee_symbol_t.self)
                symbols.append(RTXFeeSymbol(symbolID: s.symbol_id, priceDigits: s.price_digits,
                                            symbol: RTXCStrings.string(s.symbol),
                                            profitCurrency: RTXCStrings.string(s.profit_currency),
                                            contractUnitsE8: s.contract_units_e8))
            }
        }
    }
}
