/* The QMP session a shell holds on the shells' socket (NAME.qmp), under the
 * per-domain lock (waited for, by polling flock): one command (with an optional
 * set-action before it), a passthrough command, or a batch. */
#include "qemu_run.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/files.h"
#include "qemu_command.h"
#include "qmp.h"

#define LOCK_WAIT_MS 30000
#define QMP_TIMEOUT_MS 10000
#define SHUTDOWN_DEFAULT_S 300

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
        lv__qemu_op_fail(op, err->code == LV_ERR_TIMEOUT ? LV_ERR_TIMEOUT : LV_ERR_OPERATION_FAILED,
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
                uv_timer_start(&op->timer, on_state_poll, 1, LV__QEMU_POLL_MS);
                return;
            }
        }
    }
    if (op->wait_end) {
        lv__qemu_op_unlock(op);
        lv_qmp_close(op->qmp);
        op->qmp = NULL;
        unsigned secs = op->flags >> 8;
        lv__qemu_wait_for_end(op, (uint64_t)(secs ? secs : SHUTDOWN_DEFAULT_S) * 1000);
        return;
    }
    lv__qemu_op_complete(op, NULL);
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
        lv__qemu_op_complete(op, NULL);
}

static void on_pre_reply(lv_qmp *qmp, void *opaque, json_object *ret, const lv_error *err)
{
    (void)qmp;
    (void)ret;
    lv__qemu_op *op = opaque;
    if (err && !op->completed)
        lv__qemu_op_fail(op, LV_ERR_OPERATION_FAILED, "cannot %s domain '%s': %s", op->what,
                         op->name, err->message);
}

static void on_raw_reply(lv_qmp *qmp, void *opaque, json_object *ret, const lv_error *err)
{
    (void)qmp;
    lv__qemu_op *op = opaque;
    if (op->completed)
        return;
    if (err || !ret) {
        lv__qemu_op_fail(
            op, err && err->code == LV_ERR_TIMEOUT ? LV_ERR_TIMEOUT : LV_ERR_OPERATION_FAILED,
            "qemu-monitor-command on domain '%s': %s", op->name, err ? err->message : "no reply");
        return;
    }
    op->result = lv_strdup(json_object_to_json_string_ext(ret, JSON_C_TO_STRING_PLAIN |
                                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
    lv__qemu_op_complete(op, NULL);
}

static void on_hmp_text(lv_qmp *qmp, void *opaque, const char *text, const lv_error *err)
{
    (void)qmp;
    lv__qemu_op *op = opaque;
    if (op->completed)
        return;
    if (err) {
        lv__qemu_op_fail(op, err->code == LV_ERR_TIMEOUT ? LV_ERR_TIMEOUT : LV_ERR_OPERATION_FAILED,
                         "qemu-monitor-command on domain '%s': %s", op->name, err->message);
        return;
    }
    op->result = lv_strdup(text ? text : "");
    lv__qemu_op_complete(op, NULL);
}

static void on_batch_reply(lv_qmp *qmp, void *opaque, json_object *ret, const lv_error *err)
{
    (void)qmp;
    lv__qemu_op *op = opaque;
    if (op->completed)
        return;
    if (err && !ret) { /* no answer: closed, timed out */
        lv__qemu_op_fail(op, err->code == LV_ERR_TIMEOUT ? LV_ERR_TIMEOUT : LV_ERR_OPERATION_FAILED,
                         "cannot %s domain '%s': %s", op->what, op->name, err->message);
        return;
    }
    /* An error reply leaves NULL: the caller makes do without it. */
    op->replies[op->nreplied++] = err ? NULL : json_object_get(ret);
    if (op->nreplied == op->nbatch)
        lv__qemu_op_complete(op, NULL);
}

static void on_qmp_connected(lv_qmp *qmp, void *opaque, const lv_error *err)
{
    lv__qemu_op *op = opaque;
    if (op->completed)
        return;
    if (err) {
        lv__qemu_op_fail(op, LV_ERR_OPERATION_FAILED, "cannot %s domain '%s': %s", op->what,
                         op->name, err->message);
        return;
    }
    lv_error e;
    if (op->batch_cb) {
        /* QMP answers in order; all go out at once. */
        for (size_t i = 0; i < op->nbatch; i++) {
            if (lv_qmp_command_text(qmp, op->batch_cmds[i], op->batch_args[i], QMP_TIMEOUT_MS,
                                    on_batch_reply, op, &e) < 0) {
                lv__qemu_op_fail(op, LV_ERR_OPERATION_FAILED, "cannot %s domain '%s': %s", op->what,
                                 op->name, e.message);
                return;
            }
        }
        if (op->nbatch == 0)
            lv__qemu_op_complete(op, NULL);
        return;
    }
    if (op->passthrough) {
        int rc = op->hmp ? lv_qmp_hmp(qmp, op->args, QMP_TIMEOUT_MS, on_hmp_text, op, &e)
                         : lv_qmp_raw(qmp, op->args, QMP_TIMEOUT_MS, on_raw_reply, op, &e);
        if (rc < 0)
            lv__qemu_op_fail(op, e.code == LV_ERR_NONE ? LV_ERR_OPERATION_FAILED : e.code, "%s",
                             e.message);
        return;
    }
    if (op->pre_args) {
        /* set-action first; QMP runs commands in order, so cmd follows it. */
        if (lv_qmp_command_text(qmp, "set-action", op->pre_args, QMP_TIMEOUT_MS, on_pre_reply, op,
                                &e) < 0) {
            lv__qemu_op_fail(op, LV_ERR_OPERATION_FAILED, "cannot %s domain '%s': %s", op->what,
                             op->name, e.message);
            return;
        }
    }
    if (lv_qmp_command_text(qmp, op->cmd, op->args, QMP_TIMEOUT_MS, on_qmp_reply, op, &e) < 0)
        lv__qemu_op_fail(op, LV_ERR_OPERATION_FAILED, "cannot %s domain '%s': %s", op->what,
                         op->name, e.message);
}

static void qmp_go(lv__qemu_op *op)
{
    lv_error err;
    lv__qemu_dom *d = lv__qemu_find_uuid(op->st, op->uuid);
    if (d)
        d = lv__qemu_refresh(op->st, d);
    if (!d || !lv__qemu_dom_active(d)) {
        lv__qemu_op_fail(op, LV_ERR_OPERATION_INVALID, "domain '%s' is not running", op->name);
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
        lv__qemu_op_fail(op, LV_ERR_OPERATION_FAILED, "cannot %s domain '%s': %s", op->what,
                         op->name, err.message);
}

static void on_lock_poll(uv_timer_t *t)
{
    lv__qemu_op *op = t->data;
    lv_error err;
    int r = lv__qemu_lock_try(op->st, op->name, &op->lock_fd, &err);
    if (r < 0) {
        lv__qemu_op_complete(op, &err);
        return;
    }
    if (r > 0) {
        uv_timer_stop(t);
        qmp_go(op);
        return;
    }
    if (uv_now(op->st->conn->loop) - op->started >= LOCK_WAIT_MS)
        lv__qemu_op_fail(op, LV_ERR_TIMEOUT,
                         "cannot %s domain '%s': another luvirt process has held its lock for %d s",
                         op->what, op->name, LOCK_WAIT_MS / 1000);
}

/* Checks the state, then runs cmd over the shells' QMP socket under the lock. */
void lv__qemu_qmp_op(lv_conn *c, const unsigned char *uuid, unsigned flags, unsigned allowed,
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
    lv__qemu_op *op = lv__qemu_op_new(c->priv, LV__QEMU_OP_QMP, lv__qemu_dom_def(d));
    op->flags = flags;
    op->done = cb;
    op->opaque = opaque;
    op->what = what;
    op->cmd = cmd;
    op->args = lv_strdup(args);
    op->started = uv_now(c->loop);
    *out = op;
    int r = lv__qemu_lock_try(c->priv, op->name, &op->lock_fd, &err);
    if (r < 0) {
        lv__qemu_op_complete(op, &err);
        *out = NULL;
    } else if (r == 0) {
        uv_timer_start(&op->timer, on_lock_poll, LV__QEMU_POLL_MS, LV__QEMU_POLL_MS);
    }
}

/* The op starts on the next loop turn (so callers can set its fields first). */
void lv__qemu_qmp_start(lv__qemu_op *op)
{
    if (op && op->lock_fd >= 0)
        qmp_go(op);
}

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
    lv__qemu_op *op = lv__qemu_op_new(st, LV__QEMU_OP_QMP, lv__qemu_dom_def(d));
    op->flags = flags;
    op->str_cb = cb;
    op->opaque = opaque;
    op->what = "qemu-monitor-command";
    op->passthrough = true;
    op->hmp = flags & LV_QMP_PASSTHROUGH_HMP;
    op->args = lv_strdup(cmd);
    op->started = uv_now(c->loop);
    int r = lv__qemu_lock_try(st, op->name, &op->lock_fd, &err);
    if (r < 0)
        lv__qemu_op_complete(op, &err);
    else if (r == 0)
        uv_timer_start(&op->timer, on_lock_poll, LV__QEMU_POLL_MS, LV__QEMU_POLL_MS);
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
    lv__qemu_op *op = lv__qemu_op_new(st, LV__QEMU_OP_QMP, lv__qemu_dom_def(d));
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
    int r = lv__qemu_lock_try(st, op->name, &op->lock_fd, &err);
    if (r < 0)
        lv__qemu_op_complete(op, &err);
    else if (r == 0)
        uv_timer_start(&op->timer, on_lock_poll, LV__QEMU_POLL_MS, LV__QEMU_POLL_MS);
    else
        qmp_go(op);
}
