/* Checks the header-only config reader (rtx/config.h); exits non-zero naming the first failure. */
#include <rtx/config.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "config.h check failed: %s (line %d)\n", #cond, __LINE__); ++failures; } } while (0)

static rtx_str_t S(const char *t) { rtx_str_t s; s.data = t; s.length = strlen(t); return s; }

/* A config block that starts at line 20 of plugins.yaml. */
static rtx_config_t C(const char *text)
{
    rtx_config_t c;
    memset(&c, 0, sizeof c);
    c.struct_size = sizeof c;
    c.first_line = 20;
    c.text = S(text);
    c.source_path = S("plugins.yaml");
    c.instance_id = S("test");
    return c;
}

/* Runs rtx_config_check_keys on text with the keys seed and name: 1 when it returns want with that message. */
static int keys_say(const char *text, rtx_status_t want, const char *message)
{
    static const char *const known[] = {"seed", "name", NULL};
    rtx_config_t c = C(text);
    rtx_error_t e;
    rtx_status_t status;
    memset(&e, 0, sizeof e);
    e.struct_size = sizeof e;
    status = rtx_config_check_keys(&c, known, &e);
    if (status != want || (status != RTX_OK && (e.code != status || strcmp(e.message, message) != 0))) {
        fprintf(stderr, "check_keys(\"%s\"): status %d, message \"%s\"; want %d, \"%s\"\n", text, (int)status,
                e.message, (int)want, message);
        return 0;
    }
    return 1;
}

int main(void)
{
    int64_t v = 0;
    rtx_str_t value;
    uint32_t line = 99;
    const char *text = "seed: 42\n# comment: no\nname: \"quoted # not a comment\"\nrate: 3.50 # trailing comment\nempty:\n";
    CHECK(rtx_config_find(S(text), "seed", &value, &line) && rtx_str_equals(value, "42") && line == 0);
    CHECK(!rtx_config_find(S(text), "comment", &value, &line));
    CHECK(rtx_config_find(S(text), "name", &value, &line) && rtx_str_equals(value, "quoted # not a comment") && line == 2);
    CHECK(rtx_config_find(S(text), "rate", &value, &line) && rtx_str_equals(value, "3.50") && line == 3);
    CHECK(rtx_config_find(S(text), "empty", &value, &line) && value.length == 0);
    CHECK(!rtx_config_find(S(text), "see", &value, &line));

    CHECK(rtx_config_parse_int(S("-9223372036854775808"), &v) && v == INT64_MIN);
    CHECK(rtx_config_parse_int(S("9223372036854775807"), &v) && v == INT64_MAX);
    CHECK(!rtx_config_parse_int(S("9223372036854775808"), &v));
    CHECK(!rtx_config_parse_int(S("12a"), &v));
    CHECK(!rtx_config_parse_int(S("-"), &v));

    CHECK(rtx_config_parse_fixed(S("1.0851"), 5, &v) && v == 108510);
    CHECK(rtx_config_parse_fixed(S("-2.5"), 2, &v) && v == -250);
    CHECK(rtx_config_parse_fixed(S("+7"), 3, &v) && v == 7000);
    CHECK(rtx_config_parse_fixed(S("92233720368.54775807"), 8, &v) && v == INT64_MAX);
    CHECK(!rtx_config_parse_fixed(S("92233720368.54775808"), 8, &v));
    CHECK(!rtx_config_parse_fixed(S("1.234"), 2, &v));
    CHECK(!rtx_config_parse_fixed(S(".5"), 2, &v));
    CHECK(!rtx_config_parse_fixed(S("-.5"), 2, &v));
    CHECK(!rtx_config_parse_fixed(S("5."), 2, &v));
    CHECK(!rtx_config_parse_fixed(S("-"), 2, &v));
    CHECK(!rtx_config_parse_fixed(S("+"), 2, &v));
    CHECK(!rtx_config_parse_fixed(S("1.2.3"), 2, &v));
    CHECK(!rtx_config_parse_fixed(S("1e5"), 2, &v));

    {
        rtx_str_t rest = S("EURUSD=1/5/8, USDJPY=2/3/12,,");
        rtx_str_t item;
        int n = 0;
        while (rtx_str_next_item(&rest, ',', &item)) {
            if (n == 0) CHECK(rtx_str_equals(item, "EURUSD=1/5/8"));
            if (n == 1) CHECK(rtx_str_equals(item, "USDJPY=2/3/12"));
            ++n;
        }
        CHECK(n == 3);
    }

    /* rtx_config_error: "<source_path>:<first_line + line>: <message>", RTX_E_CONFIG. */
    {
        rtx_config_t c = C("seed: x\n");
        rtx_error_t e;
        memset(&e, 0, sizeof e);
        e.struct_size = sizeof e;
        CHECK(rtx_config_error(&e, &c, 5, "seed: '%.*s' is %s", rtx_str_fmt_len(S("x")), rtx_str_fmt_data(S("x")), "bad")
              == RTX_E_CONFIG);
        CHECK(e.code == RTX_E_CONFIG && strcmp(e.message, "plugins.yaml:25: seed: 'x' is bad") == 0);
        CHECK(rtx_config_error(NULL, &c, 0, "no buffer") == RTX_E_CONFIG);
    }

    /* rtx_config_check_keys. */
    CHECK(keys_say("seed: 1\nbogus: 2\n", RTX_E_CONFIG, "plugins.yaml:21: unknown key 'bogus' (known keys: seed, name)"));
    CHECK(keys_say("seed: 1\n# seed: 3\n\nseed: 2\n", RTX_E_CONFIG, "plugins.yaml:23: seed: given twice (first at line 20)"));
    CHECK(keys_say("seed: 1\n  nested: 2\n", RTX_E_CONFIG,
                   "plugins.yaml:21: 'nested: 2': indented lines are not supported (flat `key: value` lines only)"));
    CHECK(keys_say("\tseed: 1\n", RTX_E_CONFIG,
                   "plugins.yaml:20: 'seed: 1': indented lines are not supported (flat `key: value` lines only)"));
    CHECK(keys_say("name: x\nseed 1\n", RTX_E_CONFIG, "plugins.yaml:21: 'seed 1' is not a `key: value` line"));
    CHECK(keys_say("# comment\n\n   \nseed: 1 # trailing\nname: \"a: b\"\n", RTX_OK, ""));
    CHECK(keys_say("", RTX_OK, ""));
    {
        /* RTX_CONFIG_MAX_KEYS keys are fine; one more is the caller's bug. */
        static const char *const sixteen[] = {"a", "b", "c", "d", "e", "f", "g", "h",
                                              "i", "j", "k", "l", "m", "n", "o", "p", NULL};
        static const char *const seventeen[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i",
                                                "j", "k", "l", "m", "n", "o", "p", "q", NULL};
        rtx_config_t c = C("p: 1\n");
        rtx_error_t e;
        memset(&e, 0, sizeof e);
        e.struct_size = sizeof e;
        CHECK(RTX_CONFIG_MAX_KEYS == 16);
        CHECK(rtx_config_check_keys(&c, sixteen, &e) == RTX_OK);
        CHECK(rtx_config_check_keys(&c, seventeen, &e) == RTX_E_INTERNAL && e.code == RTX_E_INTERNAL);
    }
    if (failures == 0) printf("config.h: all checks passed\n");
    return failures == 0 ? 0 : 1;
}
