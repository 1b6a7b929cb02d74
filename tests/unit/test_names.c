/* Object names: what can become a file name and appear in one line. */
#include "unit_helpers.h"

#include "core/names.h"

static void test_good_names(void **state)
{
    (void)state;
    char max[LV_NAME_MAX + 1];
    memset(max, 'a', LV_NAME_MAX);
    max[LV_NAME_MAX] = '\0';
    const char *const good[] = {
        "web",
        "a",
        "web-01_test.example",
        "with space",
        "x..",
        "a.b",
        "a..b",
        "trailing.",
        "\xc3\xbc"
        "n"
        "\xc3\xaf"
        "c"
        "\xc3\xb8"
        "d"
        "\xc3\xa9",                 /* ünïcødé */
        "\xe6\x97\xa5\xe6\x9c\xac", /* 日本 */
        "\xf0\x9f\x90\xa7",         /* U+1F427 */
        "\xf4\x8f\xbf\xbf",         /* U+10FFFF */
        "tab-free:colons@and+plus=ok",
        max,
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        lv_error err = {0};
        if (lv_name_validate("domain", good[i], &err) < 0)
            fail_msg("'%s' refused: %s", good[i], err.message);
    }
}

static void check_bad(const char *kind, const char *name, const char *message)
{
    lv_error err = {0};
    if (lv_name_validate(kind, name, &err) == 0)
        fail_msg("'%s' accepted", name ? name : "(null)");
    assert_int_equal(err.code, LV_ERR_INVALID_ARG);
    assert_message_has(&err, message);
    assert_one_line(&err);
}

static void test_bad_names(void **state)
{
    (void)state;
    /* The exact form the issue gives. */
    lv_error err = {0};
    assert_int_equal(lv_name_validate("domain", "a/b", &err), -1);
    assert_string_equal(err.message, "invalid domain name 'a/b': contains '/'");

    check_bad("domain", "", "invalid domain name '': must not be empty");
    check_bad("domain", NULL, "must not be empty");
    check_bad("network", "/", "invalid network name '/': contains '/'");
    check_bad("domain", "../etc/passwd", "contains '/'");
    check_bad("domain", ".", "invalid domain name '.': '.' and '..' are reserved");
    check_bad("domain", "..", "invalid domain name '..': '.' and '..' are reserved");
    check_bad("domain", ".hidden", "invalid domain name '.hidden': must not start with '.'");
    check_bad("pool", "a\nb", "invalid pool name 'a\\x0ab': contains a control character (U+000A)");
    check_bad("domain", "tab\there", "control character (U+0009)");
    check_bad("domain", "esc\x1b[31m", "control character (U+001B)");
    check_bad("domain", "del\x7f", "control character (U+007F)");
    check_bad("domain", "c1\xc2\x85", "control character (U+0085)");
    check_bad("domain", "bad\xff", "invalid domain name 'bad\\xff': not valid UTF-8");
    check_bad("domain", "\xc0\xaf", "not valid UTF-8");         /* overlong '/' */
    check_bad("domain", "\xe0\x80\xaf", "not valid UTF-8");     /* overlong, 3 bytes */
    check_bad("domain", "\xed\xa0\x80", "not valid UTF-8");     /* surrogate */
    check_bad("domain", "\xf4\x90\x80\x80", "not valid UTF-8"); /* above U+10FFFF */
    check_bad("domain", "cut\xe6\x97", "not valid UTF-8");      /* truncated */
    check_bad("domain", "\x80start", "not valid UTF-8");        /* lone continuation */
    check_bad(NULL, "a/b", "invalid object name 'a/b'");

    /* Too long: 256 bytes, and 256 bytes of valid multi-byte UTF-8; the message
     * quotes only the start of the name. */
    char long_name[LV_NAME_MAX + 2];
    memset(long_name, 'x', LV_NAME_MAX + 1);
    long_name[LV_NAME_MAX + 1] = '\0';
    check_bad("domain", long_name, "longer than 255 bytes (256)");
    lv_error_clear(&err);
    lv_name_validate("domain", long_name, &err);
    assert_message_has(&err, "...");
    assert_true(strlen(err.message) < 200);

    char wide[259];
    for (int i = 0; i < 86; i++)
        memcpy(wide + i * 3, "\xe6\x97\xa5", 3); /* 258 bytes, 86 characters */
    wide[258] = '\0';
    check_bad("domain", wide, "longer than 255 bytes (258)");
}

static void check_shown(const char *in, size_t outsz, const char *want)
{
    char out[128];
    assert_true(outsz <= sizeof(out));
    memset(out, '#', sizeof(out));
    const char *r = lv_text_for_message(in, out, outsz);
    assert_ptr_equal(r, out);
    assert_string_equal(out, want);
    assert_true(strlen(out) < outsz);
}

static void test_text_for_message(void **state)
{
    (void)state;
    check_shown("plain", 64, "plain");
    check_shown(NULL, 64, "");
    check_shown("", 8, "");
    check_shown("a\nb", 64, "a\\x0ab");
    check_shown("\xff\xfe", 64, "\\xff\\xfe");
    check_shown("c1\xc2\x85", 64, "c1\\xc2\\x85");
    check_shown("\xe6\x97\xa5\xe6\x9c\xac", 64, "\xe6\x97\xa5\xe6\x9c\xac");
    /* Exactly fits: no cut. */
    check_shown("123456789012345", 16, "123456789012345");
    /* One more: cut with "...", within outsz. */
    check_shown("1234567890123456", 16, "123456789012...");
    /* Never splits a character or an escape. */
    check_shown("\xe6\x97\xa5\xe6\x9c\xac\xe6\x97\xa5\xe6\x9c\xac", 10,
                "\xe6\x97\xa5\xe6\x9c\xac...");
    check_shown("ab\x01\x02\x03", 12, "ab\\x01...");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_names),
        cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_text_for_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
