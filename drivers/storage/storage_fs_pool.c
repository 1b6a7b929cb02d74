/* fs pools through blkid, mkfs, mount and umount (storage_fs_pool.h). */
#include "storage_fs_pool.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/files.h"
#include "storage.h"
#include "storage_fs_cmd.h"
#include "storage_tool.h"

#define MOUNTINFO "/proc/self/mountinfo"

static const char *format_of(const lv__fs_pool *p)
{
    return p->format && *p->format ? p->format : "auto";
}

int lv__fs_check_def(const lv__fs_pool *p, lv_error *err)
{
    if (!lv__fs_format_known(format_of(p)))
        return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                            "pool '%s': filesystem format '%s' is not supported (ext4, xfs or "
                            "auto)",
                            p->name, p->format);
    if (!p->device || p->device[0] != '/')
        return lv_error_set(err, LV_ERR_XML,
                            "pool '%s': an fs pool needs <source><device path='/...'/> with an "
                            "absolute path",
                            p->name);
    if (!p->target || p->target[0] != '/')
        return lv_error_set(err, LV_ERR_XML,
                            "pool '%s': an fs pool needs <target><path> with an absolute path",
                            p->name);
    return 0;
}

/* The device must exist; *image_file says whether it is a regular file. */
static int check_device(const lv__fs_pool *p, bool *image_file, lv_error *err)
{
    struct stat st;
    if (stat(p->device, &st) < 0)
        return lv_error_set_errno(err, errno, "pool '%s': source device %s", p->name, p->device);
    if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "pool '%s': source device %s is neither a block device nor an image "
                            "file",
                            p->name, p->device);
    *image_file = S_ISREG(st.st_mode);
    return 0;
}

static int check_target_dir(const lv__fs_pool *p, lv_error *err)
{
    struct stat st;
    if (stat(p->target, &st) < 0) {
        if (errno == ENOENT)
            return lv_error_set(err, LV_ERR_OPERATION_INVALID,
                                "pool '%s': target directory %s does not exist (pool-build "
                                "makes it)",
                                p->name, p->target);
        return lv_error_set_errno(err, errno, "pool '%s': target directory %s", p->name, p->target);
    }
    if (!S_ISDIR(st.st_mode))
        return lv_error_set(err, LV_ERR_OPERATION_INVALID,
                            "pool '%s': target %s is not a directory", p->name, p->target);
    return 0;
}

/* What is mounted on the target: 1 and *source, or 0. The target is compared
 * in its canonical form (mountinfo has no symlinks). */
static int mounted_source(const lv__fs_pool *p, char **source, lv_error *err)
{
    *source = NULL;
    char *info = NULL;
    if (lv_file_read_all(MOUNTINFO, &info, NULL, err) < 0)
        return -1;
    char *canon = realpath(p->target, NULL);
    int found = lv__fs_mountinfo_find(info, canon ? canon : p->target, source);
    free(canon);
    free(info);
    return found;
}

/* Whether source (from mountinfo) is the pool's device: the same node, or a
 * loop device backed by the pool's image file. */
static bool source_is_device(const char *source, const lv__fs_pool *p)
{
    if (!source)
        return false;
    struct stat a, b;
    if (stat(source, &a) == 0 && stat(p->device, &b) == 0 && S_ISBLK(a.st_mode) &&
        S_ISBLK(b.st_mode))
        return a.st_rdev == b.st_rdev;
    if (strncmp(source, "/dev/loop", 9) != 0)
        return false;
    char *sys = lv_asprintf("/sys/block/%s/loop/backing_file", source + 5);
    char *backing = NULL;
    bool same = false;
    if (lv_file_read_all(sys, &backing, NULL, NULL) == 0) {
        backing[strcspn(backing, "\n")] = '\0';
        char *canon = realpath(p->device, NULL);
        same = canon && strcmp(canon, backing) == 0;
        free(canon);
    }
    free(backing);
    free(sys);
    return same;
}

int lv__fs_is_mounted(const lv__fs_pool *p, lv_error *err)
{
    char *source = NULL;
    int rc = mounted_source(p, &source, err);
    if (rc > 0 && !source_is_device(source, p))
        rc = 0;
    free(source);
    return rc;
}

/* ---- build -------------------------------------------------------------- */

typedef struct build_ctx {
    char *pool;
    char *made_dir; /* removed again if the build fails */
    lv_done_cb cb;
    void *opaque;
} build_ctx;

static int check_blank(void *ctx, char *const *argv, const lv__storage_tool_result *res,
                       lv_error *err)
{
    build_ctx *b = ctx;
    const char *device = argv[4];
    if (res->status == 2)
        return 0;
    if (res->status != 0)
        return lv__storage_tool_error(err, LV_ERR_OPERATION_FAILED, res, argv, b->pool);
    char *what = lv__fs_blkid_describe(res->out);
    lv_error_set(err, LV_ERR_OPERATION_INVALID,
                 "%s: %s already holds %s; pool-build --overwrite replaces it", b->pool, device,
                 what ? what : "data blkid recognises");
    free(what);
    return -1;
}

static void build_done(void *opaque, const lv_error *err)
{
    build_ctx *b = opaque;
    if (err && b->made_dir)
        rmdir(b->made_dir);
    b->cb(b->opaque, err);
    free(b->made_dir);
    free(b->pool);
    free(b);
}

void lv__fs_build(uv_loop_t *loop, const lv__fs_pool *p, unsigned flags, lv_done_cb cb,
                  void *opaque)
{
    lv_error err;
    lv_error_clear(&err);
    bool image_file = false;
    if (lv__fs_check_def(p, &err) < 0 || check_device(p, &image_file, &err) < 0) {
        cb(opaque, &err);
        return;
    }
    if ((flags & LV_POOL_BUILD_OVERWRITE) && (flags & LV_POOL_BUILD_NO_OVERWRITE)) {
        lv_error_set(&err, LV_ERR_INVALID_ARG,
                     "pool '%s': --overwrite and --no-overwrite exclude each other", p->name);
        cb(opaque, &err);
        return;
    }
    bool existed = access(p->target, F_OK) == 0;
    if (lv_mkdir_p(p->target, 0755, &err) < 0) {
        cb(opaque, &err);
        return;
    }
    if (!(flags & (LV_POOL_BUILD_OVERWRITE | LV_POOL_BUILD_NO_OVERWRITE))) {
        cb(opaque, NULL); /* as libvirt: without a flag, build only makes the directory */
        return;
    }
    if (lv__fs_is_mounted(p, &err) != 0) {
        if (err.code == LV_ERR_NONE)
            lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                         "pool '%s': %s is mounted; pool-destroy before making a filesystem",
                         p->name, p->target);
        cb(opaque, &err);
        return;
    }
    build_ctx *b = LV_NEW(build_ctx);
    b->pool = lv_asprintf("pool '%s'", p->name);
    b->made_dir = existed ? NULL : lv_strdup(p->target);
    b->cb = cb;
    b->opaque = opaque;
    lv__storage_chain *ch = lv__storage_chain_new(loop, b->pool, b, build_done, b);
    if (flags & LV_POOL_BUILD_NO_OVERWRITE)
        lv__storage_chain_add(ch, lv__fs_blkid_argv(p->device), check_blank, NULL);
    lv__storage_chain_add(ch, lv__fs_mkfs_argv(format_of(p), p->device), NULL, NULL);
    lv__storage_chain_run(ch);
}

/* ---- start, stop ---------------------------------------------------------- */

static void run_one(uv_loop_t *loop, const lv__fs_pool *p, char **argv, lv_done_cb cb, void *opaque)
{
    char *what = lv_asprintf("pool '%s'", p->name);
    lv__storage_chain *ch = lv__storage_chain_new(loop, what, NULL, cb, opaque);
    free(what);
    lv__storage_chain_add(ch, argv, NULL, NULL);
    lv__storage_chain_run(ch);
}

void lv__fs_start(uv_loop_t *loop, const lv__fs_pool *p, lv_done_cb cb, void *opaque)
{
    lv_error err;
    lv_error_clear(&err);
    bool image_file = false;
    char *source = NULL;
    if (lv__fs_check_def(p, &err) < 0 || check_target_dir(p, &err) < 0 ||
        check_device(p, &image_file, &err) < 0) {
        cb(opaque, &err);
        return;
    }
    int mounted = mounted_source(p, &source, &err);
    if (mounted != 0) {
        if (mounted > 0 && source_is_device(source, p)) {
            free(source);
            cb(opaque, NULL); /* mounted by an earlier start: nothing to do */
            return;
        }
        if (mounted > 0)
            lv_error_set(&err, LV_ERR_OPERATION_INVALID,
                         "pool '%s': %s is already a mount point (of %s)", p->name, p->target,
                         source ? source : "something else");
        free(source);
        cb(opaque, &err);
        return;
    }
    char *canon = realpath(p->target, NULL);
    run_one(loop, p,
            lv__fs_mount_argv(format_of(p), p->device, canon ? canon : p->target, image_file), cb,
            opaque);
    free(canon);
}

void lv__fs_stop(uv_loop_t *loop, const lv__fs_pool *p, lv_done_cb cb, void *opaque)
{
    lv_error err;
    lv_error_clear(&err);
    /* only the pool's own mount: whatever else sits on the target is not ours */
    int mounted = lv__fs_is_mounted(p, &err);
    if (mounted <= 0) {
        cb(opaque, mounted < 0 ? &err : NULL);
        return;
    }
    char *canon = realpath(p->target, NULL);
    run_one(loop, p, lv__fs_umount_argv(canon ? canon : p->target), cb, opaque);
    free(canon);
}
