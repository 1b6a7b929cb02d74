/* The host's virtual network driver: networks kept in the connection's scope
 * folders (conn->scope.network_config / network_run), bridges, dnsmasq and
 * nftables on the host. A hypervisor driver that fills conn->scope points its
 * .network at it. */
#ifndef LV_NETWORK_DRIVER_H
#define LV_NETWORK_DRIVER_H

#include "network.h"

extern const lv_network_driver lv_host_network_driver;

#endif
