/* Logical pools through the lvm2 tools (storage_logical_pool.h). */
#include "storage_logical_pool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "storage.h"
#include "storage_fs_cmd.h"
#include "storage_run.h"
#include "storage_tool.h"

/* "pool 'NAME'" for the tools' errors, malloc'd. */
static char *pool_what(const lv__logical_pool *p)
{
    return lv_asprintf("pool '%s'", p->name);
}

static void run_one(uv_loop_t *loop, const lv__logical_pool *p, char **argv, lv_done_cb cb,
                    void *opaque)
{
    char *what = pool_what(p);
    lv__storage_chain *ch = lv__storage_chain_new(loop, what, NULL, cb, opaque);
    free(what);
    lv__storage_chain_add(ch, argv, NULL, NULL);
    lv__storage_chain_run(ch);
}

static int fail_now(lv_done_cb cb, void *opaque, const lv_error *err)
{
    cb(opaque, err);
    return -1;
}

/* ---- build -------------------------------------------------------------- */

typedef struct build_ctx {
    char *pool;
    lv_done_cb cb;
    void *opaque;
} build_ctx;

/* blkid -p: exit status 2 is "nothing there", 0 names what is. */
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
    b->cb(b->opaque, err);
    free(b->pool);
    free(b);
}

/* A source device must be a block device (lvm2 takes no files). */
static int check_devices(const lv__logical_pool *p, lv_error *err)
{
    if (p->n_devices == 0)
        return lv_error_set(err, LV_ERR_XML,
                            "pool '%s': a logical pool needs <source><device path='...'/> to "
                            "build on",
                            p->name);
    for (size_t i = 0; i < p->n_devices; i++) {
        struct stat st;
        if (stat(p->devices[i], &st) < 0)
            return lv_error_set_errno(err, errno, "pool '%s': source device %s", p->name,
                                      p->devices[i]);
        if (!S_ISBLK(st.st_mode))
            return lv_error_set(err, LV_ERR_INVALID_ARG,
                                "pool '%s': source device %s is not a block device (a file can "
                                "be attached with losetup)",
                                p->name, p->devices[i]);
    }
    return 0;
}

void lv__logical_build(uv_loop_t *loop, const lv__logical_pool *p, unsigned flags, lv_done_cb cb,
                       void *opaque)
{
    lv_error err;
    if (lv__lvm_check_name("volume group", p->vg, &err) < 0 || check_devices(p, &err) < 0) {
        fail_now(cb, opaque, &err);
        return;
    }
    build_ctx *b = LV_NEW(build_ctx);
    b->pool = pool_what(p);
    b->cb = cb;
    b->opaque = opaque;
    lv__storage_chain *ch = lv__storage_chain_new(loop, b->pool, b, build_done, b);
    bool overwrite = flags & LV_POOL_BUILD_OVERWRITE;
    /* every device is probed before any is touched */
    for (size_t i = 0; i < p->n_devices && !overwrite; i++)
        lv__storage_chain_add(ch, lv__fs_blkid_argv(p->devices[i]), check_blank, NULL);
    for (size_t i = 0; i < p->n_devices; i++)
        lv__storage_chain_add(ch, lv__lvm_pvcreate_argv(p->devices[i], overwrite), NULL,
                              lv__lvm_pvremove_argv(p->devices[i]));
    lv__storage_chain_add(ch, lv__lvm_vgcreate_argv(p->vg, p->devices, p->n_devices), NULL, NULL);
    lv__storage_chain_run(ch);
}

/* ---- start, stop, delete ------------------------------------------------- */

void lv__logical_start(uv_loop_t *loop, const lv__logical_pool *p, lv_done_cb cb, void *opaque)
{
    run_one(loop, p, lv__lvm_vgchange_argv(p->vg, true), cb, opaque);
}

typedef struct stop_call {
    lv__logical_pool *pool; /* name and vg owned */
    lv_done_cb cb;
    void *opaque;
} stop_call;

static void stop_done(void *opaque, const lv_error *err)
{
    stop_call *s = opaque;
    s->cb(s->opaque, err);
    free((char *)s->pool->name);
    free((char *)s->pool->vg);
    free(s->pool);
    free(s);
}

/* A VG that is gone has nothing left to deactivate: the pool can still stop. */
static int check_deactivated(void *ctx, char *const *argv, const lv__storage_tool_result *res,
                             lv_error *err)
{
    const lv__logical_pool *p = ctx;
    char *gone = lv_asprintf("Volume group \"%s\" not found", p->vg);
    bool vanished = strstr(res->errout, gone) != NULL;
    free(gone);
    if (res->status == 0 || vanished)
        return 0;
    char *what = pool_what(p);
    lv__storage_tool_error(err, LV_ERR_OPERATION_FAILED, res, argv, what);
    free(what);
    return -1;
}

void lv__logical_stop(uv_loop_t *loop, const lv__logical_pool *p, lv_done_cb cb, void *opaque)
{
    char *what = pool_what(p);
    /* the check runs later, when the caller's p may be gone: a copy */
    lv__logical_pool *copy = LV_NEW(lv__logical_pool);
    copy->name = lv_strdup(p->name);
    copy->vg = lv_strdup(p->vg);
    stop_call *s = LV_NEW(stop_call);
    s->pool = copy;
    s->cb = cb;
    s->opaque = opaque;
    lv__storage_chain *ch = lv__storage_chain_new(loop, what, copy, stop_done, s);
    free(what);
    lv__storage_chain_add(ch, lv__lvm_vgchange_argv(p->vg, false), check_deactivated, NULL);
    lv__storage_chain_run(ch);
}

void lv__logical_delete(uv_loop_t *loop, const lv__logical_pool *p, lv_done_cb cb, void *opaque)
{
    char *what = pool_what(p);
    lv__storage_chain *ch = lv__storage_chain_new(loop, what, NULL, cb, opaque);
    free(what);
    lv__storage_chain_add(ch, lv__lvm_vgremove_argv(p->vg), NULL, NULL);
    for (size_t i = 0; i < p->n_devices; i++)
        lv__storage_chain_add(ch, lv__lvm_pvremove_argv(p->devices[i]), NULL, NULL);
    lv__storage_chain_run(ch);
}

/* ---- refresh -------------------------------------------------------------- */

typedef struct refresh_ctx {
    char *pool;
    lv__logical_state found;
    lv__logical_state_cb cb;
    void *opaque;
} refresh_ctx;

void lv__logical_state_clear(lv__logical_state *r)
{
    lv__lvm_lv_list_clear(&r->lvs);
    memset(r, 0, sizeof(*r));
}

static int read_vgs(void *ctx, char *const *argv, const lv__storage_tool_result *res, lv_error *err)
{
    refresh_ctx *r = ctx;
    if (res->status != 0)
        return lv__storage_tool_error(err, LV_ERR_OPERATION_FAILED, res, argv, r->pool);
    return lv__lvm_parse_vgs(res->out, &r->found.vg, err);
}

static int read_lvs(void *ctx, char *const *argv, const lv__storage_tool_result *res, lv_error *err)
{
    refresh_ctx *r = ctx;
    if (res->status != 0)
        return lv__storage_tool_error(err, LV_ERR_OPERATION_FAILED, res, argv, r->pool);
    lv__lvm_lv_list all;
    if (lv__lvm_parse_lvs(res->out, &all, err) < 0)
        return -1;
    /* volumes are what a guest can use: ordinary LVs ('-') and snapshots ('s') */
    for (size_t i = 0; i < all.count; i++) {
        lv__lvm_lv *lv = &all.items[i];
        if (lv->attr[0] != '-' && lv->attr[0] != 's')
            continue;
        r->found.lvs.items = lv_realloc(r->found.lvs.items, (r->found.lvs.count + 1) * sizeof(*lv));
        r->found.lvs.items[r->found.lvs.count++] = *lv;
        memset(lv, 0, sizeof(*lv));
    }
    lv__lvm_lv_list_clear(&all);
    return 0;
}

static void refresh_done(void *opaque, const lv_error *err)
{
    refresh_ctx *r = opaque;
    if (err) {
        lv__logical_state_clear(&r->found);
        r->cb(r->opaque, NULL, err);
    } else {
        lv__logical_state *found = LV_NEW(lv__logical_state);
        *found = r->found;
        r->cb(r->opaque, found, NULL);
    }
    free(r->pool);
    free(r);
}

void lv__logical_refresh(uv_loop_t *loop, const lv__logical_pool *p, lv__logical_state_cb cb,
                         void *opaque)
{
    refresh_ctx *r = LV_NEW(refresh_ctx);
    r->pool = pool_what(p);
    r->cb = cb;
    r->opaque = opaque;
    lv__storage_chain *ch = lv__storage_chain_new(loop, r->pool, r, refresh_done, r);
    lv__storage_chain_add(ch, lv__lvm_vgs_argv(p->vg), read_vgs, NULL);
    lv__storage_chain_add(ch, lv__lvm_lvs_argv(p->vg), read_lvs, NULL);
    lv__storage_chain_run(ch);
}

/* ---- volumes ---------------------------------------------------------- */

int lv__logical_check_volume(const lv__logical_pool *p, const char *name, const char *format,
                             lv_error *err)
{
    if (format && strcmp(format, "raw") != 0)
        return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                            "pool '%s': volume format '%s' is not supported in a logical pool: "
                            "a logical volume is a raw block device",
                            p->name, format);
    return lv__lvm_check_name("volume", name, err);
}

void lv__logical_vol_create(uv_loop_t *loop, const lv__logical_pool *p, const char *name,
                            const char *format, uint64_t capacity, lv_done_cb cb, void *opaque)
{
    lv_error err;
    if (lv__logical_check_volume(p, name, format, &err) < 0) {
        fail_now(cb, opaque, &err);
        return;
    }
    if (capacity == 0) {
        lv_error_set(&err, LV_ERR_INVALID_ARG,
                     "pool '%s': volume '%s': a logical volume needs a capacity above 0", p->name,
                     name);
        fail_now(cb, opaque, &err);
        return;
    }
    run_one(loop, p, lv__lvm_lvcreate_argv(p->vg, name, capacity), cb, opaque);
}

typedef struct fill_call {
    uv_loop_t *loop;
    char *pool, *vg, *lv;
    char **fill;
    uint64_t capacity;
    lv_progress_cb progress;
    void *progress_opaque;
    lv_done_cb cb;
    void *opaque;
    lv_error err; /* the copy's failure, reported after the LV is removed */
} fill_call;

static void fill_free(fill_call *f)
{
    lv__storage_argv_free(f->fill);
    free(f->pool);
    free(f->vg);
    free(f->lv);
    free(f);
}

static void fill_removed(void *opaque, const lv__storage_tool_result *res)
{
    (void)res; /* best effort: the copy's error is the one to report */
    fill_call *f = opaque;
    f->cb(f->opaque, &f->err);
    fill_free(f);
}

static void fill_copied(void *opaque, const lv__storage_run_result *res)
{
    fill_call *f = opaque;
    if (res->status == 0) {
        f->cb(f->opaque, NULL);
        fill_free(f);
        return;
    }
    lv__storage_run_error(&f->err, LV_ERR_OPERATION_FAILED, res, f->fill, f->pool);
    char **remove = lv__lvm_lvremove_argv(f->vg, f->lv);
    lv__storage_tool_run(f->loop, remove, fill_removed, f);
    lv__storage_argv_free(remove);
}

static void fill_created(void *opaque, const lv_error *err)
{
    fill_call *f = opaque;
    if (err) {
        f->cb(f->opaque, err);
        fill_free(f);
        return;
    }
    lv__storage_run(f->loop, f->fill, f->progress, f->progress_opaque, f->capacity, fill_copied, f);
}

void lv__logical_vol_create_from(uv_loop_t *loop, const lv__logical_pool *p, const char *name,
                                 const char *format, uint64_t capacity, const char *src_path,
                                 const char *src_format, lv_progress_cb progress,
                                 void *progress_opaque, lv_done_cb cb, void *opaque)
{
    lv_error err;
    if (lv__logical_check_volume(p, name, format, &err) < 0) {
        fail_now(cb, opaque, &err);
        return;
    }
    fill_call *f = LV_NEW(fill_call);
    f->loop = loop;
    f->pool = pool_what(p);
    f->vg = lv_strdup(p->vg);
    f->lv = lv_strdup(name);
    f->fill = lv__lvm_fill_argv(src_path, src_format, p->vg, name);
    f->capacity = capacity;
    f->progress = progress;
    f->progress_opaque = progress_opaque;
    f->cb = cb;
    f->opaque = opaque;
    lv__logical_vol_create(loop, p, name, format, capacity, fill_created, f);
}

void lv__logical_vol_delete(uv_loop_t *loop, const lv__logical_pool *p, const char *name,
                            lv_done_cb cb, void *opaque)
{
    lv_error err;
    if (lv__lvm_check_name("volume", name, &err) < 0) {
        fail_now(cb, opaque, &err);
        return;
    }
    run_one(loop, p, lv__lvm_lvremove_argv(p->vg, name), cb, opaque);
}

void lv__logical_vol_resize(uv_loop_t *loop, const lv__logical_pool *p, const char *name,
                            uint64_t current, uint64_t capacity, unsigned flags, lv_done_cb cb,
                            void *opaque)
{
    lv_error err;
    bool shrink = capacity < current;
    if (lv__lvm_check_name("volume", name, &err) < 0) {
        fail_now(cb, opaque, &err);
        return;
    }
    if (shrink && !(flags & LV_VOL_RESIZE_SHRINK)) {
        lv_error_set(&err, LV_ERR_INVALID_ARG,
                     "pool '%s': volume '%s': %llu bytes is smaller than its %llu; "
                     "vol-resize --shrink loses the data past the new end",
                     p->name, name, (unsigned long long)capacity, (unsigned long long)current);
        fail_now(cb, opaque, &err);
        return;
    }
    if (capacity == 0) {
        lv_error_set(&err, LV_ERR_INVALID_ARG,
                     "pool '%s': volume '%s': a logical volume cannot shrink to 0 bytes", p->name,
                     name);
        fail_now(cb, opaque, &err);
        return;
    }
    run_one(loop, p, lv__lvm_lvresize_argv(p->vg, name, capacity, shrink), cb, opaque);
}
