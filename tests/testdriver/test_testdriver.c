/* The test driver through the lv_* entry points only, on a uv loop, as the
 * bindings use it: test:///default and its preloaded content, every domain
 * transition and every refusal, define/undefine/rename/duplicates, metadata,
 * read-only connections, and test:///ABS/PATH.xml files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "driver.h"

static uv_loop_t loop;

/* ---- waiting for completions ------------------------------------------- */

typedef struct result {
    bool done;
    bool failed;
    lv_error err;
    lv_conn *conn;
    lv_domain_info *info;
    lv_domain_list *list;
    char *str;
    lv_node_info node;
    lv_version_info version;
} result;

static void record_err(result *r, const lv_error *err)
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

static void string_cb(void *opaque, char *str, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    r->str = str;
}

static void node_cb(void *opaque, const lv_node_info *info, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    if (info)
        r->node = *info;
}

static void version_cb(void *opaque, const lv_version_info *info, const lv_error *err)
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

/* The error code of the last failure, LV_ERR_NONE on success. */
static lv_error last_err;

static int finish(result *r)
{
    wait_for(r);
    last_err = r->err;
    if (!r->failed)
        last_err.code = LV_ERR_NONE;
    return r->failed ? -1 : 0;
}

#define assert_fails(expr, code_, needle)                                                          \
    do {                                                                                           \
        if ((expr) == 0)                                                                           \
            fail_msg("%s succeeded; expected %s", #expr, lv_error_code_name(code_));               \
        if (last_err.code != (code_))                                                              \
            fail_msg("%s: %s \"%s\"; expected %s", #expr, lv_error_code_name(last_err.code),       \
                     last_err.message, lv_error_code_name(code_));                                 \
        if ((needle) && !strstr(last_err.message, (needle) ? (needle) : ""))                       \
            fail_msg("message \"%s\" lacks \"%s\"", last_err.message, (needle));                   \
    } while (0)

#define assert_ok(expr)                                                                            \
    do {                                                                                           \
        if ((expr) != 0)                                                                           \
            fail_msg("%s failed: %s: %s", #expr, lv_error_code_name(last_err.code),                \
                     last_err.message);                                                            \
    } while (0)

/* ---- synchronous wrappers over the lv_* entry points ------------------- */

static int conn_open(const char *uri, unsigned flags, lv_conn **out)
{
    result r = {0};
    lv_conn_open(&loop, uri, flags, conn_cb, &r);
    int ret = finish(&r);
    *out = r.conn;
    return ret;
}

static lv_conn *open_ok(const char *uri, unsigned flags)
{
    lv_conn *c = NULL;
    assert_ok(conn_open(uri, flags, &c));
    return c;
}

typedef void (*uuid_op)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                        void *opaque);

static int op(uuid_op fn, lv_conn *c, const unsigned char *uuid, unsigned flags)
{
    result r = {0};
    fn(c, uuid, flags, done_cb, &r);
    return finish(&r);
}

/* lookup/define/create: the info (caller frees) or NULL; returns 0/-1. */
static int lookup(lv_conn *c, lv_lookup_by by, const char *key, lv_domain_info **out)
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

static int define(lv_conn *c, const char *xml, lv_domain_info **out)
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

static int create(lv_conn *c, const char *xml, unsigned flags, lv_domain_info **out)
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

static int get_info(lv_conn *c, const unsigned char *uuid, lv_domain_info **out)
{
    result r = {0};
    lv_domain_get_info(c, uuid, domain_cb, &r);
    int ret = finish(&r);
    *out = r.info;
    return ret;
}

static int get_xml(lv_conn *c, const unsigned char *uuid, unsigned flags, char **out)
{
    result r = {0};
    lv_domain_get_xml(c, uuid, flags, string_cb, &r);
    int ret = finish(&r);
    *out = r.str;
    return ret;
}

static int list_all(lv_conn *c, unsigned flags, lv_domain_list **out)
{
    result r = {0};
    lv_domain_list_all(c, flags, list_cb, &r);
    int ret = finish(&r);
    *out = r.list;
    return ret;
}

static int set_autostart(lv_conn *c, const unsigned char *uuid, bool on)
{
    result r = {0};
    lv_domain_set_autostart(c, uuid, on, done_cb, &r);
    return finish(&r);
}

static int set_metadata(lv_conn *c, const unsigned char *uuid, lv_metadata_kind kind,
                        const char *text, unsigned flags)
{
    result r = {0};
    lv_domain_set_metadata(c, uuid, kind, text, flags, done_cb, &r);
    return finish(&r);
}

static int rename_dom(lv_conn *c, const unsigned char *uuid, const char *name)
{
    result r = {0};
    lv_domain_rename(c, uuid, name, done_cb, &r);
    return finish(&r);
}

/* ---- helpers ------------------------------------------------------------ */

static const char test_uuid_str[] = "6695eb01-f6a4-8304-79aa-97f2502e193f";

/* A small domain; uuid may be NULL (then generated). */
static char *dom_xml(const char *name, const char *uuid, unsigned long mem_kib)
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
static lv_domain_info *info_of(lv_conn *c, const char *name)
{
    lv_domain_info *info = NULL;
    assert_ok(lookup(c, LV_LOOKUP_NAME, name, &info));
    return info;
}

static void assert_state(lv_conn *c, const unsigned char *uuid, lv_domain_state state, int reason)
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

static size_t count_domains(lv_conn *c)
{
    lv_domain_list *list = NULL;
    assert_ok(list_all(c, 0, &list));
    size_t n = list->count;
    lv_domain_list_free(list);
    return n;
}

static bool has(const char *haystack, const char *needle)
{
    return haystack && strstr(haystack, needle);
}

/* Defines name (generated uuid) and returns its uuid in out. */
static void define_new(lv_conn *c, const char *name, unsigned char out[LV_UUID_LEN])
{
    char *xml = dom_xml(name, NULL, 524288);
    lv_domain_info *info = NULL;
    assert_ok(define(c, xml, &info));
    free(xml);
    memcpy(out, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
}

/* ---- fixtures ----------------------------------------------------------- */

typedef struct fixture {
    lv_conn *conn;
    unsigned char test_uuid[LV_UUID_LEN];
} fixture;

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

/* ---- connection ---------------------------------------------------------- */

static void test_connection_info(void **state)
{
    fixture *f = *state;
    result r = {0};
    lv_conn_hostname(f->conn, string_cb, &r);
    assert_ok(finish(&r));
    char host[UV_MAXHOSTNAMESIZE];
    size_t size = sizeof(host);
    assert_int_equal(uv_os_gethostname(host, &size), 0);
    assert_string_equal(r.str, host);
    free(r.str);

    memset(&r, 0, sizeof(r));
    lv_conn_version(f->conn, version_cb, &r);
    assert_ok(finish(&r));
    assert_string_equal(r.version.hypervisor, "Test");
    assert_int_equal(r.version.hv_version, 2);

    memset(&r, 0, sizeof(r));
    lv_conn_node_info(f->conn, node_cb, &r);
    assert_ok(finish(&r));
    assert_string_equal(r.node.model, "i686");
    assert_int_equal(r.node.memory_kib, 3145728);
    assert_int_equal(r.node.cpus, 16);
    assert_int_equal(r.node.mhz, 1400);
    assert_int_equal(r.node.nodes, 2);
    assert_int_equal(r.node.sockets, 2);
    assert_int_equal(r.node.cores, 2);
    assert_int_equal(r.node.threads, 2);

    memset(&r, 0, sizeof(r));
    lv_conn_capabilities(f->conn, string_cb, &r);
    assert_ok(finish(&r));
    assert_true(has(r.str, "<capabilities>"));
    assert_true(has(r.str, "<arch>i686</arch>"));
    assert_true(has(r.str, "<cells num='2'>"));
    assert_true(has(r.str, "<cpu id='15'"));
    assert_true(has(r.str, "<domain type='test'/>"));
    free(r.str);

    assert_false(lv_conn_is_readonly(f->conn));
    assert_string_equal(f->conn->driver->name, "test");
}

static void test_preloaded(void **state)
{
    fixture *f = *state;
    lv_domain_list *list = NULL;
    assert_ok(list_all(f->conn, 0, &list));
    assert_int_equal(list->count, 1);
    lv_domain_info *i = &list->items[0];
    assert_string_equal(i->name, "test");
    char s[LV_UUID_STRING_LEN];
    lv_uuid_format(i->uuid, s);
    assert_string_equal(s, test_uuid_str);
    assert_int_equal(i->id, 1);
    /* As libvirt's test:///default: running with reason "unknown". */
    assert_int_equal(i->state, LV_DOMAIN_RUNNING);
    assert_int_equal(i->reason, LV_RUNNING_UNKNOWN);
    assert_true(i->persistent);
    assert_false(i->autostart);
    assert_false(i->managed_save);
    assert_null(i->title);
    assert_string_equal(i->os_type, "hvm");
    assert_int_equal(i->vcpus, 2);
    assert_int_equal(i->max_memory_kib, 8388608);
    assert_int_equal(i->memory_kib, 2097152);
    lv_domain_list_free(list);

    char *xml = NULL;
    assert_ok(get_xml(f->conn, f->test_uuid, 0, &xml));
    assert_true(has(xml, "id='1'"));
    assert_true(has(xml, "<name>test</name>"));
    assert_true(has(xml, test_uuid_str));
    free(xml);
    assert_ok(get_xml(f->conn, f->test_uuid, LV_XML_INACTIVE, &xml));
    assert_false(has(xml, "id='1'"));
    assert_true(has(xml, "<name>test</name>"));
    free(xml);
}

static void test_default_is_shared(void **state)
{
    fixture *f = *state;
    lv_conn *other = open_ok("test:///default", 0);
    unsigned char uuid[LV_UUID_LEN];
    define_new(f->conn, "shared", uuid);
    lv_domain_info *info = info_of(other, "shared");
    assert_memory_equal(info->uuid, uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
    assert_ok(op(lv_domain_start, other, uuid, 0));
    assert_state(f->conn, uuid, LV_DOMAIN_RUNNING, LV_RUNNING_BOOTED);
    lv_conn_close(other);
    /* Still there for the first connection. */
    assert_state(f->conn, uuid, LV_DOMAIN_RUNNING, LV_RUNNING_BOOTED);
}

static void test_default_fresh_after_last_close(void **state)
{
    fixture *f = *state;
    unsigned char uuid[LV_UUID_LEN];
    define_new(f->conn, "gone", uuid);
    lv_conn_close(f->conn);
    f->conn = open_ok("test:///default", 0);
    assert_fails(lookup(f->conn, LV_LOOKUP_NAME, "gone", NULL), LV_ERR_NO_DOMAIN,
                 "domain 'gone' not found");
    assert_int_equal(count_domains(f->conn), 1);
}

static void test_bad_uris(void **state)
{
    (void)state;
    lv_conn *c = NULL;
    assert_fails(conn_open("test:///nonexistent-relative", 0, &c), LV_ERR_SYSTEM,
                 "/nonexistent-relative");
    assert_fails(conn_open("test:///default?foo=bar", 0, &c), LV_ERR_NO_CONNECT, "foo");
    assert_fails(conn_open("test://example.com/default", 0, &c), LV_ERR_NO_CONNECT,
                 "test://example.com/default");
    assert_fails(conn_open("test+ssh://root@example.com/default", 0, &c), LV_ERR_NO_CONNECT, NULL);
    assert_fails(conn_open("test://", 0, &c), LV_ERR_NO_CONNECT, NULL);
    assert_null(c);
}

/* ---- the state machine --------------------------------------------------- */

static void test_suspend_resume(void **state)
{
    fixture *f = *state;
    const unsigned char *u = f->test_uuid;
    assert_fails(op(lv_domain_resume, f->conn, u, 0), LV_ERR_OPERATION_INVALID,
                 "domain 'test' is not paused");
    assert_ok(op(lv_domain_suspend, f->conn, u, 0));
    assert_state(f->conn, u, LV_DOMAIN_PAUSED, LV_PAUSED_USER);
    assert_fails(op(lv_domain_suspend, f->conn, u, 0), LV_ERR_OPERATION_INVALID,
                 "domain 'test' is already paused");
    assert_state(f->conn, u, LV_DOMAIN_PAUSED, LV_PAUSED_USER);
    /* A paused guest cannot act on a shutdown, reboot or reset request. */
    assert_fails(op(lv_domain_shutdown, f->conn, u, 0), LV_ERR_OPERATION_INVALID,
                 "domain 'test' is paused");
    assert_fails(op(lv_domain_reboot, f->conn, u, 0), LV_ERR_OPERATION_INVALID, "paused");
    assert_fails(op(lv_domain_reset, f->conn, u, 0), LV_ERR_OPERATION_INVALID, "paused");
    assert_fails(op(lv_domain_start, f->conn, u, 0), LV_ERR_OPERATION_INVALID,
                 "domain 'test' is already running");
    assert_state(f->conn, u, LV_DOMAIN_PAUSED, LV_PAUSED_USER);
    assert_ok(op(lv_domain_resume, f->conn, u, 0));
    assert_state(f->conn, u, LV_DOMAIN_RUNNING, LV_RUNNING_UNPAUSED);
    lv_domain_info *info = NULL;
    assert_ok(get_info(f->conn, u, &info));
    assert_int_equal(info->id, 1);
    lv_domain_info_free(info);
}

/* Waiting for a shutdown (with or without a timeout) is accepted and immediate;
 * the QMP passthrough is the qemu driver's alone. */
static void test_shutdown_wait_and_monitor(void **state)
{
    fixture *f = *state;
    const unsigned char *u = f->test_uuid;
    assert_ok(op(lv_domain_shutdown, f->conn, u, LV_SHUTDOWN_WAIT | LV_SHUTDOWN_TIMEOUT(5)));
    assert_state(f->conn, u, LV_DOMAIN_SHUTOFF, LV_SHUTOFF_SHUTDOWN);
    assert_ok(op(lv_domain_start, f->conn, u, 0));
    assert_ok(op(lv_domain_shutdown, f->conn, u, LV_SHUTDOWN_WAIT));
    assert_ok(op(lv_domain_start, f->conn, u, 0));
    result r = {0};
    lv_domain_qemu_monitor_command(f->conn, u, "{\"execute\": \"query-status\"}", 0, string_cb,
                                   &r);
    assert_int_equal(finish(&r), -1);
    assert_int_equal(r.err.code, LV_ERR_NO_SUPPORT);
    assert_non_null(strstr(r.err.message, "qemu-monitor-command is not supported by the test"));
    assert_null(r.str);
}

static void params_cb(void *opaque, lv_params *params, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    r->str = (char *)params; /* carried in str */
}

static uint64_t pval(const lv_params *p, const char *key)
{
    const lv_param *it = lv_params_get(p, key);
    if (!it)
        fail_msg("no '%s'", key);
    return it->type == LV_PARAM_INT ? (uint64_t)it->i : it->u;
}

/* Plausible fixed stats, as libvirt's test driver. */
static void test_stats(void **state)
{
    fixture *f = *state;
    const unsigned char *u = f->test_uuid;
    result r = {0};
    lv_domain_get_stats(f->conn, u, 0, params_cb, &r);
    assert_int_equal(finish(&r), 0);
    lv_params *p = (lv_params *)r.str;
    assert_int_equal(pval(p, "state.state"), LV_DOMAIN_RUNNING);
    assert_non_null(lv_params_get(p, "cpu.time"));
    assert_int_equal(pval(p, "balloon.current"), 2097152);
    assert_int_equal(pval(p, "balloon.maximum"), 8388608);
    assert_int_equal(pval(p, "vcpu.current"), 2);
    assert_int_equal(pval(p, "vcpu.1.state"), 1);
    assert_int_equal(pval(p, "block.count"), 1);
    assert_string_equal(lv_params_get(p, "block.0.name")->s, "vda");
    assert_int_equal(pval(p, "net.count"), 1);
    lv_params_free(p);

    memset(&r, 0, sizeof(r));
    lv_domain_get_stats(f->conn, u, LV_STATS_STATE, params_cb, &r);
    assert_int_equal(finish(&r), 0);
    p = (lv_params *)r.str;
    assert_int_equal(p->count, 2);
    lv_params_free(p);

    memset(&r, 0, sizeof(r));
    lv_domain_get_stats(f->conn, u, 1u << 20, params_cb, &r);
    assert_int_equal(finish(&r), -1);
    assert_int_equal(r.err.code, LV_ERR_INVALID_ARG);

    memset(&r, 0, sizeof(r));
    lv_domain_memory_stats(f->conn, u, 0, params_cb, &r);
    assert_int_equal(finish(&r), 0);
    p = (lv_params *)r.str;
    assert_int_equal(pval(p, "actual"), 2097152);
    assert_int_equal(pval(p, "rss"), 1048576);
    lv_params_free(p);

    memset(&r, 0, sizeof(r));
    lv_domain_block_info(f->conn, u, "vda", 0, params_cb, &r);
    assert_int_equal(finish(&r), 0);
    p = (lv_params *)r.str;
    assert_true(pval(p, "capacity") >= pval(p, "allocation"));
    lv_params_free(p);
    memset(&r, 0, sizeof(r));
    lv_domain_block_info(f->conn, u, "hda", 0, params_cb, &r);
    assert_int_equal(finish(&r), -1);
    assert_non_null(strstr(r.err.message, "hda not assigned"));

    /* Shut off: state only; no memory stats. */
    assert_ok(op(lv_domain_destroy, f->conn, u, 0));
    memset(&r, 0, sizeof(r));
    lv_domain_get_stats(f->conn, u, 0, params_cb, &r);
    assert_int_equal(finish(&r), 0);
    p = (lv_params *)r.str;
    assert_int_equal(pval(p, "state.state"), LV_DOMAIN_SHUTOFF);
    assert_null(lv_params_get(p, "cpu.time"));
    lv_params_free(p);
    memset(&r, 0, sizeof(r));
    lv_domain_memory_stats(f->conn, u, 0, params_cb, &r);
    assert_int_equal(finish(&r), -1);
    assert_int_equal(r.err.code, LV_ERR_OPERATION_INVALID);
}

typedef struct ev_log {
    char text[2048];
    int n;
} ev_log;

static void on_event(void *opaque, lv_conn *conn, const lv_domain_info *dom, int event,
                     int detail)
{
    (void)conn;
    ev_log *log = opaque;
    size_t len = strlen(log->text);
    snprintf(log->text + len, sizeof(log->text) - len, "%s%s %s/%s", len ? "; " : "", dom->name,
             lv_event_string(event), lv_event_detail_string(event, detail));
    log->n++;
}

/* Every change is an event, on every connection sharing the state. */
static void test_events(void **state)
{
    fixture *f = *state;
    ev_log a = {0}, b = {0};
    lv_conn *other = NULL;
    assert_int_equal(conn_open("test:///default", 0, &other), 0);
    lv_conn_set_domain_event_handler(f->conn, on_event, &a);
    lv_conn_set_domain_event_handler(other, on_event, &b);
    const unsigned char *u = f->test_uuid;
    assert_ok(op(lv_domain_suspend, f->conn, u, 0));
    assert_ok(op(lv_domain_resume, f->conn, u, 0));
    assert_ok(op(lv_domain_shutdown, f->conn, u, 0));
    assert_ok(op(lv_domain_start, other, u, LV_START_PAUSED));
    assert_ok(op(lv_domain_destroy, f->conn, u, 0));
    assert_string_equal(a.text, "test suspended/paused; test resumed/unpaused; "
                                "test shutdown/finished; test stopped/shutdown; "
                                "test started/booted; test suspended/paused; "
                                "test stopped/destroyed");
    assert_string_equal(a.text, b.text);
    lv_conn_set_domain_event_handler(other, NULL, NULL);
    assert_ok(op(lv_domain_start, f->conn, u, 0));
    assert_int_equal(b.n, 7);
    assert_int_equal(a.n, 8);
    lv_conn_close(other);
    assert_ok(op(lv_domain_reboot, f->conn, u, 0));
    assert_int_equal(a.n, 9);
    assert_string_equal(lv_event_detail_string(LV_EVENT_STOPPED, 99), "unknown");
    assert_string_equal(lv_event_string(-1), "unknown");
    lv_conn_set_domain_event_handler(f->conn, NULL, NULL);
}

static void test_shutdown_start_destroy(void **state)
{
    fixture *f = *state;
    const unsigned char *u = f->test_uuid;
    lv_domain_info *info = NULL;

    assert_fails(op(lv_domain_start, f->conn, u, 0), LV_ERR_OPERATION_INVALID,
                 "domain 'test' is already running");
    assert_ok(op(lv_domain_shutdown, f->conn, u, 0));
    assert_state(f->conn, u, LV_DOMAIN_SHUTOFF, LV_SHUTOFF_SHUTDOWN);
    assert_ok(get_info(f->conn, u, &info));
    assert_int_equal(info->id, -1);
    assert_true(info->persistent);
    assert_int_equal(info->cpu_time_ns, 0);
    lv_domain_info_free(info);

    /* Every operation that needs a running domain refuses, and changes nothing. */
    uuid_op needs_running[] = {lv_domain_shutdown, lv_domain_destroy, lv_domain_reboot,
                               lv_domain_reset,    lv_domain_suspend, lv_domain_resume};
    for (size_t i = 0; i < sizeof(needs_running) / sizeof(needs_running[0]); i++) {
        assert_fails(op(needs_running[i], f->conn, u, 0), LV_ERR_OPERATION_INVALID,
                     "domain 'test' is not running");
        assert_state(f->conn, u, LV_DOMAIN_SHUTOFF, LV_SHUTOFF_SHUTDOWN);
    }
    assert_fails(lookup(f->conn, LV_LOOKUP_ID, "1", NULL), LV_ERR_NO_DOMAIN,
                 "domain '1' not found");

    assert_ok(op(lv_domain_start, f->conn, u, 0));
    assert_state(f->conn, u, LV_DOMAIN_RUNNING, LV_RUNNING_BOOTED);
    assert_ok(get_info(f->conn, u, &info));
    assert_int_equal(info->id, 2); /* the next id, never reused */
    lv_domain_info_free(info);

    assert_ok(op(lv_domain_destroy, f->conn, u, 0));
    assert_state(f->conn, u, LV_DOMAIN_SHUTOFF, LV_SHUTOFF_DESTROYED);
    assert_fails(op(lv_domain_destroy, f->conn, u, 0), LV_ERR_OPERATION_INVALID, "is not running");

    assert_ok(op(lv_domain_start, f->conn, u, LV_START_PAUSED));
    assert_state(f->conn, u, LV_DOMAIN_PAUSED, LV_PAUSED_USER);
    assert_ok(get_info(f->conn, u, &info));
    assert_int_equal(info->id, 3);
    lv_domain_info_free(info);
    /* destroy works on a paused domain, gracefully or not */
    assert_ok(op(lv_domain_destroy, f->conn, u, LV_DESTROY_GRACEFUL));
    assert_state(f->conn, u, LV_DOMAIN_SHUTOFF, LV_SHUTOFF_DESTROYED);
}

static void test_reboot_reset(void **state)
{
    fixture *f = *state;
    const unsigned char *u = f->test_uuid;
    assert_ok(op(lv_domain_reset, f->conn, u, 0));
    assert_state(f->conn, u, LV_DOMAIN_RUNNING, LV_RUNNING_UNKNOWN);
    assert_ok(op(lv_domain_reboot, f->conn, u, 0));
    assert_state(f->conn, u, LV_DOMAIN_RUNNING, LV_RUNNING_BOOTED);
    lv_domain_info *info = NULL;
    assert_ok(get_info(f->conn, u, &info));
    assert_int_equal(info->id, 1);
    lv_domain_info_free(info);
}

static void test_reboot_on_reboot_destroy(void **state)
{
    fixture *f = *state;
    static const char xml[] = "<domain type='test'>\n"
                              "  <name>once</name>\n"
                              "  <memory unit='KiB'>65536</memory>\n"
                              "  <os><type arch='x86_64'>hvm</type></os>\n"
                              "  <on_reboot>destroy</on_reboot>\n"
                              "</domain>\n";
    lv_domain_info *info = NULL;
    assert_ok(define(f->conn, xml, &info));
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
    assert_ok(op(lv_domain_start, f->conn, uuid, 0));
    assert_ok(op(lv_domain_reboot, f->conn, uuid, 0));
    assert_state(f->conn, uuid, LV_DOMAIN_SHUTOFF, LV_SHUTOFF_SHUTDOWN);
    /* a transient one vanishes */
    assert_ok(op(lv_domain_undefine, f->conn, uuid, 0));
    assert_ok(create(f->conn, xml, 0, &info));
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
    assert_ok(op(lv_domain_reboot, f->conn, uuid, 0));
    assert_fails(get_info(f->conn, uuid, &info), LV_ERR_NO_DOMAIN, NULL);
}

static void test_cpu_time(void **state)
{
    fixture *f = *state;
    const unsigned char *u = f->test_uuid;
    lv_domain_info *a = NULL, *b = NULL;
    assert_ok(get_info(f->conn, u, &a));
    uv_sleep(5);
    assert_ok(get_info(f->conn, u, &b));
    assert_true(b->cpu_time_ns >= a->cpu_time_ns + 4000000);
    lv_domain_info_free(a);
    lv_domain_info_free(b);

    assert_ok(op(lv_domain_suspend, f->conn, u, 0));
    assert_ok(get_info(f->conn, u, &a));
    uv_sleep(5);
    assert_ok(get_info(f->conn, u, &b));
    assert_int_equal(a->cpu_time_ns, b->cpu_time_ns); /* frozen while paused */
    lv_domain_info_free(a);
    lv_domain_info_free(b);

    assert_ok(op(lv_domain_resume, f->conn, u, 0));
    assert_ok(get_info(f->conn, u, &a));
    uv_sleep(5);
    assert_ok(get_info(f->conn, u, &b));
    assert_true(b->cpu_time_ns > a->cpu_time_ns);
    lv_domain_info_free(a);
    lv_domain_info_free(b);

    assert_ok(op(lv_domain_destroy, f->conn, u, 0));
    assert_ok(get_info(f->conn, u, &a));
    assert_int_equal(a->cpu_time_ns, 0);
    lv_domain_info_free(a);
}

static void test_unknown_uuid_and_flags(void **state)
{
    fixture *f = *state;
    unsigned char nope[LV_UUID_LEN];
    lv_uuid_parse("00000000-1111-2222-3333-444444444444", nope, NULL);
    uuid_op ops[] = {lv_domain_undefine, lv_domain_start, lv_domain_shutdown, lv_domain_destroy,
                     lv_domain_reboot,   lv_domain_reset, lv_domain_suspend,  lv_domain_resume};
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        assert_fails(op(ops[i], f->conn, nope, 0), LV_ERR_NO_DOMAIN,
                     "domain '00000000-1111-2222-3333-444444444444' not found");
    lv_domain_info *info = NULL;
    assert_fails(get_info(f->conn, nope, &info), LV_ERR_NO_DOMAIN, "not found");
    assert_null(info);
    char *xml = NULL;
    assert_fails(get_xml(f->conn, nope, 0, &xml), LV_ERR_NO_DOMAIN, "not found");
    assert_fails(set_autostart(f->conn, nope, true), LV_ERR_NO_DOMAIN, "not found");
    assert_fails(set_metadata(f->conn, nope, LV_METADATA_TITLE, "t", 0), LV_ERR_NO_DOMAIN,
                 "not found");
    assert_fails(rename_dom(f->conn, nope, "x"), LV_ERR_NO_DOMAIN, "not found");

    /* Unknown flags are refused before anything happens. */
    assert_fails(op(lv_domain_shutdown, f->conn, f->test_uuid, 0x80), LV_ERR_INVALID_ARG, "flags");
    assert_fails(op(lv_domain_start, f->conn, f->test_uuid, 0x100), LV_ERR_INVALID_ARG, "flags");
    assert_state(f->conn, f->test_uuid, LV_DOMAIN_RUNNING, LV_RUNNING_UNKNOWN);
}

/* ---- define, create, undefine ------------------------------------------- */

static void test_define_new(void **state)
{
    fixture *f = *state;
    char *xml = dom_xml("web", NULL, 1048576);
    lv_domain_info *info = NULL;
    assert_ok(define(f->conn, xml, &info));
    free(xml);
    assert_string_equal(info->name, "web");
    assert_false(lv_uuid_is_null(info->uuid)); /* generated */
    assert_int_equal(info->id, -1);
    assert_int_equal(info->state, LV_DOMAIN_SHUTOFF);
    assert_int_equal(info->reason, LV_SHUTOFF_UNKNOWN);
    assert_true(info->persistent);
    assert_int_equal(info->max_memory_kib, 1048576);
    assert_int_equal(info->memory_kib, 1048576);
    assert_int_equal(info->vcpus, 1);
    assert_int_equal(info->cpu_time_ns, 0);
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);

    assert_int_equal(count_domains(f->conn), 2);
    assert_ok(op(lv_domain_start, f->conn, uuid, 0));
    assert_ok(get_info(f->conn, uuid, &info));
    assert_int_equal(info->id, 2);
    assert_int_equal(info->state, LV_DOMAIN_RUNNING);
    assert_int_equal(info->reason, LV_RUNNING_BOOTED);
    lv_domain_info_free(info);
    char *live = NULL;
    assert_ok(get_xml(f->conn, uuid, 0, &live));
    assert_true(has(live, "id='2'"));
    free(live);
}

static void test_define_update(void **state)
{
    fixture *f = *state;
    unsigned char uuid[LV_UUID_LEN];
    char uuidstr[LV_UUID_STRING_LEN];
    define_new(f->conn, "upd", uuid);
    lv_uuid_format(uuid, uuidstr);

    /* Same name and uuid: the definition is replaced. */
    char *xml = dom_xml("upd", uuidstr, 2097152);
    lv_domain_info *info = NULL;
    assert_ok(define(f->conn, xml, &info));
    free(xml);
    assert_memory_equal(info->uuid, uuid, LV_UUID_LEN);
    assert_int_equal(info->max_memory_kib, 2097152);
    lv_domain_info_free(info);
    assert_int_equal(count_domains(f->conn), 2);

    /* Redefining without the uuid means another uuid: refused. */
    xml = dom_xml("upd", NULL, 4096);
    assert_fails(define(f->conn, xml, NULL), LV_ERR_DUPLICATE,
                 "domain 'upd' already exists with uuid");
    free(xml);
    /* The same uuid under another name: refused, naming the owner. */
    xml = dom_xml("other", uuidstr, 4096);
    assert_fails(define(f->conn, xml, NULL), LV_ERR_DUPLICATE, "'upd'");
    free(xml);
    xml = dom_xml("other", test_uuid_str, 4096);
    assert_fails(define(f->conn, xml, NULL), LV_ERR_DUPLICATE, "'test'");
    free(xml);

    info = info_of(f->conn, "upd");
    assert_int_equal(info->max_memory_kib, 2097152);
    lv_domain_info_free(info);
    assert_int_equal(count_domains(f->conn), 2);
    assert_fails(lookup(f->conn, LV_LOOKUP_NAME, "other", NULL), LV_ERR_NO_DOMAIN, NULL);
}

static void test_define_running_next_boot(void **state)
{
    fixture *f = *state;
    const unsigned char *u = f->test_uuid;
    char *xml = dom_xml("test", test_uuid_str, 1048576);
    assert_ok(define(f->conn, xml, NULL));
    free(xml);

    /* The live definition is untouched until the next boot. */
    lv_domain_info *info = info_of(f->conn, "test");
    assert_int_equal(info->state, LV_DOMAIN_RUNNING);
    assert_int_equal(info->id, 1);
    assert_int_equal(info->max_memory_kib, 8388608);
    assert_int_equal(info->vcpus, 2);
    lv_domain_info_free(info);
    char *live = NULL, *inactive = NULL;
    assert_ok(get_xml(f->conn, u, 0, &live));
    assert_ok(get_xml(f->conn, u, LV_XML_INACTIVE, &inactive));
    assert_true(has(live, "8388608"));
    assert_false(has(inactive, "8388608"));
    assert_true(has(inactive, "1048576"));
    free(live);
    free(inactive);

    assert_ok(op(lv_domain_destroy, f->conn, u, 0));
    assert_ok(op(lv_domain_start, f->conn, u, 0));
    info = info_of(f->conn, "test");
    assert_int_equal(info->max_memory_kib, 1048576);
    assert_int_equal(info->vcpus, 1);
    lv_domain_info_free(info);
}

static void test_define_bad_input(void **state)
{
    fixture *f = *state;
    assert_fails(define(f->conn, "<domain type='test'><name>x</name", NULL), LV_ERR_XML, NULL);
    assert_fails(define(f->conn, "", NULL), LV_ERR_XML, NULL);
    assert_fails(define(f->conn, NULL, NULL), LV_ERR_INVALID_ARG, NULL);
    static const char *const bad_names[] = {"a/b", "..", ".hidden", "tab\there"};
    for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
        char *xml = dom_xml(bad_names[i], NULL, 4096);
        if (define(f->conn, xml, NULL) == 0)
            fail_msg("defining a domain named '%s' succeeded", bad_names[i]);
        free(xml);
    }
    assert_int_equal(count_domains(f->conn), 1);
    assert_fails(create(f->conn, "<domain>", 0, NULL), LV_ERR_XML, NULL);
    assert_int_equal(count_domains(f->conn), 1);
}

static void test_create_transient(void **state)
{
    fixture *f = *state;
    char *xml = dom_xml("tmp", NULL, 4096);
    lv_domain_info *info = NULL;
    assert_ok(create(f->conn, xml, 0, &info));
    assert_string_equal(info->name, "tmp");
    assert_int_equal(info->id, 2);
    assert_int_equal(info->state, LV_DOMAIN_RUNNING);
    assert_int_equal(info->reason, LV_RUNNING_BOOTED);
    assert_false(info->persistent);
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);

    /* A second one of the same name is a duplicate. */
    assert_fails(create(f->conn, xml, 0, NULL), LV_ERR_DUPLICATE, "'tmp'");
    free(xml);

    assert_fails(op(lv_domain_undefine, f->conn, uuid, 0), LV_ERR_OPERATION_INVALID,
                 "cannot undefine transient domain 'tmp'");
    assert_fails(set_autostart(f->conn, uuid, true), LV_ERR_OPERATION_INVALID, "transient");
    assert_fails(rename_dom(f->conn, uuid, "tmp2"), LV_ERR_OPERATION_INVALID, "active");

    /* The inactive definition of a transient domain is its live one, without the id. */
    char *text = NULL;
    assert_ok(get_xml(f->conn, uuid, LV_XML_INACTIVE, &text));
    assert_true(has(text, "<name>tmp</name>"));
    assert_false(has(text, "id='2'"));
    free(text);

    assert_ok(op(lv_domain_suspend, f->conn, uuid, 0));
    assert_ok(op(lv_domain_resume, f->conn, uuid, 0));
    assert_ok(op(lv_domain_reboot, f->conn, uuid, 0));
    /* It vanishes when it stops. */
    assert_ok(op(lv_domain_shutdown, f->conn, uuid, 0));
    assert_fails(get_info(f->conn, uuid, &info), LV_ERR_NO_DOMAIN, NULL);
    assert_fails(lookup(f->conn, LV_LOOKUP_NAME, "tmp", NULL), LV_ERR_NO_DOMAIN,
                 "domain 'tmp' not found");

    xml = dom_xml("tmp", NULL, 4096);
    assert_ok(create(f->conn, xml, LV_START_PAUSED, &info));
    free(xml);
    assert_int_equal(info->id, 3);
    assert_int_equal(info->state, LV_DOMAIN_PAUSED);
    assert_int_equal(info->reason, LV_PAUSED_USER);
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
    assert_ok(op(lv_domain_destroy, f->conn, uuid, 0));
    assert_fails(get_info(f->conn, uuid, &info), LV_ERR_NO_DOMAIN, NULL);
    assert_int_equal(count_domains(f->conn), 1);
}

static void test_create_existing(void **state)
{
    fixture *f = *state;
    /* create with the running domain's name and uuid */
    char *xml = dom_xml("test", test_uuid_str, 4096);
    assert_fails(create(f->conn, xml, 0, NULL), LV_ERR_OPERATION_INVALID,
                 "domain 'test' is already running");
    /* create of a defined, inactive domain runs the given definition once */
    assert_ok(op(lv_domain_destroy, f->conn, f->test_uuid, 0));
    lv_domain_info *info = NULL;
    assert_ok(create(f->conn, xml, 0, &info));
    free(xml);
    assert_true(info->persistent);
    assert_int_equal(info->state, LV_DOMAIN_RUNNING);
    assert_int_equal(info->max_memory_kib, 4096);
    lv_domain_info_free(info);
    assert_ok(op(lv_domain_destroy, f->conn, f->test_uuid, 0));
    info = info_of(f->conn, "test");
    assert_int_equal(info->max_memory_kib, 8388608); /* the persistent one is back */
    assert_true(info->persistent);
    lv_domain_info_free(info);
}

static void test_define_makes_transient_persistent(void **state)
{
    fixture *f = *state;
    char *xml = dom_xml("eph", "11111111-2222-3333-4444-555555555555", 4096);
    lv_domain_info *info = NULL;
    assert_ok(create(f->conn, xml, 0, &info));
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
    assert_ok(define(f->conn, xml, &info));
    free(xml);
    assert_true(info->persistent);
    assert_int_equal(info->state, LV_DOMAIN_RUNNING);
    lv_domain_info_free(info);
    assert_ok(op(lv_domain_shutdown, f->conn, uuid, 0));
    assert_state(f->conn, uuid, LV_DOMAIN_SHUTOFF, LV_SHUTOFF_SHUTDOWN);
}

static void test_undefine(void **state)
{
    fixture *f = *state;
    unsigned char uuid[LV_UUID_LEN];
    define_new(f->conn, "victim", uuid);
    assert_ok(set_autostart(f->conn, uuid, true));
    assert_ok(op(lv_domain_undefine, f->conn, uuid, 0));
    assert_fails(lookup(f->conn, LV_LOOKUP_NAME, "victim", NULL), LV_ERR_NO_DOMAIN, NULL);
    assert_fails(op(lv_domain_undefine, f->conn, uuid, 0), LV_ERR_NO_DOMAIN, NULL);

    /* A running persistent domain becomes transient and keeps running. */
    assert_ok(set_autostart(f->conn, f->test_uuid, true));
    assert_ok(op(lv_domain_undefine, f->conn, f->test_uuid, 0));
    lv_domain_info *info = info_of(f->conn, "test");
    assert_false(info->persistent);
    assert_false(info->autostart);
    assert_int_equal(info->state, LV_DOMAIN_RUNNING);
    assert_int_equal(info->id, 1);
    lv_domain_info_free(info);
    assert_fails(op(lv_domain_undefine, f->conn, f->test_uuid, 0), LV_ERR_OPERATION_INVALID,
                 "transient");
    assert_ok(op(lv_domain_destroy, f->conn, f->test_uuid, 0));
    assert_int_equal(count_domains(f->conn), 0);
}

/* ---- lookup and list ---------------------------------------------------- */

static void test_lookup(void **state)
{
    fixture *f = *state;
    static const struct {
        lv_lookup_by by;
        const char *key;
    } hits[] = {
        {LV_LOOKUP_NAME, "test"},
        {LV_LOOKUP_ID, "1"},
        {LV_LOOKUP_UUID, "6695eb01-f6a4-8304-79aa-97f2502e193f"},
        {LV_LOOKUP_UUID, "6695eb01f6a4830479aa97f2502e193f"},
        {LV_LOOKUP_ANY, "test"},
        {LV_LOOKUP_ANY, "1"},
        {LV_LOOKUP_ANY, "6695eb01-f6a4-8304-79aa-97f2502e193f"},
    };
    for (size_t i = 0; i < sizeof(hits) / sizeof(hits[0]); i++) {
        lv_domain_info *info = NULL;
        assert_ok(lookup(f->conn, hits[i].by, hits[i].key, &info));
        assert_string_equal(info->name, "test");
        lv_domain_info_free(info);
    }
    assert_fails(lookup(f->conn, LV_LOOKUP_ANY, "x", NULL), LV_ERR_NO_DOMAIN,
                 "domain 'x' not found");
    assert_fails(lookup(f->conn, LV_LOOKUP_NAME, "1", NULL), LV_ERR_NO_DOMAIN,
                 "domain '1' not found");
    assert_fails(lookup(f->conn, LV_LOOKUP_ID, "7", NULL), LV_ERR_NO_DOMAIN,
                 "domain '7' not found");
    assert_fails(lookup(f->conn, LV_LOOKUP_ID, "x1", NULL), LV_ERR_INVALID_ARG, "x1");
    assert_fails(lookup(f->conn, LV_LOOKUP_ID, "-1", NULL), LV_ERR_INVALID_ARG, NULL);
    assert_fails(lookup(f->conn, LV_LOOKUP_UUID, "not-a-uuid", NULL), LV_ERR_INVALID_ARG, NULL);
    assert_fails(lookup(f->conn, LV_LOOKUP_UUID, "00000000-1111-2222-3333-444444444444", NULL),
                 LV_ERR_NO_DOMAIN, NULL);

    /* A numeric name: ANY tries the id first, then the name. */
    unsigned char uuid[LV_UUID_LEN];
    define_new(f->conn, "42", uuid);
    lv_domain_info *info = NULL;
    assert_ok(lookup(f->conn, LV_LOOKUP_ANY, "42", &info));
    assert_memory_equal(info->uuid, uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
    /* an inactive domain has no id */
    assert_fails(lookup(f->conn, LV_LOOKUP_ID, "42", NULL), LV_ERR_NO_DOMAIN, NULL);
}

static void test_list_flags(void **state)
{
    fixture *f = *state;
    unsigned char uuid[LV_UUID_LEN];
    define_new(f->conn, "zeta", uuid);
    define_new(f->conn, "alpha", uuid);
    assert_ok(op(lv_domain_start, f->conn, uuid, 0));
    define_new(f->conn, "mid", uuid);

    lv_domain_list *list = NULL;
    assert_ok(list_all(f->conn, 0, &list));
    assert_int_equal(list->count, 4);
    const char *all[] = {"alpha", "mid", "test", "zeta"}; /* sorted by name */
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(list->items[i].name, all[i]);
    lv_domain_list_free(list);

    assert_ok(list_all(f->conn, LV_LIST_ACTIVE | LV_LIST_INACTIVE, &list));
    assert_int_equal(list->count, 4);
    lv_domain_list_free(list);

    assert_ok(list_all(f->conn, LV_LIST_ACTIVE, &list));
    assert_int_equal(list->count, 2);
    assert_string_equal(list->items[0].name, "alpha");
    assert_string_equal(list->items[1].name, "test");
    assert_int_equal(list->items[0].id, 2);
    lv_domain_list_free(list);

    assert_ok(list_all(f->conn, LV_LIST_INACTIVE, &list));
    assert_int_equal(list->count, 2);
    assert_string_equal(list->items[0].name, "mid");
    assert_string_equal(list->items[1].name, "zeta");
    assert_int_equal(list->items[1].id, -1);
    lv_domain_list_free(list);

    assert_fails(list_all(f->conn, 0x80, &list), LV_ERR_INVALID_ARG, NULL);
}

/* ---- autostart, metadata, rename ---------------------------------------- */

static void test_autostart(void **state)
{
    fixture *f = *state;
    assert_ok(set_autostart(f->conn, f->test_uuid, true));
    lv_domain_info *info = info_of(f->conn, "test");
    assert_true(info->autostart);
    lv_domain_info_free(info);
    assert_ok(set_autostart(f->conn, f->test_uuid, false));
    info = info_of(f->conn, "test");
    assert_false(info->autostart);
    lv_domain_info_free(info);
}

static void test_metadata(void **state)
{
    fixture *f = *state;
    const unsigned char *u = f->test_uuid;
    char *live = NULL, *inactive = NULL;

    /* Running, no flags: the live definition only. */
    assert_ok(set_metadata(f->conn, u, LV_METADATA_DESCRIPTION, "live words", 0));
    assert_ok(get_xml(f->conn, u, 0, &live));
    assert_ok(get_xml(f->conn, u, LV_XML_INACTIVE, &inactive));
    assert_true(has(live, "live words"));
    assert_false(has(inactive, "live words"));
    free(live);
    free(inactive);

    assert_ok(set_metadata(f->conn, u, LV_METADATA_TITLE, "Config title", LV_AFFECT_CONFIG));
    lv_domain_info *info = info_of(f->conn, "test");
    assert_null(info->title); /* the info shows the live definition */
    lv_domain_info_free(info);
    assert_ok(get_xml(f->conn, u, LV_XML_INACTIVE, &inactive));
    assert_true(has(inactive, "<title>Config title</title>"));
    free(inactive);

    assert_ok(
        set_metadata(f->conn, u, LV_METADATA_TITLE, "Both", LV_AFFECT_LIVE | LV_AFFECT_CONFIG));
    info = info_of(f->conn, "test");
    assert_string_equal(info->title, "Both");
    lv_domain_info_free(info);

    assert_fails(set_metadata(f->conn, u, LV_METADATA_TITLE, "two\nlines", 0), LV_ERR_INVALID_ARG,
                 "title");
    assert_fails(set_metadata(f->conn, u, LV_METADATA_TITLE, "x", 0x40), LV_ERR_INVALID_ARG,
                 "flags");

    /* NULL removes it */
    assert_ok(set_metadata(f->conn, u, LV_METADATA_TITLE, NULL, LV_AFFECT_LIVE));
    info = info_of(f->conn, "test");
    assert_null(info->title);
    lv_domain_info_free(info);
    assert_ok(get_xml(f->conn, u, LV_XML_INACTIVE, &inactive));
    assert_true(has(inactive, "<title>Both</title>"));
    free(inactive);

    /* Shut off, no flags: the persistent definition; live is refused. */
    assert_ok(op(lv_domain_destroy, f->conn, u, 0));
    assert_fails(set_metadata(f->conn, u, LV_METADATA_DESCRIPTION, "x", LV_AFFECT_LIVE),
                 LV_ERR_OPERATION_INVALID, "not running");
    assert_ok(set_metadata(f->conn, u, LV_METADATA_DESCRIPTION, "off words", 0));
    assert_ok(set_metadata(f->conn, u, LV_METADATA_TITLE, "", 0)); /* "" removes too */
    info = info_of(f->conn, "test");
    assert_null(info->title);
    lv_domain_info_free(info);
    assert_ok(get_xml(f->conn, u, 0, &inactive));
    assert_true(has(inactive, "off words"));
    assert_false(has(inactive, "<title>"));
    free(inactive);

    /* Transient: there is no persistent definition to change. */
    char *xml = dom_xml("tmp", NULL, 4096);
    assert_ok(create(f->conn, xml, 0, &info));
    free(xml);
    assert_fails(set_metadata(f->conn, info->uuid, LV_METADATA_TITLE, "t", LV_AFFECT_CONFIG),
                 LV_ERR_OPERATION_INVALID, "transient");
    assert_ok(set_metadata(f->conn, info->uuid, LV_METADATA_TITLE, "t", 0));
    lv_domain_info_free(info);
    info = info_of(f->conn, "tmp");
    assert_string_equal(info->title, "t");
    lv_domain_info_free(info);
}

static void test_rename(void **state)
{
    fixture *f = *state;
    unsigned char uuid[LV_UUID_LEN];
    define_new(f->conn, "old", uuid);

    assert_fails(rename_dom(f->conn, f->test_uuid, "new"), LV_ERR_OPERATION_INVALID,
                 "cannot rename domain 'test'");
    assert_fails(rename_dom(f->conn, uuid, "test"), LV_ERR_DUPLICATE,
                 "domain 'test' already exists");
    assert_fails(rename_dom(f->conn, uuid, "old"), LV_ERR_OPERATION_INVALID, NULL);
    static const char *const bad[] = {"a/b", "", "..", ".x", "bad\001name"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_fails(rename_dom(f->conn, uuid, bad[i]), LV_ERR_INVALID_ARG, NULL);
    char longname[300];
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_fails(rename_dom(f->conn, uuid, longname), LV_ERR_INVALID_ARG, NULL);
    assert_fails(rename_dom(f->conn, uuid, NULL), LV_ERR_INVALID_ARG, NULL);
    lv_domain_info *info = info_of(f->conn, "old");
    lv_domain_info_free(info);

    assert_ok(rename_dom(f->conn, uuid, "new"));
    assert_fails(lookup(f->conn, LV_LOOKUP_NAME, "old", NULL), LV_ERR_NO_DOMAIN, NULL);
    info = info_of(f->conn, "new");
    assert_memory_equal(info->uuid, uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
    char *xml = NULL;
    assert_ok(get_xml(f->conn, uuid, 0, &xml));
    assert_true(has(xml, "<name>new</name>"));
    free(xml);
    /* the old name is free again */
    define_new(f->conn, "old", uuid);
}

/* ---- read-only connections ----------------------------------------------- */

static void test_readonly(void **state)
{
    fixture *f = *state;
    lv_conn *ro = open_ok("test:///default", LV_CONNECT_READONLY);
    assert_true(lv_conn_is_readonly(ro));
    const unsigned char *u = f->test_uuid;

    /* Reads work. */
    lv_domain_info *info = NULL;
    assert_ok(lookup(ro, LV_LOOKUP_NAME, "test", &info));
    lv_domain_info_free(info);
    assert_ok(get_info(ro, u, &info));
    lv_domain_info_free(info);
    char *xml = NULL;
    assert_ok(get_xml(ro, u, 0, &xml));
    free(xml);
    assert_int_equal(count_domains(ro), 1);

    /* Writes are refused, and change nothing. */
    uuid_op writes[] = {lv_domain_undefine, lv_domain_start, lv_domain_shutdown, lv_domain_destroy,
                        lv_domain_reboot,   lv_domain_reset, lv_domain_suspend,  lv_domain_resume};
    for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++)
        assert_fails(op(writes[i], ro, u, 0), LV_ERR_READ_ONLY, "read-only");
    char *dxml = dom_xml("rw", NULL, 4096);
    assert_fails(define(ro, dxml, NULL), LV_ERR_READ_ONLY, "read-only");
    assert_fails(create(ro, dxml, 0, NULL), LV_ERR_READ_ONLY, "read-only");
    free(dxml);
    assert_fails(set_autostart(ro, u, true), LV_ERR_READ_ONLY, NULL);
    assert_fails(set_metadata(ro, u, LV_METADATA_TITLE, "x", 0), LV_ERR_READ_ONLY, NULL);
    assert_fails(rename_dom(ro, u, "x"), LV_ERR_READ_ONLY, NULL);

    assert_int_equal(count_domains(f->conn), 1);
    assert_state(f->conn, u, LV_DOMAIN_RUNNING, LV_RUNNING_UNKNOWN);
    info = info_of(f->conn, "test");
    assert_false(info->autostart);
    assert_null(info->title);
    lv_domain_info_free(info);
    lv_conn_close(ro);
}

/* ---- callbacks may close the connection ---------------------------------- */

static void close_in_cb(void *opaque, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    lv_conn_close(r->conn);
}

static void test_close_in_callback(void **state)
{
    fixture *f = *state;
    result r = {0};
    r.conn = open_ok("test:///default", 0);
    lv_domain_suspend(r.conn, f->test_uuid, 0, close_in_cb, &r);
    assert_ok(finish(&r));
    assert_state(f->conn, f->test_uuid, LV_DOMAIN_PAUSED, LV_PAUSED_USER);
}

/* ---- test:///ABS/PATH.xml ----------------------------------------------- */

typedef struct tmpdir {
    char path[64];
    char files[12][128];
    size_t nfiles;
} tmpdir;

static void tmp_write(tmpdir *t, const char *name, const char *text)
{
    assert_true(t->nfiles < 12);
    char *p = t->files[t->nfiles++];
    snprintf(p, 128, "%s/%s", t->path, name);
    FILE *fp = fopen(p, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void tmp_cleanup(tmpdir *t)
{
    for (size_t i = 0; i < t->nfiles; i++)
        unlink(t->files[i]);
    rmdir(t->path);
}

static char *uri_for(const tmpdir *t, const char *name)
{
    char *u = malloc(256);
    assert_non_null(u);
    snprintf(u, 256, "test://%s/%s", t->path, name);
    return u;
}

static const char node_xml[] = "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
                               "  <cpu>\n"
                               "    <mhz>2000</mhz>\n"
                               "    <model>x86_64</model>\n"
                               "    <nodes>1</nodes>\n"
                               "    <sockets>1</sockets>\n"
                               "    <cores>4</cores>\n"
                               "    <threads>2</threads>\n"
                               "  </cpu>\n"
                               "  <memory>8388608</memory>\n"
                               "  <domain type='test'>\n"
                               "    <name>fa</name>\n"
                               "    <uuid>aaaaaaaa-0000-4000-8000-000000000001</uuid>\n"
                               "    <memory unit='KiB'>65536</memory>\n"
                               "    <vcpu>1</vcpu>\n"
                               "    <os><type arch='x86_64'>hvm</type></os>\n"
                               "  </domain>\n"
                               "  <domain type='test'>\n"
                               "    <name>fb</name>\n"
                               "    <memory unit='KiB'>65536</memory>\n"
                               "    <vcpu>1</vcpu>\n"
                               "    <os><type arch='x86_64'>hvm</type></os>\n"
                               "    <test:runstate>5</test:runstate>\n"
                               "  </domain>\n"
                               "  <domain file='fc.xml'/>\n"
                               "  <network>\n"
                               "    <name>net1</name>\n"
                               "    <bridge name='br1'/>\n"
                               "  </network>\n"
                               "  <pool type='dir'>\n"
                               "    <name>pool1</name>\n"
                               "    <target><path>/pool1</path></target>\n"
                               "  </pool>\n"
                               "</node>\n";

static const char fc_xml[] =
    "<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
    "  <name>fc</name>\n"
    "  <memory unit='KiB'>65536</memory>\n"
    "  <vcpu>2</vcpu>\n"
    "  <os><type arch='x86_64'>hvm</type></os>\n"
    "  <test:runstate>3</test:runstate>\n"
    "  <test:transient/>\n"
    "</domain>\n";

static void test_file_uri(void **state)
{
    (void)state;
    tmpdir t = {.path = "/tmp/lv-testdrv-XXXXXX"};
    assert_non_null(mkdtemp(t.path));
    tmp_write(&t, "node.xml", node_xml);
    tmp_write(&t, "fc.xml", fc_xml);
    char *uri = uri_for(&t, "node.xml");

    lv_conn *a = open_ok(uri, 0);
    result r = {0};
    lv_conn_node_info(a, node_cb, &r);
    assert_ok(finish(&r));
    assert_string_equal(r.node.model, "x86_64");
    assert_int_equal(r.node.mhz, 2000);
    assert_int_equal(r.node.cpus, 8);
    assert_int_equal(r.node.nodes, 1);
    assert_int_equal(r.node.cores, 4);
    assert_int_equal(r.node.threads, 2);
    assert_int_equal(r.node.memory_kib, 8388608);

    lv_domain_list *list = NULL;
    assert_ok(list_all(a, 0, &list));
    assert_int_equal(list->count, 3);
    lv_domain_info *fa = &list->items[0], *fb = &list->items[1], *fc = &list->items[2];
    assert_string_equal(fa->name, "fa");
    assert_int_equal(fa->state, LV_DOMAIN_RUNNING);
    assert_int_equal(fa->id, 1);
    assert_true(fa->persistent);
    assert_string_equal(fb->name, "fb");
    assert_int_equal(fb->state, LV_DOMAIN_SHUTOFF);
    assert_int_equal(fb->id, -1);
    assert_true(fb->persistent);
    assert_false(lv_uuid_is_null(fb->uuid));
    assert_string_equal(fc->name, "fc");
    assert_int_equal(fc->state, LV_DOMAIN_PAUSED);
    assert_int_equal(fc->id, 2);
    assert_false(fc->persistent);
    assert_int_equal(fc->vcpus, 2);
    unsigned char fa_uuid[LV_UUID_LEN];
    memcpy(fa_uuid, fa->uuid, LV_UUID_LEN);
    lv_domain_list_free(list);

    /* The test: elements are the driver's, not part of the definition. */
    lv_domain_info *info = info_of(a, "fc");
    char *xml = NULL;
    assert_ok(get_xml(a, info->uuid, 0, &xml));
    assert_false(has(xml, "runstate"));
    free(xml);
    lv_domain_info_free(info);

    /* Each open loads the file afresh: a second connection has its own state. */
    assert_ok(op(lv_domain_destroy, a, fa_uuid, 0));
    lv_conn *b = open_ok(uri, 0);
    assert_state(b, fa_uuid, LV_DOMAIN_RUNNING, LV_RUNNING_UNKNOWN);
    assert_state(a, fa_uuid, LV_DOMAIN_SHUTOFF, LV_SHUTOFF_DESTROYED);
    /* and neither is test:///default */
    lv_conn *d = open_ok("test:///default", 0);
    assert_fails(lookup(d, LV_LOOKUP_NAME, "fa", NULL), LV_ERR_NO_DOMAIN, NULL);
    lv_conn_close(d);
    lv_conn_close(b);
    lv_conn_close(a);
    free(uri);
    tmp_cleanup(&t);
}

static void test_file_uri_errors(void **state)
{
    (void)state;
    tmpdir t = {.path = "/tmp/lv-testdrv-XXXXXX"};
    assert_non_null(mkdtemp(t.path));
    tmp_write(&t, "malformed.xml", "<node><domain></node>");
    tmp_write(&t, "wrongroot.xml", "<domain type='test'><name>x</name></domain>");
    tmp_write(&t, "dup.xml",
              "<node>\n"
              "  <domain type='test'><name>x</name><memory>1024</memory>"
              "<os><type>hvm</type></os></domain>\n"
              "  <domain type='test'><name>x</name><memory>1024</memory>"
              "<os><type>hvm</type></os></domain>\n"
              "</node>\n");
    tmp_write(&t, "missing.xml", "<node><domain file='nowhere.xml'/></node>");
    tmp_write(&t, "unknown.xml", "<node><potato/></node>");
    tmp_write(&t, "dupnet.xml",
              "<node><network><name>n</name></network><network><name>n</name></network></node>");
    tmp_write(&t, "nameless.xml", "<node><pool type='dir'><target/></pool></node>");
    tmp_write(&t, "badcpu.xml", "<node><cpu><cores>many</cores></cpu></node>");
    tmp_write(&t, "badstate.xml",
              "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>"
              "<domain type='test'><name>x</name><memory>1024</memory>"
              "<os><type>hvm</type></os><test:runstate>99</test:runstate></domain></node>");

    static const struct {
        const char *file;
        lv_error_code code;
        const char *needle;
    } cases[] = {
        {"absent.xml", LV_ERR_SYSTEM, "absent.xml"},
        {"malformed.xml", LV_ERR_XML, "malformed.xml"},
        {"wrongroot.xml", LV_ERR_XML, "<node>"},
        {"dup.xml", LV_ERR_DUPLICATE, "domain 'x'"},
        {"missing.xml", LV_ERR_SYSTEM, "nowhere.xml"},
        {"unknown.xml", LV_ERR_CONFIG_UNSUPPORTED, "<potato>"},
        {"dupnet.xml", LV_ERR_DUPLICATE, "network 'n'"},
        {"nameless.xml", LV_ERR_XML, "pool #1: missing <name>"},
        {"badcpu.xml", LV_ERR_XML, "many"},
        {"badstate.xml", LV_ERR_XML, "runstate"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *uri = uri_for(&t, cases[i].file);
        lv_conn *c = NULL;
        assert_fails(conn_open(uri, 0, &c), cases[i].code, cases[i].needle);
        assert_null(c);
        free(uri);
    }
    tmp_cleanup(&t);
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
