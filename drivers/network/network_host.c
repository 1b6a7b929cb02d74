/* What the host already has that a network must not collide with: its IPv4
 * routes (/proc/net/route of the current network namespace) and its links. */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "network/network_host.h"

int lv__net_host_routes(lv__net_route **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    FILE *f = fopen("/proc/net/route", "re");
    if (!f)
        return -1;
    char line[512];
    size_t cap = 0;
    if (!fgets(line, sizeof(line), f)) { /* the header */
        fclose(f);
        return 0;
    }
    while (fgets(line, sizeof(line), f)) {
        char iface[IF_NAMESIZE + 1];
        unsigned dest, gw, flags, refcnt, use, metric, mask;
        if (sscanf(line, "%16s %x %x %x %u %u %u %x", iface, &dest, &gw, &flags, &refcnt, &use,
                   &metric, &mask) != 8)
            continue;
        if (mask == 0)
            continue; /* the default route covers everything: no collision */
        if (*count == cap) {
            cap = cap ? cap * 2 : 8;
            *out = lv_realloc(*out, cap * sizeof(**out));
        }
        lv__net_route *r = &(*out)[(*count)++];
        memset(r, 0, sizeof(*r));
        snprintf(r->iface, sizeof(r->iface), "%s", iface);
        /* The kernel prints the addresses as the u32 in network byte order. */
        r->subnet.netmask = ntohl(mask);
        r->subnet.network = ntohl(dest) & r->subnet.netmask;
        r->subnet.prefix = (unsigned)__builtin_popcount(r->subnet.netmask);
        r->subnet.broadcast = r->subnet.network | ~r->subnet.netmask;
    }
    fclose(f);
    return 0;
}

bool lv__net_link_exists(const char *name)
{
    return name && if_nametoindex(name) != 0;
}
