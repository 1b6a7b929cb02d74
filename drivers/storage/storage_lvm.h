/* The lvm2 tool lines of logical pools and the parsers of their reports.
 * Pure: golden-tested in tests/storage_pools (data/logical.argv). Sizes are
 * passed in bytes ("b" suffix) so lvm2 never guesses a unit; lvm2 rounds an
 * LV up to whole extents. */
#ifndef LV_STORAGE_LVM_H
#define LV_STORAGE_LVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* pool-build: one PV per source device (force: pool-build --overwrite), then the VG. */
char **lv__lvm_pvcreate_argv(const char *device, bool force);
char **lv__lvm_vgcreate_argv(const char *vg, char *const *devices, size_t n_devices);
/* pool-start (activate) and pool-destroy. */
char **lv__lvm_vgchange_argv(const char *vg, bool activate);
/* pool-delete: the VG, then each PV label. */
char **lv__lvm_vgremove_argv(const char *vg);
char **lv__lvm_pvremove_argv(const char *device);
/* pool-refresh: the VG's size and free space, then its LVs. */
char **lv__lvm_vgs_argv(const char *vg);
char **lv__lvm_lvs_argv(const char *vg);
/* Volumes. */
char **lv__lvm_lvcreate_argv(const char *vg, const char *lv, uint64_t capacity);
char **lv__lvm_lvremove_argv(const char *vg, const char *lv);
/* shrink: lvm2 asks before reducing; the caller has checked --shrink. */
char **lv__lvm_lvresize_argv(const char *vg, const char *lv, uint64_t capacity, bool shrink);

/* vol-create-from / vol-clone into an LV lvcreate has just made: qemu-img
 * writes src's data (of src_format) raw into the existing device (-n: no
 * create), with -p progress. */
char **lv__lvm_fill_argv(const char *src, const char *src_format, const char *vg, const char *lv);

typedef struct lv__lvm_vg {
    uint64_t size;
    uint64_t free;
    uint64_t extent_size;
} lv__lvm_vg;

typedef struct lv__lvm_lv {
    char *name;
    char *path; /* /dev/VG/LV */
    uint64_t size;
    char attr[11]; /* lv_attr: [0] type (- s V t ...), [4] state (a: active) */
    char *origin;  /* a snapshot's origin, or NULL */
} lv__lvm_lv;

typedef struct lv__lvm_lv_list {
    size_t count;
    lv__lvm_lv *items;
} lv__lvm_lv_list;

/* The output of lv__lvm_vgs_argv / lv__lvm_lvs_argv. A line that does not
 * parse fails naming it. */
int lv__lvm_parse_vgs(const char *out, lv__lvm_vg *vg, lv_error *err);
int lv__lvm_parse_lvs(const char *out, lv__lvm_lv_list *list, lv_error *err);
void lv__lvm_lv_list_clear(lv__lvm_lv_list *list);

/* lvm2's rule for VG and LV names: letters, digits and "+_.-", not starting
 * with '-', not "." or "..", at most 127 characters. Fails naming the name. */
int lv__lvm_check_name(const char *what, const char *name, lv_error *err);

#endif
