/* Integration: the domain API beyond the lifecycle on a real guest (the test
 * guest of tests/guest/, TCG) over qemu:///embed?root=TMP, through the lv_*
 * entry points: stats (domstats, dommemstat, domblkinfo), QMP passthrough,
 * shutdown with a timeout the guest misses, lifecycle events (this process's
 * operations and another process's), the serial console.
 * One guest at a time. Skips (77) without the guest or qemu. */
#include "qemu_test_helpers.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/files.h"

extern char **environ;

static char root[128];
static char uri[256];
static char kernel[1024], initrd[1024];

#define BOOT_TIMEOUT_MS 90000

static double now_ms(void)
{
    return (double)uv_hrtime() / 1e6;
}

static char *guest_xml(const char *name, const char *disk)
{
    static char buf[4096];
    snprintf(buf, sizeof(buf),
             "<domain type='qemu'><name>%s</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>"
             "<os><type arch='x86_64'>hvm</type><kernel>%s</kernel><initrd>%s</initrd>"
             "<cmdline>console=ttyS0 quiet</cmdline></os><features><acpi/></features>"
             "<devices><disk type='file' device='disk'><driver name='qemu' type='raw'/>"
             "<source file='%s'/><target dev='vda' bus='virtio'/></disk>"
             "<serial type='pty'><target port='0'/></serial>"
             "<console type='pty'><target type='serial' port='0'/></console>"
             "<memballoon model='virtio'><stats period='1'/></memballoon></devices>"
             "</domain>",
             name, kernel, initrd, disk);
    return buf;
}

static int count_in_file(const char *path, const char *needle)
{
    char *text = NULL;
    size_t len;
    if (lv_file_read_all(path, &text, &len, NULL) < 0)
        return 0;
    int n = 0;
    for (char *p = text; (p = memmem(p, len - (size_t)(p - text), needle, strlen(needle)));
         p += strlen(needle))
        n++;
    free(text);
    return n;
}

static void wait_ready(const char *name, int count)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/log/%s.console.log", root, name);
    double t0 = now_ms();
    while (count_in_file(path, "LUVIRT-GUEST-READY") < count) {
        if (now_ms() - t0 > BOOT_TIMEOUT_MS)
            fail_msg("no ready line from '%s' within %d s", name, BOOT_TIMEOUT_MS / 1000);
        usleep(50000);
    }
}

static void params_cb(void *opaque, lv_params *params, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    r->str = (char *)params; /* carried in str; freed by the caller */
}

typedef void (*params_fn)(lv_conn *c, const unsigned char *uuid, unsigned flags,
                          lv_params_cb cb, void *opaque);

static int get_stats(lv_conn *c, const unsigned char *uuid, unsigned groups, lv_params **out)
{
    result r = {0};
    lv_domain_get_stats(c, uuid, groups, params_cb, &r);
    int ret = finish(&r);
    *out = (lv_params *)r.str;
    return ret;
}

static int memory_stats(lv_conn *c, const unsigned char *uuid, lv_params **out)
{
    result r = {0};
    lv_domain_memory_stats(c, uuid, 0, params_cb, &r);
    int ret = finish(&r);
    *out = (lv_params *)r.str;
    return ret;
}

static int block_info(lv_conn *c, const unsigned char *uuid, const char *disk, lv_params **out)
{
    result r = {0};
    lv_domain_block_info(c, uuid, disk, 0, params_cb, &r);
    int ret = finish(&r);
    *out = (lv_params *)r.str;
    return ret;
}

static uint64_t uval(const lv_params *p, const char *key)
{
    const lv_param *it = lv_params_get(p, key);
    if (!it)
        fail_msg("no '%s' in the stats", key);
    return it->type == LV_PARAM_INT ? (uint64_t)it->i : it->u;
}

static const char *sval(const lv_params *p, const char *key)
{
    const lv_param *it = lv_params_get(p, key);
    if (!it || it->type != LV_PARAM_STRING)
        fail_msg("no string '%s' in the stats", key);
    return it->s;
}

static int monitor_command(lv_conn *c, const unsigned char *uuid, const char *cmd,
                           unsigned flags, char **out)
{
    result r = {0};
    lv_domain_qemu_monitor_command(c, uuid, cmd, flags, string_cb, &r);
    int ret = finish(&r);
    *out = r.str;
    return ret;
}

static void test_stats(void **state)
{
    (void)state;
    char disk[256];
    snprintf(disk, sizeof(disk), "%s/d.raw", root);
    int fd = open(disk, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 8 << 20), 0);
    close(fd);

    lv_conn *c = open_ok(uri);
    lv_domain_info *info = NULL;
    assert_ok(define(c, guest_xml("s1", disk), &info));
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);

    /* Shut off: state only; block info from the image; no memory stats. */
    lv_params *p = NULL;
    assert_ok(get_stats(c, uuid, 0, &p));
    assert_int_equal(uval(p, "state.state"), LV_DOMAIN_SHUTOFF);
    assert_null(lv_params_get(p, "cpu.time"));
    lv_params_free(p);
    assert_ok(block_info(c, uuid, "vda", &p));
    assert_int_equal(uval(p, "capacity"), 8 << 20);
    lv_params_free(p);
    assert_fails(memory_stats(c, uuid, &p), LV_ERR_OPERATION_INVALID, "not running");
    assert_fails(block_info(c, uuid, "vdz", &p), LV_ERR_INVALID_ARG, "vdz");
    char *text = NULL;
    assert_fails(monitor_command(c, uuid, "{\"execute\": \"query-status\"}", 0, &text),
                 LV_ERR_OPERATION_INVALID, "not running");

    assert_ok(op(lv_domain_start, c, uuid, 0));
    wait_ready("s1", 1);

    assert_ok(get_stats(c, uuid, 0, &p));
    assert_int_equal(uval(p, "state.state"), LV_DOMAIN_RUNNING);
    assert_true(uval(p, "cpu.time") > 0);
    assert_true(uval(p, "cpu.time") >= uval(p, "cpu.user"));
    assert_int_equal(uval(p, "balloon.current"), 131072);
    assert_int_equal(uval(p, "balloon.maximum"), 131072);
    assert_true(uval(p, "balloon.rss") > 0);
    assert_int_equal(uval(p, "vcpu.current"), 1);
    assert_int_equal(uval(p, "vcpu.maximum"), 1);
    assert_int_equal(uval(p, "vcpu.0.state"), 1);
    assert_true(uval(p, "vcpu.0.time") > 0);
    assert_int_equal(uval(p, "net.count"), 0);
    assert_int_equal(uval(p, "block.count"), 1);
    assert_string_equal(sval(p, "block.0.name"), "vda");
    assert_string_equal(sval(p, "block.0.path"), disk);
    (void)uval(p, "block.0.rd.reqs");
    (void)uval(p, "block.0.wr.bytes");
    assert_int_equal(uval(p, "block.0.capacity"), 8 << 20);
    assert_int_equal(uval(p, "block.0.physical"), 8 << 20);
    lv_params_free(p);

    assert_ok(get_stats(c, uuid, LV_STATS_STATE | LV_STATS_VCPU, &p));
    assert_non_null(lv_params_get(p, "vcpu.current"));
    assert_null(lv_params_get(p, "block.count"));
    assert_null(lv_params_get(p, "balloon.current"));
    lv_params_free(p);

    assert_ok(memory_stats(c, uuid, &p));
    assert_int_equal(uval(p, "actual"), 131072);
    assert_true(uval(p, "rss") > 0);
    lv_params_free(p);
    assert_ok(block_info(c, uuid, disk, &p));
    assert_int_equal(uval(p, "capacity"), 8 << 20);
    assert_int_equal(uval(p, "physical"), 8 << 20);
    lv_params_free(p);

    assert_ok(monitor_command(c, uuid, "{\"execute\": \"query-status\"}", 0, &text));
    assert_non_null(strstr(text, "\"running\""));
    free(text);

    /* Read-only connections cannot reach the monitor. */
    lv_conn *ro = NULL;
    assert_ok(conn_open(uri, LV_CONNECT_READONLY, &ro));
    assert_fails(monitor_command(ro, uuid, "{\"execute\": \"query-status\"}", 0, &text),
                 LV_ERR_READ_ONLY, "read-only");
    assert_ok(get_stats(ro, uuid, LV_STATS_STATE, &p));
    lv_params_free(p);
    lv_conn_close(ro);

    /* A guest that ignores the power button (paused: its CPUs do not run). */
    assert_ok(op(lv_domain_suspend, c, uuid, 0));
    assert_fails(op(lv_domain_shutdown, c, uuid, LV_SHUTDOWN_WAIT | LV_SHUTDOWN_TIMEOUT(1)),
                 LV_ERR_OPERATION_INVALID, "paused");
    assert_ok(op(lv_domain_resume, c, uuid, 0));
    /* The monitor's status write for the STOP may land after the resume. */
    for (int i = 0; i < 400 && state_of(c, "s1", NULL) != LV_DOMAIN_RUNNING; i++)
        usleep(5000);
    assert_ok(op(lv_domain_shutdown, c, uuid, LV_SHUTDOWN_WAIT | LV_SHUTDOWN_TIMEOUT(60)));
    assert_int_equal(state_of(c, "s1", NULL), LV_DOMAIN_SHUTOFF);
    lv_conn_close(c);
}

/* ---- events ------------------------------------------------------------- */

typedef struct ev_log {
    char text[4096];
} ev_log;

static void on_event(void *opaque, lv_conn *conn, const lv_domain_info *dom, int event,
                     int detail)
{
    (void)conn;
    ev_log *log = opaque;
    size_t len = strlen(log->text);
    snprintf(log->text + len, sizeof(log->text) - len, "%s %s/%s; ", dom->name,
             lv_event_string(event), lv_event_detail_string(event, detail));
}

/* Runs the loop until the log holds needle. */
static void wait_event(ev_log *log, const char *needle, unsigned ms)
{
    double t0 = now_ms();
    while (!strstr(log->text, needle)) {
        if (now_ms() - t0 > ms)
            fail_msg("no event '%s' within %u ms; got: %s", needle, ms, log->text);
        uv_run(&loop, UV_RUN_NOWAIT);
        usleep(2000);
    }
}

/* `luvirt -c URI a1 a2`: another process. */
static int run_luvirt(const char *a1, const char *a2)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    char *argv[] = {(char *)LUVIRT_BIN, "-c", uri, (char *)a1, (char *)a2, NULL};
    pid_t pid;
    assert_int_equal(posix_spawn(&pid, LUVIRT_BIN, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_events(void **state)
{
    (void)state;
    char disk[256];
    snprintf(disk, sizeof(disk), "%s/e.raw", root);
    int fd = open(disk, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0 && ftruncate(fd, 1 << 20) == 0);
    close(fd);
    lv_conn *c = open_ok(uri);
    static ev_log log; /* static: a failed test leaves the handler behind */
    memset(&log, 0, sizeof(log));
    lv_conn_set_domain_event_handler(c, on_event, &log);
    lv_domain_info *info = NULL;
    assert_ok(define(c, guest_xml("e1", disk), &info));
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
    wait_event(&log, "e1 defined/added;", 2000);

    /* Its own operations. */
    assert_ok(op(lv_domain_start, c, uuid, 0));
    wait_event(&log, "e1 started/booted;", 2000);
    wait_ready("e1", 1);
    assert_ok(op(lv_domain_suspend, c, uuid, 0));
    wait_event(&log, "e1 suspended/paused;", 2000);
    assert_ok(op(lv_domain_resume, c, uuid, 0));
    wait_event(&log, "e1 resumed/unpaused;", 2000);

    /* Another process's. Its view comes from the status file, which the
     * monitor process rewrites on qemu's RESUME event: wait for that. */
    lv_conn *c2 = open_ok(uri);
    for (int i = 0; i < 400 && state_of(c2, "e1", NULL) != LV_DOMAIN_RUNNING; i++)
        usleep(5000);
    lv_conn_close(c2);
    log.text[0] = '\0';
    assert_int_equal(run_luvirt("suspend", "e1"), 0);
    wait_event(&log, "e1 suspended/paused;", 3000);
    assert_int_equal(run_luvirt("resume", "e1"), 0);
    wait_event(&log, "e1 resumed/unpaused;", 3000);
    c2 = open_ok(uri);
    for (int i = 0; i < 400 && state_of(c2, "e1", NULL) != LV_DOMAIN_RUNNING; i++)
        usleep(5000);
    lv_conn_close(c2);
    assert_int_equal(run_luvirt("shutdown", "e1"), 0);
    wait_event(&log, "e1 shutdown/finished; e1 stopped/shutdown;", 20000);
    assert_int_equal(state_of(c, "e1", NULL), LV_DOMAIN_SHUTOFF);

    log.text[0] = '\0';
    assert_int_equal(run_luvirt("start", "e1"), 0);
    wait_event(&log, "e1 started/booted;", 3000);
    assert_int_equal(run_luvirt("destroy", "e1"), 0);
    wait_event(&log, "e1 stopped/destroyed;", 3000);
    assert_int_equal(run_luvirt("undefine", "e1"), 0);
    wait_event(&log, "e1 undefined/removed;", 3000);

    /* No handler, no watcher: nothing of the connection holds the loop. */
    lv_conn_set_domain_event_handler(c, NULL, NULL);
    for (int i = 0; i < 10; i++)
        uv_run(&loop, UV_RUN_NOWAIT);
    assert_false(uv_loop_alive(&loop));
    lv_conn_close(c);
}

/* ---- console ------------------------------------------------------------ */

typedef struct child {
    pid_t pid;
    int in; /* its stdin, ours to write */
    char out[300];
} child;

/* `luvirt SCRIPT` attaching to the console of c1 with opts (a Lua table text);
 * it prints what dom:console returned at the end. */
static void console_child(child *ch, const char *opts, int n)
{
    char script[300];
    snprintf(script, sizeof(script), "%s/console%d.lua", root, n);
    char text[1024];
    snprintf(text, sizeof(text),
             "local luvirt = require 'luvirt'\n"
             "local conn = assert(luvirt.open(os.getenv('LV_TEST_URI')))\n"
             "local dom = assert(conn:domain('c1'))\n"
             "print('RESULT', dom:console(%s))\n",
             opts);
    assert_int_equal(lv_file_write_atomic(script, text, strlen(text), 0600, NULL), 0);
    snprintf(ch->out, sizeof(ch->out), "%s/console%d.out", root, n);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    posix_spawn_file_actions_addopen(&fa, 1, ch->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    char *argv[] = {(char *)LUVIRT_BIN, script, NULL};
    setenv("LV_TEST_URI", uri, 1);
    assert_int_equal(posix_spawn(&ch->pid, LUVIRT_BIN, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[0]);
    ch->in = fds[1];
}

static int child_wait(child *ch, unsigned ms)
{
    double t0 = now_ms();
    int status;
    while (waitpid(ch->pid, &status, WNOHANG) == 0) {
        if (now_ms() - t0 > ms) {
            kill(ch->pid, SIGKILL);
            waitpid(ch->pid, &status, 0);
            fail_msg("the console client did not end within %u ms", ms);
        }
        usleep(10000);
    }
    if (ch->in >= 0)
        close(ch->in);
    ch->in = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static char *child_output(const child *ch)
{
    static char buf[65536];
    char *text = NULL;
    size_t len;
    buf[0] = '\0';
    if (lv_file_read_all(ch->out, &text, &len, NULL) == 0) {
        snprintf(buf, sizeof(buf), "%s", text);
        free(text);
    }
    return buf;
}

static void wait_output(const child *ch, const char *needle, unsigned ms)
{
    double t0 = now_ms();
    while (!strstr(child_output(ch), needle)) {
        if (now_ms() - t0 > ms)
            fail_msg("no '%s' from the console client within %u ms: %s", needle, ms,
                     child_output(ch));
        usleep(20000);
    }
}

static void test_console(void **state)
{
    (void)state;
    char disk[256];
    snprintf(disk, sizeof(disk), "%s/c.raw", root);
    int fd = open(disk, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0 && ftruncate(fd, 1 << 20) == 0);
    close(fd);
    lv_conn *c = open_ok(uri);
    lv_domain_info *info = NULL;
    assert_ok(define(c, guest_xml("c1", disk), &info));
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
    assert_ok(op(lv_domain_start, c, uuid, 0));
    wait_ready("c1", 1);

    /* Typed through a pipe: the shell's answer comes back; EOF ends it. */
    child a = {0};
    console_child(&a, "", 1);
    const char *cmd = "echo hel''lo-from-console\n";
    assert_int_equal(write(a.in, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
    close(a.in);
    a.in = -1;
    assert_int_equal(child_wait(&a, 20000), 0);
    char *out = child_output(&a);
    assert_non_null(strstr(out, "hello-from-console"));
    assert_non_null(strstr(out, "RESULT\ttrue"));

    /* One client at a time; force takes over (SIGTERM to the holder), the
     * escape character leaves. */
    child b = {0}, d = {0}, e = {0};
    console_child(&b, "", 2);
    char lockpath[300];
    snprintf(lockpath, sizeof(lockpath), "%s/run/c1.console.lock", root);
    char pidtext[32];
    snprintf(pidtext, sizeof(pidtext), "%d\n", (int)b.pid);
    double t0 = now_ms();
    for (;;) {
        char *t = NULL;
        size_t len;
        bool held = lv_file_read_all(lockpath, &t, &len, NULL) == 0 && strcmp(t, pidtext) == 0;
        free(t);
        if (held)
            break;
        if (now_ms() - t0 > 10000)
            fail_msg("the first console client never attached");
        usleep(20000);
    }
    console_child(&d, "", 3);
    assert_int_equal(child_wait(&d, 10000), 0);
    assert_non_null(strstr(child_output(&d), "in use by another client"));
    console_child(&e, "{force = true, escape = '^]'}", 4);
    assert_int_equal(child_wait(&b, 10000), 0);
    assert_non_null(strstr(child_output(&b), "taken over"));
    cmd = "echo sec''ond\n";
    usleep(300000);
    assert_int_equal(write(e.in, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
    wait_output(&e, "second", 10000);
    assert_int_equal(write(e.in, "\x1d", 1), 1);
    assert_int_equal(child_wait(&e, 10000), 0);
    assert_non_null(strstr(child_output(&e), "RESULT\ttrue"));

    /* The log path. */
    result r = {0};
    lv_domain_console_log(c, uuid, string_cb, &r);
    assert_int_equal(finish(&r), 0);
    assert_non_null(strstr(r.str, "c1.console.log"));
    assert_true(count_in_file(r.str, "hello-from-console") >= 1);
    free(r.str);
    assert_ok(op(lv_domain_destroy, c, uuid, 0));
    lv_conn_close(c);
}

int main(void)
{
    const char *dir = getenv("LUVIRT_GUEST_DIR");
    if (!dir || !*dir)
        dir = LUVIRT_GUEST_DIR;
    snprintf(kernel, sizeof(kernel), "%s/vmlinuz", dir);
    snprintf(initrd, sizeof(initrd), "%s/initramfs.cpio.gz", dir);
    if (access(kernel, R_OK) < 0 || access(initrd, R_OK) < 0) {
        printf("# skipped: no test guest in %s\n", dir);
        return 77;
    }
    if (access("/usr/bin/qemu-system-x86_64", X_OK) < 0) {
        printf("# skipped: no /usr/bin/qemu-system-x86_64\n");
        return 77;
    }
    snprintf(root, sizeof(root), "/tmp/lvqapi-XXXXXX");
    if (!mkdtemp(root))
        return 1;
    snprintf(uri, sizeof(uri), "qemu:///embed?root=%s", root);
    setenv("LUVIRT_MONITOR_EXE", LUVIRT_MONITOR, 0);
    signal(SIGPIPE, SIG_IGN);
    uv_loop_init(&loop);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_console),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    /* Whatever a failed test left running goes. */
    lv_conn *c = NULL;
    if (conn_open(uri, 0, &c) == 0) {
        lv_domain_list *list = NULL;
        if (list_all(c, LV_LIST_ACTIVE, &list) == 0) {
            for (size_t i = 0; i < list->count; i++)
                op(lv_domain_destroy, c, list->items[i].uuid, 0);
            lv_domain_list_free(list);
        }
        lv_conn_close(c);
    }
    /* A failed test may have left a connection with a watcher: do not wait on it. */
    for (int i = 0; i < 20; i++)
        uv_run(&loop, UV_RUN_NOWAIT);
    if (rc == 0)
        remove_tree(root);
    else
        printf("# left %s for a look\n", root);
    return rc;
}
