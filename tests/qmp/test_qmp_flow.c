/* The QMP client against the fake server: many commands at once, timeouts,
 * closing from callbacks, cancel, HMP and raw passthrough, connecting. */
#include "test_qmp.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/alloc.h"

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

void test_pipelined(void **state)
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

void test_timeout(void **state)
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

void test_close_in_callback(void **state)
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

void test_close_with_pending(void **state)
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

void test_cancel(void **state)
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

void test_passthrough(void **state)
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

void test_connect_failures(void **state)
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

void test_close_while_connecting(void **state)
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

void test_connect_fd(void **state)
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
