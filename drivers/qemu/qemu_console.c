/* The serial console of a running guest: qemu listens on RUN/NAME.console (a
 * UNIX socket) and serves one client at a time. A client holds
 * RUN/NAME.console.lock (flock) for as long as it is attached and writes its
 * pid into it. A second client is refused, naming the holder; with
 * LV_CONSOLE_FORCE it sends the holder SIGTERM (luvirt's console ends its
 * session on SIGTERM, restoring the terminal), waits up to 5 s for the lock
 * and takes over. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/alloc.h"
#include "qemu_run.h"

#define FORCE_WAIT_MS 5000
#define FORCE_POLL_MS 10

typedef struct lv__qemu_console_wait console_call;

struct lv__qemu_console_wait {
    console_call *next; /* in st->consoles while waiting */
    uv_timer_t timer;
    lv__qemu_state *st;
    unsigned char uuid[LV_UUID_LEN];
    char *name;
    int lock_fd;
    uint64_t started;
    lv_console_cb cb;
    void *opaque;
};

static void unlink_wait(console_call *cc)
{
    for (console_call **pp = &cc->st->consoles; *pp; pp = &(*pp)->next) {
        if (*pp == cc) {
            *pp = cc->next;
            return;
        }
    }
}

static void call_closed(uv_handle_t *h)
{
    console_call *cc = h->data;
    free(cc->name);
    free(cc);
}

/* Connects to the console socket (local and listening: connect() does not wait). */
static int connect_console(const char *path, const char *name, lv_error *err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (!path || strlen(path) >= sizeof(sa.sun_path))
        return lv_error_set(err, LV_ERR_OPERATION_INVALID, "domain '%s' has no serial console",
                            name);
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return lv_error_set_errno(err, errno, "cannot open the console of domain '%s'", name);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int e = errno;
        close(fd);
        return lv_error_set_errno(err, e, "cannot connect to the console of domain '%s' (%s)",
                                  name, path);
    }
    return fd;
}

/* Lock held: record our pid, connect, hand over. Frees nothing of cc. */
static void attach(console_call *cc)
{
    lv_error err;
    lv__qemu_dom *d = lv__qemu_find_dom(cc->st, cc->uuid, &err);
    if (d && !lv__qemu_dom_active(d)) {
        lv__qemu_refuse_state(d, LV_DOMAIN_RUNNING, &err);
        d = NULL;
    }
    int fd = d ? connect_console(d->status.console, cc->name, &err) : -1;
    if (fd < 0) {
        close(cc->lock_fd);
        cc->cb(cc->opaque, NULL, &err);
        return;
    }
    char pid[32];
    int n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
    if (ftruncate(cc->lock_fd, 0) == 0 && pwrite(cc->lock_fd, pid, (size_t)n, 0) != n) {
        /* only informative */
    }
    lv_console *console = LV_NEW(lv_console);
    console->fd = fd;
    console->lock_fd = cc->lock_fd;
    cc->cb(cc->opaque, console, NULL);
}

static int holder_pid(int fd)
{
    char buf[32] = "";
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    return atoi(buf);
}

static void on_force_poll(uv_timer_t *t)
{
    console_call *cc = t->data;
    if (flock(cc->lock_fd, LOCK_EX | LOCK_NB) == 0) {
        uv_timer_stop(t);
        unlink_wait(cc);
        attach(cc);
        uv_close((uv_handle_t *)t, call_closed);
        return;
    }
    if (uv_now(t->loop) - cc->started >= FORCE_WAIT_MS) {
        lv_error err;
        lv_error_set(&err, LV_ERR_TIMEOUT,
                     "the other client of the console of domain '%s' (pid %d) did not let go "
                     "within %d s",
                     cc->name, holder_pid(cc->lock_fd), FORCE_WAIT_MS / 1000);
        close(cc->lock_fd);
        uv_timer_stop(t);
        unlink_wait(cc);
        cc->cb(cc->opaque, NULL, &err);
        uv_close((uv_handle_t *)t, call_closed);
    }
}

void lv__qemu_console_close(lv__qemu_state *st)
{
    while (st->consoles) {
        console_call *cc = st->consoles;
        st->consoles = cc->next;
        lv_error err;
        lv_error_set(&err, LV_ERR_CANCELLED, "console of domain '%s': the connection was closed",
                     cc->name);
        close(cc->lock_fd);
        uv_timer_stop(&cc->timer);
        cc->cb(cc->opaque, NULL, &err);
        uv_close((uv_handle_t *)&cc->timer, call_closed);
    }
}

void lv__qemu_open_console(lv_conn *c, const unsigned char *uuid, const char *dev,
                           unsigned flags, lv_console_cb cb, void *opaque)
{
    lv_error err;
    lv__qemu_state *st = c->priv;
    lv__qemu_dom *d = NULL;
    if (flags & ~(unsigned)LV_CONSOLE_FORCE)
        lv_error_set(&err, LV_ERR_INVALID_ARG, "console: unsupported flags 0x%x", flags);
    else if (dev && strcmp(dev, "serial0") != 0 && strcmp(dev, "console0") != 0)
        lv_error_set(&err, LV_ERR_INVALID_ARG,
                     "console: only the first serial port (serial0) has a console, not '%s'",
                     dev);
    else if ((d = lv__qemu_find_dom(st, uuid, &err)) && !lv__qemu_dom_active(d))
        lv__qemu_refuse_state(d, LV_DOMAIN_RUNNING, &err);
    if (!d || !lv__qemu_dom_active(d)) {
        cb(opaque, NULL, &err);
        return;
    }
    const char *name = lv__qemu_dom_name(d);
    char *path = lv__qemu_path(st->paths.run, name, ".console.lock");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        lv_error_set_errno(&err, errno, "cannot open the console lock '%s'", path);
        free(path);
        cb(opaque, NULL, &err);
        return;
    }
    free(path);
    console_call *cc = LV_NEW(console_call);
    cc->st = st;
    memcpy(cc->uuid, uuid, LV_UUID_LEN);
    cc->name = lv_strdup(name);
    cc->lock_fd = fd;
    cc->cb = cb;
    cc->opaque = opaque;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
        attach(cc);
        free(cc->name);
        free(cc);
        return;
    }
    int pid = holder_pid(fd);
    if (!(flags & LV_CONSOLE_FORCE)) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                     "the console of domain '%s' is in use by another client (pid %d); force "
                     "takes it over",
                     name, pid);
        close(fd);
        free(cc->name);
        free(cc);
        cb(opaque, NULL, &err);
        return;
    }
    if (pid > 0 && pid != (int)getpid())
        kill(pid, SIGTERM);
    uv_timer_init(c->loop, &cc->timer);
    cc->timer.data = cc;
    cc->started = uv_now(c->loop);
    cc->next = st->consoles;
    st->consoles = cc;
    uv_timer_start(&cc->timer, on_force_poll, FORCE_POLL_MS, FORCE_POLL_MS);
}

void lv__qemu_console_log(lv_conn *c, const unsigned char *uuid, lv_string_cb cb, void *opaque)
{
    lv_error err;
    lv__qemu_state *st = c->priv;
    lv__qemu_dom *d = lv__qemu_find_dom(st, uuid, &err);
    if (!d) {
        cb(opaque, NULL, &err);
        return;
    }
    if (lv__qemu_dom_active(d) && d->status.console_log) {
        cb(opaque, lv_strdup(d->status.console_log), NULL);
        return;
    }
    cb(opaque, lv__qemu_path(st->paths.log, lv__qemu_dom_name(d), ".console.log"), NULL);
}
