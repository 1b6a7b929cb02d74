/* Synchronous wrappers over the asynchronous lv_* entry points of driver.h, for
 * the qemu driver's tests: each runs the uv loop until its completion. */
#ifndef LV_QEMU_TEST_HELPERS_H
#define LV_QEMU_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "driver.h"

static uv_loop_t loop;

typedef struct result {
    bool done;
    bool failed;
    lv_error err;
    lv_conn *conn;
    lv_domain_info *info;
    lv_domain_list *list;
    char *str;
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

static void domain_cb(void *opaque, lv_domain_info *info, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    r->info = info;
}

static void list_cb(void *opaque, lv_domain_list *list, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    r->list = list;
}

static void string_cb(void *opaque, char *str, const lv_error *err)
{
    result *r = opaque;
    record_err(r, err);
    r->str = str;
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

static inline lv_conn *open_ok(const char *uri)
{
    lv_conn *c = NULL;
    assert_ok(conn_open(uri, 0, &c));
    return c;
}

typedef void (*uuid_op)(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,
                        void *opaque);

static inline int op(uuid_op fn, lv_conn *c, const unsigned char *uuid, unsigned flags)
{
    result r = {0};
    fn(c, uuid, flags, done_cb, &r);
    return finish(&r);
}

static inline int lookup(lv_conn *c, const char *key, lv_domain_info **out)
{
    result r = {0};
    lv_domain_lookup(c, LV_LOOKUP_ANY, key, domain_cb, &r);
    int ret = finish(&r);
    if (out)
        *out = r.info;
    else
        lv_domain_info_free(r.info);
    return ret;
}

static inline int define(lv_conn *c, const char *xml, lv_domain_info **out)
{
    result r = {0};
    lv_domain_define_xml(c, xml, 0, domain_cb, &r);
    int ret = finish(&r);
    if (out)
        *out = r.info;
    else
        lv_domain_info_free(r.info);
    return ret;
}

static inline int create(lv_conn *c, const char *xml, unsigned flags, lv_domain_info **out)
{
    result r = {0};
    lv_domain_create_xml(c, xml, flags, domain_cb, &r);
    int ret = finish(&r);
    if (out)
        *out = r.info;
    else
        lv_domain_info_free(r.info);
    return ret;
}

static inline int get_xml(lv_conn *c, const unsigned char *uuid, unsigned flags, char **out)
{
    result r = {0};
    lv_domain_get_xml(c, uuid, flags, string_cb, &r);
    int ret = finish(&r);
    *out = r.str;
    return ret;
}

static inline int get_info(lv_conn *c, const unsigned char *uuid, lv_domain_info **out)
{
    result r = {0};
    lv_domain_get_info(c, uuid, domain_cb, &r);
    int ret = finish(&r);
    *out = r.info;
    return ret;
}

static inline int list_all(lv_conn *c, unsigned flags, lv_domain_list **out)
{
    result r = {0};
    lv_domain_list_all(c, flags, list_cb, &r);
    int ret = finish(&r);
    *out = r.list;
    return ret;
}

static inline int set_autostart(lv_conn *c, const unsigned char *uuid, bool on)
{
    result r = {0};
    lv_domain_set_autostart(c, uuid, on, done_cb, &r);
    return finish(&r);
}

static inline int set_metadata(lv_conn *c, const unsigned char *uuid, lv_metadata_kind kind,
                               const char *text, unsigned flags)
{
    result r = {0};
    lv_domain_set_metadata(c, uuid, kind, text, flags, done_cb, &r);
    return finish(&r);
}

static inline int rename_dom(lv_conn *c, const unsigned char *uuid, const char *name)
{
    result r = {0};
    lv_domain_rename(c, uuid, name, done_cb, &r);
    return finish(&r);
}

/* State of the domain called name, as a fresh lookup sees it. */
static inline lv_domain_state state_of(lv_conn *c, const char *name, int *reason)
{
    lv_domain_info *info = NULL;
    assert_ok(lookup(c, name, &info));
    lv_domain_state s = info->state;
    if (reason)
        *reason = info->reason;
    lv_domain_info_free(info);
    return s;
}

/* rm -rf of a test root (only our own temp dirs). */
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
