/* Storage backends: what each pool type does to the host. The driver
 * (storage_driver.c and its parts) owns definitions, persistence, state,
 * locking, XML, names, in-use checks and the generic volume transfers
 * (upload, download, wipe of file and block volumes); a backend only touches
 * the pool's source and target and its volumes.
 *
 * Registering a backend: add `&lv__storage_backend_TYPE,` to the `backends`
 * array in storage_backend.c (one line) and declare it at the end of this
 * file. The pool type must also be listed as supported in
 * drivers/conf/storage_conf.c (dir, fs and logical are).
 *
 * Conventions:
 * - Every asynchronous operation calls its callback exactly once, on the
 *   loop; it may do so before returning. The pool (and the volume passed in)
 *   stay valid until then. Tools run through lv__storage_tool_run
 *   (storage_tool.h) or the qemu-img helpers (storage_qemu_img.h): uv_spawn
 *   with argv arrays, never a shell.
 * - Failures are one line naming the pool or volume and the cause (the
 *   tool's own stderr line). An operation that fails leaves nothing behind:
 *   a half-created volume is removed, a half-done build is undone when the
 *   backend can tell what it added.
 * - A NULL entry means "nothing to do" for build/start/stop/check and "not
 *   supported by this pool type" for the volume operations (the driver then
 *   fails naming the pool type).
 * - Volume names reaching a backend are already validated (a plain file
 *   name, see lv_name_validate); target paths are absolute and normalised. */
#ifndef LV_STORAGE_BACKEND_H
#define LV_STORAGE_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/storage_conf.h"
#include "storage.h"

typedef struct lv__storage_backend lv__storage_backend;

/* A pool as the backend sees it during one operation. */
typedef struct lv__storage_pool {
    lv_conn *conn; /* conn->loop runs the tools */
    lv_pool_def *def;
    const lv__storage_backend *backend;
    bool active;
    /* Filled in by refresh: bytes. */
    uint64_t capacity, allocation, available;
} lv__storage_pool;

/* Volumes found by refresh. */
typedef struct lv__vol_defs {
    size_t count;
    lv_vol_def *items;
} lv__vol_defs;
void lv__vol_defs_clear(lv__vol_defs *vols);
/* Appends a zeroed entry and returns it. */
lv_vol_def *lv__vol_defs_add(lv__vol_defs *vols);

struct lv__storage_backend {
    const char *type; /* the pool type attribute: "dir", "fs", "logical" */

    /* Checks at define/create, beyond the XML schema (fs: exactly one
     * source device and a known format; logical: a valid VG name).
     * Synchronous, no I/O. NULL: nothing more to check. */
    int (*validate)(const lv_pool_def *def, lv_error *err);

    /* pool-build (flags LV_POOL_BUILD_*): create what the pool needs (dir:
     * the target folder; fs: a filesystem on the device; logical: PVs and
     * the VG). Refuses to overwrite existing data unless
     * LV_POOL_BUILD_OVERWRITE. */
    void (*build)(lv__storage_pool *pool, unsigned flags, lv_done_cb cb, void *opaque);
    /* pool-start: make the pool usable (fs: mount; logical: activate the
     * VG; dir: the target folder must exist). On failure nothing stays
     * mounted or activated. */
    void (*start)(lv__storage_pool *pool, lv_done_cb cb, void *opaque);
    /* Is an active pool still usable (the folder did not vanish, the mount
     * is still there, the VG still exists)? Run before each operation on
     * its volumes; a failure names what is missing. */
    void (*check)(lv__storage_pool *pool, lv_done_cb cb, void *opaque);
    /* pool-destroy: undo start (fs: unmount; logical: deactivate). */
    void (*stop)(lv__storage_pool *pool, lv_done_cb cb, void *opaque);
    /* pool-delete of an inactive pool: undo build (dir/fs: remove the empty
     * target folder; logical: remove the VG and PV labels). */
    void (*delete)(lv__storage_pool *pool, unsigned flags, lv_done_cb cb, void *opaque);
    /* pool-refresh and every listing: fills pool->capacity/allocation/
     * available and vols (each with name, type, key, target_path,
     * target_format, capacity, allocation, physical, backing_path/format).
     * Skips what cannot be a volume (hidden names such as the driver's own
     * ".NAME.part" files, sockets, subfolders unless the backend lists them). */
    void (*refresh)(lv__storage_pool *pool, lv__vol_defs *vols, lv_done_cb cb, void *opaque);

    /* One volume, as refresh would describe it (dir: stat and qemu-img info
     * of that file only). A missing volume fails with LV_ERR_NO_VOLUME
     * naming it. NULL: the driver refreshes the pool and picks it. */
    void (*vol_info)(lv__storage_pool *pool, const char *name, lv_vol_def *vol, lv_done_cb cb,
                     void *opaque);

    /* Where volume `name` lives (dir/fs: TARGET/name; logical:
     * /dev/VG/name). Pure. malloc'd. */
    char *(*vol_path)(const lv__storage_pool *pool, const char *name);
    /* vol-create: vol->target_path is set (vol_path); the volume does not
     * exist yet. flags: LV_VOL_CREATE_*. On failure nothing is left. */
    void (*vol_create)(lv__storage_pool *pool, const lv_vol_def *vol, unsigned flags,
                       lv_done_cb cb, void *opaque);
    /* vol-create-from / vol-clone: the new volume vol (target_path set) gets
     * the data of src (a volume of src_pool, possibly another pool or type),
     * converted to vol->target_format. progress may be NULL. */
    void (*vol_create_from)(lv__storage_pool *pool, const lv_vol_def *vol,
                            lv__storage_pool *src_pool, const lv_vol_def *src, unsigned flags,
                            lv_progress_cb progress, void *progress_opaque, lv_done_cb cb,
                            void *opaque);
    /* vol-delete: the driver has checked that no running domain uses it. */
    void (*vol_delete)(lv__storage_pool *pool, const lv_vol_def *vol, unsigned flags,
                       lv_done_cb cb, void *opaque);
    /* vol-resize to capacity bytes (absolute; the driver has applied
     * --delta and refused a shrink without --shrink). flags: LV_VOL_RESIZE_*
     * (ALLOCATE: allocate the new space). */
    void (*vol_resize)(lv__storage_pool *pool, const lv_vol_def *vol, uint64_t capacity,
                       unsigned flags, lv_done_cb cb, void *opaque);
};

/* The backend serving a pool type, or NULL. */
const lv__storage_backend *lv__storage_backend_find(const char *type);

/* ---- registered backends (storage_backend.c) ---------------------------- */

extern const lv__storage_backend lv__storage_backend_dir; /* storage_backend_dir.c */
extern const lv__storage_backend lv__storage_backend_fs;      /* storage_backend_fs.c */
extern const lv__storage_backend lv__storage_backend_logical; /* storage_backend_logical.c */

#endif
