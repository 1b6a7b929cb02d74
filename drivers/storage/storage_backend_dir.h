/* The dir backend's operations on a pool whose volumes are files in its
 * target folder, for backends that share them (fs: mount, then the same). */
#ifndef LV_STORAGE_BACKEND_DIR_H
#define LV_STORAGE_BACKEND_DIR_H

#include "storage_backend.h"

/* Creates the target folder (mkdir -p) with the pool's permissions (default
 * 0711); an existing folder gets the mode and owner the XML gives. */
int lv__storage_dir_build_target(lv__storage_pool *pool, lv_error *err);
/* The target exists and is a folder; else one line naming it. */
int lv__storage_dir_check_target(const lv__storage_pool *pool, lv_error *err);
/* Removes the empty target folder (a missing one is fine). */
int lv__storage_dir_remove_target(const lv__storage_pool *pool, lv_error *err);
/* The regular files of the target and the pool's sizes (statvfs), read in
 * the thread pool, then `qemu-img info` of each file whose header did not say
 * all (a few at a time). */
void lv__storage_dir_refresh(lv__storage_pool *pool, lv__vol_defs *vols, lv_done_cb cb,
                             void *opaque);
/* One file's volume: stat, then qemu-img info. */
void lv__storage_dir_vol_info(lv__storage_pool *pool, const char *name, lv_vol_def *vol,
                              lv_done_cb cb, void *opaque);
char *lv__storage_dir_vol_path(const lv__storage_pool *pool, const char *name);
void lv__storage_dir_vol_create(lv__storage_pool *pool, const lv_vol_def *vol, unsigned flags,
                                lv_done_cb cb, void *opaque);
void lv__storage_dir_vol_create_from(lv__storage_pool *pool, const lv_vol_def *vol,
                                     lv__storage_pool *src_pool, const lv_vol_def *src,
                                     unsigned flags, lv_progress_cb progress,
                                     void *progress_opaque, lv_done_cb cb, void *opaque);
void lv__storage_dir_vol_delete(lv__storage_pool *pool, const lv_vol_def *vol, unsigned flags,
                                lv_done_cb cb, void *opaque);
void lv__storage_dir_vol_resize(lv__storage_pool *pool, const lv_vol_def *vol, uint64_t capacity,
                                unsigned flags, lv_done_cb cb, void *opaque);

#endif
