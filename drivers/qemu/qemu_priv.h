/* Internals of the qemu driver, shared by its files.
 *
 * On disk, per scope (see qemu_paths.c):
 *   CONFIG/NAME.xml            persistent definition (LV_DOMAIN_FORMAT_SECURE)
 *   CONFIG/autostart/NAME.xml  symlink to ../NAME.xml, as libvirt's
 *   RUN/NAME.xml               live definition while active (transient: the only one)
 *   RUN/NAME.status            status file (JSON), written by the monitor process
 *   RUN/NAME.lock              per-domain lock (flock) of mutating shells
 *   RUN/NAME.qmp               QMP socket for shells (one at a time, under the lock)
 *   RUN/NAME.mon               QMP socket of the monitor process
 *   RUN/NAME.console           serial console (UNIX socket)
 *   RUN/NAME.pid               qemu's pidfile
 *   RUN/NAME.ended             how the last run ended (shut off reason), kept
 *   RUN/NAME.destroy           marker: a shell is destroying the domain
 *   RUN/NAME.setup             QMP commands for the monitor to send before cont
 *                              (0600, read and removed by it at once: qemu_setup.c)
 *   LOG/NAME.log               qemu's stderr and the console log (NAME.console.log)
 */
#ifndef LV_QEMU_PRIV_H
#define LV_QEMU_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../driver.h"
#include "conf/domain_conf.h"
#include "core/strbuf.h"

/* ---- paths -------------------------------------------------------------- */

typedef struct lv__qemu_paths {
    char *config;    /* definitions */
    char *autostart; /* config/autostart */
    char *run;       /* runtime: status, sockets, locks */
    char *images;    /* default place for disk images */
    char *log;       /* qemu and console logs */
    bool privileged; /* qemu:///system */
} lv__qemu_paths;

/* Fills p for the URI's scope (system, session, embed?root=DIR). */
int lv__qemu_paths_init(lv__qemu_paths *p, const lv_uri *uri, lv_error *err);
void lv__qemu_paths_clear(lv__qemu_paths *p);
/* The scope's storage and network folders (lv_conn.scope). */
void lv__qemu_scope_dirs(const lv__qemu_paths *p, lv_scope_dirs *out);
/* Creates the directories (synchronous mkdir -p; small and at open time). */
int lv__qemu_paths_ensure(const lv__qemu_paths *p, lv_error *err);
/* "DIR/NAME.SUFFIX", malloc'd. */
char *lv__qemu_path(const char *dir, const char *name, const char *suffix);

/* ---- status file -------------------------------------------------------- */

typedef struct lv__qemu_status {
    char *name;
    unsigned char uuid[LV_UUID_LEN];
    int id;
    pid_t monitor_pid;
    unsigned long long monitor_start; /* /proc/PID/stat starttime, against pid reuse */
    pid_t qemu_pid;
    unsigned long long qemu_start; /* /proc/PID/stat starttime */
    char *qmp;                     /* the shells' QMP socket */
    char *console;                 /* serial console socket */
    char *console_log;
    char *log;
    char **argv;          /* NULL-terminated */
    int64_t start_time;   /* unix seconds */
    uint64_t balloon_kib; /* guest memory after the balloon (BALLOON_CHANGE); 0: unknown */
    int vnc_port;         /* the port qemu took for an autoport VNC display; 0: none */
    lv_domain_state state;
    int reason;
    unsigned seq; /* bumped by every write */
} lv__qemu_status;

void lv__qemu_status_clear(lv__qemu_status *s);
/* JSON text of s (malloc'd). */
char *lv__qemu_status_format(const lv__qemu_status *s);
int lv__qemu_status_parse(const char *text, lv__qemu_status *s, lv_error *err);
int lv__qemu_status_write(const char *path, const lv__qemu_status *s, lv_error *err);
/* 1 read, 0 missing, -1 error. */
int lv__qemu_status_read(const char *path, lv__qemu_status *s, lv_error *err);

/* The end record: "shutdown", "destroyed", "crashed"... one line. */
int lv__qemu_ended_write(const char *path, int reason, lv_error *err);
int lv__qemu_ended_read(const char *path); /* LV_SHUTOFF_* or -1 when none */

/* Process checks that cope with zombies and pid reuse. */
bool lv__proc_alive(pid_t pid, unsigned long long starttime);
unsigned long long lv__proc_starttime(pid_t pid); /* 0 when unknown */
/* utime + stime of pid in ns, 0 when unknown. */
uint64_t lv__proc_cpu_ns(pid_t pid);

/* argv as one line of shell text, for messages and logs (malloc'd). */
char *lv__qemu_argv_text(char *const *argv);

/* ---- driver state ------------------------------------------------------- */

typedef struct lv__qemu_dom {
    lv_domain_def *persistent_def; /* CONFIG/NAME.xml */
    lv_domain_def *live_def;       /* RUN/NAME.xml while active */
    bool autostart;
    int id; /* -1 when inactive */
    lv_domain_state state;
    int reason;
    lv__qemu_status status; /* valid while active */
    /* cache keys of CONFIG/NAME.xml */
    long long cfg_mtime_ns;
    long long cfg_size;
    unsigned long long cfg_ino;
    /* A state this shell set itself (suspend/resume) before the monitor's status
     * write caught up: used while status.seq <= override_seq. */
    bool override;
    unsigned override_seq;
    lv_domain_state override_state;
    int override_reason;
    bool seen; /* scan mark */
} lv__qemu_dom;

typedef struct lv__qemu_state {
    lv__qemu_paths paths;
    lv_conn *conn;
    lv__qemu_dom **doms;
    size_t ndoms, cap_doms;
    struct lv__qemu_op *ops; /* pending asynchronous operations */
    struct lv__qemu_watch *watch; /* while an event handler is set (qemu_events.c) */
    struct lv__qemu_console_wait *consoles; /* console takeovers waiting (qemu_console.c) */
    bool closing;
} lv__qemu_state;

static inline lv_domain_def *lv__qemu_dom_def(const lv__qemu_dom *d)
{
    return d->live_def ? d->live_def : d->persistent_def;
}

static inline bool lv__qemu_dom_active(const lv__qemu_dom *d)
{
    return d->id >= 0;
}

/* qemu_state.c: the domain table mirrors the files. Rescans are synchronous
 * reads of small files (definitions, status), as at open time. */
int lv__qemu_scan(lv__qemu_state *st, lv_error *err);
/* Re-reads one domain's runtime files; returns d, or NULL when it vanished
 * (a transient domain that ended: it is removed and freed). */
lv__qemu_dom *lv__qemu_refresh(lv__qemu_state *st, lv__qemu_dom *d);
/* Reads only the files of domain NAME (its definition, autostart link and
 * runtime files): the domain as a full scan would find it, or NULL. */
lv__qemu_dom *lv__qemu_scan_name(lv__qemu_state *st, const char *name);
/* The domain of uuid, reading the files of the domain this table last knew by
 * that uuid when it still has it, else all of them (a full scan). */
lv__qemu_dom *lv__qemu_scan_uuid(lv__qemu_state *st, const unsigned char *uuid);
lv__qemu_dom *lv__qemu_find_name(const lv__qemu_state *st, const char *name);
lv__qemu_dom *lv__qemu_find_uuid(const lv__qemu_state *st, const unsigned char *uuid);
lv__qemu_dom *lv__qemu_find_id(const lv__qemu_state *st, int id);
void lv__qemu_add_dom(lv__qemu_state *st, lv__qemu_dom *d);
void lv__qemu_remove_dom(lv__qemu_state *st, lv__qemu_dom *d);
void lv__qemu_dom_free(lv__qemu_dom *d);
/* (qemu_status.c) Removes the runtime files of a domain whose monitor is gone (a crash of the
 * monitor itself, or a reboot of the host) and records reason. */
void lv__qemu_cleanup_runtime(const lv__qemu_paths *p, const char *name, int reason);
/* The next domain id of this scope (RUN/ids, under flock). */
int lv__qemu_next_id(const lv__qemu_paths *p, lv_error *err);

/* qemu_console.c: cancels console takeovers still waiting for the lock. */
void lv__qemu_console_close(lv__qemu_state *st);

/* qemu_events.c */
void lv__qemu_watch_events(lv_conn *conn, bool on);
/* Rescans now and emits what changed (after an operation of this connection). */
void lv__qemu_watch_poke(lv__qemu_state *st);
void lv__qemu_emit_reboot(lv__qemu_state *st, const unsigned char *uuid);

/* ---- operations on running guests ----------------------------------------
 * qemu_run.c: an operation's life (lv__qemu_op) and the per-domain lock;
 * qemu_start.c: start, create; qemu_session.c: the QMP session a shell holds
 * under the lock; qemu_lifecycle.c: destroy, shutdown, reboot, reset, suspend,
 * resume; qemu_version.c: the emulator's version. */

/* Polling interval of the lock, of the end of a guest, of the status file. */
#define LV__QEMU_POLL_MS 5

struct json_object;
struct lv_qmp;

typedef enum lv__qemu_op_kind {
    LV__QEMU_OP_START,
    LV__QEMU_OP_QMP,
    LV__QEMU_OP_DESTROY
} lv__qemu_op_kind;

typedef struct lv__qemu_op {
    struct lv__qemu_op *next;
    lv__qemu_state *st;
    lv__qemu_op_kind kind;
    char *name;
    unsigned char uuid[LV_UUID_LEN];
    unsigned flags;
    int lock_fd;
    lv_done_cb done;
    lv_domain_cb dom_cb; /* create */
    lv_string_cb str_cb; /* qemu_monitor_command */
    char *result;        /* its text */
    bool passthrough, hmp;
    void *opaque;
    bool completed;
    int handles; /* uv handles still open */

    /* start */
    uv_process_t proc;
    uv_pipe_t pipe;
    lv_strbuf answer;
    bool proc_exited, pipe_eof;
    int64_t exit_status;
    int exit_signal;
    char *argv_text;

    /* qmp */
    struct lv_qmp *qmp;
    const char *cmd;
    char *args;
    const char *what; /* "suspend", for messages */
    bool set_override;
    lv_domain_state new_state;
    int new_reason;
    bool wait_end;           /* shutdown with LV_SHUTDOWN_WAIT */
    bool reboot;             /* arm the monitor's fake reboot (NAME.reboot) */
    bool clear_reboot;       /* disarm a reboot the guest ignored */
    unsigned shutdown_flags; /* lv_qemu_shutdown_flags of the live definition */
    char *pre_args;          /* set-action arguments to send before cmd, or NULL */

    /* batch (lv__qemu_qmp_batch) */
    /* an lv__qemu_batch_cb (qemu_run.h) */
    void (*batch_cb)(void *opaque, struct json_object *const *replies, size_t n,
                     const lv_error *err);
    size_t nbatch, nreplied;
    char **batch_cmds, **batch_args;
    struct json_object **replies;

    /* waiting */
    uv_timer_t timer;
    uint64_t started;
    uint64_t deadline_ms;
    bool killed;
    pid_t qemu_pid;
    unsigned long long qemu_start;
} lv__qemu_op;

lv__qemu_op *lv__qemu_op_new(lv__qemu_state *st, lv__qemu_op_kind kind, const lv_domain_def *def);
/* Calls the callback once, then lets the handles close and the op go. */
void lv__qemu_op_complete(lv__qemu_op *op, const lv_error *err);
void lv__qemu_op_fail(lv__qemu_op *op, lv_error_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void lv__qemu_op_unlock(lv__qemu_op *op);
/* Closes h, one of op's uv handles (unless closing); op is freed once all are
 * closed and it has completed. */
void lv__qemu_op_close_handle(lv__qemu_op *op, uv_handle_t *h);
/* The per-domain lock, not waited for: 1 taken, 0 held by another process, -1 error. */
int lv__qemu_lock_try(lv__qemu_state *st, const char *name, int *fd_out, lv_error *err);

/* qemu_start.c: a uv alloc callback (malloc'd buffers, freed by the reader). */
void lv__qemu_on_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf);

/* qemu_lifecycle.c: polls until the monitor has cleaned up (the domain ended),
 * or fails after deadline_ms. */
void lv__qemu_wait_for_end(lv__qemu_op *op, uint64_t deadline_ms);

/* qemu_session.c: checks the state, then runs cmd over the shells' QMP socket
 * under the lock; *out is the op, or NULL when it already completed. The op
 * starts with lv__qemu_qmp_start (so callers can set its fields first). */
void lv__qemu_qmp_op(lv_conn *c, const unsigned char *uuid, unsigned flags, unsigned allowed,
                     const char *what, const char *cmd, const char *args, lv_domain_state need,
                     lv_done_cb cb, void *opaque, lv__qemu_op **out);
void lv__qemu_qmp_start(lv__qemu_op *op);

#endif
