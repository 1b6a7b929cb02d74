/* The network driver interface: virtual networks (libvirt's formatnetwork).
 * Same conventions as driver.h: asynchronous tables of function pointers, a
 * NULL entry means "not supported", the lv_* entry points check that and
 * read-only connections once for every driver. */
#ifndef LV_NETWORK_H
#define LV_NETWORK_H

#include "driver.h"

/* Releases conn->network_priv; called by lv_conn_close. */
void lv_network_conn_close(lv_conn *conn);

#endif
