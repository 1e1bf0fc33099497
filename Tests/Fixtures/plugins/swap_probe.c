/*
 * Test fixture for hot swap: a routing policy and a fee model whose instances live in a
 * static pool and are never freed, so a call into a destroyed instance is detected (and
 * counted) instead of crashing. Config (flat):
 *   generation: N    echoed in every answer ("gen=N" in the reason, N as per-lot commission)
 *   spin_us: N       busy-wait this long inside each call (default 0)
 *   fail_create: yes create fails with RTX_E_CONFIG
 * Build variants with -DPROBE_VARIANT="A" / "B" give different bytes and a different
 * `variant=` in the reason, to prove which build answered.
 * Exported for tests: swap_probe_counters(created, destroyed, calls_after_destroy).
 */
#define _POSIX_C_SOURCE 200809L
#include <rtx/rtx.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#ifndef PROBE_VARIANT
#define PROBE_VARIANT "A"
#endif

#define POOL 8192
enum { FREE = 0, LIVE = 1, DEAD = 2 };

typedef struct {
    rtx_routing_policy_t routing;
    rtx_fee_model_t fees;
    _Atomic int state;
    int64_t generation;
    int64_t spin_ns;
} probe_t;

static probe_t pool[POOL];
static _Atomic int next_slot;
static _Atomic long created, destroyed, calls_after_destroy;

RTX_EXPORT void swap_probe_counters(long *c, long *d, long *after);
RTX_EXPORT void swap_probe_counters(long *c, long *d, long *after)
{
    *c = atomic_load(&created);
    *d = atomic_load(&destroyed);
    *after = atomic_load(&calls_after_destroy);
}

static void spin(int64_t ns)
{
    struct timespec start, now;
    if (ns <= 0) return;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do {
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while ((now.tv_sec - start.tv_sec) * 1000000000LL + (now.tv_nsec - start.tv_nsec) < ns);
}

static int alive(probe_t *p, rtx_error_t *error)
{
    if (atomic_load(&p->state) != LIVE) {
        atomic_fetch_add(&calls_after_destroy, 1);
        rtx_error_set(error, RTX_E_INTERNAL, "called after destroy");
        return 0;
    }
    return 1;
}

static rtx_status_t decide(const rtx_routing_policy_t *self, const rtx_routing_context_t *c, rtx_routing_decision_t *d,
                           rtx_error_t *error)
{
    probe_t *p = (probe_t *)self->plugin_data;
    (void)c;
    if (!alive(p, error)) return RTX_E_INTERNAL;
    spin(p->spin_ns);
    d->book = RTX_BOOK_B;
    snprintf(d->reason, sizeof d->reason, "variant=%s gen=%lld", PROBE_VARIANT, (long long)p->generation);
    if (!alive(p, error)) return RTX_E_INTERNAL;
    return RTX_OK;
}

static rtx_str_t str(const char *t) { rtx_str_t s; s.data = t; s.length = strlen(t); return s; }

static rtx_status_t build(const rtx_fee_model_t *self, const rtx_fee_request_t *r, const rtx_fee_schedule_sink_t *sink,
                          rtx_error_t *error)
{
    probe_t *p = (probe_t *)self->plugin_data;
    rtx_commission_tier_t tier;
    (void)r;
    if (!alive(p, error)) return RTX_E_INTERNAL;
    spin(p->spin_ns);
    memset(&tier, 0, sizeof tier);
    tier.struct_size = sizeof tier;
    tier.charge = RTX_COMMISSION_ON_ENTRY_AND_EXIT;
    tier.group = str("*");
    tier.symbol = str("*");
    tier.currency = str("USD");
    tier.per_lot_money = p->generation;
    if (sink->add_commission_tier(sink, &tier) != RTX_OK) return rtx_error_set(error, RTX_E_INTERNAL, "tier refused");
    if (!alive(p, error)) return RTX_E_INTERNAL;
    return RTX_OK;
}

static void destroy_probe(probe_t *p)
{
    int expected = LIVE;
    if (atomic_compare_exchange_strong(&p->state, &expected, DEAD)) atomic_fetch_add(&destroyed, 1);
}
static void destroy_routing(rtx_routing_policy_t *self) { destroy_probe((probe_t *)self->plugin_data); }
static void destroy_fees(rtx_fee_model_t *self) { destroy_probe((probe_t *)self->plugin_data); }

static probe_t *create_probe(const rtx_host_t *host, rtx_error_t *error)
{
    rtx_config_t config;
    rtx_str_t value;
    uint32_t line;
    int64_t n = 0;
    int slot = atomic_fetch_add(&next_slot, 1);
    probe_t *p;
    if (slot >= POOL) {
        rtx_error_set(error, RTX_E_LIMIT, "swap probe pool exhausted");
        return NULL;
    }
    p = &pool[slot];
    memset(&config, 0, sizeof config);
    config.struct_size = sizeof config;
    host->get_config(host, &config);
    if (rtx_config_find(config.text, "fail_create", &value, &line) && rtx_str_equals(value, "yes")) {
        rtx_error_set(error, RTX_E_CONFIG, "fail_create: yes");
        return NULL;
    }
    p->generation = rtx_config_find(config.text, "generation", &value, &line) && rtx_config_parse_int(value, &n) ? n : 0;
    p->spin_ns = rtx_config_find(config.text, "spin_us", &value, &line) && rtx_config_parse_int(value, &n) ? n * 1000 : 0;
    atomic_store(&p->state, LIVE);
    atomic_fetch_add(&created, 1);
    return p;
}

static rtx_status_t create_routing(const rtx_routing_policy_factory_t *f, const rtx_host_t *host, rtx_routing_policy_t **out,
                                   rtx_error_t *error)
{
    probe_t *p = create_probe(host, error);
    (void)f;
    if (p == NULL) return error->code;
    p->routing.struct_size = sizeof p->routing;
    p->routing.plugin_data = p;
    p->routing.decide = decide;
    p->routing.destroy = destroy_routing;
    *out = &p->routing;
    return RTX_OK;
}

static rtx_status_t create_fees(const rtx_fee_model_factory_t *f, const rtx_host_t *host, rtx_fee_model_t **out,
                                rtx_error_t *error)
{
    probe_t *p = create_probe(host, error);
    (void)f;
    if (p == NULL) return error->code;
    p->fees.struct_size = sizeof p->fees;
    p->fees.plugin_data = p;
    p->fees.build_schedule = build;
    p->fees.destroy = destroy_fees;
    *out = &p->fees;
    return RTX_OK;
}

static const rtx_routing_policy_factory_t routing_factory = { sizeof(rtx_routing_policy_factory_t), 0, create_routing };
static const rtx_fee_model_factory_t fee_factory = { sizeof(rtx_fee_model_factory_t), 0, create_fees };

static const void *get_factory(const char *id)
{
    if (strcmp(id, RTX_FACTORY_ROUTING_POLICY) == 0) return &routing_factory;
    if (strcmp(id, RTX_FACTORY_FEE_MODEL) == 0) return &fee_factory;
    return NULL;
}

static const rtx_plugin_descriptor_t descriptor = {
    sizeof(rtx_plugin_descriptor_t), RTX_ABI_VERSION_MAJOR, RTX_ABI_VERSION_MINOR, 0, RTX_BUILD_FINGERPRINT,
    "org.rtx.fixture.swap-probe", "1.0.0-" PROBE_VARIANT, RTX_TOOLCHAIN_C, NULL, NULL, get_factory, "hot-swap probe", "Apache-2.0"};

RTX_EXPORT const rtx_plugin_descriptor_t *rtx_plugin_entry_v1(void) { return &descriptor; }
