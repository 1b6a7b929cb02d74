/* Domain XML -> qemu argv, judged by qemu itself: the qemu-check cases started by
 * the real qemu-system-x86_64, and the test guest (tests/guest) booted from a
 * case's argv. The golden files and the rest are in test_xml2argv.c. */
#include "xml2argv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- qemu as the judge -------------------------------------------------------------------- */

static char *find_program(const char *env_name, const char *prog)
{
    const char *env = env_name ? getenv(env_name) : NULL;
    if (env && *env)
        return access(env, X_OK) == 0 ? lv_strdup(env) : NULL;
    const char *path = getenv("PATH");
    char *copy = lv_strdup(path ? path : "/usr/bin:/bin");
    char *found = NULL, *save = NULL;
    for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        char *cand = lv_asprintf("%s/%s", d, prog);
        if (access(cand, X_OK) == 0)
            found = cand;
        else
            free(cand);
    }
    free(copy);
    return found;
}

static int run_wait(char *const argv[])
{
    pid_t pid = fork();
    int status;

    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        execv(argv[0], argv);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Replaces *field (owned by a def copy) with a fresh string. */
static void replace(char **field, char *value)
{
    free(*field);
    *field = value;
}

/* Moves every host path of def into dir, creating the disk images. Returns a
 * reason to skip, or NULL. */
static const char *relocate(lv_domain_def *def, const char *dir, const char *qemu_img)
{
    for (size_t i = 0; i < def->ndisks; i++) {
        lv_disk_def *d = &def->disks[i];
        if (!d->source_file && !d->source_dev)
            continue;
        char *img = lv_asprintf("%s/disk%zu.img", dir, i);
        if (d->driver_type && !strcmp(d->driver_type, "qcow2")) {
            if (!qemu_img) {
                free(img);
                return "qemu-img is not installed (qcow2 images)";
            }
            char *argv[] = {(char *)qemu_img, "create", "-q", "-f", "qcow2", img, "16M", NULL};
            assert_int_equal(run_wait(argv), 0);
        } else {
            int fd = open(img, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            assert_true(fd >= 0);
            assert_int_equal(ftruncate(fd, 16 << 20), 0);
            close(fd);
        }
        replace(&d->type, lv_strdup("file"));
        replace(&d->source_dev, NULL);
        replace(&d->source_file, img);
    }
    lv_chardev_def *lists[] = {def->serials, def->consoles, def->channels};
    size_t counts[] = {def->nserials, def->nconsoles, def->nchannels};
    for (size_t l = 0; l < 3; l++)
        for (size_t i = 0; i < counts[l]; i++) {
            lv_chardev_def *ch = &lists[l][i];
            if (ch->source_path)
                replace(&ch->source_path, lv_asprintf("%s/ch%zu-%zu", dir, l, i));
            if (ch->log_file)
                replace(&ch->log_file, lv_asprintf("%s/ch%zu-%zu.log", dir, l, i));
            if (ch->source_mode && !strcmp(ch->source_mode, "connect"))
                replace(&ch->source_mode, lv_strdup("bind")); /* nobody to connect to */
        }
    /* no TAP device here: the same interface on the user network */
    for (size_t i = 0; i < def->nnets; i++) {
        lv_net_def *n = &def->nets[i];
        replace(&n->type, lv_strdup("user"));
        replace(&n->source_network, NULL);
        replace(&n->source_bridge, NULL);
        replace(&n->source_portid, NULL);
        replace(&n->driver_name, NULL);
    }
    if (def->os.nvram) {
        if (!def->os.nvram_template || access(def->os.nvram_template, R_OK) < 0)
            return "the nvram template of the XML is not on this machine";
        char *nv = lv_asprintf("%s/VARS.fd", dir);
        char *argv[] = {"/bin/cp", def->os.nvram_template, nv, NULL};
        assert_int_equal(run_wait(argv), 0);
        replace(&def->os.nvram, nv);
    }
    if (def->os.loader && access(def->os.loader, R_OK) < 0)
        return "the firmware of the XML is not on this machine";
    for (size_t i = 0; i < def->ngraphics; i++)
        if (def->graphics[i].listen_socket)
            replace(&def->graphics[i].listen_socket, lv_asprintf("%s/vnc.sock", dir));
    if (def->os.kernel && access(def->os.kernel, R_OK) < 0) {
        /* the test guest of tests/guest stands in for the kernel of the XML */
        const char *g = getenv("LUVIRT_GUEST_DIR");
        char *k = g && *g ? lv_asprintf("%s/vmlinuz", g) : NULL;
        char *i = g && *g ? lv_asprintf("%s/initramfs.cpio.gz", g) : NULL;
        if (!k || access(k, R_OK) < 0 || access(i, R_OK) < 0) {
            free(k);
            free(i);
            return "the kernel of the XML is not on this machine (LUVIRT_GUEST_DIR names the "
                   "test guest)";
        }
        replace(&def->os.kernel, k);
        if (def->os.initrd)
            replace(&def->os.initrd, i);
        else
            free(i);
    }
    replace(&def->emulator, NULL);
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One line of QMP (a reply or greeting), skipping events. */
static char *qmp_read(int fd, lv_strbuf *in)
{
    double deadline = now_s() + 20;
    for (;;) {
        char *nl = in->data ? memchr(in->data, '\n', in->len) : NULL;
        if (nl) {
            char *line = lv_strndup(in->data, (size_t)(nl - in->data));
            size_t rest = in->len - (size_t)(nl + 1 - in->data);
            memmove(in->data, nl + 1, rest);
            in->len = rest;
            in->data[rest] = '\0';
            if (strstr(line, "\"event\"")) {
                free(line);
                continue;
            }
            return line;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int left = (int)((deadline - now_s()) * 1000);
        if (left <= 0 || poll(&p, 1, left) <= 0)
            return NULL;
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n <= 0)
            return NULL;
        lv_strbuf_addn(in, buf, (size_t)n);
    }
}

/* A qemu started from an argv, with its QMP socket. */
typedef struct qemu_proc {
    pid_t pid;
    int qmp;
    bool exited;
    int status;
    lv_strbuf in;
    char *errlog;
} qemu_proc;

static void qemu_reap(qemu_proc *q, double timeout)
{
    double deadline = now_s() + timeout;
    while (!q->exited && now_s() < deadline) {
        if (waitpid(q->pid, &q->status, WNOHANG) == q->pid)
            q->exited = true;
        else
            usleep(10000);
    }
}

/* Starts argv and connects to qmp_path; returns a problem (malloc'd) or NULL. */
static char *qemu_start(qemu_proc *q, char **argv, const char *qmp_path, const char *errlog)
{
    memset(q, 0, sizeof(*q));
    q->qmp = -1;
    q->errlog = lv_strdup(errlog);
    lv_strbuf_init(&q->in);
    q->pid = fork();
    assert_true(q->pid >= 0);
    if (q->pid == 0) {
        int e = open(errlog, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(e, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    double deadline = now_s() + 30;
    while (now_s() < deadline) {
        qemu_reap(q, 0);
        if (q->exited)
            return lv_strdup("qemu exited before its QMP socket was up");
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", qmp_path);
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
            q->qmp = fd;
            break;
        }
        close(fd);
        usleep(20000);
    }
    if (q->qmp < 0)
        return lv_strdup("no QMP socket after 30 s");
    char *line = qmp_read(q->qmp, &q->in); /* greeting */
    char *problem = NULL;
    if (!line || !strstr(line, "\"QMP\""))
        problem = lv_asprintf("no QMP greeting (%s)", line ? line : "EOF");
    free(line);
    return problem;
}

/* Sends cmd; returns a problem or NULL, and the reply in *reply when asked. */
static char *qemu_cmd(qemu_proc *q, const char *cmd, char **reply)
{
    if (write(q->qmp, cmd, strlen(cmd)) < 0)
        return lv_asprintf("writing %s: %s", cmd, strerror(errno));
    char *line = qmp_read(q->qmp, &q->in);
    if (!line || !strstr(line, "\"return\"")) {
        char *problem = lv_asprintf("%s: %s", cmd, line ? line : "EOF");
        free(line);
        return problem;
    }
    if (reply)
        *reply = line;
    else
        free(line);
    return NULL;
}

/* Ends qemu (SIGKILL when still there) and fails with problem, printing the argv
 * and qemu's stderr, when there is one. */
static void qemu_finish(qemu_proc *q, char **argv, const char *name, char *problem)
{
    if (q->qmp >= 0)
        close(q->qmp);
    if (!q->exited) {
        kill(q->pid, SIGKILL);
        waitpid(q->pid, &q->status, 0);
    }
    if (problem) {
        char *text = lv_qemu_argv_to_text(argv, LV_QEMU_TEXT_LINES);
        char *stderr_text = read_file_or_null(q->errlog);
        fprintf(stderr, "---- argv ----\n%s---- qemu's stderr ----\n%s----\n", text,
                stderr_text ? stderr_text : "");
        fail_msg("%s: %s", name, problem);
    }
    lv_strbuf_clear(&q->in);
    free(q->errlog);
}

/* The launch of a case moved into dir, for the real qemu. */
static void launch_for_qemu(test_launch *t, const char *dir, const char *qemu, lv_qemu_monitor *mon)
{
    mon->path = keep(t, lv_asprintf("%s/qmp.sock", dir));
    t->l.emulator = qemu;
    t->l.accel = "tcg";
    t->l.monitors = mon;
    t->l.nmonitors = 1;
    t->l.console_socket = keep(t, lv_asprintf("%s/console.sock", dir));
    t->l.console_log = keep(t, lv_asprintf("%s/console.log", dir));
    t->l.pidfile = keep(t, lv_asprintf("%s/pid", dir));
    t->l.runtime_dir = dir;
    t->l.nnet_fds = 0;
}

static void remove_dir(const char *dir)
{
    char *rm[] = {"/bin/rm", "-rf", (char *)dir, NULL};
    run_wait(rm);
}

static void qemu_check_one(const char *name, const char *qemu, const char *qemu_img)
{
    char *xml;
    lv_domain_def *def = parse_case(name, &xml);
    test_launch t;
    char dir[] = "/tmp/lv-xml2argv-XXXXXX";
    lv_error err = {0};
    char **argv = NULL;
    lv_qemu_monitor mon;

    test_launch_init(&t, name, xml);
    bool kvm = t.qemu_check_kvm && getenv("LUVIRT_TEST_KVM") && *getenv("LUVIRT_TEST_KVM") &&
               strcmp(getenv("LUVIRT_TEST_KVM"), "0");
    if (!t.qemu_check && !kvm) {
        if (t.qemu_check_kvm)
            fprintf(stderr, "[ qemu     ] %s: skipped: KVM cases run with LUVIRT_TEST_KVM=1\n",
                    name);
        goto out;
    }
    assert_non_null(mkdtemp(dir));
    const char *skip_reason = relocate(def, dir, qemu_img);
    if (skip_reason) {
        fprintf(stderr, "[ qemu     ] %s: skipped: %s\n", name, skip_reason);
        goto cleanup;
    }
    launch_for_qemu(&t, dir, qemu, &mon);
    if (kvm)
        t.l.accel = "kvm";
    if (lv_qemu_build_argv(def, &t.l, &argv, &err) < 0)
        fail_msg("%s: does not build for qemu: %s", name, err.message);
    fprintf(stderr, "[ qemu     ] %s%s\n", name, kvm ? " (KVM)" : "");

    char *errlog = lv_asprintf("%s/stderr", dir);
    qemu_proc q;
    char *problem = qemu_start(&q, argv, mon.path, errlog);
    char *reply = NULL;
    if (!problem)
        problem = qemu_cmd(&q, "{\"execute\":\"qmp_capabilities\"}", NULL);
    if (!problem)
        problem = qemu_cmd(&q, "{\"execute\":\"query-status\"}", &reply);
    if (!problem && !strstr(reply, "\"prelaunch\""))
        problem = lv_asprintf("not paused at start: %s", reply);
    if (!problem)
        problem = qemu_cmd(&q, "{\"execute\":\"quit\"}", NULL);
    if (!problem) {
        qemu_reap(&q, 20);
        if (!q.exited)
            problem = lv_strdup("qemu did not exit after quit");
        else if (!(WIFEXITED(q.status) && WEXITSTATUS(q.status) == 0))
            problem = lv_asprintf("qemu ended with status 0x%x after quit", q.status);
    }
    free(reply);
    qemu_finish(&q, argv, name, problem);
    free(errlog);
cleanup:
    remove_dir(dir);
out:
    test_launch_clear(&t);
    lv_qemu_argv_free(argv);
    lv_domain_def_free(def);
    free(xml);
}

void test_qemu_accepts(void **state)
{
    char *qemu = find_program("LUVIRT_TEST_QEMU", "qemu-system-x86_64");
    char *qemu_img = find_program(NULL, "qemu-img");
    size_t n;
    char **names;

    (void)state;
    if (!qemu) {
        print_message("  skipped: qemu-system-x86_64 is not installed (or set LUVIRT_TEST_QEMU)\n");
        free(qemu_img);
        skip();
    }
    names = case_names(&n);
    for (size_t i = 0; i < n; i++) {
        qemu_check_one(names[i], qemu, qemu_img);
        free(names[i]);
    }
    free(names);
    free(qemu_img);
    free(qemu);
}

/* ---- the test guest boots from the argv --------------------------------------------------- */

/* A running test guest (tests/guest, LUVIRT_GUEST_DIR) started from a case's argv. */
typedef struct guest {
    const char *name;
    char dir[32];
    char *xml;
    lv_domain_def *def;
    test_launch t;
    lv_qemu_monitor mon;
    char **argv;
    char *errlog;
    qemu_proc q;
    int con;
    lv_strbuf out; /* what came out of the console */
    char *qemu;
} guest;

/* Skips the calling test when there is no qemu or no test guest. */
static void guest_skip_unless_ready(void)
{
    char *qemu = find_program("LUVIRT_TEST_QEMU", "qemu-system-x86_64");
    const char *g = getenv("LUVIRT_GUEST_DIR");
    char *kernel = g && *g ? lv_asprintf("%s/vmlinuz", g) : NULL;
    bool ok = qemu && kernel && access(kernel, R_OK) == 0;

    free(kernel);
    free(qemu);
    if (!ok) {
        print_message("  skipped: %s\n", !qemu ? "qemu-system-x86_64 is not installed"
                                               : "no test guest (LUVIRT_GUEST_DIR)");
        skip();
    }
}

/* Waits until the console shows want (after byte offset from); a problem or NULL. */
static char *guest_wait_console(guest *g, const char *want, size_t from, double timeout)
{
    double deadline = now_s() + timeout;
    while (!(g->out.len > from && strstr(g->out.data + from, want))) {
        struct pollfd p = {.fd = g->con, .events = POLLIN};
        char buf[4096];
        int left = (int)((deadline - now_s()) * 1000);
        if (left <= 0 || poll(&p, 1, left) <= 0)
            return lv_asprintf("no '%s' on the console after %.0f s:\n%s", want, timeout,
                               g->out.data ? g->out.data : "");
        ssize_t n = read(g->con, buf, sizeof(buf));
        if (n <= 0)
            return lv_asprintf("the console socket closed before '%s'", want);
        lv_strbuf_addn(&g->out, buf, (size_t)n);
    }
    return NULL;
}

/* Starts case name from its argv, resumes it and waits for the ready line. */
static char *guest_boot(guest *g, const char *name)
{
    lv_error err = {0};

    memset(g, 0, sizeof(*g));
    g->name = name;
    g->con = -1;
    lv_strbuf_init(&g->out);
    g->qemu = find_program("LUVIRT_TEST_QEMU", "qemu-system-x86_64");
    snprintf(g->dir, sizeof(g->dir), "/tmp/lv-xml2argv-XXXXXX");
    g->def = parse_case(name, &g->xml);
    test_launch_init(&g->t, name, g->xml);
    assert_non_null(mkdtemp(g->dir));
    assert_null(relocate(g->def, g->dir, NULL));
    launch_for_qemu(&g->t, g->dir, g->qemu, &g->mon);
    if (lv_qemu_build_argv(g->def, &g->t.l, &g->argv, &err) < 0)
        fail_msg("%s: %s", name, err.message);
    g->errlog = lv_asprintf("%s/stderr", g->dir);
    char *problem = qemu_start(&g->q, g->argv, g->mon.path, g->errlog);
    if (!problem)
        problem = qemu_cmd(&g->q, "{\"execute\":\"qmp_capabilities\"}", NULL);
    if (!problem) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", g->t.l.console_socket);
        g->con = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (connect(g->con, (struct sockaddr *)&sa, sizeof(sa)) < 0)
            problem = lv_asprintf("console socket: %s", strerror(errno));
    }
    if (!problem)
        problem = qemu_cmd(&g->q, "{\"execute\":\"cont\"}", NULL);
    if (!problem)
        problem = guest_wait_console(g, "LUVIRT-GUEST-READY", 0, 90);
    return problem;
}

/* qemu must exit with 0 within timeout. */
static char *guest_expect_exit(guest *g, const char *after, double timeout)
{
    qemu_reap(&g->q, timeout);
    if (!g->q.exited)
        return lv_asprintf("qemu still runs %.0f s after %s", timeout, after);
    if (!(WIFEXITED(g->q.status) && WEXITSTATUS(g->q.status) == 0))
        return lv_asprintf("qemu ended with status 0x%x after %s", g->q.status, after);
    return NULL;
}

/* qemu must stay, stopped in status want (query-status), within timeout. */
static char *guest_expect_status(guest *g, const char *want, double timeout)
{
    double deadline = now_s() + timeout;
    char *quoted = lv_asprintf("\"status\": \"%s\"", want);
    char *problem = NULL;
    for (;;) {
        char *reply = NULL;
        problem = qemu_cmd(&g->q, "{\"execute\":\"query-status\"}", &reply);
        if (problem || strstr(reply, quoted)) {
            free(reply);
            break;
        }
        if (now_s() > deadline) {
            problem = lv_asprintf("status is not '%s' after %.0f s: %s", want, timeout, reply);
            free(reply);
            break;
        }
        free(reply);
        usleep(50000);
    }
    free(quoted);
    return problem;
}

static void guest_end(guest *g, char *problem)
{
    if (g->con >= 0)
        close(g->con);
    lv_strbuf_clear(&g->out);
    qemu_finish(&g->q, g->argv, g->name, problem);
    free(g->errlog);
    remove_dir(g->dir);
    test_launch_clear(&g->t);
    lv_qemu_argv_free(g->argv);
    lv_domain_def_free(g->def);
    free(g->xml);
    free(g->qemu);
}

/* on_poweroff destroy, on_reboot restart (flags 0): the ready line comes out of the
 * console socket and into the console log; a guest reboot resets it (qemu stays);
 * an ACPI power-off ends qemu by itself. */
void test_guest_boots(void **state)
{
    guest g;

    (void)state;
    guest_skip_unless_ready();
    char *problem = guest_boot(&g, "test-guest");
    assert_int_equal(lv_qemu_shutdown_flags(g.def), 0);
    size_t mark = g.out.len;
    if (!problem && write(g.con, "reboot -f\n", 10) != 10)
        problem = lv_asprintf("writing to the console: %s", strerror(errno));
    if (!problem)
        problem = guest_wait_console(&g, "LUVIRT-GUEST-READY", mark, 90);
    if (!problem)
        problem = qemu_cmd(&g.q, "{\"execute\":\"system_powerdown\"}", NULL);
    if (!problem)
        problem = guest_expect_exit(&g, "system_powerdown", 30);
    if (!problem) {
        /* qemu writes the log after the socket: read it once qemu is gone */
        char *log = read_file_or_null(g.t.l.console_log);
        if (!log || !strstr(log, "LUVIRT-GUEST-READY"))
            problem = lv_strdup("the console log lacks the ready line");
        free(log);
    }
    guest_end(&g, problem);
}

/* on_poweroff preserve: -no-shutdown, qemu stays stopped after the power-off. */
void test_guest_poweroff_preserve(void **state)
{
    guest g;

    (void)state;
    guest_skip_unless_ready();
    char *problem = guest_boot(&g, "guest-poweroff-preserve");
    assert_int_equal(lv_qemu_shutdown_flags(g.def), LV_QEMU_NO_SHUTDOWN);
    if (!problem)
        problem = qemu_cmd(&g.q, "{\"execute\":\"system_powerdown\"}", NULL);
    if (!problem)
        problem = guest_expect_status(&g, "shutdown", 30);
    if (!problem)
        problem = qemu_cmd(&g.q, "{\"execute\":\"quit\"}", NULL);
    if (!problem)
        problem = guest_expect_exit(&g, "quit", 20);
    guest_end(&g, problem);
}

/* on_reboot destroy: -no-reboot, a guest reboot ends qemu. */
void test_guest_reboot_destroy(void **state)
{
    guest g;

    (void)state;
    guest_skip_unless_ready();
    char *problem = guest_boot(&g, "guest-reboot-destroy");
    assert_int_equal(lv_qemu_shutdown_flags(g.def), LV_QEMU_NO_REBOOT);
    if (!problem && write(g.con, "reboot -f\n", 10) != 10)
        problem = lv_asprintf("writing to the console: %s", strerror(errno));
    if (!problem)
        problem = guest_expect_exit(&g, "the guest's reboot", 30);
    guest_end(&g, problem);
}
