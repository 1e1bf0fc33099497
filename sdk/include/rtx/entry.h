/*
 * rtx/entry.h — the one symbol a plugin library exports, and the descriptor it returns.
 *
 * Lifecycle of a library (the host never unloads one: it is opened with
 * RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE and never dlclose'd):
 *   rtx_plugin_entry_v1() -> descriptor -> init(host) -> get_factory(id) -> factory->create ...
 *   ... every instance destroyed -> deinit()  (at host shutdown; nothing runs after deinit)
 */
#ifndef RTX_ENTRY_H
#define RTX_ENTRY_H

#include "host.h"
#include "types.h"

RTX_EXTERN_C_BEGIN

/** Factory ids of the v1 kinds (a later kind adds an id, not a major version). */
#define RTX_FACTORY_LP_ADAPTER "rtx.lp-adapter/1"
#define RTX_FACTORY_ROUTING_POLICY "rtx.routing-policy/1"
#define RTX_FACTORY_FEE_MODEL "rtx.fee-model/1"

/**
 * What the library is. Ownership: the plugin's, static: valid until deinit returns.
 * Strings are NUL-terminated UTF-8.
 */
typedef struct rtx_plugin_descriptor {
    uint32_t struct_size;          /**< sizeof(rtx_plugin_descriptor_t) of the plugin's headers */
    uint32_t abi_major;            /**< RTX_ABI_VERSION_MAJOR of the plugin's headers */
    uint32_t abi_minor;            /**< RTX_ABI_VERSION_MINOR of the plugin's headers */
    uint32_t reserved0;            /**< zero */
    const char *build_fingerprint; /**< RTX_BUILD_FINGERPRINT; must equal the host's */
    const char *plugin_id;         /**< reverse-DNS id, e.g. "org.example.routing.b-book" */
    const char *plugin_version;    /**< the plugin's own version, e.g. "1.4.2" */
    const char *toolchain;         /**< RTX_TOOLCHAIN_C, or the Swift toolchain for Swift plugins */

    /**
     * Called once per library, before anything else, on the host's control thread; may block.
     * host is library-scoped (log and clocks; emit_* answer RTX_E_STATE) and valid until
     * deinit. Return RTX_OK, or an error (filled into *error) after which the host calls
     * nothing else of this library, not even deinit. May be NULL.
     */
    rtx_status_t(RTX_ABI *init)(const rtx_host_t *host, rtx_error_t *error);
    /** Called once at host shutdown after every instance is destroyed; control thread. May be NULL. */
    void(RTX_ABI *deinit)(void);
    /**
     * Returns the factory for a versioned id (RTX_FACTORY_*), or NULL when the library has
     * none of that kind. Thread-safe, non-blocking. The result is static until deinit.
     */
    const void *(RTX_ABI *get_factory)(const char *factory_id);

    /* ---- since 1.1 ---- */
    const char *description;       /**< one line for operators; may be NULL */
    const char *license;           /**< SPDX identifier, e.g. "Apache-2.0"; may be NULL */
} rtx_plugin_descriptor_t;
/** Size of the descriptor in ABI 1.0 (the smallest the host accepts). */
#define RTX_PLUGIN_DESCRIPTOR_SIZE_1_0 72
RTX_FREEZE_OFFSET(rtx_plugin_descriptor_t, get_factory, 64);
RTX_FREEZE_OFFSET(rtx_plugin_descriptor_t, description, RTX_PLUGIN_DESCRIPTOR_SIZE_1_0);
RTX_FREEZE_SIZE(rtx_plugin_descriptor_t, 88);

/** Type of the exported entry function; the name carries the ABI major. */
typedef const rtx_plugin_descriptor_t *(RTX_ABI *rtx_plugin_entry_v1_fn)(void);
#define RTX_PLUGIN_ENTRY_SYMBOL "rtx_plugin_entry_v1"

/**
 * Exported by every v1 plugin library. Any thread, non-blocking, no side effects: returns
 * a pointer to a static descriptor (never NULL).
 */
RTX_EXPORT const rtx_plugin_descriptor_t *rtx_plugin_entry_v1(void);

RTX_EXTERN_C_END

#endif /* RTX_ENTRY_H */
