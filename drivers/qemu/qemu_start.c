/* Starting guests: start and create, through the per-guest monitor process
 * (qemu_monitor_proc.c), spawned detached, answering on a pipe. See qemu_run.c
 * for the whole picture. */
#include "qemu_run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "storage/storage_driver.h"
#include "core/files.h"
#include "qemu_command.h"
#include "qemu_driver.h"

#ifndef LUVIRT_BUILD_MONITOR
#define LUVIRT_BUILD_MONITOR ""
#endif
#ifndef LUVIRT_INSTALL_MONITOR
#define LUVIRT_INSTALL_MONITOR "/usr/local/libexec/luvirt/luvirt-monitor"
#endif

/* ---- the monitor binary ------------------------------------------------- */

static bool executable(const char *path)
{
    return path && *path && access(path, X_OK) == 0;
}

/* luvirt-monitor: $LUVIRT_MONITOR_EXE, beside the running program when it is
 * luvirt, the build tree's, the installed one. (The driver also runs inside
 * lua5.4 through the module, and in the C tests.) */
static char *monitor_exe(void)
{
    const char *env = getenv("LUVIRT_MONITOR_EXE");
    if (executable(env))
        return lv_strdup(env);
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash && strcmp(slash + 1, "luvirt") == 0) {
            char *beside = lv_asprintf("%.*s/luvirt-monitor", (int)(slash - self), self);
            if (executable(beside))
                return beside;
            free(beside);
        }
    }
    if (executable(LUVIRT_BUILD_MONITOR))
        return lv_strdup(LUVIRT_BUILD_MONITOR);
    return lv_strdup(LUVIRT_INSTALL_MONITOR);
}

/* ---- start -------------------------------------------------------------- */

int (*lv__qemu_prepare_nets_hook)(lv__qemu_state *st, lv_domain_def *def, int **fds, size_t *nfds,
                                  lv_error *err);

/* The NICs' fds (qemu_run.h): opened in this process; net_fds[i] gets the
 * number qemu will see for interface i, *npassed how many there are. */
static int prepare_nets(lv__qemu_state *st, lv_domain_def *live, int **fds, size_t *nfds,
                        int **net_fds, size_t *npassed, lv_error *err)
{
    *net_fds = NULL;
    *npassed = 0;
    int rc = lv__qemu_prepare_nets_hook ? lv__qemu_prepare_nets_hook(st, live, fds, nfds, err)
                                        : lv__qemu_prepare_nets(st, live, fds, nfds, err);
    if (rc < 0) {
        *fds = NULL;
        *nfds = 0;
        return -1;
    }
    if (*nfds == 0)
        return 0;
    *net_fds = lv_malloc0(*nfds * sizeof(int));
    for (size_t i = 0; i < *nfds; i++)
        (*net_fds)[i] = (*fds)[i] >= 0 ? LV__QEMU_FIRST_PASSED_FD + (int)(*npassed)++ : -1;
    return 0;
}

/* What the monitor learnt at start (the VNC port, in the status file) goes
 * into RUN/NAME.xml too, as it would be written had it been known before. Other
 * shells fold it in when they read the live XML (lv__qemu_refresh), so this is
 * for whoever reads the file itself. */
static void record_learnt(lv__qemu_op *op)
{
    char *spath = lv__qemu_path(op->st->paths.run, op->name, ".status");
    char *xpath = lv__qemu_path(op->st->paths.run, op->name, ".xml");
    lv__qemu_status s;
    char *xml = NULL;
    size_t len;
    if (lv__qemu_status_read(spath, &s, NULL) > 0 && s.vnc_port > 0 &&
        lv_file_read_all(xpath, &xml, &len, NULL) == 0) {
        lv_domain_def *live = lv_domain_def_parse_xml(xml, 0, NULL);
        if (live) {
            lv__qemu_fold_status(live, &s);
            char *text = lv_domain_def_format_xml(live, s.id, LV_DOMAIN_FORMAT_SECURE);
            if (text)
                lv_file_write_atomic(xpath, text, strlen(text), 0600, NULL);
            free(text);
            lv_domain_def_free(live);
        }
    }
    free(xml);
    lv__qemu_status_clear(&s);
    free(spath);
    free(xpath);
}

static void start_check_done(lv__qemu_op *op)
{
    if (!op->pipe_eof || !op->proc_exited || op->completed)
        return;
    char *line = op->answer.data ? op->answer.data : "";
    char *nl = strchr(line, '\n');
    if (nl)
        *nl = '\0';
    if (strcmp(line, "ok") == 0) {
        record_learnt(op);
        lv__qemu_op_complete(op, NULL);
        return;
    }
    /* Nothing of the failed start stays: the monitor removed its files. */
    char *live = lv__qemu_path(op->st->paths.run, op->name, ".xml");
    char *status = lv__qemu_path(op->st->paths.run, op->name, ".status");
    char *setup = lv__qemu_path(op->st->paths.run, op->name, ".setup");
    struct stat sb;
    if (stat(status, &sb) < 0) {
        unlink(live);
        unlink(setup);
    }
    free(live);
    free(status);
    free(setup);
    if (strncmp(line, "error ", 6) == 0) {
        lv__qemu_op_fail(op, LV_ERR_OPERATION_FAILED, "cannot start domain '%s': %s", op->name,
                         line + 6);
        return;
    }
    if (op->exit_signal)
        lv__qemu_op_fail(op, LV_ERR_OPERATION_FAILED,
                         "cannot start domain '%s': the monitor process was killed by signal %d",
                         op->name, op->exit_signal);
    else
        lv__qemu_op_fail(
            op, LV_ERR_OPERATION_FAILED,
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
    lv__qemu_op_close_handle(op, (uv_handle_t *)proc);
    start_check_done(op);
}

void lv__qemu_on_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
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
            lv__qemu_op_unlock(op);
            lv__qemu_op_close_handle(op, (uv_handle_t *)&op->pipe);
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
    int r = lv__qemu_lock_try(st, def->name, &lock_fd, &err);
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
    int *nic_fds = NULL, *net_fds = NULL;
    size_t nnic_fds = 0, npassed = 0;
    uv_stdio_container_t *stdio = NULL;
    char *setup = NULL; /* RUN/NAME.setup when there is something to send */
    if (strlen(qmp) >= 108 || strlen(console) >= 108) {
        lv_error_set(&err, LV_ERR_INVALID_ARG,
                     "cannot start domain '%s': the socket path '%s' is too long for a UNIX "
                     "socket (107 bytes at most)",
                     def->name, strlen(qmp) >= 108 ? qmp : console);
        goto fail_free;
    }
    /* <source pool volume> disks become the volume's file or device. */
    if (lv_storage_resolve_disks(st->conn, live, &err) < 0)
        goto fail_free;
    if (prepare_nets(st, live, &nic_fds, &nnic_fds, &net_fds, &npassed, &err) < 0)
        goto fail_free;
    launch.net_fds = net_fds;
    launch.nnet_fds = nnic_fds;
    if (lv_qemu_build_argv(live, &launch, &argv, &err) < 0)
        goto fail_free;
    if (lv__qemu_save_live(st, live, id, &err) < 0)
        goto fail_free;
    char *ended = lv__qemu_path(st->paths.run, def->name, ".ended");
    unlink(ended);
    free(ended);
    /* What qemu takes over QMP before cont: for the monitor, which reads no XML. */
    char *setup_json = lv__qemu_setup_commands(live);
    if (setup_json) {
        setup = lv__qemu_path(st->paths.run, def->name, ".setup");
        int wrc = lv_file_write_atomic(setup, setup_json, strlen(setup_json), 0600, &err);
        explicit_bzero(setup_json, strlen(setup_json)); /* the VNC password */
        free(setup_json);
        if (wrc < 0) {
            char *livep = lv__qemu_path(st->paths.run, def->name, ".xml");
            unlink(livep);
            free(livep);
            goto fail_free;
        }
    }
    unlink(console_log); /* each run's console log starts empty */

    /* The monitor's command line. */
    size_t nargv = 0;
    while (argv[nargv])
        nargv++;
    char uuid[LV_UUID_STRING_LEN], idstr[16], sflags[16], spassed[24];
    lv_uuid_format(live->uuid, uuid);
    snprintf(idstr, sizeof(idstr), "%d", id);
    snprintf(sflags, sizeof(sflags), "%u", lv_qemu_shutdown_flags(live));
    exe = monitor_exe();
    const char *margs[40 + 1];
    size_t k = 0;
    margs[k++] = exe;
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
    if (npassed) {
        snprintf(spassed, sizeof(spassed), "%zu", npassed);
        margs[k++] = "--pass-fds";
        margs[k++] = spassed;
    }
    if (setup) {
        margs[k++] = "--setup";
        margs[k++] = setup;
    }
    margs[k++] = "--";
    char **full = lv_malloc0((k + nargv + 1) * sizeof(char *));
    memcpy(full, margs, k * sizeof(char *));
    memcpy(full + k, argv, nargv * sizeof(char *));

    op = lv__qemu_op_new(st, LV__QEMU_OP_START, live);
    op->lock_fd = lock_fd;
    lock_fd = -1;
    op->done = cb;
    op->dom_cb = dom_cb;
    op->opaque = opaque;
    op->argv_text = lv__qemu_argv_text(argv);
    uv_pipe_init(st->conn->loop, &op->pipe, 0);
    op->pipe.data = op;
    op->handles++;
    /* The monitor's fds: 0-2 /dev/null, 3 its answer, then the NICs' fds at
     * the numbers qemu will have them (the monitor closes any other it gets). */
    size_t nstdio = LV__QEMU_FIRST_PASSED_FD + npassed;
    stdio = lv_malloc0(nstdio * sizeof(*stdio));
    for (size_t j = 0; j < nstdio; j++)
        stdio[j].flags = UV_IGNORE;
    stdio[3].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
    stdio[3].data.stream = (uv_stream_t *)&op->pipe;
    for (size_t i = 0; i < nnic_fds; i++) {
        if (net_fds[i] < 0)
            continue;
        stdio[net_fds[i]].flags = UV_INHERIT_FD;
        stdio[net_fds[i]].data.fd = nic_fds[i];
    }
    uv_process_options_t opts = {
        .exit_cb = on_monitor_exit,
        .file = exe,
        .args = full,
        .stdio = stdio,
        .stdio_count = (int)nstdio,
        .flags = UV_PROCESS_DETACHED,
    };
    op->proc.data = op;
    int rc = uv_spawn(st->conn->loop, &op->proc, &opts);
    op->handles++;
    free(full);
    free(stdio);
    /* The monitor holds them now (uv_spawn returns once it has exec'd), or
     * never will: either way this process lets go of its copies. */
    lv__qemu_release_nets(nic_fds, nnic_fds);
    nic_fds = NULL;
    if (rc < 0) {
        op->pipe_eof = true; /* no monitor, no answer to wait for */
        lv__qemu_op_close_handle(op, (uv_handle_t *)&op->proc);
        char *livep = lv__qemu_path(st->paths.run, live->name, ".xml");
        unlink(livep);
        free(livep);
        if (setup)
            unlink(setup);
        lv__qemu_op_fail(op, LV_ERR_OPERATION_FAILED,
                         "cannot start domain '%s': cannot run the monitor process '%s': %s",
                         live->name, exe, uv_strerror(rc));
    } else {
        uv_read_start((uv_stream_t *)&op->pipe, lv__qemu_on_alloc, on_answer);
    }
    free(exe);
    free(setup);
    free(net_fds);
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
    free(setup);
    lv__qemu_release_nets(nic_fds, nnic_fds);
    free(net_fds);
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
