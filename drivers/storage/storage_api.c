/* The storage entry points the bindings and other drivers call: a driver
 * without pools, an operation it lacks, a write on a read-only connection,
 * unknown flags and malformed arguments (no UUID, a volume name that is not a
 * file name) fail here, once, for every driver. Also the result free
 * functions of storage.h. */
#include "storage.h"

#include <stdlib.h>
#include <string.h>

#include "core/names.h"

/* ---- results ------------------------------------------------------------ */

void lv_pool_info_clear(lv_pool_info *info)
{
    if (!info)
        return;
    free(info->name);
    free(info->type);
    free(info->target);
    memset(info, 0, sizeof(*info));
}

void lv_pool_info_free(lv_pool_info *info)
{
    lv_pool_info_clear(info);
    free(info);
}

void lv_pool_list_free(lv_pool_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        lv_pool_info_clear(&list->items[i]);
    free(list->items);
    free(list);
}

void lv_vol_info_clear(lv_vol_info *info)
{
    if (!info)
        return;
    free(info->name);
    free(info->key);
    free(info->path);
    free(info->pool);
    free(info->format);
    free(info->backing_path);
    free(info->backing_format);
    memset(info, 0, sizeof(*info));
}

void lv_vol_info_free(lv_vol_info *info)
{
    lv_vol_info_clear(info);
    free(info);
}

void lv_vol_list_free(lv_vol_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        lv_vol_info_clear(&list->items[i]);
    free(list->items);
    free(list);
}

/* ---- checks ------------------------------------------------------------- */

#define ST(c) ((c)->driver->storage)
#define STFN(c, f) (ST(c) ? ST(c)->f : NULL)

/* Fills err and returns true when the call cannot go to the driver. */
static bool refuse(lv_conn *c, bool supported, const char *op, bool write, unsigned flags,
                   unsigned known_flags, lv_error *err)
{
    if (!supported && !ST(c)) {
        lv_error_set(err, LV_ERR_NO_SUPPORT, "%s: the %s driver has no storage pools", op,
                     c->driver->name);
        return true;
    }
    if (lv_conn_refuses(c, supported, op, write, err))
        return true;
    if (flags & ~known_flags) {
        lv_error_set(err, LV_ERR_INVALID_ARG, "%s: unknown flags 0x%x", op, flags & ~known_flags);
        return true;
    }
    return false;
}

static bool refuse_uuid(const unsigned char *uuid, const char *op, lv_error *err)
{
    if (uuid)
        return false;
    lv_error_set(err, LV_ERR_INVALID_ARG, "%s: no pool UUID given", op);
    return true;
}

static bool refuse_text(const char *s, const char *what, const char *op, lv_error *err)
{
    if (s && *s)
        return false;
    lv_error_set(err, LV_ERR_INVALID_ARG, "%s: no %s given", op, what);
    return true;
}

/* A volume name becomes a file name in the pool's folder: no '/', no "." or
 * "..", nothing hidden (our own partial files start with '.'). */
static bool refuse_vol_name(const char *name, const char *op, lv_error *err)
{
    if (refuse_text(name, "volume name", op, err))
        return true;
    lv_error inner;
    if (lv_name_validate("volume", name, &inner) == 0)
        return false;
    lv_error_set(err, LV_ERR_INVALID_ARG, "%s: %s", op, inner.message);
    return true;
}

/* The common prologue: on refusal, calls cbcall with err_ and returns. */
#define GUARD(cond, cbcall)                                                                        \
    do {                                                                                           \
        if (cond) {                                                                                \
            cbcall;                                                                                \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* ---- pools -------------------------------------------------------------- */

void lv_pool_list_all(lv_conn *c, unsigned flags, lv_pool_list_cb cb, void *opaque)
{
    lv_error err_;
    GUARD(refuse(c, STFN(c, pool_list), "listing pools", false, flags,
                 LV_POOL_LIST_ACTIVE | LV_POOL_LIST_INACTIVE, &err_),
          cb(opaque, NULL, &err_));
    ST(c)->pool_list(c, flags, cb, opaque);
}

void lv_pool_lookup(lv_conn *c, lv_lookup_by by, const char *key, lv_pool_cb cb, void *opaque)
{
    lv_error err_;
    GUARD(refuse(c, STFN(c, pool_lookup), "pool lookup", false, 0, 0, &err_) ||
              refuse_text(key, "pool name or UUID", "pool lookup", &err_),
          cb(opaque, NULL, &err_));
    if (by == LV_LOOKUP_ID) {
        lv_error_set(&err_, LV_ERR_INVALID_ARG, "pool lookup: pools have no id");
        cb(opaque, NULL, &err_);
        return;
    }
    ST(c)->pool_lookup(c, by, key, cb, opaque);
}

void lv_pool_define_xml(lv_conn *c, const char *xml, unsigned flags, lv_pool_cb cb,
                        void *opaque)
{
    lv_error err_;
    GUARD(refuse(c, STFN(c, pool_define_xml), "pool-define", true, flags, 0, &err_) ||
              refuse_text(xml, "pool XML", "pool-define", &err_),
          cb(opaque, NULL, &err_));
    ST(c)->pool_define_xml(c, xml, flags, cb, opaque);
}

void lv_pool_create_xml(lv_conn *c, const char *xml, unsigned flags, lv_pool_cb cb,
                        void *opaque)
{
    lv_error err_;
    GUARD(refuse(c, STFN(c, pool_create_xml), "pool-create", true, flags,
                 LV_POOL_START_BUILD, &err_) ||
              refuse_text(xml, "pool XML", "pool-create", &err_),
          cb(opaque, NULL, &err_));
    ST(c)->pool_create_xml(c, xml, flags, cb, opaque);
}

#define POOL_OP(fname, field, label, known)                                                        \
    void fname(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_done_cb cb,              \
               void *opaque)                                                                       \
    {                                                                                              \
        lv_error err_;                                                                             \
        GUARD(refuse(c, STFN(c, field), label, true, flags, known, &err_) ||                       \
                  refuse_uuid(uuid, label, &err_),                                                 \
              cb(opaque, &err_));                                                                  \
        ST(c)->field(c, uuid, flags, cb, opaque);                                                  \
    }

POOL_OP(lv_pool_build, pool_build, "pool-build",
        LV_POOL_BUILD_OVERWRITE | LV_POOL_BUILD_NO_OVERWRITE)
POOL_OP(lv_pool_start, pool_start, "pool-start", LV_POOL_START_BUILD)
POOL_OP(lv_pool_destroy, pool_destroy, "pool-destroy", 0)
POOL_OP(lv_pool_delete, pool_delete, "pool-delete", 0)
POOL_OP(lv_pool_undefine, pool_undefine, "pool-undefine", 0)
POOL_OP(lv_pool_refresh, pool_refresh, "pool-refresh", 0)

void lv_pool_set_autostart(lv_conn *c, const unsigned char *uuid, bool autostart,
                           lv_done_cb cb, void *opaque)
{
    lv_error err_;
    GUARD(refuse(c, STFN(c, pool_set_autostart), "pool-autostart", true, 0, 0, &err_) ||
              refuse_uuid(uuid, "pool-autostart", &err_),
          cb(opaque, &err_));
    ST(c)->pool_set_autostart(c, uuid, autostart, cb, opaque);
}

void lv_pool_get_xml(lv_conn *c, const unsigned char *uuid, unsigned flags, lv_string_cb cb,
                     void *opaque)
{
    lv_error err_;
    GUARD(refuse(c, STFN(c, pool_get_xml), "pool-dumpxml", false, flags, LV_POOL_XML_INACTIVE,
                 &err_) ||
              refuse_uuid(uuid, "pool-dumpxml", &err_),
          cb(opaque, NULL, &err_));
    ST(c)->pool_get_xml(c, uuid, flags, cb, opaque);
}

/* ---- volumes ------------------------------------------------------------ */

void lv_vol_list_all(lv_conn *c, const unsigned char *pool_uuid, unsigned flags,
                     lv_vol_list_cb cb, void *opaque)
{
    lv_error err_;
    GUARD(refuse(c, STFN(c, vol_list), "vol-list", false, flags, 0, &err_) ||
              refuse_uuid(pool_uuid, "vol-list", &err_),
          cb(opaque, NULL, &err_));
    ST(c)->vol_list(c, pool_uuid, flags, cb, opaque);
}

void lv_vol_lookup(lv_conn *c, const unsigned char *pool_uuid, lv_vol_lookup_by by,
                   const char *key, lv_vol_cb cb, void *opaque)
{
    lv_error err_;
    GUARD(refuse(c, STFN(c, vol_lookup), "volume lookup", false, 0, 0, &err_),
          cb(opaque, NULL, &err_));
    switch (by) {
    case LV_VOL_LOOKUP_NAME:
        GUARD(refuse_uuid(pool_uuid, "volume lookup", &err_) ||
                  refuse_vol_name(key, "volume lookup", &err_),
              cb(opaque, NULL, &err_));
        break;
    case LV_VOL_LOOKUP_PATH:
        GUARD(refuse_text(key, "volume path", "volume lookup", &err_), cb(opaque, NULL, &err_));
        pool_uuid = NULL;
        break;
    case LV_VOL_LOOKUP_KEY:
        GUARD(refuse_text(key, "volume key", "volume lookup", &err_), cb(opaque, NULL, &err_));
        pool_uuid = NULL;
        break;
    default:
        lv_error_set(&err_, LV_ERR_INVALID_ARG, "volume lookup: unknown lookup kind %d", (int)by);
        cb(opaque, NULL, &err_);
        return;
    }
    ST(c)->vol_lookup(c, pool_uuid, by, key, cb, opaque);
}

void lv_vol_create_xml(lv_conn *c, const unsigned char *pool_uuid, const char *xml,
                       unsigned flags, lv_vol_cb cb, void *opaque)
{
    lv_error err_;
    GUARD(refuse(c, STFN(c, vol_create_xml), "vol-create", true, flags,
                 LV_VOL_CREATE_PREALLOC_METADATA, &err_) ||
              refuse_uuid(pool_uuid, "vol-create", &err_) ||
              refuse_text(xml, "volume XML", "vol-create", &err_),
          cb(opaque, NULL, &err_));
    ST(c)->vol_create_xml(c, pool_uuid, xml, flags, cb, opaque);
}

void lv_vol_create_from(lv_conn *c, const unsigned char *pool_uuid, const char *xml,
                        const unsigned char *src_pool_uuid, const char *src_name,
                        unsigned flags, lv_progress_cb progress, lv_vol_cb cb, void *opaque)
{
    lv_error err_;
    GUARD(refuse(c, STFN(c, vol_create_from), "vol-create-from", true, flags,
                 LV_VOL_CREATE_PREALLOC_METADATA, &err_) ||
              refuse_uuid(pool_uuid, "vol-create-from", &err_) ||
              refuse_uuid(src_pool_uuid, "vol-create-from", &err_) ||
              refuse_text(xml, "volume XML", "vol-create-from", &err_) ||
              refuse_vol_name(src_name, "vol-create-from", &err_),
          cb(opaque, NULL, &err_));
    ST(c)->vol_create_from(c, pool_uuid, xml, src_pool_uuid, src_name, flags, progress, cb,
                           opaque);
}

void lv_vol_delete(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                   unsigned flags, lv_done_cb cb, void *opaque)
{
    lv_error err_;
    GUARD(refuse(c, STFN(c, vol_delete), "vol-delete", true, flags, 0, &err_) ||
              refuse_uuid(pool_uuid, "vol-delete", &err_) ||
              refuse_vol_name(name, "vol-delete", &err_),
          cb(opaque, &err_));
    ST(c)->vol_delete(c, pool_uuid, name, flags, cb, opaque);
}

void lv_vol_wipe(lv_conn *c, const unsigned char *pool_uuid, const char *name, unsigned flags,
                 lv_progress_cb progress, lv_done_cb cb, void *opaque)
{
    lv_error err_;
    GUARD(refuse(c, STFN(c, vol_wipe), "vol-wipe", true, flags, 0, &err_) ||
              refuse_uuid(pool_uuid, "vol-wipe", &err_) ||
              refuse_vol_name(name, "vol-wipe", &err_),
          cb(opaque, &err_));
    ST(c)->vol_wipe(c, pool_uuid, name, flags, progress, cb, opaque);
}

void lv_vol_resize(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                   uint64_t capacity, unsigned flags, lv_done_cb cb, void *opaque)
{
    lv_error err_;
    GUARD(refuse(c, STFN(c, vol_resize), "vol-resize", true, flags,
                 LV_VOL_RESIZE_ALLOCATE | LV_VOL_RESIZE_DELTA | LV_VOL_RESIZE_SHRINK, &err_) ||
              refuse_uuid(pool_uuid, "vol-resize", &err_) ||
              refuse_vol_name(name, "vol-resize", &err_),
          cb(opaque, &err_));
    if (capacity == 0 && !(flags & LV_VOL_RESIZE_DELTA)) {
        lv_error_set(&err_, LV_ERR_INVALID_ARG, "vol-resize: a volume cannot be resized to 0");
        cb(opaque, &err_);
        return;
    }
    ST(c)->vol_resize(c, pool_uuid, name, capacity, flags, cb, opaque);
}

void lv_vol_get_xml(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                    unsigned flags, lv_string_cb cb, void *opaque)
{
    lv_error err_;
    GUARD(refuse(c, STFN(c, vol_get_xml), "vol-dumpxml", false, flags, 0, &err_) ||
              refuse_uuid(pool_uuid, "vol-dumpxml", &err_) ||
              refuse_vol_name(name, "vol-dumpxml", &err_),
          cb(opaque, NULL, &err_));
    ST(c)->vol_get_xml(c, pool_uuid, name, flags, cb, opaque);
}

void lv_vol_upload(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                   const char *path, uint64_t offset, uint64_t length, unsigned flags,
                   lv_progress_cb progress, lv_done_cb cb, void *opaque)
{
    lv_error err_;
    GUARD(refuse(c, STFN(c, vol_upload), "vol-upload", true, flags, LV_VOL_TRANSFER_SPARSE,
                 &err_) ||
              refuse_uuid(pool_uuid, "vol-upload", &err_) ||
              refuse_vol_name(name, "vol-upload", &err_) ||
              refuse_text(path, "file to upload", "vol-upload", &err_),
          cb(opaque, &err_));
    ST(c)->vol_upload(c, pool_uuid, name, path, offset, length, flags, progress, cb, opaque);
}

void lv_vol_download(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                     const char *path, uint64_t offset, uint64_t length, unsigned flags,
                     lv_progress_cb progress, lv_done_cb cb, void *opaque)
{
    lv_error err_;
    /* Reads the volume but writes a host file: not for read-only connections. */
    GUARD(refuse(c, STFN(c, vol_download), "vol-download", true, flags, LV_VOL_TRANSFER_SPARSE,
                 &err_) ||
              refuse_uuid(pool_uuid, "vol-download", &err_) ||
              refuse_vol_name(name, "vol-download", &err_) ||
              refuse_text(path, "file to download to", "vol-download", &err_),
          cb(opaque, &err_));
    ST(c)->vol_download(c, pool_uuid, name, path, offset, length, flags, progress, cb, opaque);
}
