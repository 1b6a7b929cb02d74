/* Domain definition -> qemu argv. See qemu_command.h and docs/qemu-argv.md.
 *
 * Options use qemu's key=value syntax (a ',' inside a value is doubled), not the
 * JSON form libvirt 9 uses for -device/-blockdev: the same qemu parser, easier to
 * read in the golden files and in `ps`. Device ids and block node names follow
 * libvirt's (virtio-disk0, libvirt-1-format, hostnet0/net0, charserial0), so what
 * people know from libvirt's argv and QMP carries over.
 *
 * The pieces, sharing qemu_command_priv.h:
 *   qemu_command.c             the whole argv in order, aliases
 *   qemu_command_args.c        the argv being built, key=value option lists
 *   qemu_command_names.c       device ids and names, bus and address options
 *   qemu_command_machine.c     machine, firmware, CPU, memory, clock, boot
 *   qemu_command_controller.c  controllers, listed and implicit
 *   qemu_command_disk.c        disks
 *   qemu_command_net.c         network interfaces
 *   qemu_command_chardev.c     chardevs, serial ports, consoles, channels
 *   qemu_command_devices.c     input, audio, graphics, video, balloon, RNG, watchdog
 *   qemu_command_text.c        the argv as shell text */
#include "qemu_command.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "core/uuid.h"
#include "qemu_command_priv.h"

/* ---- the whole argv ----------------------------------------------------------------------- */

static int build(lv__qcmd *c)
{
    const lv_domain_def *def = c->def;
    const lv_qemu_launch *l = c->l;
    char uuid[LV_UUID_STRING_LEN];
    lv_strbuf sb;
    const char *accel = l->accel;

    if (!accel) {
        if (!def->virt_type || lv__qc_streq(def->virt_type, "kvm"))
            accel = "kvm";
        else if (lv__qc_streq(def->virt_type, "qemu"))
            accel = "tcg";
        else
            return lv__qc_fail(c, "<domain type='%s'> does not run under qemu (kvm or qemu do)",
                               def->virt_type);
    }
    if (!lv__qc_streq(accel, "kvm") && !lv__qc_streq(accel, "tcg"))
        return lv_error_set(c->err, LV_ERR_INVALID_ARG, "unknown accelerator '%s'", accel);
    c->kvm = lv__qc_streq(accel, "kvm");
    c->machine = def->os.machine      ? def->os.machine
                 : l->default_machine ? l->default_machine
                                      : LV_QEMU_DEFAULT_MACHINE;
    c->q35 = lv__qc_machine_is_q35(c->machine);
    if (!c->q35 && !lv__qc_machine_is_pc(c->machine))
        return lv__qc_fail(c, "machine type '%s' (pc and q35 machines are known)", c->machine);
    c->root_bus = c->q35 ? "pcie.0" : "pci.0";
    if (lv__qc_check_misc(c) < 0 || lv__qc_check_disk_indexes(c) < 0 || lv__qc_assign_boot(c) < 0 ||
        lv__qc_scan_needs(c) < 0)
        return -1;

    lv__qc_arg(c, l->emulator     ? l->emulator
                  : def->emulator ? def->emulator
                                  : LV_QEMU_DEFAULT_EMULATOR);
    lv__qc_kv_begin(&sb, "");
    lv__qc_kv(&sb, "guest", def->name);
    lv__qc_kv(&sb, "debug-threads", "on");
    lv__qc_opt_sb(c, "-name", &sb);
    lv__qc_arg(c, "-S");
    if (lv__qc_build_machine(c) < 0 || lv__qc_build_cpu(c) < 0)
        return -1;
    lv__qc_arg(c, "-m");
    lv__qc_kv_begin(&sb, "");
    lv__qc_kvf(&sb, "size", "%lluk", (unsigned long long)def->memory_kib);
    if (def->max_memory_kib) {
        lv__qc_kvf(&sb, "slots", "%u", def->max_memory_slots);
        lv__qc_kvf(&sb, "maxmem", "%lluk", (unsigned long long)def->max_memory_kib);
    }
    lv__qc_push(c, lv_strbuf_steal(&sb));
    if (lv__qc_build_smp(c) < 0)
        return -1;
    lv_uuid_format(def->uuid, uuid);
    lv__qc_arg(c, "-uuid");
    lv__qc_arg(c, uuid);
    lv__qc_arg(c, "-no-user-config");
    lv__qc_arg(c, "-nodefaults");
    for (size_t i = 0; i < l->nmonitors; i++) {
        char id[32];
        snprintf(id, sizeof(id), i ? "charmonitor%zu" : "charmonitor", i);
        lv__qc_kv_begin(&sb, "socket");
        lv__qc_kv(&sb, "id", id);
        if (l->monitors[i].path)
            lv__qc_kv(&sb, "path", l->monitors[i].path);
        else
            lv__qc_kvf(&sb, "fd", "%d", l->monitors[i].fd);
        lv__qc_kv(&sb, "server", "on");
        lv__qc_kv(&sb, "wait", "off");
        lv__qc_opt_sb(c, "-chardev", &sb);
        lv__qc_arg(c, "-mon");
        if (i)
            lv__qc_argf(c, "chardev=%s,id=monitor%zu,mode=control", id, i);
        else
            lv__qc_argf(c, "chardev=%s,id=monitor,mode=control", id);
    }
    if (l->pidfile) {
        lv__qc_arg(c, "-pidfile");
        lv__qc_arg(c, l->pidfile);
    }
    if (lv__qc_build_clock(c) < 0)
        return -1;
    unsigned sflags = lv_qemu_shutdown_flags(def);
    if (sflags & LV_QEMU_NO_SHUTDOWN)
        lv__qc_arg(c, "-no-shutdown");
    if (sflags & LV_QEMU_NO_REBOOT)
        lv__qc_arg(c, "-no-reboot");
    lv__qc_build_pm(c);
    lv__qc_build_boot(c);
    if (def->os.bios_useserial == LV_TRISTATE_YES) {
        lv__qc_arg(c, "-device");
        lv__qc_arg(c, "sga");
    }
    /* everything with a PCI address from the definition first, then what qemu
     * places itself (in_phase) */
    for (int phase = 0; phase < 2; phase++) {
        if (lv__qc_build_controllers(c, phase) < 0)
            return -1;
        if (phase == 1)
            lv__qc_build_implicit_controllers(c);
        if (lv__qc_build_disks(c, phase) < 0 || lv__qc_build_nets(c, phase) < 0 ||
            lv__qc_build_serials(c, phase) < 0)
            return -1;
        if (phase == 1 && (lv__qc_build_consoles(c) < 0 || lv__qc_build_channels(c) < 0))
            return -1;
        if (lv__qc_build_inputs(c, phase) < 0)
            return -1;
        if (phase == 1 && (lv__qc_build_audio(c) < 0 || lv__qc_build_graphics(c) < 0))
            return -1;
        if (lv__qc_build_videos(c, phase) < 0 || lv__qc_build_balloon(c, phase) < 0 ||
            lv__qc_build_rngs(c, phase) < 0)
            return -1;
    }
    if (lv__qc_build_watchdogs(c) < 0)
        return -1;
    if (def->features.vmcoreinfo && def->features.vmcoreinfo_state != LV_TRISTATE_NO) {
        lv__qc_arg(c, "-device");
        lv__qc_arg(c, "vmcoreinfo");
    }
    if (!l->no_sandbox) {
        lv__qc_arg(c, "-sandbox");
        lv__qc_arg(c, "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
    }
    lv__qc_arg(c, "-msg");
    lv__qc_arg(c, "timestamp=on");
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
        set_alias(&def->disks[i].info, lv__qc_disk_alias(def, &def->disks[i]));
    for (size_t i = 0; i < def->nnets; i++)
        set_alias(&def->nets[i].info, lv_asprintf("net%zu", i));
    for (size_t i = 0; i < def->nserials; i++)
        set_alias(&def->serials[i].info, lv_asprintf("serial%zu", i));
    for (size_t i = 0; i < def->nconsoles; i++) {
        lv_chardev_def *s = &def->consoles[i];
        if (!s->target_type || lv__qc_streq(s->target_type, "serial")) {
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
