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
 * the monitor has cleaned up (the status file is gone), polled every 5 ms.
 *
 * Files: this one holds an operation's life (lv__qemu_op) and the per-domain
 * lock; qemu_start.c starts guests, qemu_session.c is the QMP session a shell
 * holds under the lock, qemu_lifecycle.c the lifecycle operations (destroy,
 * shutdown, reboot, reset, suspend, resume), qemu_version.c the emulator's
 * version. */
#include "qemu_run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/alloc.h"
#include "qmp.h"

/* ---- op life ------------------------------------------------------------ */

void lv__qemu_op_unlock(lv__qemu_op *op)
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

void lv__qemu_op_close_handle(lv__qemu_op *op, uv_handle_t *h)
{
    if (h->data == op && !uv_is_closing(h))
        uv_close(h, on_op_handle_closed);
}

lv__qemu_op *lv__qemu_op_new(lv__qemu_state *st, lv__qemu_op_kind kind, const lv_domain_def *def)
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
void lv__qemu_op_complete(lv__qemu_op *op, const lv_error *err)
{
    if (op->completed)
        return;
    op->completed = true;
    if (op->qmp) {
        lv_qmp_close(op->qmp);
        op->qmp = NULL;
    }
    uv_timer_stop(&op->timer);
    lv__qemu_op_close_handle(op, (uv_handle_t *)&op->timer);
    if (op->kind == LV__QEMU_OP_START && !op->pipe_eof && op->lock_fd >= 0) {
        /* Cancelled while the monitor is still starting qemu: keep the lock
         * (and the pipe) until it has answered, so no other shell starts the
         * domain meanwhile. */
    } else {
        lv__qemu_op_unlock(op);
        lv__qemu_op_close_handle(op, (uv_handle_t *)&op->pipe);
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

void lv__qemu_op_fail(lv__qemu_op *op, lv_error_code code, const char *fmt, ...)
{
    lv_error err;
    va_list ap;
    va_start(ap, fmt);
    lv_error_setv(&err, code, fmt, ap);
    va_end(ap);
    lv__qemu_op_complete(op, &err);
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
        lv__qemu_op_fail(op, LV_ERR_CANCELLED, "the connection was closed");
    }
}

/* ---- locks -------------------------------------------------------------- */

/* 1 taken, 0 held by another process, -1 error. */
int lv__qemu_lock_try(lv__qemu_state *st, const char *name, int *fd_out, lv_error *err)
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
