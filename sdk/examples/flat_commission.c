/*
 * flat_commission.c — example RTX fee model: a flat commission per lot traded.
 *
 * The schedule it builds is one commission tier for every group and symbol ("*" / "*",
 * from 0 lots) and, when markup_points is above 0, one spread markup of that many points on
 * the bid and on the ask, also for "*" / "*". The host asks for the schedule at start and
 * whenever the model is swapped; the plugin is never called per trade.
 *
 * Build (one line, from the repository root):
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -O2 -shared -fPIC -fvisibility=hidden -I sdk/include -o libflat_commission.so sdk/examples/flat_commission.c -lpthread
 *
 * Config (flat `key: value` lines in the instance's `config:` block of plugins.yaml):
 *   per_lot: 3.50        required; money per lot traded, decimal, at most 8 fractional digits, >= 0
 *   currency: USD        3 capital letters; default USD
 *   minimum: 0           least money per trade, decimal like per_lot; default 0
 *   charge: both         entry | exit | both (charged on opening, closing, or each); default both
 *   markup_points: 0     whole points (ticks at each symbol's digits) added to the ask and
 *                        taken off the bid, 0..1000000; default 0 (no markup entry)
 * Any other key, a key given twice or a bad value fails create with RTX_E_CONFIG and a
 * message naming the manifest line, the key and the value.
 *
 * Threads: create and destroy run on the host's control thread; build_schedule() runs on any
 * thread, concurrently. The instance is immutable after create, so no lock is needed.
 * Memory: the instance is one calloc'd block owned by the plugin from create until destroy.
 * Entries handed to the sink point into this block or at string literals; the sink copies
 * them during the call. No money is ever a float: amounts are int64 at 1e-8 units.
 */
#include <rtx/rtx.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Largest markup accepted, in points. */
#define MARKUP_POINTS_MAX 1000000

/** The instance. The host sees only `table`; table.plugin_data points back at this block. */
typedef struct flat_commission {
    rtx_fee_model_t table;
    rtx_money_t per_lot;            /* 1e-8 currency units per lot */
    rtx_money_t minimum;            /* 1e-8 currency units per trade */
    rtx_commission_charge_t charge; /* RTX_COMMISSION_ON_* */
    char currency[4];               /* three capital letters and a NUL */
    int64_t markup_points;          /* >= 0 */
} flat_commission_t;

/**
 * Parses a non-negative decimal amount with at most 8 fractional digits into 1e-8 units.
 * The value must start with a digit: rtx_config_parse_fixed alone would take "-", "+" or
 * "-.5" (see sdk/README.md), and no amount here may be negative.
 */
static int parse_amount(rtx_str_t value, rtx_money_t *out)
{
    if (value.length == 0 || value.data[0] < '0' || value.data[0] > '9') {
        return 0;
    }
    return rtx_config_parse_fixed(value, 8, out);
}

/** Reads an optional amount key into *out (left unchanged when absent). */
static rtx_status_t read_amount(const rtx_config_t *config, const char *key, rtx_money_t *out, int *found,
                                rtx_error_t *error)
{
    rtx_str_t value;
    uint32_t line = 0;
    *found = rtx_config_find(config->text, key, &value, &line);
    if (!*found) {
        return RTX_OK;
    }
    if (value.length > 0 && value.data[0] == '-') {
        return rtx_config_error(error, config, line, "%s: '%.*s' is negative; amounts must be 0 or more", key,
                                rtx_str_fmt_len(value), rtx_str_fmt_data(value));
    }
    if (!parse_amount(value, out)) {
        return rtx_config_error(error, config, line,
                                "%s: '%.*s' is not a decimal number with at most 8 fractional digits", key,
                                rtx_str_fmt_len(value), rtx_str_fmt_data(value));
    }
    return RTX_OK;
}

/** Reads the whole config into *model, or fails with RTX_E_CONFIG naming the line. */
static rtx_status_t read_config(const rtx_config_t *config, flat_commission_t *model, rtx_error_t *error)
{
    static const char *const known_keys[] = {"per_lot", "currency", "minimum", "charge", "markup_points", NULL};
    rtx_str_t value;
    uint32_t line = 0;
    int found = 0;
    rtx_status_t status = rtx_config_check_keys(config, known_keys, error);
    if (status != RTX_OK) {
        return status;
    }

    status = read_amount(config, "per_lot", &model->per_lot, &found, error);
    if (status != RTX_OK) {
        return status;
    }
    if (!found) {
        char message[RTX_ERROR_MESSAGE_CAPACITY];
        snprintf(message, sizeof message,
                 "%.*s: plugin '%.*s': per_lot is required (money per lot traded, e.g. `per_lot: 3.50`)",
                 rtx_str_fmt_len(config->source_path), rtx_str_fmt_data(config->source_path),
                 rtx_str_fmt_len(config->instance_id), rtx_str_fmt_data(config->instance_id));
        return rtx_error_set(error, RTX_E_CONFIG, message);
    }

    model->minimum = 0;
    status = read_amount(config, "minimum", &model->minimum, &found, error);
    if (status != RTX_OK) {
        return status;
    }

    memcpy(model->currency, "USD", 4);
    if (rtx_config_find(config->text, "currency", &value, &line)) {
        size_t i;
        int ok = value.length == 3;
        for (i = 0; ok && i < 3; ++i) {
            ok = value.data[i] >= 'A' && value.data[i] <= 'Z';
        }
        if (!ok) {
            return rtx_config_error(error, config, line,
                                    "currency: '%.*s' is not a 3-letter code in capitals (e.g. USD)",
                                    rtx_str_fmt_len(value), rtx_str_fmt_data(value));
        }
        memcpy(model->currency, value.data, 3);
        model->currency[3] = '\0';
    }

    model->charge = RTX_COMMISSION_ON_ENTRY_AND_EXIT;
    if (rtx_config_find(config->text, "charge", &value, &line)) {
        if (rtx_str_equals(value, "entry")) {
            model->charge = RTX_COMMISSION_ON_ENTRY;
        } else if (rtx_str_equals(value, "exit")) {
            model->charge = RTX_COMMISSION_ON_EXIT;
        } else if (rtx_str_equals(value, "both")) {
            model->charge = RTX_COMMISSION_ON_ENTRY_AND_EXIT;
        } else {
            return rtx_config_error(error, config, line, "charge: '%.*s' is not one of entry, exit, both",
                                    rtx_str_fmt_len(value), rtx_str_fmt_data(value));
        }
    }

    model->markup_points = 0;
    if (rtx_config_find(config->text, "markup_points", &value, &line)) {
        int64_t points = 0;
        if (!rtx_config_parse_int(value, &points) || points < 0 || points > MARKUP_POINTS_MAX) {
            return rtx_config_error(error, config, line, "markup_points: '%.*s' is not a whole number from 0 to %d",
                                    rtx_str_fmt_len(value), rtx_str_fmt_data(value), MARKUP_POINTS_MAX);
        }
        model->markup_points = points;
    }
    return RTX_OK;
}

/* ------------------------------------------------------------------------------------------
 * The fee model.
 * ---------------------------------------------------------------------------------------- */

static rtx_str_t literal(const char *text)
{
    rtx_str_t s;
    s.data = text;
    s.length = strlen(text);
    return s;
}

/**
 * [any thread, concurrently; allocation-free, non-blocking] Hands the schedule to the sink:
 * one commission tier and, if configured, one markup. request and sink are the host's,
 * borrowed for the call; the sink copies every entry. The flat model does not depend on
 * the groups and symbols asked for: "*" / "*" covers them all.
 */
static rtx_status_t RTX_ABI flat_build_schedule(const rtx_fee_model_t *self, const rtx_fee_request_t *request,
                                                const rtx_fee_schedule_sink_t *sink, rtx_error_t *error)
{
    const flat_commission_t *model;
    rtx_commission_tier_t tier;
    rtx_status_t status;
    char message[RTX_ERROR_MESSAGE_CAPACITY];

    if (self == NULL || request == NULL || sink == NULL) {
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT,
                             "flat-commission build_schedule: self, request or sink is NULL");
    }
    if (sink->struct_size < sizeof(rtx_fee_schedule_sink_t) || sink->add_commission_tier == NULL ||
        sink->add_markup == NULL) {
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT,
                             "flat-commission build_schedule: sink smaller than rtx_fee_schedule_sink_t or lacks add_*");
    }
    model = (const flat_commission_t *)self->plugin_data;

    memset(&tier, 0, sizeof tier);
    tier.struct_size = sizeof tier;
    tier.charge = model->charge;
    tier.group = literal("*");
    tier.symbol = literal("*");
    tier.currency.data = model->currency;
    tier.currency.length = 3;
    tier.from_volume = 0;
    tier.per_lot_money = model->per_lot;
    tier.minimum_money = model->minimum;
    status = sink->add_commission_tier(sink, &tier);
    if (status != RTX_OK) {
        snprintf(message, sizeof message,
                 "flat-commission: the host refused the commission tier (*/*, %s) with status %d", model->currency,
                 (int)status);
        return rtx_error_set(error, status, message);
    }

    if (model->markup_points > 0) {
        rtx_markup_t markup;
        memset(&markup, 0, sizeof markup);
        markup.struct_size = sizeof markup;
        markup.mode = RTX_MARKUP_POINTS;
        markup.group = literal("*");
        markup.symbol = literal("*");
        markup.bid_markup = model->markup_points;
        markup.ask_markup = model->markup_points;
        status = sink->add_markup(sink, &markup);
        if (status != RTX_OK) {
            snprintf(message, sizeof message,
                     "flat-commission: the host refused the markup of %lld points (*/*) with status %d",
                     (long long)model->markup_points, (int)status);
            return rtx_error_set(error, status, message);
        }
    }
    return RTX_OK;
}

/** [control] Frees the instance; the host calls it once no build_schedule() is running or can start. */
static void RTX_ABI flat_destroy(rtx_fee_model_t *self)
{
    if (self != NULL) {
        free(self->plugin_data);
    }
}

/**
 * [control] Creates an instance bound to host from its config. On a bad config returns
 * RTX_E_CONFIG naming the manifest line; on success *out is the plugin's until destroy.
 */
static rtx_status_t RTX_ABI flat_create(const rtx_fee_model_factory_t *factory, const rtx_host_t *host,
                                        rtx_fee_model_t **out, rtx_error_t *error)
{
    rtx_config_t config;
    rtx_status_t status;
    flat_commission_t *model;
    (void)factory;

    if (host == NULL || out == NULL || host->struct_size < sizeof(rtx_host_t)) {
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT,
                             "flat-commission create: host or out is NULL, or host table too small");
    }
    memset(&config, 0, sizeof config);
    config.struct_size = sizeof config;
    status = host->get_config(host, &config);
    if (status != RTX_OK) {
        return rtx_error_set(error, status, "flat-commission create: host->get_config failed");
    }
    model = (flat_commission_t *)calloc(1, sizeof *model);
    if (model == NULL) {
        return rtx_error_set(error, RTX_E_INTERNAL, "flat-commission create: out of memory");
    }
    status = read_config(&config, model, error);
    if (status != RTX_OK) {
        free(model);
        return status;
    }
    model->table.struct_size = sizeof model->table;
    model->table.plugin_data = model;
    model->table.build_schedule = flat_build_schedule;
    model->table.destroy = flat_destroy;
    *out = &model->table;
    return RTX_OK;
}

/* ------------------------------------------------------------------------------------------
 * Library entry: one factory, one descriptor, one exported symbol.
 * ---------------------------------------------------------------------------------------- */

static const rtx_fee_model_factory_t flat_factory = {
    sizeof(rtx_fee_model_factory_t), 0, flat_create,
};

/** [any thread, non-blocking] Static factories; NULL for kinds this library does not provide. */
static const void *RTX_ABI flat_get_factory(const char *factory_id)
{
    if (factory_id != NULL && strcmp(factory_id, RTX_FACTORY_FEE_MODEL) == 0) {
        return &flat_factory;
    }
    return NULL;
}

static const rtx_plugin_descriptor_t flat_descriptor = {
    sizeof(rtx_plugin_descriptor_t),
    RTX_ABI_VERSION_MAJOR,
    RTX_ABI_VERSION_MINOR,
    0,
    RTX_BUILD_FINGERPRINT,
    "org.rtx.examples.flat-commission",
    "1.0.0",
    RTX_TOOLCHAIN_C,
    NULL, /* init: nothing to set up per library */
    NULL, /* deinit */
    flat_get_factory,
    "Fee model: a flat commission per lot with an optional minimum and spread markup",
    "Apache-2.0",
};

/** The library's only exported symbol. Any thread, no side effects. */
RTX_EXPORT const rtx_plugin_descriptor_t *rtx_plugin_entry_v1(void)
{
    return &flat_descriptor;
}
