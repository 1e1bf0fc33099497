/*
 * rtx/execution.h — an LP's execution report for an order the host sent, pushed through
 * rtx_host_t.emit_execution_report.
 */
#ifndef RTX_EXECUTION_H
#define RTX_EXECUTION_H

#include "types.h"

RTX_EXTERN_C_BEGIN

/** What an execution report says happened. */
typedef int32_t rtx_exec_type_t;
#define RTX_EXEC_ACCEPTED 1     /**< the venue acknowledged the order; nothing filled yet */
#define RTX_EXEC_PARTIAL_FILL 2 /**< part filled: last_volume at last_price_ticks; leaves_volume remains */
#define RTX_EXEC_FILL 3         /**< completely filled (the last fill is in last_*) */
#define RTX_EXEC_REJECTED 4     /**< refused by the venue; text says why */
#define RTX_EXEC_CANCELED 5     /**< the rest was cancelled (on request, or IOC/FOK remainder) */
#define RTX_EXEC_EXPIRED 6      /**< the rest expired at the venue */
#define RTX_EXEC_CANCEL_REJECTED 7 /**< a cancel request was refused (unknown or no longer open order); text says why (since 1.1) */

/**
 * Execution report. Ownership: the adapter's; every pointer (including the strings) is
 * borrowed for the emit_execution_report call only; the host copies what it keeps.
 * exec_id is the venue's unique execution id: the host de-duplicates reports by it, so an
 * adapter that replays after a reconnect must send the same exec_id again.
 */
typedef struct rtx_execution_report {
    uint32_t struct_size;           /**< sizeof(rtx_execution_report_t) of the adapter's headers */
    rtx_exec_type_t exec_type;      /**< RTX_EXEC_* */
    rtx_order_id_t engine_order_id; /**< as received in rtx_order_request_t */
    rtx_symbol_id_t symbol_id;
    rtx_side_t side;                /**< RTX_SIDE_*; 0 only on a report without a fill when the venue did not say */
    int32_t price_digits;           /**< digits of last_price_ticks */
    uint32_t reserved0;             /**< zero */
    rtx_price_ticks_t last_price_ticks; /**< price of this fill; 0 when nothing filled */
    rtx_volume_t last_volume;       /**< volume of this fill, 1e-8 lots */
    rtx_volume_t cumulative_volume; /**< total filled so far */
    rtx_volume_t leaves_volume;     /**< still open at the venue */
    int64_t lp_time_ns;             /**< venue transaction time, wall ns since the epoch; 0 unknown */
    rtx_str_t exec_id;              /**< venue execution id, unique per venue, at most 64 bytes */
    rtx_str_t lp_order_id;          /**< venue order id, at most 64 bytes */
    rtx_str_t text;                 /**< reject or cancel reason, at most 256 bytes */
} rtx_execution_report_t;
RTX_FREEZE_SIZE(rtx_execution_report_t, 120);
RTX_FREEZE_OFFSET(rtx_execution_report_t, text, 104);

RTX_EXTERN_C_END

#endif /* RTX_EXECUTION_H */
