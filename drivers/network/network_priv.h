/* What the files of the network driver share (not for other parts). */
#ifndef LV_NETWORK_PRIV_H
#define LV_NETWORK_PRIV_H

#include "network.h"

/* Hands an event to the connection's network event handler, if any. */
void lv__net_emit_event(lv_conn *conn, const lv_net_info *net, int event, int detail);
/* Releases conn->network_priv (lv_network_conn_close). */
void lv__net_conn_release(lv_conn *conn);

#endif
