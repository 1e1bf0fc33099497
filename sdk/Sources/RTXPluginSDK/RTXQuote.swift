import CRTXPluginABI

extension rtx_quote_t {
    /// A top-of-book quote for `RTXHost.emit(quote:)`, in the LP's own price digits (the host
    /// converts to the symbol's). Prices are ticks at `priceDigits` (0...12); volumes are the
    /// size available on each side in 1e-8 lots (0 when the venue does not say); `lpTime` is
    /// the venue's wall time in ns since the epoch (0 when unknown). `struct_size` is set.
    public init(symbolID: UInt32, priceDigits: Int32, bidTicks: Int64, askTicks: Int64,
                bidVolume: Int64 = 0, askVolume: Int64 = 0, lpTimeNanoseconds: Int64 = 0, flags: UInt32 = 0) {
        self.init()
        struct_size = UInt32(MemoryLayout<rtx_quote_t>.size)
        symbol_id = symbolID
        price_digits = priceDigits
        self.flags = flags
        bid_ticks = bidTicks
        ask_ticks = askTicks
        bid_volume = bidVolume
        ask_volume = askVolume
        lp_time_ns = lpTimeNanoseconds
    }
}
