/* What an fs pool (a block device or image file holding a filesystem,
 * mounted on the pool's target directory) does with the host tools, apart
 * from the driver's table: build (directory, and mkfs as libvirt's flags
 * say), start (mount), stop (umount), and whether it is mounted. Volumes are
 * files in the mounted directory, as in a dir pool. Every operation completes
 * through its callback exactly once (a refusal before any tool runs: before
 * it returns). storage_backend_fs.c fills the backend table with these. */
#ifndef LV_STORAGE_FS_POOL_H
#define LV_STORAGE_FS_POOL_H

#include <uv.h>

#include "driver.h"

typedef struct lv__fs_pool {
    const char *name;   /* the pool's, for messages */
    const char *device; /* <source><device path=.../> */
    const char *format; /* <source><format type=.../>: ext4, xfs or auto (NULL: auto) */
    const char *target; /* <target><path> */
} lv__fs_pool;

/* pool-build: makes the target directory (mode 0755) when missing, then, as
 * libvirt does: no flag: nothing more; LV_POOL_BUILD_NO_OVERWRITE: mkfs when
 * blkid finds nothing on the device, else refuses naming what is there;
 * LV_POOL_BUILD_OVERWRITE: mkfs whatever is there. A failed build removes
 * the directory it made. */
void lv__fs_build(uv_loop_t *loop, const lv__fs_pool *p, unsigned flags, lv_done_cb cb,
                  void *opaque);
/* pool-start: mounts the device on the target. Refuses a target that is
 * missing or not a directory, a missing device, and a target on which
 * something else is mounted; a target already mounted from this device is
 * taken as started. */
void lv__fs_start(uv_loop_t *loop, const lv__fs_pool *p, lv_done_cb cb, void *opaque);
/* pool-destroy: unmounts the target (nothing to do when the pool's device is
 * not mounted there; another mount on the target is left alone). */
void lv__fs_stop(uv_loop_t *loop, const lv__fs_pool *p, lv_done_cb cb, void *opaque);
/* 1 when the pool's device is mounted on the target (an image file: through
 * a loop device backed by it), 0 when not (also when something else is
 * mounted there), -1 on error: refresh and the pool's state check with it.
 * Synchronous (reads /proc/self/mountinfo). */
int lv__fs_is_mounted(const lv__fs_pool *p, lv_error *err);
/* The checks pool-define makes: the format is known, device and target are
 * absolute paths. */
int lv__fs_check_def(const lv__fs_pool *p, lv_error *err);

#endif
