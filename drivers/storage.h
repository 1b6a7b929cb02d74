/* The storage driver interface: pools and volumes (libvirt's formatstorage).
 * Same conventions as driver.h: asynchronous tables of function pointers, a
 * NULL entry means "not supported", the lv_* entry points check that and
 * read-only connections once for every driver. */
#ifndef LV_STORAGE_H
#define LV_STORAGE_H

#include "driver.h"

/* Releases conn->storage_priv; called by lv_conn_close. */
void lv_storage_conn_close(lv_conn *conn);

#endif
