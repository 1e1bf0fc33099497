/*
 * rtx/config.h — a small header-only reader for flat config blocks, for plugins written in
 * C. Not part of the binary contract (nothing here crosses the boundary); plugins that
 * need nested YAML parse rtx_config_t.text with a YAML library of their own.
 *
 * A flat block is lines of `key: value` at column 1; `#` starts a comment (at the start of
 * a line, or after a space); values may be wrapped in double quotes. Everything is
 * allocation-free and works on borrowed rtx_str_t views into the config text.
 */
#ifndef RTX_CONFIG_H
#define RTX_CONFIG_H

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

RTX_EXTERN_C_END

#endif /* RTX_CONFIG_H */
