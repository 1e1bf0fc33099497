/*
 * Benchmark and test fixture: an LP adapter whose thread pushes `count` quotes (config,
 * default 10000000) into the host as fast as it can after start, round-robin over the
 * subscribed symbols, then idles until stop. get_stats: messages_received counts attempts,
 * quotes_emitted the quotes the host took (RTX_OK); the rest were refused or dropped.
 */
#define _POSIX_C_SOURCE 200809L
#include <rtx/rtx.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SYMBOLS 64

typedef struct {
    rtx_lp_adapter_t table;
    const rtx_host_t *host;
    pthread_t thread;
    _Atomic int running;
    rtx_symbol_id_t symbols[MAX_SYMBOLS];
    uint32_t symbol_count;
    int64_t count;
    _Atomic uint64_t attempts, taken;
} burst_t;

static void *run(void *arg)
{
    burst_t *b = arg;
    rtx_quote_t q;
    int64_t i;
    memset(&q, 0, sizeof q);
    q.struct_size = sizeof q;
    q.price_digits = 5;
    q.bid_volume = q.ask_volume = 100000000;
    for (i = 0; i < b->count && atomic_load_explicit(&b->running, memory_order_relaxed); ++i) {
        q.symbol_id = b->symbols[i % b->symbol_count];
        q.bid_ticks = 108500 + (i & 7);
        q.ask_ticks = q.bid_ticks + 8;
        if (b->host->emit_quote(b->host, &q) == RTX_OK) {
            atomic_fetch_add_explicit(&b->taken, 1, memory_order_relaxed);
        }
        atomic_fetch_add_explicit(&b->attempts, 1, memory_order_relaxed);
    }
    while (atomic_load(&b->running)) {
        struct timespec t = {0, 1000000};
        nanosleep(&t, NULL);
    }
    return NULL;
}

static rtx_status_t start(rtx_lp_adapter_t *self, rtx_error_t *e)
{
    burst_t *b = self->plugin_data;
    if (b->symbol_count == 0) return rtx_error_set(e, RTX_E_STATE, "burst: subscribe at least one symbol first");
    atomic_store(&b->running, 1);
    if (pthread_create(&b->thread, NULL, run, b) != 0) return rtx_error_set(e, RTX_E_INTERNAL, "burst: no thread");
    return RTX_OK;
}
static void stop(rtx_lp_adapter_t *self)
{
    burst_t *b = self->plugin_data;
    if (atomic_exchange(&b->running, 0)) pthread_join(b->thread, NULL);
}
static rtx_status_t subscribe(rtx_lp_adapter_t *self, const rtx_subscription_t *s, uint32_t n, rtx_error_t *e)
{
    burst_t *b = self->plugin_data;
    uint32_t i;
    const char *p = (const char *)s;
    for (i = 0; i < n; ++i, p += s[0].struct_size) {
        if (b->symbol_count == MAX_SYMBOLS) return rtx_error_set(e, RTX_E_LIMIT, "burst: at most 64 symbols");
        b->symbols[b->symbol_count++] = ((const rtx_subscription_t *)p)->symbol_id;
    }
    return RTX_OK;
}
static rtx_status_t unsubscribe(rtx_lp_adapter_t *self, const rtx_symbol_id_t *ids, uint32_t n, rtx_error_t *e)
{
    (void)self; (void)ids; (void)n;
    return rtx_error_set(e, RTX_E_UNSUPPORTED, "burst: cannot unsubscribe");
}
static rtx_status_t send_order(rtx_lp_adapter_t *self, const rtx_order_request_t *o, rtx_error_t *e)
{
    (void)self; (void)o;
    return rtx_error_set(e, RTX_E_UNSUPPORTED, "burst: quotes only");
}
static rtx_status_t cancel_order(rtx_lp_adapter_t *self, const rtx_cancel_request_t *c, rtx_error_t *e)
{
    (void)self; (void)c;
    return rtx_error_set(e, RTX_E_UNSUPPORTED, "burst: quotes only");
}
static rtx_status_t get_stats(const rtx_lp_adapter_t *self, rtx_lp_stats_t *s)
{
    burst_t *b = self->plugin_data;
    s->messages_received = atomic_load(&b->attempts);
    s->quotes_emitted = atomic_load(&b->taken);
    return RTX_OK;
}
static void destroy(rtx_lp_adapter_t *self) { free(self->plugin_data); }

static rtx_status_t create(const rtx_lp_adapter_factory_t *f, const rtx_host_t *host, rtx_lp_adapter_t **out, rtx_error_t *e)
{
    burst_t *b = calloc(1, sizeof *b);
    rtx_config_t config;
    rtx_str_t value;
    uint32_t line;
    (void)f;
    if (b == NULL) return rtx_error_set(e, RTX_E_INTERNAL, "burst: no memory");
    memset(&config, 0, sizeof config);
    config.struct_size = sizeof config;
    host->get_config(host, &config);
    b->count = 10000000;
    if (rtx_config_find(config.text, "count", &value, &line) && (!rtx_config_parse_int(value, &b->count) || b->count < 1)) {
        free(b);
        return rtx_error_set(e, RTX_E_CONFIG, "burst: count must be a positive integer");
    }
    b->host = host;
    b->table.struct_size = sizeof b->table;
    b->table.plugin_data = b;
    b->table.start = start;
    b->table.stop = stop;
    b->table.subscribe = subscribe;
    b->table.unsubscribe = unsubscribe;
    b->table.send_order = send_order;
    b->table.cancel_order = cancel_order;
    b->table.destroy = destroy;
    b->table.get_stats = get_stats;
    *out = &b->table;
    return RTX_OK;
}

static const rtx_lp_adapter_factory_t factory = { sizeof(rtx_lp_adapter_factory_t), 0, create };
static const void *get_factory(const char *id) { return strcmp(id, RTX_FACTORY_LP_ADAPTER) == 0 ? &factory : NULL; }
static const rtx_plugin_descriptor_t descriptor = {
    sizeof(rtx_plugin_descriptor_t), RTX_ABI_VERSION_MAJOR, RTX_ABI_VERSION_MINOR, 0, RTX_BUILD_FINGERPRINT,
    "org.rtx.fixture.burst-lp", "1.0.0", RTX_TOOLCHAIN_C, NULL, NULL, get_factory, "pushes quotes as fast as it can", "Apache-2.0"};
RTX_EXPORT const rtx_plugin_descriptor_t *rtx_plugin_entry_v1(void) { return &descriptor; }
