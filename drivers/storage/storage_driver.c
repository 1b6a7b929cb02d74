/* The local storage driver's table (storage_driver.h). Operations not yet
 * filled in are NULL, which the entry points in storage_api.c report as "not
 * supported". */
#include "storage_driver.h"

#include <stdlib.h>

#include "core/alloc.h"

const lv_storage_driver lv_storage_local_driver = {
    .pool_list = NULL,
};

int lv_storage_resolve_volume(lv_conn *c, const char *pool, const char *volume, char **path,
                              char **format, lv_error *err)
{
    *path = NULL;
    *format = NULL;
    if (!c->driver->storage)
        return lv_error_set(err, LV_ERR_NO_SUPPORT,
                            "disk volume '%s' of pool '%s': the %s driver has no storage pools",
                            volume ? volume : "", pool ? pool : "", c->driver->name);
    return lv_error_set(err, LV_ERR_NO_SUPPORT,
                        "disk volume '%s' of pool '%s': volume disks are not supported yet",
                        volume ? volume : "", pool ? pool : "");
}

void lv_storage_conn_close(lv_conn *conn)
{
    free(conn->storage_priv);
    conn->storage_priv = NULL;
}
