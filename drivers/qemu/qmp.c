/* The QMP client. QEMU's protocol (docs/interop/qmp-spec): a greeting
 * {"QMP": {"version": ..., "capabilities": [...]}}, then qmp_capabilities, then
 * commands {"execute", "arguments", "id"} answered by {"return"|"error", "id"}
 * and asynchronous {"event", "data", "timestamp"} messages at any time.
 *
 * Everything that ends the connection goes through lv__qmp_down(), which only stops
 * the handles. Callbacks that were waiting run from notify_down(): from the last
 * handle's close callback when the connection dropped, or inside lv_qmp_close,
 * so that nothing calls back after lv_qmp_close returns (an owner may free its
 * state right then). The memory outlives every callback: it is freed once the
 * handles are closed, the owner released it and no notify_down is running.
 * Reading (bytes into messages, and what each message does) is in qmp_read.c. */
#include "qmp_priv.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/names.h"

static void on_timer(uv_timer_t *t);

/* ---- small helpers ----------------------------------------------------- */

static const char *qmp_path(const lv_qmp *q)
{
    return q->path ? q->path : "";
}

void lv__qmp_cmd_unlink(lv_qmp *q, qmp_cmd *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        q->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        q->tail = c->prev;
    c->prev = c->next = NULL;
    q->npending--;
}

static void cmd_append(lv_qmp *q, qmp_cmd *c)
{
    c->prev = q->tail;
    c->next = NULL;
    if (q->tail)
        q->tail->next = c;
    else
        q->head = c;
    q->tail = c;
    q->npending++;
}

void lv__qmp_cmd_free(qmp_cmd *c)
{
    if (!c)
        return;
    json_object_put(c->user_id);
    free(c->name);
    free(c);
}

/* Runs c's callback with an error; the caller has unlinked c and frees it. */
static void cmd_fail(lv_qmp *q, qmp_cmd *c, const lv_error *err)
{
    switch (c->kind) {
    case CMD_QMP:
    case CMD_RAW:
        if (c->reply_cb)
            c->reply_cb(q, c->opaque, NULL, err);
        break;
    case CMD_HMP:
        if (c->text_cb)
            c->text_cb(q, c->opaque, NULL, err);
        break;
    case CMD_CAPS:
        break;
    }
}

void lv__qmp_arm_timer(lv_qmp *q)
{
    if (q->state == QMP_DOWN)
        return;
    uint64_t next = q->connect_deadline;
    for (qmp_cmd *c = q->head; c; c = c->next)
        if (c->deadline && (!next || c->deadline < next))
            next = c->deadline;
    if (!next) {
        uv_timer_stop(&q->timer);
        return;
    }
    uint64_t now = uv_now(q->loop);
    uv_timer_start(&q->timer, on_timer, next > now ? next - now : 0, 0);
}

/* ---- going down -------------------------------------------------------- */

static void qmp_free(lv_qmp *q)
{
    while (q->head) {
        qmp_cmd *c = q->head;
        lv__qmp_cmd_unlink(q, c);
        lv__qmp_cmd_free(c);
    }
    if (q->tok)
        json_tokener_free(q->tok);
    free(q->path);
    free(q->rbuf);
    free(q);
}

/* Every callback still waiting learns why; then `closed`, unless the owner has
 * closed the client. Idempotent, and re-entrant: a callback run here may call
 * lv_qmp_close, which runs it again for the rest. */
static void notify_down(lv_qmp *q)
{
    lv_error e;
    q->notify_depth++;
    lv_error_code code = q->down_by_owner ? LV_ERR_CANCELLED : q->down_code;

    if (q->connect_cb) {
        lv_qmp_connect_cb cb = q->connect_cb;
        q->connect_cb = NULL;
        lv_error_set(&e, code, "QMP connection to %s failed: %s", qmp_path(q), q->down_detail);
        e.sys_errno = code == LV_ERR_SYSTEM ? q->down_errno : 0;
        cb(q, q->connect_opaque, &e);
    }
    while (q->head) {
        qmp_cmd *c = q->head;
        lv__qmp_cmd_unlink(q, c);
        lv_error_set(&e, code, "QMP connection to %s closed while waiting for '%s': %s",
                     qmp_path(q), c->name, q->down_detail);
        e.sys_errno = code == LV_ERR_SYSTEM ? q->down_errno : 0;
        cmd_fail(q, c, &e);
        lv__qmp_cmd_free(c);
    }
    /* not when the owner closed it meanwhile, e.g. from a command's callback above */
    if (q->was_ready && !q->down_by_owner && !q->released && q->cbs.closed) {
        lv_error_set(&e, code, "QMP connection to %s ended: %s", qmp_path(q), q->down_detail);
        e.sys_errno = code == LV_ERR_SYSTEM ? q->down_errno : 0;
        q->cbs.closed(q, q->cbs.opaque, &e);
    }
    q->notify_depth--;
}

static void on_handle_closed(uv_handle_t *h)
{
    lv_qmp *q = h->data;
    if (--q->open_handles > 0)
        return;
    notify_down(q);
    q->handles_closed = true;
    if (q->released)
        qmp_free(q);
}

void lv__qmp_down(lv_qmp *q, lv_error_code code, int errnum, const char *fmt, ...)
{
    if (q->state == QMP_DOWN)
        return;
    q->state = QMP_DOWN;
    q->down_code = code;
    q->down_errno = errnum;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q->down_detail, sizeof(q->down_detail), fmt, ap);
    va_end(ap);

    uv_read_stop((uv_stream_t *)&q->pipe);
    uv_timer_stop(&q->timer);
    if (!uv_is_closing((uv_handle_t *)&q->pipe))
        uv_close((uv_handle_t *)&q->pipe, on_handle_closed);
    if (!uv_is_closing((uv_handle_t *)&q->timer))
        uv_close((uv_handle_t *)&q->timer, on_handle_closed);
}

/* ---- writing ----------------------------------------------------------- */

static void on_write(uv_write_t *req, int status)
{
    lv_qmp *q = req->handle->data;
    free(req);
    if (status < 0 && status != UV_ECANCELED)
        lv__qmp_down(q, LV_ERR_SYSTEM, -status, "write: %s", uv_strerror(status));
}

static int send_msg(lv_qmp *q, json_object *msg, const char *name, lv_error *err)
{
    const char *s = json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN |
                                                            JSON_C_TO_STRING_NOSLASHESCAPE);
    size_t len = strlen(s);
    /* No line end after the object: QEMU's JSON streamer needs none, and it reads
     * its monitor socket a byte at a time, so after "quit" a trailing "\r\n" stays
     * unread and the kernel turns qemu's exit into a reset instead of an EOF. */
    qmp_write *w = lv_malloc0(sizeof(*w) + len);
    memcpy(w->data, s, len);
    uv_buf_t buf = uv_buf_init(w->data, (unsigned int)len);
    int r = uv_write(&w->req, (uv_stream_t *)&q->pipe, &buf, 1, on_write);
    if (r < 0) {
        free(w);
        lv_error_set(err, LV_ERR_SYSTEM, "cannot send '%s' on QMP connection to %s: %s", name,
                     qmp_path(q), uv_strerror(r));
        if (err)
            err->sys_errno = -r;
        return -1;
    }
    return 0;
}

/* Sends msg (taken) with a fresh id and queues the command. */
int lv__qmp_submit(lv_qmp *q, enum cmd_kind kind, const char *name, json_object *msg,
                   json_object *user_id, unsigned timeout_ms, lv_qmp_reply_cb reply_cb,
                   lv_qmp_text_cb text_cb, void *opaque, lv_error *err)
{
    char shown[128];
    lv_text_for_message(name, shown, sizeof(shown));
    bool ok = kind == CMD_CAPS ? q->state == QMP_NEGOTIATING : q->state == QMP_READY;
    if (!ok) {
        json_object_put(msg);
        json_object_put(user_id);
        if (q->state == QMP_DOWN)
            return lv_error_set(err, LV_ERR_OPERATION_INVALID,
                                "cannot send '%s': QMP connection to %s is closed (%s)", shown,
                                qmp_path(q), q->down_detail);
        return lv_error_set(err, LV_ERR_OPERATION_INVALID,
                            "cannot send '%s': QMP connection to %s is not ready", shown,
                            q->path ? q->path : "(not connected)");
    }
    int64_t id = ++q->next_id;
    json_object_object_add(msg, "id", json_object_new_int64(id));
    int r = send_msg(q, msg, shown, err);
    json_object_put(msg);
    if (r < 0) {
        json_object_put(user_id);
        return -1;
    }
    qmp_cmd *c = LV_NEW(qmp_cmd);
    c->id = id;
    c->name = lv_strdup(shown);
    c->kind = kind;
    c->user_id = user_id;
    c->reply_cb = reply_cb;
    c->text_cb = text_cb;
    c->opaque = opaque;
    c->timeout_ms = timeout_ms;
    cmd_append(q, c);
    if (kind != CMD_CAPS)
        q->last_user_id = id;
    if (timeout_ms) {
        uv_update_time(q->loop); /* the loop's clock may be stale when called from outside it */
        c->deadline = uv_now(q->loop) + timeout_ms;
        lv__qmp_arm_timer(q);
    }
    return 0;
}

static void on_timer(uv_timer_t *t)
{
    lv_qmp *q = t->data;
    uint64_t now = uv_now(q->loop);
    if (q->connect_deadline && now >= q->connect_deadline) {
        const char *what = q->state == QMP_CONNECTING ? "the connection"
                           : q->state == QMP_GREETING ? "the greeting"
                                                      : "qmp_capabilities";
        lv__qmp_down(q, LV_ERR_TIMEOUT, 0, "timed out after %u ms waiting for %s",
                     q->connect_timeout, what);
        return;
    }
    for (;;) {
        qmp_cmd *c = q->head;
        while (c && !(c->deadline && c->deadline <= now))
            c = c->next;
        if (!c)
            break;
        lv__qmp_cmd_unlink(q, c);
        lv_error e;
        lv_error_set(&e, LV_ERR_TIMEOUT, "QMP command '%s' timed out after %u ms (QMP on %s)",
                     c->name, c->timeout_ms, qmp_path(q));
        cmd_fail(q, c, &e);
        lv__qmp_cmd_free(c);
        if (q->state == QMP_DOWN)
            return;
    }
    lv__qmp_arm_timer(q);
}

static void on_connect(uv_connect_t *req, int status)
{
    lv_qmp *q = req->data;
    if (q->state == QMP_DOWN)
        return; /* closed meanwhile: status is UV_ECANCELED */
    if (status < 0) {
        lv__qmp_down(q, LV_ERR_SYSTEM, -status, "connect: %s", uv_strerror(status));
        return;
    }
    lv__qmp_start_reading(q);
}

/* ---- public ------------------------------------------------------------ */

lv_qmp *lv_qmp_new(uv_loop_t *loop, const lv_qmp_callbacks *cbs)
{
    lv_qmp *q = LV_NEW(lv_qmp);
    q->loop = loop;
    if (cbs)
        q->cbs = *cbs;
    q->max_msg = LV_QMP_MAX_MESSAGE_DEFAULT;
    q->tok = json_tokener_new_ex(64);
    q->rbuf = lv_realloc(NULL, LV__QMP_RBUF_SIZE); /* not zeroed, on purpose */
    if (!q->tok || uv_pipe_init(loop, &q->pipe, 0) < 0) {
        if (q->tok)
            json_tokener_free(q->tok);
        free(q->rbuf);
        free(q);
        return NULL;
    }
    q->pipe.data = q;
    uv_timer_init(loop, &q->timer); /* cannot fail */
    q->timer.data = q;
    q->open_handles = 2;
    q->connect_req.data = q;
    return q;
}

static int connect_common(lv_qmp *q, const char *name, unsigned timeout_ms, lv_qmp_connect_cb cb,
                          void *opaque, lv_error *err)
{
    if (!cb)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "QMP connect needs a callback");
    if (q->state != QMP_NEW)
        return lv_error_set(err, LV_ERR_OPERATION_INVALID,
                            "QMP client for %s is already connected or closed", qmp_path(q));
    q->path = lv_strdup(name);
    q->connect_cb = cb;
    q->connect_opaque = opaque;
    q->connect_timeout = timeout_ms;
    if (timeout_ms) {
        uv_update_time(q->loop);
        q->connect_deadline = uv_now(q->loop) + timeout_ms;
        lv__qmp_arm_timer(q);
    }
    return 0;
}

int lv_qmp_connect(lv_qmp *q, const char *path, unsigned timeout_ms, lv_qmp_connect_cb cb,
                   void *opaque, lv_error *err)
{
    struct sockaddr_un sa;
    if (!path || !*path)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "no QMP socket path given");
    if (strlen(path) >= sizeof(sa.sun_path))
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "QMP socket path '%s' is too long (%zu bytes, at most %zu)", path,
                            strlen(path), sizeof(sa.sun_path) - 1);
    if (connect_common(q, path, timeout_ms, cb, opaque, err) < 0)
        return -1;
    q->state = QMP_CONNECTING;
    uv_pipe_connect(&q->connect_req, &q->pipe, path, on_connect);
    return 0;
}

int lv_qmp_connect_fd(lv_qmp *q, int fd, const char *name, unsigned timeout_ms,
                      lv_qmp_connect_cb cb, void *opaque, lv_error *err)
{
    if (connect_common(q, name && *name ? name : "(fd)", timeout_ms, cb, opaque, err) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int r = uv_pipe_open(&q->pipe, fd);
    if (r < 0) {
        close(fd);
        /* reported through the callback, like every failure after acceptance */
        lv__qmp_down(q, LV_ERR_SYSTEM, -r, "cannot use fd %d: %s", fd, uv_strerror(r));
        return 0;
    }
    lv__qmp_start_reading(q);
    return 0;
}

int lv_qmp_command(lv_qmp *q, const char *cmd, json_object *args, unsigned timeout_ms,
                   lv_qmp_reply_cb cb, void *opaque, lv_error *err)
{
    if (!cmd || !*cmd || !cb || (args && !json_object_is_type(args, json_type_object))) {
        json_object_put(args);
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "QMP command needs a name, a callback and arguments as an object");
    }
    json_object *msg = json_object_new_object();
    json_object_object_add(msg, "execute", json_object_new_string(cmd));
    if (args)
        json_object_object_add(msg, "arguments", args);
    return lv__qmp_submit(q, CMD_QMP, cmd, msg, NULL, timeout_ms, cb, NULL, opaque, err);
}

/* Parses one JSON value from text; only whitespace may follow. */
static json_object *parse_text(const char *text, const char *what, lv_error *err)
{
    size_t len = strlen(text);
    json_tokener *tok = json_tokener_new();
    json_object *obj = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (jerr != json_tokener_success) {
        json_object_put(obj);
        lv_error_set(err, LV_ERR_INVALID_ARG, "%s is not valid JSON: %s", what,
                     jerr == json_tokener_continue ? "unexpected end of input"
                                                   : json_tokener_error_desc(jerr));
        return NULL;
    }
    for (size_t i = end; i < len; i++) {
        if (!strchr(" \t\r\n", text[i])) {
            json_object_put(obj);
            lv_error_set(err, LV_ERR_INVALID_ARG, "%s is not valid JSON: text after the value",
                         what);
            return NULL;
        }
    }
    if (!json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        lv_error_set(err, LV_ERR_INVALID_ARG, "%s must be a JSON object", what);
        return NULL;
    }
    return obj;
}

int lv_qmp_command_text(lv_qmp *q, const char *cmd, const char *args_json, unsigned timeout_ms,
                        lv_qmp_reply_cb cb, void *opaque, lv_error *err)
{
    json_object *args = NULL;
    if (args_json && *args_json) {
        char what[160];
        char shown[100];
        snprintf(what, sizeof(what), "arguments of QMP command '%s'",
                 lv_text_for_message(cmd, shown, sizeof(shown)));
        args = parse_text(args_json, what, err);
        if (!args)
            return -1;
    }
    return lv_qmp_command(q, cmd, args, timeout_ms, cb, opaque, err);
}

int lv_qmp_hmp(lv_qmp *q, const char *cmdline, unsigned timeout_ms, lv_qmp_text_cb cb, void *opaque,
               lv_error *err)
{
    if (!cmdline || !cb)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "HMP command needs a text and a callback");
    json_object *args = json_object_new_object();
    json_object_object_add(args, "command-line", json_object_new_string(cmdline));
    json_object *msg = json_object_new_object();
    json_object_object_add(msg, "execute", json_object_new_string("human-monitor-command"));
    json_object_object_add(msg, "arguments", args);
    return lv__qmp_submit(q, CMD_HMP, "human-monitor-command", msg, NULL, timeout_ms, NULL, cb,
                          opaque, err);
}

int lv_qmp_raw(lv_qmp *q, const char *json, unsigned timeout_ms, lv_qmp_reply_cb cb, void *opaque,
               lv_error *err)
{
    if (!json || !cb)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "QMP passthrough needs a text and a callback");
    json_object *msg = parse_text(json, "QMP command", err);
    if (!msg)
        return -1;
    json_object *v;
    if (json_object_object_get_ex(msg, "exec-oob", &v)) {
        json_object_put(msg);
        return lv_error_set(err, LV_ERR_NO_SUPPORT,
                            "QMP command: out-of-band execution (exec-oob) is not supported");
    }
    if (!json_object_object_get_ex(msg, "execute", &v) ||
        !json_object_is_type(v, json_type_string)) {
        json_object_put(msg);
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "QMP command must have \"execute\" with a command name");
    }
    char *name = lv_strdup(json_object_get_string(v));
    json_object *user_id = NULL;
    if (json_object_object_get_ex(msg, "id", &v)) {
        user_id = json_object_get(v);
        json_object_object_del(msg, "id");
    }
    int r = lv__qmp_submit(q, CMD_RAW, name, msg, user_id, timeout_ms, cb, NULL, opaque, err);
    free(name);
    return r;
}

void lv_qmp_close(lv_qmp *q)
{
    if (!q || q->released)
        return;
    q->released = true;
    if (q->state != QMP_DOWN) {
        q->down_by_owner = true;
        lv__qmp_down(q, LV_ERR_CANCELLED, 0, "the client was closed");
    }
    notify_down(q);
    if (q->handles_closed && q->notify_depth == 0)
        qmp_free(q);
}

int64_t lv_qmp_last_id(const lv_qmp *q)
{
    return q->last_user_id;
}

int lv_qmp_cancel(lv_qmp *q, int64_t id, lv_error *err)
{
    qmp_cmd *c = q->head;
    while (c && !(c->id == id && c->kind != CMD_CAPS))
        c = c->next;
    if (!c)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "no QMP command %lld is waiting on %s",
                            (long long)id, qmp_path(q));
    lv__qmp_cmd_unlink(q, c);
    lv_error e;
    lv_error_set(&e, LV_ERR_CANCELLED, "QMP command '%s' was cancelled (QMP on %s)", c->name,
                 qmp_path(q));
    cmd_fail(q, c, &e);
    lv__qmp_cmd_free(c);
    return 0;
}

void lv_qmp_set_max_message(lv_qmp *q, size_t bytes)
{
    q->max_msg = bytes ? bytes : LV_QMP_MAX_MESSAGE_DEFAULT;
}

const lv_qmp_version *lv_qmp_get_version(const lv_qmp *q)
{
    return q->have_version ? &q->version : NULL;
}

const char *lv_qmp_get_path(const lv_qmp *q)
{
    return qmp_path(q);
}

int lv_qmp_is_ready(const lv_qmp *q)
{
    return q->state == QMP_READY;
}

size_t lv_qmp_pending(const lv_qmp *q)
{
    size_t n = q->npending;
    /* our own qmp_capabilities is not the caller's business */
    for (const qmp_cmd *c = q->head; c; c = c->next)
        if (c->kind == CMD_CAPS)
            n--;
    return n;
}
