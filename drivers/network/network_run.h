/* Running networks: start, destroy and their teardown, the guests that use
 * a network, dnsmasq's pid. Private to drivers/network. */
#ifndef LV_NETWORK_RUN_H
#define LV_NETWORK_RUN_H

#include <sys/types.h>

#include "network/network_priv.h"

/* network_stop.c */
typedef void (*lv__net_teardown_cb)(void *opaque);
/* Removes everything of the active network def from the host and the run
 * folder: its dnsmasq, nftables table, bridge (not a host bridge of forward
 * mode 'bridge'), files. Best effort, step by step; never fails. */
void lv__net_teardown(lv_conn *c, const lv_network_def *def, lv__net_teardown_cb cb, void *opaque);
/* The network's running dnsmasq (checked against its command line), or 0. */
pid_t lv__net_dnsmasq_pid(lv_conn *c, const char *name);
void lv__net_destroy(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                     void *opaque);

/* network_start.c */
void lv__net_start(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                   void *opaque);
void lv__net_create_xml(lv_conn *c, const char *xml, unsigned flags, lv_net_cb cb, void *opaque);
/* Writes dnsmasq's hosts files of def (start, and net-update of a live network). */
int lv__net_write_dnsmasq_hosts(lv_conn *c, const lv_network_def *def, lv_error *err);

/* network_users.c: users is "'vm1', 'vm2'" (NULL: none), the callee's to free. */
typedef void (*lv__net_users_cb)(void *opaque, char *users, const lv_error *err);
void lv__net_find_users(lv_conn *c, const char *network, const char *bridge, lv__net_users_cb cb,
                        void *opaque);

/* network_leases.c */
void lv__net_dhcp_leases(lv_conn *c, const unsigned char *uuid, const char *mac, unsigned flags,
                         lv_net_lease_list_cb cb, void *opaque);

/* network_update.c */
void lv__net_update(lv_conn *c, const unsigned char *uuid, lv_net_update_command command,
                    const char *section, int parent_index, const char *xml, unsigned flags,
                    lv_done_cb cb, void *opaque);

#endif
