/* Domain XML -> qemu argv: golden files, and qemu itself as the judge of a few.
 *
 * For every tests/data/xml2argv/NAME.xml:
 *   NAME.args: the argv, one option per line (lv_qemu_argv_to_text, LV_QEMU_TEXT_LINES);
 *   NAME.err:  instead, the one-line error the builder must refuse it with.
 * The launch is fixed (paths under /run/luvirt-test, TAP fds 40+i, start time
 * 1700000000, TZ=UTC) and can be changed per file by comment lines in the XML:
 *   <!-- xml2argv: accel=tcg machine=q35 net-fds=none|N,N vnc-port=5901
 *                  no-console-socket no-monitors no-runtime-dir monitor-fd=N qemu-check -->
 * Also checked for every success: the one-line text run through /bin/sh gives back
 * the same argv (the quoting is right), and a copy with lv_qemu_assign_aliases
 * builds the same argv.
 *
 * qemu-check: the argv is started with the real qemu-system-x86_64 (-S, TCG), with
 * its disk images, sockets and files moved to a temporary directory, then QMP
 * qmp_capabilities, query-status and quit: qemu must take every option. Skipped
 * with the reason printed when qemu (or qemu-img for qcow2 images) is missing;
 * LUVIRT_TEST_QEMU names another qemu binary.
 *
 * LUVIRT_TEST_REGENERATE=1 rewrites NAME.args / NAME.err from the current code:
 * only on purpose, then review the diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

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

#include "conf/domain_conf.h"
#include "core/alloc.h"
#include "core/files.h"
#include "core/strbuf.h"
#include "qemu_command.h"

#ifndef XML2ARGV_DATA_DIR
#error "XML2ARGV_DATA_DIR must point at tests/data/xml2argv"
#endif

static bool regenerate(void)
{
    const char *v = getenv("LUVIRT_TEST_REGENERATE");
    return v && *v && strcmp(v, "0");
}

static char *read_file_or_null(const char *path)
{
    char *data = NULL;
    size_t len;

    if (access(path, F_OK) < 0)
        return NULL;
    if (lv_file_read_all(path, &data, &len, NULL) < 0)
        fail_msg("cannot read %s", path);
    return data;
}

static void write_file(const char *path, const char *text)
{
    lv_error err;

    if (lv_file_write_atomic(path, text, strlen(text), 0644, &err) < 0)
        fail_msg("cannot write %s: %s", path, err.message);
}

/* Prints both texts and the first differing line, then fails. */
static void assert_text_equal(const char *what, const char *expected, const char *actual)
{
    if (!strcmp(expected, actual))
        return;
    const char *e = expected, *a = actual;
    int line = 1;
    while (*e && *e == *a) {
        if (*e == '\n')
            line++;
        e++, a++;
    }
    fprintf(stderr, "---- %s: expected ----\n%s---- actual ----\n%s----\n", what, expected, actual);
    const char *el = e, *al = a;
    while (el > expected && el[-1] != '\n')
        el--;
    while (al > actual && al[-1] != '\n')
        al--;
    fprintf(stderr, "first difference at line %d:\n- %.*s\n+ %.*s\n", line, (int)strcspn(el, "\n"),
            el, (int)strcspn(al, "\n"), al);
    fail_msg("%s differs (LUVIRT_TEST_REGENERATE=1 rewrites the golden files)", what);
}

/* ---- the launch of a test ----------------------------------------------------------------- */

typedef struct test_launch {
    lv_qemu_launch l;
    lv_qemu_monitor mons[2];
    int fds[16];
    char *strings[16];
    size_t nstrings;
    bool qemu_check;
    bool qemu_check_kvm;
} test_launch;

static const char *keep(test_launch *t, char *s)
{
    assert_true(t->nstrings < sizeof(t->strings) / sizeof(t->strings[0]));
    t->strings[t->nstrings++] = s;
    return s;
}

static void test_launch_clear(test_launch *t)
{
    for (size_t i = 0; i < t->nstrings; i++)
        free(t->strings[i]);
    t->nstrings = 0;
}

/* The fixed launch, changed by the "<!-- xml2argv: ... -->" lines of xml. */
static void test_launch_init(test_launch *t, const char *name, const char *xml)
{
    memset(t, 0, sizeof(*t));
    t->mons[0].path = keep(t, lv_asprintf("/run/luvirt-test/%s.mon", name));
    t->mons[1].path = keep(t, lv_asprintf("/run/luvirt-test/%s.qmp", name));
    t->l.monitors = t->mons;
    t->l.nmonitors = 2;
    t->l.console_socket = keep(t, lv_asprintf("/run/luvirt-test/%s.console", name));
    t->l.console_log = keep(t, lv_asprintf("/var/log/luvirt-test/%s.console.log", name));
    t->l.pidfile = keep(t, lv_asprintf("/run/luvirt-test/%s.pid", name));
    t->l.runtime_dir = keep(t, lv_asprintf("/run/luvirt-test/%s.d", name));
    for (int i = 0; i < 16; i++)
        t->fds[i] = 40 + i;
    t->l.net_fds = t->fds;
    t->l.nnet_fds = 16;
    t->l.now = 1700000000;

    for (const char *p = xml; (p = strstr(p, "<!-- xml2argv:"));) {
        const char *end = strstr(p, "-->");
        assert_non_null(end);
        char *line = lv_strndup(p + 14, (size_t)(end - p - 14));
        char *save = NULL;
        for (char *w = strtok_r(line, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
            if (!strncmp(w, "accel=", 6)) {
                t->l.accel = keep(t, lv_strdup(w + 6));
            } else if (!strncmp(w, "machine=", 8)) {
                t->l.default_machine = keep(t, lv_strdup(w + 8));
            } else if (!strcmp(w, "net-fds=none")) {
                t->l.nnet_fds = 0;
            } else if (!strncmp(w, "net-fds=", 8)) {
                size_t n = 0;
                for (char *q = w + 8; *q && n < 16; n++) {
                    t->fds[n] = (int)strtol(q, &q, 10);
                    if (*q == ',')
                        q++;
                }
                t->l.nnet_fds = n;
            } else if (!strncmp(w, "vnc-port=", 9)) {
                t->l.vnc_port = atoi(w + 9);
            } else if (!strncmp(w, "monitor-fd=", 11)) {
                t->mons[0].path = NULL;
                t->mons[0].fd = atoi(w + 11);
                t->l.nmonitors = 1;
            } else if (!strcmp(w, "no-console-socket")) {
                t->l.console_socket = NULL;
                t->l.console_log = NULL;
            } else if (!strcmp(w, "no-monitors")) {
                t->l.nmonitors = 0;
            } else if (!strcmp(w, "no-runtime-dir")) {
                t->l.runtime_dir = NULL;
            } else if (!strcmp(w, "no-sandbox")) {
                t->l.no_sandbox = true;
            } else if (!strcmp(w, "qemu-check")) {
                t->qemu_check = true;
            } else if (!strcmp(w, "qemu-check-kvm")) {
                t->qemu_check_kvm = true;
            } else {
                fail_msg("unknown xml2argv directive '%s'", w);
            }
        }
        free(line);
        p = end;
    }
}

/* ---- the shell text gives back the argv --------------------------------------------------- */

/* Runs `sh -c 'printf "%s\0" "$@"' sh TEXT-ARGS` and compares the words with argv. */
static void check_shell_round_trip(const char *name, char **argv)
{
    char *text = lv_qemu_argv_to_text(argv, 0);
    char *script = lv_asprintf("set -- %s printf '%%s\\0' \"$@\"", text);
    int pipefd[2];

    /* the text ends in a newline: take it out of the middle of the script */
    char *nl = strchr(script, '\n');
    assert_non_null(nl);
    *nl = ';';
    assert_int_equal(pipe(pipefd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(pipefd[1], 1);
        close(pipefd[0]);
        close(pipefd[1]);
        execl("/bin/sh", "sh", "-c", script, (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    lv_strbuf out;
    lv_strbuf_init(&out);
    char buf[4096];
    ssize_t n;
    while ((n = read(pipefd[0], buf, sizeof(buf))) > 0)
        lv_strbuf_addn(&out, buf, (size_t)n);
    close(pipefd[0]);
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    size_t off = 0, i = 0;
    for (; argv[i] && off < out.len; i++) {
        if (strcmp(out.data + off, argv[i]))
            fail_msg("%s: the shell text gives '%s' for argument %zu '%s'", name, out.data + off, i,
                     argv[i]);
        off += strlen(out.data + off) + 1;
    }
    if (argv[i] || off != out.len)
        fail_msg("%s: the shell text gives a different number of arguments", name);
    lv_strbuf_clear(&out);
    free(script);
    free(text);
}

/* ---- the golden files --------------------------------------------------------------------- */

static lv_domain_def *parse_case(const char *name, char **xml_out)
{
    char *path = lv_asprintf("%s/%s.xml", XML2ARGV_DATA_DIR, name);
    char *xml = read_file_or_null(path);
    lv_error err = {0};

    if (!xml)
        fail_msg("cannot read %s", path);
    lv_domain_def *def = lv_domain_def_parse_xml(xml, 0, &err);
    if (!def)
        fail_msg("%s: does not parse: %s", path, err.message);
    free(path);
    *xml_out = xml;
    return def;
}

static void golden_one(const char *name)
{
    char *xml;
    lv_domain_def *def = parse_case(name, &xml);
    char *args_path = lv_asprintf("%s/%s.args", XML2ARGV_DATA_DIR, name);
    char *err_path = lv_asprintf("%s/%s.err", XML2ARGV_DATA_DIR, name);
    test_launch t;
    lv_error err = {0};
    char **argv = NULL;

    test_launch_init(&t, name, xml);
    int rc = lv_qemu_build_argv(def, &t.l, &argv, &err);
    char *text =
        rc == 0 ? lv_qemu_argv_to_text(argv, LV_QEMU_TEXT_LINES) : lv_asprintf("%s\n", err.message);
    if (rc < 0) {
        assert_null(argv);
        assert_true(err.code == LV_ERR_CONFIG_UNSUPPORTED || err.code == LV_ERR_INVALID_ARG);
        assert_null(strchr(err.message, '\n'));
    }
    if (regenerate()) {
        write_file(rc == 0 ? args_path : err_path, text);
        unlink(rc == 0 ? err_path : args_path);
    }
    char *want_args = read_file_or_null(args_path);
    char *want_err = read_file_or_null(err_path);
    if (rc == 0 && !want_args)
        fail_msg("%s: builds (%s), but there is no %s.args%s", name,
                 want_err ? "expected to fail" : "no golden file", name,
                 want_err ? "" : " (LUVIRT_TEST_REGENERATE=1 writes it)");
    if (rc < 0 && !want_err)
        fail_msg("%s: refused: %s", name, err.message);
    assert_text_equal(name, rc == 0 ? want_args : want_err, text);

    if (rc == 0) {
        check_shell_round_trip(name, argv);
        /* the aliases the builder would give, written into the def, change nothing */
        lv_domain_def *copy = lv_domain_def_copy(def);
        char **argv2 = NULL;
        lv_qemu_assign_aliases(copy);
        if (lv_qemu_build_argv(copy, &t.l, &argv2, &err) < 0)
            fail_msg("%s: with aliases assigned: %s", name, err.message);
        char *text2 = lv_qemu_argv_to_text(argv2, LV_QEMU_TEXT_LINES);
        assert_text_equal("the same with lv_qemu_assign_aliases", text, text2);
        free(text2);
        lv_qemu_argv_free(argv2);
        lv_domain_def_free(copy);
    }
    test_launch_clear(&t);
    lv_qemu_argv_free(argv);
    free(want_args);
    free(want_err);
    free(text);
    free(err_path);
    free(args_path);
    lv_domain_def_free(def);
    free(xml);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* LUVIRT_TEST_ONLY=WORD runs only the cases whose name contains WORD. */
static bool wanted(const char *name)
{
    const char *only = getenv("LUVIRT_TEST_ONLY");
    return !only || !*only || strstr(name, only);
}

/* The case names (NAME of NAME.xml), sorted; NULL-terminated. */
static char **case_names(size_t *count)
{
    DIR *dir = opendir(XML2ARGV_DATA_DIR);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0;

    assert_non_null(dir);
    while ((e = readdir(dir))) {
        if (!ends_with(e->d_name, ".xml") || !wanted(e->d_name))
            continue;
        names = lv_realloc(names, (n + 2) * sizeof(char *));
        names[n++] = lv_strndup(e->d_name, strlen(e->d_name) - 4);
        names[n] = NULL;
    }
    closedir(dir);
    qsort(names, n, sizeof(names[0]), compare_names);
    *count = n;
    return names;
}

static void test_golden(void **state)
{
    size_t n;
    char **names = case_names(&n);

    (void)state;
    assert_true(n >= 30 || (getenv("LUVIRT_TEST_ONLY") && n > 0));
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, "[ golden   ] %s\n", names[i]);
        golden_one(names[i]);
        free(names[i]);
    }
    free(names);
}

/* Golden files without an XML are left over from a renamed case. */
static void test_no_orphans(void **state)
{
    DIR *dir = opendir(XML2ARGV_DATA_DIR);
    struct dirent *e;

    (void)state;
    assert_non_null(dir);
    while ((e = readdir(dir))) {
        const char *dot = strrchr(e->d_name, '.');
        if (!dot || !strcmp(dot, ".xml") || e->d_name[0] == '.')
            continue;
        if (strcmp(dot, ".args") && strcmp(dot, ".err"))
            fail_msg("unexpected file %s in the data folder", e->d_name);
        char *xml =
            lv_asprintf("%s/%.*s.xml", XML2ARGV_DATA_DIR, (int)(dot - e->d_name), e->d_name);
        if (access(xml, F_OK) < 0)
            fail_msg("%s has no .xml", e->d_name);
        free(xml);
    }
    closedir(dir);
}

/* ---- small API checks --------------------------------------------------------------------- */

static void test_text_quoting(void **state)
{
    char *argv[] = {"/usr/bin/qemu",
                    "-name",
                    "guest=a b,debug-threads=on",
                    "-S",
                    "-append",
                    "console=ttyS0 it's",
                    "-k",
                    "",
                    NULL};
    (void)state;
    char *one = lv_qemu_argv_to_text(argv, 0);
    assert_string_equal(one, "/usr/bin/qemu -name 'guest=a b,debug-threads=on' -S -append "
                             "'console=ttyS0 it'\\''s' -k ''\n");
    char *lines = lv_qemu_argv_to_text(argv, LV_QEMU_TEXT_LINES);
    assert_string_equal(lines, "/usr/bin/qemu \\\n-name 'guest=a b,debug-threads=on' \\\n-S \\\n"
                               "-append 'console=ttyS0 it'\\''s' \\\n-k ''\n");
    free(lines);
    free(one);
    check_shell_round_trip("quoting", argv);
}

static lv_domain_def *parse_inline(const char *devices_and_events)
{
    char *xml = lv_asprintf("<domain type='qemu'><name>t</name><memory>65536</memory>"
                            "<os><type>hvm</type></os>%s</domain>",
                            devices_and_events);
    lv_error err = {0};
    lv_domain_def *def = lv_domain_def_parse_xml(xml, 0, &err);
    if (!def)
        fail_msg("%s", err.message);
    free(xml);
    return def;
}

static void test_shutdown_flags(void **state)
{
    static const struct {
        const char *xml;
        unsigned flags;
    } cases[] = {
        {"", 0},
        {"<on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot>", 0},
        {"<on_reboot>destroy</on_reboot>", LV_QEMU_NO_REBOOT},
        {"<on_poweroff>restart</on_poweroff>", LV_QEMU_NO_SHUTDOWN},
        {"<on_poweroff>preserve</on_poweroff>", LV_QEMU_NO_SHUTDOWN},
        {"<on_reboot>preserve</on_reboot>", LV_QEMU_NO_SHUTDOWN | LV_QEMU_NO_REBOOT},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        lv_domain_def *def = parse_inline(cases[i].xml);
        assert_int_equal(lv_qemu_shutdown_flags(def), cases[i].flags);
        lv_domain_def_free(def);
    }
}

static void test_null_launch(void **state)
{
    lv_domain_def *def = parse_inline("<devices><serial type='pty'/></devices>");
    char **argv = NULL;
    lv_error err = {0};

    (void)state;
    assert_int_equal(lv_qemu_build_argv(def, NULL, &argv, &err), 0);
    assert_string_equal(argv[0], LV_QEMU_DEFAULT_EMULATOR);
    char *text = lv_qemu_argv_to_text(argv, 0);
    assert_non_null(strstr(text, " -chardev pty,id=charserial0 "));
    assert_null(strstr(text, "-mon "));
    assert_null(strstr(text, "-pidfile"));
    free(text);
    lv_qemu_argv_free(argv);
    lv_domain_def_free(def);
}

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

static void test_qemu_accepts(void **state)
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
static void test_guest_boots(void **state)
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
static void test_guest_poweroff_preserve(void **state)
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
static void test_guest_reboot_destroy(void **state)
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_quoting),         cmocka_unit_test(test_shutdown_flags),
        cmocka_unit_test(test_null_launch),          cmocka_unit_test(test_golden),
        cmocka_unit_test(test_no_orphans),           cmocka_unit_test(test_qemu_accepts),
        cmocka_unit_test(test_guest_boots),          cmocka_unit_test(test_guest_poweroff_preserve),
        cmocka_unit_test(test_guest_reboot_destroy),
    };
    setenv("TZ", "UTC", 1);
    tzset();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
