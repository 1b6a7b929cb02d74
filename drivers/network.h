/* The network driver interface: virtual networks (libvirt's formatnetwork).
 * Same conventions as driver.h: asynchronous tables of function pointers,
 * each completing through its callback exactly once (possibly before
 * returning); a NULL entry means "not supported"; the lv_* entry points check
 * that and refuse mutating calls on read-only connections, once for every
 * driver. Results handed to a callback belong to it (free with lv_*_free).
 *
 * Networks are addressed by UUID. The owner of this file is the network
 * driver (drivers/network/). */
#ifndef LV_NETWORK_H
#define LV_NETWORK_H

#include "driver.h"

/* ---- results ----------------------------------------------------------- */

typedef struct lv_net_info {
    char *name;
    unsigned char uuid[LV_UUID_LEN];
    bool active;
    bool persistent;
    bool autostart;
    char *bridge;       /* the host bridge's name (NULL: none yet) */
    char *forward_mode; /* "nat", "route", "open", "bridge", NULL: isolated */
} lv_net_info;

typedef struct lv_net_list {
    size_t count;
    lv_net_info *items;
} lv_net_list;

/* One DHCP lease, as virsh net-dhcp-leases shows it. */
typedef struct lv_net_lease {
    char *iface;    /* the network's bridge */
    int64_t expiry; /* seconds since the epoch; 0: never */
    char *mac;
    char *ipaddr;   /* "192.168.122.45" */
    unsigned prefix;
    char *hostname; /* NULL: none */
    char *clientid; /* NULL: none */
} lv_net_lease;

typedef struct lv_net_lease_list {
    size_t count;
    lv_net_lease *items;
} lv_net_lease_list;

void lv_net_info_clear(lv_net_info *info);
void lv_net_info_free(lv_net_info *info);
void lv_net_list_free(lv_net_list *list);
void lv_net_lease_list_free(lv_net_lease_list *list);

/* Takes ownership of the result (NULL on error). */
typedef void (*lv_net_cb)(void *opaque, lv_net_info *info, const lv_error *err);
typedef void (*lv_net_list_cb)(void *opaque, lv_net_list *list, const lv_error *err);
typedef void (*lv_net_lease_list_cb)(void *opaque, lv_net_lease_list *list,
                                     const lv_error *err);

/* ---- flags -------------------------------------------------------------- */

enum { /* net_list: both or neither of ACTIVE/INACTIVE means all */
    LV_NET_LIST_ACTIVE = 1 << 0,
    LV_NET_LIST_INACTIVE = 1 << 1,
};

enum { /* net_get_xml */
    LV_NET_XML_INACTIVE = 1 << 0,
};

enum { /* net_destroy */
    LV_NET_DESTROY_FORCE = 1 << 0, /* even while running guests use it */
};

/* net_update: what and how, as virsh net-update's command and section. */
typedef enum lv_net_update_command {
    LV_NET_UPDATE_ADD_LAST = 0,
    LV_NET_UPDATE_ADD_FIRST,
    LV_NET_UPDATE_DELETE,
    LV_NET_UPDATE_MODIFY,
} lv_net_update_command;

enum { /* net_update flags (as VIR_NETWORK_UPDATE_AFFECT_*; neither: current) */
    LV_NET_UPDATE_LIVE = 1 << 0,
    LV_NET_UPDATE_CONFIG = 1 << 1,
};

/* ---- network lifecycle events ------------------------------------------ */

typedef enum lv_net_event { /* as VIR_NETWORK_EVENT_* */
    LV_NET_EVENT_DEFINED = 0,
    LV_NET_EVENT_UNDEFINED,
    LV_NET_EVENT_STARTED,
    LV_NET_EVENT_STOPPED,
} lv_net_event;

/* ---- the table ---------------------------------------------------------- */

struct lv_network_driver {
    void (*list)(lv_conn *c, unsigned flags, lv_net_list_cb cb, void *opaque);
    /* by: LV_LOOKUP_ANY (uuid if it parses, else name), _NAME, _UUID. */
    void (*lookup)(lv_conn *c, lv_lookup_by by, const char *key, lv_net_cb cb, void *opaque);
    void (*define_xml)(lv_conn *c, const char *xml, unsigned flags, lv_net_cb cb,
                       void *opaque);
    void (*create_xml)(lv_conn *c, const char *xml, unsigned flags, lv_net_cb cb,
                       void *opaque);
    void (*undefine)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                     void *opaque);
    void (*start)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                  void *opaque);
    void (*destroy)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                    void *opaque);
    void (*set_autostart)(lv_conn *c, const unsigned char *uuid, bool autostart, lv_done_cb cb,
                          void *opaque);
    void (*get_xml)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_string_cb cb,
                    void *opaque);
    /* section: "ip-dhcp-host" (others refused, naming them); xml: the element. */
    void (*update)(lv_conn *c, const unsigned char *uuid, lv_net_update_command command,
                   const char *section, int parent_index, const char *xml, unsigned flags,
                   lv_done_cb cb, void *opaque);
    /* mac NULL: all leases. */
    void (*dhcp_leases)(lv_conn *c, const unsigned char *uuid, const char *mac, unsigned flags,
                        lv_net_lease_list_cb cb, void *opaque);
    /* Starts (on) or stops watching for other processes' changes, so their
     * events reach the handler too; called when a network event handler is
     * set or removed. May be NULL (own operations' events only). */
    void (*watch_events)(lv_conn *c, bool on);
};

/* ---- entry points (checked, as driver.c's) ------------------------------ */

void lv_net_list_all(lv_conn *c, unsigned flags, lv_net_list_cb cb, void *opaque);
void lv_net_lookup(lv_conn *c, lv_lookup_by by, const char *key, lv_net_cb cb, void *opaque);
void lv_net_define_xml(lv_conn *c, const char *xml, unsigned flags, lv_net_cb cb,
                       void *opaque);
void lv_net_create_xml(lv_conn *c, const char *xml, unsigned flags, lv_net_cb cb,
                       void *opaque);
void lv_net_undefine(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                     void *opaque);
void lv_net_start(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                  void *opaque);
void lv_net_destroy(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                    void *opaque);
void lv_net_set_autostart(lv_conn *c, const unsigned char *uuid, bool autostart, lv_done_cb cb,
                          void *opaque);
void lv_net_get_xml(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_string_cb cb,
                    void *opaque);
void lv_net_update(lv_conn *c, const unsigned char *uuid, lv_net_update_command command,
                   const char *section, int parent_index, const char *xml, unsigned flags,
                   lv_done_cb cb, void *opaque);
void lv_net_dhcp_leases(lv_conn *c, const unsigned char *uuid, const char *mac,
                        unsigned flags, lv_net_lease_list_cb cb, void *opaque);

/* One network event handler per connection (NULL: none), as
 * lv_conn_set_domain_event_handler: while one is set, the driver also
 * watches for other processes' changes and holds the loop. net is borrowed,
 * valid during the call. */
typedef void (*lv_net_event_cb)(void *opaque, lv_conn *conn, const lv_net_info *net,
                                int event, int detail);
void lv_conn_set_network_event_handler(lv_conn *conn, lv_net_event_cb cb, void *opaque);

/* For the hypervisor driver at domain start, for an <interface type='network'>
 * or type='bridge': the bridge to attach to (network: it must be active).
 * Synchronous (reads small state files). */
int lv_network_bridge_for(lv_conn *c, const char *network, char **bridge, lv_error *err);
/* A TAP device attached to bridge and up, for a guest NIC: returns its fd
 * (non-persistent: the device goes away when the last fd closes, so a qemu
 * that dies leaves nothing behind) and its name in *ifname (malloc'd).
 * ifname_template: "vnet%d" when NULL; a name without %d must not exist yet.
 * mtu 0: the bridge's. guest_mac (may be NULL): the host side gets it with
 * the first byte 0xFE, as libvirt. Needs CAP_NET_ADMIN. (network_tap.c) */
int lv_network_open_tap(const char *bridge, const char *ifname_template, unsigned mtu,
                        const char *guest_mac, char **ifname, lv_error *err);

/* Releases conn->network_priv; called by lv_conn_close. */
void lv_network_conn_close(lv_conn *conn);

#endif
