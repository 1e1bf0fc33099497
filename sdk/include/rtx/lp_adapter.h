/*
 * rtx/lp_adapter.h — the LP adapter kind: connects to one liquidity provider, streams its
 * quotes, sends and cancels orders, and reports executions and connection state.
 *
 * Threads. "control" is the host's plugin control thread: create, start, stop, destroy,
 * subscribe, unsubscribe are called there, one at a time per instance, and may block
 * briefly (start must not wait for the venue: connect in the adapter's own thread).
 * send_order and cancel_order are called from the host's order thread, never concurrently
 * with each other for one instance, and must not block (queue the work to the adapter's
 * thread; answer RTX_E_AGAIN when that queue is full). The adapter owns its threads; it
 * pushes quotes, execution reports and connection state through the rtx_host_t it was
 * created with, from any of them. stop() joins every thread the adapter started: after it
 * returns, no host callback follows and no adapter code runs until start() or destroy().
 *
 * Lifecycle: create -> [subscribe]* -> start -> (send/cancel/subscribe/unsubscribe)* ->
 * stop -> [start ... stop]* -> destroy. destroy is never called while started.
 */
#ifndef RTX_LP_ADAPTER_H
#define RTX_LP_ADAPTER_H

#include "host.h"
#include "types.h"

RTX_EXTERN_C_BEGIN

/**
 * One symbol the host wants quoted. Ownership: the host's, borrowed for the call; the
 * adapter copies what it keeps (ids and names).
 */
typedef struct rtx_subscription {
    uint32_t struct_size;      /**< sizeof(rtx_subscription_t) of the host's headers */
    rtx_symbol_id_t symbol_id; /**< put this in every rtx_quote_t of the symbol */
    int32_t price_digits;      /**< the engine's digits for the symbol, or -1 when it has none configured
                                    (quotes may use the venue's own digits either way) */
    uint32_t reserved0;        /**< zero */
    rtx_str_t symbol;          /**< the engine's name, e.g. "EURUSD" */
    rtx_str_t lp_symbol;       /**< the venue's name from the manifest mapping, e.g. "EUR_USD" */
} rtx_subscription_t;
RTX_FREEZE_SIZE(rtx_subscription_t, 48);

/** An order to place at the venue. Ownership: the host's, borrowed for the call. */
typedef struct rtx_order_request {
    uint32_t struct_size;            /**< sizeof(rtx_order_request_t) of the host's headers */
    rtx_symbol_id_t symbol_id;
    rtx_order_id_t engine_order_id;  /**< unique; the same id again means a resend of the same order */
    rtx_side_t side;                 /**< RTX_SIDE_* */
    rtx_order_type_t order_type;     /**< RTX_ORDER_* */
    rtx_time_in_force_t time_in_force; /**< RTX_TIF_* */
    int32_t price_digits;            /**< digits of price_ticks and max_deviation_ticks */
    rtx_volume_t volume;             /**< 1e-8 lots, > 0 */
    rtx_price_ticks_t price_ticks;   /**< limit or stop price; 0 for market orders */
    rtx_price_ticks_t max_deviation_ticks; /**< largest slippage accepted from price_ticks;
                                                0 means no limit (any slippage) */
    int64_t expire_time_ns;          /**< GTD expiry, wall ns since the epoch; 0 otherwise */
    rtx_str_t lp_symbol;             /**< the venue's name for symbol_id */
} rtx_order_request_t;
RTX_FREEZE_SIZE(rtx_order_request_t, 80);

/** A request to cancel an order previously sent. Ownership: the host's, borrowed for the call. */
typedef struct rtx_cancel_request {
    uint32_t struct_size;
    rtx_symbol_id_t symbol_id;
    rtx_order_id_t engine_order_id;
    rtx_str_t lp_order_id;           /**< from the venue's report, empty when none arrived yet */
    rtx_str_t lp_symbol;
} rtx_cancel_request_t;
RTX_FREEZE_SIZE(rtx_cancel_request_t, 48);

/** Counters an adapter keeps (since 1.1). All monotonic since create. */
typedef struct rtx_lp_stats {
    uint32_t struct_size;       /**< set by the host */
    uint32_t reserved0;
    uint64_t messages_received; /**< venue messages of any kind */
    uint64_t quotes_emitted;
    uint64_t orders_sent;
    uint64_t reconnects;
    int64_t last_message_wall_ns; /**< 0 when none yet */
} rtx_lp_stats_t;
RTX_FREEZE_SIZE(rtx_lp_stats_t, 48);

typedef struct rtx_lp_adapter rtx_lp_adapter_t;

/** An adapter instance: method table plus the plugin's own data. Owned by the plugin until destroy. */
struct rtx_lp_adapter {
    uint32_t struct_size;  /**< sizeof(rtx_lp_adapter_t) of the plugin's headers */
    uint32_t reserved0;
    void *plugin_data;     /**< the plugin's; opaque to the host */

    /** [control] Begins connecting (in the adapter's own thread) and streaming. */
    rtx_status_t(RTX_ABI *start)(rtx_lp_adapter_t *self, rtx_error_t *error);
    /** [control, blocks] Disconnects, joins every adapter thread. No callback after it returns. */
    void(RTX_ABI *stop)(rtx_lp_adapter_t *self);
    /**
     * [control] Adds symbols (before or after start). RTX_E_NOT_FOUND names an unknown
     * lp_symbol. `symbols` holds `count` elements of symbols[0].struct_size bytes each: walk
     * it by that size, not by sizeof, so a newer host's larger elements still work.
     */
    rtx_status_t(RTX_ABI *subscribe)(rtx_lp_adapter_t *self, const rtx_subscription_t *symbols,
                                     uint32_t count, rtx_error_t *error);
    /** [control] Stops quoting symbols; unknown ids are ignored. */
    rtx_status_t(RTX_ABI *unsubscribe)(rtx_lp_adapter_t *self, const rtx_symbol_id_t *symbol_ids,
                                       uint32_t count, rtx_error_t *error);
    /** [order thread, non-blocking] Queues an order; the outcome arrives as execution reports. */
    rtx_status_t(RTX_ABI *send_order)(rtx_lp_adapter_t *self, const rtx_order_request_t *order,
                                      rtx_error_t *error);
    /** [order thread, non-blocking] Queues a cancel; the outcome arrives as an execution report. */
    rtx_status_t(RTX_ABI *cancel_order)(rtx_lp_adapter_t *self, const rtx_cancel_request_t *cancel,
                                        rtx_error_t *error);
    /** [control] Frees the instance. Called once, after stop (or without start). */
    void(RTX_ABI *destroy)(rtx_lp_adapter_t *self);

    /* ---- since 1.1 ---- */
    /** [any thread, non-blocking] Copies counters into *stats (host sets struct_size). May be NULL. */
    rtx_status_t(RTX_ABI *get_stats)(const rtx_lp_adapter_t *self, rtx_lp_stats_t *stats);
};
/** Size of the adapter table in ABI 1.0 (the smallest the host accepts). */
#define RTX_LP_ADAPTER_SIZE_1_0 72
RTX_FREEZE_OFFSET(rtx_lp_adapter_t, destroy, 64);
RTX_FREEZE_SIZE(rtx_lp_adapter_t, 80);

/** Returned by get_factory(RTX_FACTORY_LP_ADAPTER). Static until deinit. */
typedef struct rtx_lp_adapter_factory {
    uint32_t struct_size;
    uint32_t reserved0;
    /**
     * [control] Creates an instance bound to host (instance-scoped services; read the
     * config with host->get_config). On success stores it in *out and returns RTX_OK; on
     * failure fills *error (RTX_E_CONFIG for bad configuration, naming the line).
     */
    rtx_status_t(RTX_ABI *create)(const struct rtx_lp_adapter_factory *factory, const rtx_host_t *host,
                                  rtx_lp_adapter_t **out, rtx_error_t *error);
} rtx_lp_adapter_factory_t;
RTX_FREEZE_SIZE(rtx_lp_adapter_factory_t, 16);

RTX_EXTERN_C_END

#endif /* RTX_LP_ADAPTER_H */
