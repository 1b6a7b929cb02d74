/* Stats of the test driver: plausible fixed values, in the spirit of libvirt's
 * test driver, so scripts and the domstats/dommemstat/domblkinfo commands have
 * something to show. Only cpu.time moves (it is the domain's cpu time). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_priv.h"

#define TEST_DISK_CAPACITY (100ULL << 30) /* 100 GiB */
#define TEST_DISK_ALLOCATION (1ULL << 30)

static uint64_t current_kib(const lv_domain_def *def)
{
    return def->current_memory_kib ? def->current_memory_kib : def->memory_kib;
}

static const char *disk_path(const lv_disk_def *disk)
{
    return disk->source_file ? disk->source_file : disk->source_dev;
}

void lv__test_stats(const lv__test_dom *d, unsigned groups, lv_params *p)
{
    const lv_domain_def *def = lv__test_dom_def(d);
    bool active = lv__test_dom_active(d);
    if (groups & LV_STATS_STATE) {
        lv_params_add_int(p, d->state, "state.state");
        lv_params_add_int(p, d->reason, "state.reason");
    }
    if (!active)
        return;
    if (groups & LV_STATS_CPU_TOTAL) {
        uint64_t ns = lv__test_dom_cpu_ns(d);
        lv_params_add_uint(p, ns, "cpu.time");
        lv_params_add_uint(p, ns / 10 * 9, "cpu.user");
        lv_params_add_uint(p, ns / 10, "cpu.system");
    }
    if (groups & LV_STATS_BALLOON) {
        lv_params_add_uint(p, current_kib(def), "balloon.current");
        lv_params_add_uint(p, def->memory_kib, "balloon.maximum");
        lv_params_add_uint(p, current_kib(def) / 2, "balloon.rss");
    }
    unsigned vcpus = def->vcpus_current ? def->vcpus_current : def->vcpus;
    if (groups & LV_STATS_VCPU) {
        lv_params_add_uint(p, vcpus, "vcpu.current");
        lv_params_add_uint(p, def->vcpus, "vcpu.maximum");
        for (unsigned i = 0; i < vcpus; i++) {
            lv_params_add_int(p, d->state == LV_DOMAIN_RUNNING ? 1 : 0, "vcpu.%u.state", i);
            lv_params_add_uint(p, lv__test_dom_cpu_ns(d) / (vcpus ? vcpus : 1), "vcpu.%u.time",
                               i);
            lv_params_add_uint(p, 0, "vcpu.%u.wait", i);
        }
    }
    if (groups & LV_STATS_INTERFACE) {
        lv_params_add_uint(p, def->nnets, "net.count");
        for (size_t i = 0; i < def->nnets; i++) {
            const lv_net_def *n = &def->nets[i];
            if (n->target_dev)
                lv_params_add_string(p, n->target_dev, "net.%zu.name", i);
            else {
                char name[32];
                snprintf(name, sizeof(name), "vnet%zu", i);
                lv_params_add_string(p, name, "net.%zu.name", i);
            }
            static const char *const keys[] = {"rx.bytes", "rx.pkts", "rx.errs", "rx.drop",
                                               "tx.bytes", "tx.pkts", "tx.errs", "tx.drop"};
            static const uint64_t vals[] = {1000000, 1000, 0, 0, 500000, 500, 0, 0};
            for (size_t k = 0; k < 8; k++)
                lv_params_add_uint(p, vals[k], "net.%zu.%s", i, keys[k]);
        }
    }
    if (groups & LV_STATS_BLOCK) {
        lv_params_add_uint(p, def->ndisks, "block.count");
        for (size_t i = 0; i < def->ndisks; i++) {
            const lv_disk_def *disk = &def->disks[i];
            lv_params_add_string(p, disk->target_dev, "block.%zu.name", i);
            if (disk_path(disk))
                lv_params_add_string(p, disk_path(disk), "block.%zu.path", i);
            static const char *const keys[] = {"rd.reqs",  "rd.bytes", "rd.times", "wr.reqs",
                                               "wr.bytes", "wr.times", "fl.reqs",  "fl.times"};
            static const uint64_t vals[] = {1000, 4096000, 1000000, 500, 2048000, 500000, 10,
                                            100000};
            for (size_t k = 0; k < 8; k++)
                lv_params_add_uint(p, vals[k], "block.%zu.%s", i, keys[k]);
            lv_params_add_uint(p, TEST_DISK_ALLOCATION, "block.%zu.allocation", i);
            lv_params_add_uint(p, TEST_DISK_CAPACITY, "block.%zu.capacity", i);
            lv_params_add_uint(p, TEST_DISK_ALLOCATION, "block.%zu.physical", i);
        }
    }
}

/* As libvirt's test driver: half the memory in use, a quarter of that cached. */
void lv__test_memory_stats(const lv__test_dom *d, lv_params *p)
{
    uint64_t cur = current_kib(lv__test_dom_def(d));
    lv_params_add_uint(p, cur, "actual");
    lv_params_add_uint(p, 0, "swap_in");
    lv_params_add_uint(p, 0, "swap_out");
    lv_params_add_uint(p, 0, "major_fault");
    lv_params_add_uint(p, 0, "minor_fault");
    lv_params_add_uint(p, cur / 2, "unused");
    lv_params_add_uint(p, cur, "available");
    lv_params_add_uint(p, cur / 2, "usable");
    lv_params_add_uint(p, (uint64_t)time(NULL), "last_update");
    lv_params_add_uint(p, cur / 8, "disk_caches");
    lv_params_add_uint(p, cur / 2, "rss");
}

int lv__test_block_info(const lv__test_dom *d, const char *disk, lv_params *p, lv_error *err)
{
    const lv_domain_def *def = lv__test_dom_def(d);
    for (size_t i = 0; i < def->ndisks; i++) {
        const lv_disk_def *dk = &def->disks[i];
        if ((dk->target_dev && strcmp(dk->target_dev, disk) == 0) ||
            (disk_path(dk) && strcmp(disk_path(dk), disk) == 0)) {
            lv_params_add_uint(p, TEST_DISK_CAPACITY, "capacity");
            lv_params_add_uint(p, TEST_DISK_ALLOCATION, "allocation");
            lv_params_add_uint(p, TEST_DISK_ALLOCATION, "physical");
            return 0;
        }
    }
    return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid path %s not assigned to domain '%s'",
                        disk, def->name);
}
