/// Why the core refused a command or an order. Payloads are plain numbers: rendering text is
/// the edges' job, so refusing costs no allocation.
public enum RejectReason: Equatable, Sendable {
    /// A definition is unusable; which field.
    public enum SpecField: UInt8, Sendable {
        case name = 1, digits, contractSize, volumeLimits, stopDistance, quoteAge, sessions, levels, limits, leverage, currency, feeSchedule
    }
    case invalidSpec(SpecField)
    case duplicateName
    case duplicateAccount
    case unknownSymbol
    case unknownGroup
    case unknownAccount
    case unknownPosition
    case symbolDisabled
    case symbolCloseOnly
    case marketClosed
    case volumeBelowMinimum(minimum: Int64)
    case volumeAboveMaximum(maximum: Int64)
    case volumeOffStep(step: Int64)
    case accountSuspended
    case noQuote
    case staleQuote(ageMs: Int64)
    case invalidQuote
    /// The fill would leave free margin negative; `freeMarginAfter` in the account currency.
    case insufficientMargin(freeMarginAfter: Int64)
    case tooManyPositions(limit: Int)
    case bookNotSupported(Book)
    /// The symbol's profit or margin currency differs from the account's and no conversion exists.
    case noCurrencyConversion
    /// A product or sum does not fit the fixed-point range.
    case overflow
    case nonPositiveAmount
    /// A withdrawal above what may leave the account; `available` is the most that may.
    case insufficientFunds(available: Int64)
    /// Close-by needs two positions of one account, one symbol, opposite sides, hedging mode.
    case closeByMismatch
    /// A close of more than the position holds, or leaving less than the symbol's minimum.
    case invalidCloseVolume
    /// Positions are closed by orders in netting mode, by close commands in hedging mode.
    case wrongPositionMode
    /// Times must not go backwards.
    case timeWentBackwards
    /// A resting order's price is on the wrong side of the market or closer than the minimum distance.
    case invalidPrice
    /// A stop loss on the wrong side of the price, or closer than the symbol's minimum distance.
    case invalidStopLoss
    case invalidTakeProfit
    case invalidTrailingDistance
    /// An FOK order larger than the size available at the quote; `available` in 1e-8 lots.
    case insufficientLiquidity(available: Int64)
    /// The fill price moved further than the client's maximum deviation from the price they saw.
    case priceDeviation(priceTicks: Int64)
    case unknownOrder
    /// A GTD expiry that is not in the future.
    case invalidExpiry
    /// The LP rejected the order (its text is in the journaled report).
    case lpRejected
    /// The LP did not answer before the deadline; the margin was released.
    case lpTimeout
    /// The LP cancelled the order (or its unfilled rest).
    case lpCanceled
    /// A close is already on its way to the LP for this position.
    case closeInProgress
    /// The engine-wide trading switch is off (halt) or close only.
    case tradingHalted
    case globalCloseOnly
    /// The account's group's trading switch is off or close only.
    case groupDisabled
    case groupCloseOnly
}
extension RejectReason: Error {}
