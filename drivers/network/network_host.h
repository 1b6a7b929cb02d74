/* The host's routes and links, as the network driver checks them. */
#ifndef LV_NETWORK_HOST_H
#define LV_NETWORK_HOST_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "conf/network_conf.h"

typedef struct lv__net_route {
    char iface[IF_NAMESIZE + 1];
    lv_ipv4_subnet subnet;
} lv__net_route;

/* The IPv4 routes of this network namespace other than the default route;
 * *out is malloc'd. -1 when /proc/net/route cannot be read. */
int lv__net_host_routes(lv__net_route **out, size_t *count);
/* Is there a link of that name in this network namespace? */
bool lv__net_link_exists(const char *name);

#endif
