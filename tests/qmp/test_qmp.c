/* The QMP client against a scripted fake server, and once against a real
 * qemu-system-x86_64 when there is one. Each callback appends a line to a log;
 * the tests compare whole logs, so order matters and nothing extra slips by.
 *
 * test_qmp.c holds the harness and the list; the tests are in test_qmp_replies.c
 * (a command and its reply, events, errors, broken and random streams),
 * test_qmp_flow.c (many at once, timeouts, closing from callbacks, cancel,
 * passthrough, connecting) and test_qmp_real.c (a real qemu). */
#include "test_qmp.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/alloc.h"

ctx *cur;

void logf_(ctx *c, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    lv_strbuf_add(&c->log, line);
    lv_strbuf_add(&c->log, "\n");
}

const char *js(json_object *o)
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

void on_reply(lv_qmp *q, void *opaque, json_object *ret, const lv_error *err)
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

void on_text(lv_qmp *q, void *opaque, const char *text, const lv_error *err)
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

void on_event(lv_qmp *q, void *opaque, const char *name, json_object *data, int64_t sec,
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

void on_closed(lv_qmp *q, void *opaque, const lv_error *err)
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

void on_connect(lv_qmp *q, void *opaque, const lv_error *err)
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

int setup(void **state)
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

int teardown(void **state)
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
void run_with(ctx *c, fake_script script, void (*on_ready)(ctx *c))
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

void send_cmd(ctx *c, int tag, const char *cmd, const char *args, unsigned timeout)
{
    lv_error err;
    c->in_call = true;
    int r = lv_qmp_command_text(c->qmp, cmd, args, timeout, on_reply, (void *)(intptr_t)tag, &err);
    c->in_call = false;
    if (r < 0)
        fail_msg("lv_qmp_command_text(%s): %s", cmd, err.message);
}

void assert_log(ctx *c, const char *expected)
{
    const char *got = c->log.data ? c->log.data : "";
    if (strcmp(got, expected) != 0)
        fail_msg("log differs.\n--- expected\n%s--- got\n%s", expected, got);
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
