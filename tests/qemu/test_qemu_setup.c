/* What a start sends before `cont` and the monitor process on its own:
 *   lv__qemu_setup_commands: the QMP commands of a definition (VNC password,
 *     link down, balloon target and stats period, query-vnc to learn an
 *     autoport) as the JSON the monitor reads, none for a plain definition;
 *   lv__qemu_fold_status: the learnt VNC port back into the live definition,
 *     and vnc_port through the status file;
 *   luvirt-monitor by hand (a pipe as fd 3, a qemu with its two QMP sockets):
 *     no arguments is a one-line usage error; a setup file that is not a
 *     command list, one naming a command qemu refuses, and a missing one each
 *     fail the start with one line naming the cause, and leave no qemu, no
 *     socket, status or setup file behind; a good one starts qemu, removes the
 *     setup file at once (it holds the password) and records the VNC port.
 * The monitor part skips (77) without qemu. */
#include "qemu_test_helpers.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/files.h"
#include "qemu_command.h"
#include "qemu_run.h"

extern char **environ;

static char root[128];

static lv_domain_def *parse(const char *devices, const char *memory)
{
    char xml[2048];
    snprintf(xml, sizeof(xml),
             "<domain type='qemu'><name>s</name>%s<vcpu>1</vcpu>"
             "<os><type arch='x86_64'>hvm</type></os><devices>%s</devices></domain>",
             memory ? memory : "<memory unit='MiB'>64</memory>", devices);
    lv_error err;
    lv_domain_def *def = lv_domain_def_parse_xml(xml, 0, &err);
    if (!def)
        fail_msg("%s", err.message);
    lv_qemu_assign_aliases(def);
    return def;
}

/* ---- the commands -------------------------------------------------------- */

static void test_no_commands(void **state)
{
    (void)state;
    lv_domain_def *def = parse("<graphics type='vnc' port='5905' autoport='no'/>"
                               "<interface type='user'/><memballoon model='virtio'/>",
                               NULL);
    assert_null(lv__qemu_setup_commands(def));
    lv_domain_def_free(def);
}

static void test_commands(void **state)
{
    (void)state;
    lv_domain_def *def =
        parse("<graphics type='vnc' port='-1' autoport='yes' passwd='pw'/>"
              "<interface type='user'><link state='down'/></interface>"
              "<memballoon model='virtio'><stats period='5'/></memballoon>",
              "<memory unit='MiB'>128</memory><currentMemory unit='MiB'>100</currentMemory>");
    char *json = lv__qemu_setup_commands(def);
    assert_non_null(json);
    assert_string_equal(
        json, "{\"commands\":["
              "{\"execute\":\"set_password\",\"arguments\":{\"protocol\":\"vnc\",\"password\":"
              "\"pw\"}},"
              "{\"execute\":\"set_link\",\"arguments\":{\"name\":\"net0\",\"up\":false}},"
              "{\"execute\":\"balloon\",\"arguments\":{\"value\":104857600}},"
              "{\"execute\":\"qom-set\",\"arguments\":{\"path\":\"\\/machine\\/peripheral\\/"
              "balloon0\",\"property\":\"guest-stats-polling-interval\",\"value\":5}},"
              "{\"execute\":\"query-vnc\",\"learn\":\"vnc_port\"}]}");
    free(json);
    lv_domain_def_free(def);
}

static void test_fold(void **state)
{
    (void)state;
    lv_domain_def *def = parse("<graphics type='vnc' port='-1' autoport='yes'/>", NULL);
    lv__qemu_status s = {0};
    lv__qemu_fold_status(def, &s); /* nothing learnt: unchanged */
    assert_true(def->graphics[0].port.value < 0 || !def->graphics[0].port.set);
    s.vnc_port = 5907;
    lv__qemu_fold_status(def, &s);
    assert_true(def->graphics[0].port.set);
    assert_int_equal(def->graphics[0].port.value, 5907);
    lv_domain_def_free(def);

    /* The status file carries it. */
    s.name = "s";
    char *text = lv__qemu_status_format(&s);
    lv__qemu_status back;
    assert_int_equal(lv__qemu_status_parse(text, &back, NULL), 0);
    assert_int_equal(back.vnc_port, 5907);
    lv__qemu_status_clear(&back);
    free(text);
}

/* ---- the monitor by hand ------------------------------------------------- */

static bool exists(const char *name)
{
    char path[512];
    struct stat sb;
    snprintf(path, sizeof(path), "%s/%s", root, name);
    return lstat(path, &sb) == 0;
}

/* Is a qemu (not a zombie) running with needle in its command line? */
static bool qemu_with(const char *needle)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    bool found = false;
    while (d && (e = readdir(d)) && !found) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300], buf[8192], st[512] = "";
        snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue;
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n <= 0)
            continue;
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] == '\0')
                buf[i] = ' ';
        buf[n] = '\0';
        snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
        fd = open(path, O_RDONLY);
        if (fd >= 0) {
            ssize_t m = read(fd, st, sizeof(st) - 1);
            st[m > 0 ? m : 0] = '\0';
            close(fd);
        }
        char *rp = strrchr(st, ')');
        bool zombie = rp && rp[2] == 'Z';
        if (!zombie && strncmp(buf, "qemu-system", 11) == 0 && strstr(buf, needle))
            found = true;
    }
    if (d)
        closedir(d);
    return found;
}

/* Runs luvirt-monitor (paused) for domain name, with setup written to its
 * --setup file ("-": the option names a file that is not there; NULL: no
 * option), and returns its one-line answer on fd 3 (static). */
static const char *run_monitor(const char *name, const char *setup)
{
    char log[256], setup_path[256], uuid[64];
    snprintf(log, sizeof(log), "%s/%s.log", root, name);
    snprintf(setup_path, sizeof(setup_path), "%s/%s.setup", root, name);
    snprintf(uuid, sizeof(uuid), "2b0d3c0e-1111-4222-8333-%012d", (int)getpid());
    const char *argv[64];
    size_t k = 0;
    const char *monitor_args[] = {LUVIRT_MONITOR, "--run", root, "--name", name, "--uuid",
                                  uuid,           "--id",  "1",  "--log",  log,  "--paused"};
    for (size_t i = 0; i < sizeof(monitor_args) / sizeof(*monitor_args); i++)
        argv[k++] = monitor_args[i];
    if (setup) {
        argv[k++] = "--setup";
        argv[k++] = setup_path;
        if (strcmp(setup, "-") != 0)
            assert_int_equal(lv_file_write_atomic(setup_path, setup, strlen(setup), 0600, NULL), 0);
    }
    const char *qemu_args[] = {"--",       "qemu-system-x86_64",
                               "-S",       "-display",
                               "none",     "-nodefaults",
                               "-uuid",    uuid,
                               "-vnc",     "127.0.0.1:0,to=99,password=on",
                               "-chardev", "socket,id=charmonitor,fd=3,server=on,wait=off",
                               "-mon",     "chardev=charmonitor,mode=control",
                               "-chardev", "socket,id=charmonitor1,fd=4,server=on,wait=off",
                               "-mon",     "chardev=charmonitor1,mode=control"};
    for (size_t i = 0; i < sizeof(qemu_args) / sizeof(*qemu_args); i++)
        argv[k++] = qemu_args[i];
    argv[k] = NULL;
    int p[2];
    assert_int_equal(pipe2(p, O_CLOEXEC), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 3);
    pid_t pid;
    assert_int_equal(posix_spawn(&pid, LUVIRT_MONITOR, &fa, NULL, (char *const *)argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    static char answer[4096];
    size_t len = 0;
    ssize_t n;
    while (len < sizeof(answer) - 1 && (n = read(p[0], answer + len, sizeof(answer) - 1 - len)) > 0)
        len += (size_t)n;
    answer[len] = '\0';
    close(p[0]);
    int status;
    waitpid(pid, &status, 0); /* the first of its double fork */
    return answer;
}

static void assert_nothing_left(const char *name, const char *uuid_tail)
{
    static const char *const suffixes[] = {".status", ".qmp", ".mon", ".setup"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
        char file[128];
        snprintf(file, sizeof(file), "%s%s", name, suffixes[i]);
        if (exists(file))
            fail_msg("'%s' was left behind", file);
    }
    /* The monitor answers once it has reaped qemu. */
    assert_false(qemu_with(uuid_tail));
}

static void uuid_tail(char *out, size_t size)
{
    snprintf(out, size, "%012d", (int)getpid());
}

static void test_monitor_usage(void **state)
{
    (void)state;
    char errfile[256];
    snprintf(errfile, sizeof(errfile), "%s/usage.err", root);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    char *argv[] = {(char *)LUVIRT_MONITOR, NULL};
    pid_t pid;
    assert_int_equal(posix_spawn(&pid, LUVIRT_MONITOR, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 2);
    char *text = NULL;
    size_t len;
    assert_int_equal(lv_file_read_all(errfile, &text, &len, NULL), 0);
    assert_int_equal(strncmp(text, "luvirt-monitor: ", 16), 0);
    /* one line */
    assert_true(len > 0 && text[len - 1] == '\n');
    assert_null(memchr(text, '\n', len - 1));
    free(text);
}

static void test_monitor_bad_setup(void **state)
{
    (void)state;
    char tail[32];
    uuid_tail(tail, sizeof(tail));

    const char *a = run_monitor("b1", "[1, 2]");
    printf("# not a list: %s", a);
    assert_non_null(strstr(a, "error the start settings '"));
    assert_non_null(strstr(a, "are not a command list"));
    assert_nothing_left("b1", tail);

    a = run_monitor("b2", "{\"commands\":[{\"execute\":\"no-such-command\"}]}");
    printf("# refused: %s", a);
    assert_non_null(strstr(a, "error QMP command 'no-such-command' failed"));
    assert_nothing_left("b2", tail);

    a = run_monitor("b3", "-"); /* --setup names a file that is not there */
    printf("# missing: %s", a);
    assert_non_null(strstr(a, "error cannot read the start settings"));
    assert_nothing_left("b3", tail);
}

static void test_monitor_good_setup(void **state)
{
    (void)state;
    char tail[32];
    uuid_tail(tail, sizeof(tail));
    const char *a = run_monitor("g1", "{\"commands\":["
                                      "{\"execute\":\"set_password\",\"arguments\":"
                                      "{\"protocol\":\"vnc\",\"password\":\"pw\"}},"
                                      "{\"execute\":\"query-vnc\",\"learn\":\"vnc_port\"}]}");
    assert_string_equal(a, "ok\n");
    assert_false(exists("g1.setup")); /* the password is gone from the disk */
    char path[256];
    snprintf(path, sizeof(path), "%s/g1.status", root);
    lv__qemu_status s;
    assert_int_equal(lv__qemu_status_read(path, &s, NULL), 1);
    assert_true(s.vnc_port >= 5900 && s.vnc_port <= 5999);
    printf("# learnt the VNC port %d\n", s.vnc_port);
    assert_int_equal(s.state, LV_DOMAIN_PAUSED);
    /* Done: SIGTERM to qemu, and the monitor cleans up after it. */
    assert_int_equal(kill(s.qemu_pid, SIGTERM), 0);
    for (int i = 0; i < 400 && exists("g1.status"); i++)
        usleep(25000);
    assert_false(exists("g1.status"));
    assert_false(qemu_with(tail));
    lv__qemu_status_clear(&s);
}

int main(void)
{
    const struct CMUnitTest unit[] = {
        cmocka_unit_test(test_no_commands),
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_fold),
    };
    int rc = cmocka_run_group_tests_name("setup commands", unit, NULL, NULL);
    if (access("/usr/bin/qemu-system-x86_64", X_OK) < 0) {
        printf("# skipped the monitor part: no /usr/bin/qemu-system-x86_64\n");
        return rc ? rc : 77;
    }
    snprintf(root, sizeof(root), "/tmp/lvqemu-setup-XXXXXX");
    if (!mkdtemp(root))
        return 1;
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest monitor[] = {
        cmocka_unit_test(test_monitor_usage),
        cmocka_unit_test(test_monitor_bad_setup),
        cmocka_unit_test(test_monitor_good_setup),
    };
    rc |= cmocka_run_group_tests_name("luvirt-monitor", monitor, NULL, NULL);
    if (rc == 0)
        remove_tree(root);
    else
        printf("# left %s for a look\n", root);
    return rc;
}
