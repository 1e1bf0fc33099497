/*
 * Test fixture: a routing policy whose descriptor declares the ABI version given with
 * -DFIXTURE_MAJOR=N -DFIXTURE_MINOR=M, exported under the entry symbol of FIXTURE_ENTRY
 * (default rtx_plugin_entry_v1), reporting FIXTURE_TOOLCHAIN (default the C compiler). Used to prove the host refuses other majors and newer minors.
 */
#include <rtx/rtx.h>
#include <string.h>

#ifndef FIXTURE_TOOLCHAIN
#define FIXTURE_TOOLCHAIN RTX_TOOLCHAIN_C
#endif

#ifndef FIXTURE_ENTRY
#define FIXTURE_ENTRY rtx_plugin_entry_v1
#endif

static rtx_status_t decide(const rtx_routing_policy_t *self, const rtx_routing_context_t *context,
                           rtx_routing_decision_t *decision, rtx_error_t *error)
{
    (void)self; (void)context; (void)error;
    decision->book = RTX_BOOK_B;
    return RTX_OK;
}
static void destroy(rtx_routing_policy_t *self) { (void)self; }
static rtx_routing_policy_t instance = { sizeof(rtx_routing_policy_t), 0, NULL, decide, destroy };
static rtx_status_t create(const rtx_routing_policy_factory_t *f, const rtx_host_t *h, rtx_routing_policy_t **out, rtx_error_t *e)
{
    (void)f; (void)h; (void)e;
    *out = &instance;
    return RTX_OK;
}
static const rtx_routing_policy_factory_t factory = { sizeof(rtx_routing_policy_factory_t), 0, create };
static const void *get_factory(const char *id) { return strcmp(id, RTX_FACTORY_ROUTING_POLICY) == 0 ? &factory : NULL; }

static const rtx_plugin_descriptor_t descriptor = {
    sizeof(rtx_plugin_descriptor_t), FIXTURE_MAJOR, FIXTURE_MINOR, 0, RTX_BUILD_FINGERPRINT,
    "org.rtx.fixture.abi-version", "1.0.0", FIXTURE_TOOLCHAIN, NULL, NULL, get_factory, NULL, NULL};

RTX_EXPORT const rtx_plugin_descriptor_t *FIXTURE_ENTRY(void);
RTX_EXPORT const rtx_plugin_descriptor_t *FIXTURE_ENTRY(void) { return &descriptor; }
