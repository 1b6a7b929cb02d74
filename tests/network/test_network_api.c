/* The network entry points (drivers/network/network_api.c): what a driver
 * without networks (the test driver) answers for each, and that nothing
 * reaches a driver with a missing argument. */
#include "net_test_helpers.h"

static const unsigned char some_uuid[LV_UUID_LEN] = {1, 2, 3};

static void test_driver_without_networks(void **state)
{
    (void)state;
    lv_conn *c = open_ok("test:///default");
    assert_fails(net_list(c, 0, NULL), LV_ERR_NO_SUPPORT,
                 "listing networks is not supported "
                 "by the test driver");
    assert_fails(net_lookup(c, "default", NULL), LV_ERR_NO_SUPPORT, "network lookup");
    assert_fails(net_define(c, "<network/>", NULL), LV_ERR_NO_SUPPORT, "net-define");
    assert_fails(net_create(c, "<network/>", NULL), LV_ERR_NO_SUPPORT, "net-create");
    assert_fails(op(lv_net_undefine, c, some_uuid, 0), LV_ERR_NO_SUPPORT, "net-undefine");
    assert_fails(op(lv_net_start, c, some_uuid, 0), LV_ERR_NO_SUPPORT, "net-start");
    assert_fails(op(lv_net_destroy, c, some_uuid, 0), LV_ERR_NO_SUPPORT, "net-destroy");
    assert_fails(net_autostart(c, some_uuid, true), LV_ERR_NO_SUPPORT, "net-autostart");
    assert_fails(net_get_xml(c, some_uuid, 0, NULL), LV_ERR_NO_SUPPORT, "net-dumpxml");
    assert_fails(net_update(c, some_uuid, LV_NET_UPDATE_ADD_LAST, "ip-dhcp-host", "<host/>", 0),
                 LV_ERR_NO_SUPPORT, "net-update");
    assert_fails(net_leases(c, some_uuid, NULL, NULL), LV_ERR_NO_SUPPORT, "net-dhcp-leases");
    lv_conn_close(c);
}

static int events_seen;
static void count_event(void *opaque, lv_conn *conn, const lv_net_info *net, int event, int detail)
{
    (void)opaque, (void)conn, (void)net, (void)event, (void)detail;
    events_seen++;
}

/* Setting and clearing a handler is allowed on any connection; closing the
 * connection with one set releases it. */
static void test_event_handler(void **state)
{
    (void)state;
    lv_conn *c = open_ok("test:///default");
    lv_conn_set_network_event_handler(c, count_event, NULL);
    assert_ptr_equal(c->net_event_opaque, NULL);
    assert_non_null(c->net_event_cb);
    lv_conn_set_network_event_handler(c, NULL, NULL);
    assert_null(c->net_event_cb);
    lv_conn_set_network_event_handler(c, count_event, NULL);
    lv_conn_close(c);
    assert_int_equal(events_seen, 0);
}

static void test_free_functions_take_null(void **state)
{
    (void)state;
    lv_net_info_free(NULL);
    lv_net_list_free(NULL);
    lv_net_lease_list_free(NULL);
    lv_net_info_clear(NULL);
}

int main(void)
{
    uv_loop_init(&loop);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_driver_without_networks),
        cmocka_unit_test(test_event_handler),
        cmocka_unit_test(test_free_functions_take_null),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    uv_loop_close(&loop);
    return rc;
}
