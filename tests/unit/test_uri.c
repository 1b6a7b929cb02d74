/* URI parsing and formatting, as libvirt reads connection URIs. */
#include "unit_helpers.h"

#include <stdlib.h>

#include "core/uri.h"

static void assert_str_or_null(const char *got, const char *want)
{
    if (!want)
        assert_null(got);
    else
        assert_non_null(got), assert_string_equal(got, want);
}

static void check_parts(const char *str, const char *scheme, const char *driver,
                        const char *transport, const char *user, const char *host, int port,
                        const char *path, const char *canonical)
{
    lv_uri uri;
    lv_error err = {0};
    if (lv_uri_parse(str, &uri, &err) < 0)
        fail_msg("'%s' did not parse: %s", str, err.message);
    assert_string_equal(uri.original, str);
    assert_string_equal(uri.scheme, scheme);
    assert_string_equal(uri.driver, driver);
    assert_str_or_null(uri.transport, transport);
    assert_str_or_null(uri.user, user);
    assert_str_or_null(uri.host, host);
    assert_int_equal(uri.port, port);
    assert_string_equal(uri.path, path);
    char *f = lv_uri_format(&uri);
    assert_string_equal(f, canonical);
    free(f);
    lv_uri_clear(&uri);
}

static void test_local_uris(void **state)
{
    (void)state;
    check_parts("test:///default", "test", "test", NULL, NULL, NULL, 0, "/default",
                "test:///default");
    check_parts("test:///abs/path.xml", "test", "test", NULL, NULL, NULL, 0, "/abs/path.xml",
                "test:///abs/path.xml");
    check_parts("qemu:///system", "qemu", "qemu", NULL, NULL, NULL, 0, "/system", "qemu:///system");
    check_parts("qemu:///session", "qemu", "qemu", NULL, NULL, NULL, 0, "/session",
                "qemu:///session");
    /* No path at all. */
    check_parts("test://", "test", "test", NULL, NULL, NULL, 0, "", "test://");
    /* Schemes are case-insensitive: stored lower-case. */
    check_parts("QEMU:///system", "qemu", "qemu", NULL, NULL, NULL, 0, "/system", "qemu:///system");
    /* A percent-encoded path is decoded and encoded again. */
    check_parts("test:///tmp/my%20file.xml", "test", "test", NULL, NULL, NULL, 0,
                "/tmp/my file.xml", "test:///tmp/my%20file.xml");
}

static void test_remote_uri(void **state)
{
    (void)state;
    lv_uri uri;
    lv_error err = {0};
    assert_int_equal(lv_uri_parse("qemu+ssh://user@host:2222/system?keyfile=/k", &uri, &err), 0);
    assert_string_equal(uri.scheme, "qemu+ssh");
    assert_string_equal(uri.driver, "qemu");
    assert_string_equal(uri.transport, "ssh");
    assert_string_equal(uri.user, "user");
    assert_string_equal(uri.host, "host");
    assert_int_equal(uri.port, 2222);
    assert_string_equal(uri.path, "/system");
    assert_int_equal(uri.nparams, 1);
    assert_string_equal(uri.params[0].name, "keyfile");
    assert_string_equal(uri.params[0].value, "/k");
    assert_string_equal(lv_uri_param_get(&uri, "keyfile"), "/k");
    assert_null(lv_uri_param_get(&uri, "nope"));
    char *f = lv_uri_format(&uri);
    assert_string_equal(f, "qemu+ssh://user@host:2222/system?keyfile=/k");
    free(f);
    lv_uri_clear(&uri);
    /* Cleared: every pointer gone, clearing again is harmless. */
    assert_null(uri.scheme);
    assert_null(uri.params);
    lv_uri_clear(&uri);

    check_parts("qemu+ssh://host/system", "qemu+ssh", "qemu", "ssh", NULL, "host", 0, "/system",
                "qemu+ssh://host/system");
    check_parts("qemu+ssh://root@[fe80::1]:22/system", "qemu+ssh", "qemu", "ssh", "root", "fe80::1",
                22, "/system", "qemu+ssh://root@[fe80::1]:22/system");
    check_parts("qemu+ssh://[::1]/system", "qemu+ssh", "qemu", "ssh", NULL, "::1", 0, "/system",
                "qemu+ssh://[::1]/system");
    /* An '@' in the user name arrives encoded; the last '@' ends the user. */
    check_parts("qemu+ssh://us%40er@host/system", "qemu+ssh", "qemu", "ssh", "us@er", "host", 0,
                "/system", "qemu+ssh://us%40er@host/system");
    /* "host:" has no port. */
    check_parts("qemu+tcp://host:/system", "qemu+tcp", "qemu", "tcp", NULL, "host", 0, "/system",
                "qemu+tcp://host/system");
    check_parts("qemu+ssh://h:65535/system", "qemu+ssh", "qemu", "ssh", NULL, "h", 65535, "/system",
                "qemu+ssh://h:65535/system");
}

static void test_query(void **state)
{
    (void)state;
    lv_uri uri;
    lv_error err = {0};

    assert_int_equal(lv_uri_parse("qemu:///embed?root=/var/tmp/a%20b%26c", &uri, &err), 0);
    assert_string_equal(uri.path, "/embed");
    assert_string_equal(lv_uri_param_get(&uri, "root"), "/var/tmp/a b&c");
    char *f = lv_uri_format(&uri);
    assert_string_equal(f, "qemu:///embed?root=/var/tmp/a%20b%26c");
    free(f);
    lv_uri_clear(&uri);

    /* '&' and ';' separate; empty sections and "=value" are skipped; a bare name is "";
     * '+' is not a space (libvirt does not decode it); the last repeat wins. */
    assert_int_equal(
        lv_uri_parse("qemu+ssh://h/system?a=1&&b;=skip&flag&a=2&p=x+y&n%61me=v%3d&e=", &uri, &err),
        0);
    assert_int_equal(uri.nparams, 7);
    assert_string_equal(uri.params[0].name, "a");
    assert_string_equal(uri.params[0].value, "1");
    assert_string_equal(uri.params[1].name, "b");
    assert_string_equal(uri.params[1].value, "");
    assert_string_equal(lv_uri_param_get(&uri, "flag"), "");
    assert_string_equal(lv_uri_param_get(&uri, "a"), "2");
    assert_string_equal(lv_uri_param_get(&uri, "p"), "x+y");
    assert_string_equal(lv_uri_param_get(&uri, "name"), "v=");
    assert_string_equal(lv_uri_param_get(&uri, "e"), "");
    f = lv_uri_format(&uri);
    assert_string_equal(f, "qemu+ssh://h/system?a=1&b=&flag=&a=2&p=x+y&name=v%3D&e=");
    free(f);
    lv_uri_clear(&uri);

    /* Upper- and lower-case hex digits both decode. */
    assert_int_equal(lv_uri_parse("qemu:///embed?root=%2fa%2Fb", &uri, &err), 0);
    assert_string_equal(lv_uri_param_get(&uri, "root"), "/a/b");
    lv_uri_clear(&uri);
}

/* Every canonical form parses back to the same canonical form. */
static void test_round_trip(void **state)
{
    (void)state;
    static const char *const uris[] = {
        "test:///default",
        "qemu:///embed?root=/tmp/x%3Fy%23z",
        "qemu+ssh://u%20v@[2001:db8::1]:2222/system?keyfile=/k%20k&no_verify=1",
        "qemu+unix:///system?socket=/run/a;b",
    };
    for (size_t i = 0; i < sizeof(uris) / sizeof(uris[0]); i++) {
        lv_uri a, b;
        lv_error err = {0};
        if (lv_uri_parse(uris[i], &a, &err) < 0)
            fail_msg("'%s': %s", uris[i], err.message);
        char *fa = lv_uri_format(&a);
        if (lv_uri_parse(fa, &b, &err) < 0)
            fail_msg("'%s': %s", fa, err.message);
        char *fb = lv_uri_format(&b);
        assert_string_equal(fa, fb);
        assert_int_equal(a.nparams, b.nparams);
        for (size_t k = 0; k < a.nparams; k++) {
            assert_string_equal(a.params[k].name, b.params[k].name);
            assert_string_equal(a.params[k].value, b.params[k].value);
        }
        assert_str_or_null(b.user, a.user);
        assert_str_or_null(b.host, a.host);
        assert_string_equal(a.path, b.path);
        free(fa);
        free(fb);
        lv_uri_clear(&a);
        lv_uri_clear(&b);
    }
}

static void check_bad(const char *str, const char *why)
{
    lv_uri uri;
    memset(&uri, 0x5a, sizeof(uri));
    lv_error err = {0};
    if (lv_uri_parse(str, &uri, &err) == 0)
        fail_msg("'%s' parsed, expected failure (%s)", str, why);
    assert_int_equal(err.code, LV_ERR_INVALID_ARG);
    /* Nothing to free on failure: everything zeroed. */
    assert_null(uri.original);
    assert_null(uri.scheme);
    assert_null(uri.driver);
    assert_null(uri.host);
    assert_null(uri.path);
    assert_null(uri.params);
    assert_int_equal(uri.nparams, 0);
    char prefix[300];
    snprintf(prefix, sizeof(prefix), "invalid URI '%s': ", str);
    if (strchr(str, '\n') == NULL && strchr(str, ' ') == NULL) {
        if (strncmp(err.message, prefix, strlen(prefix)) != 0)
            fail_msg("message \"%s\" does not start with \"%s\"", err.message, prefix);
    }
    assert_message_has(&err, why);
    assert_one_line(&err);
}

static void test_bad_uris(void **state)
{
    (void)state;
    check_bad("", "empty");
    check_bad("default", "missing scheme");
    check_bad("/abs/path", "missing scheme");
    check_bad("1qemu:///system", "missing scheme");
    check_bad("://host/x", "missing scheme");
    check_bad("test:default", "expected '//' after 'test:'");
    check_bad("qemu:/system", "expected '//'");
    check_bad("qemu+://h/system", "DRIVER+TRANSPORT");
    check_bad("+ssh://h/system", "missing scheme");
    check_bad("qemu+ssh://host:99999/system", "out of range");
    check_bad("qemu+ssh://host:0/system", "out of range");
    check_bad("qemu+ssh://host:22x/system", "invalid port '22x'");
    check_bad("qemu+ssh://host:-1/system", "invalid port");
    check_bad("qemu+ssh://@host/system", "empty user name");
    check_bad("qemu+ssh://user@/system", "needs a host");
    check_bad("qemu+ssh://:22/system", "needs a host");
    check_bad("qemu+ssh://[::1/system", "missing ']'");
    check_bad("qemu+ssh://[]/system", "empty IPv6");
    check_bad("qemu+ssh://[::1]x/system", "after ']'");
    check_bad("qemu:///embed?root=%zz", "bad percent-escape '%zz' in the query");
    check_bad("qemu:///embed?root=%4", "bad percent-escape '%4' in the query");
    check_bad("qemu:///embed?root=%", "bad percent-escape");
    check_bad("test:///a%00b", "encoded NUL");
    check_bad("test:///a%g0", "in the path");
    check_bad("qemu+ssh://h%zz/system", "in the host");
    check_bad("test:///default#frag", "fragments");
    check_bad("test:///my file.xml", "contains a space");
    check_bad("test:///a\nb", "control character");
}

/* Random URI-ish strings: each either parses, and then its canonical form parses to
 * the same parts and the same canonical form, or fails with one line. */
static void test_random_strings(void **state)
{
    (void)state;
    static const char alphabet[] = "qemutsx+:/@[]?&;=#%0123456789aAfF.-_~ !$'()*,\x01\xc3\xa9";
    unsigned seed = 12345;
    char str[48];
    int parsed = 0;
    for (int round = 0; round < 20000; round++) {
        seed = seed * 1103515245u + 12345u;
        size_t len = (seed >> 16) % (sizeof(str) - 1);
        /* Most strings start like a URI so that the later parts get exercised. */
        size_t start = 0;
        if (round % 4 != 0) {
            static const char *const heads[] = {"qemu+ssh://", "test:///", "qemu://"};
            const char *h = heads[round % 3];
            start = strlen(h);
            memcpy(str, h, start);
        }
        for (size_t i = start; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            str[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        str[len > start ? len : start] = '\0';

        lv_uri a, b;
        lv_error err = {0};
        if (lv_uri_parse(str, &a, &err) < 0) {
            assert_int_equal(err.code, LV_ERR_INVALID_ARG);
            assert_one_line(&err);
            continue;
        }
        parsed++;
        char *fa = lv_uri_format(&a);
        if (lv_uri_parse(fa, &b, &err) < 0)
            fail_msg("'%s' parsed, its canonical form '%s' does not: %s", str, fa, err.message);
        char *fb = lv_uri_format(&b);
        assert_string_equal(fa, fb);
        assert_string_equal(a.scheme, b.scheme);
        assert_str_or_null(b.user, a.user);
        assert_str_or_null(b.host, a.host);
        assert_int_equal(a.port, b.port);
        assert_string_equal(a.path, b.path);
        assert_int_equal(a.nparams, b.nparams);
        for (size_t k = 0; k < a.nparams; k++) {
            assert_string_equal(a.params[k].name, b.params[k].name);
            assert_string_equal(a.params[k].value, b.params[k].value);
        }
        free(fa);
        free(fb);
        lv_uri_clear(&a);
        lv_uri_clear(&b);
    }
    assert_true(parsed > 1000); /* the generator does reach the interesting cases */
}

static void test_null_error_ok(void **state)
{
    (void)state;
    lv_uri uri;
    /* err may be NULL when the caller does not care. */
    assert_int_equal(lv_uri_parse("nope", &uri, NULL), -1);
    assert_int_equal(lv_uri_parse(NULL, &uri, NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_local_uris),     cmocka_unit_test(test_remote_uri),
        cmocka_unit_test(test_query),          cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_bad_uris),       cmocka_unit_test(test_null_error_ok),
        cmocka_unit_test(test_random_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
