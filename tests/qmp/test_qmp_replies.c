/* The QMP client against the fake server: a command and its reply, replies out
 * of order, events anywhere, errors, dropped connections, oversized and garbage
 * messages, mutated and random streams. */
#include "test_qmp.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/alloc.h"

/* ---- a command and its reply -------------------------------------------- */

void script_basic(fake *f)
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

void ready_basic(ctx *c)
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

void test_command_reply(void **state)
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

void ready_three(ctx *c)
{
    send_cmd(c, 1, "a", NULL, 0);
    send_cmd(c, 2, "b", "{}", 0);
    send_cmd(c, 3, "c", " {\"x\": [1, 2]} ", 0);
    c->close_after = 3;
}

void test_out_of_order(void **state)
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

void test_events(void **state)
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

void test_error_reply(void **state)
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

void test_drop_mid_command(void **state)
{
    ctx *c = *state;
    run_with(c, script_drop, ready_one_status);
    /* the pending command learns first, then the owner */
    assert_log(c, "connected\nerror 1 OPERATION_FAILED\nclosed OPERATION_FAILED\n");
    assert_message_has(&c->last_err, "QMP connection to ");
    assert_message_has(&c->last_err, "qemu closed the socket");
}

void test_drop_error_text(void **state)
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
void test_drop_close_in_callback(void **state)
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

void test_close_after_drop(void **state)
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

void test_close_in_event(void **state)
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

void test_drop_message(void **state)
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

void test_oversized(void **state)
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

void test_oversized_default(void **state)
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

void test_garbage(void **state)
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

void test_fuzz(void **state)
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
