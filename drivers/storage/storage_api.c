/* The storage entry points the bindings and other drivers call. */
#include "storage.h"

void lv_storage_conn_close(lv_conn *conn)
{
    (void)conn;
}
