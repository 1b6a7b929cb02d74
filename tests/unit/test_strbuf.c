/* The growable string and the allocation helpers. */
#include "unit_helpers.h"

#include <stdlib.h>

#include "core/alloc.h"
#include "core/strbuf.h"

static void test_empty(void **state)
{
    (void)state;
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    assert_int_equal(sb.len, 0);
    char *s = lv_strbuf_steal(&sb);
    assert_non_null(s); /* never NULL */
    assert_string_equal(s, "");
    free(s);
    lv_strbuf_clear(&sb); /* clearing an empty one is fine */
    lv_strbuf_add(&sb, NULL);
    lv_strbuf_add(&sb, "");
    lv_strbuf_add_xml_escaped(&sb, NULL);
    assert_int_equal(sb.len, 0);
    lv_strbuf_clear(&sb);
}

static void test_add(void **state)
{
    (void)state;
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    lv_strbuf_add(&sb, "<domain");
    lv_strbuf_addn(&sb, " type='kvm'XXXX", 11);
    lv_strbuf_addf(&sb, ">%d %s %05.1f", 42, "x", 3.14159);
    assert_int_equal(sb.len, strlen(sb.data));
    assert_string_equal(sb.data, "<domain type='kvm'>42 x 003.1");
    char *s = lv_strbuf_steal(&sb);
    assert_string_equal(s, "<domain type='kvm'>42 x 003.1");
    /* steal resets the buffer */
    assert_null(sb.data);
    assert_int_equal(sb.len, 0);
    assert_int_equal(sb.cap, 0);
    lv_strbuf_add(&sb, "again");
    assert_string_equal(sb.data, "again");
    lv_strbuf_clear(&sb);
    assert_null(sb.data);
    free(s);
}

static void test_growth(void **state)
{
    (void)state;
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    for (int i = 0; i < 20000; i++)
        lv_strbuf_addf(&sb, "%d,", i % 10);
    assert_int_equal(sb.len, 40000);
    assert_true(sb.cap > sb.len);
    for (size_t i = 0; i < sb.len; i += 2) {
        assert_int_equal(sb.data[i], '0' + (int)((i / 2) % 10));
        assert_int_equal(sb.data[i + 1], ',');
    }
    assert_int_equal(sb.data[sb.len], '\0');

    /* One addf longer than anything before. */
    char big[5000];
    memset(big, 'q', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    lv_strbuf_addf(&sb, "[%s]", big);
    assert_int_equal(sb.len, 40000 + 5001);
    assert_int_equal(sb.data[sb.len - 1], ']');
    assert_int_equal(strlen(sb.data), sb.len);
    lv_strbuf_clear(&sb);

    /* addn with embedded NULs keeps them in len. */
    lv_strbuf_addn(&sb, "a\0b", 3);
    assert_int_equal(sb.len, 3);
    assert_memory_equal(sb.data, "a\0b", 4);
    lv_strbuf_clear(&sb);
}

static void check_escape(const char *in, const char *want)
{
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    lv_strbuf_add(&sb, "[");
    lv_strbuf_add_xml_escaped(&sb, in);
    lv_strbuf_add(&sb, "]");
    char *s = lv_strbuf_steal(&sb);
    char *w = lv_asprintf("[%s]", want);
    assert_string_equal(s, w);
    free(s);
    free(w);
}

static void test_xml_escape(void **state)
{
    (void)state;
    check_escape("plain text", "plain text");
    check_escape("a & b", "a &amp; b");
    check_escape("<tag attr=\"v\" other='w'>",
                 "&lt;tag attr=&quot;v&quot; other=&apos;w&apos;&gt;");
    check_escape("&amp;", "&amp;amp;");
    check_escape("&&&", "&amp;&amp;&amp;");
    check_escape("line1\nline2\ttab", "line1\nline2\ttab");
    check_escape("cr\r\nlf", "cr&#13;\nlf");
    check_escape("bell\a esc\x1b nul-free", "bell esc nul-free");
    check_escape("\xe6\x97\xa5\xe6\x9c\xac <ok>", "\xe6\x97\xa5\xe6\x9c\xac &lt;ok&gt;");
    check_escape("", "");
}

static void test_alloc(void **state)
{
    (void)state;
    assert_null(lv_strdup(NULL));
    assert_null(lv_strndup(NULL, 3));
    char *s = lv_strdup("hello");
    assert_string_equal(s, "hello");
    free(s);
    s = lv_strndup("hello", 3);
    assert_string_equal(s, "hel");
    free(s);
    s = lv_strndup("hi", 10);
    assert_string_equal(s, "hi");
    free(s);
    s = lv_asprintf("%s-%03d", "vm", 7);
    assert_string_equal(s, "vm-007");
    free(s);

    unsigned char *z = lv_malloc0(64);
    for (int i = 0; i < 64; i++)
        assert_int_equal(z[i], 0);
    z = lv_realloc(z, 128);
    z[127] = 1;
    free(z);
    /* Zero sizes still give a pointer to free. */
    void *p = lv_malloc0(0);
    assert_non_null(p);
    p = lv_realloc(p, 0);
    assert_non_null(p);
    free(p);

    struct point {
        int x, y;
    } *pt = LV_NEW(struct point);
    assert_int_equal(pt->x, 0);
    assert_int_equal(pt->y, 0);
    free(pt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),  cmocka_unit_test(test_add),
        cmocka_unit_test(test_growth), cmocka_unit_test(test_xml_escape),
        cmocka_unit_test(test_alloc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
