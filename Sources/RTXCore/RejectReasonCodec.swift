/// Binary form of `RejectReason` (tag, then an Int64 payload where the case has one).
enum RejectReasonCodec {
    static func encode(_ reason: RejectReason?, into w: inout BinaryWriter) {
        guard let reason else { return w.u8(0) }
        switch reason {
        case .invalidSpec(let f): w.u8(1); w.i64(Int64(f.rawValue))
        case .duplicateName: w.u8(2)
        case .duplicateAccount: w.u8(3)
        case .unknownSymbol: w.u8(4)
        case .unknownGroup: w.u8(5)
        case .unknownAccount: w.u8(6)
        case .unknownPosition: w.u8(7)
        case .symbolDisabled: w.u8(8)
        case .symbolCloseOnly: w.u8(9)
        case .marketClosed: w.u8(10)
        case .volumeBelowMinimum(let v): w.u8(11); w.i64(v)
        case .volumeAboveMaximum(let v): w.u8(12); w.i64(v)
        case .volumeOffStep(let v): w.u8(13); w.i64(v)
        case .accountSuspended: w.u8(14)
        case .noQuote: w.u8(15)
        case .staleQuote(let v): w.u8(16); w.i64(v)
        case .invalidQuote: w.u8(17)
        case .insufficientMargin(let v): w.u8(18); w.i64(v)
        case .tooManyPositions(let v): w.u8(19); w.i64(Int64(v))
        case .bookNotSupported(let b): w.u8(20); w.i64(Int64(b.rawValue))
        case .noCurrencyConversion: w.u8(21)
        case .overflow: w.u8(22)
        case .nonPositiveAmount: w.u8(23)
        case .insufficientFunds(let v): w.u8(24); w.i64(v)
        case .closeByMismatch: w.u8(25)
        case .invalidCloseVolume: w.u8(26)
        case .wrongPositionMode: w.u8(27)
        case .timeWentBackwards: w.u8(28)
        case .invalidPrice: w.u8(29)
        case .invalidStopLoss: w.u8(30)
        case .invalidTakeProfit: w.u8(31)
        case .invalidTrailingDistance: w.u8(32)
        case .insufficientLiquidity(let v): w.u8(33); w.i64(v)
        case .priceDeviation(let v): w.u8(34); w.i64(v)
        case .unknownOrder: w.u8(35)
        case .invalidExpiry: w.u8(36)
        case .lpRejected: w.u8(37)
        case .lpTimeout: w.u8(38)
        case .lpCanceled: w.u8(39)
        case .closeInProgress: w.u8(40)
        case .tradingHalted: w.u8(41)
        case .globalCloseOnly: w.u8(42)
        case .groupDisabled: w.u8(43)
        case .groupCloseOnly: w.u8(44)
        }
    }

    static func decode(_ r: inout BinaryReader) throws(DecodeError) -> RejectReason? {
        let tag = try r.u8("reject reason")
        func value() throws(DecodeError) -> Int64 { try r.i64("reject reason value") }
        switch tag {
        case 0: return nil
        case 1:
            let raw = try value()
            guard let f = RejectReason.SpecField(rawValue: UInt8(truncatingIfNeeded: raw)) else { throw DecodeError(offset: r.offset, problem: "spec field \(raw)") }
            return .invalidSpec(f)
        case 2: return .duplicateName
        case 3: return .duplicateAccount
        case 4: return .unknownSymbol
        case 5: return .unknownGroup
        case 6: return .unknownAccount
        case 7: return .unknownPosition
        case 8: return .symbolDisabled
        case 9: return .symbolCloseOnly
        case 10: return .marketClosed
        case 11: return .volumeBelowMinimum(minimum: try value())
        case 12: return .volumeAboveMaximum(maximum: try value())
        case 13: return .volumeOffStep(step: try value())
        case 14: return .accountSuspended
        case 15: return .noQuote
        case 16: return .staleQuote(ageMs: try value())
        case 17: return .invalidQuote
        case 18: return .insufficientMargin(freeMarginAfter: try value())
        case 19: return .tooManyPositions(limit: Int(try value()))
        case 20:
            let raw = try value()
            guard let b = Book(rawValue: UInt8(truncatingIfNeeded: raw)) else { throw DecodeError(offset: r.offset, problem: "book \(raw)") }
            return .bookNotSupported(b)
        case 21: return .noCurrencyConversion
        case 22: return .overflow
        case 23: return .nonPositiveAmount
        case 24: return .insufficientFunds(available: try value())
        case 25: return .closeByMismatch
        case 26: return .invalidCloseVolume
        case 27: return .wrongPositionMode
        case 28: return .timeWentBackwards
        case 29: return .invalidPrice
        case 30: return .invalidStopLoss
        case 31: return .invalidTakeProfit
        case 32: return .invalidTrailingDistance
        case 33: return .insufficientLiquidity(available: try value())
        case 34: return .priceDeviation(priceTicks: try value())
        case 35: return .unknownOrder
        case 36: return .invalidExpiry
        case 37: return .lpRejected
        case 38: return .lpTimeout
        case 39: return .lpCanceled
        case 40: return .closeInProgress
        case 41: return .tradingHalted
        case 42: return .globalCloseOnly
        case 43: return .groupDisabled
        case 44: return .groupCloseOnly
        default: throw DecodeError(offset: r.offset - 1, problem: "reject reason \(tag) is not a known value")
        }
    }
}
