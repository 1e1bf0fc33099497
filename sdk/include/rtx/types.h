/*
 * rtx/types.h — scalar types, scales, enums, status codes and the error buffer shared by
 * every other RTX header.
 *
 * Fixed point everywhere: no binary floating point crosses the ABI.
 *   price   int64 ticks at the symbol's price digits: 1.08512 with 5 digits is 108512
 *   volume  int64 in 1e-8 lots (RTX_VOLUME_SCALE per lot): 0.01 lot is 1000000
 *   money   int64 in 1e-8 currency units (RTX_MONEY_SCALE per unit): 12.50 USD is 1250000000
 *   ratio   uint32 parts per million (RTX_RATIO_SCALE is 1.0): a 50 % hedge is 500000
 *   time    int64 nanoseconds: wall time since the Unix epoch (UTC), or monotonic since an
 *           unspecified origin, as each field says
 * Enums cross as fixed-width integers; the named constants are their only valid values.
 */
#ifndef RTX_TYPES_H
#define RTX_TYPES_H

#include "abi.h"

RTX_EXTERN_C_BEGIN

/** Price in ticks of 10^-digits; the digits travel next to the price. */
typedef int64_t rtx_price_ticks_t;
/** Volume in 1e-8 lots. */
typedef int64_t rtx_volume_t;
/** Money in 1e-8 units of the currency named next to it. */
typedef int64_t rtx_money_t;
/** Host-assigned symbol id, stable for the life of the process. */
typedef uint32_t rtx_symbol_id_t;
/** Engine order id: unique per engine, derived from the journal sequence (a resend repeats it). */
typedef uint64_t rtx_order_id_t;
/** Engine account id. */
typedef uint64_t rtx_account_id_t;

#define RTX_VOLUME_SCALE 100000000
#define RTX_MONEY_SCALE 100000000
#define RTX_RATIO_SCALE 1000000
/** Largest number of price digits a symbol may have. */
#define RTX_PRICE_DIGITS_MAX 12

/**
 * Borrowed UTF-8 string with an explicit length; not necessarily NUL-terminated.
 * Lifetime: as documented by the function or struct that carries it (usually "for the call").
 */
typedef struct rtx_str {
    const char *data; /**< may be NULL when length is 0 */
    size_t length;    /**< bytes, not characters */
} rtx_str_t;
RTX_FREEZE_SIZE(rtx_str_t, 16);

/** Status returned by every fallible ABI function. */
typedef int32_t rtx_status_t;
#define RTX_OK 0
#define RTX_E_INVALID_ARGUMENT 1 /**< an argument is malformed or out of range */
#define RTX_E_UNSUPPORTED 2      /**< the call or a requested feature is not implemented */
#define RTX_E_STATE 3            /**< wrong lifecycle state (e.g. send before start, emit after stop) */
#define RTX_E_AGAIN 4            /**< a bounded queue is full; nothing was taken, try later */
#define RTX_E_NOT_FOUND 5        /**< unknown symbol, order or id */
#define RTX_E_CONFIG 6           /**< the plugin's configuration is invalid */
#define RTX_E_IO 7               /**< network or file failure */
#define RTX_E_REJECTED 8         /**< refused by business rules (venue reject, risk) */
#define RTX_E_LIMIT 9            /**< a documented size or rate limit was exceeded */
#define RTX_E_INTERNAL 10        /**< a bug or an invariant violation inside the callee */

/** Capacity, including the NUL, of rtx_error_t.message. */
#define RTX_ERROR_MESSAGE_CAPACITY 256

/**
 * Error detail written by a callee that returns a status other than RTX_OK.
 * Ownership: allocated by the caller (usually on its stack) and valid for the call only.
 * The caller zero-fills it and sets struct_size; the callee sets code and writes a
 * NUL-terminated UTF-8 message (truncated to fit) that names what was wrong.
 */
typedef struct rtx_error {
    uint32_t struct_size; /**< set by the caller: sizeof(rtx_error_t) of the caller's headers */
    rtx_status_t code;    /**< same value as the function's return */
    char message[RTX_ERROR_MESSAGE_CAPACITY];
} rtx_error_t;
RTX_FREEZE_SIZE(rtx_error_t, 264);

/** Fills an error buffer (NULL-safe); copies at most capacity-1 bytes and NUL-terminates. */
static inline rtx_status_t rtx_error_set(rtx_error_t *error, rtx_status_t code, const char *message)
{
    if (error != NULL) {
        size_t i = 0;
        error->code = code;
        if (message != NULL) {
            for (; message[i] != '\0' && i + 1 < RTX_ERROR_MESSAGE_CAPACITY; ++i) {
                error->message[i] = message[i];
            }
        }
        error->message[i] = '\0';
    }
    return code;
}

/** Order side. */
typedef int32_t rtx_side_t;
#define RTX_SIDE_BUY 1
#define RTX_SIDE_SELL 2

/** Order type. */
typedef int32_t rtx_order_type_t;
#define RTX_ORDER_MARKET 1
#define RTX_ORDER_LIMIT 2
#define RTX_ORDER_STOP 3
#define RTX_ORDER_STOP_LIMIT 4

/** Time in force. */
typedef int32_t rtx_time_in_force_t;
#define RTX_TIF_GTC 1 /**< good till cancelled */
#define RTX_TIF_IOC 2 /**< immediate or cancel: fill what is available, cancel the rest */
#define RTX_TIF_FOK 3 /**< fill or kill: fill all at once or nothing */
#define RTX_TIF_GTD 4 /**< good till date: expires at expire_time_ns */

/** Execution book chosen by a routing policy. */
typedef int32_t rtx_book_t;
#define RTX_BOOK_A 1 /**< pass through to an LP */
#define RTX_BOOK_B 2 /**< the broker takes the other side internally */
#define RTX_BOOK_C 3 /**< internal fill plus a partial hedge at the LP (hedge ratio) */

/** Connection state of an LP adapter, reported through the host services. */
typedef int32_t rtx_connection_state_t;
#define RTX_CONNECTION_DISCONNECTED 1 /**< not connected and not trying (before start, after stop) */
#define RTX_CONNECTION_CONNECTING 2   /**< connecting or logging on */
#define RTX_CONNECTION_CONNECTED 3    /**< logged on; quotes and orders flow */
#define RTX_CONNECTION_DEGRADED 4     /**< connected but impaired (throttled, partial data) */
#define RTX_CONNECTION_DOWN 5         /**< lost; the adapter is retrying with backoff */

/** Log severity. */
typedef int32_t rtx_log_level_t;
#define RTX_LOG_TRACE 0
#define RTX_LOG_DEBUG 1
#define RTX_LOG_INFO 2
#define RTX_LOG_WARNING 3
#define RTX_LOG_ERROR 4

RTX_EXTERN_C_END

#endif /* RTX_TYPES_H */
