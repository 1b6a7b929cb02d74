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

#include "core/files.h"

static bool regenerate(void)
{
    const char *v = getenv("LUVIRT_TEST_REGENERATE");
    return v && *v && strcmp(v, "0");
}

char *read_file_or_null(const char *path)
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

const char *keep(test_launch *t, char *s)
{
    assert_true(t->nstrings < sizeof(t->strings) / sizeof(t->strings[0]));
    t->strings[t->nstrings++] = s;
    return s;
}

void test_launch_clear(test_launch *t)
{
    for (size_t i = 0; i < t->nstrings; i++)
        free(t->strings[i]);
    t->nstrings = 0;
}

/* The fixed launch, changed by the "<!-- xml2argv: ... -->" lines of xml. */
void test_launch_init(test_launch *t, const char *name, const char *xml)
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

lv_domain_def *parse_case(const char *name, char **xml_out)
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
char **case_names(size_t *count)
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
