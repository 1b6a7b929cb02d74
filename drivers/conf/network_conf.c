/* libvirt network XML <-> lv_network_def: the element table and the entry
 * points. The table lists, in libvirt's order, what luvirt accepts; xml_bind.c
 * walks it, so anything not listed is refused naming it. The checks a table
 * cannot make are in network_conf_check.c. */
#include "network_conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "domain_conf_priv.h" /* the table macros (ATTRS, A, INL, LIST...) */
#include "network_conf_priv.h"
#include "xml_bind.h"

/* clang-format off */

#define N lv_network_def
#define IP lv_network_ip

const lv__xb_elem lv__nc_dhcp_host_elem = {
    .attrs = ATTRS(A("mac", MAC, lv_network_dhcp_host, mac),
                   A("name", STR, lv_network_dhcp_host, name),
                   A("ip", STR, lv_network_dhcp_host, ip)),
};

static const lv__xb_elem ip_elem = {
    .attrs = ATTRS(AE("family", IP, family, "ipv4", "ipv6"), A("address", STR, IP, address),
                   A("netmask", STR, IP, netmask), A("prefix", UINT, IP, prefix)),
    .children = CHILDREN(
        INL("dhcp", .has_flag = true, .flag_off = offsetof(IP, dhcp),
            .children = CHILDREN(
                LIST("range", IP, ranges, nranges, lv_network_dhcp_range,
                     ELEM(.attrs = ATTRS(A("start", STR, lv_network_dhcp_range, start),
                                         A("end", STR, lv_network_dhcp_range, end)))),
                LIST("host", IP, hosts, nhosts, lv_network_dhcp_host,
                     &lv__nc_dhcp_host_elem)))),
};

static const lv__xb_elem network_elem = {
    /* connections: libvirt's live count of guests, not configuration. */
    .attrs = ATTRS({.name = "connections", .type = LV__XB_IGNORE}),
    .children = CHILDREN(
        TXT("name", STR, N, name), TXT("uuid", UUID, N, uuid), TXT("title", STR, N, title),
        TXT("description", STR, N, description),
        INL("forward", .has_flag = true, .flag_off = offsetof(N, has_forward),
            .attrs = ATTRS(AE("mode", N, forward_mode, "nat", "route", "open", "bridge"),
                           A("dev", STR, N, forward_dev)),
            .children = CHILDREN(
                INL("nat", .children = CHILDREN(
                    INL("port", .attrs = ATTRS(A("start", UINT, N, nat_port_start),
                                               A("end", UINT, N, nat_port_end))))))),
        INL("bridge", .attrs = ATTRS(A("name", STR, N, bridge_name),
                                     A("stp", ONOFF, N, bridge_stp),
                                     A("delay", UINT, N, bridge_delay))),
        INL("mtu", .attrs = ATTRS(A("size", UINT, N, mtu))),
        INL("mac", .attrs = ATTRS(A("address", MAC, N, mac))),
        INL("domain", .attrs = ATTRS(A("name", STR, N, domain_name),
                                     A("localOnly", YESNO, N, domain_local_only))),
        INL("dns", .attrs = ATTRS(A("enable", YESNO, N, dns_enable)),
            .children = CHILDREN(
                LIST("forwarder", N, forwarders, nforwarders, lv_network_dns_forwarder,
                     ELEM(.attrs = ATTRS(A("domain", STR, lv_network_dns_forwarder, domain),
                                         A("addr", STR, lv_network_dns_forwarder, addr)))),
                LIST("host", N, dns_hosts, ndns_hosts, lv_network_dns_host,
                     ELEM(.attrs = ATTRS(A("ip", STR, lv_network_dns_host, ip)),
                          .children = CHILDREN(
                              LIST("hostname", lv_network_dns_host, hostnames, nhostnames,
                                   lv_network_dns_hostname,
                                   ELEM(.text = LV__XB_STR,
                                        .text_off = offsetof(lv_network_dns_hostname,
                                                             name)))))))),
        LIST("ip", N, ips, nips, lv_network_ip, &ip_elem)),
};

/* clang-format on */


/* The root element when it is <name> without a namespace, else an error. */
static xmlNodePtr root_named(xmlDocPtr doc, const char *name, lv_error *err)
{
    xmlNodePtr node = xmlDocGetRootElement(doc);
    if (!node || node->type != XML_ELEMENT_NODE || strcmp((const char *)node->name, name) ||
        node->ns) {
        lv_error_set(err, LV_ERR_XML, "XML error: expected a <%s> element, found <%s>", name,
                     node && node->name ? (const char *)node->name : "");
        return NULL;
    }
    return node;
}

lv_network_def *lv_network_def_parse_xml(const char *xml, lv_error *err)
{
    xmlDocPtr doc = lv__xb_read_doc(xml, "network definition", "network.xml", err);
    if (!doc)
        return NULL;
    lv_network_def *def = NULL;
    xmlNodePtr node = root_named(doc, "network", err);
    if (node) {
        lv__xb_ctx ctx = {.err = err};
        def = LV_NEW(lv_network_def);
        if (lv__xb_parse(&network_elem, node, def, &ctx) < 0 || lv__nc_post_parse(def, err) < 0) {
            lv_network_def_free(def);
            def = NULL;
        }
    }
    xmlFreeDoc(doc);
    return def;
}

char *lv_network_def_format_xml(const lv_network_def *def)
{
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    lv_strbuf_add(&sb, "<network>\n");
    lv__xb_format_children(&network_elem, def, &sb, 2, 0);
    lv_strbuf_add(&sb, "</network>\n");
    return lv_strbuf_steal(&sb);
}

lv_network_def *lv_network_def_copy(const lv_network_def *def)
{
    lv_network_def *copy = LV_NEW(lv_network_def);
    memcpy(copy, def, sizeof(*copy));
    lv__xb_deepen(&network_elem, copy);
    return copy;
}

void lv_network_def_free(lv_network_def *def)
{
    if (!def)
        return;
    lv__xb_clear(&network_elem, def);
    free(def);
}

int lv_network_dhcp_host_parse_xml(const char *xml, const lv_network_def *def,
                                   lv_network_dhcp_host *out, lv_error *err)
{
    memset(out, 0, sizeof(*out));
    xmlDocPtr doc = lv__xb_read_doc(xml, "DHCP host", "network.xml", err);
    if (!doc)
        return -1;
    int rc = -1;
    xmlNodePtr node = root_named(doc, "host", err);
    if (node) {
        lv__xb_ctx ctx = {.err = err};
        rc = lv__xb_parse(&lv__nc_dhcp_host_elem, node, out, &ctx);
        if (rc == 0)
            rc = lv__nc_check_dhcp_host(def, out, err);
        if (rc < 0)
            lv_network_dhcp_host_clear(out);
    }
    xmlFreeDoc(doc);
    return rc;
}

void lv_network_dhcp_host_clear(lv_network_dhcp_host *host)
{
    lv__xb_clear(&lv__nc_dhcp_host_elem, host);
}
