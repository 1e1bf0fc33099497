/*
 * synthetic_lp.c — example RTX LP adapter: a synthetic market with its own thread.
 *
 * It quotes a random walk for each configured instrument and executes orders against it,
 * without any network. Its order and quote modes let a host (or a test) see every kind of
 * venue behaviour on demand: fills, rejects, partial fills, slow and silent venues, stalled,
 * crossed and spiking quotes.
 *
 * Build (one line, from the repository root):
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -O2 -shared -fPIC -fvisibility=hidden -I sdk/include -o libsynthetic_lp.so sdk/examples/synthetic_lp.c -lpthread
 *
 * Config (flat `key: value` lines in the instance's `config:` block of plugins.yaml):
 *   seed: 1                  walk seed, 0..9223372036854775807; default 1
 *   quotes_per_second: 10    quotes per symbol per second, 1..100000; default 10
 *   instruments: EURUSD=1.08500/5/8, USDJPY=151.200/3/12
 *                            comma list of LPNAME=start_price/digits/spread_ticks; default
 *                            EURUSD=1.08500/5/8, USDJPY=151.200/3/12, GBPUSD=1.26500/5/10,
 *                            BTCUSD=65000.00/2/1500, ETHUSD=3400.00/2/120
 *   available_lots: 5        size quoted on each side, decimal lots (8 digits); default 5
 *   order_mode: fill         fill | reject | partial | delay | silent; default fill
 *   reject_reason: synthetic reject   text of rejects in reject mode (1..256 bytes)
 *   partial_ppm: 500000      share filled in partial mode, 1..999999 ppm; default 500000
 *   delay_ms: 200            wait before executing in delay mode, 0..600000; default 200
 *   quote_fault: none        none | stall | cross | spike; default none
 *   fault_after_quotes: 100  quotes per symbol before the fault starts, 1..10^12; default 100
 *
 * The market. Each instrument's mid walks by -2..+2 ticks per quote (xorshift64*, seeded from
 * `seed` and the instrument's position in `instruments`, so a seed gives the same prices in
 * the same order on every run), never reaching the spread: bid = mid - spread/2 and ask = bid +
 * spread. Quotes carry the instrument's own digits (the host converts to the symbol's), and
 * available_lots on both sides. Faults, counted per instrument: stall stops quoting it after
 * fault_after_quotes quotes (still CONNECTED); cross sends every fault_after_quotes-th quote
 * with bid and ask swapped; spike sends every fault_after_quotes-th quote 5 % away from the
 * walk (which itself is not moved).
 *
 * Orders. market orders execute at the walk's ask (buy) or bid (sell). A limit order executes
 * there if it is marketable; otherwise IOC/FOK ones are CANCELED, expired GTD ones EXPIRED,
 * and the rest are ACCEPTED and rest until the walk crosses them (or GTD expiry, a cancel,
 * or stop). Execution by order_mode: fill -> one FILL for the whole volume; partial -> a
 * PARTIAL_FILL of partial_ppm of the volume, then CANCELED for the rest; delay -> executes
 * like fill after delay_ms; reject -> REJECTED with reject_reason; silent -> the order (and
 * any cancel) is swallowed and never answered. Stop orders are refused (RTX_E_UNSUPPORTED).
 * exec_id is "SYN-<instance>-<n>" (instance = the manifest id and the creation time, so ids
 * stay unique across restarts), lp_order_id is "SO-<n>". A resend of an order the venue
 * knows replays the reports it sent for it, with the same exec_ids; the order is not
 * executed twice. max_deviation_ticks is not applied by this venue. On stop, resting and
 * delayed orders are CANCELED ("adapter stopped") and queued ones REJECTED.
 *
 * Threads. The host's control thread calls create, start, stop, subscribe, unsubscribe,
 * destroy; the host's order thread calls send_order and cancel_order; get_stats may come
 * from any thread. The adapter owns one thread, started by start() and joined by stop():
 * it makes the quotes, executes the orders and emits everything except connection states,
 * which start() and stop() emit on the control thread. After stop() returns nothing of
 * this adapter runs and no host callback follows.
 *   market_mutex guards the instruments' walks and the subscription table (adapter thread,
 *     and subscribe/unsubscribe while running); the adapter thread holds it for a pass.
 *   queue_mutex guards the request queue (order thread -> adapter thread); held only to
 *     copy one request in or out, so send_order and cancel_order never wait for work.
 *   The order book (open orders, finished orders, reports awaiting the host) belongs to
 *     the adapter thread while it runs and to the control thread before start and after
 *     the join in stop; both touch it only under market_mutex.
 *   Counters for get_stats are C11 atomics.
 * The host's services never block and never call back into the plugin, so calling them
 * under market_mutex cannot deadlock.
 *
 * Bounded queues (the behaviour at each limit is stated where the limit is defined).
 *
 * Memory. The instance is one calloc'd block owned by the plugin from create until
 * destroy. Everything the host passes in (subscriptions, requests, config) is borrowed for
 * the call and copied. Reports handed to the host point at stack buffers, string literals
 * or the instance's reject_reason, all valid for the emit call. Prices, volumes and
 * ratios are fixed-point integers; no float or double appears in this file.
 */
#define _POSIX_C_SOURCE 200809L

#include <rtx/rtx.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------------------------------
 * Limits.
 * ---------------------------------------------------------------------------------------- */

/** Instruments in `instruments`; more fail create with RTX_E_CONFIG. */
#define SYN_MAX_INSTRUMENTS 64
/** Capacity of an instrument name, NUL included; longer names fail create. */
#define SYN_NAME_CAPACITY 32
/** Subscribed symbol ids; a subscribe that would exceed it fails whole with RTX_E_LIMIT. */
#define SYN_MAX_SUBSCRIPTIONS 256
/** Requests (orders and cancels) waiting for the adapter thread; full -> send_order and
 *  cancel_order answer RTX_E_AGAIN and take nothing (the host retries). */
#define SYN_QUEUE_CAPACITY 1024
/** Execution reports the host answered RTX_E_AGAIN to, kept in order and retried each pass.
 *  The adapter thread stops taking requests and executing resting orders while fewer than
 *  SYN_REPORTS_PER_ORDER slots are free, so it fills only if the host stays saturated; if
 *  it is ever full a report is lost and logged at RTX_LOG_ERROR. */
#define SYN_PENDING_CAPACITY 1024
/** Open orders (resting limits and delayed orders); full -> new ones are REJECTED. */
#define SYN_OPEN_CAPACITY 1024
/** Finished orders remembered for resends and cancels; full -> the oldest is forgotten (a
 *  resend of a forgotten order is treated as a new order). */
#define SYN_HISTORY_CAPACITY 1024
/** Reports kept per order for replays (the most an order produces is 3). */
#define SYN_REPORTS_PER_ORDER 4
/** Requests taken per pass, so quotes keep their pace under an order burst. */
#define SYN_REQUESTS_PER_PASS 256
/** Quote ticks emitted per pass when behind schedule (catch-up burst limit). */
#define SYN_TICKS_PER_PASS 64
/** Longest sleep of the adapter thread: the latency bound for orders and for stop. */
#define SYN_SERVICE_INTERVAL_NS INT64_C(1000000)
/** When the thread is this far behind its quote schedule, it skips ahead instead of bursting. */
#define SYN_RESYNC_NS INT64_C(100000000)
/** On stop, attempts (1 ms apart) to hand reports still pending to the host. */
#define SYN_STOP_FLUSH_ATTEMPTS 200
/** Longest text of a report (ABI limit). */
#define SYN_TEXT_MAX 256

#define SYN_NS_PER_SECOND INT64_C(1000000000)
#define SYN_NS_PER_MS INT64_C(1000000)

#define SYN_DEFAULT_INSTRUMENTS \
    "EURUSD=1.08500/5/8, USDJPY=151.200/3/12, GBPUSD=1.26500/5/10, BTCUSD=65000.00/2/1500, ETHUSD=3400.00/2/120"

enum { MODE_FILL, MODE_REJECT, MODE_PARTIAL, MODE_DELAY, MODE_SILENT };
enum { FAULT_NONE, FAULT_STALL, FAULT_CROSS, FAULT_SPIKE };
enum { REQUEST_ORDER = 1, REQUEST_CANCEL = 2 };

/* ------------------------------------------------------------------------------------------
 * Types.
 * ---------------------------------------------------------------------------------------- */

/** One instrument of the synthetic venue. */
typedef struct syn_instrument {
    /* from config; immutable after create */
    char name[SYN_NAME_CAPACITY];
    size_t name_length;
    int32_t digits;
    rtx_price_ticks_t spread;
    /* the walk; guarded by market_mutex */
    uint64_t rng;                /* xorshift64* state, never 0 */
    rtx_price_ticks_t mid;       /* always > spread */
    uint64_t quotes;             /* quotes generated so far (fault counter) */
    uint32_t subscribers;        /* subscriptions mapped to it; walks only when > 0 */
    int quote_ready;             /* this tick's quote below is to be sent */
    rtx_price_ticks_t quote_bid; /* this tick's quote (may carry a fault) */
    rtx_price_ticks_t quote_ask;
} syn_instrument_t;

typedef struct syn_subscription {
    rtx_symbol_id_t symbol_id;
    uint32_t instrument; /* index into instruments */
} syn_subscription_t;

/** One execution report as sent (kept for replays and retries). */
typedef struct syn_report {
    rtx_exec_type_t exec_type;
    rtx_price_ticks_t last_price;
    rtx_volume_t last_volume;
    rtx_volume_t cumulative;
    rtx_volume_t leaves;
    int64_t lp_time_ns;
    uint64_t exec_seq; /* <n> of the exec_id */
    const char *text;  /* NULL, a string literal or the instance's reject_reason */
} syn_report_t;

/** An order at the venue. */
typedef struct syn_order {
    rtx_order_id_t engine_order_id;
    uint64_t lp_seq; /* <n> of lp_order_id "SO-<n>" */
    rtx_symbol_id_t symbol_id;
    uint32_t instrument;
    rtx_side_t side;
    rtx_order_type_t order_type;
    rtx_time_in_force_t time_in_force;
    int32_t digits;                /* the instrument's digits: of limit_ticks and of every report */
    rtx_price_ticks_t limit_ticks; /* at digits; 0 for market orders */
    rtx_volume_t volume;
    rtx_volume_t cumulative;
    int64_t expire_time_ns;        /* GTD: wall ns; else 0 */
    int64_t due_ns;                /* delay mode: monotonic ns when it executes; 0 = not delayed */
    int accepted;                  /* ACCEPTED was sent */
    uint32_t report_count;
    syn_report_t reports[SYN_REPORTS_PER_ORDER];
} syn_order_t;

/** A report waiting for the host (pending list entry). */
typedef struct syn_outgoing {
    rtx_order_id_t engine_order_id;
    uint64_t lp_seq; /* 0: no lp_order_id */
    rtx_symbol_id_t symbol_id;
    rtx_side_t side;
    int32_t digits;
    syn_report_t report;
} syn_outgoing_t;

/** A request from the host's order thread, copied out of the borrowed rtx_*_request_t. */
typedef struct syn_request {
    int kind; /* REQUEST_* */
    rtx_order_id_t engine_order_id;
    rtx_symbol_id_t symbol_id;
    rtx_side_t side;
    rtx_order_type_t order_type;
    rtx_time_in_force_t time_in_force;
    int32_t price_digits;
    rtx_volume_t volume;
    rtx_price_ticks_t price_ticks;
    int64_t expire_time_ns;
} syn_request_t;

/** The instance. The host sees only `table`; table.plugin_data points back at this block. */
typedef struct synthetic_lp {
    rtx_lp_adapter_t table;
    const rtx_host_t *host; /* instance-scoped services; valid until destroy returns */

    /* config; immutable after create */
    uint64_t seed;
    int64_t period_ns; /* 1 s / quotes_per_second */
    rtx_volume_t available_volume;
    int order_mode;
    char reject_reason[SYN_TEXT_MAX + 1];
    uint32_t partial_ppm;
    int64_t delay_ns;
    int quote_fault;
    uint64_t fault_after;
    char tag[48]; /* <instance> of exec ids */
    uint32_t instrument_count;
    syn_instrument_t instruments[SYN_MAX_INSTRUMENTS];

    /* market; guarded by market_mutex */
    pthread_mutex_t market_mutex;
    uint32_t subscription_count;
    syn_subscription_t subscriptions[SYN_MAX_SUBSCRIPTIONS]; /* in subscription order */
    int warned_refused_quote;

    /* order book; see "Threads" above (also under market_mutex) */
    uint64_t next_exec_seq;
    uint64_t next_lp_seq;
    uint32_t open_count;
    syn_order_t open[SYN_OPEN_CAPACITY];
    uint32_t history_next;
    uint32_t history_count;
    syn_order_t history[SYN_HISTORY_CAPACITY];
    uint32_t pending_head;
    uint32_t pending_count;
    syn_outgoing_t pending[SYN_PENDING_CAPACITY];

    /* requests; guarded by queue_mutex */
    pthread_mutex_t queue_mutex;
    int accepting; /* between start and stop */
    uint32_t queue_head;
    uint32_t queue_count;
    syn_request_t queue[SYN_QUEUE_CAPACITY];

    /* thread; `started` and `thread` are the control thread's */
    pthread_t thread;
    int started;
    uint32_t start_count;
    atomic_int stop_requested;

    /* counters; any thread */
    atomic_uint_fast64_t messages_received;
    atomic_uint_fast64_t quotes_emitted;
    atomic_uint_fast64_t quotes_dropped; /* host answered RTX_E_AGAIN (queue full; superseded) */
    atomic_uint_fast64_t quotes_refused; /* host answered another error (e.g. a crossed quote) */
    atomic_uint_fast64_t orders_sent;
    atomic_uint_fast64_t reconnects;
    atomic_int_fast64_t last_message_wall_ns;
} synthetic_lp_t;

/* ------------------------------------------------------------------------------------------
 * Small helpers.
 * ---------------------------------------------------------------------------------------- */

/** Logs a formatted message through the host (any thread). */
static void RTX_PRINTF_LIKE(3, 4) syn_log(const synthetic_lp_t *self, rtx_log_level_t level, const char *format, ...)
{
    char message[512];
    rtx_str_t text;
    int n;
    va_list args;
    va_start(args, format);
    n = vsnprintf(message, sizeof message, format, args);
    va_end(args);
    text.data = message;
    text.length = n < 0 ? 0 : ((size_t)n < sizeof message ? (size_t)n : sizeof message - 1);
    self->host->log(self->host, level, text);
}

static rtx_str_t str_of(const char *text)
{
    rtx_str_t s;
    s.data = text;
    s.length = text != NULL ? strlen(text) : 0;
    return s;
}

/** Monotonic clock of clock_nanosleep's deadlines, ns. */
static int64_t monotonic_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * SYN_NS_PER_SECOND + ts.tv_nsec;
}

/** Sleeps until an absolute CLOCK_MONOTONIC deadline (ns). */
static void sleep_until(int64_t deadline_ns)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(deadline_ns / SYN_NS_PER_SECOND);
    ts.tv_nsec = (long)(deadline_ns % SYN_NS_PER_SECOND);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
    }
}

static uint64_t splitmix64(uint64_t x)
{
    x += UINT64_C(0x9E3779B97F4A7C15);
    x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
    return x ^ (x >> 31);
}

/** xorshift64* (Vigna): the walk's random numbers. *state must not be 0. */
static uint64_t xorshift64star(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * UINT64_C(0x2545F4914F6CDD1D);
}

static rtx_price_ticks_t walk_bid(const syn_instrument_t *instrument)
{
    return instrument->mid - instrument->spread / 2;
}

static rtx_price_ticks_t walk_ask(const syn_instrument_t *instrument)
{
    return walk_bid(instrument) + instrument->spread;
}

/** volume * ppm / 1e6, rounded down, without overflow. */
static rtx_volume_t share_of(rtx_volume_t volume, uint32_t ppm)
{
    return (volume / (rtx_volume_t)RTX_RATIO_SCALE) * (rtx_volume_t)ppm +
           (volume % (rtx_volume_t)RTX_RATIO_SCALE) * (rtx_volume_t)ppm / (rtx_volume_t)RTX_RATIO_SCALE;
}

/**
 * Converts a limit price from the order's digits to the instrument's, rounding in the
 * client's favour of safety: a buy limit down, a sell limit up (never a worse price than
 * asked). Returns 0 on overflow.
 */
static int convert_limit(rtx_price_ticks_t price, int32_t from, int32_t to, rtx_side_t side, rtx_price_ticks_t *out)
{
    int64_t factor = 1;
    int32_t i;
    for (i = 0; i < (from > to ? from - to : to - from); ++i) {
        factor *= 10;
    }
    if (to >= from) {
        if (price > INT64_MAX / factor) {
            return 0;
        }
        *out = price * factor;
    } else {
        *out = price / factor + (side == RTX_SIDE_SELL && price % factor != 0 ? 1 : 0);
    }
    return 1;
}

static int find_subscription(const synthetic_lp_t *self, rtx_symbol_id_t symbol_id)
{
    uint32_t i;
    for (i = 0; i < self->subscription_count; ++i) {
        if (self->subscriptions[i].symbol_id == symbol_id) {
            return (int)i;
        }
    }
    return -1;
}

static int find_instrument(const synthetic_lp_t *self, rtx_str_t name)
{
    uint32_t i;
    for (i = 0; i < self->instrument_count; ++i) {
        if (self->instruments[i].name_length == name.length &&
            (name.length == 0 || memcmp(self->instruments[i].name, name.data, name.length) == 0)) {
            return (int)i;
        }
    }
    return -1;
}

/* ------------------------------------------------------------------------------------------
 * Configuration.
 * ---------------------------------------------------------------------------------------- */

/** Reads an optional whole-number key in [min, max] into *out (left unchanged when absent). */
static rtx_status_t read_integer(const rtx_config_t *config, const char *key, int64_t min, int64_t max, int64_t *out,
                                 rtx_error_t *error)
{
    rtx_str_t value;
    uint32_t line = 0;
    int64_t parsed = 0;
    if (!rtx_config_find(config->text, key, &value, &line)) {
        return RTX_OK;
    }
    if (!rtx_config_parse_int(value, &parsed) || parsed < min || parsed > max) {
        return rtx_config_error(error, config, line, "%s: '%.*s' is not a whole number from %lld to %lld", key,
                                rtx_str_fmt_len(value), rtx_str_fmt_data(value), (long long)min, (long long)max);
    }
    *out = parsed;
    return RTX_OK;
}

/** Reads an optional key whose value is one of names[] (NULL-terminated) into *out. */
static rtx_status_t read_choice(const rtx_config_t *config, const char *key, const char *const *names, int *out,
                                rtx_error_t *error)
{
    rtx_str_t value;
    uint32_t line = 0;
    char list[128];
    size_t used = 0;
    int i;
    if (!rtx_config_find(config->text, key, &value, &line)) {
        return RTX_OK;
    }
    for (i = 0; names[i] != NULL; ++i) {
        if (rtx_str_equals(value, names[i])) {
            *out = i;
            return RTX_OK;
        }
    }
    list[0] = '\0';
    for (i = 0; names[i] != NULL; ++i) {
        int n = snprintf(list + used, sizeof list - used, "%s%s", i > 0 ? ", " : "", names[i]);
        if (n > 0 && (size_t)n < sizeof list - used) {
            used += (size_t)n;
        }
    }
    return rtx_config_error(error, config, line, "%s: '%.*s' is not one of %s", key, rtx_str_fmt_len(value),
                            rtx_str_fmt_data(value), list);
}

/**
 * Parses the instruments list (the config's value at `line`, or the default list) into
 * self->instruments and seeds each walk from seed and the instrument's position.
 */
static rtx_status_t parse_instruments(synthetic_lp_t *self, const rtx_config_t *config, rtx_str_t list, uint32_t line,
                                      rtx_error_t *error)
{
    rtx_str_t rest = list;
    rtx_str_t item;
    self->instrument_count = 0;
    if (rtx_str_trim(list).length == 0) {
        return rtx_config_error(error, config, line,
                                "instruments: the list is empty (omit the key for the default list)");
    }
    while (rtx_str_next_item(&rest, ',', &item)) {
        syn_instrument_t *instrument;
        rtx_str_t name;
        rtx_str_t fields;
        rtx_str_t price_text;
        rtx_str_t digits_text;
        rtx_str_t spread_text;
        rtx_str_t extra;
        int64_t digits = 0;
        int64_t spread = 0;
        int64_t price = 0;
        size_t eq = 0;
        if (item.length == 0) {
            return rtx_config_error(error, config, line, "instruments: empty item in the list (a stray comma?)");
        }
        while (eq < item.length && item.data[eq] != '=') {
            ++eq;
        }
        name.data = item.data;
        name.length = eq;
        name = rtx_str_trim(name);
        fields.data = item.data + (eq < item.length ? eq + 1 : eq);
        fields.length = eq < item.length ? item.length - eq - 1 : 0;
        if (eq == item.length || name.length == 0 || !rtx_str_next_item(&fields, '/', &price_text) ||
            !rtx_str_next_item(&fields, '/', &digits_text) || !rtx_str_next_item(&fields, '/', &spread_text) ||
            rtx_str_next_item(&fields, '/', &extra)) {
            return rtx_config_error(error, config, line,
                                    "instruments: '%.*s' is not LPNAME=start_price/digits/spread_ticks "
                                    "(e.g. EURUSD=1.08500/5/8)",
                                    rtx_str_fmt_len(item), rtx_str_fmt_data(item));
        }
        if (name.length >= SYN_NAME_CAPACITY) {
            return rtx_config_error(error, config, line, "instruments: name '%.*s' is longer than %d bytes",
                                    rtx_str_fmt_len(name), rtx_str_fmt_data(name), SYN_NAME_CAPACITY - 1);
        }
        if (find_instrument(self, name) >= 0) {
            return rtx_config_error(error, config, line, "instruments: '%.*s' is listed twice", rtx_str_fmt_len(name),
                                    rtx_str_fmt_data(name));
        }
        if (self->instrument_count == SYN_MAX_INSTRUMENTS) {
            return rtx_config_error(error, config, line, "instruments: more than %d instruments",
                                    SYN_MAX_INSTRUMENTS);
        }
        if (!rtx_config_parse_int(digits_text, &digits) || digits < 0 || digits > RTX_PRICE_DIGITS_MAX) {
            return rtx_config_error(error, config, line,
                                    "instruments: '%.*s': digits '%.*s' is not a whole number from 0 to %d",
                                    rtx_str_fmt_len(item), rtx_str_fmt_data(item), rtx_str_fmt_len(digits_text),
                                    rtx_str_fmt_data(digits_text), RTX_PRICE_DIGITS_MAX);
        }
        if (!rtx_config_parse_int(spread_text, &spread) || spread < 1 || spread > INT64_C(1000000000)) {
            return rtx_config_error(error, config, line,
                                    "instruments: '%.*s': spread_ticks '%.*s' is not a whole number "
                                    "from 1 to 1000000000",
                                    rtx_str_fmt_len(item), rtx_str_fmt_data(item), rtx_str_fmt_len(spread_text),
                                    rtx_str_fmt_data(spread_text));
        }
        if (price_text.length == 0 || price_text.data[0] < '0' || price_text.data[0] > '9' ||
            !rtx_config_parse_fixed(price_text, (int32_t)digits, &price) || price > INT64_MAX / 4) {
            return rtx_config_error(error, config, line,
                                    "instruments: '%.*s': start price '%.*s' is not a positive decimal number with at "
                                    "most %d fractional digits",
                                    rtx_str_fmt_len(item), rtx_str_fmt_data(item), rtx_str_fmt_len(price_text),
                                    rtx_str_fmt_data(price_text), (int)digits);
        }
        if (price <= spread) {
            return rtx_config_error(error, config, line,
                                    "instruments: '%.*s': start price must be above the spread (%lld ticks)",
                                    rtx_str_fmt_len(item), rtx_str_fmt_data(item), (long long)spread);
        }
        instrument = &self->instruments[self->instrument_count];
        memcpy(instrument->name, name.data, name.length);
        instrument->name[name.length] = '\0';
        instrument->name_length = name.length;
        instrument->digits = (int32_t)digits;
        instrument->spread = spread;
        instrument->mid = price;
        instrument->rng = splitmix64(self->seed ^ splitmix64(self->instrument_count + 1));
        if (instrument->rng == 0) {
            instrument->rng = UINT64_C(0x9E3779B97F4A7C15);
        }
        ++self->instrument_count;
    }
    return RTX_OK;
}

/** Reads the whole config into self, or fails with RTX_E_CONFIG naming the line. */
static rtx_status_t read_config(synthetic_lp_t *self, const rtx_config_t *config, rtx_error_t *error)
{
    static const char *const known_keys[] = {"seed", "quotes_per_second", "instruments", "available_lots",
                                             "order_mode", "reject_reason", "partial_ppm", "delay_ms",
                                             "quote_fault", "fault_after_quotes", NULL};
    static const char *const modes[] = {"fill", "reject", "partial", "delay", "silent", NULL};
    static const char *const faults[] = {"none", "stall", "cross", "spike", NULL};
    rtx_str_t value;
    uint32_t line = 0;
    int64_t number;
    rtx_status_t status = rtx_config_check_keys(config, known_keys, error);
    if (status != RTX_OK) {
        return status;
    }

    number = 1;
    if ((status = read_integer(config, "seed", 0, INT64_MAX, &number, error)) != RTX_OK) {
        return status;
    }
    self->seed = (uint64_t)number;

    number = 10;
    if ((status = read_integer(config, "quotes_per_second", 1, 100000, &number, error)) != RTX_OK) {
        return status;
    }
    self->period_ns = SYN_NS_PER_SECOND / number;

    if (rtx_config_find(config->text, "instruments", &value, &line)) {
        status = parse_instruments(self, config, value, line, error);
    } else {
        status = parse_instruments(self, config, str_of(SYN_DEFAULT_INSTRUMENTS), 0, error);
    }
    if (status != RTX_OK) {
        return status;
    }

    self->available_volume = 5 * RTX_VOLUME_SCALE;
    if (rtx_config_find(config->text, "available_lots", &value, &line)) {
        if (value.length == 0 || value.data[0] < '0' || value.data[0] > '9' ||
            !rtx_config_parse_fixed(value, 8, &self->available_volume)) {
            return rtx_config_error(error, config, line,
                                    "available_lots: '%.*s' is not a decimal number >= 0 "
                                    "with at most 8 fractional digits",
                                    rtx_str_fmt_len(value), rtx_str_fmt_data(value));
        }
    }

    self->order_mode = MODE_FILL;
    if ((status = read_choice(config, "order_mode", modes, &self->order_mode, error)) != RTX_OK) {
        return status;
    }

    memcpy(self->reject_reason, "synthetic reject", sizeof "synthetic reject");
    if (rtx_config_find(config->text, "reject_reason", &value, &line)) {
        if (value.length == 0 || value.length > SYN_TEXT_MAX) {
            return rtx_config_error(error, config, line, "reject_reason: must be 1 to %d bytes (it is %zu)",
                                    SYN_TEXT_MAX, value.length);
        }
        memcpy(self->reject_reason, value.data, value.length);
        self->reject_reason[value.length] = '\0';
    }

    number = 500000;
    if ((status = read_integer(config, "partial_ppm", 1, 999999, &number, error)) != RTX_OK) {
        return status;
    }
    self->partial_ppm = (uint32_t)number;

    number = 200;
    if ((status = read_integer(config, "delay_ms", 0, 600000, &number, error)) != RTX_OK) {
        return status;
    }
    self->delay_ns = number * SYN_NS_PER_MS;

    self->quote_fault = FAULT_NONE;
    if ((status = read_choice(config, "quote_fault", faults, &self->quote_fault, error)) != RTX_OK) {
        return status;
    }

    number = 100;
    if ((status = read_integer(config, "fault_after_quotes", 1, INT64_C(1000000000000), &number, error)) != RTX_OK) {
        return status;
    }
    self->fault_after = (uint64_t)number;
    return RTX_OK;
}

/* ------------------------------------------------------------------------------------------
 * Execution reports. Adapter thread (or control thread when the adapter thread is not
 * running), under market_mutex.
 * ---------------------------------------------------------------------------------------- */

/** Hands one report to the host. The strings live on this stack frame for the call. */
static rtx_status_t emit_report(synthetic_lp_t *self, const syn_outgoing_t *out)
{
    rtx_execution_report_t report;
    char exec_id[80];
    char lp_order_id[32];
    int n;
    memset(&report, 0, sizeof report);
    report.struct_size = sizeof report;
    report.exec_type = out->report.exec_type;
    report.engine_order_id = out->engine_order_id;
    report.symbol_id = out->symbol_id;
    report.side = out->side;
    report.price_digits = out->digits;
    report.last_price_ticks = out->report.last_price;
    report.last_volume = out->report.last_volume;
    report.cumulative_volume = out->report.cumulative;
    report.leaves_volume = out->report.leaves;
    report.lp_time_ns = out->report.lp_time_ns;
    n = snprintf(exec_id, sizeof exec_id, "SYN-%s-%llu", self->tag, (unsigned long long)out->report.exec_seq);
    report.exec_id.data = exec_id;
    report.exec_id.length = n < 0 ? 0 : ((size_t)n < 64 ? (size_t)n : 64); /* tag is short enough: never cut */
    if (out->lp_seq != 0) {
        n = snprintf(lp_order_id, sizeof lp_order_id, "SO-%llu", (unsigned long long)out->lp_seq);
        report.lp_order_id.data = lp_order_id;
        report.lp_order_id.length = n < 0 ? 0 : (size_t)n;
    }
    report.text = str_of(out->report.text);
    return self->host->emit_execution_report(self->host, &report);
}

static void log_refused_report(synthetic_lp_t *self, const syn_outgoing_t *out, rtx_status_t status)
{
    syn_log(self, RTX_LOG_ERROR,
            "synthetic-lp: the host refused execution report SYN-%s-%llu (type %d) for order %llu with status %d",
            self->tag, (unsigned long long)out->report.exec_seq, (int)out->report.exec_type,
            (unsigned long long)out->engine_order_id, (int)status);
}

/**
 * Sends a report, or keeps it when the host's queue is full (RTX_E_AGAIN). Reports keep
 * their order: while older ones wait, a new one waits behind them.
 */
static void deliver(synthetic_lp_t *self, const syn_outgoing_t *out)
{
    if (self->pending_count == 0) {
        rtx_status_t status = emit_report(self, out);
        if (status == RTX_OK) {
            return;
        }
        if (status != RTX_E_AGAIN) {
            log_refused_report(self, out, status);
            return;
        }
    }
    if (self->pending_count == SYN_PENDING_CAPACITY) {
        syn_log(self, RTX_LOG_ERROR,
                "synthetic-lp: execution report SYN-%s-%llu for order %llu LOST: %d reports already wait for the host",
                self->tag, (unsigned long long)out->report.exec_seq, (unsigned long long)out->engine_order_id,
                SYN_PENDING_CAPACITY);
        return;
    }
    self->pending[(self->pending_head + self->pending_count) % SYN_PENDING_CAPACITY] = *out;
    ++self->pending_count;
}

/** Retries the waiting reports in order until the host answers RTX_E_AGAIN again. */
static void flush_pending(synthetic_lp_t *self)
{
    while (self->pending_count > 0) {
        const syn_outgoing_t *out = &self->pending[self->pending_head];
        rtx_status_t status = emit_report(self, out);
        if (status == RTX_E_AGAIN) {
            return;
        }
        if (status != RTX_OK) {
            log_refused_report(self, out, status);
        }
        self->pending_head = (self->pending_head + 1) % SYN_PENDING_CAPACITY;
        --self->pending_count;
    }
}

/** Room for the reports of one more order. */
static int pending_has_room(const synthetic_lp_t *self)
{
    return SYN_PENDING_CAPACITY - self->pending_count >= SYN_REPORTS_PER_ORDER;
}

static syn_outgoing_t outgoing_for(const syn_order_t *order, const syn_report_t *report)
{
    syn_outgoing_t out;
    memset(&out, 0, sizeof out);
    out.engine_order_id = order->engine_order_id;
    out.lp_seq = order->lp_seq;
    out.symbol_id = order->symbol_id;
    out.side = order->side;
    out.digits = order->digits;
    out.report = *report;
    return out;
}

/** Records a new report on the order (for replays) and sends it. cumulative is the order's. */
static void report(synthetic_lp_t *self, syn_order_t *order, rtx_exec_type_t type, rtx_price_ticks_t last_price,
                   rtx_volume_t last_volume, rtx_volume_t leaves, const char *text)
{
    syn_report_t rec;
    syn_outgoing_t out;
    memset(&rec, 0, sizeof rec);
    rec.exec_type = type;
    rec.last_price = last_price;
    rec.last_volume = last_volume;
    rec.cumulative = order->cumulative;
    rec.leaves = leaves;
    rec.lp_time_ns = self->host->wall_clock_ns(self->host);
    rec.exec_seq = ++self->next_exec_seq;
    rec.text = text;
    if (order->report_count < SYN_REPORTS_PER_ORDER) {
        order->reports[order->report_count++] = rec;
    }
    out = outgoing_for(order, &rec);
    deliver(self, &out);
}

/** Sends again every report of a known order, with the same exec_ids (a resend). */
static void replay(synthetic_lp_t *self, const syn_order_t *order)
{
    uint32_t i;
    for (i = 0; i < order->report_count; ++i) {
        syn_outgoing_t out = outgoing_for(order, &order->reports[i]);
        deliver(self, &out);
    }
}

/* ------------------------------------------------------------------------------------------
 * The order book. Same thread rules as the reports.
 * ---------------------------------------------------------------------------------------- */

/** Moves a finished order into the history ring (overwriting the oldest when full). */
static void finish(synthetic_lp_t *self, const syn_order_t *order)
{
    self->history[self->history_next] = *order;
    self->history_next = (self->history_next + 1) % SYN_HISTORY_CAPACITY;
    if (self->history_count < SYN_HISTORY_CAPACITY) {
        ++self->history_count;
    }
}

static int find_open(const synthetic_lp_t *self, rtx_order_id_t engine_order_id)
{
    uint32_t i;
    for (i = 0; i < self->open_count; ++i) {
        if (self->open[i].engine_order_id == engine_order_id) {
            return (int)i;
        }
    }
    return -1;
}

static const syn_order_t *find_finished(const synthetic_lp_t *self, rtx_order_id_t engine_order_id)
{
    uint32_t i;
    for (i = 1; i <= self->history_count; ++i) {
        const syn_order_t *order =
            &self->history[(self->history_next + SYN_HISTORY_CAPACITY - i) % SYN_HISTORY_CAPACITY];
        if (order->engine_order_id == engine_order_id) {
            return order;
        }
    }
    return NULL;
}

/** Takes open[index] out (the last open order moves into its slot). */
static syn_order_t take_open(synthetic_lp_t *self, uint32_t index)
{
    syn_order_t order = self->open[index];
    self->open[index] = self->open[--self->open_count];
    return order;
}

/** Executes an order at price according to order_mode, then finishes it. */
static void execute(synthetic_lp_t *self, syn_order_t *order, rtx_price_ticks_t price)
{
    if (self->order_mode == MODE_PARTIAL) {
        rtx_volume_t part = share_of(order->volume, self->partial_ppm);
        if (part <= 0) {
            report(self, order, RTX_EXEC_CANCELED, 0, 0, 0, "partial mode: the filled share rounds to zero; canceled");
        } else if (part >= order->volume) {
            order->cumulative = order->volume;
            report(self, order, RTX_EXEC_FILL, price, order->volume, 0, NULL);
        } else {
            order->cumulative = part;
            report(self, order, RTX_EXEC_PARTIAL_FILL, price, part, order->volume - part, NULL);
            report(self, order, RTX_EXEC_CANCELED, 0, 0, 0, "partial mode: rest canceled");
        }
    } else {
        order->cumulative = order->volume;
        report(self, order, RTX_EXEC_FILL, price, order->volume, 0, NULL);
    }
    finish(self, order);
}

/**
 * Executes a market or marketable limit order now; otherwise cancels (IOC/FOK), expires
 * (past GTD) or rests it. *order is a copy, not in open[].
 */
static void execute_or_rest(synthetic_lp_t *self, syn_order_t *order)
{
    const syn_instrument_t *instrument = &self->instruments[order->instrument];
    rtx_price_ticks_t bid = walk_bid(instrument);
    rtx_price_ticks_t ask = walk_ask(instrument);
    if (order->order_type == RTX_ORDER_MARKET) {
        execute(self, order, order->side == RTX_SIDE_BUY ? ask : bid);
        return;
    }
    if (order->side == RTX_SIDE_BUY ? ask <= order->limit_ticks : bid >= order->limit_ticks) {
        execute(self, order, order->side == RTX_SIDE_BUY ? ask : bid);
        return;
    }
    if (order->time_in_force == RTX_TIF_IOC || order->time_in_force == RTX_TIF_FOK) {
        report(self, order, RTX_EXEC_CANCELED, 0, 0, 0, "limit order not marketable (IOC/FOK)");
        finish(self, order);
        return;
    }
    if (order->time_in_force == RTX_TIF_GTD && order->expire_time_ns <= self->host->wall_clock_ns(self->host)) {
        report(self, order, RTX_EXEC_EXPIRED, 0, 0, 0, "GTD order expired");
        finish(self, order);
        return;
    }
    if (self->open_count == SYN_OPEN_CAPACITY) {
        report(self, order, RTX_EXEC_REJECTED, 0, 0, 0, "synthetic venue is full: too many open orders");
        finish(self, order);
        return;
    }
    if (!order->accepted) {
        order->accepted = 1;
        report(self, order, RTX_EXEC_ACCEPTED, 0, 0, order->volume, NULL);
    }
    self->open[self->open_count++] = *order;
}

/** A new order from the queue. stopping: the adapter is stopping, refuse instead of executing. */
static void process_order(synthetic_lp_t *self, const syn_request_t *request, int stopping)
{
    syn_order_t order;
    const syn_order_t *known;
    int index = find_open(self, request->engine_order_id);
    int subscription;
    if (index >= 0) {
        replay(self, &self->open[index]); /* a resend: answer with what was sent, do not execute again */
        return;
    }
    known = find_finished(self, request->engine_order_id);
    if (known != NULL) {
        replay(self, known);
        return;
    }
    if (self->order_mode == MODE_SILENT) {
        return; /* swallowed: a silent venue never answers */
    }

    memset(&order, 0, sizeof order);
    order.engine_order_id = request->engine_order_id;
    order.lp_seq = ++self->next_lp_seq;
    order.symbol_id = request->symbol_id;
    order.side = request->side;
    order.order_type = request->order_type;
    order.time_in_force = request->time_in_force;
    order.digits = request->price_digits;
    order.volume = request->volume;
    order.expire_time_ns = request->expire_time_ns;

    if (stopping) {
        report(self, &order, RTX_EXEC_REJECTED, 0, 0, 0, "adapter stopped before the order reached the venue");
        finish(self, &order);
        return;
    }
    subscription = find_subscription(self, request->symbol_id);
    if (subscription < 0) {
        report(self, &order, RTX_EXEC_REJECTED, 0, 0, 0, "symbol_id is not subscribed at this adapter");
        finish(self, &order);
        return;
    }
    order.instrument = self->subscriptions[subscription].instrument;
    order.digits = self->instruments[order.instrument].digits;
    if (order.order_type == RTX_ORDER_LIMIT &&
        !convert_limit(request->price_ticks, request->price_digits, order.digits, order.side, &order.limit_ticks)) {
        report(self, &order, RTX_EXEC_REJECTED, 0, 0, 0, "limit price out of range at the venue's digits");
        finish(self, &order);
        return;
    }
    if (self->order_mode == MODE_REJECT) {
        report(self, &order, RTX_EXEC_REJECTED, 0, 0, 0, self->reject_reason);
        finish(self, &order);
        return;
    }
    if (self->order_mode == MODE_DELAY) {
        if (self->open_count == SYN_OPEN_CAPACITY) {
            report(self, &order, RTX_EXEC_REJECTED, 0, 0, 0, "synthetic venue is full: too many open orders");
            finish(self, &order);
            return;
        }
        order.due_ns = monotonic_now() + self->delay_ns;
        if (order.due_ns == 0) {
            order.due_ns = 1;
        }
        self->open[self->open_count++] = order;
        return;
    }
    execute_or_rest(self, &order);
}

/** A cancel from the queue: CANCELED for an open order, else CANCEL_REJECTED "unknown order". */
static void process_cancel(synthetic_lp_t *self, const syn_request_t *request)
{
    int index;
    const syn_order_t *known;
    syn_outgoing_t out;
    if (self->order_mode == MODE_SILENT) {
        return; /* a silent venue never answers */
    }
    index = find_open(self, request->engine_order_id);
    if (index >= 0) {
        syn_order_t order = take_open(self, (uint32_t)index);
        report(self, &order, RTX_EXEC_CANCELED, 0, 0, 0, "canceled on request");
        finish(self, &order);
        return;
    }
    /* Not open: the cancel is refused (RTX_EXEC_CANCEL_REJECTED, since ABI 1.1).
     * A cancel request carries no side: it is taken from the order when the venue knew it,
     * else left 0 (unknown). */
    known = find_finished(self, request->engine_order_id);
    memset(&out, 0, sizeof out);
    out.engine_order_id = request->engine_order_id;
    out.symbol_id = request->symbol_id;
    if (known != NULL) {
        out.lp_seq = known->lp_seq;
        out.side = known->side;
        out.digits = known->digits;
        out.report.cumulative = known->cumulative;
    }
    out.report.exec_type = RTX_EXEC_CANCEL_REJECTED;
    out.report.lp_time_ns = self->host->wall_clock_ns(self->host);
    out.report.exec_seq = ++self->next_exec_seq;
    out.report.text = known != NULL ? "unknown order: it is no longer open" : "unknown order";
    deliver(self, &out);
}

/** Takes requests off the queue (at most SYN_REQUESTS_PER_PASS, and only while reports fit). */
static void drain_requests(synthetic_lp_t *self, int stopping)
{
    uint32_t n;
    for (n = 0; stopping || n < SYN_REQUESTS_PER_PASS; ++n) {
        syn_request_t request;
        if (!stopping && !pending_has_room(self)) {
            return; /* the host is not taking reports: leave requests queued (senders get AGAIN) */
        }
        pthread_mutex_lock(&self->queue_mutex);
        if (self->queue_count == 0) {
            pthread_mutex_unlock(&self->queue_mutex);
            return;
        }
        request = self->queue[self->queue_head];
        self->queue_head = (self->queue_head + 1) % SYN_QUEUE_CAPACITY;
        --self->queue_count;
        pthread_mutex_unlock(&self->queue_mutex);

        atomic_fetch_add(&self->messages_received, 1);
        atomic_store(&self->last_message_wall_ns, self->host->wall_clock_ns(self->host));
        if (request.kind == REQUEST_ORDER) {
            process_order(self, &request, stopping);
        } else {
            process_cancel(self, &request);
        }
    }
}

/** Executes due delayed orders, expires GTD orders, executes resting limits the walk crossed. */
static void service_open_orders(synthetic_lp_t *self)
{
    int64_t now = monotonic_now();
    int64_t wall = self->host->wall_clock_ns(self->host);
    uint32_t i = 0;
    while (i < self->open_count && pending_has_room(self)) {
        syn_order_t *open = &self->open[i];
        const syn_instrument_t *instrument = &self->instruments[open->instrument];
        if (open->due_ns != 0) {
            if (now >= open->due_ns) {
                syn_order_t order = take_open(self, i);
                order.due_ns = 0;
                execute_or_rest(self, &order); /* may rest it again at the end of open[] */
                continue;                      /* open[i] is now another order */
            }
        } else if (open->time_in_force == RTX_TIF_GTD && open->expire_time_ns <= wall) {
            syn_order_t order = take_open(self, i);
            report(self, &order, RTX_EXEC_EXPIRED, 0, 0, 0, "GTD order expired");
            finish(self, &order);
            continue;
        } else if (open->side == RTX_SIDE_BUY ? walk_ask(instrument) <= open->limit_ticks
                                              : walk_bid(instrument) >= open->limit_ticks) {
            syn_order_t order = take_open(self, i);
            execute(self, &order, order.side == RTX_SIDE_BUY ? walk_ask(instrument) : walk_bid(instrument));
            continue;
        }
        ++i;
    }
}

/* ------------------------------------------------------------------------------------------
 * Quotes. Adapter thread, under market_mutex.
 * ---------------------------------------------------------------------------------------- */

/** Moves every subscribed instrument one step and sends one quote per subscribed symbol. */
static void market_tick(synthetic_lp_t *self)
{
    uint32_t i;
    int64_t wall = self->host->wall_clock_ns(self->host);
    for (i = 0; i < self->instrument_count; ++i) {
        syn_instrument_t *instrument = &self->instruments[i];
        int64_t step;
        uint64_t index;
        instrument->quote_ready = 0;
        if (instrument->subscribers == 0) {
            continue;
        }
        if (self->quote_fault == FAULT_STALL && instrument->quotes >= self->fault_after) {
            continue; /* stalled: no quotes, no walk, still connected */
        }
        step = (int64_t)(xorshift64star(&instrument->rng) % 5) - 2;
        if (instrument->mid + step <= instrument->spread) {
            step = -step; /* reflect off the floor: the mid stays above the spread */
        }
        instrument->mid += step;
        instrument->quote_bid = walk_bid(instrument);
        instrument->quote_ask = walk_ask(instrument);
        index = instrument->quotes++;
        if (index > 0 && index % self->fault_after == 0) {
            if (self->quote_fault == FAULT_CROSS) {
                rtx_price_ticks_t bid = instrument->quote_bid;
                instrument->quote_bid = instrument->quote_ask; /* bid > ask by the spread */
                instrument->quote_ask = bid;
            } else if (self->quote_fault == FAULT_SPIKE) {
                rtx_price_ticks_t offset = instrument->mid / 20 > 0 ? instrument->mid / 20 : 1; /* 5 % */
                rtx_price_ticks_t mid = instrument->mid + offset;
                if ((xorshift64star(&instrument->rng) & 1) != 0 && instrument->mid - offset > instrument->spread) {
                    mid = instrument->mid - offset;
                }
                instrument->quote_bid = mid - instrument->spread / 2;
                instrument->quote_ask = instrument->quote_bid + instrument->spread;
            }
        }
        instrument->quote_ready = 1;
        atomic_fetch_add(&self->messages_received, 1);
    }
    atomic_store(&self->last_message_wall_ns, wall);

    for (i = 0; i < self->subscription_count; ++i) {
        const syn_subscription_t *subscription = &self->subscriptions[i];
        const syn_instrument_t *instrument = &self->instruments[subscription->instrument];
        rtx_quote_t quote;
        rtx_status_t status;
        if (!instrument->quote_ready) {
            continue;
        }
        memset(&quote, 0, sizeof quote);
        quote.struct_size = sizeof quote;
        quote.symbol_id = subscription->symbol_id;
        quote.price_digits = instrument->digits;
        quote.bid_ticks = instrument->quote_bid;
        quote.ask_ticks = instrument->quote_ask;
        quote.bid_volume = self->available_volume;
        quote.ask_volume = self->available_volume;
        quote.lp_time_ns = wall;
        status = self->host->emit_quote(self->host, &quote);
        if (status == RTX_OK) {
            atomic_fetch_add(&self->quotes_emitted, 1);
        } else if (status == RTX_E_AGAIN) {
            atomic_fetch_add(&self->quotes_dropped, 1); /* dropped by the host; the next quote supersedes it */
        } else {
            atomic_fetch_add(&self->quotes_refused, 1);
            if (!self->warned_refused_quote) {
                self->warned_refused_quote = 1;
                syn_log(self, RTX_LOG_WARNING,
                        "synthetic-lp: the host refused a quote for symbol_id %u (%s %lld/%lld) with status %d; "
                        "further refusals are only counted",
                        (unsigned)quote.symbol_id, instrument->name, (long long)quote.bid_ticks,
                        (long long)quote.ask_ticks, (int)status);
            }
        }
    }
}

/* ------------------------------------------------------------------------------------------
 * The adapter thread.
 * ---------------------------------------------------------------------------------------- */

/**
 * Paces quotes on absolute CLOCK_MONOTONIC deadlines, and between them wakes at least every
 * SYN_SERVICE_INTERVAL_NS to take requests, retry reports and serve open orders.
 */
static void *syn_thread_main(void *argument)
{
    synthetic_lp_t *self = (synthetic_lp_t *)argument;
    int64_t next_quote = monotonic_now();
    while (!atomic_load(&self->stop_requested)) {
        int64_t now = monotonic_now();
        int64_t deadline;
        int ticks = 0;
        pthread_mutex_lock(&self->market_mutex);
        flush_pending(self); /* older reports first */
        while (now >= next_quote && ticks < SYN_TICKS_PER_PASS) {
            market_tick(self);
            next_quote += self->period_ns;
            ++ticks;
        }
        if (now - next_quote > SYN_RESYNC_NS) {
            next_quote = now + self->period_ns; /* far behind (a stalled host?): skip, do not burst */
        }
        drain_requests(self, 0);
        service_open_orders(self);
        pthread_mutex_unlock(&self->market_mutex);

        deadline = now + SYN_SERVICE_INTERVAL_NS;
        if (next_quote < deadline) {
            deadline = next_quote;
        }
        sleep_until(deadline);
    }
    return NULL;
}

/**
 * [control, adapter thread not running] Answers what the adapter still holds, so no order
 * is left without an outcome: queued requests, then open orders, then reports the host has
 * not taken yet (retried for up to SYN_STOP_FLUSH_ATTEMPTS ms, then logged as lost).
 */
static void settle_on_stop(synthetic_lp_t *self)
{
    int attempt;
    pthread_mutex_lock(&self->market_mutex);
    drain_requests(self, 1);
    while (self->open_count > 0) {
        syn_order_t order = take_open(self, self->open_count - 1);
        if (self->order_mode != MODE_SILENT) {
            report(self, &order, RTX_EXEC_CANCELED, 0, 0, 0, "adapter stopped");
        }
        finish(self, &order);
    }
    for (attempt = 0; attempt < SYN_STOP_FLUSH_ATTEMPTS && self->pending_count > 0; ++attempt) {
        flush_pending(self);
        if (self->pending_count > 0) {
            sleep_until(monotonic_now() + SYN_NS_PER_MS);
        }
    }
    if (self->pending_count > 0) {
        syn_log(self, RTX_LOG_ERROR,
                "synthetic-lp: %u execution reports LOST at stop: the host did not take them within %d ms",
                (unsigned)self->pending_count, SYN_STOP_FLUSH_ATTEMPTS);
        self->pending_count = 0;
        self->pending_head = 0;
    }
    pthread_mutex_unlock(&self->market_mutex);
}

/* ------------------------------------------------------------------------------------------
 * The adapter table.
 * ---------------------------------------------------------------------------------------- */

static synthetic_lp_t *self_of(const rtx_lp_adapter_t *table)
{
    return (synthetic_lp_t *)table->plugin_data;
}

/** [control] Connects (instantly: the market is local) and starts the adapter thread. */
static rtx_status_t RTX_ABI syn_start(rtx_lp_adapter_t *table, rtx_error_t *error)
{
    synthetic_lp_t *self;
    int rc;
    char message[RTX_ERROR_MESSAGE_CAPACITY];
    if (table == NULL) {
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT, "synthetic-lp start: self is NULL");
    }
    self = self_of(table);
    if (self->started) {
        return rtx_error_set(error, RTX_E_STATE, "synthetic-lp start: already started (stop it first)");
    }
    atomic_store(&self->stop_requested, 0);
    self->host->emit_connection_state(self->host, RTX_CONNECTION_CONNECTING, str_of("synthetic market: starting"));
    pthread_mutex_lock(&self->queue_mutex);
    self->accepting = 1;
    pthread_mutex_unlock(&self->queue_mutex);
    /* A real adapter reports CONNECTED from its own thread once the venue has logged it on;
     * this venue is in-process and ready at once. */
    self->host->emit_connection_state(self->host, RTX_CONNECTION_CONNECTED, str_of("synthetic market: quoting"));
    rc = pthread_create(&self->thread, NULL, syn_thread_main, self);
    if (rc != 0) {
        pthread_mutex_lock(&self->queue_mutex);
        self->accepting = 0;
        pthread_mutex_unlock(&self->queue_mutex);
        settle_on_stop(self);
        self->host->emit_connection_state(self->host, RTX_CONNECTION_DISCONNECTED,
                                          str_of("synthetic market: could not start its thread"));
        snprintf(message, sizeof message, "synthetic-lp start: pthread_create failed: %s", strerror(rc));
        return rtx_error_set(error, RTX_E_INTERNAL, message);
    }
    self->started = 1;
    if (++self->start_count > 1) {
        atomic_fetch_add(&self->reconnects, 1);
    }
    return RTX_OK;
}

/**
 * [control, blocks for up to a few ms] Stops taking requests, joins the adapter thread,
 * answers what is left (see settle_on_stop) and reports DISCONNECTED, all before returning.
 * Nothing of the adapter runs after it returns. A stop without start does nothing.
 */
static void RTX_ABI syn_stop(rtx_lp_adapter_t *table)
{
    synthetic_lp_t *self;
    if (table == NULL) {
        return;
    }
    self = self_of(table);
    if (!self->started) {
        return;
    }
    pthread_mutex_lock(&self->queue_mutex);
    self->accepting = 0; /* send_order and cancel_order answer RTX_E_STATE from now on */
    pthread_mutex_unlock(&self->queue_mutex);
    atomic_store(&self->stop_requested, 1);
    pthread_join(self->thread, NULL); /* wakes within SYN_SERVICE_INTERVAL_NS */
    self->started = 0;
    settle_on_stop(self);
    self->host->emit_connection_state(self->host, RTX_CONNECTION_DISCONNECTED, str_of("synthetic market: stopped"));
    syn_log(self, RTX_LOG_INFO, "synthetic-lp: stopped; quotes emitted %llu, dropped by the host %llu, refused %llu",
            (unsigned long long)atomic_load(&self->quotes_emitted),
            (unsigned long long)atomic_load(&self->quotes_dropped),
            (unsigned long long)atomic_load(&self->quotes_refused));
}

/**
 * [control] Adds symbols, all or none. Each lp_symbol must be a configured instrument
 * (RTX_E_NOT_FOUND names it and the known ones). A symbol_id already subscribed is
 * remapped. The array is walked by its elements' struct_size (the host's sizeof), so a
 * host with a larger rtx_subscription_t still works.
 */
static rtx_status_t RTX_ABI syn_subscribe(rtx_lp_adapter_t *table, const rtx_subscription_t *symbols, uint32_t count,
                                          rtx_error_t *error)
{
    synthetic_lp_t *self;
    size_t stride;
    uint32_t i;
    uint32_t needed = 0;
    char message[RTX_ERROR_MESSAGE_CAPACITY];
    if (table == NULL || (symbols == NULL && count > 0)) {
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT, "synthetic-lp subscribe: self or symbols is NULL");
    }
    if (count == 0) {
        return RTX_OK;
    }
    self = self_of(table);
    stride = symbols[0].struct_size;
    if (stride < sizeof(rtx_subscription_t)) {
        snprintf(message, sizeof message,
                 "synthetic-lp subscribe: symbols[0].struct_size is %zu, smaller than rtx_subscription_t (%zu)", stride,
                 sizeof(rtx_subscription_t));
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT, message);
    }
    for (i = 0; i < count; ++i) {
        const rtx_subscription_t *s = (const rtx_subscription_t *)(const void *)((const char *)symbols + i * stride);
        if (find_instrument(self, s->lp_symbol) < 0) {
            int used = snprintf(message, sizeof message,
                                "synthetic-lp subscribe: lp_symbol '%.*s' (symbol '%.*s') is not one of this adapter's "
                                "instruments:",
                                rtx_str_fmt_len(s->lp_symbol), rtx_str_fmt_data(s->lp_symbol),
                                rtx_str_fmt_len(s->symbol), rtx_str_fmt_data(s->symbol));
            uint32_t k;
            for (k = 0; k < self->instrument_count && used > 0 && (size_t)used < sizeof message; ++k) {
                int n = snprintf(message + used, sizeof message - (size_t)used, "%s %s", k > 0 ? "," : "",
                                 self->instruments[k].name);
                used = n < 0 ? -1 : used + n;
            }
            return rtx_error_set(error, RTX_E_NOT_FOUND, message);
        }
    }

    pthread_mutex_lock(&self->market_mutex);
    for (i = 0; i < count; ++i) {
        const rtx_subscription_t *s = (const rtx_subscription_t *)(const void *)((const char *)symbols + i * stride);
        uint32_t j;
        int seen = find_subscription(self, s->symbol_id) >= 0;
        for (j = 0; j < i && !seen; ++j) {
            const rtx_subscription_t *t =
                (const rtx_subscription_t *)(const void *)((const char *)symbols + j * stride);
            seen = t->symbol_id == s->symbol_id;
        }
        needed += seen ? 0 : 1;
    }
    if (self->subscription_count + needed > SYN_MAX_SUBSCRIPTIONS) {
        pthread_mutex_unlock(&self->market_mutex);
        snprintf(message, sizeof message,
                 "synthetic-lp subscribe: %u more symbols would exceed the adapter's limit of %d subscriptions",
                 (unsigned)needed, SYN_MAX_SUBSCRIPTIONS);
        return rtx_error_set(error, RTX_E_LIMIT, message);
    }
    for (i = 0; i < count; ++i) {
        const rtx_subscription_t *s = (const rtx_subscription_t *)(const void *)((const char *)symbols + i * stride);
        uint32_t instrument = (uint32_t)find_instrument(self, s->lp_symbol);
        int index = find_subscription(self, s->symbol_id);
        if (index >= 0) {
            --self->instruments[self->subscriptions[index].instrument].subscribers;
            self->subscriptions[index].instrument = instrument;
        } else {
            self->subscriptions[self->subscription_count].symbol_id = s->symbol_id;
            self->subscriptions[self->subscription_count].instrument = instrument;
            ++self->subscription_count;
        }
        ++self->instruments[instrument].subscribers;
    }
    pthread_mutex_unlock(&self->market_mutex);
    return RTX_OK;
}

/** [control] Stops quoting symbols (before or while running); unknown ids are ignored. No
 *  quote for them is emitted after it returns (quotes are emitted under market_mutex). */
static rtx_status_t RTX_ABI syn_unsubscribe(rtx_lp_adapter_t *table, const rtx_symbol_id_t *symbol_ids, uint32_t count,
                                            rtx_error_t *error)
{
    synthetic_lp_t *self;
    uint32_t i;
    if (table == NULL || (symbol_ids == NULL && count > 0)) {
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT, "synthetic-lp unsubscribe: self or symbol_ids is NULL");
    }
    self = self_of(table);
    pthread_mutex_lock(&self->market_mutex);
    for (i = 0; i < count; ++i) {
        int index = find_subscription(self, symbol_ids[i]);
        if (index >= 0) {
            --self->instruments[self->subscriptions[index].instrument].subscribers;
            memmove(&self->subscriptions[index], &self->subscriptions[index + 1],
                    (self->subscription_count - (uint32_t)index - 1) * sizeof self->subscriptions[0]);
            --self->subscription_count;
        }
    }
    pthread_mutex_unlock(&self->market_mutex);
    return RTX_OK;
}

/** [order thread] Appends a request to the queue; never waits for the adapter thread. */
static rtx_status_t enqueue(synthetic_lp_t *self, const syn_request_t *request, const char *what, rtx_error_t *error)
{
    char message[RTX_ERROR_MESSAGE_CAPACITY];
    pthread_mutex_lock(&self->queue_mutex);
    if (!self->accepting) {
        pthread_mutex_unlock(&self->queue_mutex);
        snprintf(message, sizeof message, "synthetic-lp %s: the adapter is not started", what);
        return rtx_error_set(error, RTX_E_STATE, message);
    }
    if (self->queue_count == SYN_QUEUE_CAPACITY) {
        pthread_mutex_unlock(&self->queue_mutex);
        snprintf(message, sizeof message,
                 "synthetic-lp %s: request queue full (%d waiting for the adapter thread); nothing taken, try again",
                 what, SYN_QUEUE_CAPACITY);
        return rtx_error_set(error, RTX_E_AGAIN, message);
    }
    self->queue[(self->queue_head + self->queue_count) % SYN_QUEUE_CAPACITY] = *request;
    ++self->queue_count;
    pthread_mutex_unlock(&self->queue_mutex);
    return RTX_OK;
}

/**
 * [order thread, non-blocking] Checks and queues an order; its outcome arrives as execution
 * reports from the adapter thread. RTX_E_AGAIN when the queue is full (nothing taken),
 * RTX_E_STATE before start or after stop, RTX_E_UNSUPPORTED for stop orders.
 */
static rtx_status_t RTX_ABI syn_send_order(rtx_lp_adapter_t *table, const rtx_order_request_t *order,
                                           rtx_error_t *error)
{
    syn_request_t request;
    char message[RTX_ERROR_MESSAGE_CAPACITY];
    rtx_status_t status;
    if (table == NULL || order == NULL) {
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT, "synthetic-lp send_order: self or order is NULL");
    }
    if (order->struct_size < sizeof(rtx_order_request_t)) {
        snprintf(message, sizeof message, "synthetic-lp send_order: order->struct_size %u is smaller than %zu",
                 (unsigned)order->struct_size, sizeof(rtx_order_request_t));
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT, message);
    }
    if (order->side != RTX_SIDE_BUY && order->side != RTX_SIDE_SELL) {
        snprintf(message, sizeof message,
                 "synthetic-lp send_order: order %llu: side %d is not RTX_SIDE_BUY or RTX_SIDE_SELL",
                 (unsigned long long)order->engine_order_id, (int)order->side);
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT, message);
    }
    if (order->order_type == RTX_ORDER_STOP || order->order_type == RTX_ORDER_STOP_LIMIT) {
        snprintf(message, sizeof message,
                 "synthetic-lp send_order: order %llu: stop orders (type %d) are not supported",
                 (unsigned long long)order->engine_order_id, (int)order->order_type);
        return rtx_error_set(error, RTX_E_UNSUPPORTED, message);
    }
    if (order->order_type != RTX_ORDER_MARKET && order->order_type != RTX_ORDER_LIMIT) {
        snprintf(message, sizeof message,
                 "synthetic-lp send_order: order %llu: order_type %d is not an RTX_ORDER_* value",
                 (unsigned long long)order->engine_order_id, (int)order->order_type);
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT, message);
    }
    if (order->time_in_force < RTX_TIF_GTC || order->time_in_force > RTX_TIF_GTD ||
        (order->time_in_force == RTX_TIF_GTD && order->order_type == RTX_ORDER_LIMIT && order->expire_time_ns <= 0)) {
        snprintf(message, sizeof message,
                 "synthetic-lp send_order: order %llu: time_in_force %d is not valid (GTD needs expire_time_ns)",
                 (unsigned long long)order->engine_order_id, (int)order->time_in_force);
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT, message);
    }
    if (order->volume <= 0) {
        snprintf(message, sizeof message, "synthetic-lp send_order: order %llu: volume %lld is not positive",
                 (unsigned long long)order->engine_order_id, (long long)order->volume);
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT, message);
    }
    if (order->order_type == RTX_ORDER_LIMIT &&
        (order->price_ticks <= 0 || order->price_digits < 0 || order->price_digits > RTX_PRICE_DIGITS_MAX)) {
        snprintf(message, sizeof message,
                 "synthetic-lp send_order: order %llu: limit price %lld at %d digits is not a positive price",
                 (unsigned long long)order->engine_order_id, (long long)order->price_ticks, (int)order->price_digits);
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT, message);
    }
    memset(&request, 0, sizeof request);
    request.kind = REQUEST_ORDER;
    request.engine_order_id = order->engine_order_id;
    request.symbol_id = order->symbol_id;
    request.side = order->side;
    request.order_type = order->order_type;
    request.time_in_force = order->time_in_force;
    request.price_digits = order->price_digits;
    request.volume = order->volume;
    request.price_ticks = order->price_ticks;
    request.expire_time_ns = order->expire_time_ns;
    status = enqueue(self_of(table), &request, "send_order", error);
    if (status == RTX_OK) {
        atomic_fetch_add(&self_of(table)->orders_sent, 1);
    }
    return status;
}

/**
 * [order thread, non-blocking] Queues a cancel; the answer (CANCELED, or REJECTED "unknown
 * order") arrives as an execution report. Orders are matched by engine_order_id.
 */
static rtx_status_t RTX_ABI syn_cancel_order(rtx_lp_adapter_t *table, const rtx_cancel_request_t *cancel,
                                             rtx_error_t *error)
{
    syn_request_t request;
    if (table == NULL || cancel == NULL) {
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT, "synthetic-lp cancel_order: self or cancel is NULL");
    }
    if (cancel->struct_size < sizeof(rtx_cancel_request_t)) {
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT,
                             "synthetic-lp cancel_order: cancel->struct_size is smaller than rtx_cancel_request_t");
    }
    memset(&request, 0, sizeof request);
    request.kind = REQUEST_CANCEL;
    request.engine_order_id = cancel->engine_order_id;
    request.symbol_id = cancel->symbol_id;
    return enqueue(self_of(table), &request, "cancel_order", error);
}

/** [any thread, non-blocking] Copies the counters (ABI 1.1). */
static rtx_status_t RTX_ABI syn_get_stats(const rtx_lp_adapter_t *table, rtx_lp_stats_t *stats)
{
    synthetic_lp_t *self;
    if (table == NULL || stats == NULL || stats->struct_size < sizeof(rtx_lp_stats_t)) {
        return RTX_E_INVALID_ARGUMENT;
    }
    self = self_of(table);
    stats->reserved0 = 0;
    stats->messages_received = atomic_load(&self->messages_received);
    stats->quotes_emitted = atomic_load(&self->quotes_emitted);
    stats->orders_sent = atomic_load(&self->orders_sent);
    stats->reconnects = atomic_load(&self->reconnects);
    stats->last_message_wall_ns = atomic_load(&self->last_message_wall_ns);
    return RTX_OK;
}

/** [control] Frees the instance. The host calls it after stop (or without start). */
static void RTX_ABI syn_destroy(rtx_lp_adapter_t *table)
{
    synthetic_lp_t *self;
    if (table == NULL) {
        return;
    }
    self = self_of(table);
    if (self->started) {
        syn_stop(table); /* the host never does this; stay safe if a caller does */
    }
    pthread_mutex_destroy(&self->queue_mutex);
    pthread_mutex_destroy(&self->market_mutex);
    free(self);
}

/**
 * [control] Creates an instance bound to host from its config. On a bad config returns
 * RTX_E_CONFIG naming the manifest line; on success *out is the plugin's until destroy.
 */
static rtx_status_t RTX_ABI syn_create(const rtx_lp_adapter_factory_t *factory, const rtx_host_t *host,
                                       rtx_lp_adapter_t **out, rtx_error_t *error)
{
    rtx_config_t config;
    rtx_status_t status;
    synthetic_lp_t *self;
    size_t i;
    size_t used = 0;
    (void)factory;

    if (host == NULL || out == NULL || host->struct_size < sizeof(rtx_host_t)) {
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT,
                             "synthetic-lp create: host or out is NULL, or host table too small");
    }
    memset(&config, 0, sizeof config);
    config.struct_size = sizeof config;
    status = host->get_config(host, &config);
    if (status != RTX_OK) {
        return rtx_error_set(error, status, "synthetic-lp create: host->get_config failed");
    }
    self = (synthetic_lp_t *)calloc(1, sizeof *self);
    if (self == NULL) {
        return rtx_error_set(error, RTX_E_INTERNAL, "synthetic-lp create: out of memory");
    }
    self->host = host;
    status = read_config(self, &config, error);
    if (status != RTX_OK) {
        free(self);
        return status;
    }

    /* <instance> of exec ids: the manifest id (letters, digits, '.', '_', '-' only, at most
     * 20) and the creation wall time, so ids stay unique after a restart of the engine. */
    for (i = 0; i < config.instance_id.length && used < 20; ++i) {
        char c = config.instance_id.data[i];
        int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
        self->tag[used++] = plain ? c : '_';
    }
    if (used == 0) {
        self->tag[used++] = 'l';
        self->tag[used++] = 'p';
    }
    snprintf(self->tag + used, sizeof self->tag - used, ".%llx",
             (unsigned long long)host->wall_clock_ns(host));

    if (pthread_mutex_init(&self->market_mutex, NULL) != 0) {
        free(self);
        return rtx_error_set(error, RTX_E_INTERNAL, "synthetic-lp create: pthread_mutex_init failed");
    }
    if (pthread_mutex_init(&self->queue_mutex, NULL) != 0) {
        pthread_mutex_destroy(&self->market_mutex);
        free(self);
        return rtx_error_set(error, RTX_E_INTERNAL, "synthetic-lp create: pthread_mutex_init failed");
    }
    atomic_init(&self->stop_requested, 0);
    atomic_init(&self->messages_received, 0);
    atomic_init(&self->quotes_emitted, 0);
    atomic_init(&self->quotes_dropped, 0);
    atomic_init(&self->quotes_refused, 0);
    atomic_init(&self->orders_sent, 0);
    atomic_init(&self->reconnects, 0);
    atomic_init(&self->last_message_wall_ns, 0);

    self->table.struct_size = sizeof self->table;
    self->table.plugin_data = self;
    self->table.start = syn_start;
    self->table.stop = syn_stop;
    self->table.subscribe = syn_subscribe;
    self->table.unsubscribe = syn_unsubscribe;
    self->table.send_order = syn_send_order;
    self->table.cancel_order = syn_cancel_order;
    self->table.destroy = syn_destroy;
    self->table.get_stats = syn_get_stats;
    *out = &self->table;
    return RTX_OK;
}

/* ------------------------------------------------------------------------------------------
 * Library entry: one factory, one descriptor, one exported symbol.
 * ---------------------------------------------------------------------------------------- */

static const rtx_lp_adapter_factory_t syn_factory = {
    sizeof(rtx_lp_adapter_factory_t), 0, syn_create,
};

/** [any thread, non-blocking] Static factories; NULL for kinds this library does not provide. */
static const void *RTX_ABI syn_get_factory(const char *factory_id)
{
    if (factory_id != NULL && strcmp(factory_id, RTX_FACTORY_LP_ADAPTER) == 0) {
        return &syn_factory;
    }
    return NULL;
}

static const rtx_plugin_descriptor_t syn_descriptor = {
    sizeof(rtx_plugin_descriptor_t),
    RTX_ABI_VERSION_MAJOR,
    RTX_ABI_VERSION_MINOR,
    0,
    RTX_BUILD_FINGERPRINT,
    "org.rtx.examples.synthetic-lp",
    "1.0.0",
    RTX_TOOLCHAIN_C,
    NULL, /* init: nothing to set up per library */
    NULL, /* deinit */
    syn_get_factory,
    "Synthetic-market LP adapter: random-walk quotes, configurable fills, rejects, delays and quote faults",
    "Apache-2.0",
};

/** The library's only exported symbol. Any thread, no side effects. */
RTX_EXPORT const rtx_plugin_descriptor_t *rtx_plugin_entry_v1(void)
{
    return &syn_descriptor;
}
