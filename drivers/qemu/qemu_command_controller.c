/* Controllers: the ones the definition lists (PCI, USB, SATA, SCSI, IDE,
 * virtio-serial) and the ones the devices need that it leaves out. */
#include "qemu_command_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

/* ---- controllers -------------------------------------------------------------------------- */

static const char *usb_device(const char *model)
{
    static const char *const map[][2] = {
        {"piix3-uhci", "piix3-usb-uhci"},
        {"piix4-uhci", "piix4-usb-uhci"},
        {"ehci", "usb-ehci"},
        {"ich9-ehci1", "ich9-usb-ehci1"},
        {"ich9-uhci1", "ich9-usb-uhci1"},
        {"ich9-uhci2", "ich9-usb-uhci2"},
        {"ich9-uhci3", "ich9-usb-uhci3"},
        {"pci-ohci", "pci-ohci"},
        {"nec-xhci", "nec-usb-xhci"},
        {"qemu-xhci", "qemu-xhci"},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (lv__qc_streq(map[i][0], model))
            return map[i][1];
    return NULL;
}

static int build_controller(lv__qcmd *c, const lv_controller_def *ct)
{
    unsigned index = ct->index.value;
    char what[80];
    lv_strbuf sb;
    char *id = lv__qc_controller_id(c, ct->type, index);
    int rc = 0;

    snprintf(what, sizeof(what), "controller type='%s' index='%u'", ct->type, index);
    lv_strbuf_init(&sb);
    if (lv__qc_streq(ct->type, "pci")) {
        const char *model = ct->model ? ct->model : (index == 0 ? "" : "pci-bridge");
        if (index == 0) {
            const char *want = c->q35 ? "pcie-root" : "pci-root";
            if (ct->model && !lv__qc_streq(ct->model, want))
                rc = lv__qc_fail(c, "%s: model '%s' on a %s machine (its root is %s)", what,
                                 ct->model, c->machine, want);
        } else if (lv__qc_streq(model, "pcie-root-port")) {
            if (!c->q35)
                rc = lv__qc_fail(c, "%s: pcie-root-port needs a q35 machine", what);
            const char *dev = ct->model_name ? ct->model_name : "pcie-root-port";
            if (!lv__qc_streq(dev, "pcie-root-port") && !lv__qc_streq(dev, "ioh3420"))
                rc = lv__qc_fail(c, "%s: <model name='%s'>", what, dev);
            lv__qc_kv_begin(&sb, dev);
            if (ct->target_port.set)
                lv__qc_kvf(&sb, "port", "0x%x", ct->target_port.value);
            lv__qc_kvf(&sb, "chassis", "%u",
                       ct->target_chassis.set ? ct->target_chassis.value : index);
            lv__qc_kv(&sb, "id", id);
            if (ct->target_hotplug != LV_TRISTATE_ABSENT)
                lv__qc_kv_onoff(&sb, "hotplug", ct->target_hotplug == LV_TRISTATE_YES);
        } else if (lv__qc_streq(model, "pci-bridge")) {
            lv__qc_kv_begin(&sb, "pci-bridge");
            lv__qc_kvf(&sb, "chassis_nr", "%u",
                       ct->target_chassis_nr.set ? ct->target_chassis_nr.value : index);
            lv__qc_kv(&sb, "id", id);
        } else if (lv__qc_streq(model, "pcie-to-pci-bridge")) {
            if (!c->q35)
                rc = lv__qc_fail(c, "%s: pcie-to-pci-bridge needs a q35 machine", what);
            lv__qc_kv_begin(&sb, "pcie-pci-bridge");
            lv__qc_kv(&sb, "id", id);
        } else if (lv__qc_streq(model, "dmi-to-pci-bridge")) {
            if (!c->q35)
                rc = lv__qc_fail(c, "%s: dmi-to-pci-bridge needs a q35 machine", what);
            lv__qc_kv_begin(&sb, "i82801b11-bridge");
            lv__qc_kv(&sb, "id", id);
        } else {
            rc = lv__qc_fail(c, "%s: model '%s' (not done yet)", what, model);
        }
        if (index == 0)
            goto done;
    } else if (lv__qc_streq(ct->type, "usb")) {
        const char *model = ct->model ? ct->model : (c->q35 ? "qemu-xhci" : "piix3-uhci");
        const char *dev = usb_device(model);
        if (lv__qc_streq(model, "none"))
            goto done;
        if (!dev) {
            rc = lv__qc_fail(c, "%s: model '%s'", what, model);
            goto done;
        }
        lv__qc_kv_begin(&sb, dev);
        if (!strncmp(model, "ich9-uhci", 9)) {
            lv__qc_kvf(&sb, "masterbus", "%s.0", id);
            lv__qc_kvf(&sb, "firstport", "%u",
                       ct->master_startport.set ? ct->master_startport.value : 0);
        } else {
            if (ct->ports.set && strstr(model, "xhci"))
                lv__qc_kvf(&sb, "p2", "%u", ct->ports.value),
                    lv__qc_kvf(&sb, "p3", "%u", ct->ports.value);
            lv__qc_kv(&sb, "id", id);
        }
    } else if (lv__qc_streq(ct->type, "sata")) {
        if (c->q35 && index == 0) {
            /* the ICH9 AHCI at 00:1f.2 is part of the machine */
            const lv_device_address *a = &ct->info.address;
            if (a->type == LV_ADDRESS_PCI && (a->bus != 0 || a->slot != 0x1f || a->function != 2))
                rc = lv__qc_fail(c, "%s: the q35 machine's own SATA controller sits at 00:1f.2",
                                 what);
            goto done;
        }
        lv__qc_kv_begin(&sb, "ich9-ahci");
        lv__qc_kv(&sb, "id", id);
    } else if (lv__qc_streq(ct->type, "ide")) {
        if (c->q35 || index != 0)
            rc = lv__qc_fail(c, "%s: only the i440fx machine's own IDE controller (index 0) exists",
                             what);
        goto done;
    } else if (lv__qc_streq(ct->type, "scsi")) {
        const char *model = ct->model ? ct->model : "virtio-scsi";
        if (lv__qc_streq(model, "lsilogic")) {
            lv__qc_kv_begin(&sb, "lsi53c895a");
        } else if (lv__qc_streq(model, "virtio-scsi")) {
            lv__qc_kv_begin(&sb, "virtio-scsi-pci");
        } else if (!strncmp(model, "virtio-", 7)) {
            lv__qc_kv_begin_virtio(&sb, "virtio-scsi-pci", model);
        } else {
            rc = lv__qc_fail(c, "%s: model '%s'", what, model);
            goto done;
        }
        lv__qc_kv(&sb, "id", id);
        if (ct->vectors.set)
            lv__qc_kvf(&sb, "vectors", "%u", ct->vectors.value);
    } else if (lv__qc_streq(ct->type, "virtio-serial")) {
        lv__qc_kv_begin_virtio(&sb, "virtio-serial-pci", ct->model);
        lv__qc_kv(&sb, "id", id);
        if (ct->ports.set)
            lv__qc_kvf(&sb, "max_ports", "%u", ct->ports.value);
        if (ct->vectors.set)
            lv__qc_kvf(&sb, "vectors", "%u", ct->vectors.value);
    } else {
        rc = lv__qc_fail(c, "%s", what);
        goto done;
    }
    if (rc == 0)
        rc = lv__qc_add_pci_address(c, &sb, &ct->info, what);
    if (rc == 0) {
        lv__qc_opt_sb(c, "-device", &sb);
    }
done:
    lv_strbuf_clear(&sb);
    free(id);
    return rc;
}

static int compare_controllers(const void *a, const void *b)
{
    const lv_controller_def *x = *(const lv_controller_def *const *)a;
    const lv_controller_def *y = *(const lv_controller_def *const *)b;
    /* PCI controllers first (the others sit on them), each type by index; a USB
     * companion after its master */
    int xp = !lv__qc_streq(x->type, "pci"), yp = !lv__qc_streq(y->type, "pci");
    if (xp != yp)
        return xp - yp;
    int t = strcmp(x->type, y->type);
    if (t)
        return t;
    if (x->index.value != y->index.value)
        return x->index.value < y->index.value ? -1 : 1;
    int xc = x->model && !strncmp(x->model, "ich9-uhci", 9);
    int yc = y->model && !strncmp(y->model, "ich9-uhci", 9);
    return xc - yc;
}

/* phase 0: the PCI controllers (in index order: a bridge's parent comes first)
 * and the others with a PCI address; phase 1: the others. */
int lv__qc_build_controllers(lv__qcmd *c, int phase)
{
    const lv_domain_def *def = c->def;
    size_t n = def->ncontrollers;
    const lv_controller_def **sorted = lv_malloc0((n + 1) * sizeof(*sorted));
    int rc = 0;

    for (size_t i = 0; i < n; i++)
        sorted[i] = &def->controllers[i];
    qsort(sorted, n, sizeof(*sorted), compare_controllers);
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (lv__qc_streq(sorted[i]->type, "pci") ? phase != 0
                                                 : !lv__qc_in_phase(&sorted[i]->info, phase))
            continue;
        rc = build_controller(c, sorted[i]);
    }
    free(sorted);
    return rc;
}

/* Controllers that devices need and the definition does not list, left to qemu
 * to place: what libvirt would have added to the definition. */
void lv__qc_build_implicit_controllers(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;

    if (c->need_usb && !lv__qc_find_controller(def, "usb", 0))
        lv__qc_argf(c, "-device"), lv__qc_argf(c, "qemu-xhci,id=usb"); /* 15 ports, on pc too */
    if (c->need_sata && !lv__qc_find_controller(def, "sata", 0) && !c->q35)
        lv__qc_argf(c, "-device"), lv__qc_argf(c, "ich9-ahci,id=sata0");
    if (c->need_scsi && !lv__qc_find_controller(def, "scsi", 0))
        lv__qc_argf(c, "-device"), lv__qc_argf(c, "virtio-scsi-pci,id=scsi0");
    if (c->need_vioser && !lv__qc_find_controller(def, "virtio-serial", 0))
        lv__qc_argf(c, "-device"), lv__qc_argf(c, "virtio-serial-pci,id=virtio-serial0");
}

/* Finds which implicit controllers are needed before anything is emitted (they
 * must come before the devices on them). */
int lv__qc_scan_needs(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;
    lv_strbuf tmp;
    int rc = 0;

    lv_strbuf_init(&tmp);
    for (size_t i = 0; i < def->ndisks && rc == 0; i++) {
        const lv_disk_def *d = &def->disks[i];
        const char *bus = lv__qc_disk_bus(d);
        lv__drive_loc loc;
        lv__qc_drive_loc(def, d, &loc);
        if (lv__qc_streq(bus, "scsi") && !lv__qc_find_controller(def, "scsi", loc.controller)) {
            if (loc.controller != 0)
                rc = lv__qc_fail(c, "disk '%s': no <controller type='scsi' index='%u'>",
                                 d->target_dev, loc.controller);
            c->need_scsi = true;
        } else if (lv__qc_streq(bus, "sata") &&
                   !lv__qc_find_controller(def, "sata", loc.controller)) {
            if (loc.controller != 0)
                rc = lv__qc_fail(c, "disk '%s': no <controller type='sata' index='%u'>",
                                 d->target_dev, loc.controller);
            c->need_sata = true;
        } else if (lv__qc_streq(bus, "usb")) {
            char what[300];
            snprintf(what, sizeof(what), "disk '%s'", d->target_dev);
            rc = lv__qc_add_usb_address(c, &tmp, &d->info, what);
        }
    }
    for (size_t i = 0; i < def->ninputs && rc == 0; i++)
        if (def->inputs[i].bus && lv__qc_streq(def->inputs[i].bus, "usb")) {
            char what[64];
            snprintf(what, sizeof(what), "input %s on usb", def->inputs[i].type);
            rc = lv__qc_add_usb_address(c, &tmp, &def->inputs[i].info, what);
        }
    for (size_t i = 0; i < def->nserials && rc == 0; i++) {
        char what[64];
        snprintf(what, sizeof(what), "serial %zu", i);
        if (def->serials[i].target_type && lv__qc_streq(def->serials[i].target_type, "usb-serial"))
            rc = lv__qc_add_usb_address(c, &tmp, &def->serials[i].info, what);
    }
    for (size_t i = 0; i < def->nchannels && rc == 0; i++) {
        char what[64];
        snprintf(what, sizeof(what), "channel %zu", i);
        rc = lv__qc_add_vioser_address(c, &tmp, &def->channels[i].info, what);
    }
    for (size_t i = 0; i < def->nconsoles && rc == 0; i++) {
        char what[64];
        snprintf(what, sizeof(what), "console %zu", i);
        if (def->consoles[i].target_type && lv__qc_streq(def->consoles[i].target_type, "virtio"))
            rc = lv__qc_add_vioser_address(c, &tmp, &def->consoles[i].info, what);
    }
    lv_strbuf_clear(&tmp);
    return rc;
}
