/* net-dhcp-leases: dnsmasq's own lease file (dhcp-leasefile=RUN/NAME.leases),
 * one lease a line: "EXPIRY MAC IP HOSTNAME CLIENTID", '*' for none, EXPIRY 0
 * for a lease that never ends. dnsmasq rewrites the file as a whole, so a
 * reader sees whole lines. Leases already expired are left out. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/alloc.h"
#include "core/files.h"
#include "network/network_run.h"

static char *field_or_null(const char *s)
{
    return s && strcmp(s, "*") ? lv_strdup(s) : NULL;
}

/* Fills list from the lease file's text. */
static void parse_leases(char *text, const lv_network_def *def, const char *mac,
                         lv_net_lease_list *list)
{
    lv_ipv4_subnet s = {0};
    lv_network_def_subnet(def, &s);
    time_t now = time(NULL);
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[5] = {0}, *fsave = NULL;
        size_t n = 0;
        for (char *w = strtok_r(line, " \t", &fsave); w && n < 5; w = strtok_r(NULL, " \t", &fsave))
            f[n++] = w;
        uint32_t addr;
        if (n < 4 || !isdigit((unsigned char)f[0][0]) || lv_ipv4_parse(f[2], &addr) < 0)
            continue; /* IPv6 ("duid") lines and anything unexpected */
        int64_t expiry = strtoll(f[0], NULL, 10);
        if (expiry != 0 && expiry < (int64_t)now)
            continue;
        if (mac && strcasecmp(mac, f[1]))
            continue;
        list->items = lv_realloc(list->items, (list->count + 1) * sizeof(*list->items));
        lv_net_lease *l = &list->items[list->count++];
        memset(l, 0, sizeof(*l));
        l->iface = lv_strdup(def->bridge_name);
        l->expiry = expiry;
        l->mac = lv_strdup(f[1]);
        l->ipaddr = lv_strdup(f[2]);
        l->prefix = s.prefix;
        l->hostname = field_or_null(f[3]);
        l->clientid = field_or_null(f[4]);
    }
}

void lv__net_dhcp_leases(lv_conn *c, const unsigned char *uuid, const char *mac, unsigned flags,
                         lv_net_lease_list_cb cb, void *opaque)
{
    (void)flags;
    lv_error err;
    lv__net_set set;
    lv__net_obj *o = lv__net_scan_uuid(c, &set, uuid, &err);
    if (!o) {
        cb(opaque, NULL, &err);
        return;
    }
    lv_net_lease_list *list = LV_NEW(lv_net_lease_list);
    if (o->live) { /* an inactive network has no leases, as libvirt's */
        char *path = lv__net_run_path(c, o->live->name, ".leases");
        char *text = NULL;
        size_t len;
        if (lv_file_read_all(path, &text, &len, NULL) == 0)
            parse_leases(text, o->live, mac, list);
        free(text);
        free(path);
    }
    lv__net_set_clear(&set);
    cb(opaque, list, NULL);
}
