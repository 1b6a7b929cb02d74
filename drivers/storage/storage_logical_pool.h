/* What a logical pool (an LVM volume group) does with the lvm2 tools, apart
 * from the driver's table: build, start, stop, delete, refresh, and the
 * volumes (LVs; raw only). Every operation completes through its callback
 * exactly once (a refusal before any tool runs: before it returns).
 * storage_backend_logical.c fills the
 * backend table with these. */
#ifndef LV_STORAGE_LOGICAL_POOL_H
#define LV_STORAGE_LOGICAL_POOL_H

#include <stdint.h>
#include <uv.h>

#include "storage.h"
#include "storage_lvm.h"

typedef struct lv__logical_pool {
    const char *name;     /* the pool's, for messages */
    const char *vg;       /* <source><name>, else the pool's name */
    char *const *devices; /* <source><device path=.../> */
    size_t n_devices;
} lv__logical_pool;

/* A refresh's findings (free with lv__logical_state_clear). */
typedef struct lv__logical_state {
    lv__lvm_vg vg;
    lv__lvm_lv_list lvs; /* ordinary LVs and snapshots; thin pools and hidden LVs left out */
} lv__logical_state;
void lv__logical_state_clear(lv__logical_state *r);

/* cb owns r (lv__logical_state_clear, then free). */
typedef void (*lv__logical_state_cb)(void *opaque, lv__logical_state *r, const lv_error *err);

/* pool-build: refuses a device that holds any signature (filesystem, PV,
 * partition table) unless flags has LV_POOL_BUILD_OVERWRITE; then a PV on each
 * device and the VG on them. A failure takes back the PVs it made. */
void lv__logical_build(uv_loop_t *loop, const lv__logical_pool *p, unsigned flags, lv_done_cb cb,
                       void *opaque);
/* pool-start / pool-destroy: activates / deactivates the VG's LVs. */
void lv__logical_start(uv_loop_t *loop, const lv__logical_pool *p, lv_done_cb cb, void *opaque);
void lv__logical_stop(uv_loop_t *loop, const lv__logical_pool *p, lv_done_cb cb, void *opaque);
/* pool-delete: the VG and the PV labels. */
void lv__logical_delete(uv_loop_t *loop, const lv__logical_pool *p, lv_done_cb cb, void *opaque);
/* pool-refresh: the VG's size and free space and its LVs. */
void lv__logical_refresh(uv_loop_t *loop, const lv__logical_pool *p, lv__logical_state_cb cb,
                         void *opaque);

/* vol-create: an LV of capacity bytes (lvm2 rounds up to whole extents).
 * format must be NULL or "raw": an LV is a block device, no image format. */
void lv__logical_vol_create(uv_loop_t *loop, const lv__logical_pool *p, const char *name,
                            const char *format, uint64_t capacity, lv_done_cb cb, void *opaque);
/* vol-create-from / vol-clone: a new LV of capacity bytes filled with the
 * data of the image at src_path (of src_format, converted to raw) by
 * qemu-img, progress (may be NULL) as it goes. If the copy fails, the new LV
 * is removed again. */
void lv__logical_vol_create_from(uv_loop_t *loop, const lv__logical_pool *p, const char *name,
                                 const char *format, uint64_t capacity, const char *src_path,
                                 const char *src_format, lv_progress_cb progress,
                                 void *progress_opaque, lv_done_cb cb, void *opaque);
void lv__logical_vol_delete(uv_loop_t *loop, const lv__logical_pool *p, const char *name,
                            lv_done_cb cb, void *opaque);
/* vol-resize to capacity bytes; making it smaller than current needs
 * LV_VOL_RESIZE_SHRINK in flags (the data past the new end is lost). */
void lv__logical_vol_resize(uv_loop_t *loop, const lv__logical_pool *p, const char *name,
                            uint64_t current, uint64_t capacity, unsigned flags, lv_done_cb cb,
                            void *opaque);

/* The same checks the operations make first, for callers that want them
 * before any work (synchronous): a known format, a valid LV name. */
int lv__logical_check_volume(const lv__logical_pool *p, const char *name, const char *format,
                             lv_error *err);

#endif
