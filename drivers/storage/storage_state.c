/* The scope's storage files (storage_priv.h lists them): loading pools,
 * writing definitions and live state atomically, autostart links, locks, the
 * default pool and autostart on first use. Definition files are small and
 * read synchronously. */
#include "storage_priv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/files.h"
#include "core/names.h"

/* ---- records ------------------------------------------------------------ */

void lv__pool_rec_clear(lv__pool_rec *rec)
{
    if (!rec)
        return;
    lv_pool_def_free(rec->config);
    lv_pool_def_free(rec->live);
    memset(rec, 0, sizeof(*rec));
}

void lv__pool_recs_clear(lv__pool_recs *recs)
{
    for (size_t i = 0; i < recs->count; i++)
        lv__pool_rec_clear(&recs->items[i]);
    free(recs->items);
    memset(recs, 0, sizeof(*recs));
}

const lv_pool_def *lv__pool_rec_def(const lv__pool_rec *rec)
{
    return rec->live ? rec->live : rec->config;
}

void lv__pool_rec_info(const lv__pool_rec *rec, lv_pool_info *info)
{
    const lv_pool_def *def = lv__pool_rec_def(rec);
    memset(info, 0, sizeof(*info));
    info->name = lv_strdup(def->name);
    memcpy(info->uuid, def->uuid, LV_UUID_LEN);
    info->type = lv_strdup(def->type);
    info->target = lv_strdup(def->target_path);
    info->state = rec->live ? LV_POOL_RUNNING : LV_POOL_INACTIVE;
    info->persistent = rec->config != NULL;
    info->autostart = rec->autostart;
    if (rec->live) {
        info->capacity = rec->live->capacity.bytes;
        info->allocation = rec->live->allocation.bytes;
        info->available = rec->live->available.bytes;
    }
}

/* ---- paths -------------------------------------------------------------- */

static char *config_path(lv_conn *c, const char *name)
{
    return lv_asprintf("%s/%s.xml", c->scope.storage_config, name);
}

static char *autostart_path(lv_conn *c, const char *name)
{
    return lv_asprintf("%s/autostart/%s.xml", c->scope.storage_config, name);
}

static char *live_path(lv_conn *c, const char *name)
{
    return lv_asprintf("%s/%s.xml", c->scope.storage_run, name);
}

int lv__storage_dirs_ensure(lv_conn *c, lv_error *err)
{
    mode_t mode = c->scope.privileged ? 0755 : 0700;
    char *autostart = lv_asprintf("%s/autostart", c->scope.storage_config);
    int rc = 0;
    if (lv_mkdir_p(autostart, mode, err) < 0 || lv_mkdir_p(c->scope.storage_run, 0700, err) < 0)
        rc = -1;
    free(autostart);
    return rc;
}

/* ---- loading ------------------------------------------------------------ */

static lv_pool_def *load_def(const char *path, unsigned flags, lv_error *err)
{
    char *text = NULL;
    size_t len;
    if (lv_file_read_all(path, &text, &len, err) < 0)
        return NULL;
    lv_error sub;
    lv_pool_def *def = lv_pool_def_parse_xml(text, flags, &sub);
    free(text);
    if (!def)
        lv_error_set(err, LV_ERR_INTERNAL, "the pool file '%s' is damaged: %s", path,
                     sub.message);
    return def;
}

/* The names of NAME.xml files in dir (valid names only). */
static int scan_names(const char *dir, char ***names, size_t *n, lv_error *err)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT)
            return 0;
        return lv_error_set_errno(err, errno, "cannot read the folder '%s'", dir);
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len <= 4 || strcmp(e->d_name + len - 4, ".xml"))
            continue;
        char *name = lv_strndup(e->d_name, len - 4);
        if (lv_name_validate("pool", name, NULL) < 0) {
            free(name);
            continue;
        }
        *names = lv_realloc(*names, (*n + 1) * sizeof(**names));
        (*names)[(*n)++] = name;
    }
    closedir(d);
    return 0;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static lv__pool_rec *find_name(lv__pool_recs *recs, const char *name)
{
    for (size_t i = 0; i < recs->count; i++)
        if (!strcmp(lv__pool_rec_def(&recs->items[i])->name, name))
            return &recs->items[i];
    return NULL;
}

static int rec_cmp(const void *a, const void *b)
{
    return strcmp(lv__pool_rec_def(a)->name, lv__pool_rec_def(b)->name);
}

int lv__pool_load_all(lv_conn *c, lv__pool_recs *recs, lv_error *err)
{
    memset(recs, 0, sizeof(*recs));
    char **names;
    size_t n;
    if (scan_names(c->scope.storage_config, &names, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char *path = config_path(c, names[i]);
        lv_pool_def *def = load_def(path, 0, err);
        free(path);
        if (!def) {
            free_names(names, n);
            lv__pool_recs_clear(recs);
            return -1;
        }
        recs->items = lv_realloc(recs->items, (recs->count + 1) * sizeof(*recs->items));
        lv__pool_rec *rec = &recs->items[recs->count++];
        memset(rec, 0, sizeof(*rec));
        rec->config = def;
        char *link = autostart_path(c, names[i]);
        struct stat sb;
        rec->autostart = lstat(link, &sb) == 0;
        free(link);
    }
    free_names(names, n);
    if (scan_names(c->scope.storage_run, &names, &n, err) < 0) {
        lv__pool_recs_clear(recs);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        char *path = live_path(c, names[i]);
        lv_pool_def *def = load_def(path, LV_POOL_PARSE_KEEP_LIVE, err);
        free(path);
        if (!def) {
            free_names(names, n);
            lv__pool_recs_clear(recs);
            return -1;
        }
        lv__pool_rec *rec = NULL;
        for (size_t k = 0; k < recs->count; k++)
            if (recs->items[k].config && !strcmp(recs->items[k].config->name, def->name))
                rec = &recs->items[k];
        if (!rec) { /* transient */
            recs->items = lv_realloc(recs->items, (recs->count + 1) * sizeof(*recs->items));
            rec = &recs->items[recs->count++];
            memset(rec, 0, sizeof(*rec));
        }
        rec->live = def;
    }
    free_names(names, n);
    if (recs->count > 1)
        qsort(recs->items, recs->count, sizeof(*recs->items), rec_cmp);
    return 0;
}

/* Moves recs->items[i] out into rec. */
static void take_rec(lv__pool_recs *recs, size_t i, lv__pool_rec *rec)
{
    *rec = recs->items[i];
    memset(&recs->items[i], 0, sizeof(recs->items[i]));
}

int lv__pool_load(lv_conn *c, lv_lookup_by by, const char *key, lv__pool_rec *rec,
                  lv_error *err)
{
    memset(rec, 0, sizeof(*rec));
    lv__pool_recs recs;
    if (lv__pool_load_all(c, &recs, err) < 0)
        return -1;
    unsigned char uuid[LV_UUID_LEN];
    bool is_uuid = by != LV_LOOKUP_NAME && lv_uuid_parse(key, uuid, NULL) == 0;
    for (size_t i = 0; i < recs.count; i++) {
        const lv_pool_def *def = lv__pool_rec_def(&recs.items[i]);
        if ((is_uuid && !memcmp(def->uuid, uuid, LV_UUID_LEN)) ||
            (by != LV_LOOKUP_UUID && !strcmp(def->name, key))) {
            take_rec(&recs, i, rec);
            lv__pool_recs_clear(&recs);
            return 0;
        }
    }
    lv__pool_recs_clear(&recs);
    char shown[128];
    return lv_error_set(err, LV_ERR_NO_POOL, "storage pool not found: no pool with matching %s "
                                             "'%s'",
                        by == LV_LOOKUP_UUID ? "uuid" : by == LV_LOOKUP_NAME ? "name" : "name or uuid",
                        lv_text_for_message(key, shown, sizeof(shown)));
}

int lv__pool_load_uuid(lv_conn *c, const unsigned char *uuid, lv__pool_rec *rec, lv_error *err)
{
    char s[LV_UUID_STRING_LEN];
    lv_uuid_format(uuid, s);
    return lv__pool_load(c, LV_LOOKUP_UUID, s, rec, err);
}

/* ---- writing ------------------------------------------------------------ */

static int save(const char *path, const lv_pool_def *def, unsigned flags, mode_t mode,
                lv_error *err)
{
    char *xml = lv_pool_def_format_xml(def, flags);
    int rc = lv_file_write_atomic(path, xml, strlen(xml), mode, err);
    free(xml);
    return rc;
}

int lv__pool_save_config(lv_conn *c, const lv_pool_def *def, lv_error *err)
{
    char *path = config_path(c, def->name);
    int rc = save(path, def, LV_POOL_FORMAT_INACTIVE, 0600, err);
    free(path);
    return rc;
}

int lv__pool_save_live(lv_conn *c, const lv_pool_def *def, lv_error *err)
{
    char *path = live_path(c, def->name);
    int rc = save(path, def, 0, 0600, err);
    free(path);
    return rc;
}

int lv__pool_remove_config(lv_conn *c, const char *name, lv_error *err)
{
    char *path = config_path(c, name);
    int rc = lv_file_remove(path, err);
    free(path);
    if (rc == 0)
        rc = lv__pool_set_autostart_link(c, name, false, err);
    return rc;
}

int lv__pool_remove_live(lv_conn *c, const char *name, lv_error *err)
{
    char *path = live_path(c, name);
    int rc = lv_file_remove(path, err);
    free(path);
    /* What the dir backend remembers of the images (storage_backend_dir.c). */
    path = lv_asprintf("%s/%s.info.json", c->scope.storage_run, name);
    unlink(path);
    free(path);
    return rc;
}

int lv__pool_set_autostart_link(lv_conn *c, const char *name, bool on, lv_error *err)
{
    char *link = autostart_path(c, name);
    int rc = 0;
    if (on) {
        char *target = lv_asprintf("../%s.xml", name);
        if (symlink(target, link) < 0 && errno != EEXIST)
            rc = lv_error_set_errno(err, errno, "cannot create the autostart link '%s'", link);
        free(target);
    } else if (unlink(link) < 0 && errno != ENOENT) {
        rc = lv_error_set_errno(err, errno, "cannot remove the autostart link '%s'", link);
    }
    free(link);
    return rc;
}

/* ---- locks -------------------------------------------------------------- */

static int lock_file(const char *path, bool exclusive, const char *what, lv_error *err)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return lv_error_set_errno(err, errno, "cannot open the lock file '%s'", path);
    if (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0) {
        int e = errno;
        close(fd);
        if (e == EWOULDBLOCK)
            return lv_error_set(err, LV_ERR_OPERATION_INVALID,
                                "%s is busy: another operation on it is in progress", what);
        return lv_error_set_errno(err, e, "cannot lock %s", what);
    }
    return fd;
}

int lv__pool_lock(lv_conn *c, const char *pool, bool exclusive, lv_error *err)
{
    char *path = lv_asprintf("%s/%s.lock", c->scope.storage_run, pool);
    char *what = lv_asprintf("pool '%s'", pool);
    int fd = lock_file(path, exclusive, what, err);
    free(path);
    free(what);
    return fd;
}

int lv__vol_lock(lv_conn *c, const char *pool, const char *vol, lv_error *err)
{
    char *dir = lv_asprintf("%s/%s.vols", c->scope.storage_run, pool);
    int fd = -1;
    if (lv_mkdir_p(dir, 0700, err) == 0) {
        char *path = lv_asprintf("%s/%s.lock", dir, vol);
        char *what = lv_asprintf("volume '%s' of pool '%s'", vol, pool);
        fd = lock_file(path, true, what, err);
        free(path);
        free(what);
    }
    free(dir);
    return fd;
}

void lv__storage_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* releases the flock */
}

/* ---- clashes ------------------------------------------------------------ */

/* a is b, or a folder inside b. */
static bool path_within(const char *a, const char *b)
{
    size_t n = strlen(b);
    return !strncmp(a, b, n) && (a[n] == '\0' || a[n] == '/');
}

int lv__pool_check_clash(const lv__pool_recs *recs, const lv_pool_def *def, lv_error *err)
{
    char uuid[LV_UUID_STRING_LEN];
    for (size_t i = 0; i < recs->count; i++) {
        const lv_pool_def *o = lv__pool_rec_def(&recs->items[i]);
        bool same_name = !strcmp(o->name, def->name);
        bool same_uuid = !memcmp(o->uuid, def->uuid, LV_UUID_LEN);
        if (same_name && !same_uuid) {
            lv_uuid_format(o->uuid, uuid);
            return lv_error_set(err, LV_ERR_DUPLICATE, "pool '%s' already exists with uuid %s",
                                o->name, uuid);
        }
        if (same_uuid && !same_name) {
            lv_uuid_format(o->uuid, uuid);
            return lv_error_set(err, LV_ERR_DUPLICATE, "uuid %s is already used by pool '%s'",
                                uuid, o->name);
        }
        if (same_name) /* the same pool, redefined */
            continue;
        if (!strcmp(def->type, "logical") && !strcmp(o->type, "logical") && def->source_name &&
            o->source_name && !strcmp(def->source_name, o->source_name))
            return lv_error_set(err, LV_ERR_DUPLICATE,
                                "pool '%s': volume group '%s' is already pool '%s'", def->name,
                                def->source_name, o->name);
        if (path_within(def->target_path, o->target_path) ||
            path_within(o->target_path, def->target_path))
            return lv_error_set(err, LV_ERR_DUPLICATE,
                                "pool '%s': target '%s' overlaps pool '%s' (target '%s')",
                                def->name, def->target_path, o->name, o->target_path);
        for (size_t a = 0; a < def->n_source_devices; a++)
            for (size_t b = 0; b < o->n_source_devices; b++)
                if (!strcmp(def->source_devices[a].path, o->source_devices[b].path))
                    return lv_error_set(err, LV_ERR_DUPLICATE,
                                        "pool '%s': source device '%s' is already used by pool "
                                        "'%s'",
                                        def->name, def->source_devices[a].path, o->name);
    }
    return 0;
}

/* ---- one pool ----------------------------------------------------------- */

int lv__pool_ctx_open(lv_conn *c, const unsigned char *uuid, bool want_active, int lock,
                      lv__pool_ctx *ctx, lv_error *err)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->lock_fd = -1;
    if (lv__pool_load_uuid(c, uuid, &ctx->rec, err) < 0)
        return -1;
    const lv_pool_def *def = lv__pool_rec_def(&ctx->rec);
    if (lock) {
        lv_error lerr;
        ctx->lock_fd = lv__pool_lock(c, def->name, lock == 2, &lerr);
        /* A reader that may not create the lock file (a user reading the
         * system scope) goes on without it; a busy pool stops everyone. */
        if (ctx->lock_fd < 0 && (lock == 2 || lerr.code != LV_ERR_SYSTEM)) {
            lv_error_copy(err, &lerr);
            lv__pool_rec_clear(&ctx->rec);
            return -1;
        }
        /* Another process may have changed it before we held the lock. */
        lv__pool_rec_clear(&ctx->rec);
        if (lv__pool_load_uuid(c, uuid, &ctx->rec, err) < 0) {
            lv__storage_unlock(ctx->lock_fd);
            return -1;
        }
        def = lv__pool_rec_def(&ctx->rec);
    }
    if (want_active && !ctx->rec.live) {
        lv_error_set(err, LV_ERR_OPERATION_INVALID, "storage pool '%s' is not active", def->name);
        lv__pool_ctx_close(ctx);
        return -1;
    }
    ctx->pool.conn = c;
    ctx->pool.def = (lv_pool_def *)def;
    ctx->pool.active = ctx->rec.live != NULL;
    ctx->pool.backend = lv__storage_backend_find(def->type);
    if (!ctx->pool.backend) {
        lv_error_set(err, LV_ERR_NO_SUPPORT, "pool '%s': pool type '%s' is not supported yet",
                     def->name, def->type);
        lv__pool_ctx_close(ctx);
        return -1;
    }
    if (ctx->rec.live) {
        ctx->pool.capacity = ctx->rec.live->capacity.bytes;
        ctx->pool.allocation = ctx->rec.live->allocation.bytes;
        ctx->pool.available = ctx->rec.live->available.bytes;
    }
    return 0;
}

void lv__pool_ctx_close(lv__pool_ctx *ctx)
{
    lv__storage_unlock(ctx->lock_fd);
    ctx->lock_fd = -1;
    lv__pool_rec_clear(&ctx->rec);
    memset(&ctx->pool, 0, sizeof(ctx->pool));
}

/* ---- first use: default pool, autostart ---------------------------------- */

typedef struct storage_priv {
    bool prepared;
} storage_priv;

static int define_default(lv_conn *c, lv_error *err)
{
    char *marker = lv_asprintf("%s/.default-defined", c->scope.storage_config);
    struct stat sb;
    int rc = 0;
    if (!c->scope.images || lstat(marker, &sb) == 0)
        goto out;
    lv__pool_recs recs;
    if (lv__pool_load_all(c, &recs, err) < 0) {
        rc = -1;
        goto out;
    }
    bool have = find_name(&recs, "default") != NULL;
    lv_pool_def *def = LV_NEW(lv_pool_def);
    def->type = lv_strdup("dir");
    def->name = lv_strdup("default");
    def->target_path = lv_strdup(c->scope.images);
    /* A pool that already sits on the images folder is the default: leave it. */
    bool clash = lv__pool_check_clash(&recs, def, NULL) < 0;
    lv__pool_recs_clear(&recs);
    if (!have && !clash) {
        if (lv_uuid_generate(def->uuid, err) < 0 || lv__pool_save_config(c, def, err) < 0 ||
            lv__pool_set_autostart_link(c, "default", true, err) < 0)
            rc = -1;
    }
    lv_pool_def_free(def);
    if (rc == 0 && lv_file_write_atomic(marker, "", 0, 0600, err) < 0)
        rc = -1;
out:
    free(marker);
    return rc;
}

typedef struct prepare_job {
    lv_conn *conn;
    lv__pool_recs recs;
    size_t next;
    lv__pool_ctx ctx;
    lv__vol_defs vols;
    lv_done_cb cb;
    void *opaque;
} prepare_job;

static void autostart_next(prepare_job *job);

static void autostart_stopped(void *opaque, const lv_error *err)
{
    (void)err;
    prepare_job *job = opaque;
    lv__vol_defs_clear(&job->vols);
    lv__pool_ctx_close(&job->ctx);
    autostart_next(job);
}

static void autostart_refreshed(void *opaque, const lv_error *err)
{
    prepare_job *job = opaque;
    if (err) {
        lv__storage_pool *p = &job->ctx.pool;
        if (p->backend->stop) { /* not usable: undo the start, quietly */
            p->backend->stop(p, autostart_stopped, job);
            return;
        }
    } else {
        lv_pool_def *live = job->ctx.pool.def;
        live->capacity = (lv_opt_size){true, job->ctx.pool.capacity};
        live->allocation = (lv_opt_size){true, job->ctx.pool.allocation};
        live->available = (lv_opt_size){true, job->ctx.pool.available};
        lv__pool_save_live(job->conn, live, NULL);
    }
    lv__vol_defs_clear(&job->vols);
    lv__pool_ctx_close(&job->ctx);
    autostart_next(job);
}

static void autostart_started(void *opaque, const lv_error *err)
{
    prepare_job *job = opaque;
    if (err) {
        lv__pool_ctx_close(&job->ctx);
        autostart_next(job);
        return;
    }
    job->ctx.pool.active = true;
    job->ctx.pool.backend->refresh(&job->ctx.pool, &job->vols, autostart_refreshed, job);
}

static void autostart_next(prepare_job *job)
{
    while (job->next < job->recs.count) {
        lv__pool_rec *rec = &job->recs.items[job->next++];
        if (!rec->autostart || rec->live || !rec->config)
            continue;
        if (lv__pool_ctx_open(job->conn, rec->config->uuid, false, 2, &job->ctx, NULL) < 0 ||
            job->ctx.rec.live) {
            lv__pool_ctx_close(&job->ctx);
            continue;
        }
        const lv__storage_backend *b = job->ctx.pool.backend;
        bool is_default = !strcmp(job->ctx.pool.def->name, "default") &&
                          job->conn->scope.images &&
                          !strcmp(job->ctx.pool.def->target_path, job->conn->scope.images);
        if (is_default && b->build) { /* the images folder is made on first use */
            lv_error err;
            if (lv__storage_dirs_ensure(job->conn, &err) == 0 &&
                lv_mkdir_p(job->conn->scope.images, 0711, &err) < 0) {
                lv__pool_ctx_close(&job->ctx);
                continue;
            }
        }
        if (b->start)
            b->start(&job->ctx.pool, autostart_started, job);
        else
            autostart_started(job, NULL);
        return;
    }
    char *marker = lv_asprintf("%s/.autostarted", job->conn->scope.storage_run);
    lv_file_write_atomic(marker, "", 0, 0600, NULL);
    free(marker);
    lv_done_cb cb = job->cb;
    void *opaque = job->opaque;
    lv__pool_recs_clear(&job->recs);
    free(job);
    cb(opaque, NULL);
}

void lv__storage_prepare(lv_conn *c, lv_done_cb cb, void *opaque)
{
    storage_priv *priv = c->storage_priv;
    if (!priv)
        c->storage_priv = priv = LV_NEW(storage_priv);
    if (priv->prepared) {
        cb(opaque, NULL);
        return;
    }
    lv_error err;
    if (!c->scope.storage_config || !c->scope.storage_run) {
        lv_error_set(&err, LV_ERR_NO_SUPPORT, "the %s driver has no storage folders",
                     c->driver->name);
        cb(opaque, &err);
        return;
    }
    /* A read-only connection may not be allowed to make the folders; it
     * then reads what is there (nothing, if they do not exist). */
    if (lv__storage_dirs_ensure(c, &err) < 0 && !lv_conn_is_readonly(c)) {
        cb(opaque, &err);
        return;
    }
    priv->prepared = true;
    /* A read-only connection changes nothing: no default pool, no autostart. */
    if (lv_conn_is_readonly(c)) {
        cb(opaque, NULL);
        return;
    }
    define_default(c, NULL);
    char *marker = lv_asprintf("%s/.autostarted", c->scope.storage_run);
    struct stat sb;
    bool done = lstat(marker, &sb) == 0;
    free(marker);
    if (done) {
        cb(opaque, NULL);
        return;
    }
    prepare_job *job = LV_NEW(prepare_job);
    job->conn = c;
    job->cb = cb;
    job->opaque = opaque;
    job->ctx.lock_fd = -1;
    if (lv__pool_load_all(c, &job->recs, NULL) < 0)
        memset(&job->recs, 0, sizeof(job->recs));
    autostart_next(job);
}
