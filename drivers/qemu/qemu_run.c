/* Running guests, the shell's side.
 *
 * start/create: under the per-domain lock (flock on RUN/NAME.lock, never
 * waited for: a second shell gets "already being started"), build the argv
 * (qemu_command.h), write the live definition, spawn the monitor process
 * (qemu_monitor_proc.c) detached, and read its one-line answer on a pipe:
 * "ok" once qemu is up (QMP negotiated, `cont` done unless paused, status file
 * written), or "error ..." with qemu's own stderr and the argv, after which
 * nothing is left behind.
 *
 * QMP: the monitor process has its own QMP socket (NAME.mon) for the events;
 * shells talk to qemu on a second one (NAME.qmp), one shell at a time, under
 * the per-domain lock (waited for, by polling flock). So no command of a shell
 * ever interleaves with another's, and the monitor needs no multiplexer: it
 * stays small, and a shell's command goes straight to qemu (no extra hop).
 *
 * destroy: SIGTERM to qemu (then SIGKILL after 10 s unless --graceful), with a
 * marker file so the monitor records "destroyed"; the operation completes when
 * the monitor has cleaned up (the status file is gone), polled every 5 ms. */
#include "qemu_run.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/files.h"
#include "core/strbuf.h"
#include "qemu_command.h"
#include "qemu_driver.h"
#include "qmp.h"

#ifndef LUVIRT_BUILD_BINARY
#define LUVIRT_BUILD_BINARY ""
#endif
#ifndef LUVIRT_INSTALL_BINARY
#define LUVIRT_INSTALL_BINARY "/usr/local/bin/luvirt"
#endif

#define POLL_MS 5
#define LOCK_WAIT_MS 30000
#define QMP_TIMEOUT_MS 10000
#define DESTROY_TERM_MS 10000
#define SHUTDOWN_DEFAULT_S 300

typedef enum op_kind { OP_START, OP_QMP, OP_DESTROY } op_kind;

typedef struct lv__qemu_op {
    struct lv__qemu_op *next;
    lv__qemu_state *st;
    op_kind kind;
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
    lv_qmp *qmp;
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
    lv__qemu_batch_cb batch_cb;
    size_t nbatch, nreplied;
    char **batch_cmds, **batch_args;
    json_object **replies;

    /* waiting */
    uv_timer_t timer;
    uint64_t started;
    uint64_t deadline_ms;
    bool killed;
    pid_t qemu_pid;
    unsigned long long qemu_start;
} lv__qemu_op;

/* ---- op life ------------------------------------------------------------ */

static void op_unlock(lv__qemu_op *op)
{
    if (op->lock_fd >= 0) {
        close(op->lock_fd); /* releases the flock */
        op->lock_fd = -1;
    }
}

static void op_free(lv__qemu_op *op)
{
    /* st is NULL when the connection closed while the handles were closing. */
    lv__qemu_op **pp = op->st ? &op->st->ops : NULL;
    while (pp && *pp && *pp != op)
        pp = &(*pp)->next;
    if (pp && *pp)
        *pp = op->next;
    lv_strbuf_clear(&op->answer);
    free(op->argv_text);
    free(op->args);
    free(op->pre_args);
    free(op->result);
    free(op->name);
    for (size_t i = 0; i < op->nbatch; i++) {
        free(op->batch_cmds[i]);
        free(op->batch_args[i]);
        if (op->replies[i])
            json_object_put(op->replies[i]);
    }
    free(op->batch_cmds);
    free(op->batch_args);
    free(op->replies);
    free(op);
}

static void on_op_handle_closed(uv_handle_t *h)
{
    lv__qemu_op *op = h->data;
    if (--op->handles == 0 && op->completed)
        op_free(op);
}

static void close_handle(lv__qemu_op *op, uv_handle_t *h)
{
    if (h->data == op && !uv_is_closing(h))
        uv_close(h, on_op_handle_closed);
}

static lv__qemu_op *op_new(lv__qemu_state *st, op_kind kind, const lv_domain_def *def)
{
    lv__qemu_op *op = LV_NEW(lv__qemu_op);
    op->st = st;
    op->kind = kind;
    op->lock_fd = -1;
    op->name = lv_strdup(def->name);
    memcpy(op->uuid, def->uuid, LV_UUID_LEN);
    lv_strbuf_init(&op->answer);
    uv_timer_init(st->conn->loop, &op->timer);
    op->timer.data = op;
    op->handles = 1;
    op->next = st->ops;
    st->ops = op;
    return op;
}

/* Calls the callback once, then lets the handles close and the op go. */
static void op_complete(lv__qemu_op *op, const lv_error *err)
{
    if (op->completed)
        return;
    op->completed = true;
    if (op->qmp) {
        lv_qmp_close(op->qmp);
        op->qmp = NULL;
    }
    uv_timer_stop(&op->timer);
    close_handle(op, (uv_handle_t *)&op->timer);
    if (op->kind == OP_START && !op->pipe_eof && op->lock_fd >= 0) {
        /* Cancelled while the monitor is still starting qemu: keep the lock
         * (and the pipe) until it has answered, so no other shell starts the
         * domain meanwhile. */
    } else {
        op_unlock(op);
        close_handle(op, (uv_handle_t *)&op->pipe);
    }
    lv_done_cb done = op->done;
    lv_domain_cb dom_cb = op->dom_cb;
    lv_string_cb str_cb = op->str_cb;
    lv__qemu_batch_cb batch_cb = op->batch_cb;
    size_t nbatch = op->nbatch;
    json_object **replies = op->replies;
    op->replies = NULL;
    op->nbatch = 0; /* the replies are handed over below */
    for (size_t i = 0; i < nbatch; i++) {
        free(op->batch_cmds[i]);
        free(op->batch_args[i]);
    }
    char *result = op->result;
    op->result = NULL;
    void *opaque = op->opaque;
    lv__qemu_state *st = op->st;
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, op->uuid, LV_UUID_LEN);
    bool rebooted = op->reboot && !err;
    if (op->handles == 0)
        op_free(op);
    if (st && !err) {
        if (rebooted)
            lv__qemu_emit_reboot(st, uuid);
        lv__qemu_watch_poke(st);
    }
    if (batch_cb) {
        batch_cb(opaque, replies, err ? 0 : nbatch, err);
        for (size_t i = 0; i < nbatch; i++)
            if (replies[i])
                json_object_put(replies[i]);
        free(replies);
        free(result);
        return;
    }
    if (str_cb) {
        if (err) {
            free(result);
            result = NULL;
        }
        str_cb(opaque, result, err);
        return;
    }
    free(result);
    if (dom_cb) {
        if (err) {
            dom_cb(opaque, NULL, err);
            return;
        }
        lv_error e;
        lv__qemu_dom *d = lv__qemu_find_dom(st, uuid, &e);
        if (d)
            dom_cb(opaque, lv__qemu_make_info(d), NULL);
        else
            dom_cb(opaque, NULL, &e);
        return;
    }
    done(opaque, err);
}

static void op_fail(lv__qemu_op *op, lv_error_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void op_fail(lv__qemu_op *op, lv_error_code code, const char *fmt, ...)
{
    lv_error err;
    va_list ap;
    va_start(ap, fmt);
    lv_error_setv(&err, code, fmt, ap);
    va_end(ap);
    op_complete(op, &err);
}

void lv__qemu_run_close(lv__qemu_state *st)
{
    /* The caller guarantees nothing is pending; anything left is cancelled. */
    while (st->ops) {
        lv__qemu_op *op = st->ops;
        if (op->completed) {
            st->ops = op->next;
            op->next = NULL;
            op->st = NULL;
            continue;
        }
        op_fail(op, LV_ERR_CANCELLED, "the connection was closed");
    }
}

/* ---- locks -------------------------------------------------------------- */

/* 1 taken, 0 held by another process, -1 error. */
static int lock_try(lv__qemu_state *st, const char *name, int *fd_out, lv_error *err)
{
    char *path = lv__qemu_path(st->paths.run, name, ".lock");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        lv_error_set_errno(err, errno, "cannot open the lock file '%s'", path);
        free(path);
        return -1;
    }
    free(path);
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int e = errno;
        close(fd);
        if (e == EWOULDBLOCK)
            return 0;
        lv_error_set_errno(err, e, "cannot lock domain '%s'", name);
        return -1;
    }
    *fd_out = fd;
    return 1;
}

/* ---- the monitor binary ------------------------------------------------- */

static bool executable(const char *path)
{
    return path && *path && access(path, X_OK) == 0;
}

/* $LUVIRT_MONITOR_EXE, this process when it is luvirt, the build tree's luvirt,
 * the installed one. (The driver also runs inside lua5.4 through the module.) */
static char *monitor_exe(void)
{
    const char *env = getenv("LUVIRT_MONITOR_EXE");
    if (executable(env))
        return lv_strdup(env);
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
        self[n] = '\0';
        const char *base = strrchr(self, '/');
        base = base ? base + 1 : self;
        if (strcmp(base, "luvirt") == 0)
            return lv_strdup(self);
    }
    if (executable(LUVIRT_BUILD_BINARY))
        return lv_strdup(LUVIRT_BUILD_BINARY);
    return lv_strdup(LUVIRT_INSTALL_BINARY);
}

/* ---- start -------------------------------------------------------------- */

static void start_check_done(lv__qemu_op *op)
{
    if (!op->pipe_eof || !op->proc_exited || op->completed)
        return;
    char *line = op->answer.data ? op->answer.data : "";
    char *nl = strchr(line, '\n');
    if (nl)
        *nl = '\0';
    if (strcmp(line, "ok") == 0) {
        op_complete(op, NULL);
        return;
    }
    /* Nothing of the failed start stays: the monitor removed its files. */
    char *live = lv__qemu_path(op->st->paths.run, op->name, ".xml");
    char *status = lv__qemu_path(op->st->paths.run, op->name, ".status");
    struct stat sb;
    if (stat(status, &sb) < 0)
        unlink(live);
    free(live);
    free(status);
    if (strncmp(line, "error ", 6) == 0) {
        op_fail(op, LV_ERR_OPERATION_FAILED, "cannot start domain '%s': %s", op->name, line + 6);
        return;
    }
    if (op->exit_signal)
        op_fail(op, LV_ERR_OPERATION_FAILED,
                "cannot start domain '%s': the monitor process was killed by signal %d", op->name,
                op->exit_signal);
    else
        op_fail(op, LV_ERR_OPERATION_FAILED,
                "cannot start domain '%s': the monitor process exited with status %lld and no "
                "answer; argv: %s",
                op->name, (long long)op->exit_status, op->argv_text ? op->argv_text : "");
}

static void on_monitor_exit(uv_process_t *proc, int64_t status, int signal)
{
    lv__qemu_op *op = proc->data;
    op->proc_exited = true;
    op->exit_status = status;
    op->exit_signal = signal;
    close_handle(op, (uv_handle_t *)proc);
    start_check_done(op);
}

static void on_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
    (void)h;
    buf->base = lv_malloc0(size);
    buf->len = size;
}

static void on_answer(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    lv__qemu_op *op = s->data;
    if (n > 0 && op->answer.len < 8192)
        lv_strbuf_addn(&op->answer, buf->base, (size_t)n);
    free(buf->base);
    if (n < 0) {
        op->pipe_eof = true;
        uv_read_stop(s);
        if (op->completed) { /* cancelled earlier: the monitor has answered now */
            op_unlock(op);
            close_handle(op, (uv_handle_t *)&op->pipe);
            return;
        }
        start_check_done(op);
    }
}

static bool kvm_usable(lv_error *err)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                     "domain type 'kvm' needs /dev/kvm, which cannot be used here: %s (type "
                     "'qemu' runs without it, under TCG)",
                     strerror(errno));
        return false;
    }
    close(fd);
    return true;
}

/* Starts def (owned by the caller) as the live definition of the domain called
 * def->name. d is the domain when it already exists (persistent). */
static void start_def(lv__qemu_state *st, lv__qemu_dom *d, const lv_domain_def *def, unsigned flags,
                      lv_done_cb cb, lv_domain_cb dom_cb, void *opaque)
{
    lv_error err;
    int lock_fd = -1;
    int r = lock_try(st, def->name, &lock_fd, &err);
    if (r == 0)
        lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                     "domain '%s' is already being started (or changed) by another luvirt "
                     "process",
                     def->name);
    if (r <= 0)
        goto fail;
    /* Under the lock, the files say whether it runs. */
    if (d)
        d = lv__qemu_refresh(st, d);
    if (!d) {
        lv__qemu_scan(st, NULL);
        d = lv__qemu_find_name(st, def->name);
    }
    if (d && lv__qemu_dom_active(d)) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID, "domain '%s' is already running", def->name);
        goto fail_unlock;
    }
    if (def->virt_type && strcmp(def->virt_type, "kvm") == 0 && !kvm_usable(&err))
        goto fail_unlock;
    int id = lv__qemu_next_id(&st->paths, &err);
    if (id < 0)
        goto fail_unlock;

    lv_domain_def *live = lv_domain_def_copy(def);
    lv_qemu_assign_aliases(live);
    char *mon = lv__qemu_path(st->paths.run, def->name, ".mon");
    char *qmp = lv__qemu_path(st->paths.run, def->name, ".qmp");
    char *console = lv__qemu_path(st->paths.run, def->name, ".console");
    char *console_log = lv__qemu_path(st->paths.log, def->name, ".console.log");
    char *pidfile = lv__qemu_path(st->paths.run, def->name, ".pid");
    char *log = lv__qemu_path(st->paths.log, def->name, ".log");
    /* The monitor process binds both sockets and hands them to qemu as fds 3, 4. */
    lv_qemu_monitor monitors[2] = {{.fd = 3}, {.fd = 4}};
    lv_qemu_launch launch = {
        .monitors = monitors,
        .nmonitors = 2,
        .console_socket = console,
        .console_log = console_log,
        .pidfile = pidfile,
        .runtime_dir = st->paths.run,
    };
    char **argv = NULL;
    lv__qemu_op *op = NULL;
    char *exe = NULL;
    if (strlen(qmp) >= 108 || strlen(console) >= 108) {
        lv_error_set(&err, LV_ERR_INVALID_ARG,
                     "cannot start domain '%s': the socket path '%s' is too long for a UNIX "
                     "socket (107 bytes at most)",
                     def->name, strlen(qmp) >= 108 ? qmp : console);
        goto fail_free;
    }
    if (lv_qemu_build_argv(live, &launch, &argv, &err) < 0)
        goto fail_free;
    if (lv__qemu_save_live(st, live, id, &err) < 0)
        goto fail_free;
    char *ended = lv__qemu_path(st->paths.run, def->name, ".ended");
    unlink(ended);
    free(ended);
    unlink(console_log); /* each run's console log starts empty */

    /* The monitor's command line. */
    size_t nargv = 0;
    while (argv[nargv])
        nargv++;
    char uuid[LV_UUID_STRING_LEN], idstr[16], sflags[16];
    lv_uuid_format(live->uuid, uuid);
    snprintf(idstr, sizeof(idstr), "%d", id);
    snprintf(sflags, sizeof(sflags), "%u", lv_qemu_shutdown_flags(live));
    exe = monitor_exe();
    const char *margs[40 + 1];
    size_t k = 0;
    margs[k++] = exe;
    margs[k++] = LV_QEMU_MONITOR_ARGV1;
    margs[k++] = "--run";
    margs[k++] = st->paths.run;
    margs[k++] = "--name";
    margs[k++] = live->name;
    margs[k++] = "--uuid";
    margs[k++] = uuid;
    margs[k++] = "--id";
    margs[k++] = idstr;
    margs[k++] = "--log";
    margs[k++] = log;
    margs[k++] = "--console-log";
    margs[k++] = console_log;
    margs[k++] = "--shutdown-flags";
    margs[k++] = sflags;
    if (live->on_poweroff) {
        margs[k++] = "--on-poweroff";
        margs[k++] = live->on_poweroff;
    }
    if (live->on_reboot) {
        margs[k++] = "--on-reboot";
        margs[k++] = live->on_reboot;
    }
    if (live->on_crash) {
        margs[k++] = "--on-crash";
        margs[k++] = live->on_crash;
    }
    if (flags & LV_START_PAUSED)
        margs[k++] = "--paused";
    margs[k++] = "--";
    char **full = lv_malloc0((k + nargv + 1) * sizeof(char *));
    memcpy(full, margs, k * sizeof(char *));
    memcpy(full + k, argv, nargv * sizeof(char *));

    op = op_new(st, OP_START, live);
    op->lock_fd = lock_fd;
    lock_fd = -1;
    op->done = cb;
    op->dom_cb = dom_cb;
    op->opaque = opaque;
    op->argv_text = lv__qemu_argv_text(argv);
    uv_pipe_init(st->conn->loop, &op->pipe, 0);
    op->pipe.data = op;
    op->handles++;
    uv_stdio_container_t stdio[4] = {
        {.flags = UV_IGNORE},
        {.flags = UV_IGNORE},
        {.flags = UV_IGNORE},
        {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t *)&op->pipe},
    };
    uv_process_options_t opts = {
        .exit_cb = on_monitor_exit,
        .file = exe,
        .args = full,
        .stdio = stdio,
        .stdio_count = 4,
        .flags = UV_PROCESS_DETACHED,
    };
    op->proc.data = op;
    int rc = uv_spawn(st->conn->loop, &op->proc, &opts);
    op->handles++;
    free(full);
    if (rc < 0) {
        op->pipe_eof = true; /* no monitor, no answer to wait for */
        close_handle(op, (uv_handle_t *)&op->proc);
        char *livep = lv__qemu_path(st->paths.run, live->name, ".xml");
        unlink(livep);
        free(livep);
        op_fail(op, LV_ERR_OPERATION_FAILED,
                "cannot start domain '%s': cannot run the monitor process '%s': %s", live->name,
                exe, uv_strerror(rc));
    } else {
        uv_read_start((uv_stream_t *)&op->pipe, on_alloc, on_answer);
    }
    free(exe);
    lv_qemu_argv_free(argv);
    lv_domain_def_free(live);
    free(mon);
    free(qmp);
    free(console);
    free(console_log);
    free(pidfile);
    free(log);
    return;

fail_free:
    lv_qemu_argv_free(argv);
    lv_domain_def_free(live);
    free(mon);
    free(qmp);
    free(console);
    free(console_log);
    free(pidfile);
    free(log);
fail_unlock:
    if (lock_fd >= 0)
        close(lock_fd);
fail:
    if (dom_cb)
        dom_cb(opaque, NULL, &err);
    else
        cb(opaque, &err);
}

void lv__qemu_start(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                    void *opaque)
{
    lv__qemu_dom *d = lv__qemu_begin_op(c, uuid, flags, LV_START_PAUSED, "start", cb, opaque);
    if (!d)
        return;
    if (lv__qemu_dom_active(d)) {
        lv_error err;
        lv_error_set(&err, LV_ERR_OPERATION_INVALID, "domain '%s' is already running",
                     lv__qemu_dom_name(d));
        cb(opaque, &err);
        return;
    }
    lv_domain_def *def = lv_domain_def_copy(d->persistent_def);
    start_def(c->priv, d, def, flags, cb, NULL, opaque);
    lv_domain_def_free(def);
}

void lv__qemu_create_xml(lv_conn *c, const char *xml, unsigned flags, lv_domain_cb cb, void *opaque)
{
    lv_error err;
    lv__qemu_state *st = c->priv;
    lv__qemu_dom *d = NULL;
    if (flags & ~(unsigned)LV_START_PAUSED) {
        lv_error_set(&err, LV_ERR_INVALID_ARG, "create: unsupported flags 0x%x",
                     flags & ~(unsigned)LV_START_PAUSED);
        cb(opaque, NULL, &err);
        return;
    }
    lv_domain_def *def = lv__qemu_parse_new_def(st, xml, &d, &err);
    if (!def) {
        cb(opaque, NULL, &err);
        return;
    }
    if (d && lv__qemu_dom_active(d)) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID, "domain '%s' is already running", def->name);
        lv_domain_def_free(def);
        cb(opaque, NULL, &err);
        return;
    }
    start_def(st, d, def, flags, NULL, cb, opaque);
    lv_domain_def_free(def);
}

/* ---- waiting for the end ------------------------------------------------ */

static bool status_gone(lv__qemu_op *op)
{
    char *path = lv__qemu_path(op->st->paths.run, op->name, ".status");
    struct stat sb;
    bool gone = stat(path, &sb) < 0;
    free(path);
    if (gone)
        return true;
    /* A monitor that died cannot clean up: a refresh does it. */
    lv__qemu_dom *d = lv__qemu_find_uuid(op->st, op->uuid);
    if (d && (d = lv__qemu_refresh(op->st, d)) && lv__qemu_dom_active(d))
        return false;
    return true;
}

static void on_end_poll(uv_timer_t *t)
{
    lv__qemu_op *op = t->data;
    if (status_gone(op)) {
        lv__qemu_scan(op->st, NULL);
        op_complete(op, NULL);
        return;
    }
    uint64_t elapsed = uv_now(op->st->conn->loop) - op->started;
    if (op->kind == OP_DESTROY && !op->killed && !(op->flags & LV_DESTROY_GRACEFUL) &&
        elapsed >= DESTROY_TERM_MS) {
        op->killed = true;
        if (op->qemu_pid > 0 && lv__proc_alive(op->qemu_pid, op->qemu_start))
            kill(op->qemu_pid, SIGKILL);
        return;
    }
    if (elapsed >= op->deadline_ms) {
        if (op->kind == OP_DESTROY)
            op_fail(op, LV_ERR_TIMEOUT, "domain '%s' did not end within %llu s of SIGTERM",
                    op->name, (unsigned long long)(op->deadline_ms / 1000));
        else
            op_fail(op, LV_ERR_TIMEOUT, "domain '%s' did not shut down within %llu s", op->name,
                    (unsigned long long)(op->deadline_ms / 1000));
    }
}

static void wait_for_end(lv__qemu_op *op, uint64_t deadline_ms)
{
    op->started = uv_now(op->st->conn->loop);
    op->deadline_ms = deadline_ms;
    uv_timer_start(&op->timer, on_end_poll, POLL_MS, POLL_MS);
}

/* ---- destroy ------------------------------------------------------------ */

void lv__qemu_destroy(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                      void *opaque)
{
    lv_error err;
    lv__qemu_state *st = c->priv;
    lv__qemu_dom *d = lv__qemu_begin_op(c, uuid, flags, LV_DESTROY_GRACEFUL, "destroy", cb, opaque);
    if (!d)
        return;
    if (!lv__qemu_dom_active(d)) {
        lv__qemu_refuse_state(d, LV_DOMAIN_RUNNING, &err);
        cb(opaque, &err);
        return;
    }
    pid_t pid = d->status.qemu_pid;
    unsigned long long pid_start = d->status.qemu_start;
    char *marker = lv__qemu_path(st->paths.run, lv__qemu_dom_name(d), ".destroy");
    int rc = lv_file_write_atomic(marker, "", 0, 0600, &err);
    free(marker);
    if (rc < 0) {
        cb(opaque, &err);
        return;
    }
    /* Only the qemu the status file names, never a process that reused its pid. */
    if (pid <= 0 || !lv__proc_alive(pid, pid_start)) {
        /* qemu is already gone; the monitor is cleaning up. */
    } else if (kill(pid, SIGTERM) < 0 && errno != ESRCH) {
        lv_error_set_errno(&err, errno, "cannot stop domain '%s' (qemu pid %d)",
                           lv__qemu_dom_name(d), (int)pid);
        cb(opaque, &err);
        return;
    }
    lv__qemu_op *op = op_new(st, OP_DESTROY, lv__qemu_dom_def(d));
    op->flags = flags;
    op->done = cb;
    op->opaque = opaque;
    op->qemu_pid = pid;
    op->qemu_start = pid_start;
    wait_for_end(op, (flags & LV_DESTROY_GRACEFUL) ? DESTROY_TERM_MS : DESTROY_TERM_MS + 20000);
}

/* ---- operations over QMP ------------------------------------------------ */

static void on_state_poll(uv_timer_t *t);

static void on_qmp_reply(lv_qmp *qmp, void *opaque, json_object *ret, const lv_error *err)
{
    (void)qmp;
    (void)ret;
    lv__qemu_op *op = opaque;
    if (op->completed)
        return;
    if (err) {
        op_fail(op, err->code == LV_ERR_TIMEOUT ? LV_ERR_TIMEOUT : LV_ERR_OPERATION_FAILED,
                "cannot %s domain '%s': %s", op->what, op->name, err->message);
        return;
    }
    if (op->set_override) {
        lv__qemu_dom *d = lv__qemu_find_uuid(op->st, op->uuid);
        if (d && lv__qemu_dom_active(d)) {
            d->override = true;
            d->override_seq = d->status.seq;
            d->override_state = op->new_state;
            d->override_reason = op->new_reason;
            d->state = op->new_state;
            d->reason = op->new_reason;
            if (!lv__proc_alive(d->status.monitor_pid, d->status.monitor_start)) {
                /* No monitor process (it was killed) keeps the status file: the
                 * shell does, under the lock, for the shells after it. */
                char *path = lv__qemu_path(op->st->paths.run, op->name, ".status");
                d->status.state = op->new_state;
                d->status.reason = op->new_reason;
                d->status.seq++;
                lv__qemu_status_write(path, &d->status, NULL);
                d->override = false;
                free(path);
            } else {
                lv_qmp_close(op->qmp);
                op->qmp = NULL;
                op->started = uv_now(op->st->conn->loop);
                uv_timer_start(&op->timer, on_state_poll, 1, POLL_MS);
                return;
            }
        }
    }
    if (op->wait_end) {
        op_unlock(op);
        lv_qmp_close(op->qmp);
        op->qmp = NULL;
        unsigned secs = op->flags >> 8;
        wait_for_end(op, (uint64_t)(secs ? secs : SHUTDOWN_DEFAULT_S) * 1000);
        return;
    }
    op_complete(op, NULL);
}

/* After stop/cont: complete once the monitor process has recorded the new
 * state in the status file (it does on qemu's STOP/RESUME event, a few ms
 * later), so every other process sees it too when the call returns. Gives up
 * waiting after STATE_WAIT_MS (this process's override still holds). */
#define STATE_WAIT_MS 2000

static void on_state_poll(uv_timer_t *t)
{
    lv__qemu_op *op = t->data;
    char *path = lv__qemu_path(op->st->paths.run, op->name, ".status");
    lv__qemu_status s = {0};
    int r = lv__qemu_status_read(path, &s, NULL);
    bool done = r <= 0 || s.state == op->new_state ||
                uv_now(op->st->conn->loop) - op->started >= STATE_WAIT_MS;
    lv__qemu_status_clear(&s);
    free(path);
    if (done)
        op_complete(op, NULL);
}

static void on_pre_reply(lv_qmp *qmp, void *opaque, json_object *ret, const lv_error *err)
{
    (void)qmp;
    (void)ret;
    lv__qemu_op *op = opaque;
    if (err && !op->completed)
        op_fail(op, LV_ERR_OPERATION_FAILED, "cannot %s domain '%s': %s", op->what, op->name,
                err->message);
}

static void on_raw_reply(lv_qmp *qmp, void *opaque, json_object *ret, const lv_error *err)
{
    (void)qmp;
    lv__qemu_op *op = opaque;
    if (op->completed)
        return;
    if (err || !ret) {
        op_fail(op, err && err->code == LV_ERR_TIMEOUT ? LV_ERR_TIMEOUT : LV_ERR_OPERATION_FAILED,
                "qemu-monitor-command on domain '%s': %s", op->name,
                err ? err->message : "no reply");
        return;
    }
    op->result = lv_strdup(json_object_to_json_string_ext(ret, JSON_C_TO_STRING_PLAIN |
                                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
    op_complete(op, NULL);
}

static void on_hmp_text(lv_qmp *qmp, void *opaque, const char *text, const lv_error *err)
{
    (void)qmp;
    lv__qemu_op *op = opaque;
    if (op->completed)
        return;
    if (err) {
        op_fail(op, err->code == LV_ERR_TIMEOUT ? LV_ERR_TIMEOUT : LV_ERR_OPERATION_FAILED,
                "qemu-monitor-command on domain '%s': %s", op->name, err->message);
        return;
    }
    op->result = lv_strdup(text ? text : "");
    op_complete(op, NULL);
}

static void on_batch_reply(lv_qmp *qmp, void *opaque, json_object *ret, const lv_error *err)
{
    (void)qmp;
    lv__qemu_op *op = opaque;
    if (op->completed)
        return;
    if (err && !ret) { /* no answer: closed, timed out */
        op_fail(op, err->code == LV_ERR_TIMEOUT ? LV_ERR_TIMEOUT : LV_ERR_OPERATION_FAILED,
                "cannot %s domain '%s': %s", op->what, op->name, err->message);
        return;
    }
    /* An error reply leaves NULL: the caller makes do without it. */
    op->replies[op->nreplied++] = err ? NULL : json_object_get(ret);
    if (op->nreplied == op->nbatch)
        op_complete(op, NULL);
}

static void on_qmp_connected(lv_qmp *qmp, void *opaque, const lv_error *err)
{
    lv__qemu_op *op = opaque;
    if (op->completed)
        return;
    if (err) {
        op_fail(op, LV_ERR_OPERATION_FAILED, "cannot %s domain '%s': %s", op->what, op->name,
                err->message);
        return;
    }
    lv_error e;
    if (op->batch_cb) {
        /* QMP answers in order; all go out at once. */
        for (size_t i = 0; i < op->nbatch; i++) {
            if (lv_qmp_command_text(qmp, op->batch_cmds[i], op->batch_args[i], QMP_TIMEOUT_MS,
                                    on_batch_reply, op, &e) < 0) {
                op_fail(op, LV_ERR_OPERATION_FAILED, "cannot %s domain '%s': %s", op->what,
                        op->name, e.message);
                return;
            }
        }
        if (op->nbatch == 0)
            op_complete(op, NULL);
        return;
    }
    if (op->passthrough) {
        int rc = op->hmp ? lv_qmp_hmp(qmp, op->args, QMP_TIMEOUT_MS, on_hmp_text, op, &e)
                         : lv_qmp_raw(qmp, op->args, QMP_TIMEOUT_MS, on_raw_reply, op, &e);
        if (rc < 0)
            op_fail(op, e.code == LV_ERR_NONE ? LV_ERR_OPERATION_FAILED : e.code, "%s", e.message);
        return;
    }
    if (op->pre_args) {
        /* set-action first; QMP runs commands in order, so cmd follows it. */
        if (lv_qmp_command_text(qmp, "set-action", op->pre_args, QMP_TIMEOUT_MS, on_pre_reply, op,
                                &e) < 0) {
            op_fail(op, LV_ERR_OPERATION_FAILED, "cannot %s domain '%s': %s", op->what, op->name,
                    e.message);
            return;
        }
    }
    if (lv_qmp_command_text(qmp, op->cmd, op->args, QMP_TIMEOUT_MS, on_qmp_reply, op, &e) < 0)
        op_fail(op, LV_ERR_OPERATION_FAILED, "cannot %s domain '%s': %s", op->what, op->name,
                e.message);
}

static void qmp_go(lv__qemu_op *op)
{
    lv_error err;
    lv__qemu_dom *d = lv__qemu_find_uuid(op->st, op->uuid);
    if (d)
        d = lv__qemu_refresh(op->st, d);
    if (!d || !lv__qemu_dom_active(d)) {
        op_fail(op, LV_ERR_OPERATION_INVALID, "domain '%s' is not running", op->name);
        return;
    }
    char *marker = lv__qemu_path(op->st->paths.run, op->name, ".reboot");
    if (op->reboot) {
        lv_file_write_atomic(marker, "", 0, 0600, NULL);
        op->pre_args = lv_strdup("{\"shutdown\": \"pause\"}");
    } else if (op->clear_reboot && unlink(marker) == 0) {
        /* An earlier reboot the guest ignored left qemu set to pause on a
         * power-off: put back what the definition says. */
        op->pre_args =
            lv_strdup((op->shutdown_flags & LV_QEMU_NO_SHUTDOWN) ? "{\"shutdown\": \"pause\"}"
                                                                 : "{\"shutdown\": \"poweroff\"}");
    }
    free(marker);
    op->qmp = lv_qmp_new(op->st->conn->loop, NULL);
    if (lv_qmp_connect(op->qmp, d->status.qmp, QMP_TIMEOUT_MS, on_qmp_connected, op, &err) < 0)
        op_fail(op, LV_ERR_OPERATION_FAILED, "cannot %s domain '%s': %s", op->what, op->name,
                err.message);
}

static void on_lock_poll(uv_timer_t *t)
{
    lv__qemu_op *op = t->data;
    lv_error err;
    int r = lock_try(op->st, op->name, &op->lock_fd, &err);
    if (r < 0) {
        op_complete(op, &err);
        return;
    }
    if (r > 0) {
        uv_timer_stop(t);
        qmp_go(op);
        return;
    }
    if (uv_now(op->st->conn->loop) - op->started >= LOCK_WAIT_MS)
        op_fail(op, LV_ERR_TIMEOUT,
                "cannot %s domain '%s': another luvirt process has held its lock for %d s",
                op->what, op->name, LOCK_WAIT_MS / 1000);
}

/* Checks the state, then runs cmd over the shells' QMP socket under the lock. */
static void qmp_op(lv_conn *c, const unsigned char *uuid, unsigned flags, unsigned allowed,
                   const char *what, const char *cmd, const char *args, lv_domain_state need,
                   lv_done_cb cb, void *opaque, lv__qemu_op **out)
{
    lv_error err;
    *out = NULL;
    lv__qemu_dom *d = lv__qemu_begin_op(c, uuid, flags, allowed, what, cb, opaque);
    if (!d)
        return;
    if (d->state != need) {
        if (need == LV_DOMAIN_RUNNING && d->state == LV_DOMAIN_PAUSED &&
            strcmp(what, "suspend") == 0)
            lv_error_set(&err, LV_ERR_OPERATION_INVALID, "domain '%s' is already paused",
                         lv__qemu_dom_name(d));
        else
            lv__qemu_refuse_state(d, need, &err);
        cb(opaque, &err);
        return;
    }
    lv__qemu_op *op = op_new(c->priv, OP_QMP, lv__qemu_dom_def(d));
    op->flags = flags;
    op->done = cb;
    op->opaque = opaque;
    op->what = what;
    op->cmd = cmd;
    op->args = lv_strdup(args);
    op->started = uv_now(c->loop);
    *out = op;
    int r = lock_try(c->priv, op->name, &op->lock_fd, &err);
    if (r < 0) {
        op_complete(op, &err);
        *out = NULL;
    } else if (r == 0) {
        uv_timer_start(&op->timer, on_lock_poll, POLL_MS, POLL_MS);
    }
}

/* The op starts on the next loop turn (so callers can set its fields first). */
static void qmp_start(lv__qemu_op *op)
{
    if (op && op->lock_fd >= 0)
        qmp_go(op);
}

void lv__qemu_suspend(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                      void *opaque)
{
    lv__qemu_op *op;
    qmp_op(c, uuid, flags, 0, "suspend", "stop", NULL, LV_DOMAIN_RUNNING, cb, opaque, &op);
    if (op) {
        op->set_override = true;
        op->new_state = LV_DOMAIN_PAUSED;
        op->new_reason = LV_PAUSED_USER;
    }
    qmp_start(op);
}

void lv__qemu_resume(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                     void *opaque)
{
    lv__qemu_op *op;
    qmp_op(c, uuid, flags, 0, "resume", "cont", NULL, LV_DOMAIN_PAUSED, cb, opaque, &op);
    if (op) {
        op->set_override = true;
        op->new_state = LV_DOMAIN_RUNNING;
        op->new_reason = LV_RUNNING_UNPAUSED;
    }
    qmp_start(op);
}

void lv__qemu_reset(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                    void *opaque)
{
    lv__qemu_op *op;
    qmp_op(c, uuid, flags, 0, "reset", "system_reset", NULL, LV_DOMAIN_RUNNING, cb, opaque, &op);
    qmp_start(op);
}

void lv__qemu_shutdown(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                       void *opaque)
{
    lv__qemu_op *op;
    qmp_op(c, uuid, flags, LV_SHUTDOWN_WAIT | LV_SHUTDOWN_TIMEOUT_MASK, "shutdown",
           "system_powerdown", NULL, LV_DOMAIN_RUNNING, cb, opaque, &op);
    if (op) {
        lv__qemu_dom *d = lv__qemu_find_uuid(op->st, op->uuid);
        op->wait_end = flags & LV_SHUTDOWN_WAIT;
        op->clear_reboot = true;
        op->shutdown_flags = d && d->live_def ? lv_qemu_shutdown_flags(d->live_def) : 0;
    }
    qmp_start(op);
}

/* A reboot through ACPI, as libvirt's "fake reboot": the guest powers off, qemu
 * pauses instead of exiting (set-action), and the monitor process, seeing the
 * NAME.reboot marker, resets and resumes it. on_reboot destroy/preserve end it
 * as a guest shutdown does. */
void lv__qemu_reboot(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                     void *opaque)
{
    lv__qemu_op *op;
    qmp_op(c, uuid, flags, 0, "reboot", "system_powerdown", NULL, LV_DOMAIN_RUNNING, cb, opaque,
           &op);
    if (op) {
        lv__qemu_dom *d = lv__qemu_find_uuid(op->st, op->uuid);
        const char *action = d && d->live_def ? d->live_def->on_reboot : NULL;
        if (!action || strcmp(action, "restart") == 0)
            op->reboot = true;
    }
    qmp_start(op);
}

/* QMP passthrough, under the lock like every shell's QMP session. */
void lv__qemu_monitor_command(lv_conn *c, const unsigned char *uuid, const char *cmd,
                              unsigned flags, lv_string_cb cb, void *opaque)
{
    lv_error err;
    lv__qemu_state *st = c->priv;
    lv__qemu_dom *d = NULL;
    if (flags & ~(unsigned)LV_QMP_PASSTHROUGH_HMP)
        lv_error_set(&err, LV_ERR_INVALID_ARG, "qemu-monitor-command: unsupported flags 0x%x",
                     flags & ~(unsigned)LV_QMP_PASSTHROUGH_HMP);
    else if (!cmd || !*cmd)
        lv_error_set(&err, LV_ERR_INVALID_ARG, "qemu-monitor-command: no command given");
    else if ((d = lv__qemu_find_dom(st, uuid, &err)) && !lv__qemu_dom_active(d))
        lv__qemu_refuse_state(d, LV_DOMAIN_RUNNING, &err);
    if (!d || !lv__qemu_dom_active(d)) {
        cb(opaque, NULL, &err);
        return;
    }
    lv__qemu_op *op = op_new(st, OP_QMP, lv__qemu_dom_def(d));
    op->flags = flags;
    op->str_cb = cb;
    op->opaque = opaque;
    op->what = "qemu-monitor-command";
    op->passthrough = true;
    op->hmp = flags & LV_QMP_PASSTHROUGH_HMP;
    op->args = lv_strdup(cmd);
    op->started = uv_now(c->loop);
    int r = lock_try(st, op->name, &op->lock_fd, &err);
    if (r < 0)
        op_complete(op, &err);
    else if (r == 0)
        uv_timer_start(&op->timer, on_lock_poll, POLL_MS, POLL_MS);
    else
        qmp_go(op);
}

/* Several QMP commands in one session under the lock (stats and the like). */
void lv__qemu_qmp_batch(lv_conn *c, const unsigned char *uuid, const char *what,
                        const char *const *cmds, const char *const *args, size_t n,
                        lv__qemu_batch_cb cb, void *opaque)
{
    lv_error err;
    lv__qemu_state *st = c->priv;
    lv__qemu_dom *d = lv__qemu_find_dom(st, uuid, &err);
    if (d && !lv__qemu_dom_active(d)) {
        lv__qemu_refuse_state(d, LV_DOMAIN_RUNNING, &err);
        d = NULL;
    }
    if (!d) {
        cb(opaque, NULL, 0, &err);
        return;
    }
    lv__qemu_op *op = op_new(st, OP_QMP, lv__qemu_dom_def(d));
    op->batch_cb = cb;
    op->opaque = opaque;
    op->what = what;
    op->nbatch = n;
    op->batch_cmds = lv_malloc0((n + 1) * sizeof(char *));
    op->batch_args = lv_malloc0((n + 1) * sizeof(char *));
    op->replies = lv_malloc0((n + 1) * sizeof(json_object *));
    for (size_t i = 0; i < n; i++) {
        op->batch_cmds[i] = lv_strdup(cmds[i]);
        op->batch_args[i] = lv_strdup(args ? args[i] : NULL);
    }
    op->started = uv_now(c->loop);
    int r = lock_try(st, op->name, &op->lock_fd, &err);
    if (r < 0)
        op_complete(op, &err);
    else if (r == 0)
        uv_timer_start(&op->timer, on_lock_poll, POLL_MS, POLL_MS);
    else
        qmp_go(op);
}

/* ---- version, capabilities ---------------------------------------------- */

/* The emulator found on PATH (capabilities, version), malloc'd, or NULL. */
char *lv__qemu_find_emulator(void)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    char *copy = lv_strdup(path), *save = NULL;
    char *found = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
        char *cand = lv_asprintf("%s/%s", *dir ? dir : ".", LV_QEMU_DEFAULT_EMULATOR);
        if (access(cand, X_OK) == 0)
            found = cand;
        else
            free(cand);
    }
    free(copy);
    return found;
}

/* `qemu-system-x86_64 --version`, run once per process and remembered. */
typedef struct version_call {
    uv_process_t proc;
    uv_pipe_t out;
    lv_strbuf text;
    int open_handles;
    bool exited, eof;
    int64_t status;
    lv_version_cb cb;
    void *opaque;
} version_call;

static lv_version_info version_cache;
static bool version_known;

static void version_closed(uv_handle_t *h)
{
    version_call *v = h->data;
    if (--v->open_handles == 0) {
        lv_strbuf_clear(&v->text);
        free(v);
    }
}

static void version_finish(version_call *v)
{
    if (!v->exited || !v->eof)
        return;
    const char *t = v->text.data ? v->text.data : "";
    const char *p = strstr(t, "version ");
    unsigned major = 0, minor = 0, micro = 0;
    lv_error err;
    if (v->status != 0 || !p || sscanf(p + 8, "%u.%u.%u", &major, &minor, &micro) < 2) {
        lv_error_set(&err, LV_ERR_OPERATION_FAILED,
                     "cannot tell the version of %s: it printed '%.100s' (exit status %lld)",
                     LV_QEMU_DEFAULT_EMULATOR, t, (long long)v->status);
        v->cb(v->opaque, NULL, &err);
    } else {
        memset(&version_cache, 0, sizeof(version_cache));
        memcpy(version_cache.hypervisor, "QEMU", 5);
        version_cache.hv_version = major * 1000000UL + minor * 1000UL + micro;
        version_known = true;
        v->cb(v->opaque, &version_cache, NULL);
    }
    uv_close((uv_handle_t *)&v->out, version_closed);
}

static void version_exit(uv_process_t *proc, int64_t status, int signal)
{
    version_call *v = proc->data;
    v->exited = true;
    v->status = signal ? 128 + signal : status;
    uv_close((uv_handle_t *)proc, version_closed);
    version_finish(v);
}

static void version_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    version_call *v = s->data;
    if (n > 0 && v->text.len < 4096)
        lv_strbuf_addn(&v->text, buf->base, (size_t)n);
    free(buf->base);
    if (n < 0) {
        v->eof = true;
        uv_read_stop(s);
        version_finish(v);
    }
}

void lv__qemu_version(lv_conn *c, lv_version_cb cb, void *opaque)
{
    lv_error err;
    if (version_known) {
        cb(opaque, &version_cache, NULL);
        return;
    }
    char *exe = lv__qemu_find_emulator();
    if (!exe) {
        lv_error_set(&err, LV_ERR_OPERATION_FAILED, "no %s on PATH (is qemu installed?)",
                     LV_QEMU_DEFAULT_EMULATOR);
        cb(opaque, NULL, &err);
        return;
    }
    version_call *v = LV_NEW(version_call);
    lv_strbuf_init(&v->text);
    v->cb = cb;
    v->opaque = opaque;
    uv_pipe_init(c->loop, &v->out, 0);
    v->out.data = v;
    v->proc.data = v;
    v->open_handles = 2;
    char *args[] = {exe, "--version", NULL};
    uv_stdio_container_t stdio[3] = {
        {.flags = UV_IGNORE},
        {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t *)&v->out},
        {.flags = UV_IGNORE},
    };
    uv_process_options_t opts = {
        .exit_cb = version_exit, .file = exe, .args = args, .stdio = stdio, .stdio_count = 3};
    int rc = uv_spawn(c->loop, &v->proc, &opts);
    free(exe);
    if (rc < 0) {
        lv_error_set(&err, LV_ERR_OPERATION_FAILED, "cannot run %s --version: %s",
                     LV_QEMU_DEFAULT_EMULATOR, uv_strerror(rc));
        uv_close((uv_handle_t *)&v->proc, version_closed);
        uv_close((uv_handle_t *)&v->out, version_closed);
        cb(opaque, NULL, &err);
        return;
    }
    uv_read_start((uv_stream_t *)&v->out, on_alloc, version_read);
}
