/* What qemu-img info would say about a raw or qcow2 image, read from its
 * first 4 KiB without running qemu-img: dir pools list many images, and a
 * qemu-img run costs ~20 ms each. */
#ifndef LV_STORAGE_IMAGE_HEADER_H
#define LV_STORAGE_IMAGE_HEADER_H

#include "conf/storage_conf.h"

/* 1: vol's target_format, capacity, backing_path/format (and for qcow2
 * compat, lazy_refcounts) are filled in as qemu-img info reports them
 * (allocation and physical come from stat, as before). 0: not sure (another
 * format, an encrypted or external-data qcow2, unreadable): ask qemu-img. */
int lv__image_header_read(const char *path, lv_vol_def *vol);
/* The same from a regular file already open (fd, read with pread; path only
 * names it and resolves a relative backing file), file_size its st_size. */
int lv__image_header_read_fd(int fd, const char *path, uint64_t file_size, lv_vol_def *vol);

#endif
