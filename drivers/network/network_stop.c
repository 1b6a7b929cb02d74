/* net-destroy, and the teardown that every failed net-start runs too: stop
 * the network's dnsmasq, delete its nftables table, delete its bridge, remove
 * its run files. Each step runs even when an earlier one failed, and each
 * copes with its part being gone already (a half-done start, a crash). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/files.h"
#include "network/network_gen.h"
#include "network/network_host.h"
#include "network/network_priv.h"
#include "network/network_proc.h"
#include "network/network_run.h"

/* ---- dnsmasq's pid ------------------------------------------------------------- */

/* The pid in the network's pid file when that process is the network's dnsmasq
 * (its command line names the network's config file), else 0. */
pid_t lv__net_dnsmasq_pid(lv_conn *c, const char *name)
{
    char *pidfile = lv__net_run_path(c, name, ".pid");
    char *conf = lv__net_run_path(c, name, ".dnsmasq.conf");
    char *text = NULL;
    size_t len;
    pid_t pid = 0;
    if (lv_file_read_all(pidfile, &text, &len, NULL) == 0) {
        long v = strtol(text, NULL, 10);
        free(text);
        text = NULL;
        char proc[64];
        snprintf(proc, sizeof(proc), "/proc/%ld/cmdline", v);
        if (v > 1 && lv_file_read_all(proc, &text, &len, NULL) == 0) {
            /* NUL-separated arguments: look for --conf-file=CONF among them */
            char *want = lv_asprintf("--conf-file=%s", conf);
            for (size_t off = 0; off < len; off += strlen(text + off) + 1) {
                if (!strcmp(text + off, want))
                    pid = (pid_t)v;
            }
            free(want);
        }
        free(text);
    }
    free(pidfile);
    free(conf);
    return pid;
}

/* Gone, or a zombie waiting for PID 1 (which reaps slowly here). */
static bool process_gone(pid_t pid)
{
    char path[64], *text = NULL;
    size_t len;
    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    if (lv_file_read_all(path, &text, &len, NULL) < 0)
        return true;
    const char *end = strrchr(text, ')');
    bool zombie = end && end[1] == ' ' && (end[2] == 'Z' || end[2] == 'X');
    free(text);
    return zombie;
}

/* ---- teardown ------------------------------------------------------------------- */

enum {
    KILL_POLL_MS = 10,
    KILL_PATIENCE_POLLS = 300, /* then SIGKILL: 3 s of SIGTERM is plenty for dnsmasq */
};

typedef struct teardown {
    lv_conn *conn;
    lv_network_def *def;
    lv__net_teardown_cb cb;
    void *opaque;
    int step;
    uv_timer_t timer;
    pid_t pid;
    int polls;
} teardown;

static void teardown_next(teardown *t);

static void tool_done(void *opaque, int status, int signal, const char *errors)
{
    (void)status, (void)signal, (void)errors; /* best effort: gone already is fine */
    teardown_next(opaque);
}

static void run_tool(teardown *t, const char *tool, const char *env, const char *const *args)
{
    char *exe = lv__net_find_program(tool, env);
    const char *argv[8] = {0};
    int rc = -1;
    if (exe) {
        argv[0] = exe;
        for (size_t i = 0; args[i] && i < 6; i++)
            argv[i + 1] = args[i];
        rc = lv__net_proc_run(t->conn->loop, argv, NULL, tool_done, t);
    }
    free(exe);
    if (rc < 0)
        teardown_next(t);
}

static void timer_closed(uv_handle_t *h)
{
    teardown_next(h->data);
}

static void kill_poll(uv_timer_t *timer)
{
    teardown *t = timer->data;
    if (!process_gone(t->pid) && ++t->polls < 2 * KILL_PATIENCE_POLLS) {
        if (t->polls == KILL_PATIENCE_POLLS)
            kill(t->pid, SIGKILL);
        return;
    }
    uv_timer_stop(timer);
    uv_close((uv_handle_t *)timer, timer_closed);
}

static void remove_run_files(lv_conn *c, const char *name)
{
    static const char *const suffixes[] = {".pid",    ".dnsmasq.conf", ".hostsfile", ".addnhosts",
                                           ".leases", ".nft",          ".xml"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char *p = lv__net_run_path(c, name, suffixes[i]);
        lv_file_remove(p, NULL);
        free(p);
    }
}

static void teardown_next(teardown *t)
{
    const lv_network_def *def = t->def;
    bool host_bridge = def->forward_mode && !strcmp(def->forward_mode, "bridge");
    switch (t->step++) {
    case 0:
        t->pid = lv__net_dnsmasq_pid(t->conn, def->name);
        if (t->pid > 0 && kill(t->pid, SIGTERM) == 0) {
            uv_timer_init(t->conn->loop, &t->timer);
            t->timer.data = t;
            uv_timer_start(&t->timer, kill_poll, KILL_POLL_MS, KILL_POLL_MS);
            return;
        }
        teardown_next(t);
        return;
    case 1:
        if (lv__net_nft_has_rules(def) && !host_bridge) {
            char table[40];
            lv__net_nft_table(def, table);
            const char *args[] = {"delete", "table", "inet", table, NULL};
            run_tool(t, "nft", "LUVIRT_NFT", args);
            return;
        }
        teardown_next(t);
        return;
    case 2:
        if (!host_bridge && lv__net_link_exists(def->bridge_name)) {
            const char *args[] = {"link", "del", def->bridge_name, NULL};
            run_tool(t, "ip", "LUVIRT_IP", args);
            return;
        }
        teardown_next(t);
        return;
    default:
        remove_run_files(t->conn, def->name);
        lv__net_teardown_cb cb = t->cb;
        void *opaque = t->opaque;
        lv_network_def_free(t->def);
        free(t);
        cb(opaque);
    }
}

void lv__net_teardown(lv_conn *c, const lv_network_def *def, lv__net_teardown_cb cb, void *opaque)
{
    teardown *t = LV_NEW(teardown);
    t->conn = c;
    t->def = lv_network_def_copy(def);
    t->cb = cb;
    t->opaque = opaque;
    teardown_next(t);
}

/* ---- net-destroy -------------------------------------------------------------------- */

typedef struct destroy_call {
    lv_conn *conn;
    unsigned char uuid[LV_UUID_LEN];
    unsigned flags;
    int lock_fd;
    lv_net_info info;
    bool transient;
    lv_done_cb cb;
    void *opaque;
} destroy_call;

static void destroy_finish(destroy_call *d, const lv_error *err)
{
    lv__net_unlock(d->lock_fd);
    lv_net_info_clear(&d->info);
    lv_done_cb cb = d->cb;
    void *opaque = d->opaque;
    free(d);
    cb(opaque, err);
}

static void destroy_torn_down(void *opaque)
{
    destroy_call *d = opaque;
    d->info.active = false;
    lv__net_emit_event(d->conn, &d->info, LV_NET_EVENT_STOPPED, 0);
    destroy_finish(d, NULL);
}

static void destroy_locked(void *opaque, int lock_fd, const lv_error *lock_err)
{
    destroy_call *d = opaque;
    lv_error err;
    lv__net_set set;
    d->lock_fd = lock_fd;
    if (lock_err) {
        destroy_finish(d, lock_err);
        return;
    }
    lv__net_obj *o = lv__net_scan_uuid(d->conn, &set, d->uuid, &err);
    if (!o) {
        destroy_finish(d, &err);
        return;
    }
    if (!o->live) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID, "network '%s' is not active", o->config->name);
        lv__net_set_clear(&set);
        destroy_finish(d, &err);
        return;
    }
    lv__net_info_fill(o, &d->info);
    lv__net_teardown(d->conn, o->live, destroy_torn_down, d);
    lv__net_set_clear(&set);
}

static void users_checked(void *opaque, char *users, const lv_error *err)
{
    destroy_call *d = opaque;
    if (err) {
        destroy_finish(d, err);
        return;
    }
    if (users) {
        lv_error e;
        lv_error_set(&e, LV_ERR_OPERATION_INVALID,
                     "network '%s' is in use by running domain%s %s; destroy it with --force "
                     "to cut them off",
                     d->info.name, strchr(users, ',') ? "s" : "", users);
        free(users);
        destroy_finish(d, &e);
        return;
    }
    lv_net_info_clear(&d->info);
    lv__net_lock(d->conn, destroy_locked, d);
}

void lv__net_destroy(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                     void *opaque)
{
    lv_error err;
    destroy_call *d = LV_NEW(destroy_call);
    d->conn = c;
    memcpy(d->uuid, uuid, LV_UUID_LEN);
    d->flags = flags;
    d->lock_fd = -1;
    d->cb = cb;
    d->opaque = opaque;
    if (flags & ~(unsigned)LV_NET_DESTROY_FORCE) {
        lv_error_set(&err, LV_ERR_INVALID_ARG, "net-destroy: unknown flags 0x%x", flags);
        destroy_finish(d, &err);
        return;
    }
    lv__net_set set;
    lv__net_obj *o = lv__net_scan_uuid(c, &set, uuid, &err);
    if (!o) {
        destroy_finish(d, &err);
        return;
    }
    if (!o->live) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID, "network '%s' is not active", o->config->name);
        lv__net_set_clear(&set);
        destroy_finish(d, &err);
        return;
    }
    lv__net_info_fill(o, &d->info);
    const lv_network_def *def = lv__net_obj_def(o);
    char *name = lv_strdup(def->name), *bridge = lv_strdup(def->bridge_name);
    lv__net_set_clear(&set);
    if (flags & LV_NET_DESTROY_FORCE) {
        free(name);
        free(bridge);
        users_checked(d, NULL, NULL);
        return;
    }
    /* Checked before the lock: the users come from the hypervisor driver. */
    lv__net_find_users(c, name, bridge, users_checked, d);
    free(name);
    free(bridge);
}
