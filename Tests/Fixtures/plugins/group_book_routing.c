/*
 * Test fixture: a routing policy that books by account group, for the engine's end-to-end
 * tests. Groups whose name starts with "a" go to the A-Book, "c" to the C-Book hedged
 * 50 % at the LP named in the config line "lp: ID" (empty: any), everything else to the
 * B-Book. The reason says which rule applied.
 */
#include <rtx/rtx.h>
#include <stdio.h>
#include <string.h>

static char preferred_lp[RTX_LP_ID_CAPACITY];

static rtx_status_t decide(const rtx_routing_policy_t *self, const rtx_routing_context_t *context,
                           rtx_routing_decision_t *decision, rtx_error_t *error)
{
    (void)self; (void)error;
    char first = context->group.length > 0 ? context->group.data[0] : 0;
    if (first == 'a') {
        decision->book = RTX_BOOK_A;
        decision->hedge_ratio_ppm = RTX_RATIO_SCALE;
    } else if (first == 'c') {
        decision->book = RTX_BOOK_C;
        decision->hedge_ratio_ppm = RTX_RATIO_SCALE / 2;
    } else {
        decision->book = RTX_BOOK_B;
        decision->hedge_ratio_ppm = 0;
    }
    snprintf(decision->preferred_lp, sizeof decision->preferred_lp, "%s", decision->book == RTX_BOOK_B ? "" : preferred_lp);
    snprintf(decision->reason, sizeof decision->reason, "group %.*s books %c", (int)context->group.length,
             context->group.data ? context->group.data : "", decision->book == RTX_BOOK_A ? 'A' : decision->book == RTX_BOOK_C ? 'C' : 'B');
    return RTX_OK;
}

static void destroy(rtx_routing_policy_t *self) { (void)self; }

static rtx_routing_policy_t instance = { sizeof(rtx_routing_policy_t), 0, NULL, decide, destroy };

static rtx_status_t create(const rtx_routing_policy_factory_t *factory, const rtx_host_t *host,
                           rtx_routing_policy_t **out, rtx_error_t *error)
{
    (void)factory; (void)error;
    preferred_lp[0] = 0;
    rtx_config_t config;
    memset(&config, 0, sizeof config);
    config.struct_size = sizeof config;
    if (host->get_config != NULL && host->get_config(host, &config) == RTX_OK && config.text.data != NULL) {
        char text[512];
        size_t length = config.text.length < sizeof text - 1 ? config.text.length : sizeof text - 1;
        memcpy(text, config.text.data, length);
        text[length] = 0;
        const char *key = strstr(text, "lp:");
        if (key != NULL) {
            key += 3;
            while (*key == ' ') key++;
            size_t n = 0;
            while (key[n] && key[n] != '\n' && key[n] != ' ' && n + 1 < sizeof preferred_lp) n++;
            memcpy(preferred_lp, key, n);
            preferred_lp[n] = 0;
        }
    }
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
    "org.rtx.fixture.group-book", "1.0.0", RTX_TOOLCHAIN_C, NULL, NULL, get_factory,
    "books A, B or C by account group", "Apache-2.0"};

RTX_EXPORT const rtx_plugin_descriptor_t *rtx_plugin_entry_v1(void) { return &descriptor; }
