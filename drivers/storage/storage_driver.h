/* The storage driver of hypervisor drivers that keep their files on this
 * host (qemu): pools and volumes under the connection's scope folders
 * (conn->scope). A hypervisor driver serves storage by pointing its table's
 * .storage at lv_storage_local_driver. */
#ifndef LV_STORAGE_DRIVER_H
#define LV_STORAGE_DRIVER_H

#include "storage.h"

extern const lv_storage_driver lv_storage_local_driver;

#endif
