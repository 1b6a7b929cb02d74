/* Network interfaces: -netdev backends (the TAP fds the driver passes, or user
 * networking) and their NIC devices. */
#include "qemu_command_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

/* ---- network ------------------------------------------------------------------------------ */

int lv__qc_build_nets(lv__qcmd *c, int phase)
{
    const lv_domain_def *def = c->def;

    for (size_t i = 0; i < def->nnets; i++) {
        const lv_net_def *n = &def->nets[i];
        const char *model = n->model_type ? n->model_type : "virtio";
        char what[80];
        lv_strbuf sb;
        int rc = 0;

        if (!lv__qc_in_phase(&n->info, phase))
            continue;
        snprintf(what, sizeof(what), "interface %zu (%s)", i, n->mac ? n->mac : "no mac");
        if (n->driver_queues.set && n->driver_queues.value > 1)
            return lv__qc_fail(c,
                               "%s: <driver queues='%u'> (multiqueue needs one TAP fd per queue; "
                               "not done yet)",
                               what, n->driver_queues.value);
        char *alias = lv__qc_dev_alias(&n->info, "net", i);
        char *netid = lv_asprintf("host%s", alias);
        if (lv__qc_streq(n->type, "user")) {
            lv__qc_kv_begin(&sb, "user");
            lv__qc_kv(&sb, "id", netid);
            if (n->driver_name && lv__qc_streq(n->driver_name, "vhost"))
                rc = lv__qc_fail(c, "%s: vhost with type='user'", what);
        } else {
            int fd = i < c->l->nnet_fds ? c->l->net_fds[i] : -1;
            lv__qc_kv_begin(&sb, "tap");
            if (fd < 0) {
                free(netid);
                free(alias);
                lv_strbuf_clear(&sb);
                return lv_error_set(c->err, LV_ERR_INVALID_ARG,
                                    "%s: type='%s' needs a TAP device, and the driver gave "
                                    "none (the network part is not done yet)",
                                    what, n->type);
            }
            lv__qc_kvf(&sb, "fd", "%d", fd);
            lv__qc_kv(&sb, "id", netid);
            if (n->driver_name)
                lv__qc_kv_onoff(&sb, "vhost", lv__qc_streq(n->driver_name, "vhost"));
        }
        if (rc < 0) {
            lv_strbuf_clear(&sb);
            free(netid);
            free(alias);
            return -1;
        }
        lv__qc_opt_sb(c, "-netdev", &sb);

        if (lv__qc_streq(model, "virtio") || !strncmp(model, "virtio-", 7))
            lv__qc_kv_begin_virtio(&sb, "virtio-net-pci", model);
        else if (lv__qc_streq(model, "e1000") || lv__qc_streq(model, "e1000e") ||
                 lv__qc_streq(model, "rtl8139"))
            lv__qc_kv_begin(&sb, model);
        else {
            lv__qc_kv_begin(&sb, "");
            rc = lv__qc_fail(c, "%s: model '%s'", what, model);
        }
        lv__qc_kv(&sb, "netdev", netid);
        lv__qc_kv(&sb, "id", alias);
        if (n->mac)
            lv__qc_kv(&sb, "mac", n->mac);
        if (n->mtu_size.set) {
            if (strncmp(model, "virtio", 6))
                rc = lv__qc_fail(c, "%s: <mtu> needs a virtio model", what);
            lv__qc_kvf(&sb, "host_mtu", "%u", n->mtu_size.value);
        }
        if (rc == 0)
            rc = lv__qc_add_pci_address(c, &sb, &n->info, what);
        lv__qc_add_bootindex(&sb, c->boot[def->ndisks + i]);
        free(netid);
        free(alias);
        if (rc < 0) {
            lv_strbuf_clear(&sb);
            return -1;
        }
        lv__qc_opt_sb(c, "-device", &sb);
    }
    return 0;
}
