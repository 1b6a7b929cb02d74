/* The checks of a network definition that a table cannot make, libvirt's
 * host-independent defaults, and the IPv4 helpers they use. Every refusal is
 * one line naming the element and the value. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/names.h"
#include "network_conf_priv.h"

/* ---- IPv4 ------------------------------------------------------------------ */

int lv_ipv4_parse(const char *s, uint32_t *out)
{
    struct in_addr a;
    if (!s || inet_pton(AF_INET, s, &a) != 1)
        return -1;
    *out = ntohl(a.s_addr);
    return 0;
}

void lv_ipv4_format(uint32_t addr, char out[16])
{
    snprintf(out, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255, addr & 255);
}

static uint32_t prefix_mask(unsigned prefix)
{
    return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
}

bool lv_ipv4_subnets_overlap(const lv_ipv4_subnet *a, const lv_ipv4_subnet *b)
{
    uint32_t mask = a->prefix < b->prefix ? a->netmask : b->netmask;
    return (a->network & mask) == (b->network & mask);
}

static bool in_subnet(const lv_ipv4_subnet *s, uint32_t addr)
{
    return (addr & s->netmask) == s->network;
}

/* Fills *s from an <ip> already checked by check_ip. */
static void subnet_of(const lv_network_ip *ip, lv_ipv4_subnet *s)
{
    uint32_t mask = 0;
    unsigned prefix;
    lv_ipv4_parse(ip->address, &s->address);
    if (ip->prefix.set) {
        prefix = ip->prefix.value;
        mask = prefix_mask(prefix);
    } else {
        lv_ipv4_parse(ip->netmask, &mask);
        prefix = (unsigned)__builtin_popcount(mask);
    }
    s->netmask = mask;
    s->prefix = prefix;
    s->network = s->address & mask;
    s->broadcast = s->network | ~mask;
}

int lv_network_def_subnet(const lv_network_def *def, lv_ipv4_subnet *out)
{
    if (def->nips == 0)
        return 0;
    subnet_of(&def->ips[0], out);
    return 1;
}

bool lv_network_def_forwards(const lv_network_def *def)
{
    const char *m = def->forward_mode;
    return m && (!strcmp(m, "nat") || !strcmp(m, "route") || !strcmp(m, "open"));
}

bool lv_network_def_needs_dnsmasq(const lv_network_def *def)
{
    bool bridged = def->forward_mode && !strcmp(def->forward_mode, "bridge");
    return !bridged && def->nips > 0;
}

/* ---- small checks ------------------------------------------------------------ */

static bool is_hostname(const char *s)
{
    if (!s || !*s || strlen(s) > 253 || *s == '-' || *s == '.')
        return false;
    for (const char *p = s; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '_')
            return false;
    }
    return true;
}

/* Linux interface names: 1 to 15 bytes, no '/', ':', '%' or white space. */
static int check_ifname(const char *what, const char *name, lv_error *err)
{
    char shown[64];
    size_t len = strlen(name);
    bool ok = len >= 1 && len <= 15 && strcmp(name, ".") && strcmp(name, "..");
    for (const char *p = name; ok && *p; p++) {
        if (*p == '/' || *p == ':' || *p == '%' || !isgraph((unsigned char)*p))
            ok = false;
    }
    if (ok)
        return 0;
    return lv_error_set(err, LV_ERR_INVALID_ARG,
                        "invalid %s '%s': a host interface name has 1 to 15 characters "
                        "and no '/', ':', '%%' or spaces",
                        what, lv_text_for_message(name, shown, sizeof(shown)));
}

/* addr parses as IPv4 and lies inside s, not its network or broadcast address. */
static int check_in_subnet(const lv_ipv4_subnet *s, const char *what, const char *addr,
                           uint32_t *out, lv_error *err)
{
    char shown[64], net[16];
    uint32_t a;
    if (!addr)
        return lv_error_set(err, LV_ERR_XML, "XML error: %s has no address", what);
    if (lv_ipv4_parse(addr, &a) < 0)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid IPv4 address '%s' in %s",
                            lv_text_for_message(addr, shown, sizeof(shown)), what);
    lv_ipv4_format(s->network, net);
    if (!in_subnet(s, a))
        return lv_error_set(err, LV_ERR_INVALID_ARG, "%s address %s is outside the subnet %s/%u",
                            what, addr, net, s->prefix);
    if (a == s->network || a == s->broadcast)
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "%s address %s is the %s address of the subnet %s/%u", what, addr,
                            a == s->network ? "network" : "broadcast", net, s->prefix);
    if (out)
        *out = a;
    return 0;
}

static const char *forward_mode_label(const lv_network_def *def)
{
    return def->forward_mode ? def->forward_mode : "none (isolated)";
}

/* ---- <ip> ------------------------------------------------------------------ */

int lv__nc_check_dhcp_host(const lv_network_def *def, const lv_network_dhcp_host *host,
                           lv_error *err)
{
    lv_ipv4_subnet s;
    char shown[64];
    if (lv_network_def_subnet(def, &s) == 0)
        return lv_error_set(err, LV_ERR_OPERATION_INVALID,
                            "a DHCP host needs a network with an <ip> address");
    if (!host->mac && !host->name)
        return lv_error_set(err, LV_ERR_XML,
                            "XML error: a DHCP <host> needs a mac or a name attribute");
    if (host->name && !is_hostname(host->name))
        return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid host name '%s' in DHCP <host>",
                            lv_text_for_message(host->name, shown, sizeof(shown)));
    if (!host->ip)
        return lv_error_set(err, LV_ERR_XML, "XML error: DHCP <host> %s has no ip attribute",
                            host->mac ? host->mac : host->name);
    uint32_t a;
    if (check_in_subnet(&s, "DHCP <host>", host->ip, &a, err) < 0)
        return -1;
    if (a == s.address)
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "DHCP <host> address %s is the network's own address", host->ip);
    return 0;
}

int lv_network_def_check_dhcp_hosts(const lv_network_def *def, lv_error *err)
{
    if (def->nips == 0)
        return 0;
    const lv_network_ip *ip = &def->ips[0];
    for (size_t i = 0; i < ip->nhosts; i++) {
        const lv_network_dhcp_host *h = &ip->hosts[i];
        if (lv__nc_check_dhcp_host(def, h, err) < 0)
            return -1;
        for (size_t j = 0; j < i; j++) {
            const lv_network_dhcp_host *o = &ip->hosts[j];
            if (h->mac && o->mac && !strcmp(h->mac, o->mac))
                return lv_error_set(err, LV_ERR_INVALID_ARG,
                                    "two DHCP hosts have the MAC address %s", h->mac);
            if (!strcmp(h->ip, o->ip))
                return lv_error_set(err, LV_ERR_INVALID_ARG,
                                    "two DHCP hosts have the IP address %s", h->ip);
            if (!h->mac && !o->mac && !strcmp(h->name, o->name))
                return lv_error_set(err, LV_ERR_INVALID_ARG, "two DHCP hosts have the name %s",
                                    h->name);
        }
    }
    return 0;
}

static int check_ip(lv_network_def *def, lv_error *err)
{
    lv_network_ip *ip = &def->ips[0];
    char shown[64];
    if (def->nips > 1)
        return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                            "unsupported configuration: a second <ip> element is not supported "
                            "(a luvirt network has one IPv4 subnet)");
    if ((ip->family && !strcmp(ip->family, "ipv6")) || (ip->address && strchr(ip->address, ':')))
        return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                            "unsupported configuration: IPv6 in <ip> is not supported");
    if (!ip->address)
        return lv_error_set(err, LV_ERR_XML, "XML error: <ip> has no address attribute");
    uint32_t addr, mask = 0;
    if (lv_ipv4_parse(ip->address, &addr) < 0)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid IPv4 address '%s' in <ip>",
                            lv_text_for_message(ip->address, shown, sizeof(shown)));
    if (ip->prefix.set && ip->netmask)
        return lv_error_set(err, LV_ERR_XML,
                            "XML error: <ip> has both a prefix and a netmask; give one");
    if (!ip->prefix.set && !ip->netmask)
        return lv_error_set(err, LV_ERR_XML,
                            "XML error: <ip address='%s'> needs a prefix or "
                            "a netmask",
                            ip->address);
    if (ip->netmask) {
        /* contiguous: the zero bits below the ones form 2^k - 1 */
        if (lv_ipv4_parse(ip->netmask, &mask) < 0 || (~mask & (~mask + 1)) != 0)
            return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid netmask '%s' in <ip>",
                                lv_text_for_message(ip->netmask, shown, sizeof(shown)));
    }
    unsigned prefix = ip->prefix.set ? ip->prefix.value : (unsigned)__builtin_popcount(mask);
    if (prefix < 1 || prefix > 30)
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "invalid prefix %u in <ip>: a network needs a prefix from 1 to 30",
                            prefix);
    lv_ipv4_subnet s;
    subnet_of(ip, &s);
    if (addr == s.network || addr == s.broadcast)
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "<ip> address %s is the %s address of its subnet; the bridge needs "
                            "a host address",
                            ip->address, addr == s.network ? "network" : "broadcast");

    if (ip->dhcp && !ip->nranges && !ip->nhosts)
        return lv_error_set(err, LV_ERR_XML,
                            "XML error: <dhcp> needs a <range> or a static <host>");
    uint32_t starts[ip->nranges ? ip->nranges : 1], ends[ip->nranges ? ip->nranges : 1];
    for (size_t i = 0; i < ip->nranges; i++) {
        lv_network_dhcp_range *r = &ip->ranges[i];
        if (!r->start || !r->end)
            return lv_error_set(err, LV_ERR_XML, "XML error: DHCP <range> needs start and end");
        if (check_in_subnet(&s, "DHCP range start", r->start, &starts[i], err) < 0 ||
            check_in_subnet(&s, "DHCP range end", r->end, &ends[i], err) < 0)
            return -1;
        if (starts[i] > ends[i])
            return lv_error_set(err, LV_ERR_INVALID_ARG, "DHCP range %s - %s ends before it starts",
                                r->start, r->end);
        for (size_t j = 0; j < i; j++) {
            if (starts[i] <= ends[j] && starts[j] <= ends[i])
                return lv_error_set(err, LV_ERR_INVALID_ARG,
                                    "DHCP ranges %s - %s and %s - %s overlap", r->start, r->end,
                                    ip->ranges[j].start, ip->ranges[j].end);
        }
    }
    return lv_network_def_check_dhcp_hosts(def, err);
}

/* ---- <dns>, <domain> -------------------------------------------------------- */

static int check_dns(const lv_network_def *def, lv_error *err)
{
    char shown[64];
    if (def->dns_enable == LV_TRISTATE_NO && (def->ndns_hosts || def->nforwarders))
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "<dns enable='no'> cannot have <host> or <forwarder> entries");
    for (size_t i = 0; i < def->nforwarders; i++) {
        const lv_network_dns_forwarder *f = &def->forwarders[i];
        uint32_t a;
        if (!f->addr && !f->domain)
            return lv_error_set(err, LV_ERR_XML,
                                "XML error: a DNS <forwarder> needs an addr or a domain");
        if (f->addr && lv_ipv4_parse(f->addr, &a) < 0)
            return lv_error_set(err, LV_ERR_INVALID_ARG,
                                "invalid IPv4 address '%s' in DNS <forwarder>",
                                lv_text_for_message(f->addr, shown, sizeof(shown)));
        if (f->domain && !is_hostname(f->domain))
            return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid domain '%s' in DNS <forwarder>",
                                lv_text_for_message(f->domain, shown, sizeof(shown)));
    }
    for (size_t i = 0; i < def->ndns_hosts; i++) {
        const lv_network_dns_host *h = &def->dns_hosts[i];
        uint32_t a;
        if (!h->ip)
            return lv_error_set(err, LV_ERR_XML, "XML error: a DNS <host> has no ip attribute");
        if (lv_ipv4_parse(h->ip, &a) < 0)
            return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid IPv4 address '%s' in DNS <host>",
                                lv_text_for_message(h->ip, shown, sizeof(shown)));
        if (h->nhostnames == 0)
            return lv_error_set(err, LV_ERR_XML, "XML error: DNS <host ip='%s'> needs a <hostname>",
                                h->ip);
        for (size_t j = 0; j < h->nhostnames; j++) {
            if (!is_hostname(h->hostnames[j].name))
                return lv_error_set(
                    err, LV_ERR_INVALID_ARG, "invalid host name '%s' in DNS <host ip='%s'>",
                    lv_text_for_message(h->hostnames[j].name, shown, sizeof(shown)), h->ip);
        }
    }
    if (def->domain_name && !is_hostname(def->domain_name))
        return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid domain name '%s' in <domain>",
                            lv_text_for_message(def->domain_name, shown, sizeof(shown)));
    return 0;
}

/* ---- <forward>, <bridge> ------------------------------------------------------ */

static int check_forward(lv_network_def *def, lv_error *err)
{
    if (def->has_forward && !def->forward_mode)
        def->forward_mode = lv_strdup("nat"); /* libvirt's default mode */
    bool nat = def->forward_mode && !strcmp(def->forward_mode, "nat");
    bool route = def->forward_mode && !strcmp(def->forward_mode, "route");
    if (!nat && (def->nat_port_start.set || def->nat_port_end.set))
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "<nat> in <forward> needs forward mode 'nat', not '%s'",
                            forward_mode_label(def));
    if (def->forward_dev && !nat && !route)
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "<forward dev=...> needs forward mode 'nat' or 'route', not '%s'",
                            forward_mode_label(def));
    if (def->forward_dev && check_ifname("forward device", def->forward_dev, err) < 0)
        return -1;
    if (nat) {
        if (!def->nat_port_start.set)
            def->nat_port_start = (lv_opt_uint){true, 1024};
        if (!def->nat_port_end.set)
            def->nat_port_end = (lv_opt_uint){true, 65535};
        unsigned s = def->nat_port_start.value, e = def->nat_port_end.value;
        if (s < 1 || e > 65535 || s > e)
            return lv_error_set(err, LV_ERR_INVALID_ARG,
                                "invalid NAT port range %u-%u: ports go from 1 to 65535 and "
                                "start <= end",
                                s, e);
    }
    if ((nat || route) && def->nips == 0)
        return lv_error_set(err, LV_ERR_XML,
                            "XML error: forward mode '%s' needs an <ip> address for the bridge",
                            def->forward_mode);
    return 0;
}

static int check_host_bridge_mode(const lv_network_def *def, lv_error *err)
{
    if (!def->bridge_name)
        return lv_error_set(err, LV_ERR_XML,
                            "XML error: forward mode 'bridge' needs <bridge name='...'/> "
                            "naming an existing host bridge");
    const char *extra = def->nips               ? "<ip>"
                        : def->mac              ? "<mac>"
                        : def->mtu.set          ? "<mtu>"
                        : def->domain_name      ? "<domain>"
                        : def->ndns_hosts       ? "<dns>"
                        : def->nforwarders      ? "<dns>"
                        : def->bridge_stp       ? "<bridge stp>"
                        : def->bridge_delay.set ? "<bridge delay>"
                                                : NULL;
    if (extra)
        return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                            "unsupported configuration: %s with forward mode 'bridge' (the host "
                            "bridge is not luvirt's to configure)",
                            extra);
    return 0;
}

int lv__nc_post_parse(lv_network_def *def, lv_error *err)
{
    if (!def->name)
        return lv_error_set(err, LV_ERR_XML, "XML error: the network has no <name>");
    if (lv_name_validate("network", def->name, err) < 0)
        return -1;
    if (def->title && strpbrk(def->title, "\r\n"))
        return lv_error_set(err, LV_ERR_INVALID_ARG, "a network title must be a single line");
    if (check_forward(def, err) < 0)
        return -1;
    if (def->bridge_name && check_ifname("bridge name", def->bridge_name, err) < 0)
        return -1;
    if (def->forward_mode && !strcmp(def->forward_mode, "bridge")) {
        if (check_host_bridge_mode(def, err) < 0)
            return -1;
    } else {
        if (!def->bridge_stp)
            def->bridge_stp = LV_TRISTATE_YES;
        if (!def->bridge_delay.set)
            def->bridge_delay = (lv_opt_uint){true, 0};
    }
    if (def->mtu.set && (def->mtu.value < 68 || def->mtu.value > 65535))
        return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid <mtu size='%u'>: from 68 to 65535",
                            def->mtu.value);
    if (def->nips && check_ip(def, err) < 0)
        return -1;
    return check_dns(def, err);
}
