/* The network entry points the bindings and other drivers call. */
#include "network.h"

void lv_network_conn_close(lv_conn *conn)
{
    (void)conn;
}
