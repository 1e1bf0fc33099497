/*
 * rtx/host.h — the services the host hands a plugin. A plugin never calls a host symbol by
 * name: everything goes through this table (so plugins load with RTLD_LOCAL and link nothing
 * of the host).
 *
 * Threads: every function here may be called from any thread, concurrently, and never
 * blocks (emit_* return RTX_E_AGAIN instead of waiting) and never calls back into the plugin.
 * Lifetime: the table and everything it points to stay valid from the call that handed it
 * over (init or create) until deinit or the instance's destroy returns. An instance's emit_*
 * return RTX_E_STATE once its stop() has returned: no callback may follow stop.
 */
#ifndef RTX_HOST_H
#define RTX_HOST_H

#include "execution.h"
#include "quote.h"
#include "types.h"

RTX_EXTERN_C_BEGIN

/**
 * The instance's configuration: its `config:` block of plugins.yaml, as YAML text with the
 * block's common indentation removed. Line k (0-based) of text is line first_line + k of
 * source_path, so a plugin reports errors as "<source_path>:<first_line + k>".
 * Ownership: the host's; valid until the instance's destroy returns.
 */
typedef struct rtx_config {
    uint32_t struct_size;  /**< set by the caller of get_config */
    uint32_t first_line;   /**< 1-based line in source_path of the text's first line; 0 if no block */
    rtx_str_t text;        /**< UTF-8 YAML, empty when the manifest has no config block */
    rtx_str_t source_path; /**< the manifest's path */
    rtx_str_t instance_id; /**< the manifest's `id` of this instance */
} rtx_config_t;
RTX_FREEZE_SIZE(rtx_config_t, 56);

typedef struct rtx_host rtx_host_t;

/**
 * Host services. Passed to the library's init (library scope: emit_* answer RTX_E_STATE)
 * and to each factory create (instance scope: emits are attributed to that instance).
 * Read fields beyond those of your headers' minor only if struct_size covers them.
 */
struct rtx_host {
    uint32_t struct_size;  /**< sizeof(rtx_host_t) of the host's headers */
    uint32_t abi_major;    /**< host ABI major */
    uint32_t abi_minor;    /**< host ABI minor */
    uint32_t reserved0;    /**< zero */
    void *host_data;       /**< the host's; opaque to the plugin */
    rtx_str_t host_name;   /**< e.g. "rtx" */
    rtx_str_t host_version;

    /** Writes one log record attributed to the plugin instance. message is borrowed for the call. */
    void(RTX_ABI *log)(const rtx_host_t *host, rtx_log_level_t level, rtx_str_t message);
    /** Monotonic clock, ns. */
    int64_t(RTX_ABI *monotonic_ns)(const rtx_host_t *host);
    /** Wall clock, ns since the Unix epoch, UTC. */
    int64_t(RTX_ABI *wall_clock_ns)(const rtx_host_t *host);
    /** Fills *config (caller sets config->struct_size). RTX_E_INVALID_ARGUMENT on NULL. */
    rtx_status_t(RTX_ABI *get_config)(const rtx_host_t *host, rtx_config_t *config);
    /**
     * Pushes a quote (copied). RTX_E_AGAIN: the instance's bounded quote queue is full and the
     * quote was dropped and counted; a fresher quote supersedes it, so do not retry.
     * RTX_E_INVALID_ARGUMENT: unknown symbol_id, crossed or non-positive prices, bad digits.
     */
    rtx_status_t(RTX_ABI *emit_quote)(const rtx_host_t *host, const rtx_quote_t *quote);
    /**
     * Pushes an execution report (copied). RTX_E_AGAIN: the bounded report queue is full and
     * the report was NOT taken: keep it and emit it again later (reports must not be lost).
     */
    rtx_status_t(RTX_ABI *emit_execution_report)(const rtx_host_t *host, const rtx_execution_report_t *report);
    /** Reports the adapter's connection state; reason (borrowed) says why, for operators. */
    rtx_status_t(RTX_ABI *emit_connection_state)(const rtx_host_t *host, rtx_connection_state_t state,
                                                 rtx_str_t reason);
};
RTX_FREEZE_SIZE(rtx_host_t, 112);
RTX_FREEZE_OFFSET(rtx_host_t, emit_connection_state, 104);

/** Convenience: logs a NUL-terminated message. */
static inline void rtx_host_log(const rtx_host_t *host, rtx_log_level_t level, const char *message)
{
    rtx_str_t s;
    size_t n = 0;
    while (message[n] != '\0') {
        ++n;
    }
    s.data = message;
    s.length = n;
    host->log(host, level, s);
}

RTX_EXTERN_C_END

#endif /* RTX_HOST_H */
