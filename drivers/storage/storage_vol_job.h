/* A volume operation's state, shared by storage_vol.c and
 * storage_transfer.c: the pool (locked shared), the volume (locked), the
 * volume as the pool describes it, and the caller's callback. */
#ifndef LV_STORAGE_VOL_JOB_H
#define LV_STORAGE_VOL_JOB_H

#include <uv.h>

#include "storage_pool_ops.h"

typedef struct vol_job vol_job;
typedef void (*vol_step)(vol_job *job);

struct vol_job {
    lv_conn *conn;
    unsigned char pool_uuid[LV_UUID_LEN];
    char *name;
    unsigned flags;
    lv__pool_ctx ctx;
    int vol_lock;
    bool lock_volume, fetch_volume;
    lv_vol_def vol;     /* the volume as its pool describes it */
    lv__vol_defs vols;  /* a refresh of the pool */
    lv_vol_def *def;    /* create: the new volume */
    /* create-from */
    unsigned char src_pool_uuid[LV_UUID_LEN];
    char *src_name;
    lv__pool_ctx src_ctx;
    lv_vol_def src;
    /* resize */
    uint64_t capacity;
    /* lookup by path or key; the key */
    lv_vol_lookup_by by;
    char *xml;
    char **argv;
    /* transfers (storage_transfer.c) */
    char *path;      /* the host file */
    char *tmp_path;  /* the file being written, removed on failure */
    int fd, out_fd;
    uv_fs_t req;
    char *buf;
    struct copy_state *copy;
    uint64_t offset, length, done, total, out_offset;
    /* Called once before completion (failed: whether it failed), to remove
     * or keep what the operation made. */
    void (*cleanup)(vol_job *job, bool failed);
    lv_progress_cb progress;
    vol_step next;
    lv_done_cb done_cb;
    lv_vol_cb vol_cb;
    lv_vol_list_cb list_cb;
    lv_string_cb string_cb;
    void *opaque;
};

vol_job *lv__vol_job_new(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                         void *opaque);
/* Prepares the connection, opens the pool (active, lock shared), locks the
 * volume (lock_volume), checks the pool, reads the volume (fetch_volume:
 * job->vol; a missing one fails with LV_ERR_NO_VOLUME), then next. */
void lv__vol_job_run(vol_job *job, bool lock_volume, bool fetch_volume, vol_step next);
/* Completes through the job's callback and frees it. */
void lv__vol_job_done(vol_job *job, const lv_error *err);
/* lv_done_cb form of lv__vol_job_done (opaque: the job). */
void lv__vol_job_step_done(void *opaque, const lv_error *err);

#endif
