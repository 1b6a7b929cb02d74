/* The table of the host network driver, and what the hypervisor driver asks
 * of it at domain start (lv_network_bridge_for). */
#include "network/network_driver.h"

#include <string.h>

#include "core/alloc.h"
#include "network/network_run.h"

const lv_network_driver lv_host_network_driver = {
    .list = lv__net_list,
    .lookup = lv__net_lookup,
    .define_xml = lv__net_define_xml,
    .create_xml = lv__net_create_xml,
    .undefine = lv__net_undefine,
    .start = lv__net_start,
    .destroy = lv__net_destroy,
    .set_autostart = lv__net_set_autostart,
    .get_xml = lv__net_get_xml,
    .update = lv__net_update,
    .dhcp_leases = lv__net_dhcp_leases,
    .watch_events = lv__net_watch,
};

void lv__net_conn_release(lv_conn *conn)
{
    lv__net_watch(conn, false); /* network_priv is the watch, if any */
}

int lv_network_bridge_for(lv_conn *c, const char *network, char **bridge, lv_error *err)
{
    *bridge = NULL;
    lv__net_set set;
    if (!network || !*network)
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "an interface of type 'network' needs "
                            "<source network='...'/>");
    if (lv__net_ensure_default(c, err) < 0 || lv__net_scan(c, &set, err) < 0)
        return -1;
    lv__net_obj *o = lv__net_find(&set, LV_LOOKUP_NAME, network);
    int rc = 0;
    if (!o)
        rc = lv__net_not_found(err, "name", network);
    else if (!o->live)
        rc = lv_error_set(err, LV_ERR_OPERATION_INVALID,
                          "network '%s' is not active (net-start %s)", network, network);
    else
        *bridge = lv_strdup(o->live->bridge_name);
    lv__net_set_clear(&set);
    return rc;
}
