/* Guest NICs, the shell's side of a start: the TAP devices qemu gets as file
 * descriptors (see lv__qemu_prepare_nets in qemu_run.h for the contract).
 *
 * type='network': the network's bridge (lv_network_bridge_for: it must be
 * active); type='bridge': <source bridge>; type='user' needs no fd. Each TAP
 * is non-persistent (lv_network_open_tap), so once qemu holds the only fd the
 * device lives exactly as long as qemu. Its name is recorded in the live
 * definition as <target dev='vnetN'/> (domiflist, domstats' net.N.name); the
 * persistent definition never gets it. */
#include "qemu_run.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "network.h"

/* The bridge interface i attaches to (malloc'd), or NULL with err set. */
static char *nic_bridge(lv__qemu_state *st, const lv_domain_def *def, size_t i, lv_error *err)
{
    const lv_net_def *n = &def->nets[i];
    if (strcmp(n->type, "bridge") == 0)
        return lv_strdup(n->source_bridge);
    if (strcmp(n->type, "network") == 0) {
        char *bridge = NULL;
        if (lv_network_bridge_for(st->conn, n->source_network, &bridge, err) < 0)
            return NULL;
        return bridge;
    }
    lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                 "unsupported configuration: <interface type='%s'> (type 'network', 'bridge' "
                 "and 'user' are)",
                 n->type);
    return NULL;
}

int lv__qemu_prepare_nets(lv__qemu_state *st, lv_domain_def *def, int **fds, size_t *nfds,
                          lv_error *err)
{
    *fds = NULL;
    *nfds = 0;
    if (def->nnets == 0)
        return 0;
    int *out = lv_malloc0(def->nnets * sizeof(int));
    for (size_t i = 0; i < def->nnets; i++)
        out[i] = -1;
    for (size_t i = 0; i < def->nnets; i++) {
        lv_net_def *n = &def->nets[i];
        if (strcmp(n->type, "user") == 0)
            continue;
        lv_error why;
        char *bridge = nic_bridge(st, def, i, &why);
        char *ifname = NULL;
        int fd = -1;
        if (bridge)
            fd = lv_network_open_tap(bridge, n->target_dev, n->mtu_size.set ? n->mtu_size.value : 0,
                                     n->mac, &ifname, &why);
        if (fd < 0) {
            free(bridge);
            lv_error_set(err, why.code, "cannot start domain '%s': interface %zu (%s): %s",
                         def->name, i, n->mac ? n->mac : "no mac", why.message);
            lv__qemu_release_nets(out, def->nnets);
            return -1;
        }
        out[i] = fd;
        free(n->target_dev);
        n->target_dev = ifname;
        /* As libvirt's live XML: <source network='default' bridge='virbr0'/>. */
        if (strcmp(n->type, "network") == 0) {
            free(n->source_bridge);
            n->source_bridge = bridge;
        } else {
            free(bridge);
        }
    }
    *fds = out;
    *nfds = def->nnets;
    return 0;
}

void lv__qemu_release_nets(int *fds, size_t nfds)
{
    for (size_t i = 0; fds && i < nfds; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
}
