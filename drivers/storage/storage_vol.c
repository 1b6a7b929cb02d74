/* Volume operations of the local storage driver: list, lookup, create,
 * create-from (clone), delete, resize, dumpxml. A volume operation holds
 * its pool's lock shared (so the pool is not destroyed under it) and the
 * volume's lock exclusively, checks that the pool is still usable (its
 * folder did not vanish) and reads the volume afresh from the pool. */
#include "storage_vol_job.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/names.h"
#include "core/units.h"
#include "storage_qemu_img.h"
#include "storage_run.h"

/* ---- results ------------------------------------------------------------ */

void lv__vol_def_info(const lv__storage_pool *pool, const lv_vol_def *vol, lv_vol_info *info)
{
    memset(info, 0, sizeof(*info));
    info->name = lv_strdup(vol->name);
    info->key = lv_strdup(vol->key ? vol->key : vol->target_path);
    info->path = lv_strdup(vol->target_path);
    info->pool = lv_strdup(pool->def->name);
    memcpy(info->pool_uuid, pool->def->uuid, LV_UUID_LEN);
    info->type = !vol->type || !strcmp(vol->type, "file") ? LV_VOL_FILE
                 : !strcmp(vol->type, "block")            ? LV_VOL_BLOCK
                                                          : LV_VOL_DIR;
    info->format = lv_strdup(vol->target_format);
    info->capacity = vol->capacity.bytes;
    info->allocation = vol->allocation.bytes;
    info->physical = vol->physical.set ? vol->physical.bytes : vol->capacity.bytes;
    info->backing_path = lv_strdup(vol->backing_path);
    info->backing_format = lv_strdup(vol->backing_format);
}

void lv__pool_store_sizes(lv_conn *c, lv__pool_ctx *ctx)
{
    lv_pool_def *live = ctx->rec.live;
    if (!live)
        return;
    /* Unchanged sizes are not rewritten: a refresh of a pool nobody wrote
     * to costs no state-file write (and its fsyncs). */
    if (live->capacity.set && live->capacity.bytes == ctx->pool.capacity &&
        live->allocation.set && live->allocation.bytes == ctx->pool.allocation &&
        live->available.set && live->available.bytes == ctx->pool.available)
        return;
    live->capacity = (lv_opt_size){true, ctx->pool.capacity};
    live->allocation = (lv_opt_size){true, ctx->pool.allocation};
    live->available = (lv_opt_size){true, ctx->pool.available};
    lv__pool_save_live(c, live, NULL);
}

/* ---- a volume operation's life ------------------------------------------ */

vol_job *lv__vol_job_new(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                         void *opaque)
{
    vol_job *job = LV_NEW(vol_job);
    job->conn = c;
    memcpy(job->pool_uuid, pool_uuid, LV_UUID_LEN);
    job->name = lv_strdup(name);
    job->opaque = opaque;
    job->ctx.lock_fd = -1;
    job->src_ctx.lock_fd = -1;
    job->vol_lock = -1;
    job->fd = -1;
    job->out_fd = -1;
    return job;
}

static void job_free(vol_job *job)
{
    lv__storage_unlock(job->vol_lock);
    lv__pool_ctx_close(&job->ctx);
    lv__pool_ctx_close(&job->src_ctx);
    lv__vol_defs_clear(&job->vols);
    lv_vol_def_clear(&job->vol);
    lv_vol_def_clear(&job->src);
    lv_vol_def_free(job->def);
    free(job->name);
    free(job->src_name);
    free(job->path);
    free(job->tmp_path);
    free(job->xml);
    free(job->buf);
    free(job->copy);
    lv__storage_argv_free(job->argv);
    free(job);
}

void lv__vol_job_done(vol_job *job, const lv_error *err)
{
    lv_error copy;
    if (err) {
        copy = *err;
        err = &copy;
    }
    void *opaque = job->opaque;
    if (job->cleanup)
        job->cleanup(job, err != NULL);
    if (job->done_cb) {
        lv_done_cb cb = job->done_cb;
        job_free(job);
        cb(opaque, err);
    } else if (job->vol_cb) {
        lv_vol_cb cb = job->vol_cb;
        lv_vol_info *info = NULL;
        if (!err) {
            info = LV_NEW(lv_vol_info);
            lv__vol_def_info(&job->ctx.pool, &job->vol, info);
        }
        job_free(job);
        cb(opaque, info, err);
    } else if (job->list_cb) {
        lv_vol_list_cb cb = job->list_cb;
        job_free(job);
        cb(opaque, NULL, err);
    } else {
        lv_string_cb cb = job->string_cb;
        job_free(job);
        cb(opaque, NULL, err);
    }
}

void lv__vol_job_step_done(void *opaque, const lv_error *err)
{
    lv__vol_job_done(opaque, err);
}

static void fetched(void *opaque, const lv_error *err)
{
    vol_job *job = opaque;
    if (err) {
        lv__vol_job_done(job, err);
        return;
    }
    if (job->vols.items || !job->ctx.pool.backend->vol_info) { /* picked from a refresh */
        lv__pool_store_sizes(job->conn, &job->ctx);
        for (size_t i = 0; i < job->vols.count; i++) {
            if (!strcmp(job->vols.items[i].name, job->name)) {
                job->vol = job->vols.items[i];
                memset(&job->vols.items[i], 0, sizeof(job->vols.items[i]));
                job->next(job);
                return;
            }
        }
        lv_error nerr;
        lv_error_set(&nerr, LV_ERR_NO_VOLUME, "storage volume not found: no volume '%s' in pool "
                                              "'%s'",
                     job->name, job->ctx.pool.def->name);
        lv__vol_job_done(job, &nerr);
        return;
    }
    job->next(job);
}

/* Fills job->vol with volume job->name of the (checked) pool, then next. */
static void fetch(vol_job *job)
{
    const lv__storage_backend *b = job->ctx.pool.backend;
    if (b->vol_info) {
        b->vol_info(&job->ctx.pool, job->name, &job->vol, fetched, job);
        return;
    }
    b->refresh(&job->ctx.pool, &job->vols, fetched, job);
}

static void checked(void *opaque, const lv_error *err)
{
    vol_job *job = opaque;
    if (err) {
        lv__vol_job_done(job, err);
        return;
    }
    if (job->fetch_volume)
        fetch(job);
    else
        job->next(job);
}

static void prepared(void *opaque, const lv_error *err)
{
    vol_job *job = opaque;
    if (err) {
        lv__vol_job_done(job, err);
        return;
    }
    lv_error lerr;
    if (lv__pool_ctx_open(job->conn, job->pool_uuid, true, 1, &job->ctx, &lerr) < 0) {
        lv__vol_job_done(job, &lerr);
        return;
    }
    if (job->lock_volume) {
        job->vol_lock = lv__vol_lock(job->conn, job->ctx.pool.def->name, job->name, &lerr);
        if (job->vol_lock < 0) {
            lv__vol_job_done(job, &lerr);
            return;
        }
    }
    const lv__storage_backend *b = job->ctx.pool.backend;
    if (b->check)
        b->check(&job->ctx.pool, checked, job);
    else
        checked(job, NULL);
}

void lv__vol_job_run(vol_job *job, bool lock_volume, bool fetch_volume, vol_step next)
{
    job->lock_volume = lock_volume;
    job->fetch_volume = fetch_volume;
    job->next = next;
    lv__storage_prepare(job->conn, prepared, job);
}

/* ---- list --------------------------------------------------------------- */

static void listed(void *opaque, const lv_error *err)
{
    vol_job *job = opaque;
    if (err) {
        lv__vol_job_done(job, err);
        return;
    }
    lv__pool_store_sizes(job->conn, &job->ctx);
    lv_vol_list *list = LV_NEW(lv_vol_list);
    list->items = lv_malloc0((job->vols.count ? job->vols.count : 1) * sizeof(*list->items));
    for (size_t i = 0; i < job->vols.count; i++)
        lv__vol_def_info(&job->ctx.pool, &job->vols.items[i], &list->items[list->count++]);
    lv_vol_list_cb cb = job->list_cb;
    void *cb_opaque = job->opaque;
    job_free(job);
    cb(cb_opaque, list, NULL);
}

static void list_go(vol_job *job)
{
    job->ctx.pool.backend->refresh(&job->ctx.pool, &job->vols, listed, job);
}

void lv__storage_vol_list(lv_conn *c, const unsigned char *pool_uuid, unsigned flags,
                          lv_vol_list_cb cb, void *opaque)
{
    (void)flags;
    vol_job *job = lv__vol_job_new(c, pool_uuid, "", opaque);
    job->list_cb = cb;
    lv__vol_job_run(job, false, false, list_go);
}

/* ---- lookup ------------------------------------------------------------- */

static void found(vol_job *job)
{
    lv__vol_job_done(job, NULL);
}

/* The pool and volume name a path or key names: a path in an active pool's
 * target folder (dir, fs) or /dev/VG/LV (logical); a logical key "VG/LV". */
static int locate(lv_conn *c, lv_vol_lookup_by by, const char *key, unsigned char *uuid,
                  char **name, lv_error *err)
{
    lv__pool_recs recs;
    if (lv__pool_load_all(c, &recs, err) < 0)
        return -1;
    int rc = -1;
    const char *slash = strrchr(key, '/');
    for (size_t i = 0; slash && i < recs.count && rc < 0; i++) {
        const lv_pool_def *def = recs.items[i].live;
        if (!def)
            continue;
        size_t n = strlen(def->target_path);
        bool by_path = key[0] == '/' && (size_t)(slash - key) == n &&
                       !strncmp(key, def->target_path, n);
        bool by_vg = by == LV_VOL_LOOKUP_KEY && key[0] != '/' && def->source_name &&
                     !strcmp(def->type, "logical") &&
                     (size_t)(slash - key) == strlen(def->source_name) &&
                     !strncmp(key, def->source_name, (size_t)(slash - key));
        if ((by_path || by_vg) && lv_name_validate("volume", slash + 1, NULL) == 0) {
            memcpy(uuid, def->uuid, LV_UUID_LEN);
            *name = lv_strdup(slash + 1);
            rc = 0;
        }
    }
    lv__pool_recs_clear(&recs);
    if (rc < 0) {
        char shown[256];
        lv_error_set(err, LV_ERR_NO_VOLUME, "storage volume not found: no volume with matching "
                                            "%s '%s'",
                     by == LV_VOL_LOOKUP_PATH ? "path" : "key",
                     lv_text_for_message(key, shown, sizeof(shown)));
    }
    return rc;
}

static void lookup_prepared(void *opaque, const lv_error *err)
{
    vol_job *job = opaque;
    if (err) {
        lv__vol_job_done(job, err);
        return;
    }
    lv_error lerr;
    char *name = NULL;
    if (locate(job->conn, job->by, job->xml, job->pool_uuid, &name, &lerr) < 0) {
        lv__vol_job_done(job, &lerr);
        return;
    }
    free(job->name);
    job->name = name;
    lv__vol_job_run(job, false, true, found);
}

void lv__storage_vol_lookup(lv_conn *c, const unsigned char *pool_uuid, lv_vol_lookup_by by,
                            const char *key, lv_vol_cb cb, void *opaque)
{
    static const unsigned char none[LV_UUID_LEN];
    vol_job *job = lv__vol_job_new(c, pool_uuid ? pool_uuid : none,
                                   by == LV_VOL_LOOKUP_NAME ? key : "", opaque);
    job->vol_cb = cb;
    if (by == LV_VOL_LOOKUP_NAME) {
        lv__vol_job_run(job, false, true, found);
        return;
    }
    job->by = by;
    job->xml = lv_strdup(key);
    lv__storage_prepare(c, lookup_prepared, job);
}

/* ---- create ------------------------------------------------------------- */

static void found(vol_job *job);

/* The new volume is there: describe it as the pool does. */
static void created_fetch(void *opaque, const lv_error *err)
{
    vol_job *job = opaque;
    if (err) {
        lv__vol_job_done(job, err);
        return;
    }
    job->next = found;
    fetch(job);
}

/* The new volume's definition, checked against the pool: job->def with
 * type, target_path and key filled in. */
static int prepare_new(vol_job *job, lv_error *err)
{
    const lv__storage_backend *b = job->ctx.pool.backend;
    lv_vol_def *def = job->def;
    if (!b->vol_create)
        return lv_error_set(err, LV_ERR_NO_SUPPORT,
                            "pool '%s': volumes cannot be created in a pool of type '%s'",
                            job->ctx.pool.def->name, job->ctx.pool.def->type);
    const char *fmt = def->target_format ? def->target_format : "raw";
    if (strcmp(fmt, "raw") && strcmp(fmt, "qcow2"))
        return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                            "volume '%s': format '%s' cannot be created (raw or qcow2)",
                            def->name, fmt);
    if ((job->flags & LV_VOL_CREATE_PREALLOC_METADATA) && strcmp(fmt, "qcow2"))
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "volume '%s': metadata preallocation is only for qcow2 volumes",
                            def->name);
    if (def->backing_path && strcmp(fmt, "qcow2"))
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "volume '%s': a backing store needs the qcow2 format", def->name);
    if (def->capacity.bytes == 0 && !def->backing_path)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "volume '%s': capacity must not be 0",
                            def->name);
    if (def->allocation.set && def->allocation.bytes > def->capacity.bytes) {
        def->allocation.bytes = def->capacity.bytes;
    }
    free(def->type);
    def->type = lv_strdup("file");
    free(def->target_path);
    def->target_path = b->vol_path(&job->ctx.pool, def->name);
    return 0;
}

static void create_backing_probed(void *opaque, const lv__storage_run_result *res)
{
    vol_job *job = opaque;
    lv_error err;
    if (res->status != 0) {
        char *what = lv_asprintf("volume '%s': backing store '%s'", job->def->name,
                                 job->def->backing_path);
        char *argv[] = {LV_QEMU_IMG, NULL};
        lv__storage_run_error(&err, LV_ERR_OPERATION_FAILED, res, argv, what);
        free(what);
        lv__storage_argv_free(job->argv);
        job->argv = NULL;
        lv__vol_job_done(job, &err);
        return;
    }
    lv_vol_def info = {0};
    lv__storage_argv_free(job->argv);
    job->argv = NULL;
    if (lv__qemu_img_parse_info(res->out, &info, &err) < 0) {
        lv_vol_def_clear(&info);
        lv__vol_job_done(job, &err);
        return;
    }
    job->def->backing_format = info.target_format;
    info.target_format = NULL;
    if (!job->def->capacity.bytes) /* an overlay is as large as its base by default */
        job->def->capacity.bytes = info.capacity.bytes;
    lv_vol_def_clear(&info);
    job->ctx.pool.backend->vol_create(&job->ctx.pool, job->def, job->flags, created_fetch, job);
}

static void create_go(vol_job *job)
{
    lv_error err;
    if (prepare_new(job, &err) < 0) {
        lv__vol_job_done(job, &err);
        return;
    }
    if (job->def->backing_path && !job->def->backing_format) {
        /* qemu-img wants the backing format: ask it what the file is. */
        job->argv = lv__qemu_img_info_argv(job->def->backing_path, NULL);
        lv__storage_run(job->conn->loop, job->argv, NULL, NULL, 0, create_backing_probed, job);
        return;
    }
    job->ctx.pool.backend->vol_create(&job->ctx.pool, job->def, job->flags, created_fetch, job);
}

void lv__storage_vol_create_xml(lv_conn *c, const unsigned char *pool_uuid, const char *xml,
                                unsigned flags, lv_vol_cb cb, void *opaque)
{
    lv_error err;
    lv_vol_def *def = lv_vol_def_parse_xml(xml, 0, &err);
    if (!def) {
        cb(opaque, NULL, &err);
        return;
    }
    vol_job *job = lv__vol_job_new(c, pool_uuid, def->name, opaque);
    job->def = def;
    job->flags = flags;
    job->vol_cb = cb;
    lv__vol_job_run(job, true, false, create_go);
}

/* ---- create from another volume ----------------------------------------- */

static void from_src_fetched(void *opaque, const lv_error *err)
{
    vol_job *job = opaque;
    if (err) {
        lv__vol_job_done(job, err);
        return;
    }
    lv__vol_defs *vols = &job->vols;
    if (!job->src_ctx.pool.backend->vol_info) { /* picked from the refresh */
        bool have = false;
        for (size_t i = 0; i < vols->count && !have; i++) {
            if (!strcmp(vols->items[i].name, job->src_name)) {
                job->src = vols->items[i];
                memset(&vols->items[i], 0, sizeof(vols->items[i]));
                have = true;
            }
        }
        lv__vol_defs_clear(vols);
        if (!have) {
            lv_error nerr;
            lv_error_set(&nerr, LV_ERR_NO_VOLUME,
                         "storage volume not found: no volume '%s' in pool '%s'",
                         job->src_name, job->src_ctx.pool.def->name);
            lv__vol_job_done(job, &nerr);
            return;
        }
    }
    const char *fmt = job->def->target_format ? job->def->target_format : "raw";
    if (job->src.capacity.bytes > job->def->capacity.bytes)
        job->def->capacity.bytes = job->src.capacity.bytes;
    (void)fmt;
    job->ctx.pool.backend->vol_create_from(&job->ctx.pool, job->def, &job->src_ctx.pool,
                                           &job->src, job->flags, job->progress, job->opaque,
                                           created_fetch, job);
}

static void from_src_checked(void *opaque, const lv_error *err)
{
    vol_job *job = opaque;
    if (err) {
        lv__vol_job_done(job, err);
        return;
    }
    const lv__storage_backend *b = job->src_ctx.pool.backend;
    if (b->vol_info)
        b->vol_info(&job->src_ctx.pool, job->src_name, &job->src, from_src_fetched, job);
    else
        b->refresh(&job->src_ctx.pool, &job->vols, from_src_fetched, job);
}

static void from_go(vol_job *job)
{
    lv_error err;
    if (prepare_new(job, &err) < 0) {
        lv__vol_job_done(job, &err);
        return;
    }
    if (!job->ctx.pool.backend->vol_create_from) {
        lv_error_set(&err, LV_ERR_NO_SUPPORT,
                     "pool '%s': volumes cannot be copied into a pool of type '%s'",
                     job->ctx.pool.def->name, job->ctx.pool.def->type);
        lv__vol_job_done(job, &err);
        return;
    }
    if (job->def->backing_path) {
        lv_error_set(&err, LV_ERR_INVALID_ARG,
                     "volume '%s': a copy of a volume cannot have a backing store",
                     job->def->name);
        lv__vol_job_done(job, &err);
        return;
    }
    if (lv__pool_ctx_open(job->conn, job->src_pool_uuid, true, 1, &job->src_ctx, &err) < 0) {
        lv__vol_job_done(job, &err);
        return;
    }
    const lv__storage_backend *b = job->src_ctx.pool.backend;
    if (b->check)
        b->check(&job->src_ctx.pool, from_src_checked, job);
    else
        from_src_checked(job, NULL);
}

void lv__storage_vol_create_from(lv_conn *c, const unsigned char *pool_uuid, const char *xml,
                                 const unsigned char *src_pool_uuid, const char *src_name,
                                 unsigned flags, lv_progress_cb progress, lv_vol_cb cb,
                                 void *opaque)
{
    lv_error err;
    lv_vol_def *def = lv_vol_def_parse_xml(xml, 0, &err);
    if (!def) {
        cb(opaque, NULL, &err);
        return;
    }
    vol_job *job = lv__vol_job_new(c, pool_uuid, def->name, opaque);
    job->def = def;
    job->flags = flags;
    job->vol_cb = cb;
    job->progress = progress;
    memcpy(job->src_pool_uuid, src_pool_uuid, LV_UUID_LEN);
    job->src_name = lv_strdup(src_name);
    lv__vol_job_run(job, true, false, from_go);
}

/* ---- delete ------------------------------------------------------------- */

static void delete_unused(void *opaque, const lv_error *err)
{
    vol_job *job = opaque;
    if (err) {
        lv__vol_job_done(job, err);
        return;
    }
    const lv__storage_backend *b = job->ctx.pool.backend;
    if (!b->vol_delete) {
        lv_error derr;
        lv_error_set(&derr, LV_ERR_NO_SUPPORT,
                     "pool '%s': volumes cannot be deleted from a pool of type '%s'",
                     job->ctx.pool.def->name, job->ctx.pool.def->type);
        lv__vol_job_done(job, &derr);
        return;
    }
    b->vol_delete(&job->ctx.pool, &job->vol, job->flags, lv__vol_job_step_done, job);
}

static void delete_go(vol_job *job)
{
    lv__vol_check_unused(job->conn, job->ctx.pool.def->name, &job->vol, "deleted",
                         delete_unused, job);
}

void lv__storage_vol_delete(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                            unsigned flags, lv_done_cb cb, void *opaque)
{
    vol_job *job = lv__vol_job_new(c, pool_uuid, name, opaque);
    job->flags = flags;
    job->done_cb = cb;
    lv__vol_job_run(job, true, true, delete_go);
}

/* ---- resize ------------------------------------------------------------- */

static void resize_unused(void *opaque, const lv_error *err)
{
    vol_job *job = opaque;
    if (err) {
        lv__vol_job_done(job, err);
        return;
    }
    job->ctx.pool.backend->vol_resize(&job->ctx.pool, &job->vol, job->capacity, job->flags,
                                      lv__vol_job_step_done, job);
}

static void resize_go(vol_job *job)
{
    lv_error err;
    const lv__storage_backend *b = job->ctx.pool.backend;
    uint64_t cur = job->vol.capacity.bytes;
    uint64_t want = job->capacity;
    char *scur = lv_size_format(cur);
    if (!b->vol_resize) {
        lv_error_set(&err, LV_ERR_NO_SUPPORT,
                     "pool '%s': volumes cannot be resized in a pool of type '%s'",
                     job->ctx.pool.def->name, job->ctx.pool.def->type);
        goto fail;
    }
    if (job->flags & LV_VOL_RESIZE_DELTA) {
        if (job->flags & LV_VOL_RESIZE_SHRINK) {
            if (want > cur) {
                lv_error_set(&err, LV_ERR_INVALID_ARG,
                             "vol-resize: volume '%s' (%s) cannot shrink by more than its size",
                             job->vol.name, scur);
                goto fail;
            }
            want = cur - want;
        } else {
            if (want > UINT64_MAX - cur) {
                lv_error_set(&err, LV_ERR_INVALID_ARG, "vol-resize: the new size is too large");
                goto fail;
            }
            want = cur + want;
        }
    }
    if (want == 0) {
        lv_error_set(&err, LV_ERR_INVALID_ARG, "vol-resize: volume '%s' cannot shrink to 0",
                     job->vol.name);
        goto fail;
    }
    if (want < cur && !(job->flags & LV_VOL_RESIZE_SHRINK)) {
        char *swant = lv_size_format(want);
        lv_error_set(&err, LV_ERR_INVALID_ARG,
                     "vol-resize: volume '%s' would shrink from %s to %s: give --shrink to "
                     "allow it",
                     job->vol.name, scur, swant);
        free(swant);
        goto fail;
    }
    if (want > cur && (job->flags & LV_VOL_RESIZE_SHRINK) &&
        !(job->flags & LV_VOL_RESIZE_DELTA)) {
        lv_error_set(&err, LV_ERR_INVALID_ARG,
                     "vol-resize: --shrink given but volume '%s' (%s) would grow",
                     job->vol.name, scur);
        goto fail;
    }
    if ((job->flags & LV_VOL_RESIZE_ALLOCATE) && want > cur &&
        want - cur > job->ctx.pool.available && job->ctx.pool.available) {
        lv_error_set(&err, LV_ERR_OPERATION_FAILED,
                     "vol-resize: not enough space left in pool '%s' to allocate %" PRIu64
                     " bytes",
                     job->ctx.pool.def->name, want - cur);
        goto fail;
    }
    free(scur);
    job->capacity = want;
    if (want == cur) {
        lv__vol_job_done(job, NULL);
        return;
    }
    if (want < cur) {
        lv__vol_check_unused(job->conn, job->ctx.pool.def->name, &job->vol, "shrunk",
                             resize_unused, job);
        return;
    }
    resize_unused(job, NULL);
    return;
fail:
    free(scur);
    lv__vol_job_done(job, &err);
}

void lv__storage_vol_resize(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                            uint64_t capacity, unsigned flags, lv_done_cb cb, void *opaque)
{
    vol_job *job = lv__vol_job_new(c, pool_uuid, name, opaque);
    job->capacity = capacity;
    job->flags = flags;
    job->done_cb = cb;
    lv__vol_job_run(job, true, true, resize_go);
}

/* ---- dumpxml ------------------------------------------------------------ */

static void xml_go(vol_job *job)
{
    lv_vol_def *v = &job->vol;
    if (!v->key)
        v->key = lv_strdup(v->target_path);
    char *xml = lv_vol_def_format_xml(v, 0);
    lv_string_cb cb = job->string_cb;
    void *opaque = job->opaque;
    job_free(job);
    cb(opaque, xml, NULL);
}

void lv__storage_vol_get_xml(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                             unsigned flags, lv_string_cb cb, void *opaque)
{
    (void)flags;
    vol_job *job = lv__vol_job_new(c, pool_uuid, name, opaque);
    job->string_cb = cb;
    lv__vol_job_run(job, false, true, xml_go);
}
