/* qemu-img command lines for volume operations and the reader of
 * `qemu-img info --output=json`. Pure: golden-tested in tests/storage
 * (data/storage/qemu-img/). Sizes are passed in bytes, paths absolute; the
 * argv arrays are freed with lv__storage_argv_free (storage_tool.h). */
#ifndef LV_STORAGE_QEMU_IMG_H
#define LV_STORAGE_QEMU_IMG_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/storage_conf.h"
#include "core/error.h"

/* The program run (qemu-img on PATH). */
#define LV_QEMU_IMG "qemu-img"

/* vol-create: a new image of vol's format (default raw) and capacity at path
 * (the driver's temporary name; renamed into place on success). flags:
 * LV_VOL_CREATE_PREALLOC_METADATA (qcow2). A raw volume whose allocation
 * equals its capacity is preallocated (falloc); a qcow2 volume gets compat
 * (default 1.1), lazy_refcounts, cluster_size and its backing store
 * (backing_format must be set). */
char **lv__qemu_img_create_argv(const lv_vol_def *vol, const char *path, unsigned flags);
/* vol-create-from, vol-clone: src (of src_format) converted into vol's
 * format at path, with the same options as create; progress: -p. */
char **lv__qemu_img_convert_argv(const char *src, const char *src_format, const lv_vol_def *vol,
                                 const char *path, unsigned flags, bool progress);
/* vol-resize to capacity bytes; shrink: --shrink (the driver checked the
 * flag); allocate: --preallocation=falloc for the new space (raw). */
char **lv__qemu_img_resize_argv(const char *path, const char *format, uint64_t capacity,
                                bool shrink, bool allocate);
/* Facts about an image; format NULL lets qemu-img probe. */
char **lv__qemu_img_info_argv(const char *path, const char *format);

/* Fills vol->target_format, capacity (virtual-size), allocation
 * (actual-size), backing_path and backing_format from the JSON. Fails naming
 * what is missing. */
int lv__qemu_img_parse_info(const char *json, lv_vol_def *vol, lv_error *err);

/* The percentage in qemu-img -p output ("    (42.00/100%)\r"): the last
 * complete one in text, as hundredths (0..10000), or -1 when none. */
int lv__qemu_img_parse_progress(const char *text);

#endif
