/* lv_network_open_tap for real, in a network namespace of this process's own
 * (unshare): a bridge made with ip(8), TAP devices attached, up, with the
 * bridge's or a given MTU and the host-side MAC; gone once their fd closes;
 * every refusal leaves no device behind. Skipped (77) without CAP_SYS_ADMIN,
 * /dev/net/tun or ip(8). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/alloc.h"
#include "network.h"

#define SKIP 77

/* Runs argv (no shell), returns its stdout (malloc'd) and sets *status. */
static char *run(int *status, const char *const *argv)
{
    int fds[2];
    if (pipe(fds) < 0)
        return NULL;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 2); /* ip's "does not exist" when a test expects just that */
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0, cap = 4096;
    char *out = lv_malloc0(cap);
    ssize_t n;
    while ((n = read(fds[0], out + len, cap - len - 1)) > 0) {
        len += (size_t)n;
        if (cap - len < 2) {
            cap *= 2;
            out = lv_realloc(out, cap);
        }
    }
    out[len] = '\0';
    close(fds[0]);
    int ws = 0;
    waitpid(pid, &ws, 0);
    *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128;
    return out;
}

#define IP(...)                                                                                    \
    do {                                                                                           \
        int st_;                                                                                   \
        const char *argv_[] = {"ip", __VA_ARGS__, NULL};                                           \
        free(run(&st_, argv_));                                                                    \
        assert_int_equal(st_, 0);                                                                  \
    } while (0)

/* `ip -o link show dev NAME`, or NULL when there is no such link. */
static char *link_line(const char *name)
{
    int st;
    const char *argv[] = {"ip", "-o", "link", "show", "dev", name, NULL};
    char *out = run(&st, argv);
    if (st != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* `ip -o link` (every link in the namespace), to compare before and after. */
static char *all_links(void)
{
    int st;
    const char *argv[] = {"ip", "-o", "link", NULL};
    char *out = run(&st, argv);
    assert_int_equal(st, 0);
    return out;
}

static void assert_contains(const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("'%s' not in: %s", needle, text);
}

static int setup(void **state)
{
    (void)state;
    /* A fresh bridge for each test (its MTU set, so it is not the default). */
    int st;
    const char *del[] = {"ip", "link", "del", "brt0", NULL};
    free(run(&st, del));
    const char *add[] = {"ip", "link", "add", "brt0", "mtu", "1400", "type", "bridge", NULL};
    free(run(&st, add));
    return st == 0 ? 0 : -1;
}

static void test_tap_attached_up_and_gone_on_close(void **state)
{
    (void)state;
    lv_error err = {0};
    char *name = NULL, *name2 = NULL;
    int fd = lv_network_open_tap("brt0", NULL, 0, "52:54:00:12:34:56", &name, &err);
    assert_true(fd >= 0);
    assert_string_equal(name, "vnet0");
    char *line = link_line("vnet0");
    assert_non_null(line);
    assert_contains(line, "master brt0");
    assert_contains(line, "mtu 1400"); /* the bridge's */
    assert_contains(line, ",UP");
    assert_contains(line, "link/ether fe:54:00:12:34:56");
    free(line);

    int fd2 = lv_network_open_tap("brt0", "vnet%d", 1300, NULL, &name2, &err);
    assert_true(fd2 >= 0);
    assert_string_equal(name2, "vnet1");
    line = link_line("vnet1");
    assert_non_null(line);
    assert_contains(line, "mtu 1300");
    assert_contains(line, "master brt0");
    free(line);

    close(fd);
    close(fd2);
    assert_null(link_line("vnet0"));
    assert_null(link_line("vnet1"));
    free(name);
    free(name2);
}

static void test_fixed_name_taken_is_refused(void **state)
{
    (void)state;
    lv_error err = {0};
    char *name = NULL, *again = NULL;
    int fd = lv_network_open_tap("brt0", "guesttap0", 0, NULL, &name, &err);
    assert_true(fd >= 0);
    assert_string_equal(name, "guesttap0");
    char *before = all_links();
    assert_int_equal(lv_network_open_tap("brt0", "guesttap0", 0, NULL, &again, &err), -1);
    assert_null(again);
    assert_contains(err.message, "'guesttap0'");
    assert_contains(err.message, "exists");
    char *after = all_links();
    assert_string_equal(before, after);
    close(fd);
    assert_null(link_line("guesttap0"));
    free(before);
    free(after);
    free(name);
}

/* Each refusal names the cause, and no link is left (or gone) afterwards. */
static void expect_refusal(const char *bridge, const char *template, const char *mac,
                           const char *needle)
{
    lv_error err = {0};
    char *name = (char *)"unset";
    char *before = all_links();
    assert_int_equal(lv_network_open_tap(bridge, template, 0, mac, &name, &err), -1);
    assert_null(name);
    assert_contains(err.message, needle);
    char *after = all_links();
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void test_refusals_leave_nothing(void **state)
{
    (void)state;
    expect_refusal("nosuchbr0", NULL, NULL, "bridge 'nosuchbr0' does not exist");
    expect_refusal("brt0", "a/b%d", NULL, "invalid TAP device name 'a/b%d'");
    expect_refusal("brt0", "muchtoolongname%d", NULL, "invalid TAP device name");
    expect_refusal("bad bridge", NULL, NULL, "invalid bridge name 'bad bridge'");
    /* A device that is not a bridge: the TAP made before the attach goes again. */
    IP("tuntap", "add", "dev", "plaint0", "mode", "tap");
    expect_refusal("plaint0", NULL, NULL, "'plaint0' is not a bridge");
    IP("link", "del", "plaint0");
    /* A MAC that does not parse: refused after the TAP exists, which goes too. */
    expect_refusal("brt0", NULL, "01:00:5e:00:00:01", "01:00:5e:00:00:01");
}

int main(void)
{
    if (unshare(CLONE_NEWNET) < 0) {
        printf("SKIP: cannot make a network namespace (unshare: %s); needs root\n",
               strerror(errno));
        return SKIP;
    }
    if (access("/dev/net/tun", R_OK | W_OK) < 0) {
        printf("SKIP: /dev/net/tun: %s\n", strerror(errno));
        return SKIP;
    }
    int st;
    const char *probe[] = {"ip", "-V", NULL};
    free(run(&st, probe));
    if (st != 0) {
        printf("SKIP: no ip(8) (Debian package iproute2)\n");
        return SKIP;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_tap_attached_up_and_gone_on_close, setup),
        cmocka_unit_test_setup(test_fixed_name_taken_is_refused, setup),
        cmocka_unit_test_setup(test_refusals_leave_nothing, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
