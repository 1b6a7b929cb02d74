/* The test driver through the lv_* entry points only, on a uv loop, as the
 * bindings use it: test:///default and its preloaded content, every domain
 * transition and every refusal, define/undefine/rename/duplicates, metadata,
 * read-only connections, and test:///ABS/PATH.xml files.
 *
 * test_testdriver.c holds the harness (waiting for completions, synchronous
 * wrappers, helpers, fixtures) and the list; the tests are in
 * test_testdriver_conn.c (connections, read-only ones, callbacks that close,
 * test:///ABS/PATH.xml), test_testdriver_state.c (the state machine) and
 * test_testdriver_define.c (define, create, undefine, lookup, list, autostart,
 * metadata, rename). */
#include "test_testdriver.h"

static uv_loop_t loop;

/* ---- waiting for completions ------------------------------------------- */
void record_err(result *r, const lv_error *err)
{
    assert_false(r->done); /* exactly once */
    r->done = true;
    if (err) {
        r->failed = true;
        r->err = *err;
        assert_int_not_equal(err->code, LV_ERR_NONE);
        assert_true(err->message[0] != '\0');
        for (const char *p = err->message; *p; p++)
            if ((unsigned char)*p < 0x20)
                fail_msg("message \"%s\" is not one line", err->message);
    }
}

static void conn_cb(void *opaque, lv_conn *conn, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    r->conn = conn;
    assert_true(err ? conn == NULL : conn != NULL);
}

static void done_cb(void *opaque, const lv_error *err)
{
    record_err(opaque, err);
}

static void domain_cb(void *opaque, lv_domain_info *info, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    r->info = info;
    assert_true(err ? info == NULL : info != NULL);
}

static void list_cb(void *opaque, lv_domain_list *list, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    r->list = list;
}

void string_cb(void *opaque, char *str, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    r->str = str;
}

void node_cb(void *opaque, const lv_node_info *info, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    if (info)
        r->node = *info;
}

void version_cb(void *opaque, const lv_version_info *info, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    if (info)
        r->version = *info;
}

/* Runs the loop until r completes (the test driver completes at once, but the
 * tests do not rely on it). */
static void wait_for(result *r)
{
    while (!r->done)
        if (uv_run(&loop, UV_RUN_ONCE) == 0 && !r->done)
            fail_msg("the loop ran dry before the operation completed");
}

lv_error last_err;

int finish(result *r)
{
    wait_for(r);
    last_err = r->err;
    if (!r->failed)
        last_err.code = LV_ERR_NONE;
    return r->failed ? -1 : 0;
}

/* ---- synchronous wrappers over the lv_* entry points ------------------- */

int conn_open(const char *uri, unsigned flags, lv_conn **out)
{
    result r = {0};
    lv_conn_open(&loop, uri, flags, conn_cb, &r);
    int ret = finish(&r);
    *out = r.conn;
    return ret;
}

lv_conn *open_ok(const char *uri, unsigned flags)
{
    lv_conn *c = NULL;
    assert_ok(conn_open(uri, flags, &c));
    return c;
}
int op(uuid_op fn, lv_conn *c, const unsigned char *uuid, unsigned flags)
{
    result r = {0};
    fn(c, uuid, flags, done_cb, &r);
    return finish(&r);
}

/* lookup/define/create: the info (caller frees) or NULL; returns 0/-1. */
int lookup(lv_conn *c, lv_lookup_by by, const char *key, lv_domain_info **out)
{
    result r = {0};
    lv_domain_lookup(c, by, key, domain_cb, &r);
    int ret = finish(&r);
    if (out)
        *out = r.info;
    else
        lv_domain_info_free(r.info);
    return ret;
}

int define(lv_conn *c, const char *xml, lv_domain_info **out)
{
    result r = {0};
    lv_domain_define_xml(c, xml, 0, domain_cb, &r);
    int ret = finish(&r);
    if (out)
        *out = r.info;
    else
        lv_domain_info_free(r.info);
    return ret;
}

int create(lv_conn *c, const char *xml, unsigned flags, lv_domain_info **out)
{
    result r = {0};
    lv_domain_create_xml(c, xml, flags, domain_cb, &r);
    int ret = finish(&r);
    if (out)
        *out = r.info;
    else
        lv_domain_info_free(r.info);
    return ret;
}

int get_info(lv_conn *c, const unsigned char *uuid, lv_domain_info **out)
{
    result r = {0};
    lv_domain_get_info(c, uuid, domain_cb, &r);
    int ret = finish(&r);
    *out = r.info;
    return ret;
}

int get_xml(lv_conn *c, const unsigned char *uuid, unsigned flags, char **out)
{
    result r = {0};
    lv_domain_get_xml(c, uuid, flags, string_cb, &r);
    int ret = finish(&r);
    *out = r.str;
    return ret;
}

int list_all(lv_conn *c, unsigned flags, lv_domain_list **out)
{
    result r = {0};
    lv_domain_list_all(c, flags, list_cb, &r);
    int ret = finish(&r);
    *out = r.list;
    return ret;
}

int set_autostart(lv_conn *c, const unsigned char *uuid, bool on)
{
    result r = {0};
    lv_domain_set_autostart(c, uuid, on, done_cb, &r);
    return finish(&r);
}

int set_metadata(lv_conn *c, const unsigned char *uuid, lv_metadata_kind kind, const char *text,
                 unsigned flags)
{
    result r = {0};
    lv_domain_set_metadata(c, uuid, kind, text, flags, done_cb, &r);
    return finish(&r);
}

int rename_dom(lv_conn *c, const unsigned char *uuid, const char *name)
{
    result r = {0};
    lv_domain_rename(c, uuid, name, done_cb, &r);
    return finish(&r);
}

/* ---- helpers ------------------------------------------------------------ */
const char test_uuid_str[] = "6695eb01-f6a4-8304-79aa-97f2502e193f";

/* A small domain; uuid may be NULL (then generated). */
char *dom_xml(const char *name, const char *uuid, unsigned long mem_kib)
{
    char uuid_el[80] = "";
    if (uuid)
        snprintf(uuid_el, sizeof(uuid_el), "  <uuid>%s</uuid>\n", uuid);
    size_t n = 1024 + strlen(name);
    char *xml = malloc(n);
    assert_non_null(xml);
    snprintf(xml, n,
             "<domain type='test'>\n"
             "  <name>%s</name>\n%s"
             "  <memory unit='KiB'>%lu</memory>\n"
             "  <vcpu>1</vcpu>\n"
             "  <os><type arch='x86_64'>hvm</type></os>\n"
             "</domain>\n",
             name, uuid_el, mem_kib);
    return xml;
}

/* Looks a domain up by name and returns its info (must exist). */
lv_domain_info *info_of(lv_conn *c, const char *name)
{
    lv_domain_info *info = NULL;
    assert_ok(lookup(c, LV_LOOKUP_NAME, name, &info));
    return info;
}

void assert_state(lv_conn *c, const unsigned char *uuid, lv_domain_state state, int reason)
{
    lv_domain_info *info = NULL;
    assert_ok(get_info(c, uuid, &info));
    if (info->state != state || info->reason != reason)
        fail_msg("domain '%s' is %s (%s); expected %s (%s)", info->name,
                 lv_domain_state_string(info->state),
                 lv_domain_reason_string(info->state, info->reason), lv_domain_state_string(state),
                 lv_domain_reason_string(state, reason));
    lv_domain_info_free(info);
}

size_t count_domains(lv_conn *c)
{
    lv_domain_list *list = NULL;
    assert_ok(list_all(c, 0, &list));
    size_t n = list->count;
    lv_domain_list_free(list);
    return n;
}

bool has(const char *haystack, const char *needle)
{
    return haystack && strstr(haystack, needle);
}

/* Defines name (generated uuid) and returns its uuid in out. */
void define_new(lv_conn *c, const char *name, unsigned char out[LV_UUID_LEN])
{
    char *xml = dom_xml(name, NULL, 524288);
    lv_domain_info *info = NULL;
    assert_ok(define(c, xml, &info));
    free(xml);
    memcpy(out, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
}

/* ---- fixtures ----------------------------------------------------------- */
static int setup_default(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    if (conn_open("test:///default", 0, &f->conn) < 0) {
        fprintf(stderr, "cannot open test:///default: %s\n", last_err.message);
        free(f);
        return -1;
    }
    lv_uuid_parse(test_uuid_str, f->test_uuid, NULL);
    *state = f;
    return 0;
}

/* Closing the last connection drops the shared state: the next test starts
 * from the preloaded content again. */
static int teardown_default(void **state)
{
    fixture *f = *state;
    lv_conn_close(f->conn);
    free(f);
    return 0;
}

static int group_setup(void **state)
{
    (void)state;
    return uv_loop_init(&loop);
}

static int group_teardown(void **state)
{
    (void)state;
    return uv_loop_close(&loop);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_default, teardown_default)
    const struct CMUnitTest tests[] = {
        T(test_connection_info),
        T(test_preloaded),
        T(test_default_is_shared),
        T(test_default_fresh_after_last_close),
        cmocka_unit_test(test_bad_uris),
        T(test_suspend_resume),
        T(test_shutdown_start_destroy),
        T(test_shutdown_wait_and_monitor),
        T(test_stats),
        T(test_events),
        T(test_reboot_reset),
        T(test_reboot_on_reboot_destroy),
        T(test_cpu_time),
        T(test_unknown_uuid_and_flags),
        T(test_define_new),
        T(test_define_update),
        T(test_define_running_next_boot),
        T(test_define_bad_input),
        T(test_create_transient),
        T(test_create_existing),
        T(test_define_makes_transient_persistent),
        T(test_undefine),
        T(test_lookup),
        T(test_list_flags),
        T(test_autostart),
        T(test_metadata),
        T(test_rename),
        T(test_readonly),
        T(test_close_in_callback),
        cmocka_unit_test(test_file_uri),
        cmocka_unit_test(test_file_uri_errors),
    };
#undef T
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
