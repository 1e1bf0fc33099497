/*
 * rtx/quote.h — one top-of-book quote from an LP adapter, pushed through
 * rtx_host_t.emit_quote.
 */
#ifndef RTX_QUOTE_H
#define RTX_QUOTE_H

#include "types.h"

RTX_EXTERN_C_BEGIN

/** The quote is indicative only (the venue will not trade at it). */
#define RTX_QUOTE_FLAG_INDICATIVE 0x1

/**
 * A top-of-book quote in the LP's own price digits (the host normalizes to the symbol's).
 * Ownership: the adapter's; borrowed by the host for the emit_quote call, which copies it.
 */
typedef struct rtx_quote {
    uint32_t struct_size;       /**< sizeof(rtx_quote_t) of the adapter's headers */
    rtx_symbol_id_t symbol_id;  /**< the id the host gave in rtx_subscription_t */
    int32_t price_digits;       /**< digits of bid_ticks and ask_ticks, 0..RTX_PRICE_DIGITS_MAX */
    uint32_t flags;             /**< RTX_QUOTE_FLAG_* */
    rtx_price_ticks_t bid_ticks;
    rtx_price_ticks_t ask_ticks;
    rtx_volume_t bid_volume;    /**< size available at the bid, 1e-8 lots; 0 when the venue does not say */
    rtx_volume_t ask_volume;    /**< size available at the ask, 1e-8 lots; 0 when the venue does not say */
    int64_t lp_time_ns;         /**< the venue's timestamp, wall ns since the epoch; 0 when unknown */
} rtx_quote_t;
RTX_FREEZE_SIZE(rtx_quote_t, 56);
RTX_FREEZE_OFFSET(rtx_quote_t, lp_time_ns, 48);

RTX_EXTERN_C_END

#endif /* RTX_QUOTE_H */
