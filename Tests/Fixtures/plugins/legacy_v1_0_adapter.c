/*
 * Test fixture: an LP adapter as built against the ABI 1.0 headers. Its descriptor and its
 * adapter table have the 1.0 layouts (no description/license, no get_stats), declared here
 * as the 1.0 headers declared them, so the host must read only struct_size bytes of each.
 * start() pushes one quote for every subscribed symbol and reports CONNECTED.
 */
#include <rtx/rtx.h>
#include <string.h>

/* rtx_plugin_descriptor_t as of ABI 1.0. */
typedef struct {
    uint32_t struct_size, abi_major, abi_minor, reserved0;
    const char *build_fingerprint, *plugin_id, *plugin_version, *toolchain;
    rtx_status_t (*init)(const rtx_host_t *, rtx_error_t *);
    void (*deinit)(void);
    const void *(*get_factory)(const char *);
} descriptor_1_0;
RTX_STATIC_ASSERT(sizeof(descriptor_1_0) == RTX_PLUGIN_DESCRIPTOR_SIZE_1_0, "1.0 descriptor layout");

/* rtx_lp_adapter_t as of ABI 1.0. */
typedef struct adapter_1_0 {
    uint32_t struct_size, reserved0;
    void *plugin_data;
    rtx_status_t (*start)(struct adapter_1_0 *, rtx_error_t *);
    void (*stop)(struct adapter_1_0 *);
    rtx_status_t (*subscribe)(struct adapter_1_0 *, const rtx_subscription_t *, uint32_t, rtx_error_t *);
    rtx_status_t (*unsubscribe)(struct adapter_1_0 *, const rtx_symbol_id_t *, uint32_t, rtx_error_t *);
    rtx_status_t (*send_order)(struct adapter_1_0 *, const rtx_order_request_t *, rtx_error_t *);
    rtx_status_t (*cancel_order)(struct adapter_1_0 *, const rtx_cancel_request_t *, rtx_error_t *);
    void (*destroy)(struct adapter_1_0 *);
} adapter_1_0;
RTX_STATIC_ASSERT(sizeof(adapter_1_0) == RTX_LP_ADAPTER_SIZE_1_0, "1.0 adapter layout");

/* The instance lives in a block whose bytes after the 1.0 table are poison: a host that
 * read a get_stats pointer from there would jump to 0x1 and crash the test. */
static struct { adapter_1_0 table; void *poison[4]; } block;
static const rtx_host_t *g_host;
static rtx_symbol_id_t g_symbols[16];
static uint32_t g_count;

static rtx_status_t start(adapter_1_0 *self, rtx_error_t *error)
{
    uint32_t i;
    rtx_str_t reason = { "legacy fixture", 14 };
    (void)self; (void)error;
    g_host->emit_connection_state(g_host, RTX_CONNECTION_CONNECTED, reason);
    for (i = 0; i < g_count; ++i) {
        rtx_quote_t q;
        memset(&q, 0, sizeof q);
        q.struct_size = sizeof q;
        q.symbol_id = g_symbols[i];
        q.price_digits = 5;
        q.bid_ticks = 108500;
        q.ask_ticks = 108508;
        g_host->emit_quote(g_host, &q);
    }
    return RTX_OK;
}
static void stop(adapter_1_0 *self) { (void)self; }
static rtx_status_t subscribe(adapter_1_0 *self, const rtx_subscription_t *s, uint32_t n, rtx_error_t *e)
{
    uint32_t i;
    (void)self; (void)e;
    for (i = 0; i < n && g_count < 16; ++i) g_symbols[g_count++] = s[i].symbol_id;
    return RTX_OK;
}
static rtx_status_t unsubscribe(adapter_1_0 *self, const rtx_symbol_id_t *ids, uint32_t n, rtx_error_t *e)
{
    (void)self; (void)ids; (void)n; (void)e;
    return RTX_OK;
}
static rtx_status_t send_order(adapter_1_0 *self, const rtx_order_request_t *o, rtx_error_t *e)
{
    (void)self; (void)o;
    return rtx_error_set(e, RTX_E_UNSUPPORTED, "legacy fixture does not trade");
}
static rtx_status_t cancel_order(adapter_1_0 *self, const rtx_cancel_request_t *c, rtx_error_t *e)
{
    (void)self; (void)c;
    return rtx_error_set(e, RTX_E_UNSUPPORTED, "legacy fixture does not trade");
}
static void destroy(adapter_1_0 *self) { (void)self; }

static rtx_status_t create(const void *factory, const rtx_host_t *host, adapter_1_0 **out, rtx_error_t *error)
{
    (void)factory; (void)error;
    g_host = host;
    block.table.struct_size = sizeof(adapter_1_0);
    block.table.start = start;
    block.table.stop = stop;
    block.table.subscribe = subscribe;
    block.table.unsubscribe = unsubscribe;
    block.table.send_order = send_order;
    block.table.cancel_order = cancel_order;
    block.table.destroy = destroy;
    block.poison[0] = block.poison[1] = block.poison[2] = block.poison[3] = (void *)1;
    *out = &block.table;
    return RTX_OK;
}

static const struct {
    uint32_t struct_size, reserved0;
    rtx_status_t (*create)(const void *, const rtx_host_t *, adapter_1_0 **, rtx_error_t *);
} factory = { 16, 0, create };
static const void *get_factory(const char *id) { return strcmp(id, RTX_FACTORY_LP_ADAPTER) == 0 ? (const void *)&factory : NULL; }

/* Poison after the 1.0 descriptor too: description/license must not be read. */
static const struct { descriptor_1_0 d; const char *poison[2]; } descriptor = {
    { sizeof(descriptor_1_0), 1, 0, 0, RTX_BUILD_FINGERPRINT, "org.rtx.fixture.legacy-1-0", "0.9.0", RTX_TOOLCHAIN_C,
      NULL, NULL, get_factory },
    { (const char *)1, (const char *)1 } };

RTX_EXPORT const rtx_plugin_descriptor_t *rtx_plugin_entry_v1(void) { return (const rtx_plugin_descriptor_t *)&descriptor; }
