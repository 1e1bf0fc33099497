/*
 * rtx/routing.h — the routing policy kind: decides, for one order in its context, whether
 * the broker books it A (to an LP), B (internally) or C (internally plus a partial hedge).
 *
 * The host calls decide() once when an order is placed, outside the deterministic core; the
 * decision and the context it saw travel inside the order's journaled command, so replay
 * never calls the plugin again. decide() must be a pure function of its arguments and the
 * instance's configuration.
 */
#ifndef RTX_ROUTING_H
#define RTX_ROUTING_H

#include "host.h"
#include "types.h"

RTX_EXTERN_C_BEGIN

/** State of one LP as the host sees it when the decision is asked for. */
typedef struct rtx_lp_state {
    uint32_t struct_size;          /**< sizeof(rtx_lp_state_t) of the host's headers */
    rtx_connection_state_t state;  /**< RTX_CONNECTION_* */
    rtx_str_t lp_id;               /**< the LP adapter's manifest id */
    int64_t last_quote_age_ms;     /**< age of the LP's last quote for this symbol; -1 if none */
} rtx_lp_state_t;
RTX_FREEZE_SIZE(rtx_lp_state_t, 32);

/**
 * Everything the policy may look at. Ownership: the host's, borrowed for the call (copy
 * what you keep). Arrays are walked with their element size: element i of lp_states is at
 * (const char *)lp_states + i * lp_state_size, so a newer host's larger elements still work.
 */
typedef struct rtx_routing_context {
    uint32_t struct_size;            /**< sizeof(rtx_routing_context_t) of the host's headers */
    rtx_symbol_id_t symbol_id;
    rtx_account_id_t account_id;
    rtx_str_t symbol;                /**< engine symbol name */
    rtx_str_t group;                 /**< the account's group */
    rtx_side_t side;                 /**< RTX_SIDE_* */
    rtx_order_type_t order_type;     /**< RTX_ORDER_* */
    int32_t price_digits;            /**< digits of every price below */
    uint32_t reserved0;
    rtx_volume_t volume;             /**< the order's volume, 1e-8 lots */
    rtx_volume_t symbol_volume_min;  /**< the symbol's limits, 1e-8 lots */
    rtx_volume_t symbol_volume_max;
    rtx_price_ticks_t bid_ticks;     /**< current raw quote; 0 when none */
    rtx_price_ticks_t ask_ticks;
    uint32_t volatility_ppm;         /**< recent realized volatility of the mid, ppm of price */
    uint32_t volatility_window_ms;   /**< the window it was measured over */
    /* account trading statistics */
    uint64_t account_trade_count;    /**< closed trades */
    uint32_t account_win_rate_ppm;   /**< share of profitable closed trades, ppm */
    uint32_t reserved1;
    int64_t account_average_hold_ms; /**< mean holding time of closed trades */
    rtx_money_t account_realized_pnl; /**< in the account's currency, 1e-8 units */
    rtx_money_t account_equity;
    /* broker exposure in this symbol, signed net volume per book (long positive), 1e-8 lots */
    rtx_volume_t exposure_a_book;
    rtx_volume_t exposure_b_book;
    rtx_volume_t exposure_c_book;
    /* LP states */
    const rtx_lp_state_t *lp_states; /**< lp_state_count elements of lp_state_size bytes */
    uint32_t lp_state_count;
    uint32_t lp_state_size;
    int64_t now_ns;                  /**< wall time of the decision, ns since the epoch */
} rtx_routing_context_t;
RTX_FREEZE_SIZE(rtx_routing_context_t, 200);
RTX_FREEZE_OFFSET(rtx_routing_context_t, now_ns, 192);

/** Capacities, including the NUL, of the decision's strings. */
#define RTX_LP_ID_CAPACITY 64
#define RTX_REASON_CAPACITY 160

/**
 * The policy's answer, written into a host-owned, zero-filled buffer (borrowed for the call).
 * The host refuses an answer whose book is not RTX_BOOK_*, whose hedge ratio exceeds
 * RTX_RATIO_SCALE, or whose strings are not NUL-terminated, and applies the group's fallback.
 */
typedef struct rtx_routing_decision {
    uint32_t struct_size;     /**< set by the host */
    rtx_book_t book;          /**< RTX_BOOK_* */
    uint32_t hedge_ratio_ppm; /**< share hedged at the LP, 0..RTX_RATIO_SCALE: A is all, B none */
    uint32_t reserved0;
    char preferred_lp[RTX_LP_ID_CAPACITY]; /**< an LP adapter id, or empty for "any" */
    char reason[RTX_REASON_CAPACITY];      /**< why, for the decision record; NUL-terminated */
} rtx_routing_decision_t;
RTX_FREEZE_SIZE(rtx_routing_decision_t, 240);

typedef struct rtx_routing_policy rtx_routing_policy_t;

/** A policy instance. Owned by the plugin until destroy. */
struct rtx_routing_policy {
    uint32_t struct_size;  /**< sizeof(rtx_routing_policy_t) of the plugin's headers */
    uint32_t reserved0;
    void *plugin_data;     /**< the plugin's */
    /**
     * [any thread, concurrently; must not block, should not allocate] Decides for one
     * order. Returns RTX_OK with *decision filled, or an error with *error filled (the host
     * then applies the group's fallback and counts the fault).
     */
    rtx_status_t(RTX_ABI *decide)(const rtx_routing_policy_t *self, const rtx_routing_context_t *context,
                                  rtx_routing_decision_t *decision, rtx_error_t *error);
    /** [control] Frees the instance once no decide() is running or can start. */
    void(RTX_ABI *destroy)(rtx_routing_policy_t *self);
};
RTX_FREEZE_SIZE(rtx_routing_policy_t, 32);

/** Returned by get_factory(RTX_FACTORY_ROUTING_POLICY). Static until deinit. */
typedef struct rtx_routing_policy_factory {
    uint32_t struct_size;
    uint32_t reserved0;
    /** [control] Creates an instance bound to host; RTX_E_CONFIG with the line for bad config. */
    rtx_status_t(RTX_ABI *create)(const struct rtx_routing_policy_factory *factory, const rtx_host_t *host,
                                  rtx_routing_policy_t **out, rtx_error_t *error);
} rtx_routing_policy_factory_t;
RTX_FREEZE_SIZE(rtx_routing_policy_factory_t, 16);

RTX_EXTERN_C_END

#endif /* RTX_ROUTING_H */
