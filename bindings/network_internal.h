/* Shared between the network binding files (l_network.c, l_network_calls.c)
 * and the events hub (l_events.c). */
#ifndef LV_BINDINGS_NETWORK_INTERNAL_H
#define LV_BINDINGS_NETWORK_INTERNAL_H

#include "internal.h"
#include "network.h"

#define LV_NETWORK_MT "luvirt.Network"
#define LV_NET_SUBSCRIPTION_MT "luvirt.NetworkSubscription"

/* ---- l_network.c ---- */
/* Pushes a Network for info (name and uuid used) on the connection at conn_idx. */
void lv__network_push(lua_State *L, int conn_idx, const lv_net_info *info);
/* The uuid of the Network at idx (checked). */
const unsigned char *lv__network_uuid(lua_State *L, int idx);

/* ---- l_network_calls.c: driver results -> lv_call (r.ptr) ---- */
void lv__call_net_cb(void *opaque, lv_net_info *info, const lv_error *err);
void lv__call_net_list_cb(void *opaque, lv_net_list *list, const lv_error *err);
void lv__call_lease_list_cb(void *opaque, lv_net_lease_list *list, const lv_error *err);
/* Pushes the table net:info() returns. */
void lv__net_info_push(lua_State *L, const lv_net_info *info);
/* Pushes the list net:leases() returns. */
void lv__lease_list_push(lua_State *L, const lv_net_lease_list *list);

/* ---- l_events.c ---- */
/* net:on("lifecycle", fn) */
int lv__l_net_on(lua_State *L);

#endif
