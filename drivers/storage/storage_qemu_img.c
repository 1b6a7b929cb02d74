/* qemu-img command lines and its JSON info (storage_qemu_img.h). */
#include "storage_qemu_img.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "storage.h"
#include "storage_tool.h"

static bool streq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

static const char *vol_format(const lv_vol_def *vol)
{
    return vol->target_format ? vol->target_format : "raw";
}

/* -o options of a new image, comma-separated; NULL when none. Values come
 * from checked XML (compat is 0.10 or 1.1, sizes are numbers), so none
 * holds a comma; paths go as their own arguments (-b), never inside -o. */
static char *create_options(const lv_vol_def *vol, unsigned flags)
{
    lv__storage_argv opts = {0};
    const char *fmt = vol_format(vol);
    if (streq(fmt, "qcow2")) {
        lv__storage_argv_addf(&opts, "compat=%s", vol->target_compat ? vol->target_compat : "1.1");
        if (vol->target_lazy_refcounts)
            lv__storage_argv_add(&opts, "lazy_refcounts=on");
        if (vol->target_cluster_size.set)
            lv__storage_argv_addf(&opts, "cluster_size=%" PRIu64, vol->target_cluster_size.bytes);
        if (vol->target_nocow)
            lv__storage_argv_add(&opts, "nocow=on");
        if (flags & LV_VOL_CREATE_PREALLOC_METADATA)
            lv__storage_argv_add(&opts, "preallocation=metadata");
    } else if (streq(fmt, "raw")) {
        if (vol->allocation.set && vol->allocation.bytes >= vol->capacity.bytes &&
            vol->capacity.bytes > 0)
            lv__storage_argv_add(&opts, "preallocation=falloc");
        if (vol->target_nocow)
            lv__storage_argv_add(&opts, "nocow=on");
    }
    if (!opts.count)
        return NULL;
    char **items = lv__storage_argv_steal(&opts);
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    for (size_t i = 0; items[i]; i++) {
        if (i)
            lv_strbuf_add(&sb, ",");
        lv_strbuf_add(&sb, items[i]);
    }
    lv__storage_argv_free(items);
    return lv_strbuf_steal(&sb);
}

char **lv__qemu_img_create_argv(const lv_vol_def *vol, const char *path, unsigned flags)
{
    lv__storage_argv a = {0};
    lv__storage_argv_add(&a, LV_QEMU_IMG);
    lv__storage_argv_add(&a, "create");
    lv__storage_argv_add(&a, "-q");
    lv__storage_argv_add(&a, "-f");
    lv__storage_argv_add(&a, vol_format(vol));
    char *opts = create_options(vol, flags);
    if (opts) {
        lv__storage_argv_add(&a, "-o");
        lv__storage_argv_add(&a, opts);
        free(opts);
    }
    if (vol->backing_path) {
        lv__storage_argv_add(&a, "-b");
        lv__storage_argv_add(&a, vol->backing_path);
        lv__storage_argv_add(&a, "-F");
        lv__storage_argv_add(&a, vol->backing_format ? vol->backing_format : "raw");
    }
    lv__storage_argv_add(&a, path);
    lv__storage_argv_addf(&a, "%" PRIu64, vol->capacity.bytes);
    return lv__storage_argv_steal(&a);
}

char **lv__qemu_img_convert_argv(const char *src, const char *src_format, const lv_vol_def *vol,
                                 const char *path, unsigned flags, bool progress)
{
    lv__storage_argv a = {0};
    lv__storage_argv_add(&a, LV_QEMU_IMG);
    lv__storage_argv_add(&a, "convert");
    if (progress)
        lv__storage_argv_add(&a, "-p");
    else
        lv__storage_argv_add(&a, "-q");
    /* Share the source's lock: a clone of a volume a paused guest holds is
     * still consistent; a running guest's is the user's risk, as libvirt. */
    lv__storage_argv_add(&a, "-U");
    lv__storage_argv_add(&a, "-f");
    lv__storage_argv_add(&a, src_format ? src_format : "raw");
    lv__storage_argv_add(&a, "-O");
    lv__storage_argv_add(&a, vol_format(vol));
    char *opts = create_options(vol, flags);
    if (opts) {
        lv__storage_argv_add(&a, "-o");
        lv__storage_argv_add(&a, opts);
        free(opts);
    }
    lv__storage_argv_add(&a, src);
    lv__storage_argv_add(&a, path);
    return lv__storage_argv_steal(&a);
}

char **lv__qemu_img_resize_argv(const char *path, const char *format, uint64_t capacity,
                                bool shrink, bool allocate)
{
    lv__storage_argv a = {0};
    lv__storage_argv_add(&a, LV_QEMU_IMG);
    lv__storage_argv_add(&a, "resize");
    lv__storage_argv_add(&a, "-q");
    lv__storage_argv_add(&a, "-f");
    lv__storage_argv_add(&a, format ? format : "raw");
    if (allocate)
        lv__storage_argv_add(&a, "--preallocation=falloc");
    if (shrink)
        lv__storage_argv_add(&a, "--shrink");
    lv__storage_argv_add(&a, path);
    lv__storage_argv_addf(&a, "%" PRIu64, capacity);
    return lv__storage_argv_steal(&a);
}

char **lv__qemu_img_info_argv(const char *path, const char *format)
{
    lv__storage_argv a = {0};
    lv__storage_argv_add(&a, LV_QEMU_IMG);
    lv__storage_argv_add(&a, "info");
    lv__storage_argv_add(&a, "--output=json");
    /* A running guest holds the write lock; reading the header is safe. */
    lv__storage_argv_add(&a, "-U");
    if (format) {
        lv__storage_argv_add(&a, "-f");
        lv__storage_argv_add(&a, format);
    }
    lv__storage_argv_add(&a, path);
    return lv__storage_argv_steal(&a);
}

static bool get_u64(json_object *o, const char *key, uint64_t *out)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
        return false;
    *out = json_object_get_uint64(v);
    return true;
}

static const char *get_str(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

int lv__qemu_img_parse_info(const char *json, lv_vol_def *vol, lv_error *err)
{
    json_object *o = json_tokener_parse(json ? json : "");
    if (!o || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        return lv_error_set(err, LV_ERR_INTERNAL, "qemu-img info: its output is not a JSON object");
    }
    const char *format = get_str(o, "format");
    uint64_t vsize, asize = 0;
    if (!format || !get_u64(o, "virtual-size", &vsize)) {
        json_object_put(o);
        return lv_error_set(err, LV_ERR_INTERNAL,
                            "qemu-img info: its output lacks the format or virtual-size");
    }
    get_u64(o, "actual-size", &asize);
    free(vol->target_format);
    vol->target_format = lv_strdup(format);
    vol->capacity.set = true;
    vol->capacity.bytes = vsize;
    vol->allocation.set = true;
    vol->allocation.bytes = asize;
    const char *backing = get_str(o, "full-backing-filename");
    if (!backing)
        backing = get_str(o, "backing-filename");
    free(vol->backing_path);
    vol->backing_path = lv_strdup(backing);
    free(vol->backing_format);
    vol->backing_format = lv_strdup(backing ? get_str(o, "backing-filename-format") : NULL);
    json_object *spec, *data;
    if (json_object_object_get_ex(o, "format-specific", &spec) &&
        json_object_object_get_ex(spec, "data", &data) && streq(format, "qcow2")) {
        const char *compat = get_str(data, "compat");
        free(vol->target_compat);
        vol->target_compat = lv_strdup(compat);
        json_object *lazy;
        vol->target_lazy_refcounts = json_object_object_get_ex(data, "lazy-refcounts", &lazy) &&
                                     json_object_get_boolean(lazy);
    }
    json_object_put(o);
    return 0;
}

int lv__qemu_img_parse_progress(const char *text)
{
    int best = -1;
    for (const char *p = text ? strchr(text, '(') : NULL; p; p = strchr(p + 1, '(')) {
        char *end;
        double v = strtod(p + 1, &end);
        if (end == p + 1 || strncmp(end, "/100%)", 6))
            continue;
        if (v < 0)
            v = 0;
        if (v > 100)
            v = 100;
        best = (int)(v * 100 + 0.5);
    }
    return best;
}
