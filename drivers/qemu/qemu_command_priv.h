/* Private to lvqemucmd: what the pieces of the domain definition -> qemu argv
 * translation share (see the list in qemu_command.c). Not for other libraries:
 * qemu_command.h is the interface. */
#ifndef LV_QEMU_COMMAND_PRIV_H
#define LV_QEMU_COMMAND_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "core/strbuf.h"
#include "qemu_command.h"

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

/* Both strings non-NULL. */
static inline bool lv__qc_streq(const char *a, const char *b)
{
    return !strcmp(a, b);
}

/* ---- qemu_command_args.c: the argv and key=value lists ------------------------------------ */

int lv__qc_fail(lv__qcmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lv__qc_push(lv__qcmd *c, char *owned);
void lv__qc_arg(lv__qcmd *c, const char *s);
void lv__qc_argf(lv__qcmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lv__qc_opt_sb(lv__qcmd *c, const char *option, lv_strbuf *sb);
void lv__qc_add_escaped(lv_strbuf *sb, const char *s);
void lv__qc_kv_begin(lv_strbuf *sb, const char *first);
void lv__qc_kv(lv_strbuf *sb, const char *key, const char *value);
void lv__qc_kvf(lv_strbuf *sb, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void lv__qc_kv_onoff(lv_strbuf *sb, const char *key, bool on);
void lv__qc_kv_begin_virtio(lv_strbuf *sb, const char *base, const char *model);

/* ---- qemu_command_names.c: names and addresses -------------------------------------------- */

/* Where a disk sits on its controller. */
typedef struct lv__drive_loc {
    unsigned controller, bus, target, unit;
} lv__drive_loc;

bool lv__qc_is_cdrom(const lv_disk_def *d);
const char *lv__qc_disk_bus(const lv_disk_def *d);
bool lv__qc_scsi_is_lsi(const lv_domain_def *def, unsigned index);
void lv__qc_drive_loc(const lv_domain_def *def, const lv_disk_def *d, lv__drive_loc *loc);
char *lv__qc_disk_alias(const lv_domain_def *def, const lv_disk_def *d);
char *lv__qc_dev_alias(const lv_device_info *info, const char *prefix, size_t i);
char *lv__qc_char_id(const char *alias);
char *lv__qc_controller_id(const lv__qcmd *c, const char *type, unsigned index);
const lv_controller_def *lv__qc_find_controller(const lv_domain_def *def, const char *type,
                                                unsigned index);
int lv__qc_add_pci_address(lv__qcmd *c, lv_strbuf *sb, const lv_device_info *info,
                           const char *what);
int lv__qc_add_usb_address(lv__qcmd *c, lv_strbuf *sb, const lv_device_info *info,
                           const char *what);
int lv__qc_add_vioser_address(lv__qcmd *c, lv_strbuf *sb, const lv_device_info *info,
                              const char *what);
int lv__qc_add_bootindex(lv_strbuf *sb, int bootindex);
bool lv__qc_in_phase(const lv_device_info *info, int phase);

/* ---- qemu_command_machine.c: machine, CPU, clock, boot ------------------------------------ */

bool lv__qc_machine_is_q35(const char *m);
bool lv__qc_machine_is_pc(const char *m);
int lv__qc_build_machine(lv__qcmd *c);
int lv__qc_build_cpu(lv__qcmd *c);
int lv__qc_build_smp(lv__qcmd *c);
int lv__qc_build_clock(lv__qcmd *c);
void lv__qc_build_pm(lv__qcmd *c);
int lv__qc_assign_boot(lv__qcmd *c);
void lv__qc_build_boot(lv__qcmd *c);

/* ---- qemu_command_controller.c: controllers ----------------------------------------------- */

int lv__qc_build_controllers(lv__qcmd *c, int phase);
void lv__qc_build_implicit_controllers(lv__qcmd *c);
int lv__qc_scan_needs(lv__qcmd *c);

/* ---- qemu_command_disk.c: disks ----------------------------------------------------------- */

int lv__qc_check_disk_indexes(lv__qcmd *c);
int lv__qc_build_disks(lv__qcmd *c, int phase);

/* ---- qemu_command_net.c: network ---------------------------------------------------------- */

int lv__qc_build_nets(lv__qcmd *c, int phase);

/* ---- qemu_command_chardev.c: chardevs ----------------------------------------------------- */

int lv__qc_build_serials(lv__qcmd *c, int phase);
int lv__qc_build_consoles(lv__qcmd *c);
int lv__qc_build_channels(lv__qcmd *c);

/* ---- qemu_command_devices.c: input, graphics, video and the rest -------------------------- */

int lv__qc_build_inputs(lv__qcmd *c, int phase);
int lv__qc_build_audio(lv__qcmd *c);
int lv__qc_build_graphics(lv__qcmd *c);
int lv__qc_build_videos(lv__qcmd *c, int phase);
int lv__qc_build_balloon(lv__qcmd *c, int phase);
int lv__qc_build_rngs(lv__qcmd *c, int phase);
int lv__qc_build_watchdogs(lv__qcmd *c);
int lv__qc_check_misc(lv__qcmd *c);

#endif
