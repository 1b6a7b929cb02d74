/* The local storage driver's table (storage_driver.h): pools and volumes
 * under the connection's scope folders. The operations live in
 * storage_pool.c, storage_vol.c and storage_transfer.c (storage_priv.h
 * lists the files and the state they keep). */
#include "storage_driver.h"

#include <stdlib.h>

#include "storage_pool_ops.h"

const lv_storage_driver lv_storage_local_driver = {
    .pool_list = lv__storage_pool_list,
    .pool_lookup = lv__storage_pool_lookup,
    .pool_define_xml = lv__storage_pool_define_xml,
    .pool_create_xml = lv__storage_pool_create_xml,
    .pool_build = lv__storage_pool_build,
    .pool_start = lv__storage_pool_start,
    .pool_destroy = lv__storage_pool_destroy,
    .pool_delete = lv__storage_pool_delete,
    .pool_undefine = lv__storage_pool_undefine,
    .pool_set_autostart = lv__storage_pool_set_autostart,
    .pool_refresh = lv__storage_pool_refresh,
    .pool_get_xml = lv__storage_pool_get_xml,
    .vol_list = lv__storage_vol_list,
    .vol_lookup = lv__storage_vol_lookup,
    .vol_create_xml = lv__storage_vol_create_xml,
    .vol_create_from = lv__storage_vol_create_from,
    .vol_delete = lv__storage_vol_delete,
    .vol_wipe = lv__storage_vol_wipe,
    .vol_resize = lv__storage_vol_resize,
    .vol_get_xml = lv__storage_vol_get_xml,
    .vol_upload = lv__storage_vol_upload,
    .vol_download = lv__storage_vol_download,
};

void lv_storage_conn_close(lv_conn *conn)
{
    free(conn->storage_priv);
    conn->storage_priv = NULL;
}
