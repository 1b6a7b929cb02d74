/* net-start and net-destroy for real: bridges, addresses, nftables tables,
 * dnsmasq, IPv4 forwarding, leases, live net-update, and every refused or
 * failed start leaving the namespace as it was.
 *
 * Runs in a network namespace of its own: the process unshares its network
 * and mount namespaces at start (as `ip netns exec` does, with /sys mounted
 * afresh so /sys/class/net shows this namespace). Nothing can leak to the
 * host's network, and the namespace disappears with the process, also when
 * a test crashes. Skips (77) with the reason when that is not allowed (not
 * root, no CAP_SYS_ADMIN) or when ip, nft or dnsmasq are missing. */
#include "net_test_helpers.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/files.h"

static char root[256];
static char uri[512];

/* ---- the namespace and what is in it -------------------------------------------- */

static const char *enter_namespace(void)
{
    if (geteuid() != 0)
        return "needs root (bridges, nftables and dnsmasq need CAP_NET_ADMIN)";
    if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0)
        return "cannot unshare a network namespace (no CAP_SYS_ADMIN?)";
    if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
        return "cannot make the mounts private to the test";
    umount2("/sys", MNT_DETACH);
    if (mount("sysfs", "/sys", "sysfs", 0, NULL) < 0)
        return "cannot mount sysfs in the namespace";
    return NULL;
}

static bool have_program(const char *name)
{
    const char *dirs[] = {"/usr/sbin", "/sbin", "/usr/bin", "/bin"};
    for (size_t i = 0; i < 4; i++) {
        char p[256];
        snprintf(p, sizeof(p), "%s/%s", dirs[i], name);
        if (access(p, X_OK) == 0)
            return true;
    }
    return false;
}

/* Runs argv (a test helper, not product code), returns its stdout. */
static char *run_capture(const char *const *argv, int *status)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 1);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 2);
        close(fds[0]);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    ssize_t n;
    while ((n = read(fds[0], out + len, cap - len - 1)) > 0) {
        len += (size_t)n;
        if (cap - len < 2)
            out = realloc(out, cap *= 2);
    }
    out[len] = '\0';
    close(fds[0]);
    int st;
    waitpid(pid, &st, 0);
    if (status)
        *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

static void run_ok(const char *const *argv)
{
    int st;
    free(run_capture(argv, &st));
    if (st != 0)
        fail_msg("%s %s %s failed", argv[0], argv[1], argv[2]);
}

static char *ruleset(void)
{
    const char *argv[] = {"nft", "list", "ruleset", NULL};
    return run_capture(argv, NULL);
}

/* Links, the nft ruleset, processes naming our root, files in the run folder. */
typedef struct snapshot {
    char links[1024];
    char *rules;
    int procs;
    char files[1024];
} snapshot;

#define ROOT_PREFIX "/tmp/lvnet-host-"

/* Does one argument of this command line name a root of this test whose
 * folder is gone (a run that crashed or was killed by a timeout)? */
static bool names_stale_root(const char *arg)
{
    const char *at = strstr(arg, ROOT_PREFIX);
    if (!at || strlen(at) < sizeof(ROOT_PREFIX) - 1 + 6)
        return false;
    char dir[64];
    snprintf(dir, sizeof(dir), "%.*s", (int)(sizeof(ROOT_PREFIX) - 1 + 6), at);
    return access(dir, F_OK) != 0;
}

/* The live (not zombie) processes whose command line names our root, or,
 * with stale, a root of an earlier run that is gone; each gets sig (0: none).
 * dnsmasq outlives the test's namespace when a run dies before destroying
 * its networks, so the teardown and the next run's setup clean up. */
static int signal_processes(bool stale, int sig)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        char path[300], *text = NULL;
        size_t len;
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
        if (lv_file_read_all(path, &text, &len, NULL) < 0)
            continue;
        for (size_t i = 0; i < len; i += strlen(text + i) + 1) {
            if (stale ? names_stale_root(text + i) : strstr(text + i, root) != NULL) {
                char stat[300], *st = NULL;
                snprintf(stat, sizeof(stat), "/proc/%s/stat", e->d_name);
                if (lv_file_read_all(stat, &st, &len, NULL) == 0) {
                    const char *end = strrchr(st, ')');
                    if (end && end[2] != 'Z') {
                        n++;
                        if (sig)
                            kill((pid_t)strtol(e->d_name, NULL, 10), sig);
                    }
                }
                free(st);
                break;
            }
        }
        free(text);
    }
    closedir(d);
    return n;
}

static int count_our_processes(void)
{
    return signal_processes(false, 0);
}

static void take(snapshot *s)
{
    free(s->rules);
    memset(s, 0, sizeof(*s));
    struct if_nameindex *ifs = if_nameindex();
    for (struct if_nameindex *i = ifs; i && i->if_name; i++) {
        strncat(s->links, i->if_name, sizeof(s->links) - strlen(s->links) - 2);
        strcat(s->links, " ");
    }
    if_freenameindex(ifs);
    s->rules = ruleset();
    s->procs = count_our_processes();
    char run[512];
    snprintf(run, sizeof(run), "%s/run/network", root);
    DIR *d = opendir(run);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, ".lock"))
            continue;
        strncat(s->files, e->d_name, sizeof(s->files) - strlen(s->files) - 2);
        strcat(s->files, " ");
    }
    if (d)
        closedir(d);
}

static void assert_same(const snapshot *before, const char *what)
{
    snapshot now = {0};
    take(&now);
    if (strcmp(before->links, now.links))
        fail_msg("%s: links were [%s], now [%s]", what, before->links, now.links);
    if (strcmp(before->rules, now.rules))
        fail_msg("%s: the nft ruleset changed:\n%s", what, now.rules);
    if (before->procs != now.procs)
        fail_msg("%s: %d processes of the test root were running, now %d", what, before->procs,
                 now.procs);
    if (strcmp(before->files, now.files))
        fail_msg("%s: run files were [%s], now [%s]", what, before->files, now.files);
    free(now.rules);
}

static bool has_address(const char *ifname, const char *addr)
{
    struct ifaddrs *ifa = NULL, *i;
    bool found = false;
    assert_int_equal(getifaddrs(&ifa), 0);
    for (i = ifa; i; i = i->ifa_next) {
        char buf[INET_ADDRSTRLEN];
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || strcmp(i->ifa_name, ifname))
            continue;
        inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, buf, sizeof(buf));
        if (!strcmp(buf, addr))
            found = true;
    }
    freeifaddrs(ifa);
    return found;
}

static char *run_file(const char *name)
{
    char p[600], *text = NULL;
    size_t len;
    snprintf(p, sizeof(p), "%s/run/network/%s", root, name);
    if (lv_file_read_all(p, &text, &len, NULL) < 0)
        return NULL;
    return text;
}

/* ---- fixtures ---------------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    signal_processes(true, SIGKILL);
    snprintf(root, sizeof(root), ROOT_PREFIX "XXXXXX");
    assert_non_null(mkdtemp(root));
    snprintf(uri, sizeof(uri), "qemu:///embed?root=%s", root);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    /* a case that failed half-way may have left its dnsmasq running */
    for (int tries = 0; signal_processes(false, SIGKILL) > 0 && tries < 5000; tries++)
        usleep(1000);
    remove_tree(root);
    unsetenv("LUVIRT_DNSMASQ");
    unsetenv("LUVIRT_NFT");
    return 0;
}

static unsigned char *define_ok(lv_conn *c, const char *xml, unsigned char uuid[LV_UUID_LEN])
{
    lv_net_info *info = NULL;
    assert_ok(net_define(c, xml, &info));
    memcpy(uuid, info->uuid, LV_UUID_LEN);
    lv_net_info_free(info);
    return uuid;
}

static int events_seen[4];
static void count_event(void *opaque, lv_conn *conn, const lv_net_info *net, int event, int detail)
{
    (void)opaque, (void)conn, (void)net, (void)detail;
    if (event >= 0 && event < 4)
        events_seen[event]++;
}

/* ---- tests ---------------------------------------------------------------------------- */

static const char *const lab_xml =
    "<network><name>lab</name><uuid>7e57a11b-0000-4000-8000-0000000000a1</uuid>"
    "<forward mode='nat'/><bridge name='lvt-lab'/>"
    "<dns><host ip='10.88.0.50'><hostname>files</hostname></host></dns>"
    "<ip address='10.88.0.1' prefix='24'><dhcp>"
    "<range start='10.88.0.100' end='10.88.0.150'/>"
    "<host mac='52:54:00:00:00:aa' name='fixed' ip='10.88.0.10'/>"
    "</dhcp></ip></network>";

static void test_nat_lifecycle(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri);
    snapshot before = {0};
    unsigned char uuid[LV_UUID_LEN];
    define_ok(c, lab_xml, uuid);
    take(&before);
    memset(events_seen, 0, sizeof(events_seen));
    lv_conn_set_network_event_handler(c, count_event, NULL);

    assert_ok(op(lv_net_start, c, uuid, 0));
    assert_int_equal(events_seen[LV_NET_EVENT_STARTED], 1);
    lv_net_info *info = NULL;
    assert_ok(net_lookup(c, "lab", &info));
    assert_true(info->active);
    lv_net_info_free(info);

    /* the bridge, up, with its address */
    unsigned idx = if_nametoindex("lvt-lab");
    assert_true(idx != 0);
    assert_true(has_address("lvt-lab", "10.88.0.1"));
    char *flags = NULL;
    size_t len;
    assert_int_equal(lv_file_read_all("/sys/class/net/lvt-lab/flags", &flags, &len, NULL), 0);
    assert_true(strtoul(flags, NULL, 16) & IFF_UP);
    free(flags);
    /* forwarding, the table with the masquerade */
    char *fwd = NULL;
    assert_int_equal(lv_file_read_all("/proc/sys/net/ipv4/ip_forward", &fwd, &len, NULL), 0);
    assert_int_equal(fwd[0], '1');
    free(fwd);
    char *rules = ruleset();
    assert_non_null(strstr(rules, "table inet luvirt_7e57a11b0000400080000000000000a1"));
    assert_non_null(strstr(rules, "masquerade"));
    free(rules);
    /* dnsmasq, with the static host and DNS host files */
    assert_int_equal(count_our_processes(), 1);
    char *hosts = run_file("lab.hostsfile");
    assert_string_equal(hosts, "52:54:00:00:00:aa,10.88.0.10,fixed\n");
    free(hosts);
    char *addn = run_file("lab.addnhosts");
    assert_string_equal(addn, "10.88.0.50\tfiles\n");
    free(addn);
    /* for the hypervisor driver */
    char *bridge = NULL;
    lv_error err;
    assert_int_equal(lv_network_bridge_for(c, "lab", &bridge, &err), 0);
    assert_string_equal(bridge, "lvt-lab");
    free(bridge);

    /* refusals on an active network */
    assert_fails(op(lv_net_start, c, uuid, 0), LV_ERR_OPERATION_INVALID,
                 "network 'lab' is already active");
    assert_fails(net_create(c, lab_xml, NULL), LV_ERR_DUPLICATE, "network 'lab' already exists");

    /* a live DHCP host: the running definition, the hosts file, dnsmasq still there */
    char *pid_before = run_file("lab.pid");
    assert_ok(net_update(c, uuid, LV_NET_UPDATE_ADD_LAST, "ip-dhcp-host",
                         "<host mac='52:54:00:00:00:bb' name='late' ip='10.88.0.11'/>", 0));
    hosts = run_file("lab.hostsfile");
    assert_non_null(strstr(hosts, "52:54:00:00:00:bb,10.88.0.11,late\n"));
    free(hosts);
    char *live = NULL, *inactive = NULL;
    assert_ok(net_get_xml(c, uuid, 0, &live));
    assert_ok(net_get_xml(c, uuid, LV_NET_XML_INACTIVE, &inactive));
    assert_non_null(strstr(live, "name='late'"));
    assert_null(strstr(inactive, "name='late'")); /* current = live on a running network */
    free(live);
    free(inactive);
    char *pid_after = run_file("lab.pid");
    assert_string_equal(pid_before, pid_after);
    free(pid_before);
    free(pid_after);
    assert_int_equal(count_our_processes(), 1);

    /* leases: dnsmasq's file, read as net-dhcp-leases shows it */
    char path[600];
    snprintf(path, sizeof(path), "%s/run/network/lab.leases", root);
    const char *lease_text = "0 52:54:00:00:00:aa 10.88.0.10 fixed *\n"
                             "4102444800 52:54:00:00:00:cc 10.88.0.120 * 01:52:54:00:00:00:cc\n"
                             "1000 52:54:00:00:00:dd 10.88.0.121 old *\n";
    assert_int_equal(lv_file_write_atomic(path, lease_text, strlen(lease_text), 0644, NULL), 0);
    lv_net_lease_list *leases = NULL;
    assert_ok(net_leases(c, uuid, NULL, &leases));
    assert_int_equal(leases->count, 2); /* the expired one is left out */
    assert_string_equal(leases->items[0].iface, "lvt-lab");
    assert_string_equal(leases->items[0].ipaddr, "10.88.0.10");
    assert_string_equal(leases->items[0].hostname, "fixed");
    assert_int_equal(leases->items[0].expiry, 0);
    assert_int_equal(leases->items[0].prefix, 24);
    assert_null(leases->items[0].clientid);
    assert_null(leases->items[1].hostname);
    assert_string_equal(leases->items[1].clientid, "01:52:54:00:00:00:cc");
    lv_net_lease_list_free(leases);
    assert_ok(net_leases(c, uuid, "52:54:00:00:00:CC", &leases));
    assert_int_equal(leases->count, 1);
    assert_string_equal(leases->items[0].ipaddr, "10.88.0.120");
    lv_net_lease_list_free(leases);

    /* the bridge and dnsmasq gone behind luvirt's back (a crash, a reboot
     * that kept the run folder): net-start starts it afresh */
    char *pid_text = run_file("lab.pid");
    pid_t pid = (pid_t)strtol(pid_text, NULL, 10);
    free(pid_text);
    assert_int_equal(kill(pid, SIGKILL), 0);
    while (count_our_processes() > 0)
        usleep(1000);
    const char *del[] = {"ip", "link", "del", "lvt-lab", NULL};
    run_ok(del);
    assert_ok(op(lv_net_start, c, uuid, 0));
    assert_true(if_nametoindex("lvt-lab") != 0);
    assert_int_equal(count_our_processes(), 1);
    hosts = run_file("lab.hostsfile");
    /* from the persistent definition: the live-only host is not in it */
    assert_string_equal(hosts, "52:54:00:00:00:aa,10.88.0.10,fixed\n");
    free(hosts);

    /* destroy: back to where we were */
    assert_ok(op(lv_net_destroy, c, uuid, 0));
    assert_int_equal(events_seen[LV_NET_EVENT_STOPPED], 1);
    assert_same(&before, "after net-destroy");
    assert_ok(net_lookup(c, "lab", &info));
    assert_false(info->active);
    lv_net_info_free(info);
    assert_fails(op(lv_net_destroy, c, uuid, 0), LV_ERR_OPERATION_INVALID, "not active");
    free(before.rules);
    lv_conn_close(c);
}

static void test_modes(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri);
    snapshot before = {0};
    take(&before);
    const char *iso = "<network><name>iso</name><bridge name='lvt-iso'/>"
                      "<ip address='10.89.0.1' prefix='24'><dhcp>"
                      "<range start='10.89.0.10' end='10.89.0.20'/></dhcp></ip></network>";
    const char *routed = "<network><name>rt</name><forward mode='route'/>"
                         "<bridge name='lvt-rt' stp='off' delay='3'/><mtu size='1400'/>"
                         "<mac address='52:54:00:12:34:56'/>"
                         "<ip address='10.90.0.1' netmask='255.255.0.0'/></network>";
    const char *open_net = "<network><name>op</name><forward mode='open'/>"
                           "<bridge name='lvt-op'/><ip address='10.91.0.1' prefix='24'/>"
                           "</network>";
    unsigned char u1[LV_UUID_LEN], u3[LV_UUID_LEN];
    define_ok(c, iso, u1);
    lv_net_info *rt = NULL;
    assert_ok(net_create(c, routed, &rt)); /* transient */
    assert_true(rt->active);
    assert_false(rt->persistent);
    define_ok(c, open_net, u3);
    assert_ok(op(lv_net_start, c, u1, 0));
    assert_ok(op(lv_net_start, c, u3, 0));

    char *rules = ruleset();
    assert_non_null(strstr(rules, "iifname \"lvt-iso\" drop"));
    assert_non_null(strstr(rules, "iifname \"lvt-rt\" ip saddr 10.90.0.0/16 accept"));
    assert_null(strstr(rules, "lvt-op")); /* open: no rules */
    free(rules);
    assert_true(has_address("lvt-rt", "10.90.0.1"));
    char *text = NULL;
    size_t len;
    assert_int_equal(lv_file_read_all("/sys/class/net/lvt-rt/mtu", &text, &len, NULL), 0);
    assert_string_equal(text, "1400\n");
    free(text);
    assert_int_equal(lv_file_read_all("/sys/class/net/lvt-rt/address", &text, &len, NULL), 0);
    assert_string_equal(text, "52:54:00:12:34:56\n");
    free(text);
    assert_int_equal(lv_file_read_all("/sys/class/net/lvt-rt/bridge/stp_state", &text, &len, NULL),
                     0);
    assert_string_equal(text, "0\n");
    free(text);
    /* a dnsmasq each: iso (DHCP and DNS), rt and op (DNS only) */
    assert_int_equal(count_our_processes(), 3);

    lv_net_list *list = NULL;
    assert_ok(net_list(c, LV_NET_LIST_ACTIVE, &list));
    assert_int_equal(list->count, 3);
    lv_net_list_free(list);

    assert_ok(op(lv_net_destroy, c, rt->uuid, 0));
    assert_fails(net_lookup(c, "rt", NULL), LV_ERR_NO_NETWORK, "'rt'"); /* transient: gone */
    lv_net_info_free(rt);
    assert_ok(op(lv_net_destroy, c, u1, 0));
    assert_ok(op(lv_net_destroy, c, u3, LV_NET_DESTROY_FORCE));
    assert_same(&before, "after destroying three networks");
    free(before.rules);
    lv_conn_close(c);
}

/* forward mode 'bridge': an existing host bridge, nothing of luvirt's on it */
static void test_host_bridge(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri);
    unsigned char u[LV_UUID_LEN];
    define_ok(c,
              "<network><name>hb</name><forward mode='bridge'/><bridge name='lvt-host'/>"
              "</network>",
              u);
    snapshot before = {0};
    take(&before);
    assert_fails(op(lv_net_start, c, u, 0), LV_ERR_OPERATION_INVALID,
                 "host bridge 'lvt-host' does not exist");
    assert_same(&before, "after a refused start of a host bridge network");
    const char *add[] = {"ip", "link", "add", "lvt-host", "type", "bridge", NULL};
    run_ok(add);
    take(&before);
    assert_ok(op(lv_net_start, c, u, 0));
    char *bridge = NULL;
    lv_error err;
    assert_int_equal(lv_network_bridge_for(c, "hb", &bridge, &err), 0);
    assert_string_equal(bridge, "lvt-host");
    free(bridge);
    assert_ok(op(lv_net_destroy, c, u, 0));
    assert_true(if_nametoindex("lvt-host") != 0); /* the host's bridge stays */
    assert_same(&before, "after destroying a host bridge network");
    const char *del[] = {"ip", "link", "del", "lvt-host", NULL};
    run_ok(del);
    free(before.rules);
    lv_conn_close(c);
}

/* Each refused or failed start leaves links, rules, processes and files as
 * they were. */
static void test_refused_starts(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri);
    snapshot before = {0};
    unsigned char u[LV_UUID_LEN], a[LV_UUID_LEN];

    /* a bridge name a host link has */
    const char *dummy[] = {"ip",   "link", "add",  "lvt-busy",      "type",
                           "veth", "peer", "name", "lvt-busy-peer", NULL};
    run_ok(dummy);
    define_ok(c,
              "<network><name>busy</name><bridge name='lvt-busy'/>"
              "<ip address='10.92.0.1' prefix='24'/></network>",
              u);
    take(&before);
    assert_fails(op(lv_net_start, c, u, 0), LV_ERR_OPERATION_INVALID,
                 "bridge name 'lvt-busy' is already in use by a host interface");
    assert_same(&before, "after a start refused for its bridge name");

    /* a subnet a host route covers */
    const char *dummy2[] = {"ip", "link", "add", "lvt-dum", "type", "bridge", NULL};
    const char *addr[] = {"ip", "addr", "add", "10.93.0.1/16", "dev", "lvt-dum", NULL};
    const char *up[] = {"ip", "link", "set", "lvt-dum", "up", NULL};
    run_ok(dummy2);
    run_ok(addr);
    run_ok(up);
    define_ok(c,
              "<network><name>clash</name><bridge name='lvt-clash'/>"
              "<ip address='10.93.5.1' prefix='24'/></network>",
              u);
    take(&before);
    assert_fails(op(lv_net_start, c, u, 0), LV_ERR_OPERATION_INVALID,
                 "its subnet 10.93.5.0/24 overlaps the host route 10.93.0.0/16 on lvt-dum");
    assert_same(&before, "after a start refused for a host route");

    /* a subnet another active network has */
    define_ok(c,
              "<network><name>first</name><bridge name='lvt-first'/>"
              "<ip address='10.94.0.1' prefix='24'/></network>",
              a);
    assert_ok(op(lv_net_start, c, a, 0));
    define_ok(c,
              "<network><name>second</name><bridge name='lvt-second'/>"
              "<ip address='10.94.0.129' prefix='25'/></network>",
              u);
    take(&before);
    assert_fails(op(lv_net_start, c, u, 0), LV_ERR_OPERATION_INVALID,
                 "its subnet 10.94.0.128/25 overlaps 10.94.0.0/24 of active network 'first'");
    assert_same(&before, "after a start refused for another network's subnet");
    assert_ok(op(lv_net_destroy, c, a, 0));

    /* a DHCP range outside the subnet never gets defined or created */
    const char *outside = "<network><name>out</name><ip address='10.95.0.1' prefix='24'><dhcp>"
                          "<range start='10.96.0.10' end='10.96.0.20'/></dhcp></ip></network>";
    take(&before);
    assert_fails(net_create(c, outside, NULL), LV_ERR_INVALID_ARG,
                 "DHCP range start address 10.96.0.10 is outside the subnet 10.95.0.0/24");
    assert_fails(net_define(c, outside, NULL), LV_ERR_INVALID_ARG, "outside the subnet");
    assert_same(&before, "after a refused DHCP range");
    assert_fails(net_lookup(c, "out", NULL), LV_ERR_NO_NETWORK, "'out'");

    /* missing tools, named with their Debian package */
    define_ok(c,
              "<network><name>tools</name><forward mode='nat'/><bridge name='lvt-tools'/>"
              "<ip address='10.97.0.1' prefix='24'><dhcp>"
              "<range start='10.97.0.10' end='10.97.0.20'/></dhcp></ip></network>",
              u);
    take(&before);
    setenv("LUVIRT_DNSMASQ", "/nonexistent/dnsmasq", 1);
    assert_fails(op(lv_net_start, c, u, 0), LV_ERR_OPERATION_FAILED,
                 "dnsmasq is not installed (Debian package dnsmasq-base)");
    assert_same(&before, "after a start without dnsmasq");
    unsetenv("LUVIRT_DNSMASQ");
    setenv("LUVIRT_NFT", "/nonexistent/nft", 1);
    assert_fails(op(lv_net_start, c, u, 0), LV_ERR_OPERATION_FAILED,
                 "nft is not installed (Debian package nftables)");
    assert_same(&before, "after a start without nft");

    /* tools that fail half-way: what was built is taken down again */
    setenv("LUVIRT_NFT", "/bin/false", 1);
    assert_fails(op(lv_net_start, c, u, 0), LV_ERR_OPERATION_FAILED, "nft -f failed (exit 1)");
    assert_same(&before, "after nft failed");
    /* the tool's first line of stderr, as one line */
    char script[600];
    snprintf(script, sizeof(script), "%s/nft-fails", root);
    const char *text = "#!/bin/sh\necho >&2\necho 'nft.conf:3:1: Error: no such table' >&2\n"
                       "echo '  table x' >&2\necho '  ^^^^^' >&2\nexit 1\n";
    assert_int_equal(lv_file_write_atomic(script, text, strlen(text), 0755, NULL), 0);
    setenv("LUVIRT_NFT", script, 1);
    assert_fails(op(lv_net_start, c, u, 0), LV_ERR_OPERATION_FAILED,
                 "nft -f failed (exit 1): nft.conf:3:1: Error: no such table");
    assert_null(strchr(last_err.message, '\n'));
    assert_same(&before, "after nft failed with a message");
    unsetenv("LUVIRT_NFT");
    setenv("LUVIRT_DNSMASQ", "/bin/false", 1);
    assert_fails(op(lv_net_start, c, u, 0), LV_ERR_OPERATION_FAILED, "dnsmasq failed (exit 1)");
    assert_same(&before, "after dnsmasq failed");
    unsetenv("LUVIRT_DNSMASQ");

    /* and a good start after all that */
    assert_ok(op(lv_net_start, c, u, 0));
    assert_ok(op(lv_net_destroy, c, u, 0));
    assert_same(&before, "after the good start and destroy");
    free(before.rules);
    lv_conn_close(c);
}

/* ---- guests on a network ----------------------------------------------------------------- */

/* A hypervisor whose running domains are given by the test: net-destroy asks
 * it which of them use the network (their live XML). */
static const char *fake_domains[3];
static const char *fake_xml[3];

static void fake_list(lv_conn *c, unsigned flags, lv_domain_list_cb cb, void *opaque)
{
    (void)c;
    assert_int_equal(flags, LV_LIST_ACTIVE);
    lv_domain_list *list = calloc(1, sizeof(*list));
    list->items = calloc(3, sizeof(*list->items));
    for (size_t i = 0; i < 3 && fake_domains[i]; i++) {
        list->items[i].name = strdup(fake_domains[i]);
        list->items[i].uuid[0] = (unsigned char)(i + 1);
        list->count++;
    }
    cb(opaque, list, NULL);
}

static void fake_get_xml(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_string_cb cb,
                         void *opaque)
{
    (void)c, (void)flags;
    cb(opaque, strdup(fake_xml[uuid[0] - 1]), NULL);
}

static const lv_domain_driver fake_domain_driver = {.list = fake_list, .get_xml = fake_get_xml};

#define GUEST(name, iface)                                                                         \
    "<domain type='qemu'><name>" name "</name><memory>131072</memory><os><type>hvm</type></os>"    \
    "<devices>" iface "</devices></domain>"

static void test_destroy_with_guests(void **state)
{
    (void)state;
    lv_conn *c = open_ok(uri);
    lv_driver patched = *c->driver;
    const lv_driver *real = c->driver;
    patched.domain = &fake_domain_driver;
    c->driver = &patched;
    unsigned char u[LV_UUID_LEN];
    snapshot before = {0};
    take(&before);
    define_ok(c, lab_xml, u);
    assert_ok(op(lv_net_start, c, u, 0));

    fake_domains[0] = "web";
    fake_xml[0] = GUEST("web", "<interface type='network'><source network='lab'/></interface>");
    fake_domains[1] = "db";
    fake_xml[1] = GUEST("db", "<interface type='bridge'><source bridge='lvt-lab'/></interface>");
    fake_domains[2] = "other";
    fake_xml[2] = GUEST("other", "<interface type='network'><source network='x'/></interface>");
    snapshot running = {0};
    take(&running);
    assert_fails(op(lv_net_destroy, c, u, 0), LV_ERR_OPERATION_INVALID,
                 "network 'lab' is in use by running domains 'web', 'db'");
    assert_same(&running, "after a refused net-destroy");

    /* a domain whose XML cannot be read counts: cutting it off needs force */
    fake_domains[0] = "odd";
    fake_xml[0] = "<domain";
    fake_domains[1] = NULL;
    assert_fails(op(lv_net_destroy, c, u, 0), LV_ERR_OPERATION_INVALID,
                 "in use by running domain 'odd'");
    assert_same(&running, "after a refused net-destroy");

    /* none: destroyed; and with force, whatever the guests */
    fake_domains[0] = "other";
    fake_xml[0] = fake_xml[2];
    assert_ok(op(lv_net_destroy, c, u, 0));
    assert_ok(op(lv_net_start, c, u, 0));
    fake_domains[0] = "web";
    fake_xml[0] = GUEST("web", "<interface type='network'><source network='lab'/></interface>");
    assert_ok(op(lv_net_destroy, c, u, LV_NET_DESTROY_FORCE));
    assert_ok(op(lv_net_undefine, c, u, 0));
    assert_same(&before, "after a forced net-destroy");
    memset(fake_domains, 0, sizeof(fake_domains));
    free(before.rules);
    free(running.rules);
    c->driver = real;
    lv_conn_close(c);
}

int main(void)
{
    const char *why = enter_namespace();
    if (!why && !(have_program("ip") && have_program("nft") && have_program("dnsmasq")))
        why = "needs ip, nft and dnsmasq (Debian packages iproute2, nftables, dnsmasq-base)";
    if (why) {
        printf("SKIP: %s\n", why);
        return 77;
    }
    uv_loop_init(&loop);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_nat_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_host_bridge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_starts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_with_guests, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    uv_loop_close(&loop);
    return rc;
}
