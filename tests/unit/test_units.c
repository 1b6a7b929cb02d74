/* Sizes with libvirt's unit words and the forms people type. */
#include "unit_helpers.h"

#include <stdlib.h>

#include "core/units.h"

#define KI 1024ULL
#define MI (KI * KI)
#define GI (MI * KI)
#define TI (GI * KI)
#define PI_ (TI * KI)
#define EI (PI_ * KI)

static void test_scale_units(void **state)
{
    (void)state;
    static const struct {
        const char *unit;
        uint64_t mult;
    } table[] = {
        {"b", 1},     {"B", 1},     {"byte", 1},
        {"bytes", 1}, {"BYTES", 1}, {"k", KI},
        {"K", KI},    {"KiB", KI},  {"kib", KI},
        {"KIB", KI},  {"KB", 1000}, {"kb", 1000},
        {"M", MI},    {"MiB", MI},  {"MB", 1000000},
        {"G", GI},    {"GiB", GI},  {"GB", 1000000000ULL},
        {"T", TI},    {"TiB", TI},  {"TB", 1000000000000ULL},
        {"P", PI_},   {"PiB", PI_}, {"PB", 1000000000000000ULL},
        {"E", EI},    {"EiB", EI},  {"EB", 1000000000000000000ULL},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        uint64_t bytes = 0;
        lv_error err = {0};
        if (lv_size_scale(3, table[i].unit, NULL, &bytes, &err) < 0)
            fail_msg("unit '%s': %s", table[i].unit, err.message);
        assert_int_equal(bytes, 3 * table[i].mult);
    }
}

static void test_scale_default_unit(void **state)
{
    (void)state;
    uint64_t bytes = 0;
    assert_int_equal(lv_size_scale(4, NULL, "KiB", &bytes, NULL), 0);
    assert_int_equal(bytes, 4096);
    assert_int_equal(lv_size_scale(4, "", "MiB", &bytes, NULL), 0);
    assert_int_equal(bytes, 4 * MI);
    assert_int_equal(lv_size_scale(4, NULL, NULL, &bytes, NULL), 0);
    assert_int_equal(bytes, 4);
    /* A unit given overrides the default. */
    assert_int_equal(lv_size_scale(4, "b", "KiB", &bytes, NULL), 0);
    assert_int_equal(bytes, 4);
}

static void test_scale_errors(void **state)
{
    (void)state;
    uint64_t bytes = 77;
    lv_error err = {0};
    static const char *const bad[] = {"potatoes", "iB", "ki", "KiBs", "kbb", "x", "1", "Z"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        lv_error_clear(&err);
        if (lv_size_scale(1, bad[i], NULL, &bytes, &err) == 0)
            fail_msg("unit '%s' accepted", bad[i]);
        assert_int_equal(err.code, LV_ERR_INVALID_ARG);
        char want[64];
        snprintf(want, sizeof(want), "unknown unit '%s'", bad[i]);
        assert_message_has(&err, want);
    }
    assert_int_equal(bytes, 77); /* untouched on failure */

    /* Overflow: 16 EiB is 2^64. */
    assert_int_equal(lv_size_scale(15, "EiB", NULL, &bytes, NULL), 0);
    assert_int_equal(bytes, 15 * EI);
    assert_int_equal(lv_size_scale(16, "EiB", NULL, &bytes, &err), -1);
    assert_message_has(&err, "too large");
    assert_int_equal(lv_size_scale(UINT64_MAX, "b", NULL, &bytes, NULL), 0);
    assert_true(bytes == UINT64_MAX);
    assert_int_equal(lv_size_scale(UINT64_MAX, NULL, "KiB", &bytes, &err), -1);
    assert_message_has(&err, "too large");
}

static void check_parse(const char *str, const char *def, uint64_t want)
{
    uint64_t bytes = 0;
    lv_error err = {0};
    if (lv_size_parse(str, def, &bytes, &err) < 0)
        fail_msg("'%s' did not parse: %s", str, err.message);
    if (bytes != want)
        fail_msg("'%s' gave %llu, want %llu", str, (unsigned long long)bytes,
                 (unsigned long long)want);
}

static void test_parse(void **state)
{
    (void)state;
    check_parse("1 GiB", NULL, GI);
    check_parse("1GiB", NULL, GI);
    check_parse("1 gib", NULL, GI);
    check_parse("512M", NULL, 512 * MI);
    check_parse("512MB", NULL, 512000000ULL);
    check_parse("2048", NULL, 2048);
    check_parse("2048", "KiB", 2048 * KI);
    check_parse("2048 b", "KiB", 2048);
    check_parse("  1 GiB  ", NULL, GI);
    check_parse("1\tK", NULL, KI);
    check_parse("0", NULL, 0);
    check_parse("0 EiB", NULL, 0);
    check_parse("007", NULL, 7);
    check_parse("1 KB", NULL, 1000);
    check_parse("3 bytes", NULL, 3);
    /* Decimals, rounded down to whole bytes. */
    check_parse("1.5 GiB", NULL, GI + GI / 2);
    check_parse("0.5k", NULL, 512);
    check_parse(".25 MiB", NULL, MI / 4);
    check_parse("1.1 KiB", NULL, 1126); /* 1126.4 */
    check_parse("1.5", NULL, 1);
    check_parse("2.", NULL, 2);
    check_parse("1.000000000000000000000001 KiB", NULL, KI);
    /* The whole 64-bit range. */
    check_parse("18446744073709551615", NULL, UINT64_MAX);
    check_parse("15.9 EiB", NULL, (uint64_t)(15 * EI + (9 * EI) / 10));
}

static void check_parse_fails(const char *str, const char *def, const char *message)
{
    uint64_t bytes = 42;
    lv_error err = {0};
    if (lv_size_parse(str, def, &bytes, &err) == 0)
        fail_msg("'%s' parsed to %llu", str, (unsigned long long)bytes);
    assert_int_equal(err.code, LV_ERR_INVALID_ARG);
    assert_int_equal(bytes, 42);
    assert_message_has(&err, message);
    assert_one_line(&err);
}

static void test_parse_errors(void **state)
{
    (void)state;
    /* The exact line the issue asks for. */
    uint64_t bytes;
    lv_error err = {0};
    assert_int_equal(lv_size_parse("12 potatoes", NULL, &bytes, &err), -1);
    assert_string_equal(err.message, "invalid size '12 potatoes': unknown unit 'potatoes'");

    check_parse_fails("", NULL, "invalid size '': empty");
    check_parse_fails("   ", NULL, "empty");
    check_parse_fails("GiB", NULL, "invalid size 'GiB': expected a number");
    check_parse_fails("-1", NULL, "invalid size '-1': must not be negative");
    check_parse_fails("- 1 KiB", NULL, "negative");
    check_parse_fails("+1", NULL, "expected a number");
    check_parse_fails(".", NULL, "expected a number");
    check_parse_fails("1 2", NULL, "unknown unit '2'");
    check_parse_fails("1 GiB extra", NULL, "unknown unit 'GiB extra'");
    check_parse_fails("1e9", NULL, "unknown unit 'e9'");
    check_parse_fails("0x10", NULL, "unknown unit 'x10'");
    check_parse_fails("1,5 GiB", NULL, "unknown unit ',5 GiB'");
    check_parse_fails("1.2.3", NULL, "unknown unit '.3'");
    check_parse_fails("18446744073709551616", NULL, "too large");
    check_parse_fails("99999999999999999999999", NULL, "too large");
    check_parse_fails("16 EiB", NULL, "invalid size '16 EiB': too large");
    check_parse_fails("17179869184 GiB", NULL, "too large");
    check_parse_fails("18446744073709551615", "KiB", "too large");
    check_parse_fails("1 this-unit-name-is-much-longer-than-any-real-unit", NULL,
                      "unknown unit 'this-unit-name");
    check_parse_fails(NULL, NULL, "invalid size");
    check_parse_fails("1 G\niB", NULL, "invalid size '1 G\\x0aiB': unknown unit 'G\\x0aiB'");
    check_parse_fails("1 \xff", NULL, "unknown unit '\\xff'");
}

static void check_format(uint64_t bytes, const char *want)
{
    char *s = lv_size_format(bytes);
    assert_string_equal(s, want);
    free(s);
}

static void test_format(void **state)
{
    (void)state;
    check_format(0, "0 B");
    check_format(1, "1 B");
    check_format(1023, "1023 B");
    check_format(1024, "1.0 KiB");
    check_format(1536, "1.5 KiB");
    check_format(512 * KI, "512 KiB");
    check_format(MI - 1, "1.0 MiB");
    check_format(MI, "1.0 MiB");
    check_format(GI, "1.0 GiB");
    check_format(GI + GI / 2, "1.5 GiB");
    check_format(10 * GI, "10 GiB");
    check_format(1000 * GI, "1000 GiB");
    check_format(TI, "1.0 TiB");
    check_format(EI, "1.0 EiB");
    check_format(UINT64_MAX, "16 EiB");

    /* What it prints parses back, to within its rounding. */
    static const uint64_t samples[] = {0, 5, 1024, 3 * MI, 512 * KI, 7 * GI, 2 * TI};
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        char *s = lv_size_format(samples[i]);
        uint64_t back = 1;
        lv_error err = {0};
        if (lv_size_parse(s, NULL, &back, &err) < 0)
            fail_msg("'%s' does not parse back: %s", s, err.message);
        assert_int_equal(back, samples[i]);
        free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scale_units),  cmocka_unit_test(test_scale_default_unit),
        cmocka_unit_test(test_scale_errors), cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_errors), cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
