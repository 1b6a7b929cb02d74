/* Integration: the fds a start hands to qemu for the guest's NICs
 * (lv__qemu_prepare_nets, qemu_run.h) reach qemu at the numbers its argv names,
 * through the monitor process, and nobody else keeps a copy: not this process
 * (the shell), not the monitor. Stands in for the real prepare with
 * lv__qemu_prepare_nets_hook, so it runs without root:
 *   a pipe's write end given for a type='user' NIC is fd 5 of the running qemu,
 *     and the read end sees EOF as soon as qemu is destroyed;
 *   a pipe given for a type='bridge' NIC: the argv says fd=5, qemu refuses it
 *     (not a TAP) naming FD 5, the start fails cleanly and the pipe is released;
 *   a prepare that fails: its message, nothing left;
 *   as root: two real TAPs (no TUNSETPERSIST) around a user NIC become qemu's
 *     fds 5 and 6 (fd=5 / fd=6 in the argv, the TAP names in fdinfo), and both
 *     devices vanish when qemu is destroyed.
 * Guests are started paused (-S) and have no disk or kernel: qemu itself is
 * what is tested. Skips (77) without qemu. */
#include "qemu_test_helpers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qemu_run.h"

static char root[128];
static char uri[256];

/* ---- the stand-in for lv__qemu_prepare_nets ------------------------------ */

enum { MAX_NICS = 4 };
static int give_fd[MAX_NICS];     /* per interface: an fd to hand out (dup'd), or -1 */
static const char *prepare_error; /* fail with this instead */
static int prepare_calls;

static int fake_prepare(lv__qemu_state *st, lv_domain_def *def, int **fds, size_t *nfds,
                        lv_error *err)
{
    (void)st;
    prepare_calls++;
    if (prepare_error)
        return lv_error_set(err, LV_ERR_OPERATION_FAILED, "%s", prepare_error);
    assert_true(def->nnets <= MAX_NICS);
    *nfds = def->nnets;
    *fds = malloc((def->nnets ? def->nnets : 1) * sizeof(int));
    for (size_t i = 0; i < def->nnets; i++)
        (*fds)[i] = give_fd[i] >= 0 ? fcntl(give_fd[i], F_DUPFD_CLOEXEC, 0) : -1;
    return 0;
}

static void give_none(void)
{
    for (int i = 0; i < MAX_NICS; i++)
        give_fd[i] = -1;
    prepare_error = NULL;
}

/* ---- helpers ------------------------------------------------------------- */

static char *dom_xml(const char *name, const char *nics)
{
    static char buf[2048];
    snprintf(buf, sizeof(buf),
             "<domain type='qemu'><name>%s</name><memory unit='MiB'>64</memory>"
             "<vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices>%s</devices>"
             "</domain>",
             name, nics);
    return buf;
}

static void read_status(const char *name, lv__qemu_status *s)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/run/%s.status", root, name);
    lv_error err;
    if (lv__qemu_status_read(path, s, &err) != 1)
        fail_msg("no status file for '%s'", name);
    assert_true(s->qemu_pid > 0);
    assert_true(s->monitor_pid > 0);
}

/* How many of pid's fds link to target (e.g. "pipe:[123]", "/dev/net/tun"). */
static int fds_linking_to(pid_t pid, const char *target)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[400], link[300];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        ssize_t len = readlink(path, link, sizeof(link) - 1);
        if (len <= 0)
            continue;
        link[len] = '\0';
        if (strcmp(link, target) == 0)
            n++;
    }
    closedir(d);
    return n;
}

static void fd_link(pid_t pid, int fd, char *out, size_t size)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
    ssize_t len = readlink(path, out, size - 1);
    if (len < 0)
        fail_msg("process %d has no fd %d", (int)pid, fd);
    out[len] = '\0';
}

static void pipe_name(int fd, char *out, size_t size)
{
    struct stat sb;
    assert_int_equal(fstat(fd, &sb), 0);
    snprintf(out, size, "pipe:[%llu]", (unsigned long long)sb.st_ino);
}

static bool argv_has(const lv__qemu_status *s, const char *needle)
{
    for (char **a = s->argv; a && *a; a++)
        if (strstr(*a, needle))
            return true;
    return false;
}

static void assert_clean(const char *name)
{
    static const char *const suffixes[] = {".status", ".qmp", ".mon",  ".console",
                                           ".pid",    ".xml", ".setup"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
        char path[512];
        struct stat sb;
        snprintf(path, sizeof(path), "%s/run/%s%s", root, name, suffixes[i]);
        if (lstat(path, &sb) == 0)
            fail_msg("'%s' was left behind", path);
    }
}

/* A pipe whose read end is non-blocking: read gives EAGAIN while a write end
 * is open anywhere, 0 once none is. */
static void make_pipe(int p[2])
{
    assert_int_equal(pipe2(p, O_CLOEXEC), 0);
    assert_int_equal(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
}

static bool writer_alive(int rfd)
{
    char c;
    ssize_t n = read(rfd, &c, 1);
    if (n == 0)
        return false;
    assert_true(n < 0 && errno == EAGAIN);
    return true;
}

/* ---- tests --------------------------------------------------------------- */

static void test_fd_reaches_qemu(void **state)
{
    (void)state;
    give_none();
    int p[2];
    make_pipe(p);
    char pname[64];
    pipe_name(p[0], pname, sizeof(pname));
    give_fd[0] = p[1];
    lv_conn *c = open_ok(uri);
    lv_domain_info *info = NULL;
    assert_ok(create(c, dom_xml("n1", "<interface type='user'><model type='virtio'/></interface>"),
                     LV_START_PAUSED, &info));
    lv_domain_info_free(info);
    close(p[1]); /* the prepare's copy was closed by the start */
    give_fd[0] = -1;
    assert_int_equal(fds_linking_to(getpid(), pname), 1); /* our read end only */

    lv__qemu_status s;
    read_status("n1", &s);
    char link[300];
    fd_link(s.qemu_pid, LV__QEMU_FIRST_PASSED_FD, link, sizeof(link));
    assert_string_equal(link, pname);
    assert_int_equal(fds_linking_to(s.qemu_pid, pname), 1);
    assert_int_equal(fds_linking_to(s.monitor_pid, pname), 0);
    assert_true(writer_alive(p[0]));

    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, s.uuid, LV_UUID_LEN);
    assert_ok(op(lv_domain_destroy, c, uuid, 0));
    /* qemu held the last copy. */
    assert_false(writer_alive(p[0]));
    assert_clean("n1");
    lv__qemu_status_clear(&s);
    close(p[0]);
    lv_conn_close(c);
}

static void test_fd_number_in_argv(void **state)
{
    (void)state;
    give_none();
    int p[2];
    make_pipe(p);
    give_fd[0] = p[1];
    lv_conn *c = open_ok(uri);
    assert_fails(create(c,
                        dom_xml("n2", "<interface type='bridge'><source bridge='lvnone0'/>"
                                      "<model type='virtio'/></interface>"),
                        LV_START_PAUSED, NULL),
                 LV_ERR_OPERATION_FAILED, "tap,fd=5,");
    printf("# a pipe for a TAP: %s\n", last_err.message);
    /* qemu itself looked at fd 5 and found it is not a TAP. */
    assert_non_null(strstr(last_err.message, "FD 5"));
    close(p[1]);
    give_fd[0] = -1;
    assert_false(writer_alive(p[0]));
    assert_clean("n2");
    close(p[0]);
    lv_conn_close(c);
}

static void test_prepare_fails(void **state)
{
    (void)state;
    give_none();
    prepare_error = "test: no TAP for interface 0";
    int calls = prepare_calls;
    lv_conn *c = open_ok(uri);
    assert_fails(create(c,
                        dom_xml("n3", "<interface type='bridge'><source bridge='lvnone0'/>"
                                      "</interface>"),
                        0, NULL),
                 LV_ERR_OPERATION_FAILED, "test: no TAP for interface 0");
    assert_int_equal(prepare_calls, calls + 1);
    assert_clean("n3");
    lv_conn_close(c);
    give_none();
}

/* A TAP as the network part opens it: not persistent, gone with its last fd. */
static int open_tap(const char *name)
{
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct ifreq ifr = {0};
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool link_exists(const char *name)
{
    char path[128];
    struct stat sb;
    snprintf(path, sizeof(path), "/sys/class/net/%s", name);
    return stat(path, &sb) == 0;
}

/* The tun device name of fd in pid ("iff:" of its fdinfo), or "". */
static void tap_name_of(pid_t pid, int fd, char *out, size_t size)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
    out[0] = '\0';
    int f = open(path, O_RDONLY);
    if (f < 0)
        return;
    ssize_t n = read(f, buf, sizeof(buf) - 1);
    close(f);
    buf[n > 0 ? n : 0] = '\0';
    char *iff = strstr(buf, "iff:");
    if (iff && sscanf(iff + 4, " %63s", out) != 1)
        out[0] = '\0';
    (void)size;
}

static void test_real_taps(void **state)
{
    (void)state;
    give_none();
    char tap_a[IFNAMSIZ], tap_b[IFNAMSIZ];
    snprintf(tap_a, sizeof(tap_a), "lvt%da", (int)getpid() % 100000);
    snprintf(tap_b, sizeof(tap_b), "lvt%db", (int)getpid() % 100000);
    int a = open_tap(tap_a);
    if (a < 0) {
        printf("# skipped the real TAP part: cannot make a TAP here (%s; needs root and "
               "/dev/net/tun)\n",
               strerror(errno));
        return;
    }
    int b = open_tap(tap_b);
    assert_true(b >= 0);
    assert_true(link_exists(tap_a));
    give_fd[0] = a;
    give_fd[2] = b;
    lv_conn *c = open_ok(uri);
    lv_domain_info *info = NULL;
    assert_ok(create(c,
                     dom_xml("n4", "<interface type='bridge'><source bridge='lvnone0'/>"
                                   "<model type='virtio'/></interface>"
                                   "<interface type='user'><model type='e1000'/></interface>"
                                   "<interface type='bridge'><source bridge='lvnone0'/>"
                                   "<model type='virtio'/></interface>"),
                     LV_START_PAUSED, &info));
    lv_domain_info_free(info);
    close(a);
    close(b);
    give_none();
    assert_true(link_exists(tap_a)); /* qemu holds them */
    assert_true(link_exists(tap_b));

    lv__qemu_status s;
    read_status("n4", &s);
    assert_true(argv_has(&s, "tap,fd=5,id=hostnet0"));
    assert_true(argv_has(&s, "tap,fd=6,id=hostnet2"));
    char name[64];
    tap_name_of(s.qemu_pid, 5, name, sizeof(name));
    assert_string_equal(name, tap_a);
    tap_name_of(s.qemu_pid, 6, name, sizeof(name));
    assert_string_equal(name, tap_b);
    assert_int_equal(fds_linking_to(s.monitor_pid, "/dev/net/tun"), 0);
    assert_int_equal(fds_linking_to(getpid(), "/dev/net/tun"), 0);

    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, s.uuid, LV_UUID_LEN);
    assert_ok(op(lv_domain_destroy, c, uuid, 0));
    /* The kernel removes a TAP when its last fd closes: no copy was left. */
    for (int i = 0; i < 400 && (link_exists(tap_a) || link_exists(tap_b)); i++)
        usleep(25000);
    assert_false(link_exists(tap_a));
    assert_false(link_exists(tap_b));
    assert_clean("n4");
    lv__qemu_status_clear(&s);
    lv_conn_close(c);
}

int main(void)
{
    if (access("/usr/bin/qemu-system-x86_64", X_OK) < 0) {
        printf("# skipped: no /usr/bin/qemu-system-x86_64\n");
        return 77;
    }
    snprintf(root, sizeof(root), "/tmp/lvqemu-nets-XXXXXX");
    if (!mkdtemp(root))
        return 1;
    snprintf(uri, sizeof(uri), "qemu:///embed?root=%s", root);
    setenv("LUVIRT_MONITOR_EXE", LUVIRT_MONITOR, 0);
    signal(SIGPIPE, SIG_IGN);
    lv__qemu_prepare_nets_hook = fake_prepare;
    give_none();
    uv_loop_init(&loop);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fd_reaches_qemu),
        cmocka_unit_test(test_fd_number_in_argv),
        cmocka_unit_test(test_prepare_fails),
        cmocka_unit_test(test_real_taps),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    /* Whatever a failed test left running goes. */
    lv_conn *c = NULL;
    uv_loop_init(&loop);
    if (conn_open(uri, 0, &c) == 0) {
        lv_domain_list *list = NULL;
        if (list_all(c, LV_LIST_ACTIVE, &list) == 0) {
            for (size_t i = 0; i < list->count; i++)
                op(lv_domain_destroy, c, list->items[i].uuid, 0);
            lv_domain_list_free(list);
        }
        lv_conn_close(c);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    if (rc == 0)
        remove_tree(root);
    else
        printf("# left %s for a look\n", root);
    return rc;
}
