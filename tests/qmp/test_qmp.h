/* Shared by the pieces of test_qmp: the context of a test, the callbacks that
 * log, the fake server's runner, the fixtures more than one file uses. */
#ifndef LV_TEST_QMP_H
#define LV_TEST_QMP_H

#include "../unit/unit_helpers.h"

#include <stdbool.h>

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

extern ctx *cur; /* the running test's context, for the scripts' data */

/* ---- test_qmp.c: the harness ----------------------------------------------------------------- */

void logf_(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *js(json_object *o);
void on_reply(lv_qmp *q, void *opaque, json_object *ret, const lv_error *err);
void on_text(lv_qmp *q, void *opaque, const char *text, const lv_error *err);
void on_event(lv_qmp *q, void *opaque, const char *name, json_object *data, int64_t sec,
              int64_t usec);
void on_closed(lv_qmp *q, void *opaque, const lv_error *err);
void on_connect(lv_qmp *q, void *opaque, const lv_error *err);
int setup(void **state);
int teardown(void **state);
void run_with(ctx *c, fake_script script, void (*on_ready)(ctx *c));
void send_cmd(ctx *c, int tag, const char *cmd, const char *args, unsigned timeout);
void assert_log(ctx *c, const char *expected);

/* ---- test_qmp_replies.c: fixtures and tests -------------------------------------------------- */

void script_basic(fake *f);
void ready_basic(ctx *c);
void test_command_reply(void **state);
void ready_three(ctx *c);
void test_out_of_order(void **state);
void test_events(void **state);
void test_error_reply(void **state);
void test_drop_mid_command(void **state);
void test_drop_error_text(void **state);
void test_drop_close_in_callback(void **state);
void test_close_after_drop(void **state);
void test_close_in_event(void **state);
void test_drop_message(void **state);
void test_oversized(void **state);
void test_oversized_default(void **state);
void test_garbage(void **state);
void test_fuzz(void **state);

/* ---- test_qmp_flow.c: tests ------------------------------------------------------------------ */

void test_pipelined(void **state);
void test_timeout(void **state);
void test_close_in_callback(void **state);
void test_close_with_pending(void **state);
void test_cancel(void **state);
void test_passthrough(void **state);
void test_connect_failures(void **state);
void test_close_while_connecting(void **state);
void test_connect_fd(void **state);

/* ---- test_qmp_real.c: tests ------------------------------------------------------------------ */

void test_real_qemu(void **state);

#endif
