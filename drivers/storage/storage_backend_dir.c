/* The dir backend: a pool is a folder, its volumes the image files in it.
 * The volume operations work on any pool whose volumes are files in the
 * target folder and are shared with the fs backend (storage_backend_dir.h).
 * Images are made and changed by qemu-img (storage_qemu_img.h) under a
 * hidden temporary name and renamed into place, so a failed operation
 * leaves no half-written volume. */
#include "storage_backend_dir.h"

#include <dirent.h>
#include <inttypes.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/alloc.h"
#include "core/files.h"
#include "core/names.h"
#include "storage_image_header.h"
#include "storage_qemu_img.h"
#include "storage_run.h"
#include "storage_tool.h"

/* ---- pool --------------------------------------------------------------- */

static mode_t perms_mode(const lv_storage_perms *p, mode_t def)
{
    return p->mode ? (mode_t)strtoul(p->mode, NULL, 8) : def;
}

static int apply_owner(const char *path, const lv_storage_perms *p, const char *what,
                       lv_error *err)
{
    uid_t uid = p->owner.set && p->owner.value >= 0 ? (uid_t)p->owner.value : (uid_t)-1;
    gid_t gid = p->group.set && p->group.value >= 0 ? (gid_t)p->group.value : (gid_t)-1;
    if (uid == (uid_t)-1 && gid == (gid_t)-1)
        return 0;
    if (chown(path, uid, gid) < 0)
        return lv_error_set_errno(err, errno, "%s: cannot change the owner of '%s'", what, path);
    return 0;
}

int lv__storage_dir_build_target(lv__storage_pool *pool, lv_error *err)
{
    const lv_pool_def *def = pool->def;
    char what[300];
    snprintf(what, sizeof(what), "pool '%s'", def->name);
    struct stat sb;
    bool existed = stat(def->target_path, &sb) == 0;
    if (existed && !S_ISDIR(sb.st_mode))
        return lv_error_set(err, LV_ERR_OPERATION_FAILED,
                            "%s: target '%s' exists and is not a folder", what, def->target_path);
    mode_t mode = perms_mode(&def->target_perms, 0711);
    if (!existed && lv_mkdir_p(def->target_path, mode, err) < 0)
        return -1;
    if ((!existed || def->target_perms.mode) && chmod(def->target_path, mode) < 0)
        return lv_error_set_errno(err, errno, "%s: cannot set the mode of '%s'", what,
                                  def->target_path);
    return apply_owner(def->target_path, &def->target_perms, what, err);
}

static void dir_build(lv__storage_pool *pool, unsigned flags, lv_done_cb cb, void *opaque)
{
    (void)flags;
    lv_error err;
    if (lv__storage_dir_build_target(pool, &err) < 0) {
        cb(opaque, &err);
        return;
    }
    cb(opaque, NULL);
}

int lv__storage_dir_check_target(const lv__storage_pool *pool, lv_error *err)
{
    struct stat sb;
    if (stat(pool->def->target_path, &sb) < 0) {
        if (errno == ENOENT)
            return lv_error_set(err, LV_ERR_OPERATION_INVALID,
                                "pool '%s': its target folder '%s' does not exist (pool-build "
                                "creates it)",
                                pool->def->name, pool->def->target_path);
        return lv_error_set_errno(err, errno, "pool '%s': cannot reach its target folder '%s'",
                                  pool->def->name, pool->def->target_path);
    }
    if (!S_ISDIR(sb.st_mode))
        return lv_error_set(err, LV_ERR_OPERATION_INVALID,
                            "pool '%s': its target '%s' is not a folder", pool->def->name,
                            pool->def->target_path);
    return 0;
}

static void dir_check(lv__storage_pool *pool, lv_done_cb cb, void *opaque)
{
    lv_error err;
    if (lv__storage_dir_check_target(pool, &err) < 0) {
        cb(opaque, &err);
        return;
    }
    cb(opaque, NULL);
}

int lv__storage_dir_remove_target(const lv__storage_pool *pool, lv_error *err)
{
    if (rmdir(pool->def->target_path) == 0 || errno == ENOENT)
        return 0;
    if (errno == ENOTEMPTY || errno == EEXIST)
        return lv_error_set(err, LV_ERR_OPERATION_INVALID,
                            "pool '%s': its target folder '%s' is not empty (delete its volumes "
                            "first)",
                            pool->def->name, pool->def->target_path);
    return lv_error_set_errno(err, errno, "pool '%s': cannot remove its target folder '%s'",
                              pool->def->name, pool->def->target_path);
}

static void dir_delete(lv__storage_pool *pool, unsigned flags, lv_done_cb cb, void *opaque)
{
    (void)flags;
    lv_error err;
    if (lv__storage_dir_remove_target(pool, &err) < 0) {
        cb(opaque, &err);
        return;
    }
    cb(opaque, NULL);
}

/* ---- refresh ------------------------------------------------------------ */

#define INFO_PARALLEL 4

/* What qemu-img said about each file at the last refresh, kept in
 * RUN/POOL.info.json as {"NAME": {"stat": "...", "info": {...}}}: a file
 * whose inode, size, mtime and ctime are unchanged is not asked again, so
 * listing a pool of many images spawns qemu-img only for those that changed.
 * A missing or damaged cache only costs the qemu-img runs. */
typedef struct refresh_job {
    lv__storage_pool *pool;
    lv__vol_defs *vols;
    size_t next, running;
    char *cache_path;
    json_object *cache, *fresh;
    bool *known; /* known[i]: vols->items[i]'s header said all (no qemu-img) */
    bool asked;  /* qemu-img was asked about something: the cache changes */
    lv_done_cb cb;
    void *opaque;
} refresh_job;

typedef struct info_call {
    refresh_job *job;
    size_t index;
    char *stat_key;
    char **argv;
} info_call;

static void refresh_next(refresh_job *job);

static void refresh_job_free(refresh_job *job)
{
    free(job->known);
    free(job->cache_path);
    json_object_put(job->cache);
    json_object_put(job->fresh);
    free(job);
}

/* qemu-img's view of a file; a raw image is as large as its file (qemu-img
 * rounds up to whole sectors). */
static void apply_info(lv_vol_def *vol, const char *json)
{
    if (lv__qemu_img_parse_info(json, vol, NULL) < 0)
        return;
    if (!strcmp(vol->target_format, "raw") && vol->physical.set)
        vol->capacity.bytes = vol->physical.bytes;
}

static char *stat_key(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) < 0)
        return NULL;
    return lv_asprintf("%ju:%ju:%jd.%09ld:%jd.%09ld", (uintmax_t)sb.st_ino,
                       (uintmax_t)sb.st_size, (intmax_t)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec,
                       (intmax_t)sb.st_ctim.tv_sec, sb.st_ctim.tv_nsec);
}

static void remember(refresh_job *job, const char *name, const char *key, json_object *info)
{
    if (!key || !info)
        return;
    json_object *entry = json_object_new_object();
    json_object_object_add(entry, "stat", json_object_new_string(key));
    json_object_object_add(entry, "info", json_object_get(info));
    json_object_object_add(job->fresh, name, entry);
}

static void info_done(void *opaque, const lv__storage_tool_result *res)
{
    info_call *call = opaque;
    refresh_job *job = call->job;
    lv_vol_def *vol = &job->vols->items[call->index];
    /* An image qemu-img cannot read stays listed, its format unknown and its
     * capacity the file's size. */
    job->asked = true;
    if (res->status == 0) {
        apply_info(vol, res->out);
        json_object *info = json_tokener_parse(res->out);
        remember(job, vol->name, call->stat_key, info);
        json_object_put(info);
    }
    lv__storage_argv_free(call->argv);
    free(call->stat_key);
    free(call);
    job->running--;
    refresh_next(job);
}

/* The cached answer for vol when its file has not changed. */
static bool from_cache(refresh_job *job, lv_vol_def *vol, const char *key)
{
    json_object *entry, *k, *info;
    if (!job->cache || !key || !json_object_object_get_ex(job->cache, vol->name, &entry) ||
        !json_object_object_get_ex(entry, "stat", &k) ||
        !json_object_object_get_ex(entry, "info", &info) ||
        strcmp(json_object_get_string(k), key))
        return false;
    apply_info(vol, json_object_to_json_string(info));
    remember(job, vol->name, key, info);
    return true;
}

static void refresh_next(refresh_job *job)
{
    while (job->running < INFO_PARALLEL && job->next < job->vols->count) {
        size_t index = job->next++;
        lv_vol_def *vol = &job->vols->items[index];
        if (job->known[index])
            continue; /* raw or plain qcow2: its header was read by scan */
        char *key = stat_key(vol->target_path);
        if (from_cache(job, vol, key)) {
            free(key);
            continue;
        }
        info_call *call = LV_NEW(info_call);
        call->job = job;
        call->index = index;
        call->stat_key = key;
        call->argv = lv__qemu_img_info_argv(vol->target_path, NULL);
        job->running++;
        lv__storage_tool_run(job->pool->conn->loop, call->argv, info_done, call);
    }
    if (job->running == 0 && job->next == job->vols->count) {
        /* Rewritten only when it changed: a listing of unchanged images
         * writes nothing. */
        bool changed = job->asked || !job->cache ||
                       json_object_object_length(job->cache) !=
                           json_object_object_length(job->fresh);
        if (job->cache_path && changed) {
            const char *text = json_object_to_json_string_ext(job->fresh, JSON_C_TO_STRING_PLAIN);
            lv_file_write_atomic(job->cache_path, text, strlen(text), 0600, NULL);
        }
        lv_done_cb cb = job->cb;
        void *opaque = job->opaque;
        refresh_job_free(job);
        cb(opaque, NULL);
    }
}

/* A volume from its file's stat: sizes (capacity until qemu-img says) and
 * permissions. */
static void vol_from_stat(lv_vol_def *v, const char *target, const char *name,
                          const struct stat *sb)
{
    v->name = lv_strdup(name);
    v->type = lv_strdup("file");
    v->target_path = lv_asprintf("%s/%s", target, name);
    v->key = lv_strdup(v->target_path);
    v->capacity.set = v->allocation.set = v->physical.set = true;
    v->capacity.bytes = (uint64_t)sb->st_size;
    v->physical.bytes = (uint64_t)sb->st_size;
    v->allocation.bytes = (uint64_t)sb->st_blocks * 512;
    v->target_perms.mode = lv_asprintf("%04o", (unsigned)(sb->st_mode & 07777));
    v->target_perms.owner = (lv_opt_int){true, (int)sb->st_uid};
    v->target_perms.group = (lv_opt_int){true, (int)sb->st_gid};
}

/* One entry of the target folder that is a regular file: its volume from
 * fstat and, when the header says all, what qemu-img info would (*known).
 * Opened relative to the folder, once: a pool of many images costs four
 * short syscalls per file. 0: not a regular file (or gone). */
static int scan_entry(int dir_fd, const struct dirent *e, const char *target, lv_vol_def *vol,
                      bool *known)
{
    struct stat sb;
    /* Only what readdir says is a file, or cannot say, is opened: opening a
     * device or a FIFO can have effects. */
    if (e->d_type != DT_REG &&
        (e->d_type != DT_UNKNOWN ||
         fstatat(dir_fd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(sb.st_mode)))
        return 0;
    int fd = openat(dir_fd, e->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        /* Unreadable (not ours): listed from its stat, qemu-img decides. */
        if (fstatat(dir_fd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(sb.st_mode))
            return 0;
        vol_from_stat(vol, target, e->d_name, &sb);
        *known = false;
        return 1;
    }
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return 0;
    }
    vol_from_stat(vol, target, e->d_name, &sb);
    *known = lv__image_header_read_fd(fd, vol->target_path, (uint64_t)sb.st_size, vol) == 1;
    close(fd);
    return 1;
}

typedef struct scanned {
    lv_vol_def vol;
    bool known;
} scanned;

static int scanned_cmp(const void *a, const void *b)
{
    return strcmp(((const scanned *)a)->vol.name, ((const scanned *)b)->vol.name);
}

/* The folder walk of a refresh runs in libuv's thread pool: a pool of many
 * images costs thousands of syscalls, which must not hold up the loop. The
 * walk touches only its own memory and the pool's (unchanging) definition;
 * the results join the pool back on the loop (walk_done). */
typedef struct folder_walk {
    uv_work_t req;
    refresh_job *job;
    const char *target;
    scanned *found; /* the regular files, in name order, headers read */
    size_t count;
    int open_errno; /* the folder could not be read */
    bool have_vfs;
    struct statvfs vfs;
} folder_walk;

static void walk_folder(uv_work_t *req)
{
    folder_walk *w = req->data;
    DIR *d = opendir(w->target);
    if (!d) {
        w->open_errno = errno;
        return;
    }
    size_t room = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (lv_name_validate("volume", e->d_name, NULL) < 0) /* ".", "..", hidden, ... */
            continue;
        if (w->count == room) {
            room = room ? room * 2 : 64;
            w->found = lv_realloc(w->found, room * sizeof(*w->found));
        }
        memset(&w->found[w->count], 0, sizeof(w->found[w->count]));
        if (scan_entry(dirfd(d), e, w->target, &w->found[w->count].vol,
                       &w->found[w->count].known))
            w->count++;
    }
    closedir(d);
    if (w->count > 1)
        qsort(w->found, w->count, sizeof(*w->found), scanned_cmp);
    w->have_vfs = statvfs(w->target, &w->vfs) == 0;
}

/* The walk's files join vols (known[i]: vols->items[i] needs no qemu-img)
 * and the pool gets its sizes; then qemu-img for the rest. */
static void walk_done(uv_work_t *req, int status)
{
    folder_walk *w = req->data;
    refresh_job *job = w->job;
    lv__storage_pool *pool = job->pool;
    lv_error err;
    if (status < 0 || w->open_errno) {
        lv_error_set_errno(&err, status < 0 ? -status : w->open_errno,
                           "pool '%s': cannot read its target folder '%s'", pool->def->name,
                           w->target);
        for (size_t i = 0; i < w->count; i++)
            lv_vol_def_clear(&w->found[i].vol);
        free(w->found);
        free(w);
        lv_done_cb cb = job->cb;
        void *opaque = job->opaque;
        refresh_job_free(job);
        cb(opaque, &err);
        return;
    }
    size_t first = job->vols->count;
    job->known = lv_malloc0((first + w->count + 1) * sizeof(*job->known));
    for (size_t i = 0; i < w->count; i++) {
        *lv__vol_defs_add(job->vols) = w->found[i].vol;
        job->known[first + i] = w->found[i].known;
    }
    if (w->have_vfs) {
        pool->capacity = (uint64_t)w->vfs.f_blocks * w->vfs.f_frsize;
        pool->available = (uint64_t)w->vfs.f_bavail * w->vfs.f_frsize;
        pool->allocation = pool->capacity - (uint64_t)w->vfs.f_bfree * w->vfs.f_frsize;
    }
    free(w->found);
    free(w);
    refresh_next(job);
}

void lv__storage_dir_refresh(lv__storage_pool *pool, lv__vol_defs *vols, lv_done_cb cb,
                             void *opaque)
{
    lv_error err;
    if (lv__storage_dir_check_target(pool, &err) < 0) {
        cb(opaque, &err);
        return;
    }
    refresh_job *job = LV_NEW(refresh_job);
    job->pool = pool;
    job->vols = vols;
    job->fresh = json_object_new_object();
    if (pool->conn && pool->conn->scope.storage_run) {
        job->cache_path =
            lv_asprintf("%s/%s.info.json", pool->conn->scope.storage_run, pool->def->name);
        char *text = NULL;
        size_t len;
        if (lv_file_read_all(job->cache_path, &text, &len, NULL) == 0) {
            job->cache = json_tokener_parse(text);
            if (job->cache && !json_object_is_type(job->cache, json_type_object)) {
                json_object_put(job->cache);
                job->cache = NULL;
            }
        }
        free(text);
    }
    job->cb = cb;
    job->opaque = opaque;
    folder_walk *w = LV_NEW(folder_walk);
    w->req.data = w;
    w->job = job;
    w->target = pool->def->target_path;
    int rc = uv_queue_work(pool->conn->loop, &w->req, walk_folder, walk_done);
    if (rc < 0)
        walk_done(&w->req, rc);
}

/* ---- one volume ---------------------------------------------------------- */

typedef struct info_job {
    lv_vol_def *vol;
    char **argv;
    lv_done_cb cb;
    void *opaque;
} info_job;

static void one_info_done(void *opaque, const lv__storage_tool_result *res)
{
    info_job *job = opaque;
    if (res->status == 0) /* else: listed with its format unknown, as refresh does */
        apply_info(job->vol, res->out);
    lv_done_cb cb = job->cb;
    void *cb_opaque = job->opaque;
    lv__storage_argv_free(job->argv);
    free(job);
    cb(cb_opaque, NULL);
}

void lv__storage_dir_vol_info(lv__storage_pool *pool, const char *name, lv_vol_def *vol,
                              lv_done_cb cb, void *opaque)
{
    lv_error err;
    char *path = lv__storage_dir_vol_path(pool, name);
    struct stat sb;
    if (lstat(path, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        lv_error_set(&err, LV_ERR_NO_VOLUME,
                     "storage volume not found: no volume '%s' in pool '%s'", name,
                     pool->def->name);
        free(path);
        cb(opaque, &err);
        return;
    }
    free(path);
    vol_from_stat(vol, pool->def->target_path, name, &sb);
    if (lv__image_header_read(vol->target_path, vol)) {
        cb(opaque, NULL);
        return;
    }
    info_job *job = LV_NEW(info_job);
    job->vol = vol;
    job->cb = cb;
    job->opaque = opaque;
    job->argv = lv__qemu_img_info_argv(vol->target_path, NULL);
    lv__storage_tool_run(pool->conn->loop, job->argv, one_info_done, job);
}

/* ---- volumes ------------------------------------------------------------ */

char *lv__storage_dir_vol_path(const lv__storage_pool *pool, const char *name)
{
    return lv_asprintf("%s/%s", pool->def->target_path, name);
}

/* A new image made under a hidden name next to its final path, then
 * renamed into place without replacing anything there. */
typedef struct make_job {
    lv__storage_pool *pool;
    char *final_path;
    char *tmp_path;
    char *what; /* "volume 'x' of pool 'p'" */
    mode_t mode;
    lv_storage_perms perms;
    char **argv;
    /* After a conversion: the larger capacity the new volume asked for, in
     * the format it has (0: none). */
    uint64_t grow_to;
    const char *grow_format;
    lv_done_cb cb;
    void *opaque;
} make_job;

static void make_finish(make_job *job, const lv_error *err)
{
    if (err && job->tmp_path)
        unlink(job->tmp_path);
    lv_done_cb cb = job->cb;
    void *opaque = job->opaque;
    lv__storage_argv_free(job->argv);
    free(job->final_path);
    free(job->tmp_path);
    free(job->what);
    free(job->perms.mode);
    free(job->perms.label);
    free(job);
    cb(opaque, err);
}

static void make_ran(void *opaque, const lv__storage_run_result *res)
{
    make_job *job = opaque;
    lv_error err;
    if (res->status != 0) {
        lv__storage_run_error(&err, LV_ERR_OPERATION_FAILED, res, job->argv, job->what);
        make_finish(job, &err);
        return;
    }
    if (job->grow_to) {
        uint64_t size = job->grow_to;
        job->grow_to = 0;
        lv__storage_argv_free(job->argv);
        job->argv = lv__qemu_img_resize_argv(job->tmp_path, job->grow_format, size, false, false);
        lv__storage_run(job->pool->conn->loop, job->argv, NULL, NULL, 0, make_ran, job);
        return;
    }
    if (chmod(job->tmp_path, job->mode) < 0) {
        lv_error_set_errno(&err, errno, "%s: cannot set the mode of '%s'", job->what,
                           job->tmp_path);
        make_finish(job, &err);
        return;
    }
    if (apply_owner(job->tmp_path, &job->perms, job->what, &err) < 0) {
        make_finish(job, &err);
        return;
    }
    if (renameat2(AT_FDCWD, job->tmp_path, AT_FDCWD, job->final_path, RENAME_NOREPLACE) < 0) {
        if (errno == EEXIST)
            lv_error_set(&err, LV_ERR_DUPLICATE, "%s already exists", job->what);
        else
            lv_error_set_errno(&err, errno, "%s: cannot rename '%s' into place", job->what,
                               job->tmp_path);
        make_finish(job, &err);
        return;
    }
    free(job->tmp_path);
    job->tmp_path = NULL;
    make_finish(job, NULL);
}

/* Starts job->argv (whose output path is job->tmp_path). */
static void make_start(make_job *job, lv_progress_cb progress, void *progress_opaque,
                       uint64_t total)
{
    lv__storage_run(job->pool->conn->loop, job->argv, progress, progress_opaque, total, make_ran,
                    job);
}

/* The job and its temporary file; NULL (cb called) on failure. */
static make_job *make_prepare(lv__storage_pool *pool, const lv_vol_def *vol, lv_done_cb cb,
                              void *opaque)
{
    make_job *job = LV_NEW(make_job);
    job->pool = pool;
    job->cb = cb;
    job->opaque = opaque;
    job->final_path = lv_strdup(vol->target_path);
    job->what = lv_asprintf("volume '%s' of pool '%s'", vol->name, pool->def->name);
    job->mode = perms_mode(&vol->target_perms, 0600);
    job->perms.owner = vol->target_perms.owner;
    job->perms.group = vol->target_perms.group;
    if (access(job->final_path, F_OK) == 0) {
        lv_error err;
        lv_error_set(&err, LV_ERR_DUPLICATE, "%s already exists", job->what);
        make_finish(job, &err);
        return NULL;
    }
    job->tmp_path = lv_asprintf("%s/.%s.XXXXXX", pool->def->target_path, vol->name);
    int fd = mkstemp(job->tmp_path);
    if (fd < 0) {
        lv_error err;
        lv_error_set_errno(&err, errno, "%s: cannot create a file in '%s'", job->what,
                           pool->def->target_path);
        free(job->tmp_path);
        job->tmp_path = NULL;
        make_finish(job, &err);
        return NULL;
    }
    close(fd);
    return job;
}

void lv__storage_dir_vol_create(lv__storage_pool *pool, const lv_vol_def *vol, unsigned flags,
                                lv_done_cb cb, void *opaque)
{
    make_job *job = make_prepare(pool, vol, cb, opaque);
    if (!job)
        return;
    job->argv = lv__qemu_img_create_argv(vol, job->tmp_path, flags);
    make_start(job, NULL, NULL, 0);
}

void lv__storage_dir_vol_create_from(lv__storage_pool *pool, const lv_vol_def *vol,
                                     lv__storage_pool *src_pool, const lv_vol_def *src,
                                     unsigned flags, lv_progress_cb progress,
                                     void *progress_opaque, lv_done_cb cb, void *opaque)
{
    (void)src_pool;
    make_job *job = make_prepare(pool, vol, cb, opaque);
    if (!job)
        return;
    job->argv = lv__qemu_img_convert_argv(src->target_path, src->target_format, vol,
                                          job->tmp_path, flags, true);
    if (vol->capacity.bytes > src->capacity.bytes) {
        job->grow_to = vol->capacity.bytes;
        job->grow_format = vol->target_format ? vol->target_format : "raw";
    }
    make_start(job, progress, progress_opaque, src->capacity.bytes);
}

void lv__storage_dir_vol_delete(lv__storage_pool *pool, const lv_vol_def *vol, unsigned flags,
                                lv_done_cb cb, void *opaque)
{
    (void)flags;
    lv_error err;
    if (unlink(vol->target_path) < 0 && errno != ENOENT) {
        lv_error_set_errno(&err, errno, "volume '%s' of pool '%s': cannot delete '%s'",
                           vol->name, pool->def->name, vol->target_path);
        cb(opaque, &err);
        return;
    }
    cb(opaque, NULL);
}

typedef struct resize_job {
    char **argv;
    char *what;
    lv_done_cb cb;
    void *opaque;
} resize_job;

static void resize_ran(void *opaque, const lv__storage_run_result *res)
{
    resize_job *job = opaque;
    lv_error err;
    bool failed = res->status != 0;
    if (failed)
        lv__storage_run_error(&err, LV_ERR_OPERATION_FAILED, res, job->argv, job->what);
    lv_done_cb cb = job->cb;
    void *cb_opaque = job->opaque;
    lv__storage_argv_free(job->argv);
    free(job->what);
    free(job);
    cb(cb_opaque, failed ? &err : NULL);
}

void lv__storage_dir_vol_resize(lv__storage_pool *pool, const lv_vol_def *vol, uint64_t capacity,
                                unsigned flags, lv_done_cb cb, void *opaque)
{
    resize_job *job = LV_NEW(resize_job);
    job->cb = cb;
    job->opaque = opaque;
    job->what = lv_asprintf("volume '%s' of pool '%s'", vol->name, pool->def->name);
    bool raw = !vol->target_format || !strcmp(vol->target_format, "raw");
    job->argv = lv__qemu_img_resize_argv(vol->target_path, vol->target_format, capacity,
                                         capacity < vol->capacity.bytes,
                                         raw && (flags & LV_VOL_RESIZE_ALLOCATE));
    lv__storage_run(pool->conn->loop, job->argv, NULL, NULL, 0, resize_ran, job);
}

/* A folder has no source: a device, VG name or format would be ignored. */
static int dir_validate(const lv_pool_def *def, lv_error *err)
{
    const char *what = def->n_source_devices ? "<device>"
                       : def->source_name    ? "<name>"
                       : def->source_format  ? "<format>"
                                             : NULL;
    if (what)
        return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                            "unsupported configuration: pool '%s': a dir pool has no source (%s "
                            "in <source>)",
                            def->name, what);
    return 0;
}

const lv__storage_backend lv__storage_backend_dir = {
    .type = "dir",
    .validate = dir_validate,
    .build = dir_build,
    .start = dir_check,
    .check = dir_check,
    .delete = dir_delete,
    .refresh = lv__storage_dir_refresh,
    .vol_info = lv__storage_dir_vol_info,
    .vol_path = lv__storage_dir_vol_path,
    .vol_create = lv__storage_dir_vol_create,
    .vol_create_from = lv__storage_dir_vol_create_from,
    .vol_delete = lv__storage_dir_vol_delete,
    .vol_resize = lv__storage_dir_vol_resize,
};
