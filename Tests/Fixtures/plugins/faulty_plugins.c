/*
 * Test fixture: a routing policy and a fee model that misbehave as configured, to prove the
 * host refuses bad answers. Config (flat): `mode: <name>`.
 *   routing modes: ok, error, bad-book, bad-hedge, unterminated, unknown-lp
 *   fee modes:     ok, error, bad-currency, negative, unknown-symbol,
 *                  ignore-sink-errors (adds a bad tier and returns RTX_OK anyway)
 * Also `fail_create: yes` makes create fail with RTX_E_CONFIG naming the line.
 */
#include <rtx/rtx.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char mode[32]; } settings;

static rtx_status_t read_settings(const rtx_host_t *host, settings *s, rtx_error_t *error)
{
    rtx_config_t config;
    rtx_str_t value;
    uint32_t line;
    memset(&config, 0, sizeof config);
    config.struct_size = sizeof config;
    host->get_config(host, &config);
    strcpy(s->mode, "ok");
    if (rtx_config_find(config.text, "fail_create", &value, &line) && rtx_str_equals(value, "yes")) {
        char message[128];
        snprintf(message, sizeof message, "%.*s:%u: fail_create is yes", (int)config.source_path.length,
                 config.source_path.data, (unsigned)(config.first_line + line));
        return rtx_error_set(error, RTX_E_CONFIG, message);
    }
    if (rtx_config_find(config.text, "mode", &value, &line)) {
        if (value.length >= sizeof s->mode) return rtx_error_set(error, RTX_E_CONFIG, "mode too long");
        memcpy(s->mode, value.data, value.length);
        s->mode[value.length] = '\0';
    }
    return RTX_OK;
}

/* ---- routing ---- */
typedef struct { rtx_routing_policy_t table; settings s; } policy;

static rtx_status_t decide(const rtx_routing_policy_t *self, const rtx_routing_context_t *c, rtx_routing_decision_t *d,
                           rtx_error_t *error)
{
    const settings *s = &((const policy *)self->plugin_data)->s;
    (void)c;
    d->book = RTX_BOOK_C;
    d->hedge_ratio_ppm = 250000;
    strcpy(d->reason, "faulty fixture");
    if (strcmp(s->mode, "error") == 0) return rtx_error_set(error, RTX_E_INTERNAL, "fixture asked to fail");
    if (strcmp(s->mode, "bad-book") == 0) d->book = 7;
    if (strcmp(s->mode, "bad-hedge") == 0) d->hedge_ratio_ppm = 1500000;
    if (strcmp(s->mode, "unterminated") == 0) memset(d->reason, 'x', sizeof d->reason);
    if (strcmp(s->mode, "unknown-lp") == 0) strcpy(d->preferred_lp, "no-such-lp");
    return RTX_OK;
}
static void destroy_policy(rtx_routing_policy_t *self) { free(self->plugin_data); }
static rtx_status_t create_policy(const rtx_routing_policy_factory_t *f, const rtx_host_t *host, rtx_routing_policy_t **out,
                                  rtx_error_t *error)
{
    policy *p = calloc(1, sizeof *p);
    rtx_status_t status;
    (void)f;
    if (p == NULL) return rtx_error_set(error, RTX_E_INTERNAL, "out of memory");
    status = read_settings(host, &p->s, error);
    if (status != RTX_OK) { free(p); return status; }
    p->table.struct_size = sizeof p->table;
    p->table.plugin_data = p;
    p->table.decide = decide;
    p->table.destroy = destroy_policy;
    *out = &p->table;
    return RTX_OK;
}
static const rtx_routing_policy_factory_t policy_factory = { sizeof(rtx_routing_policy_factory_t), 0, create_policy };

/* ---- fee model ---- */
typedef struct { rtx_fee_model_t table; settings s; } model;

static rtx_str_t str(const char *text) { rtx_str_t s; s.data = text; s.length = strlen(text); return s; }

static rtx_status_t build(const rtx_fee_model_t *self, const rtx_fee_request_t *request, const rtx_fee_schedule_sink_t *sink,
                          rtx_error_t *error)
{
    const settings *s = &((const model *)self->plugin_data)->s;
    rtx_commission_tier_t tier;
    rtx_status_t status;
    (void)request;
    if (strcmp(s->mode, "error") == 0) return rtx_error_set(error, RTX_E_INTERNAL, "fixture asked to fail");
    memset(&tier, 0, sizeof tier);
    tier.struct_size = sizeof tier;
    tier.charge = RTX_COMMISSION_ON_ENTRY_AND_EXIT;
    tier.group = str("*");
    tier.symbol = str(strcmp(s->mode, "unknown-symbol") == 0 ? "NOPE" : "*");
    tier.currency = str(strcmp(s->mode, "bad-currency") == 0 || strcmp(s->mode, "ignore-sink-errors") == 0 ? "usd" : "USD");
    tier.per_lot_money = strcmp(s->mode, "negative") == 0 ? -1 : 350000000;
    status = sink->add_commission_tier(sink, &tier);
    if (status != RTX_OK && strcmp(s->mode, "ignore-sink-errors") != 0) {
        return rtx_error_set(error, status, "the host refused a commission tier");
    }
    return RTX_OK;
}
static void destroy_model(rtx_fee_model_t *self) { free(self->plugin_data); }
static rtx_status_t create_model(const rtx_fee_model_factory_t *f, const rtx_host_t *host, rtx_fee_model_t **out,
                                 rtx_error_t *error)
{
    model *m = calloc(1, sizeof *m);
    rtx_status_t status;
    (void)f;
    if (m == NULL) return rtx_error_set(error, RTX_E_INTERNAL, "out of memory");
    status = read_settings(host, &m->s, error);
    if (status != RTX_OK) { free(m); return status; }
    m->table.struct_size = sizeof m->table;
    m->table.plugin_data = m;
    m->table.build_schedule = build;
    m->table.destroy = destroy_model;
    *out = &m->table;
    return RTX_OK;
}
static const rtx_fee_model_factory_t model_factory = { sizeof(rtx_fee_model_factory_t), 0, create_model };

static const void *get_factory(const char *id)
{
    if (strcmp(id, RTX_FACTORY_ROUTING_POLICY) == 0) return &policy_factory;
    if (strcmp(id, RTX_FACTORY_FEE_MODEL) == 0) return &model_factory;
    return NULL;
}

static const rtx_plugin_descriptor_t descriptor = {
    sizeof(rtx_plugin_descriptor_t), RTX_ABI_VERSION_MAJOR, RTX_ABI_VERSION_MINOR, 0, RTX_BUILD_FINGERPRINT,
    "org.rtx.fixture.faulty", "1.0.0", RTX_TOOLCHAIN_C, NULL, NULL, get_factory, "misbehaves on purpose", "Apache-2.0"};

RTX_EXPORT const rtx_plugin_descriptor_t *rtx_plugin_entry_v1(void) { return &descriptor; }
