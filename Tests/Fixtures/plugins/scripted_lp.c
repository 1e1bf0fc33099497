/*
 * Test fixture: an LP adapter that plays a script of quotes and connection reports from its
 * config, so a test knows exactly what the engine was sent (crossed, non-positive, stale,
 * spiking, unmapped quotes; silences; DOWN and back).
 *
 * Config (flat `key: value` lines):
 *   interval_ms: 20     pause after each quote, 1..60000; default 20
 *   then: repeat        after the script: repeat | silent; repeat re-sends the last quote of
 *                       each symbol every interval_ms (so the LP stays fresh); default repeat
 *   script: STEP, STEP, ...   (at most 256 steps), each one of:
 *     VENUE BID/ASK [stale] [xN]   a quote of the subscribed symbol the manifest names VENUE
 *                                  (its lp_symbol), or of raw symbol id N when VENUE is @N;
 *                                  prices are decimals, at the larger of their two decimal
 *                                  counts ("1.08500/1.0851" is 108500/108510 at 5 digits);
 *                                  `stale` stamps lp_time_ns 60 s in the past; xN sends it N
 *                                  times (1..100000)
 *     down | up | connecting       emits that connection state (up is CONNECTED)
 *     wait MS                      pauses MS ms (0..600000), sending nothing
 *
 * start() emits CONNECTED and starts the thread that plays the script; stop() joins it and
 * emits DISCONNECTED. Quotes the host refuses are counted (get_stats: messages_received is
 * every quote sent, quotes_emitted those the host took). No orders (RTX_E_UNSUPPORTED).
 * Prices are integers; no floating point.
 */
#define _POSIX_C_SOURCE 200809L
#include <rtx/rtx.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_STEPS 256
#define MAX_SYMBOLS 64

enum { STEP_QUOTE, STEP_STATE, STEP_WAIT };

typedef struct {
    int kind;
    char venue[64];
    int raw_id;             /* VENUE was #N */
    rtx_symbol_id_t symbol_id;
    int32_t digits;
    int64_t bid, ask;
    int stale;
    int64_t times;
    rtx_connection_state_t state;
    int64_t wait_ms;
} step_t;

typedef struct {
    rtx_symbol_id_t id;
    char venue[64];
    int has_last;
    rtx_quote_t last;
} symbol_t;

typedef struct {
    rtx_lp_adapter_t table;
    const rtx_host_t *host;
    pthread_t thread;
    _Atomic int running;
    step_t steps[MAX_STEPS];
    int step_count;
    symbol_t symbols[MAX_SYMBOLS];
    uint32_t symbol_count;
    int64_t interval_ms;
    int repeat;
    _Atomic uint64_t sent, taken;
} scripted_t;

static int64_t wall_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Sleeps ms, waking every millisecond to see whether stop() was called. */
static void pause_ms(scripted_t *s, int64_t ms)
{
    int64_t i;
    for (i = 0; i < ms && atomic_load_explicit(&s->running, memory_order_relaxed); ++i) {
        struct timespec t = {0, 1000000};
        nanosleep(&t, NULL);
    }
}

static symbol_t *symbol_for(scripted_t *s, rtx_symbol_id_t id)
{
    uint32_t i;
    for (i = 0; i < s->symbol_count; ++i) {
        if (s->symbols[i].id == id) return &s->symbols[i];
    }
    return NULL;
}

static void send(scripted_t *s, rtx_quote_t *q)
{
    atomic_fetch_add(&s->sent, 1);
    if (s->host->emit_quote(s->host, q) == RTX_OK) atomic_fetch_add(&s->taken, 1);
}

static void *run(void *arg)
{
    scripted_t *s = arg;
    int k;
    int64_t n;
    for (k = 0; k < s->step_count && atomic_load(&s->running); ++k) {
        step_t *st = &s->steps[k];
        if (st->kind == STEP_WAIT) {
            pause_ms(s, st->wait_ms);
        } else if (st->kind == STEP_STATE) {
            rtx_str_t reason = {"scripted", 8};
            s->host->emit_connection_state(s->host, st->state, reason);
        } else {
            for (n = 0; n < st->times && atomic_load(&s->running); ++n) {
                rtx_quote_t q;
                symbol_t *sym;
                memset(&q, 0, sizeof q);
                q.struct_size = sizeof q;
                q.symbol_id = st->symbol_id;
                q.price_digits = st->digits;
                q.bid_ticks = st->bid;
                q.ask_ticks = st->ask;
                q.bid_volume = q.ask_volume = 100000000;
                q.lp_time_ns = st->stale ? wall_ns() - (int64_t)60 * 1000000000 : wall_ns();
                send(s, &q);
                sym = symbol_for(s, q.symbol_id);
                if (sym != NULL && !st->stale && q.bid_ticks > 0 && q.ask_ticks >= q.bid_ticks) {
                    sym->last = q;
                    sym->has_last = 1;
                }
                pause_ms(s, s->interval_ms);
            }
        }
    }
    while (atomic_load(&s->running)) {
        uint32_t i;
        if (s->repeat) {
            for (i = 0; i < s->symbol_count; ++i) {
                if (s->symbols[i].has_last) {
                    rtx_quote_t q = s->symbols[i].last;
                    q.lp_time_ns = wall_ns();
                    send(s, &q);
                }
            }
        }
        pause_ms(s, s->interval_ms);
    }
    return NULL;
}

/* Resolves each quote step's venue name to the id the host gave it (unknown names: id 0). */
static void resolve(scripted_t *s)
{
    int k;
    uint32_t i;
    for (k = 0; k < s->step_count; ++k) {
        step_t *st = &s->steps[k];
        if (st->kind != STEP_QUOTE || st->raw_id) continue;
        st->symbol_id = 0;
        for (i = 0; i < s->symbol_count; ++i) {
            if (strcmp(s->symbols[i].venue, st->venue) == 0) st->symbol_id = s->symbols[i].id;
        }
    }
}

static rtx_status_t start(rtx_lp_adapter_t *self, rtx_error_t *e)
{
    scripted_t *s = self->plugin_data;
    rtx_str_t reason = {"script starts", 13};
    resolve(s);
    s->host->emit_connection_state(s->host, RTX_CONNECTION_CONNECTED, reason);
    atomic_store(&s->running, 1);
    if (pthread_create(&s->thread, NULL, run, s) != 0) {
        atomic_store(&s->running, 0);
        return rtx_error_set(e, RTX_E_INTERNAL, "scripted: no thread");
    }
    return RTX_OK;
}

static void stop(rtx_lp_adapter_t *self)
{
    scripted_t *s = self->plugin_data;
    rtx_str_t reason = {"stopped", 7};
    if (atomic_exchange(&s->running, 0)) pthread_join(s->thread, NULL);
    s->host->emit_connection_state(s->host, RTX_CONNECTION_DISCONNECTED, reason);
}

static rtx_status_t subscribe(rtx_lp_adapter_t *self, const rtx_subscription_t *subs, uint32_t n, rtx_error_t *e)
{
    scripted_t *s = self->plugin_data;
    const char *p = (const char *)subs;
    uint32_t i;
    if (atomic_load(&s->running)) return rtx_error_set(e, RTX_E_STATE, "scripted: subscribe before start");
    for (i = 0; i < n; ++i, p += subs[0].struct_size) {
        const rtx_subscription_t *sub = (const rtx_subscription_t *)p;
        symbol_t *sym;
        if (s->symbol_count == MAX_SYMBOLS) return rtx_error_set(e, RTX_E_LIMIT, "scripted: at most 64 symbols");
        if (sub->lp_symbol.length >= sizeof sym->venue) return rtx_error_set(e, RTX_E_LIMIT, "scripted: venue name over 63 bytes");
        sym = &s->symbols[s->symbol_count++];
        memset(sym, 0, sizeof *sym);
        sym->id = sub->symbol_id;
        memcpy(sym->venue, sub->lp_symbol.data, sub->lp_symbol.length);
    }
    return RTX_OK;
}

static rtx_status_t unsubscribe(rtx_lp_adapter_t *self, const rtx_symbol_id_t *ids, uint32_t n, rtx_error_t *e)
{
    (void)self; (void)ids; (void)n;
    return rtx_error_set(e, RTX_E_UNSUPPORTED, "scripted: cannot unsubscribe");
}
static rtx_status_t send_order(rtx_lp_adapter_t *self, const rtx_order_request_t *o, rtx_error_t *e)
{
    (void)self; (void)o;
    return rtx_error_set(e, RTX_E_UNSUPPORTED, "scripted: quotes only");
}
static rtx_status_t cancel_order(rtx_lp_adapter_t *self, const rtx_cancel_request_t *c, rtx_error_t *e)
{
    (void)self; (void)c;
    return rtx_error_set(e, RTX_E_UNSUPPORTED, "scripted: quotes only");
}
static rtx_status_t get_stats(const rtx_lp_adapter_t *self, rtx_lp_stats_t *st)
{
    scripted_t *s = self->plugin_data;
    st->messages_received = atomic_load(&s->sent);
    st->quotes_emitted = atomic_load(&s->taken);
    return RTX_OK;
}
static void destroy(rtx_lp_adapter_t *self) { free(self->plugin_data); }

static int32_t decimals(rtx_str_t v)
{
    size_t i;
    for (i = 0; i < v.length; ++i) {
        if (v.data[i] == '.') return (int32_t)(v.length - i - 1);
    }
    return 0;
}

/* Parses one step; returns 0 with *why set on bad syntax. */
static int parse_step(rtx_str_t item, step_t *st, const char **why)
{
    rtx_str_t rest = item, word, prices, bid_text, ask_text;
    memset(st, 0, sizeof *st);
    st->times = 1;
    if (!rtx_str_next_item(&rest, ' ', &word)) { *why = "empty step"; return 0; }
    if (rtx_str_equals(word, "down") || rtx_str_equals(word, "up") || rtx_str_equals(word, "connecting")) {
        st->kind = STEP_STATE;
        st->state = rtx_str_equals(word, "down") ? RTX_CONNECTION_DOWN
                  : rtx_str_equals(word, "up") ? RTX_CONNECTION_CONNECTED : RTX_CONNECTION_CONNECTING;
        return rest.length == 0 ? 1 : (*why = "a state step takes no arguments", 0);
    }
    if (rtx_str_equals(word, "wait")) {
        st->kind = STEP_WAIT;
        if (!rtx_str_next_item(&rest, ' ', &word) || !rtx_config_parse_int(word, &st->wait_ms) || st->wait_ms < 0 || st->wait_ms > 600000) {
            *why = "wait takes a number of ms, 0..600000";
            return 0;
        }
        return 1;
    }
    st->kind = STEP_QUOTE;
    if (word.length >= sizeof st->venue) { *why = "venue name over 63 bytes"; return 0; }
    if (word.data[0] == '@') {
        int64_t id;
        rtx_str_t digits = {word.data + 1, word.length - 1};
        if (!rtx_config_parse_int(digits, &id) || id < 0 || id > 65535) { *why = "@N takes a symbol id 0..65535"; return 0; }
        st->raw_id = 1;
        st->symbol_id = (rtx_symbol_id_t)id;
    }
    memcpy(st->venue, word.data, word.length);
    if (!rtx_str_next_item(&rest, ' ', &prices)) { *why = "a quote step is VENUE BID/ASK"; return 0; }
    if (!rtx_str_next_item(&prices, '/', &bid_text) || !rtx_str_next_item(&prices, '/', &ask_text)) {
        *why = "prices are BID/ASK";
        return 0;
    }
    st->digits = decimals(bid_text) > decimals(ask_text) ? decimals(bid_text) : decimals(ask_text);
    if (!rtx_config_parse_fixed(bid_text, st->digits, &st->bid) || !rtx_config_parse_fixed(ask_text, st->digits, &st->ask)) {
        *why = "prices must be decimals";
        return 0;
    }
    while (rtx_str_next_item(&rest, ' ', &word)) {
        if (rtx_str_equals(word, "stale")) {
            st->stale = 1;
        } else if (word.length > 1 && word.data[0] == 'x') {
            rtx_str_t count = {word.data + 1, word.length - 1};
            if (!rtx_config_parse_int(count, &st->times) || st->times < 1 || st->times > 100000) {
                *why = "xN takes a count 1..100000";
                return 0;
            }
        } else {
            *why = "a quote step ends with [stale] [xN]";
            return 0;
        }
    }
    return 1;
}

static rtx_status_t create(const rtx_lp_adapter_factory_t *f, const rtx_host_t *host, rtx_lp_adapter_t **out, rtx_error_t *e)
{
    static const char *const known[] = {"interval_ms", "then", "script", NULL};
    scripted_t *s;
    rtx_config_t config;
    rtx_str_t value, rest, item;
    uint32_t line;
    rtx_status_t status;
    (void)f;
    memset(&config, 0, sizeof config);
    config.struct_size = sizeof config;
    host->get_config(host, &config);
    if ((status = rtx_config_check_keys(&config, known, e)) != RTX_OK) return status;
    s = calloc(1, sizeof *s);
    if (s == NULL) return rtx_error_set(e, RTX_E_INTERNAL, "scripted: no memory");
    s->interval_ms = 20;
    s->repeat = 1;
    if (rtx_config_find(config.text, "interval_ms", &value, &line)
        && (!rtx_config_parse_int(value, &s->interval_ms) || s->interval_ms < 1 || s->interval_ms > 60000)) {
        free(s);
        return rtx_config_error(e, &config, line, "interval_ms must be 1..60000");
    }
    if (rtx_config_find(config.text, "then", &value, &line)) {
        if (rtx_str_equals(value, "silent")) {
            s->repeat = 0;
        } else if (!rtx_str_equals(value, "repeat")) {
            free(s);
            return rtx_config_error(e, &config, line, "then must be repeat or silent");
        }
    }
    if (rtx_config_find(config.text, "script", &value, &line)) {
        rest = value;
        while (rtx_str_next_item(&rest, ',', &item)) {
            const char *why = "";
            if (s->step_count == MAX_STEPS) {
                free(s);
                return rtx_config_error(e, &config, line, "script: at most %d steps", MAX_STEPS);
            }
            if (!parse_step(item, &s->steps[s->step_count], &why)) {
                rtx_status_t r = rtx_config_error(e, &config, line, "script step '%.*s': %s", rtx_str_fmt_len(item), rtx_str_fmt_data(item), why);
                free(s);
                return r;
            }
            ++s->step_count;
        }
    }
    s->host = host;
    s->table.struct_size = sizeof s->table;
    s->table.plugin_data = s;
    s->table.start = start;
    s->table.stop = stop;
    s->table.subscribe = subscribe;
    s->table.unsubscribe = unsubscribe;
    s->table.send_order = send_order;
    s->table.cancel_order = cancel_order;
    s->table.destroy = destroy;
    s->table.get_stats = get_stats;
    *out = &s->table;
    return RTX_OK;
}

static const rtx_lp_adapter_factory_t factory = { sizeof(rtx_lp_adapter_factory_t), 0, create };
static const void *get_factory(const char *id) { return strcmp(id, RTX_FACTORY_LP_ADAPTER) == 0 ? &factory : NULL; }
static const rtx_plugin_descriptor_t descriptor = {
    sizeof(rtx_plugin_descriptor_t), RTX_ABI_VERSION_MAJOR, RTX_ABI_VERSION_MINOR, 0, RTX_BUILD_FINGERPRINT,
    "org.rtx.fixture.scripted-lp", "1.0.0", RTX_TOOLCHAIN_C, NULL, NULL, get_factory, "plays a script of quotes and states", "Apache-2.0"};
RTX_EXPORT const rtx_plugin_descriptor_t *rtx_plugin_entry_v1(void) { return &descriptor; }
