/* The local storage driver's internals, shared by its files:
 *   storage_state.c     the scope's files: definitions, active state, locks,
 *                       the default pool, autostart
 *   storage_pool.c      pool operations
 *   storage_vol.c       volume operations
 *   storage_transfer.c  upload, download, wipe
 *   storage_inuse.c     volumes in use by running domains; disk resolution
 *
 * No daemon: every operation reads the files it needs as they are when it
 * starts, so several shells see each other's changes:
 *   CONFIG/NAME.xml            a persistent pool's definition
 *   CONFIG/autostart/NAME.xml  symlink to ../NAME.xml: started on first use
 *   RUN/NAME.xml               an active pool's live definition, with its
 *                              sizes as last refreshed (exists iff active)
 *   RUN/NAME.lock              per-pool lock (flock): exclusive for pool
 *                              operations, shared for volume operations
 *   RUN/NAME.vols/VOL.lock     per-volume lock (flock, exclusive)
 *   RUN/.autostarted           autostart done for this boot (RUN is /run)
 *   CONFIG/.default-defined    the default pool was made once; an undefined
 *                              default pool is not made again
 * CONFIG and RUN are conn->scope.storage_config and storage_run. */
#ifndef LV_STORAGE_PRIV_H
#define LV_STORAGE_PRIV_H

#include <stdbool.h>

#include "conf/storage_conf.h"
#include "storage.h"
#include "storage_backend.h"

/* What the files say about one pool. */
typedef struct lv__pool_rec {
    lv_pool_def *config; /* the persistent definition, or NULL (transient) */
    lv_pool_def *live;   /* the live definition when active, else NULL */
    bool autostart;
} lv__pool_rec;

typedef struct lv__pool_recs {
    size_t count;
    lv__pool_rec *items;
} lv__pool_recs;

void lv__pool_rec_clear(lv__pool_rec *rec);
void lv__pool_recs_clear(lv__pool_recs *recs);
/* The definition in effect: the live one when active. */
const lv_pool_def *lv__pool_rec_def(const lv__pool_rec *rec);
void lv__pool_rec_info(const lv__pool_rec *rec, lv_pool_info *info);

/* ---- files (storage_state.c) ------------------------------------------- */

/* The scope's folders exist (created on first use). */
int lv__storage_dirs_ensure(lv_conn *c, lv_error *err);
/* Every pool, sorted by name. A definition file that does not parse fails
 * naming it. */
int lv__pool_load_all(lv_conn *c, lv__pool_recs *recs, lv_error *err);
/* One pool by name or UUID (by: LV_LOOKUP_ANY, _NAME, _UUID); a missing one
 * fails with LV_ERR_NO_POOL naming the key. */
int lv__pool_load(lv_conn *c, lv_lookup_by by, const char *key, lv__pool_rec *rec,
                  lv_error *err);
int lv__pool_load_uuid(lv_conn *c, const unsigned char *uuid, lv__pool_rec *rec, lv_error *err);
/* Atomic writes and removals of CONFIG/NAME.xml and RUN/NAME.xml. */
int lv__pool_save_config(lv_conn *c, const lv_pool_def *def, lv_error *err);
int lv__pool_save_live(lv_conn *c, const lv_pool_def *def, lv_error *err);
int lv__pool_remove_config(lv_conn *c, const char *name, lv_error *err);
int lv__pool_remove_live(lv_conn *c, const char *name, lv_error *err);
int lv__pool_set_autostart_link(lv_conn *c, const char *name, bool on, lv_error *err);

/* Locks: fd >= 0 taken (release with lv__storage_unlock), -1 with err set
 * (busy: LV_ERR_OPERATION_INVALID naming the pool or volume). */
int lv__pool_lock(lv_conn *c, const char *pool, bool exclusive, lv_error *err);
int lv__vol_lock(lv_conn *c, const char *pool, const char *vol, lv_error *err);
void lv__storage_unlock(int fd);

/* Runs once per connection before its first storage operation: the scope's
 * folders, the default pool (a dir pool on conn->scope.images, autostarted),
 * and the autostart of pools once per boot. Completes through cb (errors of
 * autostarting pools are not reported: those pools stay inactive). */
void lv__storage_prepare(lv_conn *c, lv_done_cb cb, void *opaque);

/* Refuses a definition that clashes with another pool: the same name with
 * another UUID, the same UUID with another name, a target inside, equal to
 * or around another pool's target, the same VG or source device. */
int lv__pool_check_clash(const lv__pool_recs *recs, const lv_pool_def *def, lv_error *err);

/* ---- an operation on one pool ------------------------------------------ */

/* A pool loaded with its backend and (optionally) its lock. */
typedef struct lv__pool_ctx {
    lv__pool_rec rec;
    lv__storage_pool pool; /* pool.def points into rec */
    int lock_fd;
} lv__pool_ctx;

/* Loads the pool by uuid; want_active: fail unless it is active ("pool 'x'
 * is not active"); lock: 0 none, 1 shared, 2 exclusive. */
int lv__pool_ctx_open(lv_conn *c, const unsigned char *uuid, bool want_active, int lock,
                      lv__pool_ctx *ctx, lv_error *err);
void lv__pool_ctx_close(lv__pool_ctx *ctx);

/* ---- volumes (storage_vol.c) ------------------------------------------- */

void lv__vol_def_info(const lv__storage_pool *pool, const lv_vol_def *vol, lv_vol_info *info);
/* Updates the live file's sizes of an active pool after a refresh. */
void lv__pool_store_sizes(lv_conn *c, lv__pool_ctx *ctx);

/* ---- in use (storage_inuse.c) ------------------------------------------- */

/* Fails (LV_ERR_OPERATION_INVALID: "volume 'v' of pool 'p' is in use by
 * running domain 'd'") when a running domain's live XML names the volume
 * (by path, or by pool and volume). op: "deleted", "wiped", "shrunk"... */
void lv__vol_check_unused(lv_conn *c, const char *pool, const lv_vol_def *vol, const char *op,
                          lv_done_cb cb, void *opaque);

#endif
