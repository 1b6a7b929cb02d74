/* The guest as a whole: -machine (with the firmware's pflash), -cpu, -smp, the
 * clock, power-off and reboot behaviour, power management and boot options. */
#include "qemu_command_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"

/* ---- the machine -------------------------------------------------------------------------- */

bool lv__qc_machine_is_q35(const char *m)
{
    return lv__qc_streq(m, "q35") || !strncmp(m, "pc-q35-", 7);
}

bool lv__qc_machine_is_pc(const char *m)
{
    return lv__qc_streq(m, "pc") || !strncmp(m, "pc-i440fx-", 10) || !strncmp(m, "pc-", 3);
}

static int build_pflash(lv__qcmd *c, lv_strbuf *machine)
{
    const lv_os_def *os = &c->def->os;
    bool pflash = os->loader_type && lv__qc_streq(os->loader_type, "pflash");

    if (!os->loader) {
        if (os->firmware && lv__qc_streq(os->firmware, "efi"))
            return lv__qc_fail(c, "<os firmware='efi'> without a <loader> path (firmware "
                                  "autoselection is not done yet)");
        if (os->nvram)
            return lv__qc_fail(c, "<nvram> without a pflash <loader>");
        return 0;
    }
    if (!pflash) {
        if (os->nvram)
            return lv__qc_fail(c, "<nvram> needs <loader type='pflash'>");
        if (os->loader_secure == LV_TRISTATE_YES)
            return lv__qc_fail(c, "<loader secure='yes'> needs type='pflash'");
        lv__qc_arg(c, "-bios");
        lv__qc_arg(c, os->loader);
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
        lv__qc_kv_begin(&sb, "");
        lv__qc_kv(&sb, "driver", "file");
        lv__qc_kv(&sb, "filename", fl[i].path);
        lv__qc_kvf(&sb, "node-name", "libvirt-pflash%d-storage", i);
        lv__qc_kv(&sb, "auto-read-only", "on");
        lv__qc_kv(&sb, "discard", "unmap");
        lv__qc_opt_sb(c, "-blockdev", &sb);
        lv__qc_kv_begin(&sb, "");
        lv__qc_kv(&sb, "driver", fl[i].format ? fl[i].format : "raw");
        lv__qc_kvf(&sb, "node-name", "libvirt-pflash%d-format", i);
        lv__qc_kv_onoff(&sb, "read-only", fl[i].readonly);
        lv__qc_kvf(&sb, "file", "libvirt-pflash%d-storage", i);
        lv__qc_opt_sb(c, "-blockdev", &sb);
        lv__qc_kvf(machine, i ? "pflash1" : "pflash0", "libvirt-pflash%d-format", i);
    }
    return 0;
}

static const lv_timer_def *find_timer(const lv_domain_def *def, const char *name)
{
    for (size_t i = 0; i < def->clock.ntimers; i++)
        if (lv__qc_streq(def->clock.timers[i].name, name))
            return &def->clock.timers[i];
    return NULL;
}

int lv__qc_build_machine(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;
    const lv_features_def *f = &def->features;
    lv_strbuf m;
    const lv_timer_def *t;

    lv__qc_kv_begin(&m, c->machine);
    lv__qc_kv(&m, "usb", "off");
    if (f->vmport_state)
        lv__qc_kv(&m, "vmport", f->vmport_state);
    if (f->smm_state)
        lv__qc_kv(&m, "smm", f->smm_state);
    if (!f->acpi)
        lv__qc_kv(&m, "acpi", "off");
    if ((t = find_timer(def, "hpet")) && t->present != LV_TRISTATE_ABSENT)
        lv__qc_kv_onoff(&m, "hpet", t->present == LV_TRISTATE_YES);
    if ((t = find_timer(def, "pit")) && t->present == LV_TRISTATE_NO)
        lv__qc_kv(&m, "pit", "off");
    lv__qc_kv(&m, "dump-guest-core", "off");
    if (build_pflash(c, &m) < 0) {
        lv_strbuf_clear(&m);
        return -1;
    }
    if (def->os.loader_secure == LV_TRISTATE_YES) {
        if (!c->q35) {
            lv_strbuf_clear(&m);
            return lv__qc_fail(c, "<loader secure='yes'> needs a q35 machine (SMM)");
        }
        if (f->smm_state && lv__qc_streq(f->smm_state, "off")) {
            lv_strbuf_clear(&m);
            return lv__qc_fail(c, "<loader secure='yes'> needs <smm state='on'>");
        }
    }
    lv__qc_opt_sb(c, "-machine", &m);
    if (def->os.loader_secure == LV_TRISTATE_YES) {
        lv__qc_arg(c, "-global");
        lv__qc_arg(c, "driver=cfi.pflash01,property=secure,value=on");
    }

    lv_strbuf a;
    lv__qc_kv_begin(&a, c->kvm ? "kvm" : "tcg");
    if (f->ioapic_driver) {
        if (!c->kvm) {
            lv_strbuf_clear(&a);
            return lv__qc_fail(c, "<ioapic driver='%s'> needs KVM (the domain runs under TCG)",
                               f->ioapic_driver);
        }
        lv__qc_kv(&a, "kernel-irqchip", lv__qc_streq(f->ioapic_driver, "qemu") ? "split" : "on");
    }
    lv__qc_opt_sb(c, "-accel", &a);
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

    if (f->hyperv_mode && lv__qc_streq(f->hyperv_mode, "passthrough")) {
        if (!c->kvm)
            return lv__qc_fail(c, "<hyperv mode='passthrough'> needs KVM");
        lv__qc_kv(sb, "hv-passthrough", "on");
    }
    for (size_t i = 0; i < sizeof(hv) / sizeof(hv[0]); i++) {
        lv_tristate v = *(const lv_tristate *)((const char *)f + hv[i].off);
        if (v != LV_TRISTATE_ABSENT)
            lv__qc_kv_onoff(sb, hv[i].name, v == LV_TRISTATE_YES);
    }
    if (f->hv_spinlocks == LV_TRISTATE_YES)
        lv__qc_kvf(sb, "hv-spinlocks", "0x%x",
                   f->hv_spinlocks_retries.set ? f->hv_spinlocks_retries.value : 0x1fff);
    else if (f->hv_spinlocks == LV_TRISTATE_NO)
        lv__qc_kv(sb, "hv-spinlocks", "0xffffffff");
    if (f->hv_vendor_id == LV_TRISTATE_YES) {
        if (!f->hv_vendor_id_value)
            return lv__qc_fail(c, "<hyperv><vendor_id state='on'> without a value");
        lv__qc_kv(sb, "hv-vendor-id", f->hv_vendor_id_value);
    }
    return 0;
}

int lv__qc_build_cpu(lv__qcmd *c)
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
        lv__qc_kv_begin(&sb, "qemu64");
    } else if (lv__qc_streq(mode, "host-passthrough")) {
        if (!c->kvm)
            return lv__qc_fail(c,
                               "<cpu mode='host-passthrough'> needs KVM (TCG cannot pass the host "
                               "CPU through; use mode='maximum')");
        lv__qc_kv_begin(&sb, "host");
        if (cpu->migratable != LV_TRISTATE_ABSENT)
            lv__qc_kv_onoff(&sb, "migratable", cpu->migratable == LV_TRISTATE_YES);
    } else if (lv__qc_streq(mode, "host-model")) {
        /* no CPU model expansion yet: what KVM passes through, what TCG can do */
        lv__qc_kv_begin(&sb, c->kvm ? "host" : "max");
    } else if (lv__qc_streq(mode, "maximum")) {
        lv__qc_kv_begin(&sb, "max");
        if (cpu->migratable != LV_TRISTATE_ABSENT)
            lv__qc_kv_onoff(&sb, "migratable", cpu->migratable == LV_TRISTATE_YES);
    } else {
        if (!cpu->model)
            return lv__qc_fail(c, "<cpu mode='custom'> without a <model>");
        lv__qc_kv_begin(&sb, cpu->model);
        if (cpu->vendor) {
            if (lv__qc_streq(cpu->vendor, "Intel"))
                lv__qc_kv(&sb, "vendor", "GenuineIntel");
            else if (lv__qc_streq(cpu->vendor, "AMD"))
                lv__qc_kv(&sb, "vendor", "AuthenticAMD");
            else {
                lv_strbuf_clear(&sb);
                return lv__qc_fail(c, "<cpu><vendor>%s</vendor> (Intel and AMD are known)",
                                   cpu->vendor);
            }
        }
    }
    for (size_t i = 0; i < cpu->nfeatures; i++) {
        const lv_cpu_feature *ft = &cpu->features[i];
        const char *p = ft->policy ? ft->policy : "require";
        bool on = !lv__qc_streq(p, "disable") && !lv__qc_streq(p, "forbid");
        lv__qc_kv_onoff(&sb, ft->name, on);
    }
    if (f->apic_eoi != LV_TRISTATE_ABSENT)
        lv__qc_kv_onoff(&sb, "kvm-pv-eoi", f->apic_eoi == LV_TRISTATE_YES);
    if (f->pvspinlock_state)
        lv__qc_kv(&sb, "kvm-pv-unhalt", f->pvspinlock_state);
    if (f->kvm_hidden_state)
        lv__qc_kv(&sb, "kvm", lv__qc_streq(f->kvm_hidden_state, "on") ? "off" : "on");
    if ((t = find_timer(def, "kvmclock")) && t->present != LV_TRISTATE_ABSENT)
        lv__qc_kv_onoff(&sb, "kvmclock", t->present == LV_TRISTATE_YES);
    if ((t = find_timer(def, "hypervclock")) && t->present != LV_TRISTATE_ABSENT)
        lv__qc_kv_onoff(&sb, "hv-time", t->present == LV_TRISTATE_YES);
    if ((t = find_timer(def, "tsc")) && t->frequency.set)
        lv__qc_kvf(&sb, "tsc-frequency", "%u", t->frequency.value);
    if (add_hyperv(c, &sb) < 0) {
        lv_strbuf_clear(&sb);
        return -1;
    }
    lv__qc_opt_sb(c, "-cpu", &sb);
    return 0;
}

int lv__qc_build_smp(lv__qcmd *c)
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
        lv__qc_kvf(&sb, "maxcpus", "%u", def->vcpus);
    lv__qc_kvf(&sb, "sockets", "%u", sockets);
    if (dies != 1)
        lv__qc_kvf(&sb, "dies", "%u", dies);
    lv__qc_kvf(&sb, "cores", "%u", cores);
    lv__qc_kvf(&sb, "threads", "%u", threads);
    lv__qc_opt_sb(c, "-smp", &sb);
    return 0;
}

/* ---- clock, events, boot ------------------------------------------------------------------ */

int lv__qc_build_clock(lv__qcmd *c)
{
    const lv_clock_def *ck = &c->def->clock;
    const char *offset = ck->offset ? ck->offset : "utc";
    lv_strbuf sb;

    lv_strbuf_init(&sb);
    if (lv__qc_streq(offset, "utc")) {
        lv__qc_kv(&sb, "base", "utc");
    } else if (lv__qc_streq(offset, "localtime")) {
        lv__qc_kv(&sb, "base", "localtime");
    } else if (lv__qc_streq(offset, "variable")) {
        char *end = NULL;
        long long adj = ck->adjustment ? strtoll(ck->adjustment, &end, 10) : 0;
        if (ck->adjustment && (end == ck->adjustment || *end))
            return lv__qc_fail(c, "<clock adjustment='%s'> (a number of seconds is needed)",
                               ck->adjustment);
        time_t when = (time_t)((c->l->now ? c->l->now : (long long)time(NULL)) + adj);
        struct tm tm;
        char buf[32];
        if (ck->basis && lv__qc_streq(ck->basis, "localtime")) {
            localtime_r(&when, &tm);
        } else {
            gmtime_r(&when, &tm);
        }
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
        lv__qc_kv(&sb, "base", buf);
    } else {
        return lv__qc_fail(c, "<clock offset='%s'> (qemu would need TZ in its environment)",
                           offset);
    }
    for (size_t i = 0; i < ck->ntimers; i++) {
        const lv_timer_def *t = &ck->timers[i];
        if (t->mode && !lv__qc_streq(t->mode, "auto") && !lv__qc_streq(t->mode, "native")) {
            lv_strbuf_clear(&sb);
            return lv__qc_fail(c, "<timer name='%s' mode='%s'>", t->name, t->mode);
        }
        if (lv__qc_streq(t->name, "rtc")) {
            if (t->present == LV_TRISTATE_NO) {
                lv_strbuf_clear(&sb);
                return lv__qc_fail(c, "<timer name='rtc' present='no'> (a PC always has its RTC)");
            }
            if (t->track) {
                const char *clk = lv__qc_streq(t->track, "guest")  ? "vm"
                                  : lv__qc_streq(t->track, "boot") ? "host"
                                                                   : "rt";
                lv__qc_kv(&sb, "clock", clk);
            }
            if (t->tickpolicy) {
                if (lv__qc_streq(t->tickpolicy, "catchup")) {
                    lv__qc_kv(&sb, "driftfix", "slew");
                } else if (!lv__qc_streq(t->tickpolicy, "delay")) {
                    lv_strbuf_clear(&sb);
                    return lv__qc_fail(c, "<timer name='rtc' tickpolicy='%s'>", t->tickpolicy);
                }
            }
        } else if (lv__qc_streq(t->name, "pit")) {
            if (t->tickpolicy && !lv__qc_streq(t->tickpolicy, "delay") &&
                !lv__qc_streq(t->tickpolicy, "discard")) {
                lv_strbuf_clear(&sb);
                return lv__qc_fail(c, "<timer name='pit' tickpolicy='%s'>", t->tickpolicy);
            }
        } else if (t->tickpolicy || t->track) {
            lv_strbuf_clear(&sb);
            return lv__qc_fail(c, "<timer name='%s'> with a tickpolicy or track", t->name);
        }
        if (lv__qc_streq(t->name, "tsc") && t->present == LV_TRISTATE_NO) {
            lv_strbuf_clear(&sb);
            return lv__qc_fail(c, "<timer name='tsc' present='no'>");
        }
    }
    lv__qc_opt_sb(c, "-rtc", &sb);

    const lv_timer_def *pit = find_timer(c->def, "pit");
    if (pit && pit->tickpolicy && c->kvm)
        lv__qc_argf(c, "-global"), lv__qc_argf(c, "kvm-pit.lost_tick_policy=%s", pit->tickpolicy);
    return 0;
}

unsigned lv_qemu_shutdown_flags(const lv_domain_def *def)
{
    unsigned flags = 0;
    const char *poweroff = def->on_poweroff ? def->on_poweroff : "destroy";
    const char *reboot = def->on_reboot ? def->on_reboot : "restart";

    if (!lv__qc_streq(poweroff, "destroy") || lv__qc_streq(reboot, "preserve"))
        flags |= LV_QEMU_NO_SHUTDOWN;
    if (!lv__qc_streq(reboot, "restart"))
        flags |= LV_QEMU_NO_REBOOT;
    return flags;
}

void lv__qc_build_pm(lv__qcmd *c)
{
    const char *lpc = c->q35 ? "ICH9-LPC" : "PIIX4_PM";

    if (c->def->pm_suspend_to_mem != LV_TRISTATE_ABSENT) {
        lv__qc_arg(c, "-global");
        lv__qc_argf(c, "%s.disable_s3=%d", lpc, c->def->pm_suspend_to_mem == LV_TRISTATE_NO);
    }
    if (c->def->pm_suspend_to_disk != LV_TRISTATE_ABSENT) {
        lv__qc_arg(c, "-global");
        lv__qc_argf(c, "%s.disable_s4=%d", lpc, c->def->pm_suspend_to_disk == LV_TRISTATE_NO);
    }
}

/* Boot indexes: per-device <boot order> as given, else <os><boot dev> in order
 * onto the first disk, the first cdrom and the first interface (as libvirt does),
 * so the firmware boots the same devices whichever way the XML says it. */
int lv__qc_assign_boot(lv__qcmd *c)
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
        if (lv__qc_streq(dev, "fd"))
            return lv__qc_fail(c, "<boot dev='fd'> (there are no floppy drives)");
        if (lv__qc_streq(dev, "network")) {
            if (def->nnets && !c->boot[def->ndisks])
                c->boot[def->ndisks] = next++;
            continue;
        }
        bool want_cd = lv__qc_streq(dev, "cdrom");
        for (size_t i = 0; i < def->ndisks; i++) {
            if (lv__qc_is_cdrom(&def->disks[i]) == want_cd) {
                if (!c->boot[i])
                    c->boot[i] = next++;
                break;
            }
        }
    }
    return 0;
}

void lv__qc_build_boot(lv__qcmd *c)
{
    const lv_os_def *os = &c->def->os;
    lv_strbuf sb;

    lv_strbuf_init(&sb);
    lv__qc_kv(&sb, "strict", "on");
    if (os->bootmenu_enable != LV_TRISTATE_ABSENT) {
        lv__qc_kv_onoff(&sb, "menu", os->bootmenu_enable == LV_TRISTATE_YES);
        if (os->bootmenu_enable == LV_TRISTATE_YES && os->bootmenu_timeout.set)
            lv__qc_kvf(&sb, "splash-time", "%u", os->bootmenu_timeout.value);
    }
    if (os->bios_reboot_timeout.set)
        lv__qc_kvf(&sb, "reboot-timeout", "%d", os->bios_reboot_timeout.value);
    lv__qc_opt_sb(c, "-boot", &sb);
    if (os->kernel) {
        lv__qc_arg(c, "-kernel");
        lv__qc_arg(c, os->kernel);
    }
    if (os->initrd) {
        lv__qc_arg(c, "-initrd");
        lv__qc_arg(c, os->initrd);
    }
    if (os->cmdline) {
        lv__qc_arg(c, "-append");
        lv__qc_arg(c, os->cmdline);
    }
}
