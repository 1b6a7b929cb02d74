/* Domain definition -> qemu argv. See qemu_command.h and docs/qemu-argv.md.
 *
 * Options use qemu's key=value syntax (a ',' inside a value is doubled), not the
 * JSON form libvirt 9 uses for -device/-blockdev: the same qemu parser, easier to
 * read in the golden files and in `ps`. Device ids and block node names follow
 * libvirt's (virtio-disk0, libvirt-1-format, hostnet0/net0, charserial0), so what
 * people know from libvirt's argv and QMP carries over. */
#include "qemu_command.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "core/uuid.h"

#define streq(a, b) (!strcmp((a), (b)))

/* ---- the builder's state ------------------------------------------------------------------ */

typedef struct lv__qcmd {
    const lv_domain_def *def;
    const lv_qemu_launch *l;
    lv_error *err;
    char **argv;
    size_t argc, cap;
    const char *machine;
    bool q35, kvm;
    const char *root_bus; /* "pci.0" or "pcie.0" */
    /* controllers the devices need that the definition does not list */
    bool need_usb, need_vioser, need_scsi, need_sata;
    int *boot; /* bootindex per device: disks, then nets; 0 for none */
} lv__qcmd;

static int fail(lv__qcmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(lv__qcmd *c, const char *fmt, ...)
{
    char msg[LV_ERROR_MESSAGE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return lv_error_set(c->err, LV_ERR_CONFIG_UNSUPPORTED, "unsupported configuration: %s", msg);
}

static void push(lv__qcmd *c, char *owned)
{
    if (c->argc + 2 > c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->argv = lv_realloc(c->argv, c->cap * sizeof(char *));
    }
    c->argv[c->argc++] = owned;
    c->argv[c->argc] = NULL;
}

static void arg(lv__qcmd *c, const char *s)
{
    push(c, lv_strdup(s));
}

static void argf(lv__qcmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void argf(lv__qcmd *c, const char *fmt, ...)
{
    va_list ap;
    char probe[1];
    int n;

    va_start(ap, fmt);
    n = vsnprintf(probe, 0, fmt, ap);
    va_end(ap);
    char *s = lv_malloc0((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    push(c, s);
}

/* An option and its value, taken from sb (which is reset). */
static void opt_sb(lv__qcmd *c, const char *option, lv_strbuf *sb)
{
    arg(c, option);
    push(c, lv_strbuf_steal(sb));
}

/* ---- key=value lists ---------------------------------------------------------------------- */

/* s with every ',' doubled, as qemu's option parsers read it. */
static void add_escaped(lv_strbuf *sb, const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p == ',')
            lv_strbuf_addn(sb, ",", 1);
        lv_strbuf_addn(sb, p, 1);
    }
}

/* Starts a list with its first bare word (a driver name, a chardev backend). */
static void kv_begin(lv_strbuf *sb, const char *first)
{
    lv_strbuf_init(sb);
    add_escaped(sb, first);
}

/* ",key=value" (or "key=value" first in the list). */
static void kv(lv_strbuf *sb, const char *key, const char *value)
{
    if (sb->len)
        lv_strbuf_add(sb, ",");
    lv_strbuf_add(sb, key);
    lv_strbuf_add(sb, "=");
    add_escaped(sb, value);
}

static void kvf(lv_strbuf *sb, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void kvf(lv_strbuf *sb, const char *key, const char *fmt, ...)
{
    char val[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    kv(sb, key, val);
}

static void kv_onoff(lv_strbuf *sb, const char *key, bool on)
{
    kv(sb, key, on ? "on" : "off");
}

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

static bool is_cdrom(const lv_disk_def *d)
{
    return d->device && streq(d->device, "cdrom");
}

static const char *disk_bus(const lv_disk_def *d)
{
    return d->target_bus ? d->target_bus : "virtio";
}

/* Where a disk sits on its controller. */
typedef struct lv__drive_loc {
    unsigned controller, bus, target, unit;
} lv__drive_loc;

static bool scsi_is_lsi(const lv_domain_def *def, unsigned index)
{
    for (size_t i = 0; i < def->ncontrollers; i++) {
        const lv_controller_def *ct = &def->controllers[i];
        if (streq(ct->type, "scsi") && ct->index.value == index)
            return ct->model && streq(ct->model, "lsilogic");
    }
    return false;
}

static void drive_loc(const lv_domain_def *def, const lv_disk_def *d, lv__drive_loc *loc)
{
    int idx = disk_index(d->target_dev);
    const char *bus = disk_bus(d);

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
    if (streq(bus, "ide")) {
        loc->bus = (unsigned)idx / 2;
        loc->unit = (unsigned)idx % 2;
    } else if (streq(bus, "sata")) {
        /* libvirt's SATA address: the port is the unit */
        loc->controller = (unsigned)idx / 6;
        loc->unit = (unsigned)idx % 6;
    } else if (streq(bus, "scsi")) {
        /* lsilogic: 7 targets per controller; virtio-scsi: one controller, units */
        if (scsi_is_lsi(def, 0)) {
            loc->controller = (unsigned)idx / 7;
            loc->unit = (unsigned)idx % 7;
        } else {
            loc->unit = (unsigned)idx;
        }
    }
}

static char *disk_alias(const lv_domain_def *def, const lv_disk_def *d)
{
    lv__drive_loc loc;
    const char *bus = disk_bus(d);
    int idx = disk_index(d->target_dev);

    if (d->info.alias)
        return lv_strdup(d->info.alias);
    drive_loc(def, d, &loc);
    if (streq(bus, "virtio"))
        return lv_asprintf("virtio-disk%d", idx < 0 ? 0 : idx);
    if (streq(bus, "ide"))
        return lv_asprintf("ide%u-%u-%u", loc.controller, loc.bus, loc.unit);
    if (streq(bus, "sata"))
        return lv_asprintf("sata%u-%u-%u", loc.controller, loc.bus, loc.unit);
    if (streq(bus, "scsi"))
        return lv_asprintf("scsi%u-%u-%u-%u", loc.controller, loc.bus, loc.target, loc.unit);
    return lv_asprintf("usb-disk%d", idx < 0 ? 0 : idx);
}

static char *dev_alias(const lv_device_info *info, const char *prefix, size_t i)
{
    if (info && info->alias)
        return lv_strdup(info->alias);
    return lv_asprintf("%s%zu", prefix, i);
}

/* The chardev id that goes with a device id: "char" + alias. */
static char *char_id(const char *alias)
{
    return lv_asprintf("char%s", alias);
}

/* The qemu id of controller type/index, as libvirt names them. */
static char *controller_id(const lv__qcmd *c, const char *type, unsigned index)
{
    if (streq(type, "pci"))
        return index == 0 ? lv_strdup(c->root_bus) : lv_asprintf("pci.%u", index);
    if (streq(type, "usb"))
        return index == 0 ? lv_strdup("usb") : lv_asprintf("usb%u", index);
    if (streq(type, "sata") && c->q35 && index == 0)
        return lv_strdup("ide"); /* the ICH9 AHCI every q35 machine has */
    if (streq(type, "ide"))
        return lv_strdup("ide");
    if (streq(type, "virtio-serial"))
        return lv_asprintf("virtio-serial%u", index);
    return lv_asprintf("%s%u", type, index); /* sata1, scsi0 */
}

static const lv_controller_def *find_controller(const lv_domain_def *def, const char *type,
                                                unsigned index)
{
    for (size_t i = 0; i < def->ncontrollers; i++) {
        const lv_controller_def *ct = &def->controllers[i];
        if (streq(ct->type, type) && ct->index.value == index)
            return ct;
    }
    return NULL;
}

/* ---- addresses ---------------------------------------------------------------------------- */

/* ",bus=pci.N,addr=0xS[.0xF][,multifunction=on]" for a PCI address; nothing when
 * the definition leaves it to qemu. what names the device in errors. */
static int add_pci_address(lv__qcmd *c, lv_strbuf *sb, const lv_device_info *info, const char *what)
{
    const lv_device_address *a = &info->address;

    if (a->type == LV_ADDRESS_NONE)
        return 0;
    if (a->type != LV_ADDRESS_PCI)
        return fail(c, "%s: only a PCI <address> fits this device", what);
    if (a->domain != 0)
        return fail(c, "%s: PCI domain 0x%04x (only domain 0 exists)", what, a->domain);
    if (a->bus != 0) {
        const lv_controller_def *ct = find_controller(c->def, "pci", a->bus);
        if (!ct)
            return fail(c,
                        "%s: PCI address on bus 0x%02x, but there is no <controller "
                        "type='pci' index='%u'>",
                        what, a->bus, a->bus);
        kvf(sb, "bus", "pci.%u", a->bus);
    } else {
        kv(sb, "bus", c->root_bus);
    }
    if (a->function)
        kvf(sb, "addr", "0x%x.0x%x", a->slot, a->function);
    else
        kvf(sb, "addr", "0x%x", a->slot);
    if (a->multifunction == LV_TRISTATE_YES)
        kv(sb, "multifunction", "on");
    return 0;
}

/* ",bus=usbN.0[,port=P]" for a USB device. */
static int add_usb_address(lv__qcmd *c, lv_strbuf *sb, const lv_device_info *info, const char *what)
{
    const lv_device_address *a = &info->address;
    unsigned index = 0;

    if (a->type != LV_ADDRESS_NONE && a->type != LV_ADDRESS_USB)
        return fail(c, "%s: only a USB <address> fits this device", what);
    if (a->type == LV_ADDRESS_USB)
        index = a->bus;
    const lv_controller_def *ct = find_controller(c->def, "usb", index);
    if (ct && ct->model && streq(ct->model, "none"))
        return fail(c,
                    "%s: needs a USB controller, and <controller type='usb' model='none'> "
                    "leaves none",
                    what);
    if (!ct) {
        if (index != 0)
            return fail(c, "%s: USB bus %u has no <controller type='usb' index='%u'>", what, index,
                        index);
        c->need_usb = true;
    }
    char *id = controller_id(c, "usb", index);
    kvf(sb, "bus", "%s.0", id);
    free(id);
    if (a->type == LV_ADDRESS_USB && a->port)
        kv(sb, "port", a->port);
    return 0;
}

/* ",bus=virtio-serialN.0[,nr=P]" for a virtio serial port. */
static int add_vioser_address(lv__qcmd *c, lv_strbuf *sb, const lv_device_info *info,
                              const char *what)
{
    const lv_device_address *a = &info->address;
    unsigned index = 0;

    if (a->type != LV_ADDRESS_NONE && a->type != LV_ADDRESS_VIRTIO_SERIAL)
        return fail(c, "%s: only a virtio-serial <address> fits this device", what);
    if (a->type == LV_ADDRESS_VIRTIO_SERIAL) {
        index = a->controller;
        if (a->bus != 0)
            return fail(c, "%s: virtio-serial bus %u (a controller has only bus 0)", what, a->bus);
    }
    if (!find_controller(c->def, "virtio-serial", index)) {
        if (index != 0)
            return fail(c, "%s: no <controller type='virtio-serial' index='%u'>", what, index);
        c->need_vioser = true;
    }
    kvf(sb, "bus", "virtio-serial%u.0", index);
    if (a->type == LV_ADDRESS_VIRTIO_SERIAL && a->port && *a->port)
        kv(sb, "nr", a->port);
    return 0;
}

static int add_bootindex(lv_strbuf *sb, int bootindex)
{
    if (bootindex > 0)
        kvf(sb, "bootindex", "%d", bootindex);
    return 0;
}

/* Devices with a PCI address from the definition go first, so that qemu's own
 * choice for the others (the first free slot) cannot take a slot asked for later. */
static bool in_phase(const lv_device_info *info, int phase)
{
    return (info->address.type == LV_ADDRESS_PCI) == (phase == 0);
}

/* ---- the machine -------------------------------------------------------------------------- */

static bool machine_is_q35(const char *m)
{
    return streq(m, "q35") || !strncmp(m, "pc-q35-", 7);
}

static bool machine_is_pc(const char *m)
{
    return streq(m, "pc") || !strncmp(m, "pc-i440fx-", 10) || !strncmp(m, "pc-", 3);
}

static int build_pflash(lv__qcmd *c, lv_strbuf *machine)
{
    const lv_os_def *os = &c->def->os;
    bool pflash = os->loader_type && streq(os->loader_type, "pflash");

    if (!os->loader) {
        if (os->firmware && streq(os->firmware, "efi"))
            return fail(c, "<os firmware='efi'> without a <loader> path (firmware "
                           "autoselection is not done yet)");
        if (os->nvram)
            return fail(c, "<nvram> without a pflash <loader>");
        return 0;
    }
    if (!pflash) {
        if (os->nvram)
            return fail(c, "<nvram> needs <loader type='pflash'>");
        if (os->loader_secure == LV_TRISTATE_YES)
            return fail(c, "<loader secure='yes'> needs type='pflash'");
        arg(c, "-bios");
        arg(c, os->loader);
        return 0;
    }
    struct {
        const char *path, *format;
        bool readonly;
    } fl[2] = {
        {os->loader, os->loader_format, os->loader_readonly != LV_TRISTATE_NO},
        {os->nvram, os->nvram_format, false},
    };
    for (int i = 0; i < 2; i++) {
        lv_strbuf sb;
        if (!fl[i].path)
            continue;
        kv_begin(&sb, "");
        kv(&sb, "driver", "file");
        kv(&sb, "filename", fl[i].path);
        kvf(&sb, "node-name", "libvirt-pflash%d-storage", i);
        kv(&sb, "auto-read-only", "on");
        kv(&sb, "discard", "unmap");
        opt_sb(c, "-blockdev", &sb);
        kv_begin(&sb, "");
        kv(&sb, "driver", fl[i].format ? fl[i].format : "raw");
        kvf(&sb, "node-name", "libvirt-pflash%d-format", i);
        kv_onoff(&sb, "read-only", fl[i].readonly);
        kvf(&sb, "file", "libvirt-pflash%d-storage", i);
        opt_sb(c, "-blockdev", &sb);
        kvf(machine, i ? "pflash1" : "pflash0", "libvirt-pflash%d-format", i);
    }
    return 0;
}

static const lv_timer_def *find_timer(const lv_domain_def *def, const char *name)
{
    for (size_t i = 0; i < def->clock.ntimers; i++)
        if (streq(def->clock.timers[i].name, name))
            return &def->clock.timers[i];
    return NULL;
}

static int build_machine(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;
    const lv_features_def *f = &def->features;
    lv_strbuf m;
    const lv_timer_def *t;

    kv_begin(&m, c->machine);
    kv(&m, "usb", "off");
    if (f->vmport_state)
        kv(&m, "vmport", f->vmport_state);
    if (f->smm_state)
        kv(&m, "smm", f->smm_state);
    if (!f->acpi)
        kv(&m, "acpi", "off");
    if ((t = find_timer(def, "hpet")) && t->present != LV_TRISTATE_ABSENT)
        kv_onoff(&m, "hpet", t->present == LV_TRISTATE_YES);
    if ((t = find_timer(def, "pit")) && t->present == LV_TRISTATE_NO)
        kv(&m, "pit", "off");
    kv(&m, "dump-guest-core", "off");
    if (build_pflash(c, &m) < 0) {
        lv_strbuf_clear(&m);
        return -1;
    }
    if (def->os.loader_secure == LV_TRISTATE_YES) {
        if (!c->q35) {
            lv_strbuf_clear(&m);
            return fail(c, "<loader secure='yes'> needs a q35 machine (SMM)");
        }
        if (f->smm_state && streq(f->smm_state, "off")) {
            lv_strbuf_clear(&m);
            return fail(c, "<loader secure='yes'> needs <smm state='on'>");
        }
    }
    opt_sb(c, "-machine", &m);
    if (def->os.loader_secure == LV_TRISTATE_YES) {
        arg(c, "-global");
        arg(c, "driver=cfi.pflash01,property=secure,value=on");
    }

    lv_strbuf a;
    kv_begin(&a, c->kvm ? "kvm" : "tcg");
    if (f->ioapic_driver) {
        if (!c->kvm) {
            lv_strbuf_clear(&a);
            return fail(c, "<ioapic driver='%s'> needs KVM (the domain runs under TCG)",
                        f->ioapic_driver);
        }
        kv(&a, "kernel-irqchip", streq(f->ioapic_driver, "qemu") ? "split" : "on");
    }
    opt_sb(c, "-accel", &a);
    return 0;
}

/* ---- CPU ---------------------------------------------------------------------------------- */

static int add_hyperv(lv__qcmd *c, lv_strbuf *sb)
{
    const lv_features_def *f = &c->def->features;
    static const struct {
        const char *name;
        size_t off;
    } hv[] = {
        {"hv-relaxed", offsetof(lv_features_def, hv_relaxed)},
        {"hv-vapic", offsetof(lv_features_def, hv_vapic)},
        {"hv-vpindex", offsetof(lv_features_def, hv_vpindex)},
        {"hv-runtime", offsetof(lv_features_def, hv_runtime)},
        {"hv-synic", offsetof(lv_features_def, hv_synic)},
        {"hv-stimer", offsetof(lv_features_def, hv_stimer)},
        {"hv-stimer-direct", offsetof(lv_features_def, hv_stimer_direct)},
        {"hv-reset", offsetof(lv_features_def, hv_reset)},
        {"hv-frequencies", offsetof(lv_features_def, hv_frequencies)},
        {"hv-reenlightenment", offsetof(lv_features_def, hv_reenlightenment)},
        {"hv-tlbflush", offsetof(lv_features_def, hv_tlbflush)},
        {"hv-ipi", offsetof(lv_features_def, hv_ipi)},
        {"hv-evmcs", offsetof(lv_features_def, hv_evmcs)},
    };

    if (f->hyperv_mode && streq(f->hyperv_mode, "passthrough")) {
        if (!c->kvm)
            return fail(c, "<hyperv mode='passthrough'> needs KVM");
        kv(sb, "hv-passthrough", "on");
    }
    for (size_t i = 0; i < sizeof(hv) / sizeof(hv[0]); i++) {
        lv_tristate v = *(const lv_tristate *)((const char *)f + hv[i].off);
        if (v != LV_TRISTATE_ABSENT)
            kv_onoff(sb, hv[i].name, v == LV_TRISTATE_YES);
    }
    if (f->hv_spinlocks == LV_TRISTATE_YES)
        kvf(sb, "hv-spinlocks", "0x%x",
            f->hv_spinlocks_retries.set ? f->hv_spinlocks_retries.value : 0x1fff);
    else if (f->hv_spinlocks == LV_TRISTATE_NO)
        kv(sb, "hv-spinlocks", "0xffffffff");
    if (f->hv_vendor_id == LV_TRISTATE_YES) {
        if (!f->hv_vendor_id_value)
            return fail(c, "<hyperv><vendor_id state='on'> without a value");
        kv(sb, "hv-vendor-id", f->hv_vendor_id_value);
    }
    return 0;
}

static int build_cpu(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;
    const lv_cpu_def *cpu = &def->cpu;
    const lv_features_def *f = &def->features;
    const char *mode = cpu->mode;
    lv_strbuf sb;
    const lv_timer_def *t;

    if (!mode && cpu->model)
        mode = "custom";
    if (!mode) {
        kv_begin(&sb, "qemu64");
    } else if (streq(mode, "host-passthrough")) {
        if (!c->kvm)
            return fail(c, "<cpu mode='host-passthrough'> needs KVM (TCG cannot pass the host "
                           "CPU through; use mode='maximum')");
        kv_begin(&sb, "host");
        if (cpu->migratable != LV_TRISTATE_ABSENT)
            kv_onoff(&sb, "migratable", cpu->migratable == LV_TRISTATE_YES);
    } else if (streq(mode, "host-model")) {
        /* no CPU model expansion yet: what KVM passes through, what TCG can do */
        kv_begin(&sb, c->kvm ? "host" : "max");
    } else if (streq(mode, "maximum")) {
        kv_begin(&sb, "max");
        if (cpu->migratable != LV_TRISTATE_ABSENT)
            kv_onoff(&sb, "migratable", cpu->migratable == LV_TRISTATE_YES);
    } else {
        if (!cpu->model)
            return fail(c, "<cpu mode='custom'> without a <model>");
        kv_begin(&sb, cpu->model);
        if (cpu->vendor) {
            if (streq(cpu->vendor, "Intel"))
                kv(&sb, "vendor", "GenuineIntel");
            else if (streq(cpu->vendor, "AMD"))
                kv(&sb, "vendor", "AuthenticAMD");
            else {
                lv_strbuf_clear(&sb);
                return fail(c, "<cpu><vendor>%s</vendor> (Intel and AMD are known)", cpu->vendor);
            }
        }
    }
    for (size_t i = 0; i < cpu->nfeatures; i++) {
        const lv_cpu_feature *ft = &cpu->features[i];
        const char *p = ft->policy ? ft->policy : "require";
        bool on = !streq(p, "disable") && !streq(p, "forbid");
        kv_onoff(&sb, ft->name, on);
    }
    if (f->apic_eoi != LV_TRISTATE_ABSENT)
        kv_onoff(&sb, "kvm-pv-eoi", f->apic_eoi == LV_TRISTATE_YES);
    if (f->pvspinlock_state)
        kv(&sb, "kvm-pv-unhalt", f->pvspinlock_state);
    if (f->kvm_hidden_state)
        kv(&sb, "kvm", streq(f->kvm_hidden_state, "on") ? "off" : "on");
    if ((t = find_timer(def, "kvmclock")) && t->present != LV_TRISTATE_ABSENT)
        kv_onoff(&sb, "kvmclock", t->present == LV_TRISTATE_YES);
    if ((t = find_timer(def, "hypervclock")) && t->present != LV_TRISTATE_ABSENT)
        kv_onoff(&sb, "hv-time", t->present == LV_TRISTATE_YES);
    if ((t = find_timer(def, "tsc")) && t->frequency.set)
        kvf(&sb, "tsc-frequency", "%u", t->frequency.value);
    if (add_hyperv(c, &sb) < 0) {
        lv_strbuf_clear(&sb);
        return -1;
    }
    opt_sb(c, "-cpu", &sb);
    return 0;
}

static int build_smp(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;
    const lv_cpu_def *cpu = &def->cpu;
    unsigned sockets = def->vcpus, dies = 1, cores = 1, threads = 1;
    lv_strbuf sb;

    if (cpu->topology_sockets.set || cpu->topology_cores.set || cpu->topology_threads.set) {
        sockets = cpu->topology_sockets.set ? cpu->topology_sockets.value : 1;
        dies = cpu->topology_dies.set ? cpu->topology_dies.value : 1;
        cores = cpu->topology_cores.set ? cpu->topology_cores.value : 1;
        threads = cpu->topology_threads.set ? cpu->topology_threads.value : 1;
    }
    lv_strbuf_init(&sb);
    lv_strbuf_addf(&sb, "%u", def->vcpus_current ? def->vcpus_current : def->vcpus);
    if (def->vcpus_current && def->vcpus_current != def->vcpus)
        kvf(&sb, "maxcpus", "%u", def->vcpus);
    kvf(&sb, "sockets", "%u", sockets);
    if (dies != 1)
        kvf(&sb, "dies", "%u", dies);
    kvf(&sb, "cores", "%u", cores);
    kvf(&sb, "threads", "%u", threads);
    opt_sb(c, "-smp", &sb);
    return 0;
}

/* ---- clock, events, boot ------------------------------------------------------------------ */

static int build_clock(lv__qcmd *c)
{
    const lv_clock_def *ck = &c->def->clock;
    const char *offset = ck->offset ? ck->offset : "utc";
    lv_strbuf sb;

    lv_strbuf_init(&sb);
    if (streq(offset, "utc")) {
        kv(&sb, "base", "utc");
    } else if (streq(offset, "localtime")) {
        kv(&sb, "base", "localtime");
    } else if (streq(offset, "variable")) {
        char *end = NULL;
        long long adj = ck->adjustment ? strtoll(ck->adjustment, &end, 10) : 0;
        if (ck->adjustment && (end == ck->adjustment || *end))
            return fail(c, "<clock adjustment='%s'> (a number of seconds is needed)",
                        ck->adjustment);
        time_t when = (time_t)((c->l->now ? c->l->now : (long long)time(NULL)) + adj);
        struct tm tm;
        char buf[32];
        if (ck->basis && streq(ck->basis, "localtime")) {
            localtime_r(&when, &tm);
        } else {
            gmtime_r(&when, &tm);
        }
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
        kv(&sb, "base", buf);
    } else {
        return fail(c, "<clock offset='%s'> (qemu would need TZ in its environment)", offset);
    }
    for (size_t i = 0; i < ck->ntimers; i++) {
        const lv_timer_def *t = &ck->timers[i];
        if (t->mode && !streq(t->mode, "auto") && !streq(t->mode, "native")) {
            lv_strbuf_clear(&sb);
            return fail(c, "<timer name='%s' mode='%s'>", t->name, t->mode);
        }
        if (streq(t->name, "rtc")) {
            if (t->present == LV_TRISTATE_NO) {
                lv_strbuf_clear(&sb);
                return fail(c, "<timer name='rtc' present='no'> (a PC always has its RTC)");
            }
            if (t->track) {
                const char *clk = streq(t->track, "guest")  ? "vm"
                                  : streq(t->track, "boot") ? "host"
                                                            : "rt";
                kv(&sb, "clock", clk);
            }
            if (t->tickpolicy) {
                if (streq(t->tickpolicy, "catchup")) {
                    kv(&sb, "driftfix", "slew");
                } else if (!streq(t->tickpolicy, "delay")) {
                    lv_strbuf_clear(&sb);
                    return fail(c, "<timer name='rtc' tickpolicy='%s'>", t->tickpolicy);
                }
            }
        } else if (streq(t->name, "pit")) {
            if (t->tickpolicy && !streq(t->tickpolicy, "delay") &&
                !streq(t->tickpolicy, "discard")) {
                lv_strbuf_clear(&sb);
                return fail(c, "<timer name='pit' tickpolicy='%s'>", t->tickpolicy);
            }
        } else if (t->tickpolicy || t->track) {
            lv_strbuf_clear(&sb);
            return fail(c, "<timer name='%s'> with a tickpolicy or track", t->name);
        }
        if (streq(t->name, "tsc") && t->present == LV_TRISTATE_NO) {
            lv_strbuf_clear(&sb);
            return fail(c, "<timer name='tsc' present='no'>");
        }
    }
    opt_sb(c, "-rtc", &sb);

    const lv_timer_def *pit = find_timer(c->def, "pit");
    if (pit && pit->tickpolicy && c->kvm)
        argf(c, "-global"), argf(c, "kvm-pit.lost_tick_policy=%s", pit->tickpolicy);
    return 0;
}

unsigned lv_qemu_shutdown_flags(const lv_domain_def *def)
{
    unsigned flags = 0;
    const char *poweroff = def->on_poweroff ? def->on_poweroff : "destroy";
    const char *reboot = def->on_reboot ? def->on_reboot : "restart";

    if (!streq(poweroff, "destroy") || streq(reboot, "preserve"))
        flags |= LV_QEMU_NO_SHUTDOWN;
    if (!streq(reboot, "restart"))
        flags |= LV_QEMU_NO_REBOOT;
    return flags;
}

static void build_pm(lv__qcmd *c)
{
    const char *lpc = c->q35 ? "ICH9-LPC" : "PIIX4_PM";

    if (c->def->pm_suspend_to_mem != LV_TRISTATE_ABSENT) {
        arg(c, "-global");
        argf(c, "%s.disable_s3=%d", lpc, c->def->pm_suspend_to_mem == LV_TRISTATE_NO);
    }
    if (c->def->pm_suspend_to_disk != LV_TRISTATE_ABSENT) {
        arg(c, "-global");
        argf(c, "%s.disable_s4=%d", lpc, c->def->pm_suspend_to_disk == LV_TRISTATE_NO);
    }
}

/* Boot indexes: per-device <boot order> as given, else <os><boot dev> in order
 * onto the first disk, the first cdrom and the first interface (as libvirt does),
 * so the firmware boots the same devices whichever way the XML says it. */
static int assign_boot(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;
    bool per_device = false;

    c->boot = lv_malloc0((def->ndisks + def->nnets + 1) * sizeof(int));
    for (size_t i = 0; i < def->ndisks; i++)
        if (def->disks[i].info.boot_order.set)
            c->boot[i] = (int)def->disks[i].info.boot_order.value, per_device = true;
    for (size_t i = 0; i < def->nnets; i++)
        if (def->nets[i].info.boot_order.set)
            c->boot[def->ndisks + i] = (int)def->nets[i].info.boot_order.value, per_device = true;
    if (per_device)
        return 0;
    int next = 1;
    for (size_t b = 0; b < def->os.nboot; b++) {
        const char *dev = def->os.boot[b].dev;
        if (streq(dev, "fd"))
            return fail(c, "<boot dev='fd'> (there are no floppy drives)");
        if (streq(dev, "network")) {
            if (def->nnets && !c->boot[def->ndisks])
                c->boot[def->ndisks] = next++;
            continue;
        }
        bool want_cd = streq(dev, "cdrom");
        for (size_t i = 0; i < def->ndisks; i++) {
            if (is_cdrom(&def->disks[i]) == want_cd) {
                if (!c->boot[i])
                    c->boot[i] = next++;
                break;
            }
        }
    }
    return 0;
}

static void build_boot(lv__qcmd *c)
{
    const lv_os_def *os = &c->def->os;
    lv_strbuf sb;

    lv_strbuf_init(&sb);
    kv(&sb, "strict", "on");
    if (os->bootmenu_enable != LV_TRISTATE_ABSENT) {
        kv_onoff(&sb, "menu", os->bootmenu_enable == LV_TRISTATE_YES);
        if (os->bootmenu_enable == LV_TRISTATE_YES && os->bootmenu_timeout.set)
            kvf(&sb, "splash-time", "%u", os->bootmenu_timeout.value);
    }
    if (os->bios_reboot_timeout.set)
        kvf(&sb, "reboot-timeout", "%d", os->bios_reboot_timeout.value);
    opt_sb(c, "-boot", &sb);
    if (os->kernel) {
        arg(c, "-kernel");
        arg(c, os->kernel);
    }
    if (os->initrd) {
        arg(c, "-initrd");
        arg(c, os->initrd);
    }
    if (os->cmdline) {
        arg(c, "-append");
        arg(c, os->cmdline);
    }
}

/* ---- chardevs ----------------------------------------------------------------------------- */

/* -chardev BACKEND,id=ID,... for a <serial>, <console> or <channel>. console is
 * true for the one chardev that carries the guest console (launch->console_*). */
static int build_chardev(lv__qcmd *c, const lv_chardev_def *ch, const char *id, bool console,
                         const char *default_path, const char *what)
{
    const char *type = ch->type ? ch->type : "pty";
    lv_strbuf sb;

    if (console && streq(type, "pty") && c->l->console_socket) {
        kv_begin(&sb, "socket");
        kv(&sb, "id", id);
        kv(&sb, "path", c->l->console_socket);
        kv(&sb, "server", "on");
        kv(&sb, "wait", "off");
        if (c->l->console_log) {
            kv(&sb, "logfile", c->l->console_log);
            kv(&sb, "logappend", "on");
        }
        opt_sb(c, "-chardev", &sb);
        return 0;
    }
    if (streq(type, "pty")) {
        kv_begin(&sb, "pty");
        kv(&sb, "id", id);
    } else if (streq(type, "unix")) {
        const char *path = ch->source_path ? ch->source_path : default_path;
        if (!path)
            return fail(c,
                        "%s: a unix source without a path (and no runtime directory to put "
                        "one in)",
                        what);
        kv_begin(&sb, "socket");
        kv(&sb, "id", id);
        kv(&sb, "path", path);
        if (!ch->source_mode || streq(ch->source_mode, "bind")) {
            kv(&sb, "server", "on");
            kv(&sb, "wait", "off");
        }
    } else if (streq(type, "file")) {
        if (!ch->source_path)
            return fail(c, "%s: a file source without a path", what);
        kv_begin(&sb, "file");
        kv(&sb, "id", id);
        kv(&sb, "path", ch->source_path);
        if (ch->source_append != LV_TRISTATE_ABSENT)
            kv_onoff(&sb, "append", ch->source_append == LV_TRISTATE_YES);
    } else {
        return fail(c, "%s: type '%s'", what, type);
    }
    if (ch->log_file) {
        kv(&sb, "logfile", ch->log_file);
        if (ch->log_append != LV_TRISTATE_ABSENT)
            kv_onoff(&sb, "logappend", ch->log_append == LV_TRISTATE_YES);
    }
    opt_sb(c, "-chardev", &sb);
    return 0;
}

/* The chardev that is the guest console: serials[0], else consoles[0]. */
static const lv_chardev_def *console_chardev(const lv_domain_def *def)
{
    if (def->nserials)
        return &def->serials[0];
    if (def->nconsoles)
        return &def->consoles[0];
    return NULL;
}

static int build_serials(lv__qcmd *c, int phase)
{
    const lv_domain_def *def = c->def;
    const lv_chardev_def *con = console_chardev(def);

    for (size_t i = 0; i < def->nserials; i++) {
        const lv_chardev_def *s = &def->serials[i];
        const char *ttype = s->target_type ? s->target_type : "isa-serial";
        char what[64];
        lv_strbuf sb;
        int rc = 0;

        bool pci_addr = streq(ttype, "pci-serial") && s->info.address.type == LV_ADDRESS_PCI;
        if (pci_addr != (phase == 0))
            continue;
        snprintf(what, sizeof(what), "serial %zu", i);
        if (s->target_model_name && !streq(s->target_model_name, ttype))
            return fail(c, "%s: <model name='%s'> on a %s target", what, s->target_model_name,
                        ttype);
        char *alias = dev_alias(&s->info, "serial", i);
        char *cid = char_id(alias);
        if (build_chardev(c, s, cid, s == con, NULL, what) < 0) {
            free(cid);
            free(alias);
            return -1;
        }
        if (streq(ttype, "isa-serial")) {
            kv_begin(&sb, "isa-serial");
            kv(&sb, "chardev", cid);
            kv(&sb, "id", alias);
            unsigned port = s->target_port.set ? s->target_port.value : (unsigned)i;
            kvf(&sb, "index", "%u", port);
            if (port > 3)
                rc = fail(c, "%s: isa-serial port %u (a PC has ports 0-3)", what, port);
            else if (s->info.address.type != LV_ADDRESS_NONE)
                rc = fail(c, "%s: an isa-serial takes no <address>", what);
        } else if (streq(ttype, "usb-serial")) {
            kv_begin(&sb, "usb-serial");
            rc = add_usb_address(c, &sb, &s->info, what);
            kv(&sb, "chardev", cid);
            kv(&sb, "id", alias);
        } else if (streq(ttype, "pci-serial")) {
            kv_begin(&sb, "pci-serial");
            rc = add_pci_address(c, &sb, &s->info, what);
            kv(&sb, "chardev", cid);
            kv(&sb, "id", alias);
        } else {
            kv_begin(&sb, "");
            rc = fail(c, "%s: target type '%s'", what, ttype);
        }
        free(cid);
        free(alias);
        if (rc < 0) {
            lv_strbuf_clear(&sb);
            return -1;
        }
        opt_sb(c, "-device", &sb);
    }
    return 0;
}

static int build_consoles(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;
    const lv_chardev_def *con = console_chardev(def);

    for (size_t i = 0; i < def->nconsoles; i++) {
        const lv_chardev_def *s = &def->consoles[i];
        const char *ttype = s->target_type ? s->target_type : "serial";
        char what[64];
        lv_strbuf sb;

        snprintf(what, sizeof(what), "console %zu", i);
        if (streq(ttype, "serial")) {
            /* the console view of a <serial>: that serial's device already */
            unsigned port = s->target_port.set ? s->target_port.value : 0;
            if (port >= def->nserials)
                return fail(c,
                            "%s: a serial console on port %u, and there is no such "
                            "<serial>",
                            what, port);
            continue;
        }
        if (!streq(ttype, "virtio"))
            return fail(c, "%s: target type '%s'", what, ttype);
        char *alias = dev_alias(&s->info, "console", i);
        char *cid = char_id(alias);
        int rc = build_chardev(c, s, cid, s == con, NULL, what);
        if (rc == 0) {
            kv_begin(&sb, "virtconsole");
            rc = add_vioser_address(c, &sb, &s->info, what);
            kv(&sb, "chardev", cid);
            kv(&sb, "id", alias);
            if (rc < 0)
                lv_strbuf_clear(&sb);
            else
                opt_sb(c, "-device", &sb);
        }
        free(cid);
        free(alias);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int build_channels(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;

    for (size_t i = 0; i < def->nchannels; i++) {
        const lv_chardev_def *ch = &def->channels[i];
        char what[64];
        lv_strbuf sb;

        snprintf(what, sizeof(what), "channel %zu", i);
        if (ch->target_type && !streq(ch->target_type, "virtio"))
            return fail(c, "%s: target type '%s'", what, ch->target_type);
        char *alias = dev_alias(&ch->info, "channel", i);
        char *cid = char_id(alias);
        char *defpath = NULL;
        if (c->l->runtime_dir)
            defpath =
                ch->target_name
                    ? lv_asprintf("%s/%s.%s.sock", c->l->runtime_dir, def->name, ch->target_name)
                    : lv_asprintf("%s/%s.%s.sock", c->l->runtime_dir, def->name, alias);
        int rc = build_chardev(c, ch, cid, false, defpath, what);
        if (rc == 0) {
            kv_begin(&sb, "virtserialport");
            rc = add_vioser_address(c, &sb, &ch->info, what);
            kv(&sb, "chardev", cid);
            kv(&sb, "id", alias);
            if (ch->target_name)
                kv(&sb, "name", ch->target_name);
            if (rc < 0)
                lv_strbuf_clear(&sb);
            else
                opt_sb(c, "-device", &sb);
        }
        free(defpath);
        free(cid);
        free(alias);
        if (rc < 0)
            return -1;
    }
    return 0;
}

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
        if (streq(map[i][0], model))
            return map[i][1];
    return NULL;
}

/* Starts a device list with a virtio device name, its -transitional or
 * -non-transitional variant as the XML model says. */
static void kv_begin_virtio(lv_strbuf *sb, const char *base, const char *model)
{
    kv_begin(sb, base);
    if (model && streq(model, "virtio-transitional"))
        lv_strbuf_add(sb, "-transitional");
    else if (model && streq(model, "virtio-non-transitional"))
        lv_strbuf_add(sb, "-non-transitional");
}

static int build_controller(lv__qcmd *c, const lv_controller_def *ct)
{
    unsigned index = ct->index.value;
    char what[80];
    lv_strbuf sb;
    char *id = controller_id(c, ct->type, index);
    int rc = 0;

    snprintf(what, sizeof(what), "controller type='%s' index='%u'", ct->type, index);
    lv_strbuf_init(&sb);
    if (streq(ct->type, "pci")) {
        const char *model = ct->model ? ct->model : (index == 0 ? "" : "pci-bridge");
        if (index == 0) {
            const char *want = c->q35 ? "pcie-root" : "pci-root";
            if (ct->model && !streq(ct->model, want))
                rc = fail(c, "%s: model '%s' on a %s machine (its root is %s)", what, ct->model,
                          c->machine, want);
        } else if (streq(model, "pcie-root-port")) {
            if (!c->q35)
                rc = fail(c, "%s: pcie-root-port needs a q35 machine", what);
            const char *dev = ct->model_name ? ct->model_name : "pcie-root-port";
            if (!streq(dev, "pcie-root-port") && !streq(dev, "ioh3420"))
                rc = fail(c, "%s: <model name='%s'>", what, dev);
            kv_begin(&sb, dev);
            if (ct->target_port.set)
                kvf(&sb, "port", "0x%x", ct->target_port.value);
            kvf(&sb, "chassis", "%u", ct->target_chassis.set ? ct->target_chassis.value : index);
            kv(&sb, "id", id);
            if (ct->target_hotplug != LV_TRISTATE_ABSENT)
                kv_onoff(&sb, "hotplug", ct->target_hotplug == LV_TRISTATE_YES);
        } else if (streq(model, "pci-bridge")) {
            kv_begin(&sb, "pci-bridge");
            kvf(&sb, "chassis_nr", "%u",
                ct->target_chassis_nr.set ? ct->target_chassis_nr.value : index);
            kv(&sb, "id", id);
        } else if (streq(model, "pcie-to-pci-bridge")) {
            if (!c->q35)
                rc = fail(c, "%s: pcie-to-pci-bridge needs a q35 machine", what);
            kv_begin(&sb, "pcie-pci-bridge");
            kv(&sb, "id", id);
        } else if (streq(model, "dmi-to-pci-bridge")) {
            if (!c->q35)
                rc = fail(c, "%s: dmi-to-pci-bridge needs a q35 machine", what);
            kv_begin(&sb, "i82801b11-bridge");
            kv(&sb, "id", id);
        } else {
            rc = fail(c, "%s: model '%s' (not done yet)", what, model);
        }
        if (index == 0)
            goto done;
    } else if (streq(ct->type, "usb")) {
        const char *model = ct->model ? ct->model : (c->q35 ? "qemu-xhci" : "piix3-uhci");
        const char *dev = usb_device(model);
        if (streq(model, "none"))
            goto done;
        if (!dev) {
            rc = fail(c, "%s: model '%s'", what, model);
            goto done;
        }
        kv_begin(&sb, dev);
        if (!strncmp(model, "ich9-uhci", 9)) {
            kvf(&sb, "masterbus", "%s.0", id);
            kvf(&sb, "firstport", "%u", ct->master_startport.set ? ct->master_startport.value : 0);
        } else {
            if (ct->ports.set && strstr(model, "xhci"))
                kvf(&sb, "p2", "%u", ct->ports.value), kvf(&sb, "p3", "%u", ct->ports.value);
            kv(&sb, "id", id);
        }
    } else if (streq(ct->type, "sata")) {
        if (c->q35 && index == 0) {
            /* the ICH9 AHCI at 00:1f.2 is part of the machine */
            const lv_device_address *a = &ct->info.address;
            if (a->type == LV_ADDRESS_PCI && (a->bus != 0 || a->slot != 0x1f || a->function != 2))
                rc = fail(c, "%s: the q35 machine's own SATA controller sits at 00:1f.2", what);
            goto done;
        }
        kv_begin(&sb, "ich9-ahci");
        kv(&sb, "id", id);
    } else if (streq(ct->type, "ide")) {
        if (c->q35 || index != 0)
            rc = fail(c, "%s: only the i440fx machine's own IDE controller (index 0) exists", what);
        goto done;
    } else if (streq(ct->type, "scsi")) {
        const char *model = ct->model ? ct->model : "virtio-scsi";
        if (streq(model, "lsilogic")) {
            kv_begin(&sb, "lsi53c895a");
        } else if (streq(model, "virtio-scsi")) {
            kv_begin(&sb, "virtio-scsi-pci");
        } else if (!strncmp(model, "virtio-", 7)) {
            kv_begin_virtio(&sb, "virtio-scsi-pci", model);
        } else {
            rc = fail(c, "%s: model '%s'", what, model);
            goto done;
        }
        kv(&sb, "id", id);
        if (ct->vectors.set)
            kvf(&sb, "vectors", "%u", ct->vectors.value);
    } else if (streq(ct->type, "virtio-serial")) {
        kv_begin_virtio(&sb, "virtio-serial-pci", ct->model);
        kv(&sb, "id", id);
        if (ct->ports.set)
            kvf(&sb, "max_ports", "%u", ct->ports.value);
        if (ct->vectors.set)
            kvf(&sb, "vectors", "%u", ct->vectors.value);
    } else {
        rc = fail(c, "%s", what);
        goto done;
    }
    if (rc == 0)
        rc = add_pci_address(c, &sb, &ct->info, what);
    if (rc == 0) {
        opt_sb(c, "-device", &sb);
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
    int xp = !streq(x->type, "pci"), yp = !streq(y->type, "pci");
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
static int build_controllers(lv__qcmd *c, int phase)
{
    const lv_domain_def *def = c->def;
    size_t n = def->ncontrollers;
    const lv_controller_def **sorted = lv_malloc0((n + 1) * sizeof(*sorted));
    int rc = 0;

    for (size_t i = 0; i < n; i++)
        sorted[i] = &def->controllers[i];
    qsort(sorted, n, sizeof(*sorted), compare_controllers);
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (streq(sorted[i]->type, "pci") ? phase != 0 : !in_phase(&sorted[i]->info, phase))
            continue;
        rc = build_controller(c, sorted[i]);
    }
    free(sorted);
    return rc;
}

/* Controllers that devices need and the definition does not list, left to qemu
 * to place: what libvirt would have added to the definition. */
static void build_implicit_controllers(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;

    if (c->need_usb && !find_controller(def, "usb", 0))
        argf(c, "-device"), argf(c, "qemu-xhci,id=usb"); /* 15 ports, on pc too */
    if (c->need_sata && !find_controller(def, "sata", 0) && !c->q35)
        argf(c, "-device"), argf(c, "ich9-ahci,id=sata0");
    if (c->need_scsi && !find_controller(def, "scsi", 0))
        argf(c, "-device"), argf(c, "virtio-scsi-pci,id=scsi0");
    if (c->need_vioser && !find_controller(def, "virtio-serial", 0))
        argf(c, "-device"), argf(c, "virtio-serial-pci,id=virtio-serial0");
}

/* Finds which implicit controllers are needed before anything is emitted (they
 * must come before the devices on them). */
static int scan_needs(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;
    lv_strbuf tmp;
    int rc = 0;

    lv_strbuf_init(&tmp);
    for (size_t i = 0; i < def->ndisks && rc == 0; i++) {
        const lv_disk_def *d = &def->disks[i];
        const char *bus = disk_bus(d);
        lv__drive_loc loc;
        drive_loc(def, d, &loc);
        if (streq(bus, "scsi") && !find_controller(def, "scsi", loc.controller)) {
            if (loc.controller != 0)
                rc = fail(c, "disk '%s': no <controller type='scsi' index='%u'>", d->target_dev,
                          loc.controller);
            c->need_scsi = true;
        } else if (streq(bus, "sata") && !find_controller(def, "sata", loc.controller)) {
            if (loc.controller != 0)
                rc = fail(c, "disk '%s': no <controller type='sata' index='%u'>", d->target_dev,
                          loc.controller);
            c->need_sata = true;
        } else if (streq(bus, "usb")) {
            char what[300];
            snprintf(what, sizeof(what), "disk '%s'", d->target_dev);
            rc = add_usb_address(c, &tmp, &d->info, what);
        }
    }
    for (size_t i = 0; i < def->ninputs && rc == 0; i++)
        if (def->inputs[i].bus && streq(def->inputs[i].bus, "usb")) {
            char what[64];
            snprintf(what, sizeof(what), "input %s on usb", def->inputs[i].type);
            rc = add_usb_address(c, &tmp, &def->inputs[i].info, what);
        }
    for (size_t i = 0; i < def->nserials && rc == 0; i++) {
        char what[64];
        snprintf(what, sizeof(what), "serial %zu", i);
        if (def->serials[i].target_type && streq(def->serials[i].target_type, "usb-serial"))
            rc = add_usb_address(c, &tmp, &def->serials[i].info, what);
    }
    for (size_t i = 0; i < def->nchannels && rc == 0; i++) {
        char what[64];
        snprintf(what, sizeof(what), "channel %zu", i);
        rc = add_vioser_address(c, &tmp, &def->channels[i].info, what);
    }
    for (size_t i = 0; i < def->nconsoles && rc == 0; i++) {
        char what[64];
        snprintf(what, sizeof(what), "console %zu", i);
        if (def->consoles[i].target_type && streq(def->consoles[i].target_type, "virtio"))
            rc = add_vioser_address(c, &tmp, &def->consoles[i].info, what);
    }
    lv_strbuf_clear(&tmp);
    return rc;
}

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

static int check_disk_indexes(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;

    for (size_t i = 0; i < def->ndisks; i++)
        for (size_t j = i + 1; j < def->ndisks; j++)
            if (disk_node_index(def, i) == disk_node_index(def, j))
                return fail(c, "disks '%s' and '%s' have the same <source index='%u'>",
                            def->disks[i].target_dev, def->disks[j].target_dev,
                            disk_node_index(def, i));
    return 0;
}

static int build_disk(lv__qcmd *c, size_t i)
{
    const lv_domain_def *def = c->def;
    const lv_disk_def *d = &def->disks[i];
    const char *bus = disk_bus(d);
    const char *cache = d->driver_cache;
    bool cdrom = is_cdrom(d);
    bool direct = false, noflush = false, wcache = true;
    const char *path = NULL;
    char what[300];
    unsigned n = disk_node_index(def, i);
    lv__drive_loc loc;
    lv_strbuf sb;
    int rc = 0;

    snprintf(what, sizeof(what), "disk '%s'", d->target_dev);
    if (d->type && streq(d->type, "volume"))
        return fail(c,
                    "%s: type='volume' needs the storage driver (give a file or block "
                    "source)",
                    what);
    path = d->type && streq(d->type, "block") ? d->source_dev : d->source_file;
    if (!path && !cdrom)
        return fail(c, "%s: no source", what);
    if (d->driver_name && !streq(d->driver_name, "qemu"))
        return fail(c, "%s: driver name '%s'", what, d->driver_name);
    if (cache && !streq(cache, "default")) {
        direct = streq(cache, "none") || streq(cache, "directsync");
        noflush = streq(cache, "unsafe");
        wcache = !streq(cache, "writethrough") && !streq(cache, "directsync");
    } else {
        cache = NULL;
    }
    if (d->driver_io && streq(d->driver_io, "native") && !direct)
        return fail(c, "%s: io='native' needs cache='none' or 'directsync' (O_DIRECT)", what);
    if (d->readonly && !cdrom && (streq(bus, "ide") || streq(bus, "sata")))
        return fail(c, "%s: a read-only %s hard disk (qemu's ide-hd cannot be read-only)", what,
                    bus);
    if (cdrom && (streq(bus, "virtio") || streq(bus, "usb")))
        return fail(c, "%s: a cdrom on bus '%s'", what, bus);
    drive_loc(def, d, &loc);

    char node[40];
    snprintf(node, sizeof(node), "libvirt-%u-format", n);
    if (path) {
        kv_begin(&sb, "");
        kv(&sb, "driver",
           d->type && streq(d->type, "block") ? (cdrom ? "host_cdrom" : "host_device") : "file");
        kv(&sb, "filename", path);
        kvf(&sb, "node-name", "libvirt-%u-storage", n);
        kv(&sb, "auto-read-only", "on");
        if (d->driver_discard)
            kv(&sb, "discard", d->driver_discard);
        if (cache) {
            kv_onoff(&sb, "cache.direct", direct);
            kv_onoff(&sb, "cache.no-flush", noflush);
        }
        if (d->driver_io)
            kv(&sb, "aio", d->driver_io);
        opt_sb(c, "-blockdev", &sb);

        kv_begin(&sb, "");
        kv(&sb, "driver", d->driver_type ? d->driver_type : "raw");
        kv(&sb, "node-name", node);
        kv_onoff(&sb, "read-only", d->readonly || cdrom);
        if (d->driver_discard)
            kv(&sb, "discard", d->driver_discard);
        if (d->driver_detect_zeroes) {
            const char *dz = d->driver_detect_zeroes;
            if (streq(dz, "unmap") && !(d->driver_discard && streq(d->driver_discard, "unmap")))
                dz = "on"; /* qemu refuses unmap without discard=unmap, libvirt says on */
            kv(&sb, "detect-zeroes", dz);
        }
        if (cache) {
            kv_onoff(&sb, "cache.direct", direct);
            kv_onoff(&sb, "cache.no-flush", noflush);
        }
        kvf(&sb, "file", "libvirt-%u-storage", n);
        opt_sb(c, "-blockdev", &sb);
    }

    char *alias = disk_alias(def, d);
    if (streq(bus, "virtio")) {
        kv_begin(&sb, "virtio-blk-pci");
        rc = add_pci_address(c, &sb, &d->info, what);
    } else if (streq(bus, "ide")) {
        kv_begin(&sb, cdrom ? "ide-cd" : "ide-hd");
        if (c->q35)
            rc = fail(c, "%s: bus 'ide' on a q35 machine (it has SATA: use bus='sata')", what);
        else if (loc.controller != 0 || loc.bus > 1 || loc.unit > 1 || loc.target != 0)
            rc = fail(c, "%s: IDE address %u:%u:%u:%u (the PC has buses 0-1, units 0-1)", what,
                      loc.controller, loc.bus, loc.target, loc.unit);
        kvf(&sb, "bus", "ide.%u", loc.bus);
        kvf(&sb, "unit", "%u", loc.unit);
    } else if (streq(bus, "sata")) {
        kv_begin(&sb, cdrom ? "ide-cd" : "ide-hd");
        if (loc.bus != 0 || loc.unit > 5 || loc.target != 0)
            rc = fail(c, "%s: SATA address %u:%u:%u:%u (bus 0, units 0-5: the ports)", what,
                      loc.controller, loc.bus, loc.target, loc.unit);
        char *cid = controller_id(c, "sata", loc.controller);
        kvf(&sb, "bus", "%s.%u", cid, loc.unit);
        free(cid);
    } else if (streq(bus, "scsi")) {
        kv_begin(&sb, cdrom ? "scsi-cd" : "scsi-hd");
        if (scsi_is_lsi(def, loc.controller)) {
            kvf(&sb, "bus", "scsi%u.%u", loc.controller, loc.bus);
            kvf(&sb, "scsi-id", "%u", loc.unit);
        } else {
            kvf(&sb, "bus", "scsi%u.0", loc.controller);
            kvf(&sb, "channel", "%u", loc.bus);
            kvf(&sb, "scsi-id", "%u", loc.target);
            kvf(&sb, "lun", "%u", loc.unit);
        }
    } else if (streq(bus, "usb")) {
        kv_begin(&sb, "usb-storage");
        rc = add_usb_address(c, &sb, &d->info, what);
        if (d->target_removable != LV_TRISTATE_ABSENT)
            kv_onoff(&sb, "removable", d->target_removable == LV_TRISTATE_YES);
    } else {
        kv_begin(&sb, "");
        rc = fail(c, "%s: bus '%s'", what, bus);
    }
    if (path)
        kv(&sb, "drive", node);
    kv(&sb, "id", alias);
    add_bootindex(&sb, c->boot[i]);
    if (cache)
        kv_onoff(&sb, "write-cache", wcache);
    if (d->serial)
        kv(&sb, "serial", d->serial);
    if (d->shareable)
        kv(&sb, "share-rw", "on");
    if (d->driver_error_policy) {
        const char *w =
            streq(d->driver_error_policy, "enospace") ? "enospc" : d->driver_error_policy;
        kv(&sb, "werror", w);
        if (!d->driver_rerror_policy && !streq(w, "enospc"))
            kv(&sb, "rerror", w);
    }
    if (d->driver_rerror_policy)
        kv(&sb, "rerror", d->driver_rerror_policy);
    free(alias);
    if (rc < 0) {
        lv_strbuf_clear(&sb);
        return -1;
    }
    opt_sb(c, "-device", &sb);
    return 0;
}

static int build_disks(lv__qcmd *c, int phase)
{
    for (size_t i = 0; i < c->def->ndisks; i++) {
        const lv_disk_def *d = &c->def->disks[i];
        /* only virtio disks are PCI devices themselves */
        bool pci = streq(disk_bus(d), "virtio") && d->info.address.type == LV_ADDRESS_PCI;
        if (pci != (phase == 0))
            continue;
        if (build_disk(c, i) < 0)
            return -1;
    }
    return 0;
}

/* ---- network ------------------------------------------------------------------------------ */

static int build_nets(lv__qcmd *c, int phase)
{
    const lv_domain_def *def = c->def;

    for (size_t i = 0; i < def->nnets; i++) {
        const lv_net_def *n = &def->nets[i];
        const char *model = n->model_type ? n->model_type : "virtio";
        char what[80];
        lv_strbuf sb;
        int rc = 0;

        if (!in_phase(&n->info, phase))
            continue;
        snprintf(what, sizeof(what), "interface %zu (%s)", i, n->mac ? n->mac : "no mac");
        if (n->driver_queues.set && n->driver_queues.value > 1)
            return fail(c,
                        "%s: <driver queues='%u'> (multiqueue needs one TAP fd per queue; "
                        "not done yet)",
                        what, n->driver_queues.value);
        char *alias = dev_alias(&n->info, "net", i);
        char *netid = lv_asprintf("host%s", alias);
        if (streq(n->type, "user")) {
            kv_begin(&sb, "user");
            kv(&sb, "id", netid);
            if (n->driver_name && streq(n->driver_name, "vhost"))
                rc = fail(c, "%s: vhost with type='user'", what);
        } else {
            int fd = i < c->l->nnet_fds ? c->l->net_fds[i] : -1;
            kv_begin(&sb, "tap");
            if (fd < 0) {
                free(netid);
                free(alias);
                lv_strbuf_clear(&sb);
                return lv_error_set(c->err, LV_ERR_INVALID_ARG,
                                    "%s: type='%s' needs a TAP device, and the driver gave "
                                    "none (the network part is not done yet)",
                                    what, n->type);
            }
            kvf(&sb, "fd", "%d", fd);
            kv(&sb, "id", netid);
            if (n->driver_name)
                kv_onoff(&sb, "vhost", streq(n->driver_name, "vhost"));
        }
        if (rc < 0) {
            lv_strbuf_clear(&sb);
            free(netid);
            free(alias);
            return -1;
        }
        opt_sb(c, "-netdev", &sb);

        if (streq(model, "virtio") || !strncmp(model, "virtio-", 7))
            kv_begin_virtio(&sb, "virtio-net-pci", model);
        else if (streq(model, "e1000") || streq(model, "e1000e") || streq(model, "rtl8139"))
            kv_begin(&sb, model);
        else {
            kv_begin(&sb, "");
            rc = fail(c, "%s: model '%s'", what, model);
        }
        kv(&sb, "netdev", netid);
        kv(&sb, "id", alias);
        if (n->mac)
            kv(&sb, "mac", n->mac);
        if (n->mtu_size.set) {
            if (strncmp(model, "virtio", 6))
                rc = fail(c, "%s: <mtu> needs a virtio model", what);
            kvf(&sb, "host_mtu", "%u", n->mtu_size.value);
        }
        if (rc == 0)
            rc = add_pci_address(c, &sb, &n->info, what);
        add_bootindex(&sb, c->boot[def->ndisks + i]);
        free(netid);
        free(alias);
        if (rc < 0) {
            lv_strbuf_clear(&sb);
            return -1;
        }
        opt_sb(c, "-device", &sb);
    }
    return 0;
}

/* ---- input, graphics, video --------------------------------------------------------------- */

static int build_inputs(lv__qcmd *c, int phase)
{
    const lv_domain_def *def = c->def;

    for (size_t i = 0; i < def->ninputs; i++) {
        const lv_input_def *in = &def->inputs[i];
        const char *bus = in->bus ? in->bus : (streq(in->type, "tablet") ? "usb" : "ps2");
        char what[64];
        lv_strbuf sb;
        int rc;

        if (!in_phase(&in->info, phase))
            continue;
        snprintf(what, sizeof(what), "input %s on %s", in->type, bus);
        if (streq(bus, "ps2")) {
            /* the PC's own i8042 */
            if (streq(in->type, "tablet"))
                return fail(c, "%s: there is no PS/2 tablet", what);
            if (in->info.address.type != LV_ADDRESS_NONE)
                return fail(c, "%s: takes no <address>", what);
            continue;
        }
        char *alias = dev_alias(&in->info, "input", i);
        if (streq(bus, "usb")) {
            kv_begin(&sb, streq(in->type, "tablet")  ? "usb-tablet"
                          : streq(in->type, "mouse") ? "usb-mouse"
                                                     : "usb-kbd");
            kv(&sb, "id", alias);
            rc = add_usb_address(c, &sb, &in->info, what);
        } else {
            kv_begin(&sb, streq(in->type, "tablet")  ? "virtio-tablet-pci"
                          : streq(in->type, "mouse") ? "virtio-mouse-pci"
                                                     : "virtio-keyboard-pci");
            kv(&sb, "id", alias);
            rc = add_pci_address(c, &sb, &in->info, what);
        }
        free(alias);
        if (rc < 0) {
            lv_strbuf_clear(&sb);
            return -1;
        }
        opt_sb(c, "-device", &sb);
    }
    return 0;
}

static int build_audio(lv__qcmd *c)
{
    for (size_t i = 0; i < c->def->naudios; i++) {
        const lv_audio_def *a = &c->def->audios[i];
        arg(c, "-audiodev");
        argf(c, "none,id=audio%u", a->id.set ? a->id.value : (unsigned)i + 1);
    }
    return 0;
}

static int build_graphics(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;
    lv_strbuf sb;

    if (def->ngraphics == 0) {
        arg(c, "-display");
        arg(c, "none");
        return 0;
    }
    if (def->ngraphics > 1)
        return fail(c, "more than one <graphics> (qemu has one VNC server)");
    const lv_graphics_def *g = &def->graphics[0];
    const char *ltype = g->listen_type ? g->listen_type : "address";
    bool autoport = g->autoport == LV_TRISTATE_YES || (g->port.set && g->port.value == -1) ||
                    (!g->port.set && g->autoport != LV_TRISTATE_NO);

    lv_strbuf_init(&sb);
    if (streq(ltype, "none")) {
        lv_strbuf_add(&sb, "none");
    } else if (streq(ltype, "socket")) {
        char *path = g->listen_socket    ? lv_strdup(g->listen_socket)
                     : c->l->runtime_dir ? lv_asprintf("%s/%s.vnc", c->l->runtime_dir, def->name)
                                         : NULL;
        if (!path)
            return fail(c, "<graphics type='vnc'> on a socket without a path (and no runtime "
                           "directory to put one in)");
        lv_strbuf_add(&sb, "unix:");
        add_escaped(&sb, path);
        free(path);
        if (g->websocket.set)
            return lv_strbuf_clear(&sb),
                   fail(c, "<graphics type='vnc' websocket> with a socket listener");
    } else {
        const char *addr = g->listen_address ? g->listen_address
                           : g->listen       ? g->listen
                                             : "127.0.0.1";
        char host[300];
        if (strchr(addr, ':'))
            snprintf(host, sizeof(host), "[%s]", addr); /* IPv6 */
        else
            snprintf(host, sizeof(host), "%s", addr);
        if (!autoport) {
            if (g->port.value < 5900 || g->port.value > 65535)
                return fail(c, "<graphics type='vnc' port='%d'> (VNC ports start at 5900)",
                            g->port.value);
            add_escaped(&sb, host);
            lv_strbuf_addf(&sb, ":%d", g->port.value - 5900);
        } else if (c->l->vnc_port >= 5900) {
            add_escaped(&sb, host);
            lv_strbuf_addf(&sb, ":%d", c->l->vnc_port - 5900);
        } else {
            add_escaped(&sb, host);
            lv_strbuf_add(&sb, ":0");
            kv(&sb, "to", "99");
        }
        if (g->websocket.set && g->websocket.value == -1)
            kv(&sb, "websocket", "on");
        else if (g->websocket.set)
            kvf(&sb, "websocket", "%d", g->websocket.value);
    }
    if (g->share_policy)
        kv(&sb, "share", g->share_policy);
    if (g->passwd)
        kv(&sb, "password", "on");
    if (def->naudios)
        kvf(&sb, "audiodev", "audio%u", def->audios[0].id.set ? def->audios[0].id.value : 1);
    opt_sb(c, "-vnc", &sb);
    if (g->keymap) {
        arg(c, "-k");
        arg(c, g->keymap);
    }
    return 0;
}

static int build_videos(lv__qcmd *c, int phase)
{
    const lv_domain_def *def = c->def;
    bool have_vga = false;

    for (size_t i = 0; i < def->nvideos; i++) {
        const lv_video_def *v = &def->videos[i];
        const char *m = v->model_type ? v->model_type : "vga";
        bool primary = v->model_primary == LV_TRISTATE_YES ||
                       (i == 0 && v->model_primary == LV_TRISTATE_ABSENT);
        char what[64];
        lv_strbuf sb;
        int rc = 0;

        if (!in_phase(&v->info, phase))
            continue;
        snprintf(what, sizeof(what), "video %zu (%s)", i, m);
        if (streq(m, "none"))
            continue;
        if (!primary && (streq(m, "vga") || streq(m, "cirrus") || streq(m, "ramfb")))
            return fail(c, "%s: only the primary video device can be %s", what, m);
        if (primary && have_vga)
            return fail(c, "%s: a second primary video device", what);
        if (primary)
            have_vga = true;
        char *alias = dev_alias(&v->info, "video", i);
        if (streq(m, "vga")) {
            kv_begin(&sb, "VGA");
            kv(&sb, "id", alias);
            if (v->model_vram.set)
                kvf(&sb, "vgamem_mb", "%u", v->model_vram.value / 1024);
        } else if (streq(m, "cirrus")) {
            kv_begin(&sb, "cirrus-vga");
            kv(&sb, "id", alias);
        } else if (streq(m, "virtio")) {
            kv_begin(&sb, primary ? "virtio-vga" : "virtio-gpu-pci");
            kv(&sb, "id", alias);
            if (v->model_heads.set)
                kvf(&sb, "max_outputs", "%u", v->model_heads.value);
        } else if (streq(m, "qxl")) {
            kv_begin(&sb, primary ? "qxl-vga" : "qxl");
            kv(&sb, "id", alias);
            if (v->model_ram.set)
                kvf(&sb, "ram_size", "%llu", (unsigned long long)v->model_ram.value * 1024);
            if (v->model_vram.set)
                kvf(&sb, "vram_size", "%llu", (unsigned long long)v->model_vram.value * 1024);
            if (v->model_vgamem.set)
                kvf(&sb, "vgamem_mb", "%u", v->model_vgamem.value / 1024);
            if (v->model_heads.set)
                kvf(&sb, "max_outputs", "%u", v->model_heads.value);
        } else if (streq(m, "bochs")) {
            kv_begin(&sb, "bochs-display");
            kv(&sb, "id", alias);
            if (v->model_vram.set)
                kvf(&sb, "vgamem", "%llu", (unsigned long long)v->model_vram.value * 1024);
        } else if (streq(m, "ramfb")) {
            kv_begin(&sb, "ramfb");
            kv(&sb, "id", alias);
            if (v->info.address.type != LV_ADDRESS_NONE)
                rc = fail(c, "%s: takes no <address>", what);
        } else {
            kv_begin(&sb, "");
            rc = fail(c, "%s: model", what);
        }
        if (rc == 0 && !streq(m, "ramfb"))
            rc = add_pci_address(c, &sb, &v->info, what);
        free(alias);
        if (rc < 0) {
            lv_strbuf_clear(&sb);
            return -1;
        }
        opt_sb(c, "-device", &sb);
    }
    return 0;
}

/* ---- the rest of the devices -------------------------------------------------------------- */

static int build_balloon(lv__qcmd *c, int phase)
{
    const lv_memballoon_def *b = c->def->memballoon;
    lv_strbuf sb;

    if (!b || !b->model || streq(b->model, "none") || !in_phase(&b->info, phase))
        return 0;
    char *alias = dev_alias(&b->info, "balloon", 0);
    kv_begin_virtio(&sb, "virtio-balloon-pci", b->model);
    kv(&sb, "id", alias);
    free(alias);
    if (add_pci_address(c, &sb, &b->info, "memballoon") < 0) {
        lv_strbuf_clear(&sb);
        return -1;
    }
    if (b->autodeflate != LV_TRISTATE_ABSENT)
        kv_onoff(&sb, "deflate-on-oom", b->autodeflate == LV_TRISTATE_YES);
    if (b->free_page_reporting != LV_TRISTATE_ABSENT)
        kv_onoff(&sb, "free-page-reporting", b->free_page_reporting == LV_TRISTATE_YES);
    opt_sb(c, "-device", &sb);
    return 0;
}

static int build_rngs(lv__qcmd *c, int phase)
{
    for (size_t i = 0; i < c->def->nrngs; i++) {
        const lv_rng_def *r = &c->def->rngs[i];
        lv_strbuf sb;
        char what[32];

        if (!in_phase(&r->info, phase))
            continue;
        snprintf(what, sizeof(what), "rng %zu", i);
        if (r->backend_model && !streq(r->backend_model, "random"))
            return fail(c, "%s: backend model '%s'", what, r->backend_model);
        char *alias = dev_alias(&r->info, "rng", i);
        char *obj = lv_asprintf("obj%s", alias);
        kv_begin(&sb, "rng-random");
        kv(&sb, "id", obj);
        kv(&sb, "filename", r->backend_path ? r->backend_path : "/dev/urandom");
        opt_sb(c, "-object", &sb);
        kv_begin_virtio(&sb, "virtio-rng-pci", r->model);
        kv(&sb, "rng", obj);
        kv(&sb, "id", alias);
        free(obj);
        free(alias);
        if (r->rate_bytes.set) {
            kvf(&sb, "max-bytes", "%u", r->rate_bytes.value);
            kvf(&sb, "period", "%u", r->rate_period.set ? r->rate_period.value : 1000);
        }
        if (add_pci_address(c, &sb, &r->info, what) < 0) {
            lv_strbuf_clear(&sb);
            return -1;
        }
        opt_sb(c, "-device", &sb);
    }
    return 0;
}

static int build_watchdogs(lv__qcmd *c)
{
    for (size_t i = 0; i < c->def->nwatchdogs; i++) {
        const lv_watchdog_def *w = &c->def->watchdogs[i];
        if (!w->model || !streq(w->model, "itco"))
            return fail(c, "<watchdog model='%s'>", w->model ? w->model : "");
        if (!c->q35)
            return fail(c, "<watchdog model='itco'> needs a q35 machine (it is the ICH9's own)");
        arg(c, "-global");
        arg(c, "ICH9-LPC.noreboot=off");
        arg(c, "-action");
        argf(c, "watchdog=%s", w->action ? w->action : "reset");
    }
    return 0;
}

/* ---- checks of the rest ------------------------------------------------------------------- */

static int check_misc(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;
    const lv_features_def *f = &def->features;

    if (def->os_type && !streq(def->os_type, "hvm"))
        return fail(c, "<os><type>%s</type> (qemu runs hvm guests)", def->os_type);
    if (def->vcpu_placement && streq(def->vcpu_placement, "auto"))
        return fail(c, "<vcpu placement='auto'> (numad placement is not done)");
    if (def->vcpu_cpuset)
        return fail(c, "<vcpu cpuset='%s'> (CPU pinning is not done yet)", def->vcpu_cpuset);
    if (f->hap && f->hap_state == LV_TRISTATE_NO)
        return fail(c, "<hap state='off'> (qemu uses EPT/NPT whenever KVM has it)");
    for (size_t i = 0; i < def->nseclabels; i++) {
        const lv_seclabel_def *s = &def->seclabels[i];
        if (s->type && streq(s->type, "static"))
            return fail(c, "<seclabel type='static'> (no security driver applies labels)");
    }
    return 0;
}

/* ---- the whole argv ----------------------------------------------------------------------- */

static int build(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;
    const lv_qemu_launch *l = c->l;
    char uuid[LV_UUID_STRING_LEN];
    lv_strbuf sb;
    const char *accel = l->accel;

    if (!accel) {
        if (!def->virt_type || streq(def->virt_type, "kvm"))
            accel = "kvm";
        else if (streq(def->virt_type, "qemu"))
            accel = "tcg";
        else
            return fail(c, "<domain type='%s'> does not run under qemu (kvm or qemu do)",
                        def->virt_type);
    }
    if (!streq(accel, "kvm") && !streq(accel, "tcg"))
        return lv_error_set(c->err, LV_ERR_INVALID_ARG, "unknown accelerator '%s'", accel);
    c->kvm = streq(accel, "kvm");
    c->machine = def->os.machine      ? def->os.machine
                 : l->default_machine ? l->default_machine
                                      : LV_QEMU_DEFAULT_MACHINE;
    c->q35 = machine_is_q35(c->machine);
    if (!c->q35 && !machine_is_pc(c->machine))
        return fail(c, "machine type '%s' (pc and q35 machines are known)", c->machine);
    c->root_bus = c->q35 ? "pcie.0" : "pci.0";
    if (check_misc(c) < 0 || check_disk_indexes(c) < 0 || assign_boot(c) < 0 || scan_needs(c) < 0)
        return -1;

    arg(c, l->emulator ? l->emulator : def->emulator ? def->emulator : LV_QEMU_DEFAULT_EMULATOR);
    kv_begin(&sb, "");
    kv(&sb, "guest", def->name);
    kv(&sb, "debug-threads", "on");
    opt_sb(c, "-name", &sb);
    arg(c, "-S");
    if (build_machine(c) < 0 || build_cpu(c) < 0)
        return -1;
    arg(c, "-m");
    kv_begin(&sb, "");
    kvf(&sb, "size", "%lluk", (unsigned long long)def->memory_kib);
    if (def->max_memory_kib) {
        kvf(&sb, "slots", "%u", def->max_memory_slots);
        kvf(&sb, "maxmem", "%lluk", (unsigned long long)def->max_memory_kib);
    }
    push(c, lv_strbuf_steal(&sb));
    if (build_smp(c) < 0)
        return -1;
    lv_uuid_format(def->uuid, uuid);
    arg(c, "-uuid");
    arg(c, uuid);
    arg(c, "-no-user-config");
    arg(c, "-nodefaults");
    for (size_t i = 0; i < l->nmonitors; i++) {
        char id[32];
        snprintf(id, sizeof(id), i ? "charmonitor%zu" : "charmonitor", i);
        kv_begin(&sb, "socket");
        kv(&sb, "id", id);
        if (l->monitors[i].path)
            kv(&sb, "path", l->monitors[i].path);
        else
            kvf(&sb, "fd", "%d", l->monitors[i].fd);
        kv(&sb, "server", "on");
        kv(&sb, "wait", "off");
        opt_sb(c, "-chardev", &sb);
        arg(c, "-mon");
        if (i)
            argf(c, "chardev=%s,id=monitor%zu,mode=control", id, i);
        else
            argf(c, "chardev=%s,id=monitor,mode=control", id);
    }
    if (l->pidfile) {
        arg(c, "-pidfile");
        arg(c, l->pidfile);
    }
    if (build_clock(c) < 0)
        return -1;
    unsigned sflags = lv_qemu_shutdown_flags(def);
    if (sflags & LV_QEMU_NO_SHUTDOWN)
        arg(c, "-no-shutdown");
    if (sflags & LV_QEMU_NO_REBOOT)
        arg(c, "-no-reboot");
    build_pm(c);
    build_boot(c);
    if (def->os.bios_useserial == LV_TRISTATE_YES) {
        arg(c, "-device");
        arg(c, "sga");
    }
    /* everything with a PCI address from the definition first, then what qemu
     * places itself (in_phase) */
    for (int phase = 0; phase < 2; phase++) {
        if (build_controllers(c, phase) < 0)
            return -1;
        if (phase == 1)
            build_implicit_controllers(c);
        if (build_disks(c, phase) < 0 || build_nets(c, phase) < 0 || build_serials(c, phase) < 0)
            return -1;
        if (phase == 1 && (build_consoles(c) < 0 || build_channels(c) < 0))
            return -1;
        if (build_inputs(c, phase) < 0)
            return -1;
        if (phase == 1 && (build_audio(c) < 0 || build_graphics(c) < 0))
            return -1;
        if (build_videos(c, phase) < 0 || build_balloon(c, phase) < 0 || build_rngs(c, phase) < 0)
            return -1;
    }
    if (build_watchdogs(c) < 0)
        return -1;
    if (def->features.vmcoreinfo && def->features.vmcoreinfo_state != LV_TRISTATE_NO) {
        arg(c, "-device");
        arg(c, "vmcoreinfo");
    }
    if (!l->no_sandbox) {
        arg(c, "-sandbox");
        arg(c, "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
    }
    arg(c, "-msg");
    arg(c, "timestamp=on");
    return 0;
}

int lv_qemu_build_argv(const lv_domain_def *def, const lv_qemu_launch *launch, char ***argv,
                       lv_error *err)
{
    static const lv_qemu_launch none = {0};
    lv__qcmd c = {.def = def, .l = launch ? launch : &none, .err = err};
    int rc = build(&c);

    free(c.boot);
    if (rc < 0) {
        lv_qemu_argv_free(c.argv);
        *argv = NULL;
        return -1;
    }
    *argv = c.argv;
    return 0;
}

void lv_qemu_argv_free(char **argv)
{
    if (!argv)
        return;
    for (char **p = argv; *p; p++)
        free(*p);
    free(argv);
}

/* ---- aliases ------------------------------------------------------------------------------ */

static void set_alias(lv_device_info *info, char *alias)
{
    if (info->alias)
        free(alias);
    else
        info->alias = alias;
}

void lv_qemu_assign_aliases(lv_domain_def *def)
{
    for (size_t i = 0; i < def->ndisks; i++)
        set_alias(&def->disks[i].info, disk_alias(def, &def->disks[i]));
    for (size_t i = 0; i < def->nnets; i++)
        set_alias(&def->nets[i].info, lv_asprintf("net%zu", i));
    for (size_t i = 0; i < def->nserials; i++)
        set_alias(&def->serials[i].info, lv_asprintf("serial%zu", i));
    for (size_t i = 0; i < def->nconsoles; i++) {
        lv_chardev_def *s = &def->consoles[i];
        if (!s->target_type || streq(s->target_type, "serial")) {
            unsigned port = s->target_port.set ? s->target_port.value : 0;
            if (port < def->nserials && def->serials[port].info.alias && !s->info.alias)
                s->info.alias = lv_strdup(def->serials[port].info.alias);
            continue;
        }
        set_alias(&s->info, lv_asprintf("console%zu", i));
    }
    for (size_t i = 0; i < def->nchannels; i++)
        set_alias(&def->channels[i].info, lv_asprintf("channel%zu", i));
    for (size_t i = 0; i < def->ninputs; i++)
        set_alias(&def->inputs[i].info, lv_asprintf("input%zu", i));
    for (size_t i = 0; i < def->nvideos; i++)
        set_alias(&def->videos[i].info, lv_asprintf("video%zu", i));
    if (def->memballoon)
        set_alias(&def->memballoon->info, lv_strdup("balloon0"));
    for (size_t i = 0; i < def->nrngs; i++)
        set_alias(&def->rngs[i].info, lv_asprintf("rng%zu", i));
}

/* ---- text --------------------------------------------------------------------------------- */

static bool shell_safe(const char *s)
{
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                    "_@%+=:,./-",
                    *p))
            return false;
    return true;
}

static void add_quoted(lv_strbuf *sb, const char *s)
{
    if (shell_safe(s)) {
        lv_strbuf_add(sb, s);
        return;
    }
    lv_strbuf_add(sb, "'");
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            lv_strbuf_add(sb, "'\\''");
        else
            lv_strbuf_addn(sb, p, 1);
    }
    lv_strbuf_add(sb, "'");
}

char *lv_qemu_argv_to_text(char *const *argv, unsigned flags)
{
    lv_strbuf sb;

    lv_strbuf_init(&sb);
    for (size_t i = 0; argv && argv[i]; i++) {
        if (i > 0) {
            /* a new line for every option; its value stays with it */
            bool value = argv[i][0] != '-' && argv[i - 1][0] == '-' && i > 1;
            lv_strbuf_add(&sb, (flags & LV_QEMU_TEXT_LINES) && !value ? " \\\n" : " ");
        }
        add_quoted(&sb, argv[i]);
    }
    lv_strbuf_add(&sb, "\n");
    return lv_strbuf_steal(&sb);
}
