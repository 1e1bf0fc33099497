/*
 * Test fixture: a routing policy compiled twice (-DFIXTURE_NAME="a" and "b") into two
 * libraries that export the SAME symbol names (rtx_fixture_identity, rtx_fixture_calls and
 * the entry). Loaded side by side with RTLD_LOCAL, each must keep using its own.
 */
#include <rtx/rtx.h>
#include <stdio.h>
#include <string.h>

#ifndef FIXTURE_NAME
#error "compile with -DFIXTURE_NAME=\"a\""
#endif

/* Deliberately exported (default visibility) and identically named in both builds. */
RTX_EXPORT int rtx_fixture_calls = 0;
RTX_EXPORT const char *rtx_fixture_identity(void) { return FIXTURE_NAME; }

static rtx_status_t decide(const rtx_routing_policy_t *self, const rtx_routing_context_t *context,
                           rtx_routing_decision_t *decision, rtx_error_t *error)
{
    (void)self; (void)context; (void)error;
    rtx_fixture_calls += 1;
    decision->book = RTX_BOOK_B;
    snprintf(decision->reason, sizeof decision->reason, "identity=%s calls=%d", rtx_fixture_identity(), rtx_fixture_calls);
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
    "org.rtx.fixture.identity-" FIXTURE_NAME, "1.0.0", RTX_TOOLCHAIN_C, NULL, NULL, get_factory,
    "identity fixture", "Apache-2.0"};

RTX_EXPORT const rtx_plugin_descriptor_t *rtx_plugin_entry_v1(void) { return &descriptor; }
