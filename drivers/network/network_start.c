/* net-start and net-create: under the scope's lock, check what would collide
 * (an active network, a bridge name a host link has, a subnet another active
 * network or a host route covers, a missing tool), write the live definition
 * and the generated files, then build on the host step by step:
 *   IPv4 forwarding on (nat, route, open);
 *   ip -batch - (link add BR type bridge..., addr add, link set up: see
 *   lv__net_bridge_commands) and, at the same time, nft -f RUN/NAME.nft;
 *   then dnsmasq --conf-file=RUN/NAME.dnsmasq.conf
 * Any failure tears down what was built (network_stop.c) before reporting. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/files.h"
#include "network/network_gen.h"
#include "network/network_host.h"
#include "network/network_proc.h"
#include "network/network_run.h"

typedef struct start_op {
    lv_conn *conn;
    unsigned char uuid[LV_UUID_LEN];
    char *create_xml; /* net-create: the definition; NULL: net-start */
    int lock_fd;
    lv_network_def *def; /* what runs */
    bool persistent, autostart;
    char *ip, *nft, *dnsmasq; /* the tools' paths */
    int step;
    int pending; /* tools of the current step still running */
    bool failed; /* one of them failed: err says how */
    lv_error err;
    lv_done_cb done_cb;
    lv_net_cb net_cb;
    void *opaque;
} start_op;

static void op_free(start_op *op)
{
    lv_network_def_free(op->def);
    free(op->create_xml);
    free(op->ip);
    free(op->nft);
    free(op->dnsmasq);
    free(op);
}

static lv__net_obj op_obj(const start_op *op, bool active)
{
    return (lv__net_obj){.config = op->persistent ? op->def : NULL,
                         .live = active ? op->def : NULL,
                         .autostart = op->autostart};
}

static void op_finish(start_op *op, const lv_error *err)
{
    lv__net_unlock(op->lock_fd);
    lv__net_obj obj = op_obj(op, true);
    lv_net_info *info = !err && op->def ? lv__net_info_new(&obj) : NULL;
    if (info)
        lv__net_emit_event(op->conn, info, LV_NET_EVENT_STARTED, 0);
    lv_done_cb done_cb = op->done_cb;
    lv_net_cb net_cb = op->net_cb;
    void *opaque = op->opaque;
    op_free(op);
    if (net_cb) {
        net_cb(opaque, info, err);
        return;
    }
    lv_net_info_free(info);
    done_cb(opaque, err);
}

static void failed_torn_down(void *opaque)
{
    start_op *op = opaque;
    lv_error err = op->err;
    op_finish(op, &err);
}

/* After the live definition was written: undo everything, then report op->err. */
static void fail_and_undo(start_op *op)
{
    lv__net_teardown(op->conn, op->def, failed_torn_down, op);
}

/* ---- checks ---------------------------------------------------------------------- */

static int find_tools(start_op *op, lv_error *err)
{
    const lv_network_def *def = op->def;
    const char *name = def->name;
    op->ip = lv__net_find_program("ip", "LUVIRT_IP");
    if (!op->ip)
        return lv_error_set(err, LV_ERR_OPERATION_FAILED,
                            "cannot start network '%s': the ip command is not installed (Debian "
                            "package iproute2)",
                            name);
    if (lv__net_nft_has_rules(def) && !(op->nft = lv__net_find_program("nft", "LUVIRT_NFT")))
        return lv_error_set(err, LV_ERR_OPERATION_FAILED,
                            "cannot start network '%s': nft is not installed (Debian package "
                            "nftables)",
                            name);
    if (lv_network_def_needs_dnsmasq(def) &&
        !(op->dnsmasq = lv__net_find_program("dnsmasq", "LUVIRT_DNSMASQ")))
        return lv_error_set(err, LV_ERR_OPERATION_FAILED,
                            "cannot start network '%s': dnsmasq is not installed (Debian package "
                            "dnsmasq-base)",
                            name);
    return 0;
}

static void format_subnet(const lv_ipv4_subnet *s, char out[24])
{
    char net[16];
    lv_ipv4_format(s->network, net);
    snprintf(out, 24, "%s/%u", net, s->prefix);
}

static int check_collisions(lv__net_set *set, const lv_network_def *def, lv_error *err)
{
    if (lv__net_link_exists(def->bridge_name))
        return lv_error_set(err, LV_ERR_OPERATION_INVALID,
                            "cannot start network '%s': bridge name '%s' is already in use by a "
                            "host interface",
                            def->name, def->bridge_name);
    lv_ipv4_subnet mine;
    if (!lv_network_def_subnet(def, &mine))
        return 0;
    char a[24], b[24];
    format_subnet(&mine, a);
    for (size_t i = 0; i < set->count; i++) {
        const lv__net_obj *o = &set->items[i];
        lv_ipv4_subnet other;
        if (!o->live || !strcmp(o->live->name, def->name) ||
            !lv_network_def_subnet(o->live, &other) || !lv_ipv4_subnets_overlap(&mine, &other))
            continue;
        format_subnet(&other, b);
        return lv_error_set(err, LV_ERR_OPERATION_INVALID,
                            "cannot start network '%s': its subnet %s overlaps %s of active "
                            "network '%s'",
                            def->name, a, b, o->live->name);
    }
    lv__net_route *routes = NULL;
    size_t nroutes = 0;
    lv__net_host_routes(&routes, &nroutes);
    int rc = 0;
    for (size_t i = 0; i < nroutes && rc == 0; i++) {
        if (!lv_ipv4_subnets_overlap(&mine, &routes[i].subnet))
            continue;
        format_subnet(&routes[i].subnet, b);
        rc = lv_error_set(err, LV_ERR_OPERATION_INVALID,
                          "cannot start network '%s': its subnet %s overlaps the host route %s "
                          "on %s",
                          def->name, a, b, routes[i].iface);
    }
    free(routes);
    return rc;
}

/* forward mode 'bridge': the bridge is the host's and must be there. */
static int check_host_bridge(const lv_network_def *def, lv_error *err)
{
    char *path = lv_asprintf("/sys/class/net/%s/bridge", def->bridge_name);
    struct stat sb;
    bool is_bridge = stat(path, &sb) == 0;
    free(path);
    if (is_bridge)
        return 0;
    return lv_error_set(err, LV_ERR_OPERATION_INVALID,
                        "cannot start network '%s': host bridge '%s' does not exist (forward "
                        "mode 'bridge' uses an existing bridge)",
                        def->name, def->bridge_name);
}

/* ---- files ------------------------------------------------------------------------ */

static int write_text(lv_conn *c, const char *name, const char *suffix, const char *text,
                      mode_t mode, lv_error *err)
{
    char *path = lv__net_run_path(c, name, suffix);
    int rc = lv_file_write_atomic(path, text, strlen(text), mode, err);
    free(path);
    return rc;
}

int lv__net_write_dnsmasq_hosts(lv_conn *c, const lv_network_def *def, lv_error *err)
{
    char *hosts = lv__net_dnsmasq_hostsfile(def);
    char *addn = lv__net_dnsmasq_addnhosts(def);
    int rc = write_text(c, def->name, ".hostsfile", hosts, 0644, err) < 0 ||
                     write_text(c, def->name, ".addnhosts", addn, 0644, err) < 0
                 ? -1
                 : 0;
    free(hosts);
    free(addn);
    return rc;
}

static int write_files(start_op *op, lv_error *err)
{
    lv_conn *c = op->conn;
    const lv_network_def *def = op->def;
    if (lv__net_nft_has_rules(def)) {
        char *rules = lv__net_nft_ruleset(def);
        int rc = write_text(c, def->name, ".nft", rules, 0600, err);
        free(rules);
        if (rc < 0)
            return -1;
    }
    if (!lv_network_def_needs_dnsmasq(def))
        return 0;
    char *pid = lv__net_run_path(c, def->name, ".pid");
    char *leases = lv__net_run_path(c, def->name, ".leases");
    char *hostsfile = lv__net_run_path(c, def->name, ".hostsfile");
    char *addnhosts = lv__net_run_path(c, def->name, ".addnhosts");
    lv__net_dnsmasq_paths paths = {
        .pid = pid, .leases = leases, .hostsfile = hostsfile, .addnhosts = addnhosts};
    char *conf = lv__net_dnsmasq_conf(def, &paths);
    int rc = write_text(c, def->name, ".dnsmasq.conf", conf, 0644, err) < 0 ||
                     lv__net_write_dnsmasq_hosts(c, def, err) < 0
                 ? -1
                 : 0;
    free(conf);
    free(pid);
    free(leases);
    free(hostsfile);
    free(addnhosts);
    return rc;
}

/* ---- the host steps ------------------------------------------------------------------ */

static void next_step(start_op *op);

/* One tool run of a step; several may run at once (pending). */
typedef struct step_call {
    start_op *op;
    const char *label;
} step_call;

static void step_done(void *opaque, int status, int signal, const char *errors)
{
    step_call *call = opaque;
    start_op *op = call->op;
    if ((status != 0 || signal != 0) && !op->failed) {
        op->failed = true;
        if (signal)
            lv_error_set(&op->err, LV_ERR_OPERATION_FAILED,
                         "cannot start network '%s': %s was killed by signal %d", op->def->name,
                         call->label, signal);
        else
            lv_error_set(&op->err, LV_ERR_OPERATION_FAILED,
                         "cannot start network '%s': %s failed (exit %d): %s", op->def->name,
                         call->label, status, *errors ? errors : "no message");
    }
    free(call);
    if (--op->pending > 0)
        return;
    if (op->failed)
        fail_and_undo(op);
    else
        next_step(op);
}

/* Starts one tool of the current step (op->pending counts them). */
static void run_tool(start_op *op, const char *label, const char *const *argv, const char *input)
{
    step_call *call = LV_NEW(step_call);
    call->op = op;
    call->label = label;
    op->pending++;
    int rc = lv__net_proc_run(op->conn->loop, argv, input, step_done, call);
    if (rc < 0) {
        op->pending--;
        free(call);
        if (!op->failed) {
            op->failed = true;
            lv_error_set(&op->err, LV_ERR_OPERATION_FAILED,
                         "cannot start network '%s': cannot run %s: %s", op->def->name, argv[0],
                         uv_strerror(rc));
        }
    }
}

/* After starting a step's tools: when none could start, the step is over. */
static void step_started(start_op *op)
{
    if (op->pending > 0)
        return;
    if (op->failed)
        fail_and_undo(op);
    else
        next_step(op);
}

static int enable_forwarding(start_op *op)
{
    static const char path[] = "/proc/sys/net/ipv4/ip_forward";
    char *now = NULL;
    size_t len;
    if (lv_file_read_all(path, &now, &len, NULL) == 0 && now[0] == '1') {
        free(now);
        return 0;
    }
    free(now);
    FILE *f = fopen(path, "we");
    if (!f || fputs("1\n", f) < 0 || fclose(f) != 0) {
        int e = errno;
        lv_error_set_errno(&op->err, e,
                           "cannot start network '%s': cannot enable IPv4 forwarding in %s",
                           op->def->name, path);
        return -1;
    }
    return 0;
}

static void next_step(start_op *op)
{
    const lv_network_def *def = op->def;
    switch (op->step++) {
    case 0: {
        if (lv_network_def_forwards(def) && enable_forwarding(op) < 0) {
            fail_and_undo(op);
            return;
        }
        /* The bridge (one ip for its three commands) and the rules (they
         * match the bridge by name, so they need not wait for it) at once. */
        char *commands = lv__net_bridge_commands(def);
        const char *ip_argv[] = {op->ip, "-batch", "-", NULL};
        run_tool(op, "ip -batch (bridge setup)", ip_argv, commands);
        free(commands);
        if (op->nft) {
            char *file = lv__net_run_path(op->conn, def->name, ".nft");
            const char *argv[] = {op->nft, "-f", file, NULL};
            run_tool(op, "nft -f", argv, NULL);
            free(file); /* uv_spawn has exec'd by now */
        }
        step_started(op);
        return;
    }
    case 1:
        if (op->dnsmasq) {
            char *conf = lv__net_run_path(op->conn, def->name, ".dnsmasq.conf");
            char *arg = lv_asprintf("--conf-file=%s", conf);
            /* dnsmasq forks into the background once its sockets are bound and
             * exits non-zero with a message when it cannot start */
            const char *argv[] = {op->dnsmasq, arg, NULL};
            run_tool(op, "dnsmasq", argv, NULL);
            free(arg);
            free(conf);
            step_started(op);
            return;
        }
        next_step(op);
        return;
    default:
        if (op->dnsmasq && lv__net_dnsmasq_pid(op->conn, def->name) <= 0) {
            lv_error_set(&op->err, LV_ERR_OPERATION_FAILED,
                         "cannot start network '%s': dnsmasq started but left no running "
                         "process behind its pid file",
                         def->name);
            fail_and_undo(op);
            return;
        }
        op_finish(op, NULL);
        return;
    }
}

/* ---- entry ------------------------------------------------------------------------------ */

/* Under the lock, with op->def the definition to run. */
static void start_def(start_op *op, lv__net_set *set)
{
    lv_error err;
    lv_conn *c = op->conn;
    char *live = lv__net_run_path(c, op->def->name, ".xml");
    bool host_bridge = op->def->forward_mode && !strcmp(op->def->forward_mode, "bridge");
    int rc;
    if (host_bridge)
        rc = check_host_bridge(op->def, &err);
    else
        rc = find_tools(op, &err) < 0 || check_collisions(set, op->def, &err) < 0 ? -1 : 0;
    lv__net_set_clear(set);
    if (rc == 0)
        rc = lv__net_write_def(live, op->def, &err);
    free(live);
    if (rc < 0) {
        op_finish(op, &err);
        return;
    }
    if (host_bridge) {
        op_finish(op, NULL);
        return;
    }
    /* From here on the live definition exists: a failure is undone. */
    if (write_files(op, &op->err) < 0) {
        fail_and_undo(op);
        return;
    }
    next_step(op);
}

/* What a crash, a reboot that kept the run folder, or someone's `ip link del`
 * leaves of an active network: its live definition, with its own bridge gone
 * and no dnsmasq running. Such a network is reported active until net-start
 * (which starts it afresh) or net-destroy (which clears it). */
static bool left_over(lv_conn *c, const lv_network_def *live)
{
    bool host_bridge = live->forward_mode && !strcmp(live->forward_mode, "bridge");
    return !host_bridge && !lv__net_link_exists(live->bridge_name) &&
           lv__net_dnsmasq_pid(c, live->name) == 0;
}

static void left_over_cleared(void *opaque)
{
    start_op *op = opaque;
    lv_error err;
    lv__net_set set;
    if (lv__net_scan(op->conn, &set, &err) < 0) {
        op_finish(op, &err);
        return;
    }
    start_def(op, &set);
}

static void start_locked(void *opaque, int lock_fd, const lv_error *lock_err)
{
    start_op *op = opaque;
    lv_error err;
    lv__net_set set;
    op->lock_fd = lock_fd;
    if (lock_err) {
        op_finish(op, lock_err);
        return;
    }
    lv__net_obj *o = lv__net_scan_uuid(op->conn, &set, op->uuid, &err);
    if (!o) {
        op_finish(op, &err);
        return;
    }
    if (o->live && !left_over(op->conn, o->live)) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID, "network '%s' is already active",
                     o->live->name);
        lv__net_set_clear(&set);
        op_finish(op, &err);
        return;
    }
    op->def = lv_network_def_copy(o->config ? o->config : o->live);
    op->persistent = o->config != NULL;
    op->autostart = o->autostart;
    if (o->live) { /* clear what is left first: its rules, files, a stray dnsmasq */
        lv__net_teardown(op->conn, o->live, left_over_cleared, op);
        lv__net_set_clear(&set);
        return;
    }
    start_def(op, &set);
}

void lv__net_start(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                   void *opaque)
{
    start_op *op = LV_NEW(start_op);
    op->conn = c;
    op->lock_fd = -1;
    memcpy(op->uuid, uuid, LV_UUID_LEN);
    op->done_cb = cb;
    op->opaque = opaque;
    if (flags) {
        lv_error err;
        lv_error_set(&err, LV_ERR_INVALID_ARG, "net-start: unknown flags 0x%x", flags);
        op_finish(op, &err);
        return;
    }
    lv__net_lock(c, start_locked, op);
}

static void create_locked(void *opaque, int lock_fd, const lv_error *lock_err)
{
    start_op *op = opaque;
    lv_error err;
    lv__net_set set;
    op->lock_fd = lock_fd;
    if (lock_err) {
        op_finish(op, lock_err);
        return;
    }
    op->def = lv_network_def_parse_xml(op->create_xml, &err);
    if (!op->def || lv__net_scan(op->conn, &set, &err) < 0) {
        lv_network_def_free(op->def);
        op->def = NULL;
        op_finish(op, &err);
        return;
    }
    if (lv__net_find(&set, LV_LOOKUP_NAME, op->def->name)) {
        lv_error_set(&err, LV_ERR_DUPLICATE, "network '%s' already exists (net-start starts it)",
                     op->def->name);
    } else if (lv__net_fill_generated(&set, op->def, &err) == 0 &&
               lv__net_check_clashes(&set, op->def, &err) == 0) {
        start_def(op, &set);
        return;
    }
    lv__net_set_clear(&set);
    lv_network_def_free(op->def);
    op->def = NULL;
    op_finish(op, &err);
}

void lv__net_create_xml(lv_conn *c, const char *xml, unsigned flags, lv_net_cb cb, void *opaque)
{
    start_op *op = LV_NEW(start_op);
    op->conn = c;
    op->lock_fd = -1;
    op->net_cb = cb;
    op->opaque = opaque;
    if (flags) {
        lv_error err;
        lv_error_set(&err, LV_ERR_INVALID_ARG, "net-create: unknown flags 0x%x", flags);
        op_finish(op, &err);
        return;
    }
    op->create_xml = lv_strdup(xml);
    lv__net_lock(c, create_locked, op);
}
