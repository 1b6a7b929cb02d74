/* libvirt storage pool and volume XML (formatstorage) <-> C structs: the
 * subset luvirt serves, parsed and formatted by the xml_bind tables in
 * storage_conf.c. Anything not listed there is refused with an error naming
 * it. Enumerated values stay the strings the XML uses ("dir", "qcow2").
 * docs/storage.md describes the same subset for users. */
#ifndef LV_CONF_STORAGE_CONF_H
#define LV_CONF_STORAGE_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/uuid.h"
#include "domain_conf.h" /* lv_opt_int */

/* A size element (<capacity unit='G'>10</capacity>), kept in bytes and
 * written back as unit='bytes'. */
typedef struct lv_opt_size {
    bool set;
    uint64_t bytes;
} lv_opt_size;

/* <permissions> of a pool target, a volume target or a backing store. */
typedef struct lv_storage_perms {
    char *mode;       /* octal text ("0711"); checked: at most 07777 */
    lv_opt_int owner; /* uid; -1 or absent: unchanged */
    lv_opt_int group;
    char *label;
} lv_storage_perms;

/* ---- pools --------------------------------------------------------------- */

typedef struct lv_pool_source_device {
    char *path;
} lv_pool_source_device;

typedef struct lv_pool_def {
    char *type; /* "dir", "fs", "logical"; any other is refused when parsing */
    char *name;
    unsigned char uuid[LV_UUID_LEN]; /* generated at parse when absent */
    /* Live values, written by dumpxml of an active pool; ignored on input. */
    lv_opt_size capacity, allocation, available;
    /* <source> */
    lv_pool_source_device *source_devices; /* fs: one (block device or image file);
                                              logical: the PVs (none: an existing VG) */
    size_t n_source_devices;
    char *source_name;   /* logical: the VG (default: the pool's name) */
    char *source_format; /* <format type=...>: fs: auto, ext4, xfs...; logical: lvm2 */
    /* <target> */
    char *target_path; /* required for dir and fs; logical: /dev/VG (filled in) */
    lv_storage_perms target_perms;
} lv_pool_def;

/* The pool types luvirt serves; the parser names any other in its refusal
 * ("pool type 'iscsi' is not supported"). */
bool lv_pool_type_supported(const char *type);

enum { /* lv_pool_def_parse_xml */
    LV_POOL_PARSE_KEEP_LIVE = 1 << 0, /* keep capacity/allocation/available (status files) */
};

/* Parses and checks a <pool>: name (a file name), type, target path
 * (absolute, normalised: no trailing '/', no "//", no "." or ".."
 * components), permissions. A missing UUID is generated. */
lv_pool_def *lv_pool_def_parse_xml(const char *xml, unsigned flags, lv_error *err);
enum { /* lv_pool_def_format_xml */
    LV_POOL_FORMAT_INACTIVE = 1 << 0, /* leave out capacity/allocation/available */
};
char *lv_pool_def_format_xml(const lv_pool_def *def, unsigned flags);
lv_pool_def *lv_pool_def_copy(const lv_pool_def *def);
void lv_pool_def_free(lv_pool_def *def);

/* ---- volumes ------------------------------------------------------------- */

typedef struct lv_vol_def {
    char *type; /* file, block, dir (the pool's backend fills it in) */
    char *name;
    char *key; /* output only: ignored on input */
    lv_opt_size capacity;   /* required on input */
    lv_opt_size allocation; /* input: how much to preallocate (raw) */
    lv_opt_size physical;   /* output only */
    /* <target> */
    char *target_path;   /* output only: the pool decides where a volume lives */
    char *target_format; /* raw, qcow2, ... (default: raw) */
    lv_storage_perms target_perms;
    char *target_compat;          /* qcow2: 0.10 or 1.1 */
    bool target_lazy_refcounts;   /* qcow2: <features><lazy_refcounts/></features> */
    lv_opt_size target_cluster_size;
    bool target_nocow;
    /* <backingStore> */
    char *backing_path;
    char *backing_format;
    lv_storage_perms backing_perms;
} lv_vol_def;

/* Parses and checks a <volume>: name (a file name: no '/', not "." or "..",
 * nothing hidden), capacity, format (a known one). */
lv_vol_def *lv_vol_def_parse_xml(const char *xml, unsigned flags, lv_error *err);
char *lv_vol_def_format_xml(const lv_vol_def *def, unsigned flags);
lv_vol_def *lv_vol_def_copy(const lv_vol_def *def);
void lv_vol_def_free(lv_vol_def *def);
/* Frees what def holds and zeroes it (for arrays of volume defs). */
void lv_vol_def_clear(lv_vol_def *def);

/* Image formats a volume can be described with (those qemu-img knows). */
bool lv_vol_format_known(const char *format);

#endif
