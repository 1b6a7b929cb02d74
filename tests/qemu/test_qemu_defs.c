/* The qemu driver's persistence, through the lv_* entry points on a uv loop,
 * over qemu:///embed?root=TMP: scopes and URIs, define/undefine/list/lookup,
 * dumpxml, autostart links, metadata, rename, the test driver's refusals, a
 * second connection (another shell) seeing the files, and a domain XML that
 * libvirt wrote defining unchanged. No qemu is started here. */
#include "qemu_test_helpers.h"

#include <sys/stat.h>
#include <unistd.h>

#include "core/files.h"

static char root[256];
static char uri[512];

static const char *const minimal_xml =
    "<domain type='qemu'><name>vm1</name><uuid>11111111-2222-3333-4444-555555555555</uuid>"
    "<memory unit='MiB'>128</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>"
    "<devices><graphics type='vnc' port='-1' autoport='yes' passwd='s3cret'/></devices>"
    "</domain>";

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof(root), "/tmp/lvqemu-defs-XXXXXX");
    assert_non_null(mkdtemp(root));
    snprintf(uri, sizeof(uri), "qemu:///embed?root=%s", root);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove_tree(root);
    return 0;
}

static char *path_in(const char *sub)
{
    static char buf[1024];
    snprintf(buf, sizeof(buf), "%s/%s", root, sub);
    return buf;
}

static bool exists(const char *sub)
{
    struct stat sb;
    return lstat(path_in(sub), &sb) == 0;
}

static void test_uris(void **state)
{
    (void)state;
    lv_conn *c = NULL;
    assert_fails(conn_open("qemu:///embed", 0, &c), LV_ERR_NO_CONNECT, "root=");
    assert_fails(conn_open("qemu:///embed?root=rel", 0, &c), LV_ERR_NO_CONNECT, "root=");
    assert_fails(conn_open("qemu:///nowhere", 0, &c), LV_ERR_NO_CONNECT, "qemu:///session");
    assert_fails(conn_open("qemu:///system?x=1", 0, &c), LV_ERR_NO_CONNECT, "'x'");
    c = open_ok(uri);
    assert_true(exists("config/autostart"));
    assert_true(exists("run"));
    lv_conn_close(c);
}

static void test_define_and_reopen(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri);
    lv_domain_info *info = NULL;
    assert_ok(define(c, minimal_xml, &info));
    assert_string_equal(info->name, "vm1");
    assert_int_equal(info->state, LV_DOMAIN_SHUTOFF);
    assert_int_equal(info->id, -1);
    assert_true(info->persistent);
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
    assert_true(exists("config/vm1.xml"));

    /* The file keeps the VNC password; dumpxml does not show it. */
    char *text = NULL;
    size_t len;
    assert_int_equal(lv_file_read_all(path_in("config/vm1.xml"), &text, &len, NULL), 0);
    assert_non_null(strstr(text, "passwd='s3cret'"));
    free(text);
    char *xml = NULL;
    assert_ok(get_xml(c, uuid, 0, &xml));
    assert_null(strstr(xml, "s3cret"));
    assert_non_null(strstr(xml, "<name>vm1</name>"));
    free(xml);

    /* Another shell sees it, by name, uuid; not by id. */
    lv_conn *c2 = open_ok(uri);
    assert_ok(lookup(c2, "vm1", NULL));
    assert_ok(lookup(c2, "11111111-2222-3333-4444-555555555555", NULL));
    assert_fails(lookup(c2, "1", NULL), LV_ERR_NO_DOMAIN, "'1'");
    lv_domain_list *list = NULL;
    assert_ok(list_all(c2, LV_LIST_INACTIVE, &list));
    assert_int_equal(list->count, 1);
    lv_domain_list_free(list);
    assert_ok(list_all(c2, LV_LIST_ACTIVE, &list));
    assert_int_equal(list->count, 0);
    lv_domain_list_free(list);

    /* Redefining the same name and uuid replaces; another uuid or name clashes. */
    assert_ok(define(c2, minimal_xml, NULL));
    const char *other_uuid = "<domain type='qemu'><name>vm1</name>"
                             "<uuid>99999999-2222-3333-4444-555555555555</uuid>"
                             "<memory>131072</memory><os><type>hvm</type></os></domain>";
    assert_fails(define(c, other_uuid, NULL), LV_ERR_DUPLICATE, "already exists with uuid");
    const char *other_name = "<domain type='qemu'><name>vm2</name>"
                             "<uuid>11111111-2222-3333-4444-555555555555</uuid>"
                             "<memory>131072</memory><os><type>hvm</type></os></domain>";
    assert_fails(define(c, other_name, NULL), LV_ERR_DUPLICATE, "is already used by domain 'vm1'");
    const char *test_type = "<domain type='test'><name>t</name><memory>131072</memory>"
                            "<os><type>hvm</type></os></domain>";
    assert_fails(define(c, test_type, NULL), LV_ERR_CONFIG_UNSUPPORTED, "'test'");
    assert_fails(define(c, "<domain", NULL), LV_ERR_XML, NULL);

    /* Inactive refusals, as the test driver words them. */
    assert_fails(op(lv_domain_suspend, c, uuid, 0), LV_ERR_OPERATION_INVALID, "is not running");
    assert_fails(op(lv_domain_destroy, c, uuid, 0), LV_ERR_OPERATION_INVALID, "is not running");
    assert_fails(op(lv_domain_shutdown, c, uuid, 0), LV_ERR_OPERATION_INVALID, "is not running");
    assert_fails(op(lv_domain_resume, c, uuid, 0), LV_ERR_OPERATION_INVALID, "is not running");
    assert_fails(op(lv_domain_reset, c, uuid, 0), LV_ERR_OPERATION_INVALID, "is not running");
    assert_fails(op(lv_domain_shutdown, c, uuid, 0x1000000), LV_ERR_OPERATION_INVALID, NULL);
    assert_fails(op(lv_domain_destroy, c, uuid, 0x80), LV_ERR_INVALID_ARG, "unsupported flags");
    result qr = {0};
    c->driver->domain->qemu_monitor_command(c, uuid, "{\"execute\": \"query-status\"}", 0,
                                            string_cb, &qr);
    assert_fails(finish(&qr), LV_ERR_OPERATION_INVALID, "is not running");

    /* Undefined by one shell: gone for the other. */
    assert_ok(op(lv_domain_undefine, c2, uuid, 0));
    assert_false(exists("config/vm1.xml"));
    assert_fails(lookup(c, "vm1", NULL), LV_ERR_NO_DOMAIN, "'vm1'");
    assert_fails(op(lv_domain_undefine, c, uuid, 0), LV_ERR_NO_DOMAIN, NULL);
    lv_conn_close(c2);
    lv_conn_close(c);
}

static void test_autostart_metadata_rename(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri);
    lv_domain_info *info = NULL;
    assert_ok(define(c, minimal_xml, &info));
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);

    assert_ok(set_autostart(c, uuid, true));
    assert_true(exists("config/autostart/vm1.xml"));
    lv_conn *c2 = open_ok(uri);
    assert_ok(lookup(c2, "vm1", &info));
    assert_true(info->autostart);
    lv_domain_info_free(info);

    assert_ok(set_metadata(c, uuid, LV_METADATA_TITLE, "A title", 0));
    assert_fails(set_metadata(c, uuid, LV_METADATA_TITLE, "two\nlines", 0), LV_ERR_INVALID_ARG,
                 NULL);
    assert_fails(set_metadata(c, uuid, LV_METADATA_TITLE, "x", LV_AFFECT_LIVE),
                 LV_ERR_OPERATION_INVALID, "is not running");
    assert_ok(set_metadata(c, uuid, LV_METADATA_DESCRIPTION, "Some words", LV_AFFECT_CONFIG));
    assert_ok(lookup(c2, "vm1", &info));
    assert_string_equal(info->title, "A title");
    lv_domain_info_free(info);
    char *xml = NULL;
    assert_ok(get_xml(c2, uuid, LV_XML_INACTIVE, &xml));
    assert_non_null(strstr(xml, "<description>Some words</description>"));
    free(xml);

    assert_fails(rename_dom(c, uuid, "a/b"), LV_ERR_INVALID_ARG, "'/'");
    assert_fails(rename_dom(c, uuid, "vm1"), LV_ERR_OPERATION_INVALID, "already has that name");
    assert_ok(rename_dom(c, uuid, "vm9"));
    assert_false(exists("config/vm1.xml"));
    assert_true(exists("config/vm9.xml"));
    assert_false(exists("config/autostart/vm1.xml"));
    assert_true(exists("config/autostart/vm9.xml"));
    assert_ok(lookup(c2, "vm9", &info));
    assert_true(info->autostart);
    assert_string_equal(info->title, "A title");
    lv_domain_info_free(info);
    assert_fails(lookup(c2, "vm1", NULL), LV_ERR_NO_DOMAIN, NULL);

    assert_ok(set_autostart(c2, uuid, false));
    assert_false(exists("config/autostart/vm9.xml"));
    assert_ok(op(lv_domain_undefine, c, uuid, 0));
    lv_conn_close(c2);
    lv_conn_close(c);
}

/* A definition libvirt wrote (as found in /etc/libvirt/qemu/) defines unchanged:
 * its dumpxml is what conf's golden file says, before and after a reopen. */
static void test_libvirt_xml(void **state)
{
    (void)state;
    char *in = NULL, *want = NULL;
    size_t len;
    assert_int_equal(lv_file_read_all(LV_CONF_DATA "/libvirt-q35.xml", &in, &len, NULL), 0);
    assert_int_equal(lv_file_read_all(LV_CONF_DATA "/libvirt-q35.out.xml", &want, &len, NULL), 0);
    lv_conn *c = open_ok(uri);
    lv_domain_info *info = NULL;
    assert_ok(define(c, in, &info));
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
    char *xml = NULL;
    assert_ok(get_xml(c, uuid, 0, &xml));
    assert_string_equal(xml, want);
    free(xml);
    lv_conn_close(c);
    c = open_ok(uri);
    assert_ok(get_xml(c, uuid, LV_XML_INACTIVE, &xml));
    assert_string_equal(xml, want);
    free(xml);
    assert_ok(op(lv_domain_undefine, c, uuid, 0));
    lv_conn_close(c);
    free(in);
    free(want);
}

/* A status file whose monitor and qemu are gone (the monitor was killed, the
 * host rebooted): the next open shows the domain shut off (crashed) and removes
 * the runtime files. */
static void test_stale_status(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri);
    assert_ok(define(c, minimal_xml, NULL));
    lv_conn_close(c);
    const char *status = "{\"name\": \"vm1\", \"uuid\": \"11111111-2222-3333-4444-555555555555\","
                         " \"id\": 7, \"monitor_pid\": 999999999, \"qemu_pid\": 999999998,"
                         " \"state_code\": 1, \"reason_code\": 1, \"seq\": 1}\n";
    assert_int_equal(
        lv_file_write_atomic(path_in("run/vm1.status"), status, strlen(status), 0600, NULL), 0);
    assert_int_equal(lv_file_write_atomic(path_in("run/vm1.qmp"), "", 0, 0600, NULL), 0);
    c = open_ok(uri);
    int reason = 0;
    assert_int_equal(state_of(c, "vm1", &reason), LV_DOMAIN_SHUTOFF);
    assert_int_equal(reason, LV_SHUTOFF_CRASHED);
    assert_false(exists("run/vm1.status"));
    assert_false(exists("run/vm1.qmp"));
    lv_conn_close(c);
}

/* qemu:///session keeps its files in the user's XDG folders. */
static void test_session(void **state)
{
    (void)state;
    char cfg[512], data[512], cache[512], rt[512];
    snprintf(cfg, sizeof(cfg), "%s/xdg-config", root);
    snprintf(data, sizeof(data), "%s/xdg-data", root);
    snprintf(cache, sizeof(cache), "%s/xdg-cache", root);
    snprintf(rt, sizeof(rt), "%s/xdg-run", root);
    setenv("XDG_CONFIG_HOME", cfg, 1);
    setenv("XDG_DATA_HOME", data, 1);
    setenv("XDG_CACHE_HOME", cache, 1);
    setenv("XDG_RUNTIME_DIR", rt, 1);
    lv_conn *c = open_ok("qemu:///session");
    assert_ok(define(c, minimal_xml, NULL));
    assert_true(exists("xdg-config/luvirt/qemu/vm1.xml"));
    assert_true(exists("xdg-run/luvirt/qemu"));
    assert_true(exists("xdg-cache/luvirt/qemu/log"));
    lv_conn_close(c);
    unsetenv("XDG_RUNTIME_DIR");
    c = open_ok("qemu:///session");
    assert_ok(lookup(c, "vm1", NULL));
    assert_true(exists("xdg-cache/luvirt/qemu/run"));
    lv_conn_close(c);
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("XDG_DATA_HOME");
    unsetenv("XDG_CACHE_HOME");
}

static lv_version_info got_version;

static void version_cb(void *opaque, const lv_version_info *info, const lv_error *err)
{
    record_err(opaque, err);
    if (info)
        got_version = *info;
}

/* version and capabilities describe the qemu on PATH (when there is one). */
static void test_host(void **state)
{
    (void)state;
    if (access("/usr/bin/qemu-system-x86_64", X_OK) < 0) {
        printf("# no qemu-system-x86_64: version and capabilities not checked\n");
        return;
    }
    lv_conn *c = open_ok(uri);
    result r = {0};
    lv_conn_version(c, version_cb, &r);
    assert_ok(finish(&r));
    assert_string_equal(got_version.hypervisor, "QEMU");
    assert_true(got_version.hv_version >= 2000000); /* qemu 2.0 or later */
    result r2 = {0};
    lv_conn_capabilities(c, string_cb, &r2);
    assert_ok(finish(&r2));
    assert_non_null(strstr(r2.str, "<domain type='qemu'/>"));
    assert_non_null(strstr(r2.str, "<os_type>hvm</os_type>"));
    free(r2.str);
    lv_conn_close(c);
}

int main(void)
{
    uv_loop_init(&loop);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_uris, setup, teardown),
        cmocka_unit_test_setup_teardown(test_define_and_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_autostart_metadata_rename, setup, teardown),
        cmocka_unit_test_setup_teardown(test_libvirt_xml, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    return rc;
}
