/* Pool operations of the local storage driver: list, lookup, define,
 * create, build, start, destroy, delete, undefine, autostart, refresh,
 * dumpxml. Each runs after lv__storage_prepare and reads the pool's files
 * afresh; state changes happen under the pool's lock. */
#include "storage_pool_ops.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

/* ---- a pool operation's life -------------------------------------------- */

typedef struct pool_job pool_job;
typedef void (*pool_step)(pool_job *job);

struct pool_job {
    lv_conn *conn;
    lv__pool_ctx ctx;
    unsigned char uuid[LV_UUID_LEN];
    unsigned flags;
    bool autostart;
    lv_lookup_by by;
    char *key;
    char *xml;
    lv_pool_def *def;      /* pool_create_xml: the new pool */
    lv__vol_defs vols;     /* refresh */
    bool was_built;        /* pool_create_xml / start --build: undo on failure */
    lv_error saved;        /* the first failure while undoing */
    pool_step go;
    lv_done_cb done_cb;
    lv_pool_cb pool_cb;
    lv_pool_list_cb list_cb;
    lv_string_cb string_cb;
    void *opaque;
};

static pool_job *job_new(lv_conn *c, void *opaque)
{
    pool_job *job = LV_NEW(pool_job);
    job->conn = c;
    job->opaque = opaque;
    job->ctx.lock_fd = -1;
    return job;
}

static void job_free(pool_job *job)
{
    lv__pool_ctx_close(&job->ctx);
    lv__vol_defs_clear(&job->vols);
    lv_pool_def_free(job->def);
    free(job->key);
    free(job->xml);
    free(job);
}

/* Completes the job with err (or success) through whichever callback it has. */
static void job_done(pool_job *job, const lv_error *err)
{
    lv_error copy;
    if (err) {
        copy = *err;
        err = &copy;
    }
    void *opaque = job->opaque;
    if (job->done_cb) {
        lv_done_cb cb = job->done_cb;
        job_free(job);
        cb(opaque, err);
    } else if (job->pool_cb) {
        lv_pool_cb cb = job->pool_cb;
        lv_pool_info *info = NULL;
        if (!err) {
            lv__pool_rec rec;
            lv_error lerr;
            /* Describe the pool as the files now say. */
            if (lv__pool_load_uuid(job->conn, job->uuid, &rec, &lerr) < 0) {
                copy = lerr;
                err = &copy;
            } else {
                info = LV_NEW(lv_pool_info);
                lv__pool_rec_info(&rec, info);
                lv__pool_rec_clear(&rec);
            }
        }
        job_free(job);
        cb(opaque, info, err);
    } else if (job->list_cb) {
        lv_pool_list_cb cb = job->list_cb;
        job_free(job);
        cb(opaque, NULL, err);
    } else {
        lv_string_cb cb = job->string_cb;
        job_free(job);
        cb(opaque, NULL, err);
    }
}

static void prepared(void *opaque, const lv_error *err)
{
    pool_job *job = opaque;
    if (err) {
        job_done(job, err);
        return;
    }
    job->go(job);
}

static void run(pool_job *job, pool_step go)
{
    job->go = go;
    lv__storage_prepare(job->conn, prepared, job);
}

/* Opens job->ctx on job->uuid; on failure completes the job and returns -1. */
static int open_ctx(pool_job *job, bool want_active, int lock)
{
    lv_error err;
    if (lv__pool_ctx_open(job->conn, job->uuid, want_active, lock, &job->ctx, &err) < 0) {
        job_done(job, &err);
        return -1;
    }
    return 0;
}

/* ---- list, lookup ------------------------------------------------------- */

static void list_go(pool_job *job)
{
    lv_error err;
    lv__pool_recs recs;
    if (lv__pool_load_all(job->conn, &recs, &err) < 0) {
        job_done(job, &err);
        return;
    }
    bool want_active = job->flags & LV_POOL_LIST_ACTIVE;
    bool want_inactive = job->flags & LV_POOL_LIST_INACTIVE;
    if (!want_active && !want_inactive)
        want_active = want_inactive = true;
    lv_pool_list *list = LV_NEW(lv_pool_list);
    list->items = lv_malloc0((recs.count ? recs.count : 1) * sizeof(*list->items));
    for (size_t i = 0; i < recs.count; i++) {
        bool active = recs.items[i].live != NULL;
        if ((active && want_active) || (!active && want_inactive))
            lv__pool_rec_info(&recs.items[i], &list->items[list->count++]);
    }
    lv__pool_recs_clear(&recs);
    lv_pool_list_cb cb = job->list_cb;
    void *opaque = job->opaque;
    job_free(job);
    cb(opaque, list, NULL);
}

void lv__storage_pool_list(lv_conn *c, unsigned flags, lv_pool_list_cb cb, void *opaque)
{
    pool_job *job = job_new(c, opaque);
    job->flags = flags;
    job->list_cb = cb;
    run(job, list_go);
}

static void lookup_go(pool_job *job)
{
    lv_error err;
    lv__pool_rec rec;
    if (lv__pool_load(job->conn, job->by, job->key, &rec, &err) < 0) {
        job_done(job, &err);
        return;
    }
    memcpy(job->uuid, lv__pool_rec_def(&rec)->uuid, LV_UUID_LEN);
    lv__pool_rec_clear(&rec);
    job_done(job, NULL);
}

void lv__storage_pool_lookup(lv_conn *c, lv_lookup_by by, const char *key, lv_pool_cb cb,
                             void *opaque)
{
    pool_job *job = job_new(c, opaque);
    job->by = by;
    job->key = lv_strdup(key);
    job->pool_cb = cb;
    run(job, lookup_go);
}

/* ---- define, create ----------------------------------------------------- */

/* Parses job->xml into job->def and checks it against the backend and the
 * other pools; completes the job and returns -1 on failure. */
static int parse_new(pool_job *job)
{
    lv_error err;
    job->def = lv_pool_def_parse_xml(job->xml, 0, &err);
    if (!job->def)
        goto fail;
    const lv__storage_backend *b = lv__storage_backend_find(job->def->type);
    if (!b) {
        lv_error_set(&err, LV_ERR_CONFIG_UNSUPPORTED,
                     "unsupported configuration: pool type '%s' is not supported yet",
                     job->def->type);
        goto fail;
    }
    if (b->validate && b->validate(job->def, &err) < 0)
        goto fail;
    lv__pool_recs recs;
    if (lv__pool_load_all(job->conn, &recs, &err) < 0)
        goto fail;
    int rc = lv__pool_check_clash(&recs, job->def, &err);
    lv__pool_recs_clear(&recs);
    if (rc < 0)
        goto fail;
    memcpy(job->uuid, job->def->uuid, LV_UUID_LEN);
    return 0;
fail:
    job_done(job, &err);
    return -1;
}

static void define_go(pool_job *job)
{
    if (parse_new(job) < 0)
        return;
    lv_error err;
    int fd = lv__pool_lock(job->conn, job->def->name, true, &err);
    if (fd < 0) {
        job_done(job, &err);
        return;
    }
    /* Again under the lock: another shell may have defined it meanwhile. */
    lv__pool_recs recs;
    int rc = lv__pool_load_all(job->conn, &recs, &err);
    if (rc == 0) {
        rc = lv__pool_check_clash(&recs, job->def, &err);
        lv__pool_recs_clear(&recs);
    }
    if (rc == 0)
        rc = lv__pool_save_config(job->conn, job->def, &err);
    lv__storage_unlock(fd);
    job_done(job, rc < 0 ? &err : NULL);
}

void lv__storage_pool_define_xml(lv_conn *c, const char *xml, unsigned flags, lv_pool_cb cb,
                                 void *opaque)
{
    pool_job *job = job_new(c, opaque);
    job->xml = lv_strdup(xml);
    job->flags = flags;
    job->pool_cb = cb;
    run(job, define_go);
}

/* ---- start (shared by create and start) --------------------------------- */

static void start_failed_undone(void *opaque, const lv_error *err)
{
    (void)err; /* the first failure is what the user needs to see */
    pool_job *job = opaque;
    job_done(job, &job->saved);
}

/* Something failed after the backend started the pool: stop it again. */
static void start_undo(pool_job *job, const lv_error *err)
{
    job->saved = *err;
    const lv__storage_backend *b = job->ctx.pool.backend;
    if (b->stop) {
        b->stop(&job->ctx.pool, start_failed_undone, job);
        return;
    }
    job_done(job, &job->saved);
}

static void start_refreshed(void *opaque, const lv_error *err)
{
    pool_job *job = opaque;
    if (err) {
        start_undo(job, err);
        return;
    }
    lv_pool_def *live = job->ctx.pool.def;
    live->capacity = (lv_opt_size){true, job->ctx.pool.capacity};
    live->allocation = (lv_opt_size){true, job->ctx.pool.allocation};
    live->available = (lv_opt_size){true, job->ctx.pool.available};
    lv_error serr;
    if (lv__pool_save_live(job->conn, live, &serr) < 0) {
        start_undo(job, &serr);
        return;
    }
    job_done(job, NULL);
}

static void start_started(void *opaque, const lv_error *err)
{
    pool_job *job = opaque;
    if (err) {
        job_done(job, err);
        return;
    }
    lv__vol_defs_clear(&job->vols);
    job->ctx.pool.active = true;
    job->ctx.pool.backend->refresh(&job->ctx.pool, &job->vols, start_refreshed, job);
}

static void start_built(void *opaque, const lv_error *err)
{
    pool_job *job = opaque;
    if (err) {
        job_done(job, err);
        return;
    }
    const lv__storage_backend *b = job->ctx.pool.backend;
    if (b->start)
        b->start(&job->ctx.pool, start_started, job);
    else
        start_started(job, NULL);
}

/* job->ctx is open (locked) on an inactive pool. */
static void start_ctx(pool_job *job, bool build)
{
    const lv__storage_backend *b = job->ctx.pool.backend;
    if (build && b->build)
        b->build(&job->ctx.pool, LV_POOL_BUILD_NO_OVERWRITE, start_built, job);
    else
        start_built(job, NULL);
}

static void start_go(pool_job *job)
{
    if (open_ctx(job, false, 2) < 0)
        return;
    if (job->ctx.rec.live) {
        lv_error err;
        lv_error_set(&err, LV_ERR_OPERATION_INVALID, "storage pool '%s' is already active",
                     job->ctx.pool.def->name);
        job_done(job, &err);
        return;
    }
    start_ctx(job, job->flags & LV_POOL_START_BUILD);
}

void lv__storage_pool_start(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                            void *opaque)
{
    pool_job *job = job_new(c, opaque);
    memcpy(job->uuid, uuid, LV_UUID_LEN);
    job->flags = flags;
    job->done_cb = cb;
    run(job, start_go);
}

static void create_go(pool_job *job)
{
    if (parse_new(job) < 0)
        return;
    lv_error err;
    job->ctx.lock_fd = lv__pool_lock(job->conn, job->def->name, true, &err);
    if (job->ctx.lock_fd < 0) {
        job_done(job, &err);
        return;
    }
    lv__pool_recs recs;
    int rc = lv__pool_load_all(job->conn, &recs, &err);
    if (rc == 0) {
        for (size_t i = 0; i < recs.count && rc == 0; i++)
            if (!strcmp(lv__pool_rec_def(&recs.items[i])->name, job->def->name))
                rc = lv_error_set(&err, LV_ERR_DUPLICATE, "pool '%s' already exists",
                                  job->def->name);
        if (rc == 0)
            rc = lv__pool_check_clash(&recs, job->def, &err);
        lv__pool_recs_clear(&recs);
    }
    if (rc < 0) {
        job_done(job, &err);
        return;
    }
    /* A transient pool: only its live file will exist. */
    job->ctx.rec.live = job->def;
    job->def = NULL;
    job->ctx.pool.conn = job->conn;
    job->ctx.pool.def = job->ctx.rec.live;
    job->ctx.pool.backend = lv__storage_backend_find(job->ctx.pool.def->type);
    start_ctx(job, job->flags & LV_POOL_START_BUILD);
}

void lv__storage_pool_create_xml(lv_conn *c, const char *xml, unsigned flags, lv_pool_cb cb,
                                 void *opaque)
{
    pool_job *job = job_new(c, opaque);
    job->xml = lv_strdup(xml);
    job->flags = flags;
    job->pool_cb = cb;
    run(job, create_go);
}

/* ---- build, destroy, delete, undefine ----------------------------------- */

static void done_step(void *opaque, const lv_error *err)
{
    job_done(opaque, err);
}

static void build_go(pool_job *job)
{
    lv_error err;
    if ((job->flags & LV_POOL_BUILD_OVERWRITE) && (job->flags & LV_POOL_BUILD_NO_OVERWRITE)) {
        lv_error_set(&err, LV_ERR_INVALID_ARG,
                     "pool-build: --overwrite and --no-overwrite exclude each other");
        job_done(job, &err);
        return;
    }
    if (open_ctx(job, false, 2) < 0)
        return;
    if (job->ctx.rec.live) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                     "storage pool '%s' is active: destroy it before building it",
                     job->ctx.pool.def->name);
        job_done(job, &err);
        return;
    }
    const lv__storage_backend *b = job->ctx.pool.backend;
    if (!b->build) {
        job_done(job, NULL);
        return;
    }
    b->build(&job->ctx.pool, job->flags, done_step, job);
}

static void destroy_stopped(void *opaque, const lv_error *err)
{
    pool_job *job = opaque;
    if (err) {
        job_done(job, err);
        return;
    }
    lv_error rerr;
    if (lv__pool_remove_live(job->conn, job->ctx.pool.def->name, &rerr) < 0) {
        job_done(job, &rerr);
        return;
    }
    job_done(job, NULL);
}

static void destroy_go(pool_job *job)
{
    if (open_ctx(job, true, 2) < 0)
        return;
    const lv__storage_backend *b = job->ctx.pool.backend;
    if (b->stop)
        b->stop(&job->ctx.pool, destroy_stopped, job);
    else
        destroy_stopped(job, NULL);
}

static void delete_go(pool_job *job)
{
    if (open_ctx(job, false, 2) < 0)
        return;
    lv_error err;
    if (job->ctx.rec.live) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                     "storage pool '%s' is still active: destroy it first",
                     job->ctx.pool.def->name);
        job_done(job, &err);
        return;
    }
    const lv__storage_backend *b = job->ctx.pool.backend;
    if (!b->delete) {
        lv_error_set(&err, LV_ERR_NO_SUPPORT, "pool '%s': pool type '%s' cannot be deleted",
                     job->ctx.pool.def->name, job->ctx.pool.def->type);
        job_done(job, &err);
        return;
    }
    b->delete(&job->ctx.pool, job->flags, done_step, job);
}

static void undefine_go(pool_job *job)
{
    if (open_ctx(job, false, 2) < 0)
        return;
    lv_error err;
    if (!job->ctx.rec.config) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID, "storage pool '%s' is not persistent",
                     job->ctx.pool.def->name);
        job_done(job, &err);
        return;
    }
    if (lv__pool_remove_config(job->conn, job->ctx.pool.def->name, &err) < 0) {
        job_done(job, &err);
        return;
    }
    job_done(job, NULL);
}

static void autostart_go(pool_job *job)
{
    if (open_ctx(job, false, 2) < 0)
        return;
    lv_error err;
    if (!job->ctx.rec.config) {
        lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                     "cannot set autostart for transient storage pool '%s'",
                     job->ctx.pool.def->name);
        job_done(job, &err);
        return;
    }
    if (lv__pool_set_autostart_link(job->conn, job->ctx.pool.def->name, job->autostart, &err) <
        0) {
        job_done(job, &err);
        return;
    }
    job_done(job, NULL);
}

/* ---- refresh ------------------------------------------------------------ */

static void refresh_done(void *opaque, const lv_error *err)
{
    pool_job *job = opaque;
    if (err) {
        /* As libvirt: a pool that cannot be refreshed (its folder vanished,
         * its mount went away) is no longer active. */
        lv_error copy = *err;
        lv__pool_remove_live(job->conn, job->ctx.pool.def->name, NULL);
        job_done(job, &copy);
        return;
    }
    lv__pool_store_sizes(job->conn, &job->ctx);
    job_done(job, NULL);
}

static void refresh_checked(void *opaque, const lv_error *err)
{
    pool_job *job = opaque;
    if (err) {
        refresh_done(job, err);
        return;
    }
    job->ctx.pool.backend->refresh(&job->ctx.pool, &job->vols, refresh_done, job);
}

static void refresh_go(pool_job *job)
{
    if (open_ctx(job, true, 2) < 0)
        return;
    const lv__storage_backend *b = job->ctx.pool.backend;
    if (b->check)
        b->check(&job->ctx.pool, refresh_checked, job);
    else
        refresh_checked(job, NULL);
}

#define UUID_OP(fname, step)                                                                       \
    void fname(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,              \
               void *opaque)                                                                       \
    {                                                                                              \
        pool_job *job = job_new(c, opaque);                                                        \
        memcpy(job->uuid, uuid, LV_UUID_LEN);                                                      \
        job->flags = flags;                                                                        \
        job->done_cb = cb;                                                                         \
        run(job, step);                                                                            \
    }

UUID_OP(lv__storage_pool_build, build_go)
UUID_OP(lv__storage_pool_destroy, destroy_go)
UUID_OP(lv__storage_pool_delete, delete_go)
UUID_OP(lv__storage_pool_undefine, undefine_go)
UUID_OP(lv__storage_pool_refresh, refresh_go)

void lv__storage_pool_set_autostart(lv_conn *c, const unsigned char *uuid, bool autostart,
                                    lv_done_cb cb, void *opaque)
{
    pool_job *job = job_new(c, opaque);
    memcpy(job->uuid, uuid, LV_UUID_LEN);
    job->autostart = autostart;
    job->done_cb = cb;
    run(job, autostart_go);
}

/* ---- dumpxml ------------------------------------------------------------ */

static void xml_go(pool_job *job)
{
    if (open_ctx(job, false, 0) < 0)
        return;
    const lv_pool_def *def = lv__pool_rec_def(&job->ctx.rec);
    unsigned fmt = 0;
    if ((job->flags & LV_POOL_XML_INACTIVE) && job->ctx.rec.config) {
        def = job->ctx.rec.config;
        fmt = LV_POOL_FORMAT_INACTIVE;
    } else if (!job->ctx.rec.live) {
        fmt = LV_POOL_FORMAT_INACTIVE;
    }
    char *xml = lv_pool_def_format_xml(def, fmt);
    lv_string_cb cb = job->string_cb;
    void *opaque = job->opaque;
    job_free(job);
    cb(opaque, xml, NULL);
}

void lv__storage_pool_get_xml(lv_conn *c, const unsigned char *uuid, unsigned flags,
                              lv_string_cb cb, void *opaque)
{
    pool_job *job = job_new(c, opaque);
    memcpy(job->uuid, uuid, LV_UUID_LEN);
    job->flags = flags;
    job->string_cb = cb;
    run(job, xml_go);
}
