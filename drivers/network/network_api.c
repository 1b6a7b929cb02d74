/* The network entry points the bindings and other drivers call: an
 * operation the driver lacks, or a write on a read-only connection, fails
 * here, once, for every driver (as driver.c does for domains). Also the
 * result free functions and the connection's network event handler. */
#include "network.h"

#include <stdlib.h>
#include <string.h>

#include "network/network_priv.h"

/* ---- results ------------------------------------------------------------- */

void lv_net_info_clear(lv_net_info *info)
{
    if (!info)
        return;
    free(info->name);
    free(info->bridge);
    free(info->forward_mode);
    memset(info, 0, sizeof(*info));
}

void lv_net_info_free(lv_net_info *info)
{
    lv_net_info_clear(info);
    free(info);
}

void lv_net_list_free(lv_net_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        lv_net_info_clear(&list->items[i]);
    free(list->items);
    free(list);
}

static void lease_clear(lv_net_lease *l)
{
    free(l->iface);
    free(l->mac);
    free(l->ipaddr);
    free(l->hostname);
    free(l->clientid);
    memset(l, 0, sizeof(*l));
}

void lv_net_lease_list_free(lv_net_lease_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        lease_clear(&list->items[i]);
    free(list->items);
    free(list);
}

/* ---- events ------------------------------------------------------------- */

void lv_conn_set_network_event_handler(lv_conn *conn, lv_net_event_cb cb, void *opaque)
{
    bool was = conn->net_event_cb != NULL;
    const lv_network_driver *nd = conn->driver->network;
    conn->net_event_cb = cb;
    conn->net_event_opaque = opaque;
    if (was != (cb != NULL) && nd && nd->watch_events)
        nd->watch_events(conn, cb != NULL);
}

void lv__net_emit_event(lv_conn *conn, const lv_net_info *net, int event, int detail)
{
    if (!conn || !conn->net_event_cb)
        return;
    conn->net_event_cb(conn->net_event_opaque, conn, net, event, detail);
    /* the watch knows this change now: it is not told again */
    lv__net_watch_refresh(conn);
}

/* ---- checked dispatch --------------------------------------------------- */

#define NET(c) ((c)->driver->network)
#define NETFN(c, f) (NET(c) ? NET(c)->f : NULL)

static bool bad_uuid(const unsigned char *uuid, const char *op, lv_error *err)
{
    if (uuid)
        return false;
    lv_error_set(err, LV_ERR_INVALID_ARG, "%s: no network given", op);
    return true;
}

void lv_net_list_all(lv_conn *c, unsigned flags, lv_net_list_cb cb, void *opaque)
{
    lv_error err;
    if (lv_conn_refuses(c, NETFN(c, list), "listing networks", false, &err)) {
        cb(opaque, NULL, &err);
        return;
    }
    NET(c)->list(c, flags, cb, opaque);
}

void lv_net_lookup(lv_conn *c, lv_lookup_by by, const char *key, lv_net_cb cb, void *opaque)
{
    lv_error err;
    if (lv_conn_refuses(c, NETFN(c, lookup), "network lookup", false, &err)) {
        cb(opaque, NULL, &err);
        return;
    }
    if (!key || !*key) {
        lv_error_set(&err, LV_ERR_INVALID_ARG, "network lookup: no name or uuid given");
        cb(opaque, NULL, &err);
        return;
    }
    NET(c)->lookup(c, by, key, cb, opaque);
}

void lv_net_define_xml(lv_conn *c, const char *xml, unsigned flags, lv_net_cb cb, void *opaque)
{
    lv_error err;
    if (lv_conn_refuses(c, NETFN(c, define_xml), "net-define", true, &err)) {
        cb(opaque, NULL, &err);
        return;
    }
    if (!xml) {
        lv_error_set(&err, LV_ERR_INVALID_ARG, "net-define: no XML given");
        cb(opaque, NULL, &err);
        return;
    }
    NET(c)->define_xml(c, xml, flags, cb, opaque);
}

void lv_net_create_xml(lv_conn *c, const char *xml, unsigned flags, lv_net_cb cb, void *opaque)
{
    lv_error err;
    if (lv_conn_refuses(c, NETFN(c, create_xml), "net-create", true, &err)) {
        cb(opaque, NULL, &err);
        return;
    }
    if (!xml) {
        lv_error_set(&err, LV_ERR_INVALID_ARG, "net-create: no XML given");
        cb(opaque, NULL, &err);
        return;
    }
    NET(c)->create_xml(c, xml, flags, cb, opaque);
}

#define NET_UUID_OP(fname, field, label)                                                           \
    void fname(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb, void *opaque) \
    {                                                                                              \
        lv_error err;                                                                              \
        if (lv_conn_refuses(c, NETFN(c, field), label, true, &err) ||                              \
            bad_uuid(uuid, label, &err)) {                                                         \
            cb(opaque, &err);                                                                      \
            return;                                                                                \
        }                                                                                          \
        NET(c)->field(c, uuid, flags, cb, opaque);                                                 \
    }

NET_UUID_OP(lv_net_undefine, undefine, "net-undefine")
NET_UUID_OP(lv_net_start, start, "net-start")
NET_UUID_OP(lv_net_destroy, destroy, "net-destroy")

void lv_net_set_autostart(lv_conn *c, const unsigned char *uuid, bool autostart, lv_done_cb cb,
                          void *opaque)
{
    lv_error err;
    if (lv_conn_refuses(c, NETFN(c, set_autostart), "net-autostart", true, &err) ||
        bad_uuid(uuid, "net-autostart", &err)) {
        cb(opaque, &err);
        return;
    }
    NET(c)->set_autostart(c, uuid, autostart, cb, opaque);
}

void lv_net_get_xml(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_string_cb cb,
                    void *opaque)
{
    lv_error err;
    if (lv_conn_refuses(c, NETFN(c, get_xml), "net-dumpxml", false, &err) ||
        bad_uuid(uuid, "net-dumpxml", &err)) {
        cb(opaque, NULL, &err);
        return;
    }
    NET(c)->get_xml(c, uuid, flags, cb, opaque);
}

void lv_net_update(lv_conn *c, const unsigned char *uuid, lv_net_update_command command,
                   const char *section, int parent_index, const char *xml, unsigned flags,
                   lv_done_cb cb, void *opaque)
{
    lv_error err;
    if (lv_conn_refuses(c, NETFN(c, update), "net-update", true, &err) ||
        bad_uuid(uuid, "net-update", &err)) {
        cb(opaque, &err);
        return;
    }
    if (!section || !xml) {
        lv_error_set(&err, LV_ERR_INVALID_ARG, "net-update: no section or XML given");
        cb(opaque, &err);
        return;
    }
    if (command < LV_NET_UPDATE_ADD_LAST || command > LV_NET_UPDATE_MODIFY) {
        lv_error_set(&err, LV_ERR_INVALID_ARG, "net-update: unknown command %d", (int)command);
        cb(opaque, &err);
        return;
    }
    NET(c)->update(c, uuid, command, section, parent_index, xml, flags, cb, opaque);
}

void lv_net_dhcp_leases(lv_conn *c, const unsigned char *uuid, const char *mac, unsigned flags,
                        lv_net_lease_list_cb cb, void *opaque)
{
    lv_error err;
    if (lv_conn_refuses(c, NETFN(c, dhcp_leases), "net-dhcp-leases", false, &err) ||
        bad_uuid(uuid, "net-dhcp-leases", &err)) {
        cb(opaque, NULL, &err);
        return;
    }
    NET(c)->dhcp_leases(c, uuid, mac, flags, cb, opaque);
}

/* ---- connection ----------------------------------------------------------- */

void lv_network_conn_close(lv_conn *conn)
{
    lv_conn_set_network_event_handler(conn, NULL, NULL);
    lv__net_conn_release(conn);
}
