/* The test driver: every domain transition and every refusal, stats, events. */
#include "test_testdriver.h"

/* ---- the state machine --------------------------------------------------- */

void test_suspend_resume(void **state)
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
void test_shutdown_wait_and_monitor(void **state)
{
    fixture *f = *state;
    const unsigned char *u = f->test_uuid;
    assert_ok(op(lv_domain_shutdown, f->conn, u, LV_SHUTDOWN_WAIT | LV_SHUTDOWN_TIMEOUT(5)));
    assert_state(f->conn, u, LV_DOMAIN_SHUTOFF, LV_SHUTOFF_SHUTDOWN);
    assert_ok(op(lv_domain_start, f->conn, u, 0));
    assert_ok(op(lv_domain_shutdown, f->conn, u, LV_SHUTDOWN_WAIT));
    assert_ok(op(lv_domain_start, f->conn, u, 0));
    result r = {0};
    lv_domain_qemu_monitor_command(f->conn, u, "{\"execute\": \"query-status\"}", 0, string_cb, &r);
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
void test_stats(void **state)
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

static void on_event(void *opaque, lv_conn *conn, const lv_domain_info *dom, int event, int detail)
{
    (void)conn;
    ev_log *log = opaque;
    size_t len = strlen(log->text);
    snprintf(log->text + len, sizeof(log->text) - len, "%s%s %s/%s", len ? "; " : "", dom->name,
             lv_event_string(event), lv_event_detail_string(event, detail));
    log->n++;
}

/* Every change is an event, on every connection sharing the state. */
void test_events(void **state)
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

void test_shutdown_start_destroy(void **state)
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

void test_reboot_reset(void **state)
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

void test_reboot_on_reboot_destroy(void **state)
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

void test_cpu_time(void **state)
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

void test_unknown_uuid_and_flags(void **state)
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
