/*
 * group_routing: an RTX routing policy that books each account group where the broker says.
 *
 *   - id: group-routing
 *     kind: routing-policy
 *     path: .build/plugins/libgroup_routing.so
 *     config:
 *       books: abook=A, retail=B, vip=C:600000   # group=BOOK[:hedge ppm for C]; others: default
 *       default: B
 *       lp: synthetic                            # preferred LP for A and C (empty: any)
 *
 * A group not listed gets `default`. C without a ratio hedges 50 %. The reason names the
 * rule that applied. Build: cc -std=c11 -O2 -shared -fPIC -fvisibility=hidden -I sdk/include
 */
#include <rtx/rtx.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RULES 64
#define MAX_GROUP 64

typedef struct rule {
    char group[MAX_GROUP];
    rtx_book_t book;
    uint32_t hedge_ppm;
} rule_t;

typedef struct policy {
    rtx_routing_policy_t base;
    rule_t rules[MAX_RULES];
    int count;
    rule_t fallback;
    char lp[RTX_LP_ID_CAPACITY];
} policy_t;

/* "A", "B", "C" or "C:600000" into a rule; 0 on success. */
static int parse_book(const char *text, size_t length, rule_t *out)
{
    while (length > 0 && (*text == ' ' || *text == '\t')) { text++; length--; }
    while (length > 0 && (text[length - 1] == ' ' || text[length - 1] == '\t')) length--;
    if (length == 0) return -1;
    switch (text[0]) {
    case 'A': case 'a': out->book = RTX_BOOK_A; out->hedge_ppm = RTX_RATIO_SCALE; return length == 1 ? 0 : -1;
    case 'B': case 'b': out->book = RTX_BOOK_B; out->hedge_ppm = 0; return length == 1 ? 0 : -1;
    case 'C': case 'c':
        out->book = RTX_BOOK_C;
        out->hedge_ppm = RTX_RATIO_SCALE / 2;
        if (length == 1) return 0;
        if (text[1] != ':' || length > 12) return -1;
        char digits[16] = {0};
        memcpy(digits, text + 2, length - 2);
        char *end = NULL;
        unsigned long ppm = strtoul(digits, &end, 10);
        if (end == digits || *end != 0 || ppm > RTX_RATIO_SCALE) return -1;
        out->hedge_ppm = (uint32_t)ppm;
        return 0;
    default: return -1;
    }
}

/* The value of "key:" on its own line of the YAML block, trimmed; length 0 when absent. */
static const char *find_value(const char *text, size_t length, const char *key, size_t *value_length)
{
    size_t key_length = strlen(key);
    const char *line = text, *end = text + length;
    while (line < end) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (eol == NULL) eol = end;
        const char *p = line;
        while (p < eol && (*p == ' ' || *p == '\t')) p++;
        if ((size_t)(eol - p) > key_length && memcmp(p, key, key_length) == 0 && p[key_length] == ':') {
            p += key_length + 1;
            while (p < eol && (*p == ' ' || *p == '\t')) p++;
            const char *q = eol;
            size_t rest = p < eol ? (size_t)(eol - p) : 0;
            const char *hash = memchr(p, '#', rest);
            if (hash != NULL) q = hash;
            while (q > p && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\r')) q--;
            *value_length = (size_t)(q - p);
            return p;
        }
        line = eol + 1;
    }
    *value_length = 0;
    return NULL;
}

static rtx_status_t configure(policy_t *policy, const char *text, size_t length, rtx_error_t *error)
{
    size_t n = 0;
    const char *value = find_value(text, length, "default", &n);
    if (value != NULL && parse_book(value, n, &policy->fallback) != 0) {
        snprintf(error->message, sizeof error->message, "default: '%.*s' is not A, B, C or C:ppm", (int)n, value);
        return RTX_E_CONFIG;
    }
    value = find_value(text, length, "lp", &n);
    if (value != NULL) {
        if (n >= sizeof policy->lp) {
            snprintf(error->message, sizeof error->message, "lp: at most %d bytes", (int)sizeof policy->lp - 1);
            return RTX_E_CONFIG;
        }
        memcpy(policy->lp, value, n);
        policy->lp[n] = 0;
    }
    value = find_value(text, length, "books", &n);
    const char *end = value ? value + n : NULL;
    while (value != NULL && value < end) {
        const char *comma = memchr(value, ',', (size_t)(end - value));
        if (comma == NULL) comma = end;
        const char *equals = memchr(value, '=', (size_t)(comma - value));
        while (value < comma && *value == ' ') value++;
        if (equals == NULL || equals == value || policy->count == MAX_RULES || (size_t)(equals - value) >= MAX_GROUP) {
            snprintf(error->message, sizeof error->message, "books: '%.*s' is not group=BOOK (at most %d rules)",
                     (int)(comma - value), value, MAX_RULES);
            return RTX_E_CONFIG;
        }
        rule_t *r = &policy->rules[policy->count];
        size_t g = (size_t)(equals - value);
        while (g > 0 && value[g - 1] == ' ') g--;
        memcpy(r->group, value, g);
        r->group[g] = 0;
        if (parse_book(equals + 1, (size_t)(comma - equals - 1), r) != 0) {
            snprintf(error->message, sizeof error->message, "books: group %s: '%.*s' is not A, B, C or C:ppm (ppm 0..1000000)",
                     r->group, (int)(comma - equals - 1), equals + 1);
            return RTX_E_CONFIG;
        }
        policy->count++;
        value = comma + 1;
    }
    return RTX_OK;
}

static rtx_status_t decide(const rtx_routing_policy_t *self, const rtx_routing_context_t *context,
                           rtx_routing_decision_t *decision, rtx_error_t *error)
{
    (void)error;
    const policy_t *policy = (const policy_t *)self;
    const rule_t *rule = &policy->fallback;
    const char *why = "default";
    for (int i = 0; i < policy->count; i++) {
        const rule_t *r = &policy->rules[i];
        if (strlen(r->group) == context->group.length && memcmp(r->group, context->group.data, context->group.length) == 0) {
            rule = r;
            why = "group rule";
            break;
        }
    }
    decision->book = rule->book;
    decision->hedge_ratio_ppm = rule->hedge_ppm;
    snprintf(decision->preferred_lp, sizeof decision->preferred_lp, "%s", rule->book == RTX_BOOK_B ? "" : policy->lp);
    snprintf(decision->reason, sizeof decision->reason, "%s: group %.*s books %c (hedge %u ppm)", why, (int)context->group.length,
             context->group.data ? context->group.data : "", rule->book == RTX_BOOK_A ? 'A' : rule->book == RTX_BOOK_C ? 'C' : 'B',
             rule->hedge_ppm);
    return RTX_OK;
}

static void destroy(rtx_routing_policy_t *self) { free(self); }

static rtx_status_t create(const rtx_routing_policy_factory_t *factory, const rtx_host_t *host,
                           rtx_routing_policy_t **out, rtx_error_t *error)
{
    (void)factory;
    policy_t *policy = calloc(1, sizeof *policy);
    if (policy == NULL) { snprintf(error->message, sizeof error->message, "out of memory"); return RTX_E_INTERNAL; }
    policy->base.struct_size = sizeof(rtx_routing_policy_t);
    policy->base.decide = decide;
    policy->base.destroy = destroy;
    policy->fallback.book = RTX_BOOK_B;
    rtx_config_t config;
    memset(&config, 0, sizeof config);
    config.struct_size = sizeof config;
    if (host->get_config != NULL && host->get_config(host, &config) == RTX_OK && config.text.data != NULL) {
        rtx_status_t status = configure(policy, config.text.data, config.text.length, error);
        if (status != RTX_OK) {
            free(policy);
            return status;
        }
    }
    *out = &policy->base;
    return RTX_OK;
}

static const rtx_routing_policy_factory_t factory = { sizeof(rtx_routing_policy_factory_t), 0, create };

static const void *get_factory(const char *id)
{
    return strcmp(id, RTX_FACTORY_ROUTING_POLICY) == 0 ? &factory : NULL;
}

static const rtx_plugin_descriptor_t descriptor = {
    sizeof(rtx_plugin_descriptor_t), RTX_ABI_VERSION_MAJOR, RTX_ABI_VERSION_MINOR, 0, RTX_BUILD_FINGERPRINT,
    "org.rtx.group-routing", "1.0.0", RTX_TOOLCHAIN_C, NULL, NULL, get_factory,
    "books A, B or C by account group, from its config", "Apache-2.0"};

RTX_EXPORT const rtx_plugin_descriptor_t *rtx_plugin_entry_v1(void) { return &descriptor; }
