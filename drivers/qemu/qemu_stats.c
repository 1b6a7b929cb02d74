/* Stats of running guests (domstats, dommemstat, domblkinfo): what qemu knows
 * comes from QMP in one session under the per-domain lock (query-balloon, the
 * balloon's guest-stats through qom-get, query-cpus-fast, query-blockstats,
 * query-block); what the host knows from /proc (cpu times of qemu and of each
 * vcpu thread, RSS, TAP counters in /proc/net/dev) and stat(2) of disk images.
 * Keys are virsh's. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/files.h"
#include "qemu_run.h"

typedef enum stats_kind { KIND_STATS, KIND_MEMORY, KIND_BLOCK } stats_kind;

enum { Q_BALLOON, Q_GUEST, Q_CPUS, Q_BLOCKSTATS, Q_BLOCK, Q_MAX };

typedef struct stats_call {
    lv__qemu_state *st;
    unsigned char uuid[LV_UUID_LEN];
    stats_kind kind;
    unsigned groups;
    char *disk;
    int idx[Q_MAX]; /* reply index of each query, -1 when not asked */
    lv_params_cb cb;
    void *opaque;
} stats_call;

/* ---- /proc -------------------------------------------------------------- */

/* utime and stime (ns) from /proc/.../stat text. */
static int proc_stat_times(const char *path, uint64_t *user, uint64_t *sys)
{
    char *text = NULL;
    size_t len = 0;
    if (lv_file_read_all(path, &text, &len, NULL) < 0)
        return -1;
    char *p = strrchr(text, ')');
    unsigned long long ut = 0, stt = 0;
    /* after ')': state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt
     * cmajflt utime(14) stime(15) */
    int n = p ? sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
                       &stt)
              : 0;
    free(text);
    if (n != 2)
        return -1;
    long hz = sysconf(_SC_CLK_TCK);
    uint64_t tick = 1000000000ULL / (uint64_t)(hz > 0 ? hz : 100);
    *user = ut * tick;
    *sys = stt * tick;
    return 0;
}

/* VmRSS of pid in KiB, 0 when unknown. */
static uint64_t proc_rss_kib(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    char *text = NULL;
    size_t len = 0;
    if (lv_file_read_all(path, &text, &len, NULL) < 0)
        return 0;
    unsigned long long kib = 0;
    const char *p = strstr(text, "\nVmRSS:");
    if (p)
        sscanf(p + 7, "%llu", &kib);
    free(text);
    return kib;
}

/* /proc/net/dev counters of ifname: rx bytes, packets, errs, drop, then tx. */
static bool net_dev_counters(const char *ifname, uint64_t v[8])
{
    char *text = NULL;
    size_t len = 0;
    if (!ifname || lv_file_read_all("/proc/net/dev", &text, &len, NULL) < 0)
        return false;
    bool found = false;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line && !found;
         line = strtok_r(NULL, "\n", &save)) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        char *name = line;
        while (*name == ' ')
            name++;
        if (strcmp(name, ifname) != 0)
            continue;
        unsigned long long r[16] = {0};
        if (sscanf(colon + 1,
                   "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu "
                   "%llu",
                   &r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7], &r[8], &r[9], &r[10],
                   &r[11], &r[12], &r[13], &r[14], &r[15]) == 16) {
            /* The host's receive is the guest's transmit on a TAP: swap, as libvirt. */
            uint64_t host[8] = {r[0], r[1], r[2], r[3], r[8], r[9], r[10], r[11]};
            for (int i = 0; i < 4; i++) {
                v[i] = host[4 + i];
                v[4 + i] = host[i];
            }
            found = true;
        }
    }
    free(text);
    return found;
}

/* ---- json helpers ------------------------------------------------------- */

static json_object *reply(const stats_call *sc, json_object *const *replies, size_t n, int q)
{
    if (sc->idx[q] < 0 || (size_t)sc->idx[q] >= n)
        return NULL;
    return replies[sc->idx[q]];
}

static bool get_int(json_object *obj, const char *key, int64_t *out)
{
    json_object *v = NULL;
    if (!obj || !json_object_object_get_ex(obj, key, &v) || !v)
        return false;
    *out = json_object_get_int64(v);
    return true;
}

/* Does a query-block/-blockstats entry belong to the device with qemu id alias?
 * With -blockdev, "qdev" is the id ("ide0-0-0") or a QOM path
 * ("/machine/peripheral/virtio-disk0/virtio-backend"). */
static bool entry_is(json_object *e, const char *alias)
{
    json_object *q = NULL;
    if (!alias)
        return false;
    if (json_object_object_get_ex(e, "qdev", &q) && q) {
        const char *s = json_object_get_string(q);
        if (strcmp(s, alias) == 0)
            return true;
        char prefix[256];
        snprintf(prefix, sizeof(prefix), "/machine/peripheral/%s/", alias);
        if (strncmp(s, prefix, strlen(prefix)) == 0)
            return true;
    }
    if (json_object_object_get_ex(e, "device", &q) && q)
        return strcmp(json_object_get_string(q), alias) == 0;
    return false;
}

static json_object *find_entry(json_object *list, const char *alias)
{
    if (!list || !json_object_is_type(list, json_type_array))
        return NULL;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *e = json_object_array_get_idx(list, i);
        if (entry_is(e, alias))
            return e;
    }
    return NULL;
}

static const char *disk_path(const lv_disk_def *dk)
{
    return dk->source_file ? dk->source_file : dk->source_dev;
}

/* capacity from a qcow2 header (bytes 24..31, big endian); 0 when not qcow2. */
static uint64_t qcow2_capacity(const char *path)
{
    unsigned char h[32];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = pread(fd, h, sizeof(h), 0);
    close(fd);
    if (n != (ssize_t)sizeof(h) || memcmp(h, "QFI\xfb", 4) != 0)
        return 0;
    uint64_t v = 0;
    for (int i = 24; i < 32; i++)
        v = (v << 8) | h[i];
    return v;
}

/* capacity, allocation, physical of one disk: from query-block when running,
 * else from the image file. */
static void disk_sizes(const lv_disk_def *dk, json_object *blk, uint64_t *cap, uint64_t *alloc,
                       uint64_t *phys)
{
    *cap = *alloc = *phys = 0;
    struct stat sb;
    const char *path = disk_path(dk);
    if (path && stat(path, &sb) == 0) {
        *phys = (uint64_t)sb.st_size;
        *alloc = (uint64_t)sb.st_blocks * 512;
        uint64_t q = qcow2_capacity(path);
        *cap = q ? q : (uint64_t)sb.st_size;
    }
    json_object *inserted = NULL, *image = NULL;
    int64_t v;
    if (blk && json_object_object_get_ex(blk, "inserted", &inserted) &&
        json_object_object_get_ex(inserted, "image", &image)) {
        if (get_int(image, "virtual-size", &v))
            *cap = (uint64_t)v;
        if (get_int(image, "actual-size", &v))
            *alloc = (uint64_t)v;
    }
}

/* ---- building the results ----------------------------------------------- */

static void add_balloon(lv_params *p, const lv_domain_def *def, json_object *balloon)
{
    int64_t actual;
    uint64_t cur = def->current_memory_kib ? def->current_memory_kib : def->memory_kib;
    if (get_int(balloon, "actual", &actual))
        cur = (uint64_t)actual / 1024;
    lv_params_add_uint(p, cur, "balloon.current");
    lv_params_add_uint(p, def->memory_kib, "balloon.maximum");
}

/* The guest's own view (virtio-balloon guest-stats), as (name, qemu key, divisor). */
static const struct {
    const char *name;
    const char *key;
    unsigned div;
} guest_stats[] = {
    {"swap_in", "stat-swap-in", 1024},
    {"swap_out", "stat-swap-out", 1024},
    {"major_fault", "stat-major-faults", 1},
    {"minor_fault", "stat-minor-faults", 1},
    {"unused", "stat-free-memory", 1024},
    {"available", "stat-total-memory", 1024},
    {"usable", "stat-available-memory", 1024},
    {"disk_caches", "stat-disk-caches", 1024},
    {"hugetlb_pgalloc", "stat-htlb-pgalloc", 1},
    {"hugetlb_pgfail", "stat-htlb-pgfail", 1},
};

/* prefix "" for dommemstat, "balloon." for domstats. */
static void add_guest_stats(lv_params *p, const char *prefix, json_object *gs)
{
    json_object *stats = NULL;
    if (!gs || !json_object_object_get_ex(gs, "stats", &stats))
        return;
    for (size_t i = 0; i < sizeof(guest_stats) / sizeof(guest_stats[0]); i++) {
        int64_t v;
        if (get_int(stats, guest_stats[i].key, &v) && v >= 0)
            lv_params_add_uint(p, (uint64_t)v / guest_stats[i].div, "%s%s", prefix,
                               guest_stats[i].name);
    }
    int64_t last;
    if (get_int(gs, "last-update", &last) && last > 0)
        lv_params_add_uint(p, (uint64_t)last, "%s%s", prefix,
                           *prefix ? "last-update" : "last_update");
}

static void add_vcpus(lv_params *p, const lv__qemu_dom *d, json_object *cpus)
{
    const lv_domain_def *def = lv__qemu_dom_def(d);
    size_t n = cpus && json_object_is_type(cpus, json_type_array) ? json_object_array_length(cpus)
                                                                  : 0;
    unsigned current = def->vcpus_current ? def->vcpus_current : def->vcpus;
    lv_params_add_uint(p, n ? n : current, "vcpu.current");
    lv_params_add_uint(p, def->vcpus, "vcpu.maximum");
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(cpus, i);
        int64_t index = (int64_t)i, tid = 0;
        get_int(e, "cpu-index", &index);
        get_int(e, "thread-id", &tid);
        lv_params_add_int(p, d->state == LV_DOMAIN_RUNNING ? 1 : 0, "vcpu.%lld.state",
                          (long long)index);
        uint64_t u = 0, s = 0;
        char path[96];
        snprintf(path, sizeof(path), "/proc/%d/task/%lld/stat", (int)d->status.qemu_pid,
                 (long long)tid);
        if (tid > 0 && proc_stat_times(path, &u, &s) == 0)
            lv_params_add_uint(p, u + s, "vcpu.%lld.time", (long long)index);
        lv_params_add_uint(p, 0, "vcpu.%lld.wait", (long long)index);
    }
}

static void add_nets(lv_params *p, const lv_domain_def *def)
{
    lv_params_add_uint(p, def->nnets, "net.count");
    static const char *const keys[] = {"rx.bytes", "rx.pkts", "rx.errs", "rx.drop",
                                       "tx.bytes", "tx.pkts", "tx.errs", "tx.drop"};
    for (size_t i = 0; i < def->nnets; i++) {
        const lv_net_def *n = &def->nets[i];
        lv_params_add_string(p, n->target_dev ? n->target_dev : "", "net.%zu.name", i);
        uint64_t v[8];
        if (net_dev_counters(n->target_dev, v))
            for (size_t k = 0; k < 8; k++)
                lv_params_add_uint(p, v[k], "net.%zu.%s", i, keys[k]);
    }
}

static void add_blocks(lv_params *p, const lv_domain_def *def, json_object *bstats,
                       json_object *blocks)
{
    lv_params_add_uint(p, def->ndisks, "block.count");
    static const struct {
        const char *name, *key;
    } keys[] = {
        {"rd.reqs", "rd_operations"},        {"rd.bytes", "rd_bytes"},
        {"rd.times", "rd_total_time_ns"},    {"wr.reqs", "wr_operations"},
        {"wr.bytes", "wr_bytes"},            {"wr.times", "wr_total_time_ns"},
        {"fl.reqs", "flush_operations"},     {"fl.times", "flush_total_time_ns"},
    };
    for (size_t i = 0; i < def->ndisks; i++) {
        const lv_disk_def *dk = &def->disks[i];
        lv_params_add_string(p, dk->target_dev, "block.%zu.name", i);
        if (disk_path(dk))
            lv_params_add_string(p, disk_path(dk), "block.%zu.path", i);
        json_object *e = find_entry(bstats, dk->info.alias), *stats = NULL;
        if (e && json_object_object_get_ex(e, "stats", &stats)) {
            for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
                int64_t v;
                if (get_int(stats, keys[k].key, &v))
                    lv_params_add_uint(p, (uint64_t)v, "block.%zu.%s", i, keys[k].name);
            }
        }
        uint64_t cap, alloc, phys;
        disk_sizes(dk, find_entry(blocks, dk->info.alias), &cap, &alloc, &phys);
        lv_params_add_uint(p, alloc, "block.%zu.allocation", i);
        lv_params_add_uint(p, cap, "block.%zu.capacity", i);
        lv_params_add_uint(p, phys, "block.%zu.physical", i);
    }
}

static void add_cpu_total(lv_params *p, const lv__qemu_dom *d)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)d->status.qemu_pid);
    uint64_t u = 0, s = 0;
    proc_stat_times(path, &u, &s);
    lv_params_add_uint(p, u + s, "cpu.time");
    lv_params_add_uint(p, u, "cpu.user");
    lv_params_add_uint(p, s, "cpu.system");
}

static const lv_disk_def *find_disk(const lv_domain_def *def, const char *disk)
{
    for (size_t i = 0; i < def->ndisks; i++) {
        const lv_disk_def *dk = &def->disks[i];
        if ((dk->target_dev && strcmp(dk->target_dev, disk) == 0) ||
            (disk_path(dk) && strcmp(disk_path(dk), disk) == 0))
            return dk;
    }
    return NULL;
}

static void stats_call_free(stats_call *sc)
{
    free(sc->disk);
    free(sc);
}

/* Builds the result for sc->kind from the replies (none for an inactive domain). */
static void finish(stats_call *sc, json_object *const *replies, size_t n)
{
    lv_error err;
    lv__qemu_dom *d = lv__qemu_find_uuid(sc->st, sc->uuid);
    if (d)
        d = lv__qemu_refresh(sc->st, d);
    if (!d) {
        char s[LV_UUID_STRING_LEN];
        lv_uuid_format(sc->uuid, s);
        lv_error_set(&err, LV_ERR_NO_DOMAIN, "domain '%s' not found", s);
        sc->cb(sc->opaque, NULL, &err);
        stats_call_free(sc);
        return;
    }
    const lv_domain_def *def = lv__qemu_dom_def(d);
    bool active = lv__qemu_dom_active(d);
    lv_params *p = lv_params_new();
    switch (sc->kind) {
    case KIND_STATS:
        if (sc->groups & LV_STATS_STATE) {
            lv_params_add_int(p, d->state, "state.state");
            lv_params_add_int(p, d->reason, "state.reason");
        }
        if (!active)
            break;
        if (sc->groups & LV_STATS_CPU_TOTAL)
            add_cpu_total(p, d);
        if (sc->groups & LV_STATS_BALLOON) {
            add_balloon(p, def, reply(sc, replies, n, Q_BALLOON));
            add_guest_stats(p, "balloon.", reply(sc, replies, n, Q_GUEST));
            lv_params_add_uint(p, proc_rss_kib(d->status.qemu_pid), "balloon.rss");
        }
        if (sc->groups & LV_STATS_VCPU)
            add_vcpus(p, d, reply(sc, replies, n, Q_CPUS));
        if (sc->groups & LV_STATS_INTERFACE)
            add_nets(p, def);
        if (sc->groups & LV_STATS_BLOCK)
            add_blocks(p, def, reply(sc, replies, n, Q_BLOCKSTATS), reply(sc, replies, n, Q_BLOCK));
        break;
    case KIND_MEMORY: {
        lv_params *b = lv_params_new();
        add_balloon(b, def, reply(sc, replies, n, Q_BALLOON));
        lv_params_add_uint(p, lv_params_get(b, "balloon.current")->u, "actual");
        lv_params_free(b);
        add_guest_stats(p, "", reply(sc, replies, n, Q_GUEST));
        lv_params_add_uint(p, proc_rss_kib(d->status.qemu_pid), "rss");
        break;
    }
    case KIND_BLOCK: {
        const lv_disk_def *dk = find_disk(def, sc->disk);
        if (!dk) {
            lv_params_free(p);
            lv_error_set(&err, LV_ERR_INVALID_ARG, "invalid path %s not assigned to domain '%s'",
                         sc->disk, def->name);
            sc->cb(sc->opaque, NULL, &err);
            stats_call_free(sc);
            return;
        }
        uint64_t cap, alloc, phys;
        disk_sizes(dk, active ? find_entry(reply(sc, replies, n, Q_BLOCK), dk->info.alias) : NULL,
                   &cap, &alloc, &phys);
        lv_params_add_uint(p, cap, "capacity");
        lv_params_add_uint(p, alloc, "allocation");
        lv_params_add_uint(p, phys, "physical");
        break;
    }
    }
    sc->cb(sc->opaque, p, NULL);
    stats_call_free(sc);
}

static void on_batch(void *opaque, json_object *const *replies, size_t n, const lv_error *err)
{
    stats_call *sc = opaque;
    if (err) {
        sc->cb(sc->opaque, NULL, err);
        stats_call_free(sc);
        return;
    }
    finish(sc, replies, n);
}

/* Asks QMP what sc needs (nothing for an inactive domain), then finish(). */
static void run(lv_conn *c, stats_call *sc)
{
    lv_error err;
    lv__qemu_dom *d = lv__qemu_find_dom(sc->st, sc->uuid, &err);
    if (!d) {
        sc->cb(sc->opaque, NULL, &err);
        stats_call_free(sc);
        return;
    }
    const lv_domain_def *def = lv__qemu_dom_def(d);
    if (!lv__qemu_dom_active(d)) {
        if (sc->kind == KIND_MEMORY) {
            lv__qemu_refuse_state(d, LV_DOMAIN_RUNNING, &err);
            sc->cb(sc->opaque, NULL, &err);
            stats_call_free(sc);
            return;
        }
        finish(sc, NULL, 0);
        return;
    }
    const char *cmds[Q_MAX], *args[Q_MAX];
    char *guest_args = NULL;
    size_t n = 0;
    for (int q = 0; q < Q_MAX; q++)
        sc->idx[q] = -1;
    bool balloon = def->memballoon &&
                   !(def->memballoon->model && strcmp(def->memballoon->model, "none") == 0);
    bool want_balloon = sc->kind == KIND_MEMORY ||
                        (sc->kind == KIND_STATS && (sc->groups & LV_STATS_BALLOON));
    if (want_balloon && balloon) {
        sc->idx[Q_BALLOON] = (int)n;
        cmds[n] = "query-balloon";
        args[n++] = NULL;
        guest_args = lv_asprintf("{\"path\": \"/machine/peripheral/%s\", "
                                 "\"property\": \"guest-stats\"}",
                                 def->memballoon->info.alias ? def->memballoon->info.alias
                                                             : "balloon0");
        sc->idx[Q_GUEST] = (int)n;
        cmds[n] = "qom-get";
        args[n++] = guest_args;
    }
    if (sc->kind == KIND_STATS && (sc->groups & LV_STATS_VCPU)) {
        sc->idx[Q_CPUS] = (int)n;
        cmds[n] = "query-cpus-fast";
        args[n++] = NULL;
    }
    if (sc->kind == KIND_STATS && (sc->groups & LV_STATS_BLOCK)) {
        sc->idx[Q_BLOCKSTATS] = (int)n;
        cmds[n] = "query-blockstats";
        args[n++] = NULL;
    }
    if (sc->kind == KIND_BLOCK || (sc->kind == KIND_STATS && (sc->groups & LV_STATS_BLOCK))) {
        sc->idx[Q_BLOCK] = (int)n;
        cmds[n] = "query-block";
        args[n++] = NULL;
    }
    if (n == 0) {
        finish(sc, NULL, 0);
        return;
    }
    lv__qemu_qmp_batch(c, sc->uuid, "get stats of", cmds, args, n, on_batch, sc);
    free(guest_args);
}

static stats_call *stats_call_new(lv_conn *c, const unsigned char *uuid, stats_kind kind,
                                  lv_params_cb cb, void *opaque)
{
    stats_call *sc = LV_NEW(stats_call);
    sc->st = c->priv;
    memcpy(sc->uuid, uuid, LV_UUID_LEN);
    sc->kind = kind;
    sc->cb = cb;
    sc->opaque = opaque;
    return sc;
}

static bool refuse_null(const unsigned char *uuid, unsigned flags, lv_params_cb cb, void *opaque)
{
    lv_error err;
    if (!uuid)
        lv_error_set(&err, LV_ERR_NO_DOMAIN, "domain '(null)' not found");
    else if (flags)
        lv_error_set(&err, LV_ERR_INVALID_ARG, "unsupported flags 0x%x", flags);
    else
        return false;
    cb(opaque, NULL, &err);
    return true;
}

void lv__qemu_get_stats(lv_conn *c, const unsigned char *uuid, unsigned groups, lv_params_cb cb,
                        void *opaque)
{
    if (refuse_null(uuid, 0, cb, opaque))
        return;
    stats_call *sc = stats_call_new(c, uuid, KIND_STATS, cb, opaque);
    sc->groups = groups;
    run(c, sc);
}

void lv__qemu_memory_stats(lv_conn *c, const unsigned char *uuid, unsigned flags,
                           lv_params_cb cb, void *opaque)
{
    if (refuse_null(uuid, flags, cb, opaque))
        return;
    run(c, stats_call_new(c, uuid, KIND_MEMORY, cb, opaque));
}

void lv__qemu_block_info(lv_conn *c, const unsigned char *uuid, const char *disk, unsigned flags,
                         lv_params_cb cb, void *opaque)
{
    if (refuse_null(uuid, flags, cb, opaque))
        return;
    stats_call *sc = stats_call_new(c, uuid, KIND_BLOCK, cb, opaque);
    sc->disk = lv_strdup(disk);
    run(c, sc);
}
