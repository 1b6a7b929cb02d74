/* The logical pool backend: an LVM volume group whose logical volumes are
 * the pool's (raw) volumes; storage_logical_pool.c runs the lvm2 tools. */
#include "storage_backend.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "storage_logical_pool.h"

/* The pool as storage_logical_pool.c takes it; devices borrowed from def
 * (free the array only). */
static lv__logical_pool logical_of(const lv_pool_def *def, char ***devices)
{
    *devices = lv_malloc0((def->n_source_devices + 1) * sizeof(**devices));
    for (size_t i = 0; i < def->n_source_devices; i++)
        (*devices)[i] = def->source_devices[i].path;
    return (lv__logical_pool){
        .name = def->name,
        .vg = def->source_name ? def->source_name : def->name,
        .devices = *devices,
        .n_devices = def->n_source_devices,
    };
}

static int logical_validate(const lv_pool_def *def, lv_error *err)
{
    const char *vg = def->source_name ? def->source_name : def->name;
    if (lv__lvm_check_name("volume group", vg, err) < 0)
        return -1;
    if (def->source_format && strcmp(def->source_format, "lvm2") != 0 &&
        strcmp(def->source_format, "auto") != 0)
        return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                            "pool '%s': source format '%s' is not supported for a logical pool "
                            "(lvm2)",
                            def->name, def->source_format);
    char *expected = lv_asprintf("/dev/%s", vg);
    int rc = 0;
    if (def->target_path && strcmp(def->target_path, expected) != 0)
        rc = lv_error_set(err, LV_ERR_XML,
                          "pool '%s': the target of a logical pool is its volume group's "
                          "folder %s, not %s",
                          def->name, expected, def->target_path);
    free(expected);
    return rc;
}

#define WITH_POOL(pool, p)                                                                         \
    char **devices_ = NULL;                                                                        \
    lv__logical_pool p = logical_of((pool)->def, &devices_)

static void logical_build(lv__storage_pool *pool, unsigned flags, lv_done_cb cb, void *opaque)
{
    WITH_POOL(pool, p);
    lv__logical_build(pool->conn->loop, &p, flags, cb, opaque);
    free(devices_);
}

static void logical_start(lv__storage_pool *pool, lv_done_cb cb, void *opaque)
{
    WITH_POOL(pool, p);
    lv__logical_start(pool->conn->loop, &p, cb, opaque);
    free(devices_);
}

static void logical_stop(lv__storage_pool *pool, lv_done_cb cb, void *opaque)
{
    WITH_POOL(pool, p);
    lv__logical_stop(pool->conn->loop, &p, cb, opaque);
    free(devices_);
}

static void logical_delete(lv__storage_pool *pool, unsigned flags, lv_done_cb cb, void *opaque)
{
    (void)flags;
    WITH_POOL(pool, p);
    lv__logical_delete(pool->conn->loop, &p, cb, opaque);
    free(devices_);
}

/* ---- refresh (and check: the VG must still be there) ---------------------- */

typedef struct refresh_call {
    lv__storage_pool *pool;
    lv__vol_defs *vols; /* NULL: a check only */
    lv_done_cb cb;
    void *opaque;
} refresh_call;

static void refresh_found(void *opaque, lv__logical_state *found, const lv_error *err)
{
    refresh_call *r = opaque;
    if (err) {
        r->cb(r->opaque, err);
        free(r);
        return;
    }
    lv__storage_pool *pool = r->pool;
    pool->capacity = found->vg.size;
    pool->available = found->vg.free;
    pool->allocation = found->vg.size - found->vg.free;
    const char *vg = pool->def->source_name ? pool->def->source_name : pool->def->name;
    for (size_t i = 0; r->vols && i < found->lvs.count; i++) {
        const lv__lvm_lv *lv = &found->lvs.items[i];
        lv_vol_def *v = lv__vol_defs_add(r->vols);
        v->type = lv_strdup("block");
        v->name = lv_strdup(lv->name);
        v->key = lv_asprintf("%s/%s", vg, lv->name);
        v->target_path =
            lv->path && *lv->path ? lv_strdup(lv->path) : lv_asprintf("/dev/%s/%s", vg, lv->name);
        v->target_format = lv_strdup("raw");
        v->capacity = (lv_opt_size){.set = true, .bytes = lv->size};
        v->allocation = (lv_opt_size){.set = true, .bytes = lv->size};
        v->physical = (lv_opt_size){.set = true, .bytes = lv->size};
        if (lv->origin) { /* a snapshot: its origin is what it started from */
            v->backing_path = lv_asprintf("/dev/%s/%s", vg, lv->origin);
            v->backing_format = lv_strdup("raw");
        }
    }
    lv__logical_state_clear(found);
    free(found);
    r->cb(r->opaque, NULL);
    free(r);
}

static void logical_refresh(lv__storage_pool *pool, lv__vol_defs *vols, lv_done_cb cb, void *opaque)
{
    refresh_call *r = LV_NEW(refresh_call);
    *r = (refresh_call){.pool = pool, .vols = vols, .cb = cb, .opaque = opaque};
    WITH_POOL(pool, p);
    lv__logical_refresh(pool->conn->loop, &p, refresh_found, r);
    free(devices_);
}

static void logical_check(lv__storage_pool *pool, lv_done_cb cb, void *opaque)
{
    logical_refresh(pool, NULL, cb, opaque);
}

/* ---- volumes ------------------------------------------------------------ */

static char *logical_vol_path(const lv__storage_pool *pool, const char *name)
{
    const lv_pool_def *def = pool->def;
    return lv_asprintf("/dev/%s/%s", def->source_name ? def->source_name : def->name, name);
}

static void logical_vol_create(lv__storage_pool *pool, const lv_vol_def *vol, unsigned flags,
                               lv_done_cb cb, void *opaque)
{
    (void)flags; /* metadata preallocation means nothing for a raw LV */
    WITH_POOL(pool, p);
    lv_error err;
    if (vol->backing_path) {
        lv_error_set(&err, LV_ERR_CONFIG_UNSUPPORTED,
                     "pool '%s': volume '%s': a logical volume cannot have a backing store "
                     "(a qcow2 overlay belongs in a dir or fs pool)",
                     p.name, vol->name);
        cb(opaque, &err);
    } else {
        lv__logical_vol_create(pool->conn->loop, &p, vol->name, vol->target_format,
                               vol->capacity.bytes, cb, opaque);
    }
    free(devices_);
}

static void logical_vol_create_from(lv__storage_pool *pool, const lv_vol_def *vol,
                                    lv__storage_pool *src_pool, const lv_vol_def *src,
                                    unsigned flags, lv_progress_cb progress, void *progress_opaque,
                                    lv_done_cb cb, void *opaque)
{
    (void)src_pool;
    (void)flags;
    WITH_POOL(pool, p);
    /* the LV holds the whole source: never smaller than what the guest saw */
    uint64_t capacity = vol->capacity.bytes;
    if (src->capacity.set && src->capacity.bytes > capacity)
        capacity = src->capacity.bytes;
    lv__logical_vol_create_from(pool->conn->loop, &p, vol->name, vol->target_format, capacity,
                                src->target_path, src->target_format, progress, progress_opaque, cb,
                                opaque);
    free(devices_);
}

static void logical_vol_delete(lv__storage_pool *pool, const lv_vol_def *vol, unsigned flags,
                               lv_done_cb cb, void *opaque)
{
    (void)flags;
    WITH_POOL(pool, p);
    lv__logical_vol_delete(pool->conn->loop, &p, vol->name, cb, opaque);
    free(devices_);
}

static void logical_vol_resize(lv__storage_pool *pool, const lv_vol_def *vol, uint64_t capacity,
                               unsigned flags, lv_done_cb cb, void *opaque)
{
    WITH_POOL(pool, p);
    lv__logical_vol_resize(pool->conn->loop, &p, vol->name, vol->capacity.bytes, capacity, flags,
                           cb, opaque);
    free(devices_);
}

const lv__storage_backend lv__storage_backend_logical = {
    .type = "logical",
    .validate = logical_validate,
    .build = logical_build,
    .start = logical_start,
    .check = logical_check,
    .stop = logical_stop,
    .delete = logical_delete,
    .refresh = logical_refresh,
    .vol_path = logical_vol_path,
    .vol_create = logical_vol_create,
    .vol_create_from = logical_vol_create_from,
    .vol_delete = logical_vol_delete,
    .vol_resize = logical_vol_resize,
};
