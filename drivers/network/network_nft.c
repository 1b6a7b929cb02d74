/* A network definition -> its nftables table. Pure (golden-tested).
 *
 * One table per network, "inet luvirt_<uuid hex>", so net-destroy removes
 * exactly what net-start added with one `delete table`, and networks never
 * share a rule. Base chains of separate tables all see a packet: an accept
 * here does not override another table's drop, so only rejects and the
 * masquerade matter; what they match is this network's bridge and subnet:
 *   nat     out: from the subnet, masqueraded unless for the subnet itself
 *           (TCP/UDP source ports in the <nat><port> range);
 *           in: only replies to connections the guests opened
 *   route   out: from the subnet; in: to the subnet (no masquerade)
 *   isolated  nothing forwarded in or out; from the guests the host answers
 *           only DHCP and DNS; to the guests it sends only DHCP and replies
 *   open, bridge  no table at all
 * With <forward dev=...>, forwarded traffic only leaves and enters there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "network/network_gen.h"

void lv__net_nft_table(const lv_network_def *def, char out[40])
{
    int n = snprintf(out, 40, "luvirt_");
    for (size_t i = 0; i < LV_UUID_LEN; i++)
        n += snprintf(out + n, 40 - (size_t)n, "%02x", def->uuid[i]);
}

bool lv__net_nft_has_rules(const lv_network_def *def)
{
    const char *m = def->forward_mode;
    return !m || !strcmp(m, "nat") || !strcmp(m, "route");
}

static void add_forward_chain(lv_strbuf *sb, const lv_network_def *def, const char *subnet)
{
    const char *br = def->bridge_name, *dev = def->forward_dev;
    bool nat = !strcmp(def->forward_mode, "nat");
    lv_strbuf_add(sb, "  chain forward {\n"
                      "    type filter hook forward priority filter; policy accept;\n");
    /* in */
    lv_strbuf_addf(sb, "    oifname \"%s\" ", br);
    if (dev)
        lv_strbuf_addf(sb, "iifname \"%s\" ", dev);
    lv_strbuf_addf(sb, "ip daddr %s %saccept\n", subnet,
                   nat ? "ct state established,related " : "");
    lv_strbuf_addf(sb, "    oifname \"%s\" reject\n", br);
    /* out */
    lv_strbuf_addf(sb, "    iifname \"%s\" ", br);
    if (dev)
        lv_strbuf_addf(sb, "oifname \"%s\" ", dev);
    lv_strbuf_addf(sb, "ip saddr %s accept\n", subnet);
    lv_strbuf_addf(sb, "    iifname \"%s\" reject\n", br);
    lv_strbuf_add(sb, "  }\n");
}

static void add_nat_chain(lv_strbuf *sb, const lv_network_def *def, const char *subnet)
{
    char oif[64] = "";
    if (def->forward_dev)
        snprintf(oif, sizeof(oif), "oifname \"%s\" ", def->forward_dev);
    lv_strbuf_add(sb, "  chain postrouting {\n"
                      "    type nat hook postrouting priority srcnat; policy accept;\n");
    /* Multicast and broadcast stay local: never masqueraded. */
    lv_strbuf_addf(sb, "    ip saddr %s ip daddr 224.0.0.0/24 return\n", subnet);
    lv_strbuf_addf(sb, "    ip saddr %s ip daddr 255.255.255.255 return\n", subnet);
    lv_strbuf_addf(sb,
                   "    %sip saddr %s ip daddr != %s meta l4proto { tcp, udp } masquerade to "
                   ":%u-%u\n",
                   oif, subnet, subnet, def->nat_port_start.value, def->nat_port_end.value);
    lv_strbuf_addf(sb, "    %sip saddr %s ip daddr != %s masquerade\n", oif, subnet, subnet);
    lv_strbuf_add(sb, "  }\n");
}

static void add_isolated_chains(lv_strbuf *sb, const lv_network_def *def)
{
    const char *br = def->bridge_name;
    lv_strbuf_addf(sb,
                   "  chain forward {\n"
                   "    type filter hook forward priority filter; policy accept;\n"
                   "    oifname \"%s\" reject\n"
                   "    iifname \"%s\" reject\n"
                   "  }\n",
                   br, br);
    lv_strbuf_addf(sb,
                   "  chain input {\n"
                   "    type filter hook input priority filter; policy accept;\n"
                   "    iifname \"%s\" udp dport { 53, 67 } accept\n"
                   "    iifname \"%s\" tcp dport 53 accept\n"
                   "    iifname \"%s\" drop\n"
                   "  }\n",
                   br, br, br);
    lv_strbuf_addf(sb,
                   "  chain output {\n"
                   "    type filter hook output priority filter; policy accept;\n"
                   "    oifname \"%s\" udp sport 67 udp dport 68 accept\n"
                   "    oifname \"%s\" ct state established,related accept\n"
                   "    oifname \"%s\" drop\n"
                   "  }\n",
                   br, br, br);
}

char *lv__net_nft_ruleset(const lv_network_def *def)
{
    lv_strbuf sb;
    char table[40];
    lv_strbuf_init(&sb);
    lv__net_nft_table(def, table);
    lv_strbuf_addf(&sb, "# luvirt network '%s' (forward mode %s)\n", def->name,
                   def->forward_mode ? def->forward_mode : "none: isolated");
    if (!lv__net_nft_has_rules(def)) {
        lv_strbuf_add(&sb, "# no rules: this forward mode adds none\n");
        return lv_strbuf_steal(&sb);
    }
    lv_ipv4_subnet s;
    char net[16], subnet[24];
    lv_network_def_subnet(def, &s);
    lv_ipv4_format(s.network, net);
    snprintf(subnet, sizeof(subnet), "%s/%u", net, s.prefix);

    /* Declaring first makes the delete valid when the table does not exist. */
    lv_strbuf_addf(&sb, "table inet %s {}\n", table);
    lv_strbuf_addf(&sb, "delete table inet %s\n", table);
    lv_strbuf_addf(&sb, "table inet %s {\n", table);
    if (!def->forward_mode) {
        add_isolated_chains(&sb, def);
    } else {
        add_forward_chain(&sb, def, subnet);
        if (!strcmp(def->forward_mode, "nat"))
            add_nat_chain(&sb, def, subnet);
    }
    lv_strbuf_add(&sb, "}\n");
    return lv_strbuf_steal(&sb);
}
