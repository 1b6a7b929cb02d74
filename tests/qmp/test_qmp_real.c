/* The QMP client against a real qemu-system-x86_64 (skipped when there is none). */
#include "test_qmp.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/alloc.h"

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

void test_real_qemu(void **state)
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
