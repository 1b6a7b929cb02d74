/* The network driver's persistence over qemu:///embed?root=TMP, through the
 * lv_net_* entry points on a uv loop: define (generated uuid, MAC, bridge
 * name), redefine, clashes, list filters, lookup by name and uuid, dumpxml,
 * autostart links, undefine, events, read-only refusals, a second connection
 * seeing the files, the "default" network of the system scope, and
 * net-update of a defined network. Nothing here touches the host's network. */
#include "net_test_helpers.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/files.h"

static char root[256];
static char uri[512];

static const char *const nat_xml =
    "<network><name>lab</name><forward mode='nat'/>"
    "<ip address='10.77.0.1' prefix='24'><dhcp><range start='10.77.0.10' end='10.77.0.20'/>"
    "</dhcp></ip></network>";

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof(root), "/tmp/lvnet-defs-XXXXXX");
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

static bool exists(const char *sub)
{
    char p[1024];
    struct stat sb;
    snprintf(p, sizeof(p), "%s/%s", root, sub);
    return lstat(p, &sb) == 0;
}

typedef struct seen_event {
    char name[64];
    int event;
    bool active, persistent;
} seen_event;

static seen_event events[16];
static size_t nevents;

static void record_event(void *opaque, lv_conn *conn, const lv_net_info *net, int event, int detail)
{
    (void)opaque, (void)conn, (void)detail;
    assert_true(nevents < 16);
    snprintf(events[nevents].name, sizeof(events[nevents].name), "%s", net->name);
    events[nevents].event = event;
    events[nevents].active = net->active;
    events[nevents].persistent = net->persistent;
    nevents++;
}

static void test_define_lookup_undefine(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri);
    nevents = 0;
    lv_conn_set_network_event_handler(c, record_event, NULL);

    lv_net_info *info = NULL;
    assert_ok(net_define(c, nat_xml, &info));
    assert_string_equal(info->name, "lab");
    assert_false(info->active);
    assert_true(info->persistent);
    assert_false(info->autostart);
    assert_string_equal(info->forward_mode, "nat");
    assert_non_null(info->bridge);
    assert_int_equal(strncmp(info->bridge, "virbr", 5), 0);
    assert_false(lv_uuid_is_null(info->uuid));
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    char *bridge = strdup(info->bridge);
    lv_net_info_free(info);
    assert_true(exists("network/lab.xml"));
    assert_int_equal(nevents, 1);
    assert_string_equal(events[0].name, "lab");
    assert_int_equal(events[0].event, LV_NET_EVENT_DEFINED);

    /* dumpxml has what define generated: uuid, bridge, mac, nat ports */
    char *xml = NULL;
    assert_ok(net_get_xml(c, uuid, 0, &xml));
    char want[128];
    snprintf(want, sizeof(want), "<bridge name='%s' stp='on' delay='0'/>", bridge);
    assert_non_null(strstr(xml, want));
    assert_non_null(strstr(xml, "<mac address='52:54:00:"));
    assert_non_null(strstr(xml, "<port start='1024' end='65535'/>"));
    char us[LV_UUID_STRING_LEN];
    lv_uuid_format(uuid, us);
    assert_non_null(strstr(xml, us));

    /* Redefining the dumped XML keeps everything and says "updated". */
    assert_ok(net_define(c, xml, NULL));
    char *again = NULL;
    assert_ok(net_get_xml(c, uuid, LV_NET_XML_INACTIVE, &again));
    assert_string_equal(again, xml);
    free(again);
    assert_int_equal(nevents, 2);
    /* ... and without its uuid, the name keeps the uuid it has. */
    assert_ok(net_define(c, nat_xml, &info));
    assert_memory_equal(info->uuid, uuid, LV_UUID_LEN);
    lv_net_info_free(info);
    free(xml);

    /* Another shell sees it, by name and uuid. */
    lv_conn *c2 = open_ok(uri);
    assert_ok(net_lookup(c2, "lab", NULL));
    assert_ok(net_lookup(c2, us, &info));
    assert_string_equal(info->name, "lab");
    lv_net_info_free(info);
    net_result r = {0};
    lv_net_lookup(c2, LV_LOOKUP_UUID, "lab", net_cb, &r);
    assert_fails(finish(&r.base), LV_ERR_NO_NETWORK, "no network with matching uuid 'lab'");
    assert_fails(net_lookup(c2, "nope", NULL), LV_ERR_NO_NETWORK,
                 "no network with matching name 'nope'");
    lv_net_list *list = NULL;
    assert_ok(net_list(c2, 0, &list));
    assert_int_equal(list->count, 1);
    lv_net_list_free(list);
    assert_ok(net_list(c2, LV_NET_LIST_ACTIVE, &list));
    assert_int_equal(list->count, 0);
    lv_net_list_free(list);
    assert_ok(net_list(c2, LV_NET_LIST_INACTIVE, &list));
    assert_int_equal(list->count, 1);
    lv_net_list_free(list);
    lv_conn_close(c2);

    /* autostart: a link, on and off */
    assert_ok(net_autostart(c, uuid, true));
    assert_true(exists("network/autostart/lab.xml"));
    assert_ok(net_lookup(c, "lab", &info));
    assert_true(info->autostart);
    lv_net_info_free(info);
    assert_ok(net_autostart(c, uuid, false));
    assert_false(exists("network/autostart/lab.xml"));
    assert_ok(net_autostart(c, uuid, true));

    /* An inactive network: no leases, destroy refused, live update refused. */
    lv_net_lease_list *leases = NULL;
    assert_ok(net_leases(c, uuid, NULL, &leases));
    assert_int_equal(leases->count, 0);
    lv_net_lease_list_free(leases);
    assert_fails(op(lv_net_destroy, c, uuid, 0), LV_ERR_OPERATION_INVALID,
                 "network 'lab' is not active");
    assert_fails(net_update(c, uuid, LV_NET_UPDATE_ADD_LAST, "ip-dhcp-host",
                            "<host mac='52:54:00:00:00:07' ip='10.77.0.7'/>", LV_NET_UPDATE_LIVE),
                 LV_ERR_OPERATION_INVALID, "network 'lab' is not active");

    /* undefine removes the definition and the link */
    nevents = 0;
    assert_ok(op(lv_net_undefine, c, uuid, 0));
    assert_false(exists("network/lab.xml"));
    assert_false(exists("network/autostart/lab.xml"));
    assert_int_equal(nevents, 1);
    assert_int_equal(events[0].event, LV_NET_EVENT_UNDEFINED);
    assert_fails(net_lookup(c, "lab", NULL), LV_ERR_NO_NETWORK, "'lab'");
    const char *us_text = us;
    assert_fails(op(lv_net_undefine, c, uuid, 0), LV_ERR_NO_NETWORK, us_text);
    assert_fails(net_get_xml(c, uuid, 0, NULL), LV_ERR_NO_NETWORK, us_text);
    free(bridge);
    lv_conn_close(c);
}

static void test_clashes(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri);
    const char *a = "<network><name>a</name><uuid>11111111-0000-4000-8000-000000000001</uuid>"
                    "<bridge name='lvb-a'/></network>";
    assert_ok(net_define(c, a, NULL));
    const char *same_name = "<network><name>a</name>"
                            "<uuid>22222222-0000-4000-8000-000000000002</uuid></network>";
    assert_fails(net_define(c, same_name, NULL), LV_ERR_DUPLICATE,
                 "network 'a' already exists with uuid 11111111-0000-4000-8000-000000000001");
    const char *same_uuid = "<network><name>b</name>"
                            "<uuid>11111111-0000-4000-8000-000000000001</uuid></network>";
    assert_fails(net_define(c, same_uuid, NULL), LV_ERR_DUPLICATE,
                 "uuid 11111111-0000-4000-8000-000000000001 is already used by network 'a'");
    const char *same_bridge = "<network><name>b</name><bridge name='lvb-a'/></network>";
    assert_fails(net_define(c, same_bridge, NULL), LV_ERR_DUPLICATE,
                 "bridge name 'lvb-a' is already used by network 'a'");
    assert_fails(net_define(c, "<network><name>b</name><forward mode='x'/></network>", NULL),
                 LV_ERR_CONFIG_UNSUPPORTED, "value 'x'");
    assert_false(exists("network/b.xml"));

    /* Generated bridge names skip the ones in use. */
    lv_net_info *i1 = NULL, *i2 = NULL;
    assert_ok(net_define(c, "<network><name>g1</name></network>", &i1));
    assert_ok(net_define(c, "<network><name>g2</name></network>", &i2));
    assert_string_not_equal(i1->bridge, i2->bridge);
    lv_net_info_free(i1);
    lv_net_info_free(i2);

    /* A host bridge network needs no generated bridge or MAC. */
    lv_net_info *hb = NULL;
    assert_ok(net_define(c,
                         "<network><name>hb</name><forward mode='bridge'/>"
                         "<bridge name='br9'/></network>",
                         &hb));
    assert_string_equal(hb->bridge, "br9");
    assert_string_equal(hb->forward_mode, "bridge");
    char *xml = NULL;
    assert_ok(net_get_xml(c, hb->uuid, 0, &xml));
    assert_null(strstr(xml, "<mac"));
    free(xml);
    lv_net_info_free(hb);

    /* An active-only operation on a transient, unknown network */
    unsigned char none[LV_UUID_LEN] = {9};
    assert_fails(op(lv_net_start, c, none, 0), LV_ERR_NO_NETWORK, "no network with matching");
    lv_conn_close(c);
}

static void test_readonly(void **state)
{
    (void)state;
    lv_conn *c = NULL;
    assert_ok(conn_open(uri, LV_CONNECT_READONLY, &c));
    assert_fails(net_define(c, nat_xml, NULL), LV_ERR_READ_ONLY, "net-define");
    assert_fails(net_create(c, nat_xml, NULL), LV_ERR_READ_ONLY, "net-create");
    unsigned char u[LV_UUID_LEN] = {1};
    assert_fails(op(lv_net_start, c, u, 0), LV_ERR_READ_ONLY, "net-start");
    assert_fails(op(lv_net_destroy, c, u, 0), LV_ERR_READ_ONLY, "net-destroy");
    assert_fails(op(lv_net_undefine, c, u, 0), LV_ERR_READ_ONLY, "net-undefine");
    assert_fails(net_autostart(c, u, true), LV_ERR_READ_ONLY, "net-autostart");
    assert_fails(net_update(c, u, LV_NET_UPDATE_ADD_LAST, "ip-dhcp-host", "<host/>", 0),
                 LV_ERR_READ_ONLY, "net-update");
    assert_ok(net_list(c, 0, NULL)); /* reading is fine */
    lv_conn_close(c);
}

static void test_update_config(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri);
    lv_net_info *info = NULL;
    assert_ok(net_define(c, nat_xml, &info));
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_net_info_free(info);
    const char *h1 = "<host mac='52:54:00:00:00:01' name='one' ip='10.77.0.5'/>";
    const char *h2 = "<host mac='52:54:00:00:00:02' name='two' ip='10.77.0.6'/>";
    assert_ok(net_update(c, uuid, LV_NET_UPDATE_ADD_LAST, "ip-dhcp-host", h1, 0));
    assert_ok(
        net_update(c, uuid, LV_NET_UPDATE_ADD_FIRST, "ip-dhcp-host", h2, LV_NET_UPDATE_CONFIG));
    char *xml = NULL;
    assert_ok(net_get_xml(c, uuid, 0, &xml));
    char *p1 = strstr(xml, "name='one'"), *p2 = strstr(xml, "name='two'");
    assert_non_null(p1);
    assert_non_null(p2);
    assert_true(p2 < p1); /* add-first */
    free(xml);

    assert_fails(net_update(c, uuid, LV_NET_UPDATE_ADD_LAST, "ip-dhcp-host", h1, 0),
                 LV_ERR_OPERATION_INVALID, "already has a DHCP host 52:54:00:00:00:01");
    assert_fails(net_update(c, uuid, LV_NET_UPDATE_ADD_LAST, "ip-dhcp-host",
                            "<host mac='52:54:00:00:00:03' ip='10.77.0.5'/>", 0),
                 LV_ERR_INVALID_ARG, "two DHCP hosts have the IP address 10.77.0.5");
    assert_fails(net_update(c, uuid, LV_NET_UPDATE_ADD_LAST, "ip-dhcp-host",
                            "<host mac='52:54:00:00:00:03' ip='10.78.0.5'/>", 0),
                 LV_ERR_INVALID_ARG, "outside the subnet 10.77.0.0/24");
    assert_fails(net_update(c, uuid, LV_NET_UPDATE_ADD_LAST, "dns-host",
                            "<host ip='10.77.0.5'><hostname>x</hostname></host>", 0),
                 LV_ERR_CONFIG_UNSUPPORTED, "section 'dns-host' is not supported");
    assert_fails(net_update(c, uuid, LV_NET_UPDATE_DELETE, "ip-dhcp-host",
                            "<host mac='52:54:00:00:00:09' ip='10.77.0.9'/>", 0),
                 LV_ERR_OPERATION_INVALID, "has no DHCP host 52:54:00:00:00:09");

    assert_ok(net_update(c, uuid, LV_NET_UPDATE_MODIFY, "ip-dhcp-host",
                         "<host mac='52:54:00:00:00:01' name='uno' ip='10.77.0.15'/>", 0));
    assert_ok(net_update(c, uuid, LV_NET_UPDATE_DELETE, "ip-dhcp-host", h2, 0));
    assert_ok(net_get_xml(c, uuid, 0, &xml));
    assert_null(strstr(xml, "name='two'"));
    assert_non_null(strstr(xml, "<host mac='52:54:00:00:00:01' name='uno' ip='10.77.0.15'/>"));
    free(xml);

    /* A network without <ip> has no DHCP hosts. */
    assert_ok(net_define(c, "<network><name>bare</name></network>", &info));
    assert_fails(net_update(c, info->uuid, LV_NET_UPDATE_ADD_LAST, "ip-dhcp-host", h1, 0),
                 LV_ERR_OPERATION_INVALID, "has no <ip>");
    lv_net_info_free(info);
    lv_conn_close(c);
}

/* The system scope's "default": defined once, on the next free /24, and an
 * undefined default stays undefined. (An embed root stands in for
 * qemu:///system, whose folders are the host's.) */
static void test_default_network(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri);
    /* a network already on 192.168.122.0/24 pushes the default to .123 */
    assert_ok(net_define(c,
                         "<network><name>other</name><ip address='192.168.122.1' "
                         "prefix='24'/></network>",
                         NULL));
    c->scope.privileged = true;
    /* another operation holds the lock: no wait (it could be this process's
     * own), the default comes at the next look */
    char lock[600];
    snprintf(lock, sizeof(lock), "%s/run/network/.lock", root);
    int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    assert_fails(net_lookup(c, "default", NULL), LV_ERR_NO_NETWORK, "'default'");
    assert_false(exists("network/.default-done"));
    close(fd);
    lv_net_info *info = NULL;
    assert_ok(net_lookup(c, "default", &info));
    assert_string_equal(info->forward_mode, "nat");
    assert_true(info->autostart);
    char *xml = NULL;
    assert_ok(net_get_xml(c, info->uuid, 0, &xml));
    assert_non_null(strstr(xml, "<ip address='192.168.123.1' netmask='255.255.255.0'>"));
    assert_non_null(strstr(xml, "<range start='192.168.123.2' end='192.168.123.254'/>"));
    free(xml);
    assert_true(exists("network/.default-done"));
    assert_ok(op(lv_net_undefine, c, info->uuid, 0));
    lv_net_info_free(info);
    assert_fails(net_lookup(c, "default", NULL), LV_ERR_NO_NETWORK, "'default'");
    lv_net_list *list = NULL;
    assert_ok(net_list(c, 0, &list));
    assert_int_equal(list->count, 1);
    lv_net_list_free(list);
    c->scope.privileged = false;
    lv_conn_close(c);
}

static void test_bridge_for(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri);
    assert_ok(net_define(c, nat_xml, NULL));
    char *bridge = NULL;
    lv_error err;
    assert_int_equal(lv_network_bridge_for(c, "lab", &bridge, &err), -1);
    assert_int_equal(err.code, LV_ERR_OPERATION_INVALID);
    assert_non_null(strstr(err.message, "network 'lab' is not active"));
    assert_null(bridge);
    assert_int_equal(lv_network_bridge_for(c, "nope", &bridge, &err), -1);
    assert_int_equal(err.code, LV_ERR_NO_NETWORK);
    lv_conn_close(c);
}

static void wait_events(size_t n)
{
    while (nevents < n)
        uv_run(&loop, UV_RUN_ONCE); /* the watch holds the loop: no early return */
}

/* Another process's changes reach the handler; the connection's own reach it
 * once, not again through the watch. */
static void test_foreign_events(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri), *other = open_ok(uri);
    nevents = 0;
    lv_conn_set_network_event_handler(c, record_event, NULL);
    lv_net_info *info = NULL;
    assert_ok(net_define(other, nat_xml, &info));
    wait_events(1);
    assert_string_equal(events[0].name, "lab");
    assert_int_equal(events[0].event, LV_NET_EVENT_DEFINED);
    assert_true(events[0].persistent);

    /* own: one event; then a foreign one, and nothing in between */
    assert_ok(net_define(c, "<network><name>mine</name></network>", NULL));
    assert_int_equal(nevents, 2);
    assert_ok(op(lv_net_undefine, other, info->uuid, 0));
    wait_events(3);
    assert_string_equal(events[1].name, "mine");
    assert_int_equal(events[1].event, LV_NET_EVENT_DEFINED);
    assert_string_equal(events[2].name, "lab");
    assert_int_equal(events[2].event, LV_NET_EVENT_UNDEFINED);
    assert_false(events[2].persistent);
    lv_net_info_free(info);

    /* without a handler nothing holds the loop */
    lv_conn_set_network_event_handler(c, NULL, NULL);
    assert_int_equal(uv_run(&loop, UV_RUN_NOWAIT), 0);
    lv_conn_set_network_event_handler(c, record_event, NULL);
    lv_conn_close(other);
    lv_conn_close(c); /* with the handler set: the watch goes with it */
    uv_run(&loop, UV_RUN_DEFAULT);
}

int main(void)
{
    uv_loop_init(&loop);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_define_lookup_undefine, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clashes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readonly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_network, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bridge_for, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_events, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    uv_loop_close(&loop);
    return rc;
}
