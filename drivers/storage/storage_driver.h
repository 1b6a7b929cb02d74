/* The storage driver of hypervisor drivers that keep their files on this
 * host (qemu): pools and volumes under the connection's scope folders
 * (conn->scope). A hypervisor driver serves storage by pointing its table's
 * .storage at lv_storage_local_driver. */
#ifndef LV_STORAGE_DRIVER_H
#define LV_STORAGE_DRIVER_H

#include "storage.h"

extern const lv_storage_driver lv_storage_local_driver;

struct lv_domain_def;
/* At domain start, on the live definition: every <disk type='volume'> gets
 * its volume's path as a file (or block device) source. A disk without
 * <driver type> gets raw when the image looks raw, and is refused naming
 * the format otherwise (a format read from the image is not trusted). Fails
 * with one line naming the disk and the pool or volume (missing, inactive).
 * Synchronous: reads the pool's small definition files and the image's
 * first bytes. */
int lv_storage_resolve_disks(lv_conn *c, struct lv_domain_def *def, lv_error *err);

#endif
