/* libvirt network XML (formatnetwork) <-> C structs: parse, validate, format.
 * Owned by the network driver. The subset: name, uuid, title, description,
 * forward (nat with a port range, route, open, bridge; none: isolated), bridge
 * (name, stp, delay), mtu, mac, domain, dns (enable, forwarders, hosts), one
 * IPv4 <ip> with address and prefix or netmask, dhcp ranges and static hosts.
 * Anything else that would change what the network does is refused naming it.
 * docs/networks.md describes the same subset.
 *
 * As in domain_conf.h, enumerated values are kept as the XML's strings,
 * checked; absent fields are NULL / unset. */
#ifndef LV_CONF_NETWORK_CONF_H
#define LV_CONF_NETWORK_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/uuid.h"
#include "domain_conf.h" /* lv_opt_uint, lv_tristate */

typedef struct lv_network_dhcp_range {
    char *start;
    char *end;
} lv_network_dhcp_range;

typedef struct lv_network_dhcp_host {
    char *mac; /* normalised lower case; NULL: matched by name */
    char *name;
    char *ip;
} lv_network_dhcp_host;

typedef struct lv_network_dns_hostname {
    char *name;
} lv_network_dns_hostname;

typedef struct lv_network_dns_host {
    char *ip;
    lv_network_dns_hostname *hostnames;
    size_t nhostnames;
} lv_network_dns_host;

typedef struct lv_network_dns_forwarder {
    char *addr;
    char *domain;
} lv_network_dns_forwarder;

typedef struct lv_network_ip {
    char *family; /* "ipv4" or NULL (IPv6 is refused) */
    char *address;
    char *netmask;
    lv_opt_uint prefix;
    bool dhcp; /* a <dhcp> element is present */
    lv_network_dhcp_range *ranges;
    size_t nranges;
    lv_network_dhcp_host *hosts;
    size_t nhosts;
} lv_network_ip;

typedef struct lv_network_def {
    char *name;
    unsigned char uuid[LV_UUID_LEN];
    char *title;
    char *description;
    bool has_forward;
    char *forward_mode; /* "nat" (also when <forward> has no mode), "route", "open",
                           "bridge"; NULL: isolated */
    char *forward_dev;  /* nat/route: leave only through this host interface */
    lv_opt_uint nat_port_start, nat_port_end;
    char *bridge_name;
    lv_tristate bridge_stp;
    lv_opt_uint bridge_delay;
    lv_opt_uint mtu;
    char *mac;
    char *domain_name;
    lv_tristate domain_local_only;
    lv_tristate dns_enable;
    lv_network_dns_forwarder *forwarders;
    size_t nforwarders;
    lv_network_dns_host *dns_hosts;
    size_t ndns_hosts;
    lv_network_ip *ips; /* at most one */
    size_t nips;
} lv_network_def;

/* An IPv4 subnet in host byte order. */
typedef struct lv_ipv4_subnet {
    uint32_t address; /* the host's (bridge's) address */
    uint32_t netmask;
    uint32_t network;
    uint32_t broadcast;
    unsigned prefix;
} lv_ipv4_subnet;

/* Parses and validates; fills libvirt's defaults that need no host
 * (nat port range 1024-65535, stp on, delay 0). uuid, mac and bridge name,
 * when absent, are for the driver to generate. */
lv_network_def *lv_network_def_parse_xml(const char *xml, lv_error *err);
char *lv_network_def_format_xml(const lv_network_def *def);
lv_network_def *lv_network_def_copy(const lv_network_def *def);
void lv_network_def_free(lv_network_def *def);

/* The subnet of def's <ip>; returns 0 when it has none, 1 when filled. */
int lv_network_def_subnet(const lv_network_def *def, lv_ipv4_subnet *out);
/* Does the network need the host to forward packets (nat, route, open)? */
bool lv_network_def_forwards(const lv_network_def *def);
/* Does the network run dnsmasq (an <ip> on a bridge luvirt creates)? */
bool lv_network_def_needs_dnsmasq(const lv_network_def *def);

/* One <host mac= name= ip=/> as net-update gives it, checked against def's
 * subnet; *out is filled (clear with lv_network_dhcp_host_clear). */
int lv_network_dhcp_host_parse_xml(const char *xml, const lv_network_def *def,
                                   lv_network_dhcp_host *out, lv_error *err);
void lv_network_dhcp_host_clear(lv_network_dhcp_host *host);
/* The checks define makes on def's hosts (after net-update changed them). */
int lv_network_def_check_dhcp_hosts(const lv_network_def *def, lv_error *err);

/* "192.168.122.1" -> host-order address; -1 when it is not dotted IPv4. */
int lv_ipv4_parse(const char *s, uint32_t *out);
void lv_ipv4_format(uint32_t addr, char out[16]);
/* Do two subnets share an address? */
bool lv_ipv4_subnets_overlap(const lv_ipv4_subnet *a, const lv_ipv4_subnet *b);

#endif
