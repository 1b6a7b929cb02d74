/* The lifecycle operations on a running guest: destroy (signals, then waiting
 * for the monitor process to clean up), and suspend, resume, reset, shutdown,
 * reboot (over the QMP session, qemu_session.c). */
#include "qemu_run.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/files.h"
#include "qemu_command.h"

#define DESTROY_TERM_MS 10000

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
        lv__qemu_op_complete(op, NULL);
        return;
    }
    uint64_t elapsed = uv_now(op->st->conn->loop) - op->started;
    if (op->kind == LV__QEMU_OP_DESTROY && !op->killed && !(op->flags & LV_DESTROY_GRACEFUL) &&
        elapsed >= DESTROY_TERM_MS) {
        op->killed = true;
        if (op->qemu_pid > 0 && lv__proc_alive(op->qemu_pid, op->qemu_start))
            kill(op->qemu_pid, SIGKILL);
        return;
    }
    if (elapsed >= op->deadline_ms) {
        if (op->kind == LV__QEMU_OP_DESTROY)
            lv__qemu_op_fail(op, LV_ERR_TIMEOUT, "domain '%s' did not end within %llu s of SIGTERM",
                             op->name, (unsigned long long)(op->deadline_ms / 1000));
        else
            lv__qemu_op_fail(op, LV_ERR_TIMEOUT, "domain '%s' did not shut down within %llu s",
                             op->name, (unsigned long long)(op->deadline_ms / 1000));
    }
}

void lv__qemu_wait_for_end(lv__qemu_op *op, uint64_t deadline_ms)
{
    op->started = uv_now(op->st->conn->loop);
    op->deadline_ms = deadline_ms;
    uv_timer_start(&op->timer, on_end_poll, LV__QEMU_POLL_MS, LV__QEMU_POLL_MS);
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
    lv__qemu_op *op = lv__qemu_op_new(st, LV__QEMU_OP_DESTROY, lv__qemu_dom_def(d));
    op->flags = flags;
    op->done = cb;
    op->opaque = opaque;
    op->qemu_pid = pid;
    op->qemu_start = pid_start;
    lv__qemu_wait_for_end(op, (flags & LV_DESTROY_GRACEFUL) ? DESTROY_TERM_MS
                                                            : DESTROY_TERM_MS + 20000);
}

void lv__qemu_suspend(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                      void *opaque)
{
    lv__qemu_op *op;
    lv__qemu_qmp_op(c, uuid, flags, 0, "suspend", "stop", NULL, LV_DOMAIN_RUNNING, cb, opaque, &op);
    if (op) {
        op->set_override = true;
        op->new_state = LV_DOMAIN_PAUSED;
        op->new_reason = LV_PAUSED_USER;
    }
    lv__qemu_qmp_start(op);
}

void lv__qemu_resume(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                     void *opaque)
{
    lv__qemu_op *op;
    lv__qemu_qmp_op(c, uuid, flags, 0, "resume", "cont", NULL, LV_DOMAIN_PAUSED, cb, opaque, &op);
    if (op) {
        op->set_override = true;
        op->new_state = LV_DOMAIN_RUNNING;
        op->new_reason = LV_RUNNING_UNPAUSED;
    }
    lv__qemu_qmp_start(op);
}

void lv__qemu_reset(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                    void *opaque)
{
    lv__qemu_op *op;
    lv__qemu_qmp_op(c, uuid, flags, 0, "reset", "system_reset", NULL, LV_DOMAIN_RUNNING, cb, opaque,
                    &op);
    lv__qemu_qmp_start(op);
}

void lv__qemu_shutdown(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                       void *opaque)
{
    lv__qemu_op *op;
    lv__qemu_qmp_op(c, uuid, flags, LV_SHUTDOWN_WAIT | LV_SHUTDOWN_TIMEOUT_MASK, "shutdown",
                    "system_powerdown", NULL, LV_DOMAIN_RUNNING, cb, opaque, &op);
    if (op) {
        lv__qemu_dom *d = lv__qemu_find_uuid(op->st, op->uuid);
        op->wait_end = flags & LV_SHUTDOWN_WAIT;
        op->clear_reboot = true;
        op->shutdown_flags = d && d->live_def ? lv_qemu_shutdown_flags(d->live_def) : 0;
    }
    lv__qemu_qmp_start(op);
}

/* A reboot through ACPI, as libvirt's "fake reboot": the guest powers off, qemu
 * pauses instead of exiting (set-action), and the monitor process, seeing the
 * NAME.reboot marker, resets and resumes it. on_reboot destroy/preserve end it
 * as a guest shutdown does. */
void lv__qemu_reboot(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                     void *opaque)
{
    lv__qemu_op *op;
    lv__qemu_qmp_op(c, uuid, flags, 0, "reboot", "system_powerdown", NULL, LV_DOMAIN_RUNNING, cb,
                    opaque, &op);
    if (op) {
        lv__qemu_dom *d = lv__qemu_find_uuid(op->st, op->uuid);
        const char *action = d && d->live_def ? d->live_def->on_reboot : NULL;
        if (!action || strcmp(action, "restart") == 0)
            op->reboot = true;
    }
    lv__qemu_qmp_start(op);
}

/* QMP passthrough, under the lock like every shell's QMP session. */
