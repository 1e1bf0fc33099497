/*
 * Test fixture: a routing policy that books B and writes what it was shown into its reason,
 * so a test can compare the routing context the engine journaled with the one the policy saw.
 * Reason: "a=ACCOUNT g=GROUP s=SYMBOL v=VOLUME b=BID k=ASK vp=VOL_PPM t=TRADES e=EQUITY
 *          x=A/B/C l=COUNT:LP0:STATE0" (integers as the ABI carries them).
 */
#include <rtx/rtx.h>
#include <stdio.h>
#include <string.h>

static rtx_status_t decide(const rtx_routing_policy_t *self, const rtx_routing_context_t *c,
                           rtx_routing_decision_t *decision, rtx_error_t *error)
{
    (void)self; (void)error;
    const char *lp = "-";
    int lp_len = 1;
    int lp_state = -1;
    if (c->lp_state_count > 0) {
        const rtx_lp_state_t *first = c->lp_states;
        lp = first->lp_id.data;
        lp_len = (int)first->lp_id.length;
        lp_state = (int)first->state;
    }
    decision->book = RTX_BOOK_B;
    snprintf(decision->reason, sizeof decision->reason,
             "a=%llu g=%.*s s=%.*s v=%lld b=%lld k=%lld vp=%u t=%llu e=%lld x=%lld/%lld/%lld l=%u:%.*s:%d",
             (unsigned long long)c->account_id, (int)c->group.length, c->group.data, (int)c->symbol.length, c->symbol.data,
             (long long)c->volume, (long long)c->bid_ticks, (long long)c->ask_ticks, (unsigned)c->volatility_ppm,
             (unsigned long long)c->account_trade_count, (long long)c->account_equity, (long long)c->exposure_a_book,
             (long long)c->exposure_b_book, (long long)c->exposure_c_book, (unsigned)c->lp_state_count, lp_len, lp, lp_state);
    return RTX_OK;
}

static void destroy(rtx_routing_policy_t *self) { (void)self; }

static rtx_routing_policy_t instance = { sizeof(rtx_routing_policy_t), 0, NULL, decide, destroy };

static rtx_status_t create(const rtx_routing_policy_factory_t *factory, const rtx_host_t *host,
                           rtx_routing_policy_t **out, rtx_error_t *error)
{
    (void)factory; (void)host; (void)error;
    *out = &instance;
    return RTX_OK;
}

static const rtx_routing_policy_factory_t factory = { sizeof(rtx_routing_policy_factory_t), 0, create };

static const void *get_factory(const char *id)
{
    return strcmp(id, RTX_FACTORY_ROUTING_POLICY) == 0 ? &factory : NULL;
}

static const rtx_plugin_descriptor_t descriptor = {
    sizeof(rtx_plugin_descriptor_t), RTX_ABI_VERSION_MAJOR, RTX_ABI_VERSION_MINOR, 0, RTX_BUILD_FINGERPRINT,
    "org.rtx.fixture.context-echo", "1.0.0", RTX_TOOLCHAIN_C, NULL, NULL, get_factory,
    "context echo fixture", "Apache-2.0"};

RTX_EXPORT const rtx_plugin_descriptor_t *rtx_plugin_entry_v1(void) { return &descriptor; }
