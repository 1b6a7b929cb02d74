/* net-update of ip-dhcp-host (add-first, add-last, delete, modify) on the
 * persistent definition and/or the running network. Live, the running
 * definition and dnsmasq's hosts file are rewritten and dnsmasq re-reads it
 * on SIGHUP. A host is found by its MAC, or by its name when it has none. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "network/network_run.h"

typedef struct update_call {
    lv_conn *conn;
    unsigned char uuid[LV_UUID_LEN];
    lv_net_update_command command;
    char *section, *xml;
    int parent_index;
    unsigned flags;
    lv_done_cb cb;
    void *opaque;
} update_call;

static bool same_host(const lv_network_dhcp_host *a, const lv_network_dhcp_host *b)
{
    if (a->mac || b->mac)
        return a->mac && b->mac && !strcmp(a->mac, b->mac);
    return a->name && b->name && !strcmp(a->name, b->name);
}

static const char *host_label(const lv_network_dhcp_host *h)
{
    return h->mac ? h->mac : h->name;
}

/* Applies the change to def (which must have an <ip>); takes host on success. */
static int apply(lv_network_def *def, lv_net_update_command command, lv_network_dhcp_host *host,
                 lv_error *err)
{
    lv_network_ip *ip = &def->ips[0];
    size_t at = ip->nhosts;
    for (size_t i = 0; i < ip->nhosts; i++) {
        if (same_host(&ip->hosts[i], host))
            at = i;
    }
    switch (command) {
    case LV_NET_UPDATE_ADD_FIRST:
    case LV_NET_UPDATE_ADD_LAST:
        if (at < ip->nhosts)
            return lv_error_set(err, LV_ERR_OPERATION_INVALID,
                                "network '%s' already has a DHCP host %s (modify changes it)",
                                def->name, host_label(host));
        ip->hosts = lv_realloc(ip->hosts, (ip->nhosts + 1) * sizeof(*ip->hosts));
        if (command == LV_NET_UPDATE_ADD_FIRST) {
            memmove(ip->hosts + 1, ip->hosts, ip->nhosts * sizeof(*ip->hosts));
            ip->hosts[0] = *host;
        } else {
            ip->hosts[ip->nhosts] = *host;
        }
        ip->nhosts++;
        break;
    case LV_NET_UPDATE_DELETE:
    case LV_NET_UPDATE_MODIFY:
        if (at == ip->nhosts)
            return lv_error_set(err, LV_ERR_OPERATION_INVALID, "network '%s' has no DHCP host %s",
                                def->name, host_label(host));
        lv_network_dhcp_host_clear(&ip->hosts[at]);
        if (command == LV_NET_UPDATE_MODIFY) {
            ip->hosts[at] = *host;
        } else {
            memmove(ip->hosts + at, ip->hosts + at + 1, (ip->nhosts - at - 1) * sizeof(*ip->hosts));
            ip->nhosts--;
            lv_network_dhcp_host_clear(host);
        }
        break;
    }
    memset(host, 0, sizeof(*host));
    ip->dhcp = ip->nhosts > 0 || ip->nranges > 0;
    return lv_network_def_check_dhcp_hosts(def, err);
}

/* Parses the host against def and applies the change to def. */
static int update_def(lv_network_def *def, const update_call *u, lv_error *err)
{
    lv_network_dhcp_host host;
    if (lv_network_dhcp_host_parse_xml(u->xml, def, &host, err) < 0)
        return -1;
    int rc = apply(def, u->command, &host, err);
    lv_network_dhcp_host_clear(&host);
    return rc;
}

static int update_live(lv_conn *c, lv__net_obj *o, const update_call *u, lv_error *err)
{
    lv_network_def *def = lv_network_def_copy(o->live);
    int rc = -1;
    if (!o->live->nips || !o->live->ips[0].dhcp) {
        lv_error_set(err, LV_ERR_OPERATION_INVALID,
                     "network '%s' runs without DHCP: add <dhcp> to its definition and restart "
                     "it to change DHCP hosts",
                     def->name);
        goto out;
    }
    char *path = lv__net_run_path(c, def->name, ".xml");
    if (update_def(def, u, err) == 0 && lv__net_write_def(path, def, err) == 0 &&
        lv__net_write_dnsmasq_hosts(c, def, err) == 0) {
        pid_t pid = lv__net_dnsmasq_pid(c, def->name);
        rc = 0;
        if (pid > 0 && kill(pid, SIGHUP) < 0)
            rc = lv_error_set_errno(err, errno, "network '%s': cannot signal dnsmasq", def->name);
    }
    free(path);
out:
    lv_network_def_free(def);
    return rc;
}

static void finish(update_call *u, int lock_fd, const lv_error *err)
{
    lv__net_unlock(lock_fd);
    lv_done_cb cb = u->cb;
    void *opaque = u->opaque;
    free(u->section);
    free(u->xml);
    free(u);
    cb(opaque, err);
}

static void update_locked(void *opaque, int lock_fd, const lv_error *lock_err)
{
    update_call *u = opaque;
    lv_conn *c = u->conn;
    lv_error err;
    lv__net_set set;
    if (lock_err) {
        finish(u, lock_fd, lock_err);
        return;
    }
    lv__net_obj *o = lv__net_scan_uuid(c, &set, u->uuid, &err);
    if (!o) {
        finish(u, lock_fd, &err);
        return;
    }
    const char *name = lv__net_obj_def(o)->name;
    bool live = u->flags & LV_NET_UPDATE_LIVE, config = u->flags & LV_NET_UPDATE_CONFIG;
    if (!live && !config) { /* "current": the running network when there is one */
        live = o->live != NULL;
        config = !live;
    }
    int rc = 0;
    if (live && !o->live)
        rc =
            lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                         "network '%s' is not active: a live update needs a running network", name);
    else if (config && !o->config)
        rc = lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                          "network '%s' is transient: it has no persistent definition to update",
                          name);
    else if (!lv__net_obj_def(o)->nips)
        rc = lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                          "network '%s' has no <ip>: DHCP hosts need an address", name);

    /* Both definitions are checked before either is written. */
    lv_network_def *cfg = NULL;
    if (rc == 0 && config) {
        cfg = lv_network_def_copy(o->config);
        rc = update_def(cfg, u, &err);
    }
    if (rc == 0 && live)
        rc = update_live(c, o, u, &err);
    if (rc == 0 && cfg) {
        char *path = lv__net_config_path(c, name);
        rc = lv__net_write_def(path, cfg, &err);
        free(path);
    }
    lv_network_def_free(cfg);
    lv__net_set_clear(&set);
    finish(u, lock_fd, rc < 0 ? &err : NULL);
}

void lv__net_update(lv_conn *c, const unsigned char *uuid, lv_net_update_command command,
                    const char *section, int parent_index, const char *xml, unsigned flags,
                    lv_done_cb cb, void *opaque)
{
    lv_error err;
    if (strcmp(section, "ip-dhcp-host")) {
        lv_error_set(&err, LV_ERR_CONFIG_UNSUPPORTED,
                     "unsupported configuration: net-update of section '%s' is not supported "
                     "(only ip-dhcp-host)",
                     section);
        cb(opaque, &err);
        return;
    }
    if (parent_index > 0) {
        lv_error_set(&err, LV_ERR_INVALID_ARG,
                     "net-update: there is no <ip> number %d (a network has one)", parent_index);
        cb(opaque, &err);
        return;
    }
    if (flags & ~(unsigned)(LV_NET_UPDATE_LIVE | LV_NET_UPDATE_CONFIG)) {
        lv_error_set(&err, LV_ERR_INVALID_ARG, "net-update: unknown flags 0x%x", flags);
        cb(opaque, &err);
        return;
    }
    update_call *u = LV_NEW(update_call);
    u->conn = c;
    memcpy(u->uuid, uuid, LV_UUID_LEN);
    u->command = command;
    u->section = lv_strdup(section);
    u->xml = lv_strdup(xml);
    u->parent_index = parent_index;
    u->flags = flags;
    u->cb = cb;
    u->opaque = opaque;
    lv__net_lock(c, update_locked, u);
}
