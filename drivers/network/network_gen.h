/* The pure translators of the network driver: a definition -> dnsmasq's
 * config, static hosts and DNS hosts files, the ip commands of its bridge,
 * and the nftables ruleset.
 * Golden-tested in tests/network (tests/data/network/NAME.*); nothing here
 * looks at the host. */
#ifndef LV_NETWORK_GEN_H
#define LV_NETWORK_GEN_H

#include <stdbool.h>

#include "conf/network_conf.h"

/* Where dnsmasq's files of one network are (absolute paths). */
typedef struct lv__net_dnsmasq_paths {
    const char *pid;
    const char *leases;
    const char *hostsfile;
    const char *addnhosts;
} lv__net_dnsmasq_paths;

/* dnsmasq's config for def (lv_network_def_needs_dnsmasq(def)). */
char *lv__net_dnsmasq_conf(const lv_network_def *def, const lv__net_dnsmasq_paths *paths);
/* --dhcp-hostsfile: one "mac,ip,name" or "name,ip" line per static host. */
char *lv__net_dnsmasq_hostsfile(const lv_network_def *def);
/* --addn-hosts: one "ip name..." line per DNS host. */
char *lv__net_dnsmasq_addnhosts(const lv_network_def *def);

/* The commands for `ip -batch -` that make def's bridge: create it with its
 * MAC, MTU and STP settings, give it its address, bring it up. */
char *lv__net_bridge_commands(const lv_network_def *def);

/* The nftables table of def: "luvirt_" and the uuid's 32 hex digits. */
void lv__net_nft_table(const lv_network_def *def, char out[40]);
/* Does def need rules (isolated, nat, route)? open and bridge need none. */
bool lv__net_nft_has_rules(const lv_network_def *def);
/* The ruleset for `nft -f`: replaces the network's table as a whole (declare,
 * delete, define in one transaction). Comment lines only when it needs none. */
char *lv__net_nft_ruleset(const lv_network_def *def);

#endif
