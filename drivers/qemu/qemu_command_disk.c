/* Disks: -blockdev storage and format nodes named as libvirt names them, and the
 * -device that shows each to the guest. */
#include "qemu_command_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

/* ---- disks -------------------------------------------------------------------------------- */

/* N of libvirt-N-storage/-format: <source index> (live XML) when given, else counting
 * down to 1 from the last disk as libvirt does, above every index the XML gives. */
static unsigned disk_node_index(const lv_domain_def *def, size_t i)
{
    unsigned max = 0, after = 0;

    if (def->disks[i].source_index.set)
        return def->disks[i].source_index.value;
    for (size_t j = 0; j < def->ndisks; j++) {
        if (def->disks[j].source_index.set && def->disks[j].source_index.value > max)
            max = def->disks[j].source_index.value;
        if (j >= i && !def->disks[j].source_index.set)
            after++;
    }
    return max + after;
}

int lv__qc_check_disk_indexes(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;

    for (size_t i = 0; i < def->ndisks; i++)
        for (size_t j = i + 1; j < def->ndisks; j++)
            if (disk_node_index(def, i) == disk_node_index(def, j))
                return lv__qc_fail(c, "disks '%s' and '%s' have the same <source index='%u'>",
                                   def->disks[i].target_dev, def->disks[j].target_dev,
                                   disk_node_index(def, i));
    return 0;
}

static int build_disk(lv__qcmd *c, size_t i)
{
    const lv_domain_def *def = c->def;
    const lv_disk_def *d = &def->disks[i];
    const char *bus = lv__qc_disk_bus(d);
    const char *cache = d->driver_cache;
    bool cdrom = lv__qc_is_cdrom(d);
    bool direct = false, noflush = false, wcache = true;
    const char *path = NULL;
    char what[300];
    unsigned n = disk_node_index(def, i);
    lv__drive_loc loc;
    lv_strbuf sb;
    int rc = 0;

    snprintf(what, sizeof(what), "disk '%s'", d->target_dev);
    if (d->type && lv__qc_streq(d->type, "volume"))
        return lv__qc_fail(c,
                           "%s: volume '%s' of pool '%s' is resolved only when the domain "
                           "starts (give a file or block source here)",
                           what, d->source_volume ? d->source_volume : "",
                           d->source_pool ? d->source_pool : "");
    path = d->type && lv__qc_streq(d->type, "block") ? d->source_dev : d->source_file;
    if (!path && !cdrom)
        return lv__qc_fail(c, "%s: no source", what);
    if (d->driver_name && !lv__qc_streq(d->driver_name, "qemu"))
        return lv__qc_fail(c, "%s: driver name '%s'", what, d->driver_name);
    if (cache && !lv__qc_streq(cache, "default")) {
        direct = lv__qc_streq(cache, "none") || lv__qc_streq(cache, "directsync");
        noflush = lv__qc_streq(cache, "unsafe");
        wcache = !lv__qc_streq(cache, "writethrough") && !lv__qc_streq(cache, "directsync");
    } else {
        cache = NULL;
    }
    if (d->driver_io && lv__qc_streq(d->driver_io, "native") && !direct)
        return lv__qc_fail(c, "%s: io='native' needs cache='none' or 'directsync' (O_DIRECT)",
                           what);
    if (d->readonly && !cdrom && (lv__qc_streq(bus, "ide") || lv__qc_streq(bus, "sata")))
        return lv__qc_fail(c, "%s: a read-only %s hard disk (qemu's ide-hd cannot be read-only)",
                           what, bus);
    if (cdrom && (lv__qc_streq(bus, "virtio") || lv__qc_streq(bus, "usb")))
        return lv__qc_fail(c, "%s: a cdrom on bus '%s'", what, bus);
    lv__qc_drive_loc(def, d, &loc);

    char node[40];
    snprintf(node, sizeof(node), "libvirt-%u-format", n);
    if (path) {
        lv__qc_kv_begin(&sb, "");
        lv__qc_kv(&sb, "driver",
                  d->type && lv__qc_streq(d->type, "block") ? (cdrom ? "host_cdrom" : "host_device")
                                                            : "file");
        lv__qc_kv(&sb, "filename", path);
        lv__qc_kvf(&sb, "node-name", "libvirt-%u-storage", n);
        lv__qc_kv(&sb, "auto-read-only", "on");
        if (d->driver_discard)
            lv__qc_kv(&sb, "discard", d->driver_discard);
        if (cache) {
            lv__qc_kv_onoff(&sb, "cache.direct", direct);
            lv__qc_kv_onoff(&sb, "cache.no-flush", noflush);
        }
        if (d->driver_io)
            lv__qc_kv(&sb, "aio", d->driver_io);
        lv__qc_opt_sb(c, "-blockdev", &sb);

        lv__qc_kv_begin(&sb, "");
        lv__qc_kv(&sb, "driver", d->driver_type ? d->driver_type : "raw");
        lv__qc_kv(&sb, "node-name", node);
        lv__qc_kv_onoff(&sb, "read-only", d->readonly || cdrom);
        if (d->driver_discard)
            lv__qc_kv(&sb, "discard", d->driver_discard);
        if (d->driver_detect_zeroes) {
            const char *dz = d->driver_detect_zeroes;
            if (lv__qc_streq(dz, "unmap") &&
                !(d->driver_discard && lv__qc_streq(d->driver_discard, "unmap")))
                dz = "on"; /* qemu refuses unmap without discard=unmap, libvirt says on */
            lv__qc_kv(&sb, "detect-zeroes", dz);
        }
        if (cache) {
            lv__qc_kv_onoff(&sb, "cache.direct", direct);
            lv__qc_kv_onoff(&sb, "cache.no-flush", noflush);
        }
        lv__qc_kvf(&sb, "file", "libvirt-%u-storage", n);
        lv__qc_opt_sb(c, "-blockdev", &sb);
    }

    char *alias = lv__qc_disk_alias(def, d);
    if (lv__qc_streq(bus, "virtio")) {
        lv__qc_kv_begin(&sb, "virtio-blk-pci");
        rc = lv__qc_add_pci_address(c, &sb, &d->info, what);
    } else if (lv__qc_streq(bus, "ide")) {
        lv__qc_kv_begin(&sb, cdrom ? "ide-cd" : "ide-hd");
        if (c->q35)
            rc = lv__qc_fail(c, "%s: bus 'ide' on a q35 machine (it has SATA: use bus='sata')",
                             what);
        else if (loc.controller != 0 || loc.bus > 1 || loc.unit > 1 || loc.target != 0)
            rc = lv__qc_fail(c, "%s: IDE address %u:%u:%u:%u (the PC has buses 0-1, units 0-1)",
                             what, loc.controller, loc.bus, loc.target, loc.unit);
        lv__qc_kvf(&sb, "bus", "ide.%u", loc.bus);
        lv__qc_kvf(&sb, "unit", "%u", loc.unit);
    } else if (lv__qc_streq(bus, "sata")) {
        lv__qc_kv_begin(&sb, cdrom ? "ide-cd" : "ide-hd");
        if (loc.bus != 0 || loc.unit > 5 || loc.target != 0)
            rc = lv__qc_fail(c, "%s: SATA address %u:%u:%u:%u (bus 0, units 0-5: the ports)", what,
                             loc.controller, loc.bus, loc.target, loc.unit);
        char *cid = lv__qc_controller_id(c, "sata", loc.controller);
        lv__qc_kvf(&sb, "bus", "%s.%u", cid, loc.unit);
        free(cid);
    } else if (lv__qc_streq(bus, "scsi")) {
        lv__qc_kv_begin(&sb, cdrom ? "scsi-cd" : "scsi-hd");
        if (lv__qc_scsi_is_lsi(def, loc.controller)) {
            lv__qc_kvf(&sb, "bus", "scsi%u.%u", loc.controller, loc.bus);
            lv__qc_kvf(&sb, "scsi-id", "%u", loc.unit);
        } else {
            lv__qc_kvf(&sb, "bus", "scsi%u.0", loc.controller);
            lv__qc_kvf(&sb, "channel", "%u", loc.bus);
            lv__qc_kvf(&sb, "scsi-id", "%u", loc.target);
            lv__qc_kvf(&sb, "lun", "%u", loc.unit);
        }
    } else if (lv__qc_streq(bus, "usb")) {
        lv__qc_kv_begin(&sb, "usb-storage");
        rc = lv__qc_add_usb_address(c, &sb, &d->info, what);
        if (d->target_removable != LV_TRISTATE_ABSENT)
            lv__qc_kv_onoff(&sb, "removable", d->target_removable == LV_TRISTATE_YES);
    } else {
        lv__qc_kv_begin(&sb, "");
        rc = lv__qc_fail(c, "%s: bus '%s'", what, bus);
    }
    if (path)
        lv__qc_kv(&sb, "drive", node);
    lv__qc_kv(&sb, "id", alias);
    lv__qc_add_bootindex(&sb, c->boot[i]);
    if (cache)
        lv__qc_kv_onoff(&sb, "write-cache", wcache);
    if (d->serial)
        lv__qc_kv(&sb, "serial", d->serial);
    if (d->shareable)
        lv__qc_kv(&sb, "share-rw", "on");
    if (d->driver_error_policy) {
        const char *w =
            lv__qc_streq(d->driver_error_policy, "enospace") ? "enospc" : d->driver_error_policy;
        lv__qc_kv(&sb, "werror", w);
        if (!d->driver_rerror_policy && !lv__qc_streq(w, "enospc"))
            lv__qc_kv(&sb, "rerror", w);
    }
    if (d->driver_rerror_policy)
        lv__qc_kv(&sb, "rerror", d->driver_rerror_policy);
    free(alias);
    if (rc < 0) {
        lv_strbuf_clear(&sb);
        return -1;
    }
    lv__qc_opt_sb(c, "-device", &sb);
    return 0;
}

int lv__qc_build_disks(lv__qcmd *c, int phase)
{
    for (size_t i = 0; i < c->def->ndisks; i++) {
        const lv_disk_def *d = &c->def->disks[i];
        /* only virtio disks are PCI devices themselves */
        bool pci =
            lv__qc_streq(lv__qc_disk_bus(d), "virtio") && d->info.address.type == LV_ADDRESS_PCI;
        if (pci != (phase == 0))
            continue;
        if (build_disk(c, i) < 0)
            return -1;
    }
    return 0;
}
