/* Private to lvconf: what network_conf.c and network_conf_check.c share. */
#ifndef LV_NETWORK_CONF_PRIV_H
#define LV_NETWORK_CONF_PRIV_H

#include "network_conf.h"
#include "xml_bind.h"

extern const lv__xb_elem lv__nc_dhcp_host_elem;

/* After the walk: libvirt's host-independent defaults and every check a table
 * cannot make (required parts, addresses, ranges inside the subnet). */
int lv__nc_post_parse(lv_network_def *def, lv_error *err);
/* One static DHCP host against def's subnet (not against the other hosts). */
int lv__nc_check_dhcp_host(const lv_network_def *def, const lv_network_dhcp_host *host,
                           lv_error *err);

#endif
