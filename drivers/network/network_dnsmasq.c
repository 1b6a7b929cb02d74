/* A network definition -> dnsmasq's config and its two hosts files. Pure:
 * the same definition and paths always give the same text (golden-tested).
 *
 * Choices, against libvirt's own config:
 * - dnsmasq keeps its own lease file (dhcp-leasefile) where net-dhcp-leases
 *   reads it, instead of libvirt's --dhcp-script helper: one process fewer.
 * - user=root: dnsmasq re-reads the hosts files on SIGHUP (net-update) after
 *   it has dropped privileges, and they live in luvirt's private run folder,
 *   which its default user (nobody) cannot enter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "network/network_gen.h"

static uint64_t range_size(const lv_network_dhcp_range *r)
{
    uint32_t s = 0, e = 0;
    lv_ipv4_parse(r->start, &s);
    lv_ipv4_parse(r->end, &e);
    return (uint64_t)e - s + 1;
}

static void add_dhcp(lv_strbuf *sb, const lv_network_def *def, const lv_ipv4_subnet *s,
                     const lv__net_dnsmasq_paths *paths)
{
    const lv_network_ip *ip = &def->ips[0];
    char mask[16], net[16];
    lv_ipv4_format(s->netmask, mask);
    lv_ipv4_format(s->network, net);
    uint64_t leases = ip->nhosts;
    for (size_t i = 0; i < ip->nranges; i++) {
        lv_strbuf_addf(sb, "dhcp-range=%s,%s,%s\n", ip->ranges[i].start, ip->ranges[i].end, mask);
        leases += range_size(&ip->ranges[i]);
    }
    if (ip->nranges == 0) /* static hosts only: answer them, lease nothing else */
        lv_strbuf_addf(sb, "dhcp-range=%s,static,%s\n", net, mask);
    lv_strbuf_add(sb, "dhcp-no-override\n");
    lv_strbuf_add(sb, "dhcp-authoritative\n");
    lv_strbuf_addf(sb, "dhcp-lease-max=%llu\n", (unsigned long long)leases);
    if (!def->forward_mode) /* isolated: no default route through the host */
        lv_strbuf_add(sb, "dhcp-option=3\n");
    if (def->mtu.set)
        lv_strbuf_addf(sb, "dhcp-option-force=option:mtu,%u\n", def->mtu.value);
    lv_strbuf_addf(sb, "dhcp-leasefile=%s\n", paths->leases);
    lv_strbuf_addf(sb, "dhcp-hostsfile=%s\n", paths->hostsfile);
}

char *lv__net_dnsmasq_conf(const lv_network_def *def, const lv__net_dnsmasq_paths *paths)
{
    lv_strbuf sb;
    lv_ipv4_subnet s = {0};
    lv_network_def_subnet(def, &s);
    lv_strbuf_init(&sb);
    lv_strbuf_addf(&sb,
                   "## Written by luvirt from the definition of network '%s' at every\n"
                   "## net-start; edit the network (net-edit), not this file.\n",
                   def->name);
    lv_strbuf_add(&sb, "strict-order\n");
    lv_strbuf_add(&sb, "user=root\n");
    lv_strbuf_addf(&sb, "pid-file=%s\n", paths->pid);
    lv_strbuf_add(&sb, "except-interface=lo\n");
    lv_strbuf_add(&sb, "bind-dynamic\n");
    lv_strbuf_addf(&sb, "interface=%s\n", def->bridge_name);
    if (def->dns_enable == LV_TRISTATE_NO) {
        lv_strbuf_add(&sb, "port=0\n");
    } else {
        if (def->domain_name) {
            lv_strbuf_addf(&sb, "domain=%s\n", def->domain_name);
            lv_strbuf_add(&sb, "expand-hosts\n");
            if (def->domain_local_only == LV_TRISTATE_YES)
                lv_strbuf_addf(&sb, "local=/%s/\n", def->domain_name);
        }
        for (size_t i = 0; i < def->nforwarders; i++) {
            const lv_network_dns_forwarder *f = &def->forwarders[i];
            if (f->domain)
                lv_strbuf_addf(&sb, "server=/%s/%s\n", f->domain, f->addr ? f->addr : "");
            else
                lv_strbuf_addf(&sb, "server=%s\n", f->addr);
        }
        lv_strbuf_addf(&sb, "addn-hosts=%s\n", paths->addnhosts);
    }
    if (def->ips[0].dhcp)
        add_dhcp(&sb, def, &s, paths);
    return lv_strbuf_steal(&sb);
}

char *lv__net_dnsmasq_hostsfile(const lv_network_def *def)
{
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    for (size_t i = 0; def->nips && i < def->ips[0].nhosts; i++) {
        const lv_network_dhcp_host *h = &def->ips[0].hosts[i];
        if (h->mac)
            lv_strbuf_addf(&sb, "%s,%s%s%s\n", h->mac, h->ip, h->name ? "," : "",
                           h->name ? h->name : "");
        else
            lv_strbuf_addf(&sb, "%s,%s\n", h->name, h->ip);
    }
    return lv_strbuf_steal(&sb);
}

char *lv__net_dnsmasq_addnhosts(const lv_network_def *def)
{
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    for (size_t i = 0; i < def->ndns_hosts; i++) {
        const lv_network_dns_host *h = &def->dns_hosts[i];
        lv_strbuf_add(&sb, h->ip);
        for (size_t j = 0; j < h->nhostnames; j++)
            lv_strbuf_addf(&sb, "%s%s", j ? " " : "\t", h->hostnames[j].name);
        lv_strbuf_add(&sb, "\n");
    }
    return lv_strbuf_steal(&sb);
}
