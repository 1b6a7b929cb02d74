/* Domain definition -> qemu-system-x86_64 argv.
 *
 * lv_qemu_build_argv is a pure function of the definition and of what the driver
 * decided at start time (lv_qemu_launch): no file is read, nothing is probed, no
 * clock is read (the start time comes in launch->now). Its output is golden-tested
 * (tests/xml2argv, tests/data/xml2argv/NAME.xml -> NAME.args) and a few of the
 * goldens are started with the real qemu (-S, QMP, quit) to prove qemu takes them.
 * docs/qemu-argv.md is the element -> option table.
 *
 * Every element of the supported subset (docs/xml-domain.md) becomes an option or
 * is refused with LV_ERR_CONFIG_UNSUPPORTED and one line naming it, e.g.
 *   unsupported configuration: disk 'vdc': type='volume' needs the storage driver
 * A few settings cannot be given on qemu's command line and are the driver's to
 * apply over QMP before `cont` (listed in docs/qemu-argv.md: VNC password, link
 * state down, balloon target and stats period). */
#ifndef LV_QEMU_COMMAND_H
#define LV_QEMU_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/domain_conf.h"
#include "core/error.h"

/* Used when neither launch->emulator nor <emulator> names one (found on PATH). */
#define LV_QEMU_DEFAULT_EMULATOR "qemu-system-x86_64"
/* Machine type when <type machine=...> is absent: i440fx, as libvirt picks for
 * x86_64. Its pci.0 takes hotplugged devices with no root ports to plan. */
#define LV_QEMU_DEFAULT_MACHINE "pc"

/* One QMP monitor. qemu listens (server=on,wait=off) on path, or, when path is
 * NULL, on fd: an already bound and listening UNIX socket that qemu inherits
 * (then the driver can connect before qemu is up, as libvirt does). */
typedef struct lv_qemu_monitor {
    const char *path;
    int fd;
} lv_qemu_monitor;

/* What the driver decides when it starts a guest. Zero-initialise and fill in
 * what applies; every field may be left empty. */
typedef struct lv_qemu_launch {
    const char *emulator;        /* NULL: <emulator>, else LV_QEMU_DEFAULT_EMULATOR */
    const char *accel;           /* "kvm" or "tcg"; NULL: kvm for type='kvm', tcg for 'qemu' */
    const char *default_machine; /* NULL: LV_QEMU_DEFAULT_MACHINE */
    /* QMP monitors, in order: chardev ids charmonitor, charmonitor1, ... (the driver
     * uses two: one for its monitor process, one for shells). */
    const lv_qemu_monitor *monitors;
    size_t nmonitors;
    /* The guest console: the first <serial> (else the first <console>) of type pty
     * becomes a listening UNIX socket at console_socket instead of a pty, and its
     * output is also appended to console_log (qemu's chardev logfile=) when set. */
    const char *console_socket;
    const char *console_log;
    const char *pidfile; /* -pidfile */
    /* Where a unix <channel> without a path gets its socket: DIR/NAME.TARGET.sock
     * (DIR/vm.org.qemu.guest_agent.0.sock); the name keeps guests sharing DIR apart. */
    const char *runtime_dir;
    /* One entry per def->nets[i]: the TAP fd qemu inherits for a type='network' or
     * 'bridge' interface, -1 (or beyond nnet_fds) for none. */
    const int *net_fds;
    size_t nnet_fds;
    /* VNC autoport: the TCP port the driver picked (5900 + display); 0 lets qemu
     * take the first free display itself (-vnc ADDR:0,to=99; read it back with
     * query-vnc). */
    int vnc_port;
    long long now;   /* unix seconds, for <clock offset='variable'>; 0: time(NULL) */
    bool no_sandbox; /* leave out -sandbox on,... */
} lv_qemu_launch;

/* Builds the argv (NULL-terminated, argv[0] the emulator) into *argv; free it with
 * lv_qemu_argv_free. launch may be NULL (all defaults: a pty console, no QMP
 * socket, no TAP fds), which is what `domxml-to-native` without a driver shows.
 * Fails with LV_ERR_CONFIG_UNSUPPORTED naming the element it cannot translate, or
 * LV_ERR_INVALID_ARG for a launch that does not fit the definition (a missing TAP
 * fd). On failure *argv is NULL. */
int lv_qemu_build_argv(const lv_domain_def *def, const lv_qemu_launch *launch, char ***argv,
                       lv_error *err);
void lv_qemu_argv_free(char **argv);

enum {
    /* One option per line, its value on the same line, lines joined by " \\\n" (the
     * layout of the golden .args files; still a valid shell command). Without it:
     * one line. */
    LV_QEMU_TEXT_LINES = 1 << 0,
};

/* The argv as shell text (malloc'd, never NULL): every argument quoted for a POSIX
 * shell when it needs it ('...' with ' written '\''), so the text can be pasted
 * into sh to run the same qemu. Ends with a newline. For `domxml-to-native
 * qemu-argv`. */
char *lv_qemu_argv_to_text(char *const *argv, unsigned flags);

/* How the argv makes qemu behave on guest power-off and reboot, for the monitor
 * process:
 *   LV_QEMU_NO_SHUTDOWN: -no-shutdown is given (on_poweroff is not destroy, or
 *     on_reboot is preserve): on a guest power-off qemu stops and stays; the
 *     monitor acts on the SHUTDOWN event (restart: system_reset + cont; preserve:
 *     leave it; destroy: quit).
 *   LV_QEMU_NO_REBOOT: -no-reboot is given (on_reboot is not restart): a guest
 *     reboot becomes a SHUTDOWN event (reason guest-reset) instead of a reset.
 * Without either flag qemu exits by itself after a guest power-off (the SHUTDOWN
 * event, sent before the exit, tells why) and resets by itself on a reboot. */
enum {
    LV_QEMU_NO_SHUTDOWN = 1 << 0,
    LV_QEMU_NO_REBOOT = 1 << 1,
};
unsigned lv_qemu_shutdown_flags(const lv_domain_def *def);

/* Fills in info.alias of every device that has none with the qemu id the builder
 * gives it (virtio-disk0, sata0-0-0, net0, serial0, channel0, input0, video0,
 * balloon0, rng0, ...), so the live XML shows them and QMP commands can name the
 * devices. The builder uses an existing alias as the id, so a def with aliases
 * filled in builds the same argv. */
void lv_qemu_assign_aliases(lv_domain_def *def);

#endif
