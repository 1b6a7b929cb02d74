/* The QMP client. QEMU's protocol (docs/interop/qmp-spec): a greeting
 * {"QMP": {"version": ..., "capabilities": [...]}}, then qmp_capabilities, then
 * commands {"execute", "arguments", "id"} answered by {"return"|"error", "id"}
 * and asynchronous {"event", "data", "timestamp"} messages at any time.
 *
 * Everything that ends the connection goes through qmp_down(), which only stops
 * the handles. Callbacks that were waiting run from notify_down(): from the last
 * handle's close callback when the connection dropped, or inside lv_qmp_close,
 * so that nothing calls back after lv_qmp_close returns (an owner may free its
 * state right then). The memory outlives every callback: it is freed once the
 * handles are closed, the owner released it and no notify_down is running. */
#include "qmp.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/names.h"

enum qmp_state {
    QMP_NEW = 0,     /* not connected yet */
    QMP_CONNECTING,  /* uv_pipe_connect in flight */
    QMP_GREETING,    /* reading, waiting for the greeting */
    QMP_NEGOTIATING, /* qmp_capabilities sent */
    QMP_READY,
    QMP_DOWN, /* handles closing or closed */
};

enum cmd_kind {
    CMD_QMP = 0,
    CMD_HMP,
    CMD_RAW,
    CMD_CAPS, /* our own qmp_capabilities */
};

typedef struct qmp_cmd {
    struct qmp_cmd *prev;
    struct qmp_cmd *next;
    int64_t id;
    char *name; /* printable, for messages */
    enum cmd_kind kind;
    uint64_t deadline; /* uv_now() milliseconds; 0: none */
    unsigned timeout_ms;
    json_object *user_id; /* CMD_RAW: the id the user wrote, or NULL */
    lv_qmp_reply_cb reply_cb;
    lv_qmp_text_cb text_cb;
    void *opaque;
} qmp_cmd;

typedef struct qmp_write {
    uv_write_t req;
    char data[];
} qmp_write;

struct lv_qmp {
    uv_pipe_t pipe; /* first member: libuv handles point back at the struct */
    uv_timer_t timer;
    uv_connect_t connect_req;
    uv_loop_t *loop;
    lv_qmp_callbacks cbs;
    enum qmp_state state;
    bool was_ready;
    bool released;    /* lv_qmp_close was called */
    int notify_depth; /* notify_down calls running (a callback may close: nested) */
    bool handles_closed;
    int open_handles;
    char *path;

    /* Why the connection went down. */
    bool down_by_owner;
    lv_error_code down_code;
    int down_errno;
    char down_detail[512];

    lv_qmp_connect_cb connect_cb; /* until the handshake finished */
    void *connect_opaque;
    uint64_t connect_deadline;
    unsigned connect_timeout;

    qmp_cmd *head; /* in send order */
    qmp_cmd *tail;
    size_t npending;
    int64_t next_id;
    int64_t last_user_id; /* of the last command a caller sent */

    json_tokener *tok;
    size_t msg_bytes; /* fed to tok since the last complete message */
    size_t max_msg;

    bool have_version;
    lv_qmp_version version;

    char rbuf[64 * 1024];
};

static void qmp_down(lv_qmp *q, lv_error_code code, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void on_timer(uv_timer_t *t);

/* ---- small helpers ----------------------------------------------------- */

static const char *qmp_path(const lv_qmp *q)
{
    return q->path ? q->path : "";
}

static void cmd_unlink(lv_qmp *q, qmp_cmd *c)
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

static void cmd_free(qmp_cmd *c)
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

static void arm_timer(lv_qmp *q)
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
        cmd_unlink(q, c);
        cmd_free(c);
    }
    if (q->tok)
        json_tokener_free(q->tok);
    free(q->path);
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
        cmd_unlink(q, c);
        lv_error_set(&e, code, "QMP connection to %s closed while waiting for '%s': %s",
                     qmp_path(q), c->name, q->down_detail);
        e.sys_errno = code == LV_ERR_SYSTEM ? q->down_errno : 0;
        cmd_fail(q, c, &e);
        cmd_free(c);
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

static void qmp_down(lv_qmp *q, lv_error_code code, int errnum, const char *fmt, ...)
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
        qmp_down(q, LV_ERR_SYSTEM, -status, "write: %s", uv_strerror(status));
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
static int submit(lv_qmp *q, enum cmd_kind kind, const char *name, json_object *msg,
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
        arm_timer(q);
    }
    return 0;
}

/* ---- reading ----------------------------------------------------------- */

static lv_error_code error_code_for_class(const char *cls)
{
    if (cls && strcmp(cls, "CommandNotFound") == 0)
        return LV_ERR_NO_SUPPORT;
    return LV_ERR_OPERATION_FAILED;
}

/* "QMP command 'cont' failed: <desc> (<class>)" from an "error" object. */
static void set_qmp_error(lv_error *e, const char *name, json_object *error)
{
    json_object *v;
    const char *cls = NULL, *desc = NULL;
    if (json_object_object_get_ex(error, "class", &v) && json_object_is_type(v, json_type_string))
        cls = json_object_get_string(v);
    if (json_object_object_get_ex(error, "desc", &v) && json_object_is_type(v, json_type_string))
        desc = json_object_get_string(v);
    char d[700], c[64];
    lv_text_for_message(desc ? desc : "no description", d, sizeof(d));
    lv_text_for_message(cls ? cls : "unknown class", c, sizeof(c));
    lv_error_set(e, error_code_for_class(cls), "QMP command '%s' failed: %s (%s)", name, d, c);
}

static void handshake_done(lv_qmp *q)
{
    q->state = QMP_READY;
    q->was_ready = true;
    q->connect_deadline = 0;
    arm_timer(q);
    lv_qmp_connect_cb cb = q->connect_cb;
    q->connect_cb = NULL;
    if (cb)
        cb(q, q->connect_opaque, NULL);
}

static void complete(lv_qmp *q, qmp_cmd *c, json_object *msg)
{
    json_object *ret = NULL, *error = NULL;
    json_object_object_get_ex(msg, "return", &ret);
    bool failed = json_object_object_get_ex(msg, "error", &error);
    lv_error e;

    switch (c->kind) {
    case CMD_CAPS:
        if (failed) {
            set_qmp_error(&e, c->name, error);
            qmp_down(q, LV_ERR_OPERATION_FAILED, 0, "%s", e.message);
        } else {
            handshake_done(q);
        }
        break;
    case CMD_QMP:
        if (failed) {
            set_qmp_error(&e, c->name, error);
            c->reply_cb(q, c->opaque, error, &e);
        } else {
            c->reply_cb(q, c->opaque, ret, NULL);
        }
        break;
    case CMD_HMP:
        if (failed) {
            set_qmp_error(&e, c->name, error);
            c->text_cb(q, c->opaque, NULL, &e);
        } else if (!json_object_is_type(ret, json_type_string)) {
            lv_error_set(&e, LV_ERR_OPERATION_FAILED,
                         "QMP command '%s' returned %s where text was expected", c->name,
                         json_type_to_name(json_object_get_type(ret)));
            c->text_cb(q, c->opaque, NULL, &e);
        } else {
            c->text_cb(q, c->opaque, json_object_get_string(ret), NULL);
        }
        break;
    case CMD_RAW:
        json_object_object_del(msg, "id");
        if (c->user_id)
            json_object_object_add(msg, "id", json_object_get(c->user_id));
        c->reply_cb(q, c->opaque, msg, NULL);
        break;
    }
}

static void handle_reply(lv_qmp *q, json_object *msg)
{
    json_object *idv;
    if (!json_object_object_get_ex(msg, "id", &idv) || !json_object_is_type(idv, json_type_int))
        return; /* not ours: an error QEMU could not tie to a command */
    int64_t id = json_object_get_int64(idv);
    qmp_cmd *c = q->head;
    while (c && c->id != id)
        c = c->next;
    if (!c)
        return; /* a late reply to a command that timed out */
    cmd_unlink(q, c);
    complete(q, c, msg);
    cmd_free(c);
}

static void handle_event(lv_qmp *q, json_object *msg, json_object *name)
{
    if (!json_object_is_type(name, json_type_string) || !q->cbs.event)
        return;
    json_object *data = NULL, *ts, *v;
    int64_t sec = -1, usec = -1;
    if (!json_object_object_get_ex(msg, "data", &data))
        data = NULL;
    if (json_object_object_get_ex(msg, "timestamp", &ts)) {
        if (json_object_object_get_ex(ts, "seconds", &v))
            sec = json_object_get_int64(v);
        if (json_object_object_get_ex(ts, "microseconds", &v))
            usec = json_object_get_int64(v);
    }
    q->cbs.event(q, q->cbs.opaque, json_object_get_string(name), data, sec, usec);
}

static int int_member(json_object *obj, const char *key)
{
    json_object *v;
    if (json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_int))
        return (int)json_object_get_int64(v);
    return -1;
}

static void handle_greeting(lv_qmp *q, json_object *msg)
{
    json_object *g, *ver, *v;
    if (!json_object_object_get_ex(msg, "QMP", &g) || !json_object_is_type(g, json_type_object)) {
        char shown[80];
        lv_text_for_message(json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN), shown,
                            sizeof(shown));
        qmp_down(q, LV_ERR_OPERATION_FAILED, 0, "expected the QMP greeting, got %s", shown);
        return;
    }
    if (json_object_object_get_ex(g, "version", &ver)) {
        if (json_object_object_get_ex(ver, "qemu", &v)) {
            q->version.major = int_member(v, "major");
            q->version.minor = int_member(v, "minor");
            q->version.micro = int_member(v, "micro");
        }
        if (json_object_object_get_ex(ver, "package", &v) &&
            json_object_is_type(v, json_type_string))
            snprintf(q->version.package, sizeof(q->version.package), "%s",
                     json_object_get_string(v));
    }
    q->have_version = true;
    q->state = QMP_NEGOTIATING;
    json_object *caps = json_object_new_object();
    json_object_object_add(caps, "execute", json_object_new_string("qmp_capabilities"));
    lv_error e;
    if (submit(q, CMD_CAPS, "qmp_capabilities", caps, NULL, 0, NULL, NULL, NULL, &e) < 0)
        qmp_down(q, e.code, e.sys_errno, "%s", e.message);
}

static void dispatch(lv_qmp *q, json_object *msg)
{
    if (!json_object_is_type(msg, json_type_object)) {
        qmp_down(q, LV_ERR_OPERATION_FAILED, 0, "qemu sent %s where a JSON object was expected",
                 msg ? json_type_to_name(json_object_get_type(msg)) : "null");
        return;
    }
    if (q->state == QMP_GREETING) {
        handle_greeting(q, msg);
        return;
    }
    json_object *v;
    if (json_object_object_get_ex(msg, "event", &v))
        handle_event(q, msg, v);
    else if (json_object_object_get_ex(msg, "return", &v) ||
             json_object_object_get_ex(msg, "error", &v))
        handle_reply(q, msg);
    /* anything else (a second greeting, a future message kind) is ignored */
}

static void feed(lv_qmp *q, const char *p, size_t n)
{
    while (n > 0 && q->state != QMP_DOWN) {
        json_object *msg = json_tokener_parse_ex(q->tok, p, (int)n);
        enum json_tokener_error jerr = json_tokener_get_error(q->tok);
        if (jerr == json_tokener_continue) {
            q->msg_bytes += n;
            if (q->msg_bytes > q->max_msg)
                qmp_down(q, LV_ERR_OPERATION_FAILED, 0, "qemu sent a message larger than %zu bytes",
                         q->max_msg);
            return;
        }
        size_t used = json_tokener_get_parse_end(q->tok);
        if (jerr != json_tokener_success) {
            char near[40];
            size_t at = used < n ? used : n - 1;
            size_t from = at > 8 ? at - 8 : 0;
            char raw[24];
            size_t k = n - from < sizeof(raw) - 1 ? n - from : sizeof(raw) - 1;
            memcpy(raw, p + from, k);
            raw[k] = '\0';
            for (size_t i = 0; i < k; i++)
                if (raw[i] == '\0')
                    raw[i] = ' ';
            lv_text_for_message(raw, near, sizeof(near));
            qmp_down(q, LV_ERR_OPERATION_FAILED, 0,
                     "qemu sent bytes that are not JSON (%s near '%s')",
                     json_tokener_error_desc(jerr), near);
            return;
        }
        q->msg_bytes += used;
        if (q->msg_bytes > q->max_msg) {
            json_object_put(msg);
            qmp_down(q, LV_ERR_OPERATION_FAILED, 0, "qemu sent a message larger than %zu bytes",
                     q->max_msg);
            return;
        }
        q->msg_bytes = 0;
        p += used;
        n -= used;
        dispatch(q, msg);
        json_object_put(msg);
    }
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    lv_qmp *q = h->data;
    *buf = uv_buf_init(q->rbuf, sizeof(q->rbuf));
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    lv_qmp *q = s->data;
    if (nread == UV_EOF)
        qmp_down(q, LV_ERR_OPERATION_FAILED, 0, "qemu closed the socket");
    else if (nread == UV_ECONNRESET) /* qemu exited with bytes of ours unread */
        qmp_down(q, LV_ERR_OPERATION_FAILED, 0, "qemu closed the socket (connection reset)");
    else if (nread < 0)
        qmp_down(q, LV_ERR_SYSTEM, (int)-nread, "read: %s", uv_strerror((int)nread));
    else if (nread > 0)
        feed(q, buf->base, (size_t)nread);
}

static void start_reading(lv_qmp *q)
{
    q->state = QMP_GREETING;
    int r = uv_read_start((uv_stream_t *)&q->pipe, on_alloc, on_read);
    if (r < 0)
        qmp_down(q, LV_ERR_SYSTEM, -r, "read: %s", uv_strerror(r));
}

static void on_timer(uv_timer_t *t)
{
    lv_qmp *q = t->data;
    uint64_t now = uv_now(q->loop);
    if (q->connect_deadline && now >= q->connect_deadline) {
        const char *what = q->state == QMP_CONNECTING ? "the connection"
                           : q->state == QMP_GREETING ? "the greeting"
                                                      : "qmp_capabilities";
        qmp_down(q, LV_ERR_TIMEOUT, 0, "timed out after %u ms waiting for %s", q->connect_timeout,
                 what);
        return;
    }
    for (;;) {
        qmp_cmd *c = q->head;
        while (c && !(c->deadline && c->deadline <= now))
            c = c->next;
        if (!c)
            break;
        cmd_unlink(q, c);
        lv_error e;
        lv_error_set(&e, LV_ERR_TIMEOUT, "QMP command '%s' timed out after %u ms (QMP on %s)",
                     c->name, c->timeout_ms, qmp_path(q));
        cmd_fail(q, c, &e);
        cmd_free(c);
        if (q->state == QMP_DOWN)
            return;
    }
    arm_timer(q);
}

static void on_connect(uv_connect_t *req, int status)
{
    lv_qmp *q = req->data;
    if (q->state == QMP_DOWN)
        return; /* closed meanwhile: status is UV_ECANCELED */
    if (status < 0) {
        qmp_down(q, LV_ERR_SYSTEM, -status, "connect: %s", uv_strerror(status));
        return;
    }
    start_reading(q);
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
    if (!q->tok || uv_pipe_init(loop, &q->pipe, 0) < 0) {
        if (q->tok)
            json_tokener_free(q->tok);
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
        arm_timer(q);
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
        qmp_down(q, LV_ERR_SYSTEM, -r, "cannot use fd %d: %s", fd, uv_strerror(r));
        return 0;
    }
    start_reading(q);
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
    return submit(q, CMD_QMP, cmd, msg, NULL, timeout_ms, cb, NULL, opaque, err);
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
    return submit(q, CMD_HMP, "human-monitor-command", msg, NULL, timeout_ms, NULL, cb, opaque,
                  err);
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
    int r = submit(q, CMD_RAW, name, msg, user_id, timeout_ms, cb, NULL, opaque, err);
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
        qmp_down(q, LV_ERR_CANCELLED, 0, "the client was closed");
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
    cmd_unlink(q, c);
    lv_error e;
    lv_error_set(&e, LV_ERR_CANCELLED, "QMP command '%s' was cancelled (QMP on %s)", c->name,
                 qmp_path(q));
    cmd_fail(q, c, &e);
    cmd_free(c);
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
