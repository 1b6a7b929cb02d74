/* UUIDs (random v4, libvirt's two text forms) and MAC addresses. */
#include "unit_helpers.h"

#include "core/mac.h"
#include "core/uuid.h"

static void test_uuid_generate(void **state)
{
    (void)state;
    unsigned char a[LV_UUID_LEN], b[LV_UUID_LEN];
    lv_error err = {0};
    assert_int_equal(lv_uuid_generate(a, &err), 0);
    assert_int_equal(lv_uuid_generate(b, &err), 0);
    assert_memory_not_equal(a, b, LV_UUID_LEN);
    assert_false(lv_uuid_is_null(a));
    for (int i = 0; i < 200; i++) {
        assert_int_equal(lv_uuid_generate(a, &err), 0);
        assert_int_equal(a[6] >> 4, 4);      /* version 4 */
        assert_int_equal(a[8] & 0xc0, 0x80); /* RFC 4122 variant */
        char s[LV_UUID_STRING_LEN];
        lv_uuid_format(a, s);
        assert_int_equal(s[14], '4');
        assert_non_null(strchr("89ab", s[19]));
    }
}

static void test_uuid_format_parse(void **state)
{
    (void)state;
    static const unsigned char raw[LV_UUID_LEN] = {0x6f, 0x5a, 0x3e, 0x0b, 0x1c, 0x2d, 0x4e, 0x5f,
                                                   0x8a, 0x9b, 0xac, 0xbd, 0xce, 0xdf, 0xe0, 0xf1};
    char s[LV_UUID_STRING_LEN];
    lv_uuid_format(raw, s);
    assert_string_equal(s, "6f5a3e0b-1c2d-4e5f-8a9b-acbdcedfe0f1");

    static const char *const good[] = {
        "6f5a3e0b-1c2d-4e5f-8a9b-acbdcedfe0f1",
        "6F5A3E0B-1C2D-4E5F-8A9B-ACBDCEDFE0F1",
        "6f5a3e0b1c2d4e5f8a9bacbdcedfe0f1",
        "  6f5a3e0b-1c2d-4e5f-8a9b-acbdcedfe0f1\n",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        unsigned char u[LV_UUID_LEN] = {0};
        lv_error err = {0};
        if (lv_uuid_parse(good[i], u, &err) < 0)
            fail_msg("'%s': %s", good[i], err.message);
        assert_memory_equal(u, raw, LV_UUID_LEN);
    }

    /* Generated ones survive the round trip. */
    unsigned char g[LV_UUID_LEN], back[LV_UUID_LEN];
    assert_int_equal(lv_uuid_generate(g, NULL), 0);
    lv_uuid_format(g, s);
    assert_int_equal(strlen(s), 36);
    assert_int_equal(lv_uuid_parse(s, back, NULL), 0);
    assert_memory_equal(g, back, LV_UUID_LEN);
}

static void test_uuid_bad(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "6f5a3e0b-1c2d-4e5f-8a9b-acbdcedfe0f",   /* 35 */
        "6f5a3e0b-1c2d-4e5f-8a9b-acbdcedfe0f12", /* 37 */
        "6f5a3e0b1-c2d-4e5f-8a9b-acbdcedfe0f1",  /* dash misplaced */
        "6f5a3e0b-1c2d-4e5f-8a9b_acbdcedfe0f1",
        "6f5a3e0g-1c2d-4e5f-8a9b-acbdcedfe0f1",
        "6f5a3e0b1c2d4e5f8a9bacbdcedfe0f",
        "6f5a3e0b1c2d4e5f8a9bacbdcedfe0fz",
        "6f5a3e0b-1c2d4e5f8a9bacbdcedfe0f1",
        "web",
        "42",
        "6f5a 3e0b-1c2d-4e5f-8a9b-acbdcedfe0f",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        unsigned char u[LV_UUID_LEN];
        memset(u, 0xee, sizeof(u));
        lv_error err = {0};
        if (lv_uuid_parse(bad[i], u, &err) == 0)
            fail_msg("'%s' parsed as a UUID", bad[i]);
        assert_int_equal(err.code, LV_ERR_INVALID_ARG);
        char want[128];
        snprintf(want, sizeof(want), "invalid UUID '%s'", bad[i]);
        assert_message_has(&err, want);
        for (int k = 0; k < LV_UUID_LEN; k++)
            assert_int_equal(u[k], 0xee); /* untouched */
    }
    unsigned char u[LV_UUID_LEN];
    assert_int_equal(lv_uuid_parse(NULL, u, NULL), -1);
    /* A key with a newline still gives one line. */
    lv_error err = {0};
    assert_int_equal(lv_uuid_parse("bad\nkey", u, &err), -1);
    assert_string_equal(err.message,
                        "invalid UUID 'bad\\x0akey': expected 8-4-4-4-12 or 32 hex digits");
    assert_int_equal(lv_mac_parse("52:54\n", (unsigned char[LV_MAC_LEN]){0}, &err), -1);
    assert_one_line(&err);
    assert_message_has(&err, "'52:54\\x0a'");
}

static void test_uuid_is_null(void **state)
{
    (void)state;
    unsigned char u[LV_UUID_LEN] = {0};
    assert_true(lv_uuid_is_null(u));
    u[15] = 1;
    assert_false(lv_uuid_is_null(u));
    assert_int_equal(lv_uuid_parse("00000000-0000-0000-0000-000000000000", u, NULL), 0);
    assert_true(lv_uuid_is_null(u));
}

static void test_random_bytes(void **state)
{
    (void)state;
    unsigned char big[70000];
    memset(big, 0, sizeof(big));
    assert_int_equal(lv_random_bytes(big, sizeof(big), NULL), 0);
    size_t zeros = 0;
    for (size_t i = 0; i < sizeof(big); i++)
        zeros += big[i] == 0;
    assert_true(zeros < sizeof(big) / 64); /* ~1/256 expected */
    assert_int_equal(lv_random_bytes(big, 0, NULL), 0);
}

static void test_mac_generate(void **state)
{
    (void)state;
    unsigned char a[LV_MAC_LEN], b[LV_MAC_LEN];
    int same = 0;
    for (int i = 0; i < 50; i++) {
        assert_int_equal(lv_mac_generate(a, NULL), 0);
        assert_int_equal(lv_mac_generate(b, NULL), 0);
        assert_int_equal(a[0], 0x52);
        assert_int_equal(a[1], 0x54);
        assert_int_equal(a[2], 0x00);
        same += memcmp(a, b, LV_MAC_LEN) == 0;
        char s[LV_MAC_STRING_LEN];
        lv_mac_format(a, s);
        assert_int_equal(strncmp(s, "52:54:00:", 9), 0);
        unsigned char back[LV_MAC_LEN];
        assert_int_equal(lv_mac_parse(s, back, NULL), 0);
        assert_memory_equal(a, back, LV_MAC_LEN);
    }
    assert_true(same < 3);
}

static void test_mac_parse(void **state)
{
    (void)state;
    static const unsigned char want[LV_MAC_LEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0xab};
    static const char *const good[] = {
        "52:54:00:12:34:ab", "52-54-00-12-34-ab", "52:54:00:12:34:AB",
        "52:54:0:12:34:ab", /* one digit per byte, as libvirt accepts */
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        unsigned char m[LV_MAC_LEN];
        lv_error err = {0};
        if (lv_mac_parse(good[i], m, &err) < 0)
            fail_msg("'%s': %s", good[i], err.message);
        assert_memory_equal(m, want, LV_MAC_LEN);
    }
    char s[LV_MAC_STRING_LEN];
    lv_mac_format(want, s);
    assert_string_equal(s, "52:54:00:12:34:ab");
}

static void test_mac_bad(void **state)
{
    (void)state;
    static const struct {
        const char *str;
        const char *why;
    } bad[] = {
        {"", "expected six hex bytes"},
        {"52:54:00:12:34", "expected six hex bytes"},
        {"52:54:00:12:34:56:78", "expected six hex bytes"},
        {"52:54:00-12:34:56", "expected six hex bytes"},
        {"52:54:00:12:34:5g", "expected six hex bytes"},
        {"52:54:00:12:34:567", "expected six hex bytes"},
        {"525400123456", "expected six hex bytes"},
        {"52::54:00:12:34", "expected six hex bytes"},
        {"52:54:00:12:34:56 ", "expected six hex bytes"},
        {"01:00:5e:00:00:01", "found multicast"},
        {"ff:ff:ff:ff:ff:ff", "found multicast"},
        {"53:54:00:12:34:56", "found multicast"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        unsigned char m[LV_MAC_LEN];
        memset(m, 0xee, sizeof(m));
        lv_error err = {0};
        if (lv_mac_parse(bad[i].str, m, &err) == 0)
            fail_msg("'%s' parsed as a MAC", bad[i].str);
        assert_int_equal(err.code, LV_ERR_INVALID_ARG);
        char want[128];
        snprintf(want, sizeof(want), "invalid MAC address '%s'", bad[i].str);
        assert_message_has(&err, want);
        assert_message_has(&err, bad[i].why);
        for (int k = 0; k < LV_MAC_LEN; k++)
            assert_int_equal(m[k], 0xee);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uuid_generate), cmocka_unit_test(test_uuid_format_parse),
        cmocka_unit_test(test_uuid_bad),      cmocka_unit_test(test_uuid_is_null),
        cmocka_unit_test(test_random_bytes),  cmocka_unit_test(test_mac_generate),
        cmocka_unit_test(test_mac_parse),     cmocka_unit_test(test_mac_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
