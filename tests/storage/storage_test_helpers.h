/* Synchronous wrappers over the asynchronous entry points of storage.h, for
 * the storage driver's tests: each runs the uv loop until its completion. */
#ifndef LV_STORAGE_TEST_HELPERS_H
#define LV_STORAGE_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "storage.h"

static uv_loop_t loop;

typedef struct result {
    bool done;
    bool failed;
    lv_error err;
    lv_conn *conn;
    lv_pool_info *pool;
    lv_pool_list *pools;
    lv_vol_info *vol;
    lv_vol_list *vols;
    char *str;
    unsigned progress_calls;
    uint64_t progress_done, progress_total;
} result;

static void record_err(result *r, const lv_error *err)
{
    assert_false(r->done); /* exactly once */
    r->done = true;
    if (err) {
        r->failed = true;
        r->err = *err;
        assert_int_not_equal(err->code, LV_ERR_NONE);
        assert_true(err->message[0] != '\0');
        assert_null(strchr(err->message, '\n')); /* one line */
    }
}

static void conn_cb(void *opaque, lv_conn *conn, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    r->conn = conn;
}

static void done_cb(void *opaque, const lv_error *err)
{
    record_err(opaque, err);
}

static void pool_cb(void *opaque, lv_pool_info *info, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    r->pool = info;
}

static void pool_list_cb(void *opaque, lv_pool_list *list, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    r->pools = list;
}

static void vol_cb(void *opaque, lv_vol_info *info, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    r->vol = info;
}

static void vol_list_cb(void *opaque, lv_vol_list *list, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    r->vols = list;
}

static void string_cb(void *opaque, char *str, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    r->str = str;
}

static void progress_cb(void *opaque, uint64_t done, uint64_t total)
{
    result *r = opaque;
    assert_false(r->done); /* never after the completion */
    if (r->progress_calls)
        assert_true(done >= r->progress_done);
    r->progress_calls++;
    r->progress_done = done;
    r->progress_total = total;
}

static lv_error last_err;

static int finish(result *r)
{
    while (!r->done)
        if (uv_run(&loop, UV_RUN_ONCE) == 0 && !r->done)
            fail_msg("the loop ran dry before the operation completed");
    last_err = r->err;
    if (!r->failed)
        last_err.code = LV_ERR_NONE;
    return r->failed ? -1 : 0;
}

#define assert_fails(expr, code_, needle)                                                          \
    do {                                                                                           \
        if ((expr) == 0)                                                                           \
            fail_msg("%s succeeded; expected %s", #expr, lv_error_code_name(code_));               \
        if (last_err.code != (code_))                                                              \
            fail_msg("%s: %s \"%s\"; expected %s", #expr, lv_error_code_name(last_err.code),       \
                     last_err.message, lv_error_code_name(code_));                                 \
        if ((needle) && !strstr(last_err.message, (needle) ? (needle) : ""))                       \
            fail_msg("message \"%s\" lacks \"%s\"", last_err.message, (needle));                   \
    } while (0)

#define assert_ok(expr)                                                                            \
    do {                                                                                           \
        if ((expr) != 0)                                                                           \
            fail_msg("%s failed: %s: %s", #expr, lv_error_code_name(last_err.code),                \
                     last_err.message);                                                            \
    } while (0)

static inline int conn_open(const char *uri, unsigned flags, lv_conn **out)
{
    result r = {0};
    lv_conn_open(&loop, uri, flags, conn_cb, &r);
    int ret = finish(&r);
    *out = r.conn;
    return ret;
}

static inline lv_conn *open_ok(const char *uri, unsigned flags)
{
    lv_conn *c = NULL;
    assert_ok(conn_open(uri, flags, &c));
    return c;
}

static inline int pool_list(lv_conn *c, unsigned flags, lv_pool_list **out)
{
    result r = {0};
    lv_pool_list_all(c, flags, pool_list_cb, &r);
    int ret = finish(&r);
    if (out)
        *out = r.pools;
    else
        lv_pool_list_free(r.pools);
    return ret;
}

static inline int pool_lookup(lv_conn *c, const char *key, lv_pool_info **out)
{
    result r = {0};
    lv_pool_lookup(c, LV_LOOKUP_ANY, key, pool_cb, &r);
    int ret = finish(&r);
    if (out)
        *out = r.pool;
    else
        lv_pool_info_free(r.pool);
    return ret;
}

static inline int pool_define(lv_conn *c, const char *xml, lv_pool_info **out)
{
    result r = {0};
    lv_pool_define_xml(c, xml, 0, pool_cb, &r);
    int ret = finish(&r);
    if (out)
        *out = r.pool;
    else
        lv_pool_info_free(r.pool);
    return ret;
}

static inline int pool_create(lv_conn *c, const char *xml, unsigned flags, lv_pool_info **out)
{
    result r = {0};
    lv_pool_create_xml(c, xml, flags, pool_cb, &r);
    int ret = finish(&r);
    if (out)
        *out = r.pool;
    else
        lv_pool_info_free(r.pool);
    return ret;
}

typedef void (*pool_op_fn)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                           void *opaque);

static inline int pool_op(pool_op_fn fn, lv_conn *c, const unsigned char *uuid, unsigned flags)
{
    result r = {0};
    fn(c, uuid, flags, done_cb, &r);
    return finish(&r);
}

static inline int pool_autostart(lv_conn *c, const unsigned char *uuid, bool on)
{
    result r = {0};
    lv_pool_set_autostart(c, uuid, on, done_cb, &r);
    return finish(&r);
}

static inline int pool_xml(lv_conn *c, const unsigned char *uuid, unsigned flags, char **out)
{
    result r = {0};
    lv_pool_get_xml(c, uuid, flags, string_cb, &r);
    int ret = finish(&r);
    if (out)
        *out = r.str;
    else
        free(r.str);
    return ret;
}

static inline int vol_list(lv_conn *c, const unsigned char *pool, lv_vol_list **out)
{
    result r = {0};
    lv_vol_list_all(c, pool, 0, vol_list_cb, &r);
    int ret = finish(&r);
    if (out)
        *out = r.vols;
    else
        lv_vol_list_free(r.vols);
    return ret;
}

static inline int vol_lookup(lv_conn *c, const unsigned char *pool, lv_vol_lookup_by by,
                             const char *key, lv_vol_info **out)
{
    result r = {0};
    lv_vol_lookup(c, pool, by, key, vol_cb, &r);
    int ret = finish(&r);
    if (out)
        *out = r.vol;
    else
        lv_vol_info_free(r.vol);
    return ret;
}

static inline int vol_create(lv_conn *c, const unsigned char *pool, const char *xml,
                             unsigned flags, lv_vol_info **out)
{
    result r = {0};
    lv_vol_create_xml(c, pool, xml, flags, vol_cb, &r);
    int ret = finish(&r);
    if (out)
        *out = r.vol;
    else
        lv_vol_info_free(r.vol);
    return ret;
}

static inline int vol_create_from(lv_conn *c, const unsigned char *pool, const char *xml,
                                  const unsigned char *src_pool, const char *src,
                                  unsigned flags, result *r)
{
    lv_vol_create_from(c, pool, xml, src_pool, src, flags, progress_cb, vol_cb, r);
    return finish(r);
}

static inline int vol_delete(lv_conn *c, const unsigned char *pool, const char *name)
{
    result r = {0};
    lv_vol_delete(c, pool, name, 0, done_cb, &r);
    return finish(&r);
}

static inline int vol_wipe(lv_conn *c, const unsigned char *pool, const char *name, result *r)
{
    lv_vol_wipe(c, pool, name, 0, progress_cb, done_cb, r);
    return finish(r);
}

static inline int vol_resize(lv_conn *c, const unsigned char *pool, const char *name,
                             uint64_t capacity, unsigned flags)
{
    result r = {0};
    lv_vol_resize(c, pool, name, capacity, flags, done_cb, &r);
    return finish(&r);
}

static inline int vol_xml(lv_conn *c, const unsigned char *pool, const char *name, char **out)
{
    result r = {0};
    lv_vol_get_xml(c, pool, name, 0, string_cb, &r);
    int ret = finish(&r);
    if (out)
        *out = r.str;
    else
        free(r.str);
    return ret;
}

static inline int vol_upload(lv_conn *c, const unsigned char *pool, const char *name,
                             const char *path, unsigned flags, result *r)
{
    lv_vol_upload(c, pool, name, path, 0, 0, flags, progress_cb, done_cb, r);
    return finish(r);
}

static inline int vol_download(lv_conn *c, const unsigned char *pool, const char *name,
                               const char *path, unsigned flags, result *r)
{
    lv_vol_download(c, pool, name, path, 0, 0, flags, progress_cb, done_cb, r);
    return finish(r);
}

/* ---- an embedded root per test: qemu:///embed?root=ROOT ------------------ */

static char root[128]; /* short: tests build paths under it in fixed buffers */
static char uri[256];

/* A fresh ROOT from a mkdtemp template ("/tmp/lvstorage-drv-XXXXXX") and the
 * URI over it; -1 when the folder cannot be made. */
static inline int embed_root_make(const char *template)
{
    snprintf(root, sizeof(root), "%s", template);
    if (!mkdtemp(root))
        return -1;
    snprintf(uri, sizeof(uri), "qemu:///embed?root=%s", root);
    return 0;
}

/* "ROOT/sub", in one of four rotating buffers (a call may use several). */
static inline const char *path_in(const char *sub)
{
    static char buf[4][1024];
    static int n;
    char *b = buf[n++ % 4];
    snprintf(b, sizeof(buf[0]), "%s/%s", root, sub);
    return b;
}

static inline void remove_tree(const char *dir)
{
    uv_fs_t req;
    uv_dirent_t ent;
    if (uv_fs_scandir(NULL, &req, dir, 0, NULL) >= 0) {
        while (uv_fs_scandir_next(&req, &ent) != UV_EOF) {
            char *p = malloc(strlen(dir) + strlen(ent.name) + 2);
            sprintf(p, "%s/%s", dir, ent.name);
            if (ent.type == UV_DIRENT_DIR)
                remove_tree(p);
            else
                unlink(p);
            free(p);
        }
    }
    uv_fs_req_cleanup(&req);
    rmdir(dir);
}

#endif
