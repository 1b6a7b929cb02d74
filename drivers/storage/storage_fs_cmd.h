/* The tool lines of fs pools (blkid, mkfs, mount, umount) and the readers of
 * what they and the kernel report. Pure: golden-tested in tests/storage_pools
 * (data/fs.argv). */
#ifndef LV_STORAGE_FS_CMD_H
#define LV_STORAGE_FS_CMD_H

#include <stdbool.h>

#include "core/error.h"

/* The filesystem types an fs pool can build and mount; "auto" mounts whatever
 * the device holds and builds ext4. */
bool lv__fs_format_known(const char *format);

/* Probes the device for any signature (filesystem, partition table, LVM PV):
 * exit status 2 means none. */
char **lv__fs_blkid_argv(const char *device);
/* What blkid -p -o export found: a malloc'd "ext4", "LVM2_member", "dos" (a
 * partition table), ..., or NULL when the output names nothing. */
char *lv__fs_blkid_type(const char *out);
/* The same for people, malloc'd: "a filesystem (ext4)", "a partition table
 * (dos)", "a signature (LVM2_member)"; NULL when the output names nothing. */
char *lv__fs_blkid_describe(const char *out);

/* pool-build: a new filesystem of format on device ("auto": ext4). The caller
 * has checked with blkid that nothing is there, or was told --overwrite. */
char **lv__fs_mkfs_argv(const char *format, const char *device);
/* pool-start: device (image_file: a regular file, mounted through a loop
 * device that the kernel frees at unmount) on target. */
char **lv__fs_mount_argv(const char *format, const char *device, const char *target,
                         bool image_file);
/* pool-destroy. */
char **lv__fs_umount_argv(const char *target);

/* Looks for a mount on target in a mountinfo text (/proc/self/mountinfo):
 * 1 and *source (malloc'd; may be NULL) when mounted, 0 when not. */
int lv__fs_mountinfo_find(const char *mountinfo, const char *target, char **source);

#endif
