/* The table of the host network driver. Operations are filled in as they
 * land; a NULL entry is refused by the entry points as not supported. */
#include "network/network_driver.h"

#include "network/network_priv.h"

const lv_network_driver lv_host_network_driver = {
    .list = NULL,
};

void lv__net_conn_release(lv_conn *conn)
{
    (void)conn;
}

int lv_network_bridge_for(lv_conn *c, const char *network, char **bridge, lv_error *err)
{
    (void)c;
    *bridge = NULL;
    return lv_error_set(err, LV_ERR_NO_SUPPORT, "network '%s': virtual networks are not "
                        "supported yet", network ? network : "");
}
