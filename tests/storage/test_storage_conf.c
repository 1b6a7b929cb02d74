/* Pool and volume XML (drivers/conf/storage_conf.c): libvirt's files parse
 * and format as the golden files say (tests/data/storage/NAME-out.xml; live
 * values and output-only elements dropped), the output parses back to
 * itself, and bad input is refused with one line naming the problem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/storage_conf.h"
#include "core/alloc.h"
#include "core/files.h"

static char *read_data(const char *name)
{
    char *path = lv_asprintf("%s/%s", STORAGE_DATA, name);
    char *text = NULL;
    size_t len;
    lv_error err;
    if (lv_file_read_all(path, &text, &len, &err) < 0)
        fail_msg("%s", err.message);
    free(path);
    return text;
}

static void check_pool(const char *in, const char *out)
{
    char *xml = read_data(in), *want = read_data(out);
    lv_error err;
    lv_pool_def *def = lv_pool_def_parse_xml(xml, 0, &err);
    if (!def)
        fail_msg("%s: %s", in, err.message);
    char *got = lv_pool_def_format_xml(def, 0);
    if (strcmp(got, want))
        fail_msg("%s:\n--- want\n%s--- got\n%s", in, want, got);
    lv_pool_def *again = lv_pool_def_parse_xml(got, 0, &err);
    assert_non_null(again);
    char *got2 = lv_pool_def_format_xml(again, 0);
    assert_string_equal(got, got2);
    lv_pool_def *copy = lv_pool_def_copy(again);
    char *got3 = lv_pool_def_format_xml(copy, 0);
    assert_string_equal(got, got3);
    free(got3);
    lv_pool_def_free(copy);
    free(got2);
    lv_pool_def_free(again);
    free(got);
    lv_pool_def_free(def);
    free(xml);
    free(want);
}

static void test_pool_golden(void **state)
{
    (void)state;
    check_pool("pool-dir.xml", "pool-dir-out.xml");
    check_pool("pool-logical.xml", "pool-logical-out.xml");
}

static void test_pool_live_values(void **state)
{
    (void)state;
    char *xml = read_data("pool-dir.xml");
    lv_pool_def *def = lv_pool_def_parse_xml(xml, LV_POOL_PARSE_KEEP_LIVE, NULL);
    assert_non_null(def);
    assert_true(def->capacity.set);
    char *out = lv_pool_def_format_xml(def, 0);
    assert_non_null(strstr(out, "<capacity unit='bytes'>0</capacity>"));
    free(out);
    out = lv_pool_def_format_xml(def, LV_POOL_FORMAT_INACTIVE);
    assert_null(strstr(out, "<capacity"));
    free(out);
    lv_pool_def_free(def);
    free(xml);
}

static void test_pool_generated_uuid(void **state)
{
    (void)state;
    lv_pool_def *def = lv_pool_def_parse_xml(
        "<pool type='dir'><name>p</name><target><path>/srv/p</path></target></pool>", 0, NULL);
    assert_non_null(def);
    assert_false(lv_uuid_is_null(def->uuid));
    lv_pool_def_free(def);
}

static void pool_refused(const char *xml, lv_error_code code, const char *needle)
{
    lv_error err = {0};
    lv_pool_def *def = lv_pool_def_parse_xml(xml, 0, &err);
    if (def)
        fail_msg("accepted: %s", xml);
    if (err.code != code || !strstr(err.message, needle))
        fail_msg("%s: got %s \"%s\", want %s with \"%s\"", xml, lv_error_code_name(err.code),
                 err.message, lv_error_code_name(code), needle);
    assert_null(strchr(err.message, '\n'));
}

static void test_pool_refusals(void **state)
{
    (void)state;
    pool_refused("<pool type='iscsi'><name>p</name></pool>", LV_ERR_CONFIG_UNSUPPORTED,
                 "pool type 'iscsi' is not supported");
    pool_refused("<pool type='netfs'><name>p</name></pool>", LV_ERR_CONFIG_UNSUPPORTED,
                 "pool type 'netfs'");
    pool_refused("<pool type='rbd'><name>p</name></pool>", LV_ERR_CONFIG_UNSUPPORTED,
                 "pool type 'rbd'");
    pool_refused("<pool type='bogus'><name>p</name></pool>", LV_ERR_CONFIG_UNSUPPORTED,
                 "unknown pool type 'bogus'");
    pool_refused("<pool><name>p</name></pool>", LV_ERR_XML, "type");
    pool_refused("<pool type='dir'><target><path>/srv/p</path></target></pool>", LV_ERR_XML,
                 "<name>");
    pool_refused("<pool type='dir'><name>a/b</name><target><path>/srv/p</path></target></pool>",
                 LV_ERR_INVALID_ARG, "'a/b'");
    pool_refused("<pool type='dir'><name>..</name><target><path>/srv/p</path></target></pool>",
                 LV_ERR_INVALID_ARG, "'..'");
    pool_refused("<pool type='dir'><name>p</name></pool>", LV_ERR_XML, "<target><path>");
    pool_refused("<pool type='dir'><name>p</name><target><path>srv/p</path></target></pool>",
                 LV_ERR_INVALID_ARG, "absolute");
    pool_refused("<pool type='dir'><name>p</name><target><path>/srv/../etc</path></target>"
                 "</pool>",
                 LV_ERR_INVALID_ARG, "plain absolute path");
    pool_refused("<pool type='dir'><name>p</name><target><path>/srv/p/</path></target></pool>",
                 LV_ERR_INVALID_ARG, "plain absolute path");
    pool_refused("<pool type='dir'><name>p</name><target><path>/</path></target></pool>",
                 LV_ERR_INVALID_ARG, "'/'");
    pool_refused("<pool type='dir'><name>p</name><target><path>/srv/p</path><permissions>"
                 "<mode>0999</mode></permissions></target></pool>",
                 LV_ERR_INVALID_ARG, "invalid mode '0999'");
    pool_refused("<pool type='dir'><name>p</name><features><cow state='no'/></features>"
                 "<target><path>/srv/p</path></target></pool>",
                 LV_ERR_CONFIG_UNSUPPORTED, "<features>");
    pool_refused("<pool type='dir'><name>p</name><source><host name='x'/></source>"
                 "<target><path>/srv/p</path></target></pool>",
                 LV_ERR_CONFIG_UNSUPPORTED, "<host>");
    pool_refused("<pool type='dir'", LV_ERR_XML, "malformed");
    pool_refused("<volume/>", LV_ERR_XML, "expected a <pool>");
    pool_refused("", LV_ERR_XML, "empty");
}

static void test_vol_golden(void **state)
{
    (void)state;
    char *xml = read_data("vol-qcow2.xml"), *want = read_data("vol-qcow2-out.xml");
    lv_error err;
    lv_vol_def *def = lv_vol_def_parse_xml(xml, 0, &err);
    if (!def)
        fail_msg("%s", err.message);
    char *got = lv_vol_def_format_xml(def, 0);
    if (strcmp(got, want))
        fail_msg("--- want\n%s--- got\n%s", want, got);
    lv_vol_def *copy = lv_vol_def_copy(def);
    char *got2 = lv_vol_def_format_xml(copy, 0);
    assert_string_equal(got, got2);
    free(got2);
    lv_vol_def_free(copy);
    free(got);
    lv_vol_def_free(def);
    free(xml);
    free(want);
}

static void vol_refused(const char *xml, lv_error_code code, const char *needle)
{
    lv_error err = {0};
    lv_vol_def *def = lv_vol_def_parse_xml(xml, 0, &err);
    if (def)
        fail_msg("accepted: %s", xml);
    if (err.code != code || !strstr(err.message, needle))
        fail_msg("%s: got %s \"%s\", want %s with \"%s\"", xml, lv_error_code_name(err.code),
                 err.message, lv_error_code_name(code), needle);
    assert_null(strchr(err.message, '\n'));
}

static void test_vol_refusals(void **state)
{
    (void)state;
    vol_refused("<volume><name>../x</name><capacity>1</capacity></volume>", LV_ERR_INVALID_ARG,
                "invalid volume name '../x'");
    vol_refused("<volume><name>a/b</name><capacity>1</capacity></volume>", LV_ERR_INVALID_ARG,
                "'/'");
    vol_refused("<volume><name>..</name><capacity>1</capacity></volume>", LV_ERR_INVALID_ARG,
                "'..'");
    vol_refused("<volume><name>.hidden</name><capacity>1</capacity></volume>",
                LV_ERR_INVALID_ARG, "'.hidden'");
    vol_refused("<volume><name>a</name></volume>", LV_ERR_XML, "<capacity>");
    vol_refused("<volume><capacity>1</capacity></volume>", LV_ERR_XML, "<name>");
    vol_refused("<volume><name>a</name><capacity unit='potatoes'>1</capacity></volume>",
                LV_ERR_INVALID_ARG, "potatoes");
    vol_refused("<volume><name>a</name><capacity>-1</capacity></volume>", LV_ERR_INVALID_ARG,
                "invalid size '-1'");
    vol_refused("<volume><name>a</name><capacity>1</capacity><target><format type='xyz'/>"
                "</target></volume>",
                LV_ERR_CONFIG_UNSUPPORTED, "volume format 'xyz'");
    vol_refused("<volume><name>a</name><capacity>1</capacity><target><compat>2</compat>"
                "</target></volume>",
                LV_ERR_CONFIG_UNSUPPORTED, "compat '2'");
    vol_refused("<volume><name>a</name><capacity>1</capacity><backingStore><path>rel.img"
                "</path></backingStore></volume>",
                LV_ERR_INVALID_ARG, "absolute");
    vol_refused("<volume><name>a</name><capacity>1</capacity><target><encryption/></target>"
                "</volume>",
                LV_ERR_CONFIG_UNSUPPORTED, "<encryption>");
    vol_refused("<volume type='network'><name>a</name><capacity>1</capacity></volume>",
                LV_ERR_CONFIG_UNSUPPORTED, "'network'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_golden),       cmocka_unit_test(test_pool_live_values),
        cmocka_unit_test(test_pool_generated_uuid), cmocka_unit_test(test_pool_refusals),
        cmocka_unit_test(test_vol_golden),        cmocka_unit_test(test_vol_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
