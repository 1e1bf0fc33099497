/* Checks the header-only config reader (rtx/config.h); exits non-zero naming the first failure. */
#include <rtx/config.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "config.h check failed: %s (line %d)\n", #cond, __LINE__); ++failures; } } while (0)

static rtx_str_t S(const char *t) { rtx_str_t s; s.data = t; s.length = strlen(t); return s; }

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
    if (failures == 0) printf("config.h: all checks passed\n");
    return failures == 0 ? 0 : 1;
}
