/* Device ids, block node and chardev names as libvirt gives them, and the bus and
 * address options (bus=, addr=, port=, nr=, bootindex=) of the devices. */
#include "qemu_command_priv.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

/* ---- names -------------------------------------------------------------------------------- */

/* The number in a target name: vda -> 0, sdb -> 1, hdc -> 2, vdaa -> 26; -1 when
 * it has none. */
static int disk_index(const char *dev)
{
    const char *p = dev;
    long idx = 0;

    if (!strncmp(p, "xvd", 3))
        p += 3;
    else if (strlen(p) >= 2 && p[1] == 'd')
        p += 2;
    else
        return -1;
    if (!*p)
        return -1;
    for (; *p; p++) {
        if (*p < 'a' || *p > 'z' || idx > 100000)
            return -1;
        idx = idx * 26 + (*p - 'a' + 1);
    }
    return (int)idx - 1;
}

bool lv__qc_is_cdrom(const lv_disk_def *d)
{
    return d->device && lv__qc_streq(d->device, "cdrom");
}

const char *lv__qc_disk_bus(const lv_disk_def *d)
{
    return d->target_bus ? d->target_bus : "virtio";
}

bool lv__qc_scsi_is_lsi(const lv_domain_def *def, unsigned index)
{
    for (size_t i = 0; i < def->ncontrollers; i++) {
        const lv_controller_def *ct = &def->controllers[i];
        if (lv__qc_streq(ct->type, "scsi") && ct->index.value == index)
            return ct->model && lv__qc_streq(ct->model, "lsilogic");
    }
    return false;
}

void lv__qc_drive_loc(const lv_domain_def *def, const lv_disk_def *d, lv__drive_loc *loc)
{
    int idx = disk_index(d->target_dev);
    const char *bus = lv__qc_disk_bus(d);

    memset(loc, 0, sizeof(*loc));
    if (d->info.address.type == LV_ADDRESS_DRIVE) {
        loc->controller = d->info.address.controller;
        loc->bus = d->info.address.bus;
        loc->target = d->info.address.target;
        loc->unit = d->info.address.unit;
        return;
    }
    if (idx < 0)
        idx = 0;
    if (lv__qc_streq(bus, "ide")) {
        loc->bus = (unsigned)idx / 2;
        loc->unit = (unsigned)idx % 2;
    } else if (lv__qc_streq(bus, "sata")) {
        /* libvirt's SATA address: the port is the unit */
        loc->controller = (unsigned)idx / 6;
        loc->unit = (unsigned)idx % 6;
    } else if (lv__qc_streq(bus, "scsi")) {
        /* lsilogic: 7 targets per controller; virtio-scsi: one controller, units */
        if (lv__qc_scsi_is_lsi(def, 0)) {
            loc->controller = (unsigned)idx / 7;
            loc->unit = (unsigned)idx % 7;
        } else {
            loc->unit = (unsigned)idx;
        }
    }
}

char *lv__qc_disk_alias(const lv_domain_def *def, const lv_disk_def *d)
{
    lv__drive_loc loc;
    const char *bus = lv__qc_disk_bus(d);
    int idx = disk_index(d->target_dev);

    if (d->info.alias)
        return lv_strdup(d->info.alias);
    lv__qc_drive_loc(def, d, &loc);
    if (lv__qc_streq(bus, "virtio"))
        return lv_asprintf("virtio-disk%d", idx < 0 ? 0 : idx);
    if (lv__qc_streq(bus, "ide"))
        return lv_asprintf("ide%u-%u-%u", loc.controller, loc.bus, loc.unit);
    if (lv__qc_streq(bus, "sata"))
        return lv_asprintf("sata%u-%u-%u", loc.controller, loc.bus, loc.unit);
    if (lv__qc_streq(bus, "scsi"))
        return lv_asprintf("scsi%u-%u-%u-%u", loc.controller, loc.bus, loc.target, loc.unit);
    return lv_asprintf("usb-disk%d", idx < 0 ? 0 : idx);
}

char *lv__qc_dev_alias(const lv_device_info *info, const char *prefix, size_t i)
{
    if (info && info->alias)
        return lv_strdup(info->alias);
    return lv_asprintf("%s%zu", prefix, i);
}

/* The chardev id that goes with a device id: "char" + alias. */
char *lv__qc_char_id(const char *alias)
{
    return lv_asprintf("char%s", alias);
}

/* The qemu id of controller type/index, as libvirt names them. */
char *lv__qc_controller_id(const lv__qcmd *c, const char *type, unsigned index)
{
    if (lv__qc_streq(type, "pci"))
        return index == 0 ? lv_strdup(c->root_bus) : lv_asprintf("pci.%u", index);
    if (lv__qc_streq(type, "usb"))
        return index == 0 ? lv_strdup("usb") : lv_asprintf("usb%u", index);
    if (lv__qc_streq(type, "sata") && c->q35 && index == 0)
        return lv_strdup("ide"); /* the ICH9 AHCI every q35 machine has */
    if (lv__qc_streq(type, "ide"))
        return lv_strdup("ide");
    if (lv__qc_streq(type, "virtio-serial"))
        return lv_asprintf("virtio-serial%u", index);
    return lv_asprintf("%s%u", type, index); /* sata1, scsi0 */
}

const lv_controller_def *lv__qc_find_controller(const lv_domain_def *def, const char *type,
                                                unsigned index)
{
    for (size_t i = 0; i < def->ncontrollers; i++) {
        const lv_controller_def *ct = &def->controllers[i];
        if (lv__qc_streq(ct->type, type) && ct->index.value == index)
            return ct;
    }
    return NULL;
}

/* ---- addresses ---------------------------------------------------------------------------- */

/* ",bus=pci.N,addr=0xS[.0xF][,multifunction=on]" for a PCI address; nothing when
 * the definition leaves it to qemu. what names the device in errors. */
int lv__qc_add_pci_address(lv__qcmd *c, lv_strbuf *sb, const lv_device_info *info, const char *what)
{
    const lv_device_address *a = &info->address;

    if (a->type == LV_ADDRESS_NONE)
        return 0;
    if (a->type != LV_ADDRESS_PCI)
        return lv__qc_fail(c, "%s: only a PCI <address> fits this device", what);
    if (a->domain != 0)
        return lv__qc_fail(c, "%s: PCI domain 0x%04x (only domain 0 exists)", what, a->domain);
    if (a->bus != 0) {
        const lv_controller_def *ct = lv__qc_find_controller(c->def, "pci", a->bus);
        if (!ct)
            return lv__qc_fail(c,
                               "%s: PCI address on bus 0x%02x, but there is no <controller "
                               "type='pci' index='%u'>",
                               what, a->bus, a->bus);
        lv__qc_kvf(sb, "bus", "pci.%u", a->bus);
    } else {
        lv__qc_kv(sb, "bus", c->root_bus);
    }
    if (a->function)
        lv__qc_kvf(sb, "addr", "0x%x.0x%x", a->slot, a->function);
    else
        lv__qc_kvf(sb, "addr", "0x%x", a->slot);
    if (a->multifunction == LV_TRISTATE_YES)
        lv__qc_kv(sb, "multifunction", "on");
    return 0;
}

/* ",bus=usbN.0[,port=P]" for a USB device. */
int lv__qc_add_usb_address(lv__qcmd *c, lv_strbuf *sb, const lv_device_info *info, const char *what)
{
    const lv_device_address *a = &info->address;
    unsigned index = 0;

    if (a->type != LV_ADDRESS_NONE && a->type != LV_ADDRESS_USB)
        return lv__qc_fail(c, "%s: only a USB <address> fits this device", what);
    if (a->type == LV_ADDRESS_USB)
        index = a->bus;
    const lv_controller_def *ct = lv__qc_find_controller(c->def, "usb", index);
    if (ct && ct->model && lv__qc_streq(ct->model, "none"))
        return lv__qc_fail(c,
                           "%s: needs a USB controller, and <controller type='usb' model='none'> "
                           "leaves none",
                           what);
    if (!ct) {
        if (index != 0)
            return lv__qc_fail(c, "%s: USB bus %u has no <controller type='usb' index='%u'>", what,
                               index, index);
        c->need_usb = true;
    }
    char *id = lv__qc_controller_id(c, "usb", index);
    lv__qc_kvf(sb, "bus", "%s.0", id);
    free(id);
    if (a->type == LV_ADDRESS_USB && a->port)
        lv__qc_kv(sb, "port", a->port);
    return 0;
}

/* ",bus=virtio-serialN.0[,nr=P]" for a virtio serial port. */
int lv__qc_add_vioser_address(lv__qcmd *c, lv_strbuf *sb, const lv_device_info *info,
                              const char *what)
{
    const lv_device_address *a = &info->address;
    unsigned index = 0;

    if (a->type != LV_ADDRESS_NONE && a->type != LV_ADDRESS_VIRTIO_SERIAL)
        return lv__qc_fail(c, "%s: only a virtio-serial <address> fits this device", what);
    if (a->type == LV_ADDRESS_VIRTIO_SERIAL) {
        index = a->controller;
        if (a->bus != 0)
            return lv__qc_fail(c, "%s: virtio-serial bus %u (a controller has only bus 0)", what,
                               a->bus);
    }
    if (!lv__qc_find_controller(c->def, "virtio-serial", index)) {
        if (index != 0)
            return lv__qc_fail(c, "%s: no <controller type='virtio-serial' index='%u'>", what,
                               index);
        c->need_vioser = true;
    }
    lv__qc_kvf(sb, "bus", "virtio-serial%u.0", index);
    if (a->type == LV_ADDRESS_VIRTIO_SERIAL && a->port && *a->port)
        lv__qc_kv(sb, "nr", a->port);
    return 0;
}

int lv__qc_add_bootindex(lv_strbuf *sb, int bootindex)
{
    if (bootindex > 0)
        lv__qc_kvf(sb, "bootindex", "%d", bootindex);
    return 0;
}

/* Devices with a PCI address from the definition go first, so that qemu's own
 * choice for the others (the first free slot) cannot take a slot asked for later. */
bool lv__qc_in_phase(const lv_device_info *info, int phase)
{
    return (info->address.type == LV_ADDRESS_PCI) == (phase == 0);
}
