/*
 * rtx/config.h — a small header-only reader and checker for flat config blocks, for plugins
 * written in C (or C++). Not part of the binary contract (nothing here crosses the
 * boundary); plugins that need nested YAML parse rtx_config_t.text with a YAML library of
 * their own.
 *
 * A flat block is lines of `key: value` at column 1; `#` starts a comment (at the start of
 * a line, or after a space); values may be wrapped in double quotes. Everything is
 * allocation-free and works on borrowed rtx_str_t views into the config text.
 * rtx_config_error and rtx_config_check_keys format their messages with snprintf (stdio.h)
 * into stack buffers.
 */
#ifndef RTX_CONFIG_H
#define RTX_CONFIG_H

#include <stdarg.h>
#include <stdio.h>

#include "host.h"
#include "types.h"

RTX_EXTERN_C_BEGIN

/** 1 when s equals the NUL-terminated literal, else 0. */
static inline int rtx_str_equals(rtx_str_t s, const char *literal)
{
    size_t i = 0;
    for (; i < s.length; ++i) {
        if (literal[i] == '\0' || literal[i] != s.data[i]) {
            return 0;
        }
    }
    return literal[i] == '\0';
}

/** Trims spaces and tabs at both ends. */
static inline rtx_str_t rtx_str_trim(rtx_str_t s)
{
    while (s.length > 0 && (s.data[0] == ' ' || s.data[0] == '\t')) {
        ++s.data;
        --s.length;
    }
    while (s.length > 0 && (s.data[s.length - 1] == ' ' || s.data[s.length - 1] == '\t' ||
                            s.data[s.length - 1] == '\r')) {
        --s.length;
    }
    return s;
}

/**
 * Finds the top-level `key: value` line. Returns 1 and sets *value (trimmed, comment and
 * surrounding double quotes removed) and *line (0-based line of text, add rtx_config_t
 * first_line for the manifest line), or 0 when the key is absent.
 */
static inline int rtx_config_find(rtx_str_t text, const char *key, rtx_str_t *value, uint32_t *line)
{
    size_t pos = 0;
    uint32_t line_no = 0;
    while (pos < text.length) {
        size_t end = pos;
        size_t k = 0;
        while (end < text.length && text.data[end] != '\n') {
            ++end;
        }
        while (key[k] != '\0' && pos + k < end && text.data[pos + k] == key[k]) {
            ++k;
        }
        if (key[k] == '\0' && pos + k < end && text.data[pos + k] == ':') {
            rtx_str_t v;
            size_t i;
            int in_quotes = 0;
            v.data = text.data + pos + k + 1;
            v.length = end - (pos + k + 1);
            for (i = 0; i < v.length; ++i) {
                if (v.data[i] == '"') {
                    in_quotes = !in_quotes;
                } else if (!in_quotes && v.data[i] == '#' && (i == 0 || v.data[i - 1] == ' ' || v.data[i - 1] == '\t')) {
                    v.length = i;
                    break;
                }
            }
            v = rtx_str_trim(v);
            if (v.length >= 2 && v.data[0] == '"' && v.data[v.length - 1] == '"') {
                ++v.data;
                v.length -= 2;
            }
            if (value != NULL) {
                *value = v;
            }
            if (line != NULL) {
                *line = line_no;
            }
            return 1;
        }
        pos = end + 1;
        ++line_no;
    }
    return 0;
}

/** Parses a signed decimal integer (the whole of s). Returns 1 on success, 0 on bad syntax or overflow. */
static inline int rtx_config_parse_int(rtx_str_t s, int64_t *out)
{
    size_t i = 0;
    int negative = 0;
    uint64_t magnitude = 0;
    s = rtx_str_trim(s);
    if (s.length == 0) {
        return 0;
    }
    if (s.data[0] == '-' || s.data[0] == '+') {
        negative = s.data[0] == '-';
        i = 1;
    }
    if (i == s.length) {
        return 0;
    }
    for (; i < s.length; ++i) {
        char c = s.data[i];
        if (c < '0' || c > '9') {
            return 0;
        }
        if (magnitude > (UINT64_C(9223372036854775808) - (uint64_t)(c - '0')) / 10) {
            return 0;
        }
        magnitude = magnitude * 10 + (uint64_t)(c - '0');
    }
    if (!negative && magnitude > (uint64_t)INT64_MAX) {
        return 0;
    }
    *out = negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
    return 1;
}

/**
 * Parses a decimal number into fixed point with `digits` fractional digits: "1.0851" with
 * digits 5 gives 108510; "-2.5" with digits 2 gives -250. Syntax: an optional sign, at least
 * one digit, and optionally a dot followed by at least one digit. Returns 0 on other syntax,
 * on more fractional digits than `digits` (no silent rounding) or when the result does not
 * fit in int64.
 */
static inline int rtx_config_parse_fixed(rtx_str_t s, int32_t digits, int64_t *out)
{
    size_t i = 0;
    int32_t fraction_digits = 0;
    int seen_dot = 0;
    size_t integer_digits = 0;
    char buffer[48];
    size_t n = 0;
    rtx_str_t integer_text;
    s = rtx_str_trim(s);
    if (digits < 0 || digits > 18 || s.length == 0) {
        return 0;
    }
    if (s.data[0] == '-' || s.data[0] == '+') {
        buffer[n++] = s.data[0];
        i = 1;
    }
    for (; i < s.length; ++i) {
        char c = s.data[i];
        if (c == '.') {
            if (seen_dot || integer_digits == 0) {
                return 0;
            }
            seen_dot = 1;
        } else if (c >= '0' && c <= '9') {
            if (seen_dot) {
                ++fraction_digits;
            } else {
                ++integer_digits;
            }
            if (n + 1 >= sizeof(buffer) || fraction_digits > digits) {
                return 0;
            }
            buffer[n++] = c;
        } else {
            return 0;
        }
    }
    if (integer_digits == 0 || (seen_dot && fraction_digits == 0)) {
        return 0;
    }
    for (; fraction_digits < digits; ++fraction_digits) {
        if (n + 1 >= sizeof(buffer)) {
            return 0;
        }
        buffer[n++] = '0';
    }
    integer_text.data = buffer;
    integer_text.length = n;
    return rtx_config_parse_int(integer_text, out);
}

/**
 * Splits the next item off a separated list: stores the trimmed item before the first
 * `separator` in *item and advances *rest past it. Returns 0 when *rest is empty.
 */
static inline int rtx_str_next_item(rtx_str_t *rest, char separator, rtx_str_t *item)
{
    size_t i = 0;
    if (rest->length == 0) {
        return 0;
    }
    while (i < rest->length && rest->data[i] != separator) {
        ++i;
    }
    item->data = rest->data;
    item->length = i;
    *item = rtx_str_trim(*item);
    if (i < rest->length) {
        ++i;
    }
    rest->data += i;
    rest->length -= i;
    return 1;
}

/* ------------------------------------------------------------------------------------------
 * Config errors. Messages name the manifest file and line: "<source_path>:<line>: <message>".
 * ---------------------------------------------------------------------------------------- */

/** Marks a printf-like function (format is parameter f, its arguments start at a) on GCC and Clang. */
#if defined(__GNUC__) || defined(__clang__)
#define RTX_PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define RTX_PRINTF_LIKE(f, a)
#endif

/** Most keys rtx_config_check_keys can track (entries of known[] before its NULL). */
#define RTX_CONFIG_MAX_KEYS 16

/** Length of s as a "%.*s" precision: s.length as an int, clamped to 4096. */
static inline int rtx_str_fmt_len(rtx_str_t s)
{
    return s.length > 4096 ? 4096 : (int)s.length;
}

/** Data of s that is safe to hand to "%.*s" even when the view is empty (never NULL). */
static inline const char *rtx_str_fmt_data(rtx_str_t s)
{
    return s.data != NULL ? s.data : "";
}

/**
 * Fills *error (NULL-safe) with "<source_path>:<first_line + line>: <message>", the message
 * formatted printf-style and the whole cut to RTX_ERROR_MESSAGE_CAPACITY - 1 bytes, and
 * returns RTX_E_CONFIG. line is 0-based in config->text, as rtx_config_find reports it.
 * config must not be NULL. Example:
 *   return rtx_config_error(error, &config, line, "reason: '%.*s' is too long",
 *                           rtx_str_fmt_len(value), rtx_str_fmt_data(value));
 */
static inline rtx_status_t RTX_PRINTF_LIKE(4, 5)
rtx_config_error(rtx_error_t *error, const rtx_config_t *config, uint32_t line, const char *format, ...)
{
    char message[RTX_ERROR_MESSAGE_CAPACITY];
    int used = snprintf(message, sizeof message, "%.*s:%u: ", rtx_str_fmt_len(config->source_path),
                        rtx_str_fmt_data(config->source_path), (unsigned)(config->first_line + line));
    if (used >= 0 && (size_t)used < sizeof message) {
        va_list args;
        va_start(args, format);
        vsnprintf(message + used, sizeof message - (size_t)used, format, args);
        va_end(args);
    }
    return rtx_error_set(error, RTX_E_CONFIG, message);
}

/**
 * Refuses the lines of config->text a plugin does not understand, with RTX_E_CONFIG and
 * rtx_config_error's "<source_path>:<line>: " prefix, at the first bad line:
 *   unknown key 'bogus' (known keys: seed, order_mode)
 *   seed: given twice (first at line 12)          (line 12 of the manifest)
 *   'x: 1': indented lines are not supported (flat `key: value` lines only)
 *   'oops' is not a `key: value` line
 * Blank lines and `#` comment lines are allowed. known[] lists the keys, NULL-terminated.
 * Returns RTX_OK when every line is a known key given once.
 * Limits: at most RTX_CONFIG_MAX_KEYS (16) keys; with more it returns RTX_E_INTERNAL (a bug
 * in the caller) without reading the text. The key list in the unknown-key message holds
 * the keys that fit in 159 bytes (it stops at the first that does not), and the whole
 * message is cut to RTX_ERROR_MESSAGE_CAPACITY - 1 bytes.
 */
static inline rtx_status_t rtx_config_check_keys(const rtx_config_t *config, const char *const *known,
                                                 rtx_error_t *error)
{
    uint32_t seen_line[RTX_CONFIG_MAX_KEYS];
    char known_list[160];
    size_t count = 0;
    size_t used = 0;
    size_t pos = 0;
    uint32_t line_no = 0;
    int list_full = 0;
    if (config == NULL || known == NULL) {
        return rtx_error_set(error, RTX_E_INVALID_ARGUMENT, "rtx_config_check_keys: config or known is NULL");
    }
    for (; known[count] != NULL; ++count) {
        if (count == RTX_CONFIG_MAX_KEYS) {
            return rtx_error_set(error, RTX_E_INTERNAL,
                                 "rtx_config_check_keys: more keys than it can track (RTX_CONFIG_MAX_KEYS)");
        }
        seen_line[count] = UINT32_MAX;
        if (!list_full) {
            int n = snprintf(known_list + used, sizeof known_list - used, "%s%s", count > 0 ? ", " : "", known[count]);
            if (n >= 0 && (size_t)n < sizeof known_list - used) {
                used += (size_t)n;
            } else {
                list_full = 1;
            }
        }
    }
    known_list[used] = '\0';
    for (; pos < config->text.length; ++line_no) {
        rtx_str_t raw;
        rtx_str_t line;
        rtx_str_t key;
        size_t end = pos;
        size_t colon = 0;
        size_t k;
        while (end < config->text.length && config->text.data[end] != '\n') {
            ++end;
        }
        raw.data = config->text.data + pos;
        raw.length = end - pos;
        pos = end + 1;
        line = rtx_str_trim(raw);
        if (line.length == 0 || line.data[0] == '#') {
            continue;
        }
        if (raw.data[0] == ' ' || raw.data[0] == '\t') {
            return rtx_config_error(error, config, line_no,
                                    "'%.*s': indented lines are not supported (flat `key: value` lines only)",
                                    rtx_str_fmt_len(line), rtx_str_fmt_data(line));
        }
        while (colon < line.length && line.data[colon] != ':') {
            ++colon;
        }
        if (colon == line.length) {
            return rtx_config_error(error, config, line_no, "'%.*s' is not a `key: value` line",
                                    rtx_str_fmt_len(line), rtx_str_fmt_data(line));
        }
        key.data = line.data;
        key.length = colon;
        for (k = 0; k < count; ++k) {
            if (rtx_str_equals(key, known[k])) {
                break;
            }
        }
        if (k == count) {
            return rtx_config_error(error, config, line_no, "unknown key '%.*s' (known keys: %s)",
                                    rtx_str_fmt_len(key), rtx_str_fmt_data(key), known_list);
        }
        if (seen_line[k] != UINT32_MAX) {
            return rtx_config_error(error, config, line_no, "%s: given twice (first at line %u)", known[k],
                                    (unsigned)(config->first_line + seen_line[k]));
        }
        seen_line[k] = line_no;
    }
    return RTX_OK;
}

RTX_EXTERN_C_END

#endif /* RTX_CONFIG_H */
