/*
 * b_book_routing.c — example RTX routing policy: books every order on the B-Book.
 *
 * The broker takes the other side of every client order internally: book RTX_BOOK_B, hedge
 * ratio 0, no preferred LP, and a fixed reason for the decision record.
 *
 * Build (one line, from the repository root):
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -O2 -shared -fPIC -fvisibility=hidden -I sdk/include -o libb_book_routing.so sdk/examples/b_book_routing.c -lpthread
 *
 * Config (flat `key: value` lines in the instance's `config:` block of plugins.yaml):
 *   reason: <text>   optional; the decision's reason, at most RTX_REASON_CAPACITY - 1 (159)
 *                    bytes; default "all-b-book policy"
 *
 * Threads: create and destroy run on the host's control thread; decide() runs on any thread,
 * concurrently. The instance is immutable after create, so decide() needs no lock, never
 * blocks and never allocates.
 * Memory: the instance is one calloc'd block owned by the plugin from create until destroy.
 * Nothing the host passes in is kept after the call that passed it.
 */
#include <rtx/rtx.h>

#include <stdlib.h>
#include <string.h>

#define DEFAULT_REASON "all-b-book policy"

/** The instance. The host sees only `table`; table.plugin_data points back at this block. */
typedef struct b_book_policy {
    rtx_routing_policy_t table;
    char reason[RTX_REASON_CAPACITY]; /* NUL-terminated, copied from config at create */
} b_book_policy_t;

/* ------------------------------------------------------------------------------------------
 * The policy.
 * ---------------------------------------------------------------------------------------- */

/**
 * [any thread, concurrently; non-blocking, allocation-free] Books the order on the B-Book.
 * context and decision are the host's, borrowed for the call; decision arrives zero-filled.
 */
static rtx_status_t RTX_ABI b_book_decide(const rtx_routing_policy_t *self, const rtx_routing_context_t *context,
                                          rtx_routing_decision_t *decision, rtx_error_t *error)
{
    const b_book_policy_t *policy;
    if (self == NULL || context == NULL || decision == NULL) {
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT, "b-book decide: self, context or decision is NULL");
    }
    if (decision->struct_size < sizeof(rtx_routing_decision_t)) {
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT,
                             "b-book decide: decision->struct_size is smaller than rtx_routing_decision_t");
    }
    policy = (const b_book_policy_t *)self->plugin_data;
    decision->book = RTX_BOOK_B;
    decision->hedge_ratio_ppm = 0;
    decision->preferred_lp[0] = '\0'; /* no LP: nothing goes to one */
    memcpy(decision->reason, policy->reason, sizeof decision->reason); /* NUL-terminated by create */
    return RTX_OK;
}

/** [control] Frees the instance; the host calls it once no decide() is running or can start. */
static void RTX_ABI b_book_destroy(rtx_routing_policy_t *self)
{
    if (self != NULL) {
        free(self->plugin_data);
    }
}

/**
 * [control] Creates an instance bound to host. Reads the optional `reason:`; on a bad config
 * returns RTX_E_CONFIG naming the manifest line. On success *out is the plugin's until destroy.
 */
static rtx_status_t RTX_ABI b_book_create(const rtx_routing_policy_factory_t *factory, const rtx_host_t *host,
                                          rtx_routing_policy_t **out, rtx_error_t *error)
{
    static const char *const known_keys[] = {"reason", NULL};
    rtx_config_t config;
    rtx_str_t value;
    uint32_t line = 0;
    rtx_status_t status;
    b_book_policy_t *policy;
    (void)factory;

    if (host == NULL || out == NULL || host->struct_size < sizeof(rtx_host_t)) {
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT,
                             "b-book create: host or out is NULL, or host table too small");
    }
    memset(&config, 0, sizeof config);
    config.struct_size = sizeof config;
    status = host->get_config(host, &config);
    if (status != RTX_OK) {
        return rtx_error_set(error, status, "b-book create: host->get_config failed");
    }
    status = rtx_config_check_keys(&config, known_keys, error);
    if (status != RTX_OK) {
        return status;
    }

    policy = (b_book_policy_t *)calloc(1, sizeof *policy);
    if (policy == NULL) {
        return rtx_error_set(error, RTX_E_INTERNAL, "b-book create: out of memory");
    }
    memcpy(policy->reason, DEFAULT_REASON, sizeof DEFAULT_REASON);
    if (rtx_config_find(config.text, "reason", &value, &line)) {
        if (value.length == 0) {
            free(policy);
            return rtx_config_error(error, &config, line, "reason: must not be empty (omit the key for \"%s\")",
                                    DEFAULT_REASON);
        }
        if (value.length >= RTX_REASON_CAPACITY) {
            free(policy);
            return rtx_config_error(error, &config, line, "reason: '%.40s...' is %zu bytes, longer than the %d allowed",
                                    value.data, value.length, RTX_REASON_CAPACITY - 1);
        }
        memcpy(policy->reason, value.data, value.length);
        policy->reason[value.length] = '\0';
    }

    policy->table.struct_size = sizeof policy->table;
    policy->table.plugin_data = policy;
    policy->table.decide = b_book_decide;
    policy->table.destroy = b_book_destroy;
    *out = &policy->table;
    return RTX_OK;
}

/* ------------------------------------------------------------------------------------------
 * Library entry: one factory, one descriptor, one exported symbol.
 * ---------------------------------------------------------------------------------------- */

static const rtx_routing_policy_factory_t b_book_factory = {
    sizeof(rtx_routing_policy_factory_t), 0, b_book_create,
};

/** [any thread, non-blocking] Static factories; NULL for kinds this library does not provide. */
static const void *RTX_ABI b_book_get_factory(const char *factory_id)
{
    if (factory_id != NULL && strcmp(factory_id, RTX_FACTORY_ROUTING_POLICY) == 0) {
        return &b_book_factory;
    }
    return NULL;
}

static const rtx_plugin_descriptor_t b_book_descriptor = {
    sizeof(rtx_plugin_descriptor_t),
    RTX_ABI_VERSION_MAJOR,
    RTX_ABI_VERSION_MINOR,
    0,
    RTX_BUILD_FINGERPRINT,
    "org.rtx.examples.b-book-routing",
    "1.0.0",
    RTX_TOOLCHAIN_C,
    NULL, /* init: nothing to set up per library */
    NULL, /* deinit */
    b_book_get_factory,
    "Routing policy that books every order on the B-Book (hedge 0)",
    "Apache-2.0",
};

/** The library's only exported symbol. Any thread, no side effects. */
RTX_EXPORT const rtx_plugin_descriptor_t *rtx_plugin_entry_v1(void)
{
    return &b_book_descriptor;
}
