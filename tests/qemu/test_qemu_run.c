/* Integration: real qemu guests (the test guest of tests/guest/, direct kernel
 * boot, TCG) through the qemu driver over qemu:///embed?root=TMP, by the lv_*
 * entry points and by the luvirt binary as separate shells:
 *   the ready line in the console log, suspend/resume, reset (a second ready
 *   line), ACPI shutdown that completes, destroy, reboot; a guest outliving the
 *   shell that started it, seen and stopped by a new one; kill -9 of qemu seen
 *   as crashed and cleaned up; two shells racing to start one domain; a bad
 *   disk path failing with qemu's message and leaving nothing behind; a
 *   transient domain; type 'kvm' without a usable /dev/kvm.
 * At most one guest runs at a time (2 cores). Prints the times it measures.
 * Skips (77) when the guest or qemu is missing. */
#include "qemu_test_helpers.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
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

static char *path_in(const char *sub)
{
    static char buf[1024];
    snprintf(buf, sizeof(buf), "%s/%s", root, sub);
    return buf;
}

static bool exists(const char *sub)
{
    struct stat sb;
    return lstat(path_in(sub), &sb) == 0;
}

static char *guest_xml_on(const char *name, const char *type, const char *extra_devices,
                          const char *on)
{
    static char buf[4096];
    snprintf(buf, sizeof(buf),
             "<domain type='%s'><name>%s</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>%s"
             "<os><type arch='x86_64'>hvm</type><kernel>%s</kernel><initrd>%s</initrd>"
             "<cmdline>console=ttyS0 quiet</cmdline></os><features><acpi/></features>"
             "<devices>%s<serial type='pty'><target port='0'/></serial>"
             "<console type='pty'><target type='serial' port='0'/></console></devices>"
             "</domain>",
             type, name, on ? on : "", kernel, initrd, extra_devices ? extra_devices : "");
    return buf;
}

static char *guest_xml(const char *name, const char *type, const char *extra_devices)
{
    return guest_xml_on(name, type, extra_devices, NULL);
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

/* Waits until the console log of name holds count ready lines; returns ms. */
static double wait_ready(const char *name, int count)
{
    char sub[256];
    snprintf(sub, sizeof(sub), "log/%s.console.log", name);
    double t0 = now_ms();
    while (count_in_file(path_in(sub), "LUVIRT-GUEST-READY") < count) {
        if (now_ms() - t0 > BOOT_TIMEOUT_MS)
            fail_msg("no ready line %d from '%s' within %d s", count, name, BOOT_TIMEOUT_MS / 1000);
        usleep(50000);
    }
    return now_ms() - t0;
}

/* Waits until name is in state want (a fresh lookup each time). */
static void wait_state(lv_conn *c, const char *name, lv_domain_state want, unsigned ms)
{
    double t0 = now_ms();
    while (state_of(c, name, NULL) != want) {
        if (now_ms() - t0 > ms)
            fail_msg("'%s' did not become %s within %u ms", name, lv_domain_state_string(want), ms);
        usleep(5000);
    }
}

/* The runtime files a domain must not leave behind once it is off. */
static void assert_clean(const char *name)
{
    static const char *const suffixes[] = {".status", ".qmp", ".mon",  ".console",
                                           ".pid",    ".xml", ".setup"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
        char sub[256];
        snprintf(sub, sizeof(sub), "run/%s%s", name, suffixes[i]);
        if (exists(sub))
            fail_msg("'%s' was left behind", sub);
    }
}

/* Is there a qemu (not a zombie) whose command line names needle (its -uuid)? */
static bool process_with(const char *needle)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    bool found = false;
    while (d && (e = readdir(d)) && !found) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[300], buf[8192];
        snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue;
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n <= 0)
            continue;
        buf[n] = '\0';
        bool is_qemu = strstr(buf, "qemu-system") != NULL; /* argv[0], not the monitor */
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] == '\0')
                buf[i] = ' ';
        buf[n] = '\0';
        char stat_path[300], st[512] = "";
        snprintf(stat_path, sizeof(stat_path), "/proc/%s/stat", e->d_name);
        fd = open(stat_path, O_RDONLY);
        if (fd >= 0) {
            ssize_t m = read(fd, st, sizeof(st) - 1);
            st[m > 0 ? m : 0] = '\0';
            close(fd);
        }
        char *rp = strrchr(st, ')');
        bool zombie = rp && rp[2] == 'Z';
        if (!zombie && is_qemu && strstr(buf, needle))
            found = true;
    }
    if (d)
        closedir(d);
    return found;
}

/* Runs the luvirt binary (a separate shell) and waits for it; its stderr in err. */
static int run_luvirt(const char *a1, const char *a2, char *err, size_t errsz)
{
    char errfile[256];
    snprintf(errfile, sizeof(errfile), "%s/luvirt.%d.err", root, (int)getpid());
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    char *argv[] = {(char *)LUVIRT_BIN, "-c", uri, (char *)a1, (char *)a2, NULL};
    pid_t pid;
    assert_int_equal(posix_spawn(&pid, LUVIRT_BIN, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    int status;
    waitpid(pid, &status, 0);
    if (err) {
        char *text = NULL;
        size_t len;
        err[0] = '\0';
        if (lv_file_read_all(errfile, &text, &len, NULL) == 0) {
            snprintf(err, errsz, "%s", text);
            free(text);
        }
    }
    unlink(errfile);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static unsigned char *uuid_of(lv_conn *c, const char *name)
{
    static unsigned char uuid[LV_UUID_LEN];
    lv_domain_info *info = NULL;
    assert_ok(lookup(c, name, &info));
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
    return uuid;
}

static int qmp_passthrough(lv_conn *c, const unsigned char *uuid, const char *cmd, unsigned flags,
                           char **out)
{
    result r = {0};
    lv_domain_qemu_monitor_command(c, uuid, cmd, flags, string_cb, &r);
    int ret = finish(&r);
    *out = r.str;
    return ret;
}

/* ---- tests -------------------------------------------------------------- */

static void test_bad_disk(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri);
    /* The VNC password makes a setup file for the monitor (RUN/bad.setup), which
     * qemu's failure must not leave behind either. */
    const char *disk = "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
                       "<source file='/nonexistent/luvirt-disk.img'/>"
                       "<target dev='vda' bus='virtio'/></disk>"
                       "<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1' "
                       "passwd='pw'/>";
    assert_ok(define(c, guest_xml("bad", "qemu", disk), NULL));
    unsigned char *uuid = uuid_of(c, "bad");
    char uuidstr[LV_UUID_STRING_LEN];
    lv_uuid_format(uuid, uuidstr);
    assert_fails(op(lv_domain_start, c, uuid, 0), LV_ERR_OPERATION_FAILED,
                 "Could not open '/nonexistent/luvirt-disk.img'");
    assert_non_null(strstr(last_err.message, "argv: qemu-system-x86_64"));
    printf("# bad disk: %s\n", last_err.message);
    assert_clean("bad");
    assert_false(exists("run/bad.ended"));
    assert_false(process_with(uuidstr));
    assert_int_equal(state_of(c, "bad", NULL), LV_DOMAIN_SHUTOFF);
    assert_ok(op(lv_domain_undefine, c, uuid, 0));
    lv_conn_close(c);
}

static void test_kvm(void **state)
{
    (void)state;
    int fd = open("/dev/kvm", O_RDWR);
    if (fd >= 0) {
        close(fd);
        printf("# /dev/kvm is usable here: the 'kvm' refusal is not tested\n");
        return;
    }
    lv_conn *c = open_ok(uri);
    assert_ok(define(c, guest_xml("k", "kvm", NULL), NULL));
    unsigned char *uuid = uuid_of(c, "k");
    assert_fails(op(lv_domain_start, c, uuid, 0), LV_ERR_CONFIG_UNSUPPORTED, "/dev/kvm");
    assert_clean("k");
    assert_ok(op(lv_domain_undefine, c, uuid, 0));
    lv_conn_close(c);
}

static void test_lifecycle(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri);
    assert_ok(define(c, guest_xml("g1", "qemu", NULL), NULL));
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, uuid_of(c, "g1"), LV_UUID_LEN);

    double t0 = now_ms();
    assert_ok(op(lv_domain_start, c, uuid, 0));
    double t_start = now_ms() - t0;
    lv_domain_info *info = NULL;
    assert_ok(get_info(c, uuid, &info));
    assert_int_equal(info->state, LV_DOMAIN_RUNNING);
    assert_int_equal(info->reason, LV_RUNNING_BOOTED);
    assert_true(info->id > 0);
    int id = info->id;
    lv_domain_info_free(info);
    assert_fails(op(lv_domain_start, c, uuid, 0), LV_ERR_OPERATION_INVALID, "already running");
    assert_fails(op(lv_domain_resume, c, uuid, 0), LV_ERR_OPERATION_INVALID, "is not paused");
    double t_ready = wait_ready("g1", 1) + t_start;
    printf("# start returned after %.1f ms; ready line after %.0f ms\n", t_start, t_ready);

    char *xml = NULL;
    assert_ok(get_xml(c, uuid, 0, &xml));
    char want[64];
    snprintf(want, sizeof(want), "<domain type='qemu' id='%d'>", id);
    assert_non_null(strstr(xml, want));
    free(xml);

    t0 = now_ms();
    assert_ok(op(lv_domain_suspend, c, uuid, 0));
    double t_suspend = now_ms() - t0;
    int reason = 0;
    assert_int_equal(state_of(c, "g1", &reason), LV_DOMAIN_PAUSED);
    assert_int_equal(reason, LV_PAUSED_USER);
    /* Another shell sees it paused (the monitor's status file). */
    lv_conn *c2 = open_ok(uri);
    wait_state(c2, "g1", LV_DOMAIN_PAUSED, 2000);
    assert_fails(op(lv_domain_suspend, c2, uuid, 0), LV_ERR_OPERATION_INVALID, "already paused");
    assert_ok(get_info(c, uuid, &info));
    uint64_t cpu1 = info->cpu_time_ns;
    lv_domain_info_free(info);
    assert_true(cpu1 > 0);
    t0 = now_ms();
    assert_ok(op(lv_domain_resume, c2, uuid, 0));
    double t_resume = now_ms() - t0;
    assert_int_equal(state_of(c2, "g1", &reason), LV_DOMAIN_RUNNING);
    assert_int_equal(reason, LV_RUNNING_UNPAUSED);
    wait_state(c, "g1", LV_DOMAIN_RUNNING, 2000);
    printf("# suspend %.1f ms, resume %.1f ms\n", t_suspend, t_resume);

    /* QMP passthrough. */
    char *text = NULL;
    assert_ok(
        qmp_passthrough(c, uuid, "{\"execute\": \"query-status\", \"id\": \"me\"}", 0, &text));
    assert_non_null(strstr(text, "\"status\":\"running\""));
    assert_non_null(strstr(text, "\"id\":\"me\""));
    free(text);
    assert_ok(qmp_passthrough(c, uuid, "info status", LV_QMP_PASSTHROUGH_HMP, &text));
    assert_non_null(strstr(text, "VM status: running"));
    free(text);
    assert_ok(qmp_passthrough(c, uuid, "{\"execute\": \"no-such-command\"}", 0, &text));
    assert_non_null(strstr(text, "CommandNotFound"));
    free(text);

    /* reset: the guest boots again (a second ready line) in the same qemu. */
    assert_ok(op(lv_domain_reset, c, uuid, 0));
    wait_ready("g1", 2);
    assert_ok(get_info(c, uuid, &info));
    assert_int_equal(info->id, id);
    assert_int_equal(info->state, LV_DOMAIN_RUNNING);
    lv_domain_info_free(info);

    /* Metadata of the running guest: the live definition only, or both. */
    assert_ok(set_metadata(c, uuid, LV_METADATA_TITLE, "live title", 0));
    assert_ok(get_xml(c, uuid, 0, &xml));
    assert_non_null(strstr(xml, "<title>live title</title>"));
    free(xml);
    assert_ok(get_xml(c, uuid, LV_XML_INACTIVE, &xml));
    assert_null(strstr(xml, "<title>"));
    free(xml);
    assert_ok(
        set_metadata(c, uuid, LV_METADATA_DESCRIPTION, "both", LV_AFFECT_LIVE | LV_AFFECT_CONFIG));
    lv_conn *c3 = open_ok(uri);
    assert_ok(get_xml(c3, uuid, LV_XML_INACTIVE, &xml));
    assert_non_null(strstr(xml, "<description>both</description>"));
    free(xml);
    assert_ok(get_xml(c3, uuid, 0, &xml));
    assert_non_null(strstr(xml, "<title>live title</title>"));
    free(xml);
    lv_conn_close(c3);
    assert_fails(rename_dom(c, uuid, "other"), LV_ERR_OPERATION_INVALID, "it is active");

    /* ACPI shutdown, waiting until it is off. */
    t0 = now_ms();
    assert_ok(op(lv_domain_shutdown, c, uuid, LV_SHUTDOWN_WAIT | LV_SHUTDOWN_TIMEOUT(60)));
    double t_shutdown = now_ms() - t0;
    printf("# ACPI shutdown to shut off: %.1f ms\n", t_shutdown);
    assert_int_equal(state_of(c, "g1", &reason), LV_DOMAIN_SHUTOFF);
    assert_int_equal(reason, LV_SHUTOFF_SHUTDOWN);
    assert_int_equal(state_of(c2, "g1", &reason), LV_DOMAIN_SHUTOFF);
    assert_int_equal(reason, LV_SHUTOFF_SHUTDOWN);
    assert_clean("g1");
    lv_conn_close(c2);

    /* Paused start, then destroy of a paused guest. */
    assert_ok(op(lv_domain_start, c, uuid, LV_START_PAUSED));
    assert_int_equal(state_of(c, "g1", &reason), LV_DOMAIN_PAUSED);
    assert_int_equal(reason, LV_PAUSED_USER);
    t0 = now_ms();
    assert_ok(op(lv_domain_destroy, c, uuid, 0));
    printf("# destroy: %.1f ms\n", now_ms() - t0);
    assert_int_equal(state_of(c, "g1", &reason), LV_DOMAIN_SHUTOFF);
    assert_int_equal(reason, LV_SHUTOFF_DESTROYED);
    assert_clean("g1");
    lv_conn_close(c);
}

static void test_reboot(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri);
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, uuid_of(c, "g1"), LV_UUID_LEN);
    unlink(path_in("log/g1.console.log"));
    assert_ok(op(lv_domain_start, c, uuid, 0));
    wait_ready("g1", 1);
    /* Through ACPI: the guest powers off, the monitor resets it. */
    assert_ok(op(lv_domain_reboot, c, uuid, 0));
    wait_ready("g1", 2);
    assert_int_equal(state_of(c, "g1", NULL), LV_DOMAIN_RUNNING);
    assert_false(exists("run/g1.reboot"));
    /* A reboot the guest ignored leaves its marker: a shutdown disarms it and
     * the guest really powers off. */
    assert_int_equal(lv_file_write_atomic(path_in("run/g1.reboot"), "", 0, 0600, NULL), 0);
    assert_ok(op(lv_domain_shutdown, c, uuid, LV_SHUTDOWN_WAIT | LV_SHUTDOWN_TIMEOUT(60)));
    int reason = 0;
    assert_int_equal(state_of(c, "g1", &reason), LV_DOMAIN_SHUTOFF);
    assert_int_equal(reason, LV_SHUTOFF_SHUTDOWN);
    assert_clean("g1");
    assert_false(exists("run/g1.reboot"));

    assert_ok(op(lv_domain_start, c, uuid, 0));
    assert_ok(op(lv_domain_destroy, c, uuid, LV_DESTROY_GRACEFUL));
    assert_int_equal(state_of(c, "g1", &reason), LV_DOMAIN_SHUTOFF);
    assert_int_equal(reason, LV_SHUTOFF_DESTROYED);
    assert_clean("g1");
    lv_conn_close(c);
}

/* on_poweroff restart: qemu stays (-no-shutdown) and the monitor process
 * boots the guest again after its ACPI power-off. */
static void test_on_poweroff_restart(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri);
    /* Also: a VNC password and a balloon target, applied before cont. */
    const char *devices = "<memballoon model='virtio'/><graphics type='vnc' port='-1' "
                          "autoport='yes' listen='127.0.0.1' passwd='pw'/>";
    assert_ok(define(c,
                     guest_xml_on("pr", "qemu", devices,
                                  "<currentMemory unit='MiB'>100</currentMemory>"
                                  "<on_poweroff>restart</on_poweroff>"),
                     NULL));
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, uuid_of(c, "pr"), LV_UUID_LEN);
    assert_ok(op(lv_domain_start, c, uuid, 0));
    lv_domain_info *info = NULL;
    assert_ok(get_info(c, uuid, &info));
    int id = info->id;
    lv_domain_info_free(info);
    /* The VNC port qemu picked shows in the live XML; the password does not. */
    char *xml = NULL;
    assert_ok(get_xml(c, uuid, 0, &xml));
    assert_non_null(strstr(xml, "<graphics type='vnc' port='59"));
    assert_null(strstr(xml, "passwd"));
    free(xml);
    wait_ready("pr", 1);
    /* The balloon (virtio_balloon in the guest) gives back what currentMemory
     * says; the monitor records qemu's BALLOON_CHANGE. */
    double t0 = now_ms();
    for (;;) {
        assert_ok(get_info(c, uuid, &info));
        uint64_t kib = info->memory_kib;
        lv_domain_info_free(info);
        if (kib == 100 * 1024)
            break;
        if (now_ms() - t0 > 20000)
            fail_msg("the balloon did not reach 100 MiB (at %llu KiB)", (unsigned long long)kib);
        usleep(50000);
    }
    assert_ok(op(lv_domain_shutdown, c, uuid, 0));
    wait_ready("pr", 2);
    assert_ok(get_info(c, uuid, &info));
    assert_int_equal(info->state, LV_DOMAIN_RUNNING);
    assert_int_equal(info->id, id); /* the same qemu */
    lv_domain_info_free(info);
    assert_ok(op(lv_domain_destroy, c, uuid, 0));
    assert_clean("pr");
    assert_ok(op(lv_domain_undefine, c, uuid, 0));
    lv_conn_close(c);
}

static void test_shells(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri);
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, uuid_of(c, "g1"), LV_UUID_LEN);
    lv_conn_close(c);

    /* A shell starts it and exits; the guest runs on; a new shell sees it. */
    char err[2048];
    double t0 = now_ms();
    assert_int_equal(run_luvirt("start", "g1", err, sizeof(err)), 0);
    printf("# luvirt start (the whole process): %.1f ms\n", now_ms() - t0);
    c = open_ok(uri);
    int reason = 0;
    assert_int_equal(state_of(c, "g1", &reason), LV_DOMAIN_RUNNING);
    assert_int_equal(reason, LV_RUNNING_BOOTED);
    /* ... and another shell stops it. */
    t0 = now_ms();
    assert_int_equal(run_luvirt("destroy", "g1", err, sizeof(err)), 0);
    printf("# luvirt destroy (the whole process): %.1f ms\n", now_ms() - t0);
    assert_int_equal(state_of(c, "g1", &reason), LV_DOMAIN_SHUTOFF);
    assert_int_equal(reason, LV_SHUTOFF_DESTROYED);
    assert_clean("g1");

    /* kill -9 of qemu: crashed, cleaned up (the monitor reaps it at once). */
    assert_ok(op(lv_domain_start, c, uuid, 0));
    char *pidtext = NULL;
    size_t len;
    assert_int_equal(lv_file_read_all(path_in("run/g1.pid"), &pidtext, &len, NULL), 0);
    pid_t pid = (pid_t)atoi(pidtext);
    free(pidtext);
    assert_true(pid > 0);
    t0 = now_ms();
    assert_int_equal(kill(pid, SIGKILL), 0);
    wait_state(c, "g1", LV_DOMAIN_SHUTOFF, 3000);
    printf("# kill -9 to shut off (crashed): %.1f ms\n", now_ms() - t0);
    assert_int_equal(state_of(c, "g1", &reason), LV_DOMAIN_SHUTOFF);
    assert_int_equal(reason, LV_SHUTOFF_CRASHED);
    assert_clean("g1");
    /* A new shell sees the same reason. */
    lv_conn *c2 = open_ok(uri);
    assert_int_equal(state_of(c2, "g1", &reason), LV_DOMAIN_SHUTOFF);
    assert_int_equal(reason, LV_SHUTOFF_CRASHED);
    lv_conn_close(c2);

    /* The monitor process killed: qemu runs on, shells still drive it (and keep
     * its status file), destroy still ends it and cleans up. */
    assert_ok(op(lv_domain_start, c, uuid, LV_START_PAUSED));
    char *stext = NULL;
    assert_int_equal(lv_file_read_all(path_in("run/g1.status"), &stext, &len, NULL), 0);
    char *mp = strstr(stext, "\"monitor_pid\":");
    assert_non_null(mp);
    pid_t monitor = (pid_t)atoi(mp + strlen("\"monitor_pid\":"));
    free(stext);
    assert_true(monitor > 0);
    assert_int_equal(kill(monitor, SIGKILL), 0);
    usleep(100000);
    assert_int_equal(state_of(c, "g1", NULL), LV_DOMAIN_PAUSED);
    assert_ok(op(lv_domain_resume, c, uuid, 0));
    c2 = open_ok(uri);
    assert_int_equal(state_of(c2, "g1", &reason), LV_DOMAIN_RUNNING);
    assert_int_equal(reason, LV_RUNNING_UNPAUSED);
    assert_ok(op(lv_domain_destroy, c2, uuid, 0));
    assert_int_equal(state_of(c2, "g1", &reason), LV_DOMAIN_SHUTOFF);
    assert_int_equal(reason, LV_SHUTOFF_DESTROYED);
    assert_clean("g1");
    lv_conn_close(c2);

    /* Two shells race to start it: one wins, the other says why it cannot. */
    char errfile[2][256];
    pid_t pids[2];
    for (int i = 0; i < 2; i++) {
        snprintf(errfile[i], sizeof(errfile[i]), "%s/race%d.err", root, i);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, errfile[i], O_WRONLY | O_CREAT | O_TRUNC, 0600);
        char *argv[] = {(char *)LUVIRT_BIN, "-c", uri, "start", "g1", NULL};
        assert_int_equal(posix_spawn(&pids[i], LUVIRT_BIN, &fa, NULL, argv, environ), 0);
        posix_spawn_file_actions_destroy(&fa);
    }
    int ok = 0, failed = 0;
    for (int i = 0; i < 2; i++) {
        int status;
        waitpid(pids[i], &status, 0);
        char *text = NULL;
        lv_file_read_all(errfile[i], &text, &len, NULL);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            ok++;
        } else {
            failed++;
            printf("# the losing shell: %s", text ? text : "(nothing)\n");
            assert_true(text && (strstr(text, "domain 'g1' is already being started") ||
                                 strstr(text, "domain 'g1' is already running")));
        }
        free(text);
    }
    assert_int_equal(ok, 1);
    assert_int_equal(failed, 1);
    assert_int_equal(state_of(c, "g1", NULL), LV_DOMAIN_RUNNING);
    assert_ok(op(lv_domain_destroy, c, uuid, 0));
    assert_clean("g1");

    /* A start whose connection closes before the answer (a cancelled task):
     * CANCELLED at once; the guest still comes up, and the lock is kept until
     * the monitor has answered, so no other shell starts it meanwhile. */
    lv_conn *c3 = open_ok(uri);
    result r = {0};
    lv_domain_start(c3, uuid, 0, done_cb, &r);
    lv_conn_close(c3);
    assert_true(r.done);
    assert_int_equal(r.err.code, LV_ERR_CANCELLED);
    assert_fails(op(lv_domain_start, c, uuid, 0), LV_ERR_OPERATION_INVALID, "already");
    double t1 = now_ms();
    while (state_of(c, "g1", NULL) != LV_DOMAIN_RUNNING) {
        if (now_ms() - t1 > 10000)
            fail_msg("the cancelled start did not finish");
        uv_run(&loop, UV_RUN_NOWAIT);
        usleep(2000);
    }
    for (int i = 0; i < 100; i++) { /* let the pipe's EOF release the lock */
        uv_run(&loop, UV_RUN_NOWAIT);
        usleep(1000);
    }
    assert_ok(op(lv_domain_suspend, c, uuid, 0)); /* takes the lock */
    assert_ok(op(lv_domain_destroy, c, uuid, 0));
    assert_clean("g1");
    lv_conn_close(c);
}

static void test_transient(void **state)
{
    /* A running persistent domain that is undefined runs on as transient and
     * is gone once it stops. */
    {
        lv_conn *c = open_ok(uri);
        assert_ok(define(c, guest_xml("ud", "qemu", NULL), NULL));
        unsigned char uuid[LV_UUID_LEN];
        memcpy(uuid, uuid_of(c, "ud"), LV_UUID_LEN);
        assert_ok(op(lv_domain_start, c, uuid, LV_START_PAUSED));
        assert_ok(op(lv_domain_undefine, c, uuid, 0));
        assert_false(exists("config/ud.xml"));
        lv_conn *c2 = open_ok(uri);
        lv_domain_info *info = NULL;
        assert_ok(lookup(c2, "ud", &info));
        assert_false(info->persistent);
        assert_int_equal(info->state, LV_DOMAIN_PAUSED);
        lv_domain_info_free(info);
        assert_ok(op(lv_domain_destroy, c2, uuid, 0));
        assert_fails(lookup(c, "ud", NULL), LV_ERR_NO_DOMAIN, NULL);
        assert_clean("ud");
        lv_conn_close(c2);
        lv_conn_close(c);
    }
    (void)state;
    lv_conn *c = open_ok(uri);
    lv_domain_info *info = NULL;
    assert_ok(create(c, guest_xml("tr", "qemu", NULL), 0, &info));
    assert_false(info->persistent);
    assert_int_equal(info->state, LV_DOMAIN_RUNNING);
    unsigned char uuid[LV_UUID_LEN];
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_domain_info_free(info);
    assert_false(exists("config/tr.xml"));
    lv_conn *c2 = open_ok(uri);
    assert_ok(lookup(c2, "tr", NULL));
    lv_domain_list *list = NULL;
    assert_ok(list_all(c2, LV_LIST_ACTIVE, &list));
    assert_int_equal(list->count, 1);
    lv_domain_list_free(list);
    assert_fails(op(lv_domain_undefine, c2, uuid, 0), LV_ERR_OPERATION_INVALID, "transient");
    assert_ok(op(lv_domain_destroy, c2, uuid, 0));
    assert_fails(lookup(c, "tr", NULL), LV_ERR_NO_DOMAIN, NULL);
    assert_fails(lookup(c2, "tr", NULL), LV_ERR_NO_DOMAIN, NULL);
    assert_clean("tr");
    lv_conn_close(c2);
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
        printf("# skipped: no test guest in %s (tests/guest/build-guest makes it)\n", dir);
        return 77;
    }
    if (access("/usr/bin/qemu-system-x86_64", X_OK) < 0) {
        printf("# skipped: no /usr/bin/qemu-system-x86_64\n");
        return 77;
    }
    snprintf(root, sizeof(root), "/tmp/lvqemu-run-XXXXXX");
    if (!mkdtemp(root))
        return 1;
    snprintf(uri, sizeof(uri), "qemu:///embed?root=%s", root);
    setenv("LUVIRT_MONITOR_EXE", LUVIRT_MONITOR, 0);
    signal(SIGPIPE, SIG_IGN); /* as the shell: a closed QMP socket is an error, not death */
    uv_loop_init(&loop);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_disk),
        cmocka_unit_test(test_kvm),
        cmocka_unit_test(test_lifecycle),
        cmocka_unit_test(test_reboot),
        cmocka_unit_test(test_shells),
        cmocka_unit_test(test_transient),
        cmocka_unit_test(test_on_poweroff_restart),
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
