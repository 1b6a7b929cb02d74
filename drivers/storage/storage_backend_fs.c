/* The fs pool backend: a block device or image file holding a filesystem,
 * mounted on the target at pool-start (storage_fs_pool.c does the host
 * work). Its volumes are files in the mounted directory, handled by the dir
 * backend's code once the mount is checked. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "storage_backend.h"
#include "storage_backend_dir.h"
#include "storage_fs_pool.h"

static lv__fs_pool fs_of(const lv_pool_def *def)
{
    return (lv__fs_pool){
        .name = def->name,
        .device = def->n_source_devices ? def->source_devices[0].path : NULL,
        .format = def->source_format,
        .target = def->target_path,
    };
}

static int fs_validate(const lv_pool_def *def, lv_error *err)
{
    if (def->n_source_devices != 1)
        return lv_error_set(err, LV_ERR_XML,
                            "pool '%s': an fs pool needs exactly one <source><device "
                            "path='...'/> (it has %zu)",
                            def->name, def->n_source_devices);
    lv__fs_pool p = fs_of(def);
    return lv__fs_check_def(&p, err);
}

typedef struct build_call {
    char *made_dir; /* the target, when this build made it: removed if it fails */
    lv_done_cb cb;
    void *opaque;
} build_call;

static void build_done(void *opaque, const lv_error *err)
{
    build_call *b = opaque;
    if (err && b->made_dir)
        rmdir(b->made_dir);
    b->cb(b->opaque, err);
    free(b->made_dir);
    free(b);
}

/* The target with the pool's permissions (the dir backend's), then the
 * filesystem as the flags say. */
static void fs_build(lv__storage_pool *pool, unsigned flags, lv_done_cb cb, void *opaque)
{
    lv_error err;
    lv__fs_pool p = fs_of(pool->def);
    if (lv__fs_check_def(&p, &err) < 0) {
        cb(opaque, &err);
        return;
    }
    bool existed = access(p.target, F_OK) == 0;
    if (lv__storage_dir_build_target(pool, &err) < 0) {
        cb(opaque, &err);
        return;
    }
    build_call *b = LV_NEW(build_call);
    b->made_dir = existed ? NULL : lv_strdup(p.target);
    b->cb = cb;
    b->opaque = opaque;
    lv__fs_build(pool->conn->loop, &p, flags, build_done, b);
}

static void fs_start(lv__storage_pool *pool, lv_done_cb cb, void *opaque)
{
    lv__fs_pool p = fs_of(pool->def);
    lv__fs_start(pool->conn->loop, &p, cb, opaque);
}

static void fs_stop(lv__storage_pool *pool, lv_done_cb cb, void *opaque)
{
    lv__fs_pool p = fs_of(pool->def);
    lv__fs_stop(pool->conn->loop, &p, cb, opaque);
}

/* Without the mount, the directory is an empty folder of the host's own
 * filesystem: volumes written there would land in the wrong place. */
static int fs_mounted(lv__storage_pool *pool, lv_error *err)
{
    lv__fs_pool p = fs_of(pool->def);
    int rc = lv__fs_is_mounted(&p, err);
    if (rc == 0)
        return lv_error_set(err, LV_ERR_OPERATION_INVALID,
                            "pool '%s': %s is no longer mounted (pool-destroy, then pool-start "
                            "mounts it again)",
                            p.name, p.target);
    return rc < 0 ? -1 : 0;
}

static void fs_check(lv__storage_pool *pool, lv_done_cb cb, void *opaque)
{
    lv_error err;
    lv_error_clear(&err);
    if (fs_mounted(pool, &err) < 0) {
        cb(opaque, &err);
        return;
    }
    cb(opaque, lv__storage_dir_check_target(pool, &err) < 0 ? &err : NULL);
}

static void fs_refresh(lv__storage_pool *pool, lv__vol_defs *vols, lv_done_cb cb, void *opaque)
{
    lv_error err;
    lv_error_clear(&err);
    if (fs_mounted(pool, &err) < 0) {
        cb(opaque, &err);
        return;
    }
    /* capacity and free space of the target are the mounted filesystem's */
    lv__storage_dir_refresh(pool, vols, cb, opaque);
}

static void fs_delete(lv__storage_pool *pool, unsigned flags, lv_done_cb cb, void *opaque)
{
    lv_error err;
    lv_error_clear(&err);
    lv__fs_pool p = fs_of(pool->def);
    int mounted = lv__fs_is_mounted(&p, &err);
    if (mounted != 0) {
        if (mounted > 0)
            lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                         "pool '%s': %s is still mounted; pool-destroy first", p.name, p.target);
        cb(opaque, &err);
        return;
    }
    (void)flags;
    cb(opaque, lv__storage_dir_remove_target(pool, &err) < 0 ? &err : NULL);
}

/* ---- volumes: the dir backend's, on the mounted directory ---------------- */

static void fs_vol_info(lv__storage_pool *pool, const char *name, lv_vol_def *vol, lv_done_cb cb,
                        void *opaque)
{
    lv_error err;
    lv_error_clear(&err);
    if (fs_mounted(pool, &err) < 0) {
        cb(opaque, &err);
        return;
    }
    lv__storage_dir_vol_info(pool, name, vol, cb, opaque);
}

static char *fs_vol_path(const lv__storage_pool *pool, const char *name)
{
    return lv__storage_dir_vol_path(pool, name);
}

static void fs_vol_create(lv__storage_pool *pool, const lv_vol_def *vol, unsigned flags,
                          lv_done_cb cb, void *opaque)
{
    lv__storage_dir_vol_create(pool, vol, flags, cb, opaque);
}

static void fs_vol_create_from(lv__storage_pool *pool, const lv_vol_def *vol,
                               lv__storage_pool *src_pool, const lv_vol_def *src, unsigned flags,
                               lv_progress_cb progress, void *progress_opaque, lv_done_cb cb,
                               void *opaque)
{
    lv__storage_dir_vol_create_from(pool, vol, src_pool, src, flags, progress, progress_opaque, cb,
                                    opaque);
}

static void fs_vol_delete(lv__storage_pool *pool, const lv_vol_def *vol, unsigned flags,
                          lv_done_cb cb, void *opaque)
{
    lv__storage_dir_vol_delete(pool, vol, flags, cb, opaque);
}

static void fs_vol_resize(lv__storage_pool *pool, const lv_vol_def *vol, uint64_t capacity,
                          unsigned flags, lv_done_cb cb, void *opaque)
{
    lv__storage_dir_vol_resize(pool, vol, capacity, flags, cb, opaque);
}

const lv__storage_backend lv__storage_backend_fs = {
    .type = "fs",
    .validate = fs_validate,
    .build = fs_build,
    .start = fs_start,
    .check = fs_check,
    .stop = fs_stop,
    .delete = fs_delete,
    .refresh = fs_refresh,
    .vol_info = fs_vol_info,
    .vol_path = fs_vol_path,
    .vol_create = fs_vol_create,
    .vol_create_from = fs_vol_create_from,
    .vol_delete = fs_vol_delete,
    .vol_resize = fs_vol_resize,
};
