/*
 * rtx/fee_model.h — the fee model kind: produces a fee schedule (commission tiers, spread
 * markup, swap rates). The host asks for a schedule at start and whenever the model is
 * swapped, validates it, and journals it; the core prices every fill, close, stop out and
 * rollover from the schedule in force. The plugin is never called per trade.
 *
 * The plugin hands the schedule over entry by entry through a host-provided sink, so no
 * memory crosses the boundary. Matching: an entry's group and symbol are exact names or
 * "*" (any); the most specific entry wins (group and symbol, then symbol, then group, then
 * "*"/"*").
 */
#ifndef RTX_FEE_MODEL_H
#define RTX_FEE_MODEL_H

#include "host.h"
#include "types.h"

RTX_EXTERN_C_BEGIN

/** A symbol the schedule is asked for. Ownership: the host's, borrowed for the call. */
typedef struct rtx_fee_symbol {
    uint32_t struct_size;
    rtx_symbol_id_t symbol_id;
    int32_t price_digits;
    uint32_t reserved0;
    rtx_str_t symbol;          /**< engine name, e.g. "EURUSD" */
    rtx_str_t profit_currency; /**< e.g. "USD" */
    int64_t contract_units_e8; /**< base units per lot at 1e-8 scale: 100000 units is 10000000000000 */
} rtx_fee_symbol_t;
RTX_FREEZE_SIZE(rtx_fee_symbol_t, 56);

/** What the schedule is for. Ownership: the host's, borrowed for the call. */
typedef struct rtx_fee_request {
    uint32_t struct_size;
    uint32_t group_count;
    const rtx_str_t *groups;          /**< account group names */
    const rtx_fee_symbol_t *symbols;  /**< symbol_count elements of symbol_size bytes */
    uint32_t symbol_count;
    uint32_t symbol_size;
    int64_t now_ns;                   /**< wall time, ns since the epoch */
} rtx_fee_request_t;
RTX_FREEZE_SIZE(rtx_fee_request_t, 40);

/** When a commission is charged. */
typedef int32_t rtx_commission_charge_t;
#define RTX_COMMISSION_ON_ENTRY 1
#define RTX_COMMISSION_ON_EXIT 2
#define RTX_COMMISSION_ON_ENTRY_AND_EXIT 3

/**
 * One commission tier: trades of at least from_volume (and below the next tier's
 * from_volume, for the same group and symbol) pay per_lot_money per lot traded, and at
 * least minimum_money per trade.
 */
typedef struct rtx_commission_tier {
    uint32_t struct_size;
    rtx_commission_charge_t charge; /**< RTX_COMMISSION_ON_* */
    rtx_str_t group;                /**< group name or "*" */
    rtx_str_t symbol;               /**< symbol name or "*" */
    rtx_str_t currency;             /**< currency of the amounts, e.g. "USD" */
    rtx_volume_t from_volume;       /**< tier threshold, 1e-8 lots, >= 0 */
    rtx_money_t per_lot_money;      /**< 1e-8 currency units per lot, >= 0 */
    rtx_money_t minimum_money;      /**< 1e-8 currency units per trade, >= 0 */
} rtx_commission_tier_t;
RTX_FREEZE_SIZE(rtx_commission_tier_t, 80);

/** How a markup is expressed. */
typedef int32_t rtx_markup_mode_t;
#define RTX_MARKUP_POINTS 1 /**< bid_markup/ask_markup are price ticks at the symbol's digits */
#define RTX_MARKUP_PPM 2    /**< bid_markup/ask_markup are parts per million of the price */

/**
 * Spread markup for a group and symbol: the client bid is raw bid - bid_markup and the client
 * ask is raw ask + ask_markup (both >= 0).
 */
typedef struct rtx_markup {
    uint32_t struct_size;
    rtx_markup_mode_t mode;  /**< RTX_MARKUP_* */
    rtx_str_t group;         /**< group name or "*" */
    rtx_str_t symbol;        /**< symbol name or "*" */
    int64_t bid_markup;
    int64_t ask_markup;
} rtx_markup_t;
RTX_FREEZE_SIZE(rtx_markup_t, 56);

/** How a swap rate is expressed. */
typedef int32_t rtx_swap_mode_t;
#define RTX_SWAP_POINTS 1        /**< rates in price ticks per lot per day (valued like P&L) */
#define RTX_SWAP_MONEY_PER_LOT 2 /**< rates in 1e-8 units of the profit currency per lot per day */
#define RTX_SWAP_ANNUAL_PPM 3    /**< rates in ppm per year of the position's notional, /360 a day */

/**
 * Overnight financing for a group and symbol. A positive rate is paid to the client, a
 * negative one charged. triple_weekday (0 = Sunday .. 6 = Saturday) is charged three times.
 */
typedef struct rtx_swap_rate {
    uint32_t struct_size;
    rtx_swap_mode_t mode;    /**< RTX_SWAP_* */
    rtx_str_t group;         /**< group name or "*" */
    rtx_str_t symbol;        /**< symbol name or "*" */
    int64_t long_rate;
    int64_t short_rate;
    int32_t triple_weekday;  /**< 0..6 */
    uint32_t reserved0;
} rtx_swap_rate_t;
RTX_FREEZE_SIZE(rtx_swap_rate_t, 64);

typedef struct rtx_fee_schedule_sink rtx_fee_schedule_sink_t;

/**
 * Host-provided receiver of schedule entries, valid for the build_schedule call only.
 * Each add_* copies the entry (strings included) and returns RTX_OK, or
 * RTX_E_INVALID_ARGUMENT (bad mode, negative amount, unknown symbol or group) or
 * RTX_E_LIMIT (more than the host's entry limit): the plugin should then fail the build.
 */
struct rtx_fee_schedule_sink {
    uint32_t struct_size;
    uint32_t reserved0;
    void *host_data;
    rtx_status_t(RTX_ABI *add_commission_tier)(const rtx_fee_schedule_sink_t *sink, const rtx_commission_tier_t *tier);
    rtx_status_t(RTX_ABI *add_markup)(const rtx_fee_schedule_sink_t *sink, const rtx_markup_t *markup);
    rtx_status_t(RTX_ABI *add_swap_rate)(const rtx_fee_schedule_sink_t *sink, const rtx_swap_rate_t *swap);
};
RTX_FREEZE_SIZE(rtx_fee_schedule_sink_t, 40);

typedef struct rtx_fee_model rtx_fee_model_t;

/** A fee model instance. Owned by the plugin until destroy. */
struct rtx_fee_model {
    uint32_t struct_size;  /**< sizeof(rtx_fee_model_t) of the plugin's headers */
    uint32_t reserved0;
    void *plugin_data;
    /**
     * [any thread, concurrently; may allocate, must not block on I/O]
     * Produces the complete schedule for request through sink. Returns RTX_OK, or an error
     * with *error filled (the host keeps the schedule in force and counts the fault).
     */
    rtx_status_t(RTX_ABI *build_schedule)(const rtx_fee_model_t *self, const rtx_fee_request_t *request,
                                          const rtx_fee_schedule_sink_t *sink, rtx_error_t *error);
    /** [control] Frees the instance once no build_schedule() is running or can start. */
    void(RTX_ABI *destroy)(rtx_fee_model_t *self);
};
RTX_FREEZE_SIZE(rtx_fee_model_t, 32);

/** Returned by get_factory(RTX_FACTORY_FEE_MODEL). Static until deinit. */
typedef struct rtx_fee_model_factory {
    uint32_t struct_size;
    uint32_t reserved0;
    /** [control] Creates an instance bound to host; RTX_E_CONFIG with the line for bad config. */
    rtx_status_t(RTX_ABI *create)(const struct rtx_fee_model_factory *factory, const rtx_host_t *host,
                                  rtx_fee_model_t **out, rtx_error_t *error);
} rtx_fee_model_factory_t;
RTX_FREEZE_SIZE(rtx_fee_model_factory_t, 16);

RTX_EXTERN_C_END

#endif /* RTX_FEE_MODEL_H */
