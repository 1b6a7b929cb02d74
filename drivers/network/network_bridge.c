/* A network definition -> the iproute2 commands that make its bridge, for
 * one `ip -batch -`. Pure (golden-tested). One batch instead of three runs of
 * ip: it stops at the first command that fails, and what it made is taken
 * down by the teardown like the rest. */
#include <stdio.h>

#include "core/strbuf.h"
#include "network/network_gen.h"

char *lv__net_bridge_commands(const lv_network_def *def)
{
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    lv_strbuf_addf(&sb, "link add name %s", def->bridge_name);
    if (def->mac)
        lv_strbuf_addf(&sb, " address %s", def->mac);
    if (def->mtu.set)
        lv_strbuf_addf(&sb, " mtu %u", def->mtu.value);
    /* forward_delay is in centiseconds; with STP on the kernel raises it to
     * its 2 s minimum, as it does for libvirt's delay='0' */
    lv_strbuf_addf(&sb, " type bridge stp_state %d forward_delay %u\n",
                   def->bridge_stp == LV_TRISTATE_NO ? 0 : 1, def->bridge_delay.value * 100);
    lv_ipv4_subnet s;
    if (lv_network_def_subnet(def, &s)) {
        char addr[16], brd[16];
        lv_ipv4_format(s.address, addr);
        lv_ipv4_format(s.broadcast, brd);
        lv_strbuf_addf(&sb, "addr add %s/%u broadcast %s dev %s\n", addr, s.prefix, brd,
                       def->bridge_name);
    }
    lv_strbuf_addf(&sb, "link set dev %s up\n", def->bridge_name);
    return lv_strbuf_steal(&sb);
}
