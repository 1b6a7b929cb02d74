/* What the files of the host network driver share (not for other parts).
 *
 * Files of a scope (conn->scope):
 *   CONFIG/NAME.xml            persistent definition
 *   CONFIG/autostart/NAME.xml  symlink: start with the first connection
 *   CONFIG/.default-done       the "default" network was defined once (so an
 *                              undefined default stays undefined)
 *   RUN/NAME.xml               live definition: present while the network is
 *                              active (the only state a transient network has)
 *   RUN/NAME.dnsmasq.conf, NAME.hostsfile, NAME.addnhosts, NAME.leases,
 *   NAME.pid                   dnsmasq's files (network_dnsmasq.c)
 *   RUN/NAME.nft               the ruleset loaded into nftables
 *   RUN/.lock                  flock of mutating operations of the scope
 *
 *   network_api.c      checked entry points, results, events
 *   network_driver.c   the table
 *   network_store.c    reading the files above: scan, find, info, write
 *   network_define.c   list, lookup, define, undefine, dumpxml, autostart
 *   network_default.c  the "default" network
 *   network_dnsmasq.c  definition -> dnsmasq config (pure)
 *   network_nft.c      definition -> nft ruleset (pure)
 *   network_proc.c     child processes (uv_spawn) for ip, nft, dnsmasq
 *   network_start.c    net-start, net-create; network_stop.c net-destroy
 *   network_leases.c   dnsmasq's lease file -> lv_net_lease_list
 *   network_update.c   net-update of ip-dhcp-host
 *   network_watch.c    other processes' changes as events */
#ifndef LV_NETWORK_PRIV_H
#define LV_NETWORK_PRIV_H

#include "conf/network_conf.h"
#include "network.h"

/* Hands an event to the connection's network event handler, if any. */
void lv__net_emit_event(lv_conn *conn, const lv_net_info *net, int event, int detail);
/* Releases conn->network_priv (lv_network_conn_close). */
void lv__net_conn_release(lv_conn *conn);

/* network_watch.c: other processes' changes as events (conn->network_priv
 * while a handler is set). */
void lv__net_watch(lv_conn *c, bool on);
/* After an own operation's event: what the watch knows is read again. */
void lv__net_watch_refresh(lv_conn *c);

/* ---- network_store.c -------------------------------------------------------- */

typedef struct lv__net_obj {
    lv_network_def *config; /* the persistent definition; NULL: transient */
    lv_network_def *live;   /* the running one; NULL: inactive */
    bool autostart;
} lv__net_obj;

typedef struct lv__net_set {
    size_t count;
    lv__net_obj *items;
} lv__net_set;

/* The definition that describes obj now: the live one when active. */
static inline const lv_network_def *lv__net_obj_def(const lv__net_obj *o)
{
    return o->live ? o->live : o->config;
}

/* Fails with one line when the connection has no network folders. */
int lv__net_check_scope(lv_conn *c, lv_error *err);
/* CONFIG/NAME.xml, CONFIG/autostart/NAME.xml, RUN/NAMEsuffix (malloc'd). */
char *lv__net_config_path(lv_conn *c, const char *name);
char *lv__net_autostart_path(lv_conn *c, const char *name);
char *lv__net_run_path(lv_conn *c, const char *name, const char *suffix);
/* Creates the folders on first use. */
int lv__net_ensure_dirs(lv_conn *c, lv_error *err);

/* Reads every network of the scope (unreadable files are skipped). */
int lv__net_scan(lv_conn *c, lv__net_set *set, lv_error *err);
void lv__net_set_clear(lv__net_set *set);
/* By name, by uuid, or (LV_LOOKUP_ANY) a uuid when key parses as one, else a name. */
lv__net_obj *lv__net_find(lv__net_set *set, lv_lookup_by by, const char *key);
lv__net_obj *lv__net_find_uuid(lv__net_set *set, const unsigned char *uuid);
/* Fills err with "no network with matching ...". */
int lv__net_not_found(lv_error *err, const char *what, const char *key);
/* Scans and finds by uuid, or fails (*set cleared). */
lv__net_obj *lv__net_scan_uuid(lv_conn *c, lv__net_set *set, const unsigned char *uuid,
                               lv_error *err);

lv_net_info *lv__net_info_new(const lv__net_obj *obj);
void lv__net_info_fill(const lv__net_obj *obj, lv_net_info *out);

/* Writes def's XML to path atomically (0600 persistent, 0600 live). */
int lv__net_write_def(const char *path, const lv_network_def *def, lv_error *err);

/* The scope's lock of mutating operations, polled without blocking the loop. */
typedef void (*lv__net_lock_cb)(void *opaque, int lock_fd, const lv_error *err);
void lv__net_lock(lv_conn *c, lv__net_lock_cb cb, void *opaque);
void lv__net_unlock(int lock_fd);

/* ---- network_define.c -------------------------------------------------------- */

/* Fills what define leaves to the driver: uuid, mac, bridge name (first free
 * virbrN among the other networks and the host's links). */
int lv__net_fill_generated(lv__net_set *set, lv_network_def *def, lv_error *err);
/* The clashes define and create refuse: name/uuid of another network, bridge
 * name of another network. */
int lv__net_check_clashes(lv__net_set *set, const lv_network_def *def, lv_error *err);

/* CONFIG/autostart/NAME.xml -> ../NAME.xml */
int lv__net_autostart_link(lv_conn *c, const char *name, lv_error *err);

void lv__net_list(lv_conn *c, unsigned flags, lv_net_list_cb cb, void *opaque);
void lv__net_lookup(lv_conn *c, lv_lookup_by by, const char *key, lv_net_cb cb, void *opaque);
void lv__net_define_xml(lv_conn *c, const char *xml, unsigned flags, lv_net_cb cb, void *opaque);
void lv__net_undefine(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                      void *opaque);
void lv__net_get_xml(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_string_cb cb,
                     void *opaque);
void lv__net_set_autostart(lv_conn *c, const unsigned char *uuid, bool autostart, lv_done_cb cb,
                           void *opaque);

/* ---- network_default.c --------------------------------------------------------- */

/* In the system scope, defines "default" the first time networks are looked
 * at (called under the lock or before any lookup). */
int lv__net_ensure_default(lv_conn *c, lv_error *err);

#endif
