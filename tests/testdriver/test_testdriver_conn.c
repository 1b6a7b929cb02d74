/* The test driver: connections (test:///default, its preloaded content, bad
 * URIs), read-only connections, callbacks that close the connection, and
 * test:///ABS/PATH.xml files. */
#include "test_testdriver.h"

/* ---- connection ---------------------------------------------------------- */

void test_connection_info(void **state)
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

void test_preloaded(void **state)
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

void test_default_is_shared(void **state)
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

void test_default_fresh_after_last_close(void **state)
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

void test_bad_uris(void **state)
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

/* ---- read-only connections ----------------------------------------------- */

void test_readonly(void **state)
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

void test_close_in_callback(void **state)
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
    /* Built aside: gcc -O2 -Wrestrict cannot tell files[] from path[] inside *t. */
    char built[128];
    snprintf(built, sizeof(built), "%s/%s", t->path, name);
    char *p = t->files[t->nfiles++];
    memcpy(p, built, sizeof(built));
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

void test_file_uri(void **state)
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

void test_file_uri_errors(void **state)
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
