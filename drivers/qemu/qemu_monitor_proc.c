/* The per-guest monitor process, its own small binary (shell/monitor_main.c:
 * libc, libuv, json-c and our core and QMP code; no XML, no Lua), started as
 *   luvirt-monitor --run DIR --name NAME --uuid UUID --id N --log FILE
 *          [--paused] [--shutdown-flags F] [--on-poweroff A] [--on-reboot A]
 *          [--on-crash A] [--pass-fds N] [--setup FILE] -- QEMU ARGV...
 * by a shell (qemu_start.c), detached (its own session), with a pipe on fd 3
 * and, with --pass-fds N, the fds 5 .. 5+N-1 for qemu (the NICs' TAPs: see
 * lv__qemu_prepare_nets in qemu_run.h), which it hands on at the same numbers
 * and closes once qemu has them.
 *
 * As podman's conmon: it forks once more so the shell's child exits at once (no
 * zombie in a long-running shell, nothing for the slow PID 1 to reap), then
 * binds the two QMP sockets qemu inherits (NAME.mon for itself, NAME.qmp for
 * shells), spawns qemu with them, stays its parent and reaps it the moment it
 * exits. It holds one QMP connection for the events (STOP, RESUME, SHUTDOWN,
 * RESET, GUEST_PANICKED), sends the QMP commands of the --setup file (made by
 * the shell: qemu_setup.c), then `cont` unless --paused, keeps the status file
 * up to date, carries out on_poweroff/on_reboot/on_crash, writes "ok" or
 * "error MESSAGE" on fd 3, and when qemu has ended records how (NAME.ended),
 * removes the runtime files and exits. No Lua, one small loop. */
#include "qemu_driver.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/files.h"
#include "core/strbuf.h"
#include "qemu_priv.h"
#include "qemu_command.h"
#include "qemu_run.h"
#include "qmp.h"

typedef struct monitor {
    uv_loop_t loop;
    lv__qemu_paths paths; /* only run is used */
    const char *name;
    const char *log_path;
    const char *setup_path; /* RUN/NAME.setup, or NULL: nothing to send before cont */
    char **qemu_argv;
    bool paused;
    unsigned shutdown_flags; /* LV_QEMU_NO_SHUTDOWN | LV_QEMU_NO_REBOOT */
    const char *on_poweroff, *on_reboot, *on_crash;
    int npassed; /* fds LV__QEMU_FIRST_PASSED_FD.. for qemu, until it holds them */

    lv__qemu_status status;
    char *status_path;
    int handshake_fd; /* -1 once answered */
    off_t log_start;

    uv_process_t qemu;
    bool qemu_running;
    lv_qmp *qmp;
    bool ready;
    uv_timer_t timer;  /* startup timeout */
    int setup_pending; /* replies to the settings sent before cont */
    char *setup_error; /* the first failure among them */
    char *start_error; /* why the monitor gave up on a qemu not yet up */

    /* how it ended */
    bool saw_shutdown;
    bool guest_shutdown; /* SHUTDOWN with guest: true */
    bool host_shutdown;  /* SHUTDOWN caused by a signal or quit */
    bool panicked;
    bool quit_sent; /* we asked qemu to quit (on_poweroff/on_crash destroy) */
} monitor;

/* ---- small helpers ------------------------------------------------------ */

static void answer(monitor *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void answer(monitor *m, const char *fmt, ...)
{
    if (m->handshake_fd < 0)
        return;
    char buf[LV_ERROR_MESSAGE_MAX + 16];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n > sizeof(buf) - 2)
        n = (int)sizeof(buf) - 2;
    buf[n++] = '\n';
    ssize_t w;
    do
        w = write(m->handshake_fd, buf, (size_t)n);
    while (w < 0 && errno == EINTR);
    close(m->handshake_fd);
    m->handshake_fd = -1;
}

static void log_line(monitor *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void log_line(monitor *m, const char *fmt, ...)
{
    int fd = open(m->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    char stamp[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    dprintf(fd, "%s: luvirt monitor %d: %s\n", stamp, (int)getpid(), buf);
    close(fd);
}

/* What qemu wrote to its stderr since it started, as one line. */
static char *qemu_stderr(monitor *m)
{
    int fd = open(m->log_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return lv_strdup("");
    char buf[4096];
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, m->log_start);
    close(fd);
    if (n < 0)
        n = 0;
    buf[n] = '\0';
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    char *save = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        while (*line == ' ' || *line == '\t' || *line == '\r')
            line++;
        if (!*line || strstr(line, "luvirt monitor "))
            continue;
        if (sb.len)
            lv_strbuf_add(&sb, "; ");
        for (char *p = line; *p; p++)
            if ((unsigned char)*p < 0x20)
                *p = ' ';
        lv_strbuf_add(&sb, line);
    }
    return lv_strbuf_steal(&sb);
}

static void write_status(monitor *m)
{
    m->status.seq++;
    lv_error err;
    if (lv__qemu_status_write(m->status_path, &m->status, &err) < 0)
        log_line(m, "cannot write the status file: %s", err.message);
}

static int bind_socket(const char *path, lv_error *err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(addr.sun_path))
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "socket path '%s' is too long for a UNIX socket (%zu bytes at most)",
                            path, sizeof(addr.sun_path) - 1);
    memcpy(addr.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return lv_error_set_errno(err, errno, "cannot create a socket for '%s'", path);
    unlink(path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 8) < 0) {
        int e = errno;
        close(fd);
        return lv_error_set_errno(err, e, "cannot listen on '%s'", path);
    }
    return fd;
}

/* ---- the end ------------------------------------------------------------ */

static void on_handle_closed(uv_handle_t *h)
{
    (void)h;
}

static void finish(monitor *m, int reason)
{
    if (m->qmp) {
        lv_qmp_close(m->qmp);
        m->qmp = NULL;
    }
    lv__qemu_cleanup_runtime(&m->paths, m->name, reason);
    if (!uv_is_closing((uv_handle_t *)&m->timer))
        uv_close((uv_handle_t *)&m->timer, on_handle_closed);
    if (!uv_is_closing((uv_handle_t *)&m->qemu))
        uv_close((uv_handle_t *)&m->qemu, on_handle_closed);
}

/* qemu failed before it was up: leave nothing behind, then say why on fd 3
 * (so the shell finds no file of the failed start once it has the answer). */
static void fail_start(monitor *m, const char *why)
{
    log_line(m, "start failed: %s", why);
    /* A failed start leaves the previous end record alone. */
    finish(m, -1);
    if (m->start_error) {
        answer(m, "error %s", m->start_error);
        return;
    }
    char *text = lv__qemu_argv_text(m->qemu_argv);
    char *err = qemu_stderr(m);
    answer(m, "error %s%s%s; argv: %s", why, *err ? ": " : "", err, text);
    free(text);
    free(err);
}

/* Gives up on a qemu that is not up yet: kills it; on_qemu_exit then cleans
 * up and answers with why. */
static void abandon_start(monitor *m, const char *why)
{
    log_line(m, "%s", why);
    if (!m->start_error)
        m->start_error = lv_strdup(why);
    uv_process_kill(&m->qemu, SIGKILL);
}

static void on_qemu_exit(uv_process_t *proc, int64_t status, int signal)
{
    monitor *m = proc->data;
    m->qemu_running = false;
    if (!m->ready) {
        char why[128];
        if (m->start_error)
            snprintf(why, sizeof(why), "%s", "gave up on qemu");
        else if (signal)
            snprintf(why, sizeof(why), "qemu was killed by signal %d", signal);
        else
            snprintf(why, sizeof(why), "qemu exited with status %lld", (long long)status);
        fail_start(m, why);
        return;
    }
    char *marker = lv__qemu_path(m->paths.run, m->name, ".destroy");
    struct stat sb;
    bool destroyed = stat(marker, &sb) == 0;
    free(marker);
    int reason;
    if (destroyed)
        reason = LV_SHUTOFF_DESTROYED;
    else if (m->panicked)
        reason = LV_SHUTOFF_CRASHED;
    else if (m->guest_shutdown)
        reason = LV_SHUTOFF_SHUTDOWN;
    else if (m->host_shutdown)
        reason = LV_SHUTOFF_DESTROYED;
    else
        reason = LV_SHUTOFF_CRASHED; /* killed (SIGKILL), or died without a word */
    log_line(m, "qemu %d ended (%s %d): %s", (int)m->status.qemu_pid, signal ? "signal" : "status",
             signal ? signal : (int)status, lv_domain_reason_string(LV_DOMAIN_SHUTOFF, reason));
    finish(m, reason);
}

/* ---- QMP ---------------------------------------------------------------- */

static void ignore_reply(lv_qmp *qmp, void *opaque, json_object *ret, const lv_error *err)
{
    (void)qmp;
    (void)ret;
    monitor *m = opaque;
    if (err && err->code != LV_ERR_CANCELLED)
        log_line(m, "%s", err->message);
}

static void command(monitor *m, const char *cmd, const char *args)
{
    lv_error err;
    if (m->qmp && lv_qmp_command_text(m->qmp, cmd, args, 10000, ignore_reply, m, &err) < 0)
        log_line(m, "%s", err.message);
}

static void set_state(monitor *m, lv_domain_state state, int reason)
{
    if (m->status.state == state && m->status.reason == reason)
        return;
    m->status.state = state;
    m->status.reason = reason;
    write_status(m);
}

static bool is(const char *action, const char *word)
{
    return action && strcmp(action, word) == 0;
}

/* A power-off or reboot request from the guest, while qemu stays (-no-shutdown
 * or -no-reboot kept it): carry out on_poweroff / on_reboot. */
static void guest_request(monitor *m, bool reboot)
{
    const char *action = reboot ? m->on_reboot : m->on_poweroff;
    if (!action)
        action = reboot ? "restart" : "destroy";
    if (is(action, "restart")) {
        command(m, "system_reset", NULL);
        command(m, "cont", NULL);
        return;
    }
    if (is(action, "preserve")) {
        set_state(m, LV_DOMAIN_PAUSED, LV_PAUSED_SHUTTING_DOWN);
        return;
    }
    m->quit_sent = true;
    command(m, "quit", NULL);
}

static void on_event(lv_qmp *qmp, void *opaque, const char *name, json_object *data,
                     int64_t seconds, int64_t micros)
{
    (void)qmp;
    (void)seconds;
    (void)micros;
    monitor *m = opaque;
    if (strcmp(name, "STOP") == 0) {
        if (m->status.state != LV_DOMAIN_PAUSED)
            set_state(m, LV_DOMAIN_PAUSED,
                      m->saw_shutdown ? LV_PAUSED_SHUTTING_DOWN : LV_PAUSED_USER);
    } else if (strcmp(name, "RESUME") == 0) {
        set_state(m, LV_DOMAIN_RUNNING, m->ready ? LV_RUNNING_UNPAUSED : LV_RUNNING_BOOTED);
        m->saw_shutdown = false;
    } else if (strcmp(name, "SHUTDOWN") == 0) {
        json_object *v;
        bool guest =
            data && json_object_object_get_ex(data, "guest", &v) && json_object_get_boolean(v);
        const char *reason = NULL;
        if (data && json_object_object_get_ex(data, "reason", &v))
            reason = json_object_get_string(v);
        m->saw_shutdown = true;
        if (guest)
            m->guest_shutdown = true;
        else
            m->host_shutdown = true;
        log_line(m, "SHUTDOWN (guest: %s, reason: %s)", guest ? "yes" : "no",
                 reason ? reason : "?");
        bool reboot = reason && strcmp(reason, "guest-reset") == 0;
        char *marker = lv__qemu_path(m->paths.run, m->name, ".reboot");
        bool fake_reboot = guest && !reboot && unlink(marker) == 0;
        free(marker);
        if (fake_reboot) {
            /* A shell's reboot: the power-off it asked for paused qemu (set-action);
             * reset, put the shutdown action back, resume. */
            m->saw_shutdown = false;
            m->guest_shutdown = false;
            command(m, "system_reset", NULL);
            command(m, "set-action",
                    (m->shutdown_flags & LV_QEMU_NO_SHUTDOWN) ? "{\"shutdown\": \"pause\"}"
                                                              : "{\"shutdown\": \"poweroff\"}");
            command(m, "cont", NULL);
        } else if (guest && ((reboot && (m->shutdown_flags & LV_QEMU_NO_REBOOT) &&
                              (m->shutdown_flags & LV_QEMU_NO_SHUTDOWN)) ||
                             (!reboot && (m->shutdown_flags & LV_QEMU_NO_SHUTDOWN))))
            guest_request(m, reboot);
        else if (m->status.state == LV_DOMAIN_RUNNING)
            set_state(m, LV_DOMAIN_SHUTDOWN, LV_SHUTDOWN_USER);
    } else if (strcmp(name, "BALLOON_CHANGE") == 0) {
        json_object *v;
        if (data && json_object_object_get_ex(data, "actual", &v)) {
            m->status.balloon_kib = (uint64_t)json_object_get_int64(v) / 1024;
            write_status(m);
        }
    } else if (strcmp(name, "RESET") == 0) {
        log_line(m, "RESET");
    } else if (strcmp(name, "GUEST_PANICKED") == 0) {
        m->panicked = true;
        log_line(m, "GUEST_PANICKED");
        const char *action = m->on_crash ? m->on_crash : "destroy";
        if (is(action, "restart") || is(action, "coredump-restart")) {
            m->panicked = false;
            command(m, "system_reset", NULL);
            command(m, "cont", NULL);
        } else if (is(action, "preserve") || is(action, "coredump-destroy")) {
            set_state(m, LV_DOMAIN_CRASHED, LV_CRASHED_PANICKED);
        } else {
            m->quit_sent = true;
            command(m, "quit", NULL);
        }
    }
}

static void on_closed(lv_qmp *qmp, void *opaque, const lv_error *err)
{
    (void)qmp;
    monitor *m = opaque;
    /* qemu is ending; its exit (reaped by on_qemu_exit) tells how. */
    if (m->qemu_running)
        log_line(m, "QMP closed: %s", err ? err->message : "");
}

static void on_cont(lv_qmp *qmp, void *opaque, json_object *ret, const lv_error *err)
{
    (void)qmp;
    (void)ret;
    monitor *m = opaque;
    if (err) {
        if (err->code == LV_ERR_CANCELLED)
            return;
        m->ready = false;
        abandon_start(m, err->message);
        return;
    }
    m->ready = true;
    uv_timer_stop(&m->timer);
    m->status.state = m->paused ? LV_DOMAIN_PAUSED : LV_DOMAIN_RUNNING;
    m->status.reason = m->paused ? LV_PAUSED_USER : LV_RUNNING_BOOTED;
    write_status(m);
    log_line(m, "qemu %d is up (%s)", (int)m->status.qemu_pid, m->paused ? "paused" : "running");
    answer(m, "ok");
}

/* After the settings: cont (unless --paused), or a failed start. */
static void setup_done(monitor *m)
{
    lv_error e;
    if (m->setup_error) {
        abandon_start(m, m->setup_error);
        return;
    }
    if (m->paused) {
        on_cont(m->qmp, m, NULL, NULL);
        return;
    }
    if (lv_qmp_command(m->qmp, "cont", NULL, 10000, on_cont, m, &e) < 0)
        abandon_start(m, e.message);
}

static void on_setup_reply(lv_qmp *qmp, void *opaque, json_object *ret, const lv_error *err)
{
    (void)qmp;
    (void)ret;
    monitor *m = opaque;
    if (err && err->code == LV_ERR_CANCELLED)
        return;
    if (err && !m->setup_error)
        m->setup_error = lv_strdup(err->message);
    if (--m->setup_pending == 0)
        setup_done(m);
}

/* A "learn" command: its answer goes into the status file (the shell folds it
 * into the live definition); not getting it does not fail the start. */
static void on_learn_reply(lv_qmp *qmp, void *opaque, json_object *ret, const lv_error *err)
{
    monitor *m = opaque;
    json_object *v;
    /* query-vnc: {"service": "5900", ...} */
    if (!err && ret && json_object_object_get_ex(ret, "service", &v))
        m->status.vnc_port = atoi(json_object_get_string(v));
    on_setup_reply(qmp, opaque, NULL, err && err->code == LV_ERR_CANCELLED ? err : NULL);
}

static void setup_fail(monitor *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void setup_fail(monitor *m, const char *fmt, ...)
{
    if (m->setup_error)
        return;
    char buf[LV_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    m->setup_error = lv_strdup(buf);
}

/* Sends the commands of the setup file in order (QMP answers them in order).
 * The file holds the VNC password: it goes as soon as it is read. */
static void send_settings(monitor *m)
{
    m->setup_pending = 1; /* held until all are sent */
    char *text = NULL;
    size_t len;
    lv_error e;
    json_object *o = NULL, *list = NULL;
    if (m->setup_path) {
        if (lv_file_read_all(m->setup_path, &text, &len, &e) < 0)
            setup_fail(m, "cannot read the start settings: %s", e.message);
        unlink(m->setup_path);
    }
    if (text) {
        o = json_tokener_parse(text);
        if (!o || !json_object_object_get_ex(o, "commands", &list) ||
            !json_object_is_type(list, json_type_array))
            setup_fail(m, "the start settings '%s' are not a command list", m->setup_path);
        explicit_bzero(text, len);
        free(text);
    }
    for (size_t i = 0; list && !m->setup_error && i < json_object_array_length(list); i++) {
        json_object *c = json_object_array_get_idx(list, i), *v;
        const char *cmd =
            json_object_object_get_ex(c, "execute", &v) ? json_object_get_string(v) : NULL;
        if (!cmd) {
            setup_fail(m, "the start settings '%s': command %zu has no \"execute\"", m->setup_path,
                       i);
            break;
        }
        json_object *args = NULL;
        if (json_object_object_get_ex(c, "arguments", &v))
            args = json_object_get(v);
        bool learn = json_object_object_get_ex(c, "learn", NULL);
        if (lv_qmp_command(m->qmp, cmd, args, 10000, learn ? on_learn_reply : on_setup_reply, m,
                           &e) < 0) {
            setup_fail(m, "%s", e.message);
            break;
        }
        m->setup_pending++;
    }
    json_object_put(o);
    if (--m->setup_pending == 0)
        setup_done(m);
}

static void on_connected(lv_qmp *qmp, void *opaque, const lv_error *err)
{
    (void)qmp;
    monitor *m = opaque;
    if (err) {
        if (err->code == LV_ERR_CANCELLED || !m->qemu_running)
            return; /* on_qemu_exit reports it */
        /* Up but not answering (or dying: then its exit status and stderr
         * tell more than the QMP error): do not leave it behind. */
        log_line(m, "%s", err->message);
        uv_process_kill(&m->qemu, SIGKILL);
        return;
    }
    send_settings(m);
}

static void on_startup_timeout(uv_timer_t *t)
{
    monitor *m = t->data;
    if (m->ready || !m->qemu_running)
        return;
    abandon_start(m, "qemu did not answer on QMP within 60 s");
}

/* ---- main --------------------------------------------------------------- */

static int usage(void)
{
    fprintf(stderr, "luvirt-monitor: the qemu driver's per-guest monitor process, started by "
                    "luvirt (see docs/qemu-driver.md); not meant to be run by hand\n");
    return 2;
}

int lv_qemu_monitor_main(int argc, char **argv)
{
    static monitor mon;
    monitor *m = &mon;
    const char *run = NULL, *uuid = NULL, *id = NULL;
    int i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "--paused") == 0) {
            m->paused = true;
            continue;
        }
        if (!v)
            return usage();
        if (strcmp(a, "--run") == 0)
            run = v;
        else if (strcmp(a, "--name") == 0)
            m->name = v;
        else if (strcmp(a, "--uuid") == 0)
            uuid = v;
        else if (strcmp(a, "--id") == 0)
            id = v;
        else if (strcmp(a, "--log") == 0)
            m->log_path = v;
        else if (strcmp(a, "--console-log") == 0)
            m->status.console_log = lv_strdup(v);
        else if (strcmp(a, "--shutdown-flags") == 0)
            m->shutdown_flags = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(a, "--on-poweroff") == 0)
            m->on_poweroff = v;
        else if (strcmp(a, "--on-reboot") == 0)
            m->on_reboot = v;
        else if (strcmp(a, "--on-crash") == 0)
            m->on_crash = v;
        else if (strcmp(a, "--pass-fds") == 0)
            m->npassed = atoi(v);
        else if (strcmp(a, "--setup") == 0)
            m->setup_path = v;
        else
            return usage();
        i++;
    }
    if (!run || !m->name || !uuid || !id || !m->log_path || i >= argc || m->npassed < 0 ||
        m->npassed > 1000)
        return usage();
    m->qemu_argv = &argv[i];
    /* Whatever else the shell had open without O_CLOEXEC (a script's files)
     * must not live on in the monitor and qemu for the guest's lifetime; the
     * fds passed for qemu stay, and no exec but qemu's gets them. */
    int first_passed = LV__QEMU_FIRST_PASSED_FD, end_passed = first_passed + m->npassed;
    close_range(4, (unsigned)first_passed - 1, 0);
    close_range((unsigned)end_passed, ~0U, 0);
    for (int fd = first_passed; fd < end_passed; fd++)
        if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
            if (fcntl(3, F_GETFD) >= 0)
                dprintf(3, "error the monitor process did not get fd %d for qemu\n", fd);
            return 1;
        }
    m->handshake_fd = fcntl(3, F_GETFD) >= 0 ? 3 : -1;
    if (m->handshake_fd >= 0)
        fcntl(m->handshake_fd, F_SETFD, FD_CLOEXEC);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);

    /* The shell's child ends now; the grandchild is the monitor. */
    pid_t pid = fork();
    if (pid < 0) {
        answer(m, "error cannot fork the monitor process: %s", strerror(errno));
        return 1;
    }
    if (pid > 0)
        _exit(0);
    if (getsid(0) != getpid())
        setsid();

    m->paths.run = lv_strdup(run);
    m->status_path = lv__qemu_path(run, m->name, ".status");
    m->status.name = lv_strdup(m->name);
    lv_uuid_parse(uuid, m->status.uuid, NULL);
    m->status.id = atoi(id);
    m->status.monitor_pid = getpid();
    m->status.monitor_start = lv__proc_starttime(getpid());
    m->status.qmp = lv__qemu_path(run, m->name, ".qmp");
    m->status.console = lv__qemu_path(run, m->name, ".console");
    m->status.log = lv_strdup(m->log_path);
    m->status.start_time = (int64_t)time(NULL);
    size_t n = (size_t)(argc - i);
    m->status.argv = lv_malloc0((n + 1) * sizeof(char *));
    for (size_t k = 0; k < n; k++)
        m->status.argv[k] = lv_strdup(m->qemu_argv[k]);
    m->status.state = LV_DOMAIN_PAUSED;
    m->status.reason = LV_PAUSED_STARTING_UP;

    uv_loop_init(&m->loop);
    uv_timer_init(&m->loop, &m->timer);
    m->timer.data = m;

    int logfd = open(m->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (logfd < 0) {
        answer(m, "error cannot open the log file '%s': %s", m->log_path, strerror(errno));
        return 1;
    }
    char *text = lv__qemu_argv_text(m->qemu_argv);
    log_line(m, "starting qemu: %s", text);
    free(text);
    m->log_start = lseek(logfd, 0, SEEK_END);

    lv_error err;
    char *mon_path = lv__qemu_path(run, m->name, ".mon");
    int mon_fd = bind_socket(mon_path, &err);
    int qmp_fd = mon_fd >= 0 ? bind_socket(m->status.qmp, &err) : -1;
    if (qmp_fd < 0) {
        if (mon_fd >= 0)
            close(mon_fd);
        close(logfd);
        answer(m, "error %s", err.message);
        lv__qemu_cleanup_runtime(&m->paths, m->name, -1);
        return 1;
    }

    /* qemu: stdin /dev/null, stdout and stderr to the log, the two QMP listening
     * sockets as fds 3 and 4 (the argv says fd=3 and fd=4), the passed fds at
     * their own numbers (the argv names them too). */
    uv_stdio_container_t *stdio = lv_malloc0((size_t)end_passed * sizeof(*stdio));
    stdio[0].flags = UV_IGNORE;
    stdio[1] = (uv_stdio_container_t){.flags = UV_INHERIT_FD, .data.fd = logfd};
    stdio[2] = (uv_stdio_container_t){.flags = UV_INHERIT_FD, .data.fd = logfd};
    stdio[3] = (uv_stdio_container_t){.flags = UV_INHERIT_FD, .data.fd = mon_fd};
    stdio[4] = (uv_stdio_container_t){.flags = UV_INHERIT_FD, .data.fd = qmp_fd};
    for (int fd = first_passed; fd < end_passed; fd++)
        stdio[fd] = (uv_stdio_container_t){.flags = UV_INHERIT_FD, .data.fd = fd};
    uv_process_options_t opts = {
        .exit_cb = on_qemu_exit,
        .file = m->qemu_argv[0],
        .args = m->qemu_argv,
        .stdio = stdio,
        .stdio_count = end_passed,
    };
    m->qemu.data = m;
    int rc = uv_spawn(&m->loop, &m->qemu, &opts);
    free(stdio);
    close(logfd);
    close(qmp_fd);
    /* qemu holds them now (or failed to start): a TAP must live only as long
     * as qemu, so no copy stays here. */
    for (int fd = first_passed; fd < end_passed; fd++)
        close(fd);
    if (rc < 0) {
        close(mon_fd);
        char why[512];
        snprintf(why, sizeof(why), "cannot execute '%s': %s", m->qemu_argv[0], uv_strerror(rc));
        fail_start(m, why);
        uv_run(&m->loop, UV_RUN_DEFAULT);
        return 1;
    }
    m->qemu_running = true;
    m->status.qemu_pid = m->qemu.pid;
    m->status.qemu_start = lv__proc_starttime(m->qemu.pid);
    /* The listening socket stays open here until qemu has accepted: connecting
     * to it now cannot race qemu's start. */
    lv_qmp_callbacks cbs = {.event = on_event, .closed = on_closed, .opaque = m};
    m->qmp = lv_qmp_new(&m->loop, &cbs);
    if (lv_qmp_connect(m->qmp, mon_path, 0, on_connected, m, &err) < 0) {
        log_line(m, "%s", err.message);
        uv_process_kill(&m->qemu, SIGKILL);
    }
    close(mon_fd);
    free(mon_path);
    uv_timer_start(&m->timer, on_startup_timeout, 60000, 0);

    uv_run(&m->loop, UV_RUN_DEFAULT);
    uv_loop_close(&m->loop);
    return 0;
}
