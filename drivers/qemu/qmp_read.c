/* The QMP client's reading side: QEMU's bytes through json-c's incremental
 * tokener into messages (bounded in size; anything that is not JSON, or not an
 * object, ends the connection), then the greeting (which starts the
 * qmp_capabilities negotiation), replies matched to their command by id, and
 * events. See qmp.c for the connection's life. */
#include "qmp_priv.h"

#include <stdio.h>
#include <string.h>

#include "core/names.h"

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
    lv__qmp_arm_timer(q);
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
            lv__qmp_down(q, LV_ERR_OPERATION_FAILED, 0, "%s", e.message);
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
    lv__qmp_cmd_unlink(q, c);
    complete(q, c, msg);
    lv__qmp_cmd_free(c);
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
        lv__qmp_down(q, LV_ERR_OPERATION_FAILED, 0, "expected the QMP greeting, got %s", shown);
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
    if (lv__qmp_submit(q, CMD_CAPS, "qmp_capabilities", caps, NULL, 0, NULL, NULL, NULL, &e) < 0)
        lv__qmp_down(q, e.code, e.sys_errno, "%s", e.message);
}

static void dispatch(lv_qmp *q, json_object *msg)
{
    if (!json_object_is_type(msg, json_type_object)) {
        lv__qmp_down(q, LV_ERR_OPERATION_FAILED, 0, "qemu sent %s where a JSON object was expected",
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
                lv__qmp_down(q, LV_ERR_OPERATION_FAILED, 0,
                             "qemu sent a message larger than %zu bytes", q->max_msg);
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
            lv__qmp_down(q, LV_ERR_OPERATION_FAILED, 0,
                         "qemu sent bytes that are not JSON (%s near '%s')",
                         json_tokener_error_desc(jerr), near);
            return;
        }
        q->msg_bytes += used;
        if (q->msg_bytes > q->max_msg) {
            json_object_put(msg);
            lv__qmp_down(q, LV_ERR_OPERATION_FAILED, 0, "qemu sent a message larger than %zu bytes",
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
    *buf = uv_buf_init(q->rbuf, LV__QMP_RBUF_SIZE);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    lv_qmp *q = s->data;
    if (nread == UV_EOF)
        lv__qmp_down(q, LV_ERR_OPERATION_FAILED, 0, "qemu closed the socket");
    else if (nread == UV_ECONNRESET) /* qemu exited with bytes of ours unread */
        lv__qmp_down(q, LV_ERR_OPERATION_FAILED, 0, "qemu closed the socket (connection reset)");
    else if (nread < 0)
        lv__qmp_down(q, LV_ERR_SYSTEM, (int)-nread, "read: %s", uv_strerror((int)nread));
    else if (nread > 0)
        feed(q, buf->base, (size_t)nread);
}

void lv__qmp_start_reading(lv_qmp *q)
{
    q->state = QMP_GREETING;
    int r = uv_read_start((uv_stream_t *)&q->pipe, on_alloc, on_read);
    if (r < 0)
        lv__qmp_down(q, LV_ERR_SYSTEM, -r, "read: %s", uv_strerror(r));
}
