/* The QMP client against a scripted fake server, and once against a real
 * qemu-system-x86_64 when there is one. Each callback appends a line to a log;
 * the tests compare whole logs, so order matters and nothing extra slips by. */
#include "../unit/unit_helpers.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "fake_qmp.h"
#include "qmp.h"

typedef struct ctx {
    uv_loop_t loop;
    fake srv;
    lv_qmp *qmp;
    lv_strbuf log;
    lv_error last_err; /* the last error any callback saw */
    int replies;
    int close_after; /* lv_qmp_close after this many replies/errors (0: never) */
    bool close_on_closed;
    bool close_on_event;
    bool in_call; /* inside one of our calls into the client */
    const char *expect_path;
    void (*on_ready)(struct ctx *c);
} ctx;

static ctx *cur; /* the running test's context, for the scripts' data */

static void logf_(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(ctx *c, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    lv_strbuf_add(&c->log, line);
    lv_strbuf_add(&c->log, "\n");
}

static const char *js(json_object *o)
{
    return o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : "NULL";
}

static void counted(ctx *c)
{
    if (c->in_call)
        fail_msg("a callback ran inside the call that started it");
    c->replies++;
    if (c->close_after && c->replies == c->close_after)
        lv_qmp_close(c->qmp);
}

static void on_reply(lv_qmp *q, void *opaque, json_object *ret, const lv_error *err)
{
    (void)q;
    ctx *c = cur;
    int tag = (int)(intptr_t)opaque;
    if (err) {
        logf_(c, "error %d %s%s%s", tag, lv_error_code_name(err->code), ret ? " " : "",
              ret ? js(ret) : "");
        lv_error_copy(&c->last_err, err);
        assert_one_line(err);
    } else {
        logf_(c, "reply %d %s", tag, js(ret));
    }
    counted(c);
}

static void on_text(lv_qmp *q, void *opaque, const char *text, const lv_error *err)
{
    (void)q;
    ctx *c = cur;
    int tag = (int)(intptr_t)opaque;
    if (err) {
        logf_(c, "error %d %s", tag, lv_error_code_name(err->code));
        lv_error_copy(&c->last_err, err);
    } else {
        logf_(c, "text %d %s", tag, text);
    }
    counted(c);
}

static void on_event(lv_qmp *q, void *opaque, const char *name, json_object *data, int64_t sec,
                     int64_t usec)
{
    (void)q;
    ctx *c = opaque;
    if (sec < 0 && usec < 0)
        logf_(c, "event %s %s no-time", name, js(data));
    else
        logf_(c, "event %s %s %lld.%06lld", name, js(data), (long long)sec, (long long)usec);
    if (c->close_on_event)
        lv_qmp_close(q);
}

static void on_closed(lv_qmp *q, void *opaque, const lv_error *err)
{
    ctx *c = opaque;
    logf_(c, "closed %s", lv_error_code_name(err->code));
    lv_error_copy(&c->last_err, err);
    assert_one_line(err);
    /* the object is still there, and says so */
    lv_error e;
    assert_int_equal(lv_qmp_is_ready(q), 0);
    assert_int_equal(lv_qmp_command(q, "query-status", NULL, 0, on_reply, NULL, &e), -1);
    assert_message_has(&e, "is closed");
    if (c->close_on_closed)
        lv_qmp_close(q);
}

static void on_connect(lv_qmp *q, void *opaque, const lv_error *err)
{
    ctx *c = opaque;
    if (c->in_call)
        fail_msg("the connect callback ran inside lv_qmp_connect");
    if (err) {
        logf_(c, "connect-failed %s", lv_error_code_name(err->code));
        lv_error_copy(&c->last_err, err);
        assert_one_line(err);
        lv_qmp_close(q);
        return;
    }
    logf_(c, "connected");
    if (c->on_ready)
        c->on_ready(c);
}

static int setup(void **state)
{
    ctx *c = LV_NEW(ctx);
    assert_int_equal(uv_loop_init(&c->loop), 0);
    lv_strbuf_init(&c->log);
    c->close_on_closed = true;
    cur = c;
    *state = c;
    alarm(30); /* a hung test dies instead of blocking the suite */
    return 0;
}

static int teardown(void **state)
{
    ctx *c = *state;
    alarm(0);
    /* every handle of the client closed and its memory freed */
    assert_int_equal(uv_loop_close(&c->loop), 0);
    lv_strbuf_clear(&c->log);
    free(c);
    cur = NULL;
    return 0;
}

/* Starts the fake with script, connects, runs the loop until the client is gone. */
static void run_with(ctx *c, fake_script script, void (*on_ready)(ctx *c))
{
    fake_start(&c->srv, script, c);
    lv_qmp_callbacks cbs = {.event = on_event, .closed = on_closed, .opaque = c};
    c->qmp = lv_qmp_new(&c->loop, &cbs);
    assert_non_null(c->qmp);
    c->on_ready = on_ready;
    c->expect_path = c->srv.path;
    lv_error err;
    c->in_call = true;
    int r = lv_qmp_connect(c->qmp, c->srv.path, 5000, on_connect, c, &err);
    c->in_call = false;
    assert_int_equal(r, 0);
    uv_run(&c->loop, UV_RUN_DEFAULT);
    fake_join(&c->srv);
    if (c->srv.failure[0])
        fail_msg("fake server: %s", c->srv.failure);
}

static void send_cmd(ctx *c, int tag, const char *cmd, const char *args, unsigned timeout)
{
    lv_error err;
    c->in_call = true;
    int r = lv_qmp_command_text(c->qmp, cmd, args, timeout, on_reply, (void *)(intptr_t)tag, &err);
    c->in_call = false;
    if (r < 0)
        fail_msg("lv_qmp_command_text(%s): %s", cmd, err.message);
}

static void assert_log(ctx *c, const char *expected)
{
    const char *got = c->log.data ? c->log.data : "";
    if (strcmp(got, expected) != 0)
        fail_msg("log differs.\n--- expected\n%s--- got\n%s", expected, got);
}

/* ---- a command and its reply -------------------------------------------- */

static void script_basic(fake *f)
{
    if (!fake_handshake(f))
        return;
    json_object *a = fake_recv(f);
    if (fake_expect(f, a, "query-status")) {
        json_object *v;
        if (json_object_object_get_ex(a, "arguments", &v))
            fake_fail(f, "query-status came with arguments");
        fake_reply(f, a, "{\"status\": \"prelaunch\", \"running\": false}");
    }
    json_object *b = fake_recv(f);
    if (fake_expect(f, b, "block_resize")) {
        json_object *args;
        json_object_object_get_ex(b, "arguments", &args);
        /* the server echoes the arguments: the client must keep uint64 exact */
        fake_reply(f, b, json_object_to_json_string_ext(args, JSON_C_TO_STRING_PLAIN));
        json_object *ida, *idb;
        json_object_object_get_ex(a, "id", &ida);
        json_object_object_get_ex(b, "id", &idb);
        if (json_object_equal(ida, idb))
            fake_fail(f, "two commands with the same id");
    }
    json_object_put(a);
    json_object_put(b);
    fake_wait_eof(f);
}

static void ready_basic(ctx *c)
{
    const lv_qmp_version *v = lv_qmp_get_version(c->qmp);
    assert_non_null(v);
    assert_int_equal(v->major, 7);
    assert_int_equal(v->minor, 2);
    assert_int_equal(v->micro, 3);
    assert_string_equal(v->package, "fake-pkg");
    assert_true(lv_qmp_is_ready(c->qmp));
    assert_string_equal(lv_qmp_get_path(c->qmp), c->expect_path);
    send_cmd(c, 1, "query-status", NULL, 0);
    json_object *args = json_object_new_object();
    json_object_object_add(args, "device", json_object_new_string("drive/\"0\""));
    json_object_object_add(args, "size", json_object_new_uint64(UINT64_MAX));
    lv_error err;
    c->in_call = true;
    assert_int_equal(lv_qmp_command(c->qmp, "block_resize", args, 0, on_reply, (void *)2, &err), 0);
    c->in_call = false;
    assert_int_equal(lv_qmp_pending(c->qmp), 2);
    c->close_after = 2;
}

static void test_command_reply(void **state)
{
    ctx *c = *state;
    run_with(c, script_basic, ready_basic);
    assert_log(c, "connected\n"
                  "reply 1 {\"status\":\"prelaunch\",\"running\":false}\n"
                  "reply 2 {\"device\":\"drive\\/\\\"0\\\"\",\"size\":18446744073709551615}\n");
}

/* ---- replies out of order, events anywhere ----------------------------- */

static void script_out_of_order(fake *f)
{
    if (!fake_handshake(f))
        return;
    json_object *r1 = fake_recv(f), *r2 = fake_recv(f), *r3 = fake_recv(f);
    if (fake_expect(f, r1, "a") && fake_expect(f, r2, "b") && fake_expect(f, r3, "c")) {
        fake_reply(f, r3, "3");
        fake_reply(f, r1, "1");
        fake_reply(f, r2, "2");
    }
    json_object_put(r1);
    json_object_put(r2);
    json_object_put(r3);
    fake_wait_eof(f);
}

static void ready_three(ctx *c)
{
    send_cmd(c, 1, "a", NULL, 0);
    send_cmd(c, 2, "b", "{}", 0);
    send_cmd(c, 3, "c", " {\"x\": [1, 2]} ", 0);
    c->close_after = 3;
}

static void test_out_of_order(void **state)
{
    ctx *c = *state;
    run_with(c, script_out_of_order, ready_three);
    assert_log(c, "connected\nreply 3 3\nreply 1 1\nreply 2 2\n");
}

static void script_events(fake *f)
{
    if (!fake_handshake(f))
        return;
    json_object *r1 = fake_recv(f), *r2 = fake_recv(f), *r3 = fake_recv(f);
    if (r1 && r2 && r3) {
        /* an event before the reply the client waits for, in the same write */
        fake_sendf(f, "{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 42}, "
                      "\"event\": \"STOP\"}\r\n");
        fake_reply(f, r2, "{}");
        /* events between replies, split across writes, one without timestamp */
        fake_send(f, "{\"event\": \"RESUME\", \"data\": {\"reason\"");
        usleep(20000);
        fake_send(f, ": \"user\", \"big\": 18446744073709551615}, \"timestamp\": {\"seconds\": "
                     "1, \"microseconds\": 2}}\r\n{\"event\": \"X\"}");
        fake_reply(f, r1, "{}");
        fake_sendf(f, "{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true}}\r\n");
        fake_reply(f, r3, "{}");
    }
    json_object_put(r1);
    json_object_put(r2);
    json_object_put(r3);
    fake_wait_eof(f);
}

static void test_events(void **state)
{
    ctx *c = *state;
    run_with(c, script_events, ready_three);
    assert_log(c, "connected\n"
                  "event STOP NULL 1700000000.000042\n"
                  "reply 2 {}\n"
                  "event RESUME {\"reason\":\"user\",\"big\":18446744073709551615} 1.000002\n"
                  "event X NULL no-time\n"
                  "reply 1 {}\n"
                  "event SHUTDOWN {\"guest\":true} no-time\n"
                  "reply 3 {}\n");
}

/* ---- errors ------------------------------------------------------------- */

static void script_error_reply(fake *f)
{
    if (!fake_handshake(f))
        return;
    json_object *r1 = fake_recv(f), *r2 = fake_recv(f);
    if (fake_expect(f, r1, "cont") && fake_expect(f, r2, "no-such")) {
        fake_sendf(f,
                   "{\"id\": %s, \"error\": {\"class\": \"GenericError\", \"desc\": "
                   "\"Resetting the Virtual Machine is required\\nreally\"}}\r\n",
                   json_object_to_json_string(json_object_object_get(r1, "id")));
        fake_sendf(f,
                   "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command "
                   "no-such has not been found\"}, \"id\": %s}\r\n",
                   json_object_to_json_string(json_object_object_get(r2, "id")));
    }
    json_object_put(r1);
    json_object_put(r2);
    fake_wait_eof(f);
}

static lv_error first_err;

static void on_reply_keep_first(lv_qmp *q, void *opaque, json_object *ret, const lv_error *err)
{
    if (err && first_err.code == LV_ERR_NONE)
        lv_error_copy(&first_err, err);
    on_reply(q, opaque, ret, err);
}

static void ready_error(ctx *c)
{
    lv_error err;
    assert_int_equal(lv_qmp_command(c->qmp, "cont", NULL, 0, on_reply_keep_first, (void *)1, &err),
                     0);
    send_cmd(c, 2, "no-such", NULL, 0);
    c->close_after = 2;
}

static void test_error_reply(void **state)
{
    ctx *c = *state;
    lv_error_clear(&first_err);
    run_with(c, script_error_reply, ready_error);
    assert_log(c, "connected\n"
                  "error 1 OPERATION_FAILED {\"class\":\"GenericError\",\"desc\":\"Resetting the "
                  "Virtual Machine is required\\nreally\"}\n"
                  "error 2 NO_SUPPORT {\"class\":\"CommandNotFound\",\"desc\":\"The command "
                  "no-such has not been found\"}\n");
    assert_string_equal(first_err.message, "QMP command 'cont' failed: Resetting the Virtual "
                                           "Machine is required\\x0areally (GenericError)");
    assert_message_has(&c->last_err, "QMP command 'no-such' failed: The command no-such has "
                                     "not been found (CommandNotFound)");
}

static void script_drop(fake *f)
{
    if (!fake_handshake(f))
        return;
    json_object *r1 = fake_recv(f);
    fake_expect(f, r1, "query-status");
    json_object_put(r1);
    fake_hangup(f);
}

static void ready_one_status(ctx *c)
{
    send_cmd(c, 1, "query-status", NULL, 0);
}

static void test_drop_mid_command(void **state)
{
    ctx *c = *state;
    run_with(c, script_drop, ready_one_status);
    /* the pending command learns first, then the owner */
    assert_log(c, "connected\nerror 1 OPERATION_FAILED\nclosed OPERATION_FAILED\n");
    assert_message_has(&c->last_err, "QMP connection to ");
    assert_message_has(&c->last_err, "qemu closed the socket");
}

static void test_drop_error_text(void **state)
{
    ctx *c = *state;
    c->close_on_closed = false; /* close later, from outside any callback */
    run_with(c, script_drop, ready_one_status);
    /* all handles are gone; the object stays until its owner closes it */
    assert_false(lv_qmp_is_ready(c->qmp));
    lv_error err;
    assert_int_equal(lv_qmp_command(c->qmp, "x", NULL, 0, on_reply, NULL, &err), -1);
    assert_message_has(&err, "cannot send 'x': QMP connection to ");
    lv_qmp_close(c->qmp);
    assert_log(c, "connected\nerror 1 OPERATION_FAILED\nclosed OPERATION_FAILED\n");
}

/* The owner closes from the pending command's callback: no `closed` after that. */
static void test_drop_close_in_callback(void **state)
{
    ctx *c = *state;
    c->close_on_closed = false;
    c->close_after = 1;
    run_with(c, script_drop, ready_one_status);
    assert_log(c, "connected\nerror 1 OPERATION_FAILED\n");
}

/* The owner closes after the drop and before libuv's close phase (from a check
 * handle, which runs right after I/O): the pending command learns the drop's
 * reason inside lv_qmp_close, and `closed` is not called. */
static void check_close_when_down(uv_check_t *h)
{
    ctx *c = h->data;
    if (!c->qmp || lv_qmp_is_ready(c->qmp) || !c->log.data)
        return; /* not connected yet, or still fine */
    lv_qmp_close(c->qmp);
    logf_(c, "owner closed");
    uv_close((uv_handle_t *)h, NULL);
}

static void test_close_after_drop(void **state)
{
    ctx *c = *state;
    uv_check_t check;
    uv_check_init(&c->loop, &check);
    check.data = c;
    uv_check_start(&check, check_close_when_down);
    c->close_on_closed = false;
    run_with(c, script_drop, ready_one_status);
    assert_log(c, "connected\nerror 1 OPERATION_FAILED\nowner closed\n");
    assert_message_has(&c->last_err, "closed while waiting for 'query-status': qemu closed the "
                                     "socket");
}

static void script_event_then_more(fake *f)
{
    if (!fake_handshake(f))
        return;
    json_object *r1 = fake_recv(f);
    if (r1) {
        char buf[256];
        snprintf(buf, sizeof(buf),
                 "{\"event\": \"BYE\"}{\"event\": \"NOT-SEEN\"}"
                 "{\"return\": {}, \"id\": %s}",
                 json_object_to_json_string(json_object_object_get(r1, "id")));
        fake_send(f, buf);
    }
    json_object_put(r1);
    fake_wait_eof(f);
}

static void test_close_in_event(void **state)
{
    ctx *c = *state;
    c->close_on_event = true;
    run_with(c, script_event_then_more, ready_one_status);
    assert_log(c, "connected\nevent BYE NULL no-time\nerror 1 CANCELLED\n");
}

static lv_error cmd_err;

static void on_reply_save(lv_qmp *q, void *opaque, json_object *ret, const lv_error *err)
{
    if (err)
        lv_error_copy(&cmd_err, err);
    on_reply(q, opaque, ret, err);
}

static void ready_status_save(ctx *c)
{
    lv_error err;
    assert_int_equal(
        lv_qmp_command(c->qmp, "query-status", NULL, 0, on_reply_save, (void *)1, &err), 0);
}

static void test_drop_message(void **state)
{
    ctx *c = *state;
    run_with(c, script_drop, ready_status_save);
    char want[256];
    snprintf(want, sizeof(want),
             "QMP connection to %s closed while waiting for 'query-status': "
             "qemu closed the socket",
             c->srv.path);
    assert_string_equal(cmd_err.message, want);
    snprintf(want, sizeof(want), "QMP connection to %s ended: qemu closed the socket", c->srv.path);
    assert_string_equal(c->last_err.message, want);
}

static void script_oversized(fake *f)
{
    if (!fake_handshake(f))
        return;
    json_object *r1 = fake_recv(f), *r2 = fake_recv(f);
    if (r1 && r2) {
        /* just under the limit is fine ... */
        size_t n = 60 * 1024;
        char *big = malloc(n + 3);
        memset(big, 'a', n + 2);
        big[0] = big[n + 1] = '"';
        big[n + 2] = '\0';
        fake_reply(f, r1, big);
        free(big);
        /* ... one far beyond closes the connection */
        n = 300 * 1024;
        big = malloc(n + 3);
        memset(big, 'b', n + 2);
        big[0] = big[n + 1] = '"';
        big[n + 2] = '\0';
        fake_reply(f, r2, big);
        free(big);
    }
    json_object_put(r1);
    json_object_put(r2);
    fake_wait_eof(f);
}

static void on_big(lv_qmp *q, void *opaque, json_object *ret, const lv_error *err)
{
    (void)q;
    (void)opaque;
    ctx *c = cur;
    if (err) {
        logf_(c, "error %s", lv_error_code_name(err->code));
        lv_error_copy(&cmd_err, err);
    } else {
        logf_(c, "reply %zu", strlen(json_object_get_string(ret)));
    }
}

static void ready_oversized(ctx *c)
{
    lv_error err;
    assert_int_equal(lv_qmp_command(c->qmp, "a", NULL, 0, on_big, NULL, &err), 0);
    assert_int_equal(lv_qmp_command(c->qmp, "b", NULL, 0, on_big, NULL, &err), 0);
}

static void test_oversized(void **state)
{
    ctx *c = *state;
    fake_start(&c->srv, script_oversized, c);
    lv_qmp_callbacks cbs = {.event = on_event, .closed = on_closed, .opaque = c};
    c->qmp = lv_qmp_new(&c->loop, &cbs);
    lv_qmp_set_max_message(c->qmp, 64 * 1024);
    c->on_ready = ready_oversized;
    lv_error err;
    assert_int_equal(lv_qmp_connect(c->qmp, c->srv.path, 0, on_connect, c, &err), 0);
    uv_run(&c->loop, UV_RUN_DEFAULT);
    fake_join(&c->srv);
    assert_log(c, "connected\nreply 61440\nerror OPERATION_FAILED\nclosed OPERATION_FAILED\n");
    assert_message_has(&cmd_err, "closed while waiting for 'b': qemu sent a message larger "
                                 "than 65536 bytes");
}

/* The default limit is 16 MiB: a 17 MiB reply is refused. */
static void script_huge(fake *f)
{
    if (!fake_handshake(f))
        return;
    json_object *r1 = fake_recv(f);
    if (r1) {
        size_t n = 17u * 1024 * 1024;
        char *big = malloc(n + 3);
        memset(big, 'c', n + 2);
        big[0] = big[n + 1] = '"';
        big[n + 2] = '\0';
        /* the client hangs up half-way: a failed send is expected */
        fake_reply(f, r1, big);
        f->failure[0] = '\0';
        free(big);
    }
    json_object_put(r1);
}

static void ready_one_big(ctx *c)
{
    lv_error err;
    assert_int_equal(lv_qmp_command(c->qmp, "a", NULL, 0, on_big, NULL, &err), 0);
}

static void test_oversized_default(void **state)
{
    ctx *c = *state;
    run_with(c, script_huge, ready_one_big);
    assert_log(c, "connected\nerror OPERATION_FAILED\nclosed OPERATION_FAILED\n");
    assert_message_has(&cmd_err, "larger than 16777216 bytes");
}

static const char *garbage_text;
static size_t garbage_len;

static void script_garbage(fake *f)
{
    if (!fake_handshake(f))
        return;
    json_object *r1 = fake_recv(f);
    if (r1) {
        /* a good event first, then the garbage in the same write */
        char buf[256];
        int n = snprintf(buf, sizeof(buf), "{\"event\": \"A\"}\r\n");
        memcpy(buf + n, garbage_text, garbage_len);
        fake_sendn(f, buf, (size_t)n + garbage_len);
    }
    json_object_put(r1);
    fake_wait_eof(f);
}

static void test_garbage(void **state)
{
    /* clang-format off */
#define G(s) {s, sizeof(s) - 1}
    /* clang-format on */
    static const struct {
        const char *text;
        size_t len;
    } garbage[] = {
        G("\x01\x02hello\r\n"),      /* not JSON at all */
        G("{\"a\": 1,,}\r\n"),       /* broken JSON */
        G("[1, 2]\r\n"),             /* JSON, but not an object */
        G("\"text\"\r\n"),           /* a string */
        G("{\"event\": 1}\r\n\0\0"), /* an event without a name is ignored; NUL is not */
        G("}\r\n"),
        G("\xff\xfe{}"),
    };
#undef G
    ctx *c = *state;
    for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
        garbage_text = garbage[i].text;
        garbage_len = garbage[i].len;
        lv_strbuf_clear(&c->log);
        lv_error_clear(&cmd_err);
        run_with(c, script_garbage, ready_status_save);
        assert_log(c, "connected\nevent A NULL no-time\nerror 1 OPERATION_FAILED\n"
                      "closed OPERATION_FAILED\n");
        assert_message_has(&cmd_err, "closed while waiting for 'query-status': qemu sent ");
        print_message("  garbage %zu: %s\n", i, cmd_err.message);
    }
}

/* ---- many at once, timeouts, closing from callbacks ------------------- */

#define MANY 2000

static void script_many(fake *f)
{
    if (!fake_handshake(f))
        return;
    json_object *reqs[MANY];
    for (int i = 0; i < MANY; i++) {
        reqs[i] = fake_recv(f);
        if (!reqs[i] || !fake_expect(f, reqs[i], "echo")) {
            while (i >= 0)
                json_object_put(reqs[i--]);
            return;
        }
    }
    /* answer in a shuffled order, in big writes */
    for (int i = 0; i < MANY; i++) {
        int j = (i * 7919) % MANY;
        json_object *args = json_object_object_get(reqs[j], "arguments");
        fake_reply(f, reqs[j], json_object_to_json_string(args));
    }
    for (int i = 0; i < MANY; i++)
        json_object_put(reqs[i]);
    fake_wait_eof(f);
}

static int many_ok;

static void on_echo(lv_qmp *q, void *opaque, json_object *ret, const lv_error *err)
{
    ctx *c = cur;
    if (err)
        fail_msg("echo failed: %s", err->message);
    json_object *n = json_object_object_get(ret, "n");
    if (json_object_get_int(n) != (int)(intptr_t)opaque)
        fail_msg("reply %s went to command %d", js(ret), (int)(intptr_t)opaque);
    many_ok++;
    if (many_ok == MANY) {
        assert_int_equal(lv_qmp_pending(q), 0);
        logf_(c, "all %d", MANY);
        lv_qmp_close(q);
    }
}

static void ready_many(ctx *c)
{
    for (int i = 0; i < MANY; i++) {
        json_object *args = json_object_new_object();
        json_object_object_add(args, "n", json_object_new_int(i));
        lv_error err;
        assert_int_equal(
            lv_qmp_command(c->qmp, "echo", args, 10000, on_echo, (void *)(intptr_t)i, &err), 0);
    }
    assert_int_equal(lv_qmp_pending(c->qmp), MANY);
}

static void test_pipelined(void **state)
{
    ctx *c = *state;
    many_ok = 0;
    run_with(c, script_many, ready_many);
    assert_log(c, "connected\nall 2000\n");
}

static void script_timeout(fake *f)
{
    if (!fake_handshake(f))
        return;
    json_object *r1 = fake_recv(f), *r2 = fake_recv(f);
    if (fake_expect(f, r1, "slow") && fake_expect(f, r2, "fast")) {
        fake_reply(f, r1, "\"late\""); /* dropped: its command timed out */
        fake_reply(f, r2, "\"ok\"");
    }
    json_object_put(r1);
    json_object_put(r2);
    fake_wait_eof(f);
}

static void on_slow(lv_qmp *q, void *opaque, json_object *ret, const lv_error *err)
{
    ctx *c = cur;
    on_reply(q, opaque, ret, err);
    /* the connection is still usable */
    assert_true(lv_qmp_is_ready(q));
    send_cmd(c, 2, "fast", NULL, 1000);
}

static void ready_timeout(ctx *c)
{
    lv_error err;
    assert_int_equal(lv_qmp_command(c->qmp, "slow", NULL, 50, on_slow, (void *)1, &err), 0);
    c->close_after = 2;
}

static void test_timeout(void **state)
{
    ctx *c = *state;
    run_with(c, script_timeout, ready_timeout);
    assert_log(c, "connected\nerror 1 TIMEOUT\nreply 2 \"ok\"\n");
    assert_message_has(&c->last_err, "QMP command 'slow' timed out after 50 ms (QMP on ");
}

static void script_three_replies_at_once(fake *f)
{
    if (!fake_handshake(f))
        return;
    json_object *r1 = fake_recv(f), *r2 = fake_recv(f), *r3 = fake_recv(f);
    if (r1 && r2 && r3) {
        char buf[512];
        snprintf(buf, sizeof(buf),
                 "{\"return\": 1, \"id\": %s}\r\n{\"event\": \"E\"}\r\n"
                 "{\"return\": 2, \"id\": %s}{\"return\": 3, \"id\": %s}\r\n",
                 json_object_to_json_string(json_object_object_get(r1, "id")),
                 json_object_to_json_string(json_object_object_get(r2, "id")),
                 json_object_to_json_string(json_object_object_get(r3, "id")));
        fake_send(f, buf);
    }
    json_object_put(r1);
    json_object_put(r2);
    json_object_put(r3);
    fake_wait_eof(f);
}

static void ready_close_first(ctx *c)
{
    ready_three(c);
    c->close_after = 1;
}

static void test_close_in_callback(void **state)
{
    ctx *c = *state;
    run_with(c, script_three_replies_at_once, ready_close_first);
    /* replies already read are not delivered after the owner closed */
    assert_log(c, "connected\nreply 1 1\nerror 2 CANCELLED\nerror 3 CANCELLED\n");
    assert_message_has(&c->last_err, "closed while waiting for 'c': the client was closed");
}

static void ready_close_at_once(ctx *c)
{
    send_cmd(c, 1, "a", NULL, 0);
    send_cmd(c, 2, "b", NULL, 100);
    lv_qmp_close(c->qmp); /* the callbacks run inside: nothing calls back after this */
    logf_(c, "close returned");
}

static void script_client_closes(fake *f)
{
    if (!fake_handshake(f))
        return;
    /* the two commands may or may not have been written before the close */
    char buf[4096];
    while (recv(f->cfd, buf, sizeof(buf), 0) > 0)
        ;
}

static void test_close_with_pending(void **state)
{
    ctx *c = *state;
    run_with(c, script_client_closes, ready_close_at_once);
    assert_log(c, "connected\nerror 1 CANCELLED\nerror 2 CANCELLED\nclose returned\n");
}

static void script_two_replies(fake *f)
{
    if (!fake_handshake(f))
        return;
    json_object *r1 = fake_recv(f), *r2 = fake_recv(f);
    if (fake_expect(f, r1, "a") && fake_expect(f, r2, "b")) {
        fake_reply(f, r1, "1"); /* dropped: cancelled */
        fake_reply(f, r2, "2");
    }
    json_object_put(r1);
    json_object_put(r2);
    fake_wait_eof(f);
}

static void ready_cancel(ctx *c)
{
    lv_error err;
    assert_int_equal(lv_qmp_last_id(c->qmp), 0); /* qmp_capabilities is not the caller's */
    assert_int_equal(lv_qmp_cancel(c->qmp, 1, &err), -1);
    send_cmd(c, 1, "a", NULL, 0);
    int64_t id = lv_qmp_last_id(c->qmp);
    send_cmd(c, 2, "b", NULL, 0);
    assert_true(lv_qmp_last_id(c->qmp) > id);
    assert_int_equal(lv_qmp_cancel(c->qmp, id, &err), 0); /* runs the callback at once */
    logf_(c, "cancel returned");
    assert_int_equal(lv_qmp_cancel(c->qmp, id, &err), -1);
    assert_message_has(&err, "is waiting on");
    assert_int_equal(lv_qmp_pending(c->qmp), 1);
    c->close_after = 2;
}

static void test_cancel(void **state)
{
    ctx *c = *state;
    run_with(c, script_two_replies, ready_cancel);
    assert_log(c, "connected\nerror 1 CANCELLED\ncancel returned\nreply 2 2\n");
    assert_message_has(&c->last_err, "QMP command 'a' was cancelled (QMP on ");
}

/* ---- HMP and raw passthrough ------------------------------------------- */

static void script_passthrough(fake *f)
{
    if (!fake_handshake(f))
        return;
    json_object *h = fake_recv(f);
    if (fake_expect(f, h, "human-monitor-command")) {
        json_object *args = json_object_object_get(h, "arguments");
        const char *cl = json_object_get_string(json_object_object_get(args, "command-line"));
        if (!cl || strcmp(cl, "info status") != 0)
            fake_fail(f, "HMP command line: %s", js(args));
        fake_reply(f, h, "\"VM status: paused (prelaunch)\\r\\n\"");
    }
    json_object *r = fake_recv(f);
    if (fake_expect(f, r, "query-name")) {
        json_object *id = json_object_object_get(r, "id");
        if (json_object_is_type(id, json_type_string))
            fake_fail(f, "the user's id went out: %s", js(r));
        if (!json_object_object_get(r, "arguments") ||
            json_object_get_int(
                json_object_object_get(json_object_object_get(r, "arguments"), "x")) != 5)
            fake_fail(f, "raw arguments lost: %s", js(r));
        fake_reply(f, r, "{\"name\": \"vm1\"}");
    }
    json_object *e = fake_recv(f);
    if (fake_expect(f, e, "bad")) {
        fake_sendf(f,
                   "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"no\"}, "
                   "\"id\": %s}\r\n",
                   json_object_to_json_string(json_object_object_get(e, "id")));
    }
    json_object *h2 = fake_recv(f);
    if (fake_expect(f, h2, "human-monitor-command"))
        fake_reply(f, h2, "{}");
    json_object_put(h);
    json_object_put(r);
    json_object_put(e);
    json_object_put(h2);
    fake_wait_eof(f);
}

static void ready_passthrough(ctx *c)
{
    lv_error err;
    assert_int_equal(lv_qmp_hmp(c->qmp, "info status", 0, on_text, (void *)1, &err), 0);
    assert_int_equal(lv_qmp_raw(c->qmp,
                                " {\"execute\": \"query-name\", \"id\": \"mine\", "
                                "\"arguments\": {\"x\": 5}}\n",
                                0, on_reply, (void *)2, &err),
                     0);
    assert_int_equal(lv_qmp_raw(c->qmp, "{\"execute\": \"bad\"}", 0, on_reply, (void *)3, &err), 0);
    assert_int_equal(lv_qmp_hmp(c->qmp, "info nothing", 0, on_text, (void *)4, &err), 0);

    /* refused at once, no callback */
    assert_int_equal(lv_qmp_raw(c->qmp, "{\"execute\": ", 0, on_reply, NULL, &err), -1);
    assert_message_has(&err, "not valid JSON");
    assert_int_equal(lv_qmp_raw(c->qmp, "{\"execute\": \"x\"} {}", 0, on_reply, NULL, &err), -1);
    assert_message_has(&err, "text after the value");
    assert_int_equal(lv_qmp_raw(c->qmp, "[1]", 0, on_reply, NULL, &err), -1);
    assert_message_has(&err, "must be a JSON object");
    assert_int_equal(lv_qmp_raw(c->qmp, "{\"arguments\": {}}", 0, on_reply, NULL, &err), -1);
    assert_message_has(&err, "\"execute\"");
    assert_int_equal(
        lv_qmp_raw(c->qmp, "{\"exec-oob\": \"migrate-pause\"}", 0, on_reply, NULL, &err), -1);
    assert_int_equal(err.code, LV_ERR_NO_SUPPORT);
    assert_int_equal(lv_qmp_command_text(c->qmp, "x", "{", 0, on_reply, NULL, &err), -1);
    assert_message_has(&err, "arguments of QMP command 'x' is not valid JSON");
    assert_int_equal(lv_qmp_command_text(c->qmp, "x", "[]", 0, on_reply, NULL, &err), -1);
    assert_int_equal(lv_qmp_command(c->qmp, "x", json_object_new_int(1), 0, on_reply, NULL, &err),
                     -1);
    assert_int_equal(err.code, LV_ERR_INVALID_ARG);
    assert_int_equal(lv_qmp_pending(c->qmp), 4);
    c->close_after = 4;
}

static void test_passthrough(void **state)
{
    ctx *c = *state;
    run_with(c, script_passthrough, ready_passthrough);
    assert_log(c, "connected\n"
                  "text 1 VM status: paused (prelaunch)\r\n\n"
                  "reply 2 {\"return\":{\"name\":\"vm1\"},\"id\":\"mine\"}\n"
                  "reply 3 {\"error\":{\"class\":\"CommandNotFound\",\"desc\":\"no\"}}\n"
                  "error 4 OPERATION_FAILED\n");
    assert_message_has(&c->last_err, "QMP command 'human-monitor-command' returned object where "
                                     "text was expected");
}

/* ---- connecting -------------------------------------------------------- */

static void script_silent(fake *f)
{
    /* accepts and says nothing: the greeting never comes */
    if (fake_accept(f))
        fake_wait_eof(f);
}

static void script_not_qmp(fake *f)
{
    if (fake_accept(f) && fake_send(f, "{\"hello\": \"world\"}\r\n"))
        fake_wait_eof(f);
}

static void script_caps_refused(fake *f)
{
    if (!fake_accept(f) || !fake_greet(f))
        return;
    json_object *r = fake_recv(f);
    if (fake_expect(f, r, "qmp_capabilities"))
        fake_sendf(f,
                   "{\"error\": {\"class\": \"GenericError\", \"desc\": \"nope\"}, \"id\": %s}\n",
                   json_object_to_json_string(json_object_object_get(r, "id")));
    json_object_put(r);
    fake_wait_eof(f);
}

static void connect_expect_failure(ctx *c, fake_script script, unsigned timeout, const char *needle)
{
    lv_strbuf_clear(&c->log);
    fake_start(&c->srv, script, c);
    lv_qmp_callbacks cbs = {.event = on_event, .closed = on_closed, .opaque = c};
    c->qmp = lv_qmp_new(&c->loop, &cbs);
    lv_error err;
    assert_int_equal(lv_qmp_connect(c->qmp, c->srv.path, timeout, on_connect, c, &err), 0);
    uv_run(&c->loop, UV_RUN_DEFAULT);
    fake_join(&c->srv);
    if (c->srv.failure[0])
        fail_msg("fake server: %s", c->srv.failure);
    assert_non_null(c->log.data);
    assert_true(strncmp(c->log.data, "connect-failed ", 15) == 0);
    assert_message_has(&c->last_err, needle);
    print_message("  %s\n", c->last_err.message);
}

static void test_connect_failures(void **state)
{
    ctx *c = *state;
    lv_error err;

    /* no such socket */
    c->qmp = lv_qmp_new(&c->loop, NULL);
    assert_int_equal(lv_qmp_connect(c->qmp, "/nonexistent/qmp.sock", 0, on_connect, c, &err), 0);
    uv_run(&c->loop, UV_RUN_DEFAULT);
    assert_log(c, "connect-failed SYSTEM\n");
    assert_int_equal(c->last_err.sys_errno, ENOENT);
    assert_message_has(&c->last_err, "QMP connection to /nonexistent/qmp.sock failed: connect: ");

    /* refused at once: path too long, no path, command before connect, connect twice */
    c->qmp = lv_qmp_new(&c->loop, NULL);
    char longpath[200];
    memset(longpath, 'x', sizeof(longpath) - 1);
    longpath[sizeof(longpath) - 1] = '\0';
    longpath[0] = '/';
    assert_int_equal(lv_qmp_connect(c->qmp, longpath, 0, on_connect, c, &err), -1);
    assert_message_has(&err, "is too long");
    assert_int_equal(lv_qmp_connect(c->qmp, "", 0, on_connect, c, &err), -1);
    assert_int_equal(lv_qmp_command(c->qmp, "x", NULL, 0, on_reply, NULL, &err), -1);
    assert_message_has(&err, "cannot send 'x': QMP connection to (not connected) is not ready");
    assert_null(lv_qmp_get_version(c->qmp));
    assert_string_equal(lv_qmp_get_path(c->qmp), "");
    lv_qmp_close(c->qmp); /* never connected: no callback at all */
    lv_qmp_close(NULL);
    uv_run(&c->loop, UV_RUN_DEFAULT);
    assert_log(c, "connect-failed SYSTEM\n");

    connect_expect_failure(c, script_silent, 100,
                           "timed out after 100 ms waiting for the greeting");
    assert_int_equal(c->last_err.code, LV_ERR_TIMEOUT);
    connect_expect_failure(c, script_not_qmp, 0, "expected the QMP greeting, got {\"hello\"");
    connect_expect_failure(c, script_caps_refused, 0,
                           "QMP command 'qmp_capabilities' failed: nope (GenericError)");
}

static void script_accept_only(fake *f)
{
    if (fake_accept(f))
        fake_wait_eof(f);
}

static void test_close_while_connecting(void **state)
{
    ctx *c = *state;
    fake_start(&c->srv, script_accept_only, c);
    c->qmp = lv_qmp_new(&c->loop, NULL);
    lv_error err;
    assert_int_equal(lv_qmp_connect(c->qmp, c->srv.path, 0, on_connect, c, &err), 0);
    assert_int_equal(lv_qmp_connect(c->qmp, c->srv.path, 0, on_connect, c, &err), -1);
    assert_message_has(&err, "already connected");
    lv_qmp_close(c->qmp);
    logf_(c, "close returned");
    uv_run(&c->loop, UV_RUN_DEFAULT);
    /* the server may or may not see the connection: unblock its accept */
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    memcpy(sa.sun_path, c->srv.path, strlen(c->srv.path) + 1);
    (void)connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    close(fd);
    fake_join(&c->srv);
    assert_log(c, "connect-failed CANCELLED\nclose returned\n");
}

static void test_connect_fd(void **state)
{
    ctx *c = *state;
    int fd = fake_start_pair(&c->srv, script_basic, c);
    lv_qmp_callbacks cbs = {.event = on_event, .closed = on_closed, .opaque = c};
    c->qmp = lv_qmp_new(&c->loop, &cbs);
    c->on_ready = ready_basic;
    c->expect_path = "guest vm1 monitor";
    lv_error err;
    assert_int_equal(lv_qmp_connect_fd(c->qmp, fd, "guest vm1 monitor", 1000, on_connect, c, &err),
                     0);
    uv_run(&c->loop, UV_RUN_DEFAULT);
    fake_join(&c->srv);
    if (c->srv.failure[0])
        fail_msg("fake server: %s", c->srv.failure);
    /* ready_basic compares the path with the fake's (empty in pair mode) */
    assert_true(strstr(c->log.data, "reply 2") != NULL);
}

/* ---- mutated and random streams ---------------------------------------- */

/* Whatever comes in, every callback runs exactly once and nothing crashes (run
 * this under -DLUVIRT_SANITIZE=ON). The peer's bytes are written up front into
 * a socketpair and its end closed, so no thread is needed. */
typedef struct fuzz {
    int connects;
    bool ok;
    int good_replies;
    int cmd_calls[3];
    int closed;
} fuzz;

static void fuzz_reply(lv_qmp *q, void *opaque, json_object *ret, const lv_error *err)
{
    (void)q;
    (void)ret;
    fuzz *z = cur->srv.data;
    z->cmd_calls[(intptr_t)opaque]++;
    if (!err)
        z->good_replies++;
}

static void fuzz_text(lv_qmp *q, void *opaque, const char *text, const lv_error *err)
{
    (void)text;
    fuzz_reply(q, opaque, NULL, err);
}

static void fuzz_event(lv_qmp *q, void *opaque, const char *name, json_object *data, int64_t sec,
                       int64_t usec)
{
    (void)q;
    (void)opaque;
    (void)data;
    (void)sec;
    (void)usec;
    assert_non_null(name);
}

static void fuzz_closed(lv_qmp *q, void *opaque, const lv_error *err)
{
    fuzz *z = opaque;
    assert_non_null(err);
    z->closed++;
    lv_qmp_close(q);
}

static void fuzz_connected(lv_qmp *q, void *opaque, const lv_error *err)
{
    fuzz *z = opaque;
    z->connects++;
    if (err) {
        lv_qmp_close(q);
        return;
    }
    z->ok = true;
    lv_error e;
    assert_int_equal(lv_qmp_command(q, "query-status", NULL, 0, fuzz_reply, (void *)1, &e), 0);
    assert_int_equal(lv_qmp_hmp(q, "info status", 0, fuzz_text, (void *)2, &e), 0);
}

static void test_fuzz(void **state)
{
    ctx *c = *state;
    static const char valid[] =
        "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, "
        "\"package\": \"\"}, \"capabilities\": [\"oob\"]}}\r\n"
        "{\"return\": {}, \"id\": 1}\r\n"
        "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"STOP\"}\r\n"
        "{\"return\": {\"status\": \"paused\", \"running\": false}, \"id\": 2}\r\n"
        "{\"event\": \"RESUME\", \"data\": {\"a\": [1, 2.5, null, true, \"\\u00e9\"]}}\r\n"
        "{\"return\": \"VM status: paused\\r\\n\", \"id\": 3}\r\n";
    srand(12345);
    int connected = 0, replied = 0;
    for (int iter = 0; iter < 1500; iter++) {
        char buf[1024];
        size_t len = sizeof(valid) - 1;
        memcpy(buf, valid, len);
        int mode = iter % 3;
        if (mode == 0) {
            /* a valid greeting, then random bytes */
            size_t keep = strcspn(valid, "\n") + 1;
            len = keep + (size_t)(rand() % 200);
            for (size_t i = keep; i < len; i++)
                buf[i] = (char)(rand() % 256);
        } else {
            /* the valid stream with a few bytes flipped, dropped or doubled */
            int edits = 1 + rand() % 4;
            for (int k = 0; k < edits && len > 2; k++) {
                size_t at = (size_t)rand() % len;
                switch (rand() % 3) {
                case 0:
                    buf[at] = (char)(rand() % 256);
                    break;
                case 1:
                    memmove(buf + at, buf + at + 1, len - at - 1);
                    len--;
                    break;
                default:
                    if (len < sizeof(buf)) {
                        memmove(buf + at + 1, buf + at, len - at);
                        len++;
                    }
                }
            }
            if (mode == 2)
                len = (size_t)rand() % (len + 1); /* and cut short */
        }
        int sv[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        assert_int_equal(write(sv[1], buf, len), (ssize_t)len);
        shutdown(sv[1], SHUT_WR); /* EOF after the bytes; the client may still write */

        fuzz z = {0};
        c->srv.data = &z;
        lv_qmp_callbacks cbs = {.event = fuzz_event, .closed = fuzz_closed, .opaque = &z};
        lv_qmp *q = lv_qmp_new(&c->loop, &cbs);
        lv_qmp_set_max_message(q, 512);
        lv_error err;
        assert_int_equal(lv_qmp_connect_fd(q, sv[0], "fuzz", 2000, fuzz_connected, &z, &err), 0);
        uv_run(&c->loop, UV_RUN_DEFAULT);
        close(sv[1]);
        assert_int_equal(z.connects, 1);
        /* connected: both commands end once, then the drop is reported once */
        assert_int_equal(z.cmd_calls[1], z.ok);
        assert_int_equal(z.cmd_calls[2], z.ok);
        assert_int_equal(z.closed, z.ok);
        connected += z.ok;
        replied += z.good_replies;
    }
    print_message("  1500 streams: %d connected, %d good replies\n", connected, replied);
    assert_true(connected > 100 && replied > 100);
}

/* ---- a real qemu-system-x86_64 ------------------------------------------ */

typedef struct real {
    ctx *c;
    uv_process_t proc;
    bool proc_open;
    bool exited;
    int64_t exit_status;
    int term_signal;
    uv_timer_t retry;
    int attempts;
    lv_qmp *qmp;
    char dir[64];
    char path[128];
} real;

static char *find_qemu(void)
{
    const char *env = getenv("LUVIRT_TEST_QEMU");
    if (env && *env)
        return access(env, X_OK) == 0 ? lv_strdup(env) : NULL;
    const char *path = getenv("PATH");
    char *copy = lv_strdup(path ? path : "/usr/bin:/bin");
    char *found = NULL, *save = NULL;
    for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        char *cand = lv_asprintf("%s/qemu-system-x86_64", d);
        if (access(cand, X_OK) == 0)
            found = cand;
        else
            free(cand);
    }
    free(copy);
    return found;
}

static void real_try_connect(real *r);

static void real_closed(lv_qmp *q, void *opaque, const lv_error *err)
{
    real *r = opaque;
    /* a plain EOF: qemu read everything we sent before it exited */
    char want[256];
    snprintf(want, sizeof(want), "QMP connection to %s ended: qemu closed the socket", r->path);
    logf_(r->c, "closed: %s", strcmp(err->message, want) == 0 ? "by qemu" : err->message);
    lv_qmp_close(q);
    r->qmp = NULL;
}

static void real_quit(lv_qmp *q, void *opaque, json_object *ret, const lv_error *err)
{
    (void)q;
    real *r = opaque;
    /* qemu answers quit before it closes; a close first is fine too */
    if (err && !strstr(err->message, "closed while waiting for 'quit'"))
        fail_msg("quit: %s", err->message);
    logf_(r->c, "quit %s", err ? "closed" : js(ret));
}

static void real_event(lv_qmp *q, void *opaque, const char *name, json_object *data, int64_t sec,
                       int64_t usec)
{
    (void)q;
    (void)data;
    real *r = opaque;
    assert_true(sec > 0 && usec >= 0);
    logf_(r->c, "event %s", name);
}

static void real_nosuch(lv_qmp *q, void *opaque, json_object *ret, const lv_error *err)
{
    real *r = opaque;
    if (!err)
        fail_msg("query-nothing succeeded: %s", js(ret));
    logf_(r->c, "nosuch %s %s", lv_error_code_name(err->code),
          json_object_get_string(json_object_object_get(ret, "class")));
    lv_error e;
    if (lv_qmp_command(q, "quit", NULL, 5000, real_quit, r, &e) < 0)
        fail_msg("quit: %s", e.message);
}

static void real_schema(lv_qmp *q, void *opaque, json_object *ret, const lv_error *err)
{
    real *r = opaque;
    if (err)
        fail_msg("query-qmp-schema: %s", err->message);
    /* a big reply (hundreds of KiB): read in many pieces */
    size_t n = json_object_array_length(ret);
    size_t bytes = strlen(json_object_to_json_string_ext(ret, JSON_C_TO_STRING_PLAIN));
    print_message("  query-qmp-schema: %zu entries, %zu bytes\n", n, bytes);
    logf_(r->c, "schema %s", n > 100 && bytes > 64 * 1024 ? "big" : "small");
    lv_error e;
    if (lv_qmp_command(q, "query-nothing", NULL, 5000, real_nosuch, r, &e) < 0)
        fail_msg("query-nothing: %s", e.message);
}

static void real_raw(lv_qmp *q, void *opaque, json_object *reply, const lv_error *err)
{
    real *r = opaque;
    if (err)
        fail_msg("raw query-status: %s", err->message);
    json_object *ret = json_object_object_get(reply, "return");
    logf_(r->c, "raw status %s id %s",
          json_object_get_string(json_object_object_get(ret, "status")),
          js(json_object_object_get(reply, "id")));
    lv_error e;
    if (lv_qmp_command(q, "query-qmp-schema", NULL, 5000, real_schema, r, &e) < 0)
        fail_msg("query-qmp-schema: %s", e.message);
}

static void real_cont(lv_qmp *q, void *opaque, json_object *ret, const lv_error *err)
{
    real *r = opaque;
    if (err)
        fail_msg("cont: %s", err->message);
    logf_(r->c, "cont %s", js(ret));
    lv_error e;
    if (lv_qmp_raw(q, "{\"execute\": \"query-status\", \"id\": \"mine\"}", 5000, real_raw, r, &e) <
        0)
        fail_msg("raw: %s", e.message);
}

static void real_hmp(lv_qmp *q, void *opaque, const char *text, const lv_error *err)
{
    real *r = opaque;
    if (err)
        fail_msg("info status: %s", err->message);
    logf_(r->c, "hmp %s", strstr(text, "paused (prelaunch)") ? "paused (prelaunch)" : text);
    lv_error e;
    /* qemu sends RESUME before cont's reply: the client must sort that out */
    if (lv_qmp_command(q, "cont", NULL, 5000, real_cont, r, &e) < 0)
        fail_msg("cont: %s", e.message);
}

static void real_status(lv_qmp *q, void *opaque, json_object *ret, const lv_error *err)
{
    real *r = opaque;
    if (err)
        fail_msg("query-status: %s", err->message);
    logf_(r->c, "status %s", json_object_get_string(json_object_object_get(ret, "status")));
    lv_error e;
    if (lv_qmp_hmp(q, "info status", 5000, real_hmp, r, &e) < 0)
        fail_msg("info status: %s", e.message);
}

static void real_version(lv_qmp *q, void *opaque, json_object *ret, const lv_error *err)
{
    real *r = opaque;
    if (err)
        fail_msg("query-version: %s", err->message);
    const lv_qmp_version *v = lv_qmp_get_version(q);
    json_object *qv = json_object_object_get(ret, "qemu");
    assert_int_equal(json_object_get_int(json_object_object_get(qv, "major")), v->major);
    assert_int_equal(json_object_get_int(json_object_object_get(qv, "minor")), v->minor);
    assert_int_equal(json_object_get_int(json_object_object_get(qv, "micro")), v->micro);
    logf_(r->c, "version matches the greeting");
    print_message("  qemu %d.%d.%d (%s)\n", v->major, v->minor, v->micro, v->package);
    lv_error e;
    if (lv_qmp_command(q, "query-status", NULL, 5000, real_status, r, &e) < 0)
        fail_msg("query-status: %s", e.message);
}

static void real_retry_cb(uv_timer_t *t)
{
    real_try_connect(t->data);
}

static void real_connected(lv_qmp *q, void *opaque, const lv_error *err)
{
    real *r = opaque;
    if (err) {
        /* the socket is not there yet: try again shortly */
        lv_qmp_close(q);
        r->qmp = NULL;
        if (r->exited || ++r->attempts > 250)
            fail_msg("cannot connect to qemu's QMP socket: %s", err->message);
        uv_timer_start(&r->retry, real_retry_cb, 20, 0);
        return;
    }
    uv_close((uv_handle_t *)&r->retry, NULL);
    logf_(r->c, "connected after %s", r->attempts ? "retries" : "no retry");
    lv_error e;
    if (lv_qmp_command(q, "query-version", NULL, 5000, real_version, r, &e) < 0)
        fail_msg("query-version: %s", e.message);
}

static void real_try_connect(real *r)
{
    lv_qmp_callbacks cbs = {.event = real_event, .closed = real_closed, .opaque = r};
    r->qmp = lv_qmp_new(&r->c->loop, &cbs);
    lv_error e;
    if (lv_qmp_connect(r->qmp, r->path, 5000, real_connected, r, &e) < 0)
        fail_msg("connect: %s", e.message);
}

static void real_exit(uv_process_t *p, int64_t status, int sig)
{
    real *r = p->data;
    r->exited = true;
    r->exit_status = status;
    r->term_signal = sig;
    uv_close((uv_handle_t *)p, NULL);
}

static void test_real_qemu(void **state)
{
    ctx *c = *state;
    char *qemu = find_qemu();
    if (!qemu) {
        const char *env = getenv("LUVIRT_TEST_QEMU");
        if (env && *env)
            print_message("  skipped: LUVIRT_TEST_QEMU=%s is not executable\n", env);
        else
            print_message("  skipped: qemu-system-x86_64 is not installed (apt-get install "
                          "qemu-system-x86), or set LUVIRT_TEST_QEMU\n");
        skip();
    }
    real *r = LV_NEW(real);
    r->c = c;
    snprintf(r->dir, sizeof(r->dir), "/tmp/lvqmp-real-XXXXXX");
    assert_non_null(mkdtemp(r->dir));
    snprintf(r->path, sizeof(r->path), "%s/qmp.sock", r->dir);
    char *qmparg = lv_asprintf("unix:%s,server=on,wait=off", r->path);
    char *args[] = {qemu,       "-S",   "-nodefaults", "-no-user-config",
                    "-display", "none", "-machine",    "none",
                    "-qmp",     qmparg, NULL};
    uv_stdio_container_t stdio[3] = {{.flags = UV_IGNORE},
                                     {.flags = UV_INHERIT_FD, .data.fd = 1},
                                     {.flags = UV_INHERIT_FD, .data.fd = 2}};
    uv_process_options_t opts = {
        .file = qemu, .args = args, .exit_cb = real_exit, .stdio_count = 3, .stdio = stdio};
    r->proc.data = r;
    int rc = uv_spawn(&c->loop, &r->proc, &opts);
    if (rc < 0)
        fail_msg("cannot start %s: %s", qemu, uv_strerror(rc));
    uv_timer_init(&c->loop, &r->retry);
    r->retry.data = r;
    real_try_connect(r);
    uv_run(&c->loop, UV_RUN_DEFAULT);

    unlink(r->path);
    rmdir(r->dir);
    assert_true(r->exited);
    assert_int_equal(r->exit_status, 0);
    assert_int_equal(r->term_signal, 0);
    const char *got = c->log.data ? c->log.data : "";
    const char *tail = "version matches the greeting\n"
                       "status prelaunch\n"
                       "hmp paused (prelaunch)\n"
                       "event RESUME\n"
                       "cont {}\n"
                       "raw status running id \"mine\"\n"
                       "schema big\n"
                       "nosuch NO_SUPPORT CommandNotFound\n"
                       "event SHUTDOWN\n"
                       "quit {}\n"
                       "closed: by qemu\n";
    if (!strstr(got, tail) || strncmp(got, "connected after ", 16) != 0)
        fail_msg("log:\n%s", got);
    free(qmparg);
    free(qemu);
    free(r);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_command_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drop_mid_command, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drop_error_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drop_message, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drop_close_in_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_in_event, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_after_drop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversized, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversized_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipelined, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_in_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_with_pending, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passthrough, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connect_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_while_connecting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connect_fd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fuzz, setup, teardown),
        cmocka_unit_test_setup_teardown(test_real_qemu, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
