/* The network files of a scope (see network_priv.h): paths, reading every
 * network, finding one, info for the results, atomic writes, and the scope's
 * lock. Definitions are small files: they are read synchronously. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/files.h"
#include "network/network_priv.h"

/* ---- paths ------------------------------------------------------------------ */

int lv__net_check_scope(lv_conn *c, lv_error *err)
{
    if (c->scope.network_config && c->scope.network_run)
        return 0;
    return lv_error_set(err, LV_ERR_NO_SUPPORT, "the connection '%s' has no virtual networks",
                        c->uri_string);
}

char *lv__net_config_path(lv_conn *c, const char *name)
{
    return lv_asprintf("%s/%s.xml", c->scope.network_config, name);
}

char *lv__net_autostart_path(lv_conn *c, const char *name)
{
    return lv_asprintf("%s/autostart/%s.xml", c->scope.network_config, name);
}

char *lv__net_run_path(lv_conn *c, const char *name, const char *suffix)
{
    return lv_asprintf("%s/%s%s", c->scope.network_run, name, suffix);
}

int lv__net_ensure_dirs(lv_conn *c, lv_error *err)
{
    if (lv__net_check_scope(c, err) < 0)
        return -1;
    char *autostart = lv_asprintf("%s/autostart", c->scope.network_config);
    mode_t mode = c->scope.privileged ? 0755 : 0700;
    int rc = lv_mkdir_p(c->scope.network_config, mode, err) < 0 ||
                     lv_mkdir_p(autostart, mode, err) < 0 ||
                     lv_mkdir_p(c->scope.network_run, 0700, err) < 0
                 ? -1
                 : 0;
    free(autostart);
    return rc;
}

/* ---- reading ---------------------------------------------------------------- */

static lv_network_def *read_def(const char *path)
{
    char *text = NULL;
    size_t len;
    if (lv_file_read_all(path, &text, &len, NULL) < 0)
        return NULL;
    lv_network_def *def = lv_network_def_parse_xml(text, NULL);
    free(text);
    return def;
}

/* NAME for "NAME.xml" names that are not hidden files, else NULL. */
static char *def_file_name(const char *file)
{
    size_t n = strlen(file);
    if (file[0] == '.' || n <= 4 || strcmp(file + n - 4, ".xml"))
        return NULL;
    return lv_strndup(file, n - 4);
}

static lv__net_obj *find_name(lv__net_set *set, const char *name)
{
    for (size_t i = 0; i < set->count; i++) {
        if (!strcmp(lv__net_obj_def(&set->items[i])->name, name))
            return &set->items[i];
    }
    return NULL;
}

static lv__net_obj *add_obj(lv__net_set *set)
{
    set->items = lv_realloc(set->items, (set->count + 1) * sizeof(*set->items));
    lv__net_obj *o = &set->items[set->count++];
    memset(o, 0, sizeof(*o));
    return o;
}

/* Each NAME.xml of dir whose <name> is NAME, through take(). */
static void scan_dir(lv_conn *c, const char *dir, bool live, lv__net_set *set)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *name = def_file_name(e->d_name);
        if (!name)
            continue;
        char *path = lv_asprintf("%s/%s", dir, e->d_name);
        lv_network_def *def = read_def(path);
        free(path);
        if (!def || strcmp(def->name, name)) {
            lv_network_def_free(def);
            free(name);
            continue;
        }
        lv__net_obj *o = find_name(set, name);
        if (!o)
            o = add_obj(set);
        if (live) {
            o->live = def;
        } else {
            o->config = def;
            char *link = lv__net_autostart_path(c, name);
            struct stat sb;
            o->autostart = stat(link, &sb) == 0;
            free(link);
        }
        free(name);
    }
    closedir(d);
}

int lv__net_scan(lv_conn *c, lv__net_set *set, lv_error *err)
{
    memset(set, 0, sizeof(*set));
    if (lv__net_check_scope(c, err) < 0)
        return -1;
    scan_dir(c, c->scope.network_config, false, set);
    scan_dir(c, c->scope.network_run, true, set);
    return 0;
}

void lv__net_set_clear(lv__net_set *set)
{
    for (size_t i = 0; i < set->count; i++) {
        lv_network_def_free(set->items[i].config);
        lv_network_def_free(set->items[i].live);
    }
    free(set->items);
    memset(set, 0, sizeof(*set));
}

lv__net_obj *lv__net_find_uuid(lv__net_set *set, const unsigned char *uuid)
{
    for (size_t i = 0; i < set->count; i++) {
        if (!memcmp(lv__net_obj_def(&set->items[i])->uuid, uuid, LV_UUID_LEN))
            return &set->items[i];
    }
    return NULL;
}

lv__net_obj *lv__net_find(lv__net_set *set, lv_lookup_by by, const char *key)
{
    unsigned char uuid[LV_UUID_LEN];
    bool is_uuid = lv_uuid_parse(key, uuid, NULL) == 0;
    if (by == LV_LOOKUP_UUID || (by == LV_LOOKUP_ANY && is_uuid)) {
        lv__net_obj *o = is_uuid ? lv__net_find_uuid(set, uuid) : NULL;
        if (o || by == LV_LOOKUP_UUID)
            return o;
    }
    return by == LV_LOOKUP_ID ? NULL : find_name(set, key);
}

int lv__net_not_found(lv_error *err, const char *what, const char *key)
{
    return lv_error_set(err, LV_ERR_NO_NETWORK,
                        "Network not found: no network with matching %s '%s'", what, key);
}

lv__net_obj *lv__net_scan_uuid(lv_conn *c, lv__net_set *set, const unsigned char *uuid,
                               lv_error *err)
{
    if (lv__net_scan(c, set, err) < 0)
        return NULL;
    lv__net_obj *o = lv__net_find_uuid(set, uuid);
    if (!o) {
        char s[LV_UUID_STRING_LEN];
        lv_uuid_format(uuid, s);
        lv__net_not_found(err, "uuid", s);
        lv__net_set_clear(set);
    }
    return o;
}

/* ---- results ---------------------------------------------------------------- */

void lv__net_info_fill(const lv__net_obj *obj, lv_net_info *out)
{
    const lv_network_def *def = lv__net_obj_def(obj);
    memset(out, 0, sizeof(*out));
    out->name = lv_strdup(def->name);
    memcpy(out->uuid, def->uuid, LV_UUID_LEN);
    out->active = obj->live != NULL;
    out->persistent = obj->config != NULL;
    out->autostart = obj->autostart;
    out->bridge = lv_strdup(def->bridge_name);
    out->forward_mode = lv_strdup(def->forward_mode);
}

lv_net_info *lv__net_info_new(const lv__net_obj *obj)
{
    lv_net_info *info = LV_NEW(lv_net_info);
    lv__net_info_fill(obj, info);
    return info;
}

int lv__net_write_def(const char *path, const lv_network_def *def, lv_error *err)
{
    char *xml = lv_network_def_format_xml(def);
    int rc = lv_file_write_atomic(path, xml, strlen(xml), 0600, err);
    free(xml);
    return rc;
}

/* ---- the scope's lock ----------------------------------------------------------- */

enum { LOCK_POLL_MS = 20 };

typedef struct lock_wait {
    uv_timer_t timer; /* first: the handle's data is the wait */
    lv_conn *conn;
    lv__net_lock_cb cb;
    void *opaque;
    int fd;
    lv_error err;
    bool failed;
} lock_wait;

/* 1: taken (w->fd), 0: another process holds it, -1: error (w->err). */
static int lock_try(lock_wait *w)
{
    if (w->fd < 0) {
        if (lv__net_ensure_dirs(w->conn, &w->err) < 0)
            return -1;
        char *path = lv__net_run_path(w->conn, ".lock", "");
        w->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (w->fd < 0) {
            lv_error_set_errno(&w->err, errno, "cannot open the network lock file '%s'", path);
            free(path);
            return -1;
        }
        free(path);
    }
    if (flock(w->fd, LOCK_EX | LOCK_NB) == 0)
        return 1;
    if (errno == EWOULDBLOCK)
        return 0;
    lv_error_set_errno(&w->err, errno, "cannot lock the networks of '%s'", w->conn->uri_string);
    return -1;
}

static void lock_wait_closed(uv_handle_t *h)
{
    lock_wait *w = h->data;
    int fd = w->fd;
    lv__net_lock_cb cb = w->cb;
    void *opaque = w->opaque;
    lv_error err = w->err;
    bool failed = w->failed;
    free(w);
    cb(opaque, failed ? -1 : fd, failed ? &err : NULL);
}

static void lock_poll(uv_timer_t *t)
{
    lock_wait *w = t->data;
    int rc = lock_try(w);
    if (rc == 0)
        return;
    if (rc < 0) {
        w->failed = true;
        if (w->fd >= 0)
            close(w->fd);
        w->fd = -1;
    }
    uv_timer_stop(t);
    uv_close((uv_handle_t *)t, lock_wait_closed);
}

void lv__net_lock(lv_conn *c, lv__net_lock_cb cb, void *opaque)
{
    lock_wait *w = LV_NEW(lock_wait);
    w->conn = c;
    w->cb = cb;
    w->opaque = opaque;
    w->fd = -1;
    int rc = lock_try(w);
    if (rc != 0) {
        int fd = w->fd;
        lv_error err = w->err;
        if (rc < 0 && fd >= 0)
            close(fd);
        free(w);
        cb(opaque, rc > 0 ? fd : -1, rc > 0 ? NULL : &err);
        return;
    }
    uv_timer_init(c->loop, &w->timer);
    w->timer.data = w;
    uv_timer_start(&w->timer, lock_poll, LOCK_POLL_MS, LOCK_POLL_MS);
}

void lv__net_unlock(int lock_fd)
{
    if (lock_fd >= 0)
        close(lock_fd);
}
