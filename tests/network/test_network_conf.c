/* Network XML and the pure generators, like libvirt's networkxml2xml,
 * networkxml2conf and networkxml2firewall tests:
 *   tests/data/network/NAME.xml           parses, and formats back unchanged
 *   NAME.dnsmasq.conf, NAME.hostsfile,    what dnsmasq gets (networks that run it)
 *   NAME.addnhosts
 *   NAME.ip                               the commands ip -batch gets (its bridge)
 *   NAME.nft                              the ruleset nft -f gets
 * LUVIRT_TEST_REGENERATE=1 rewrites the golden files from the current code
 * (only on purpose: review the diff). Then every refusal of bad XML, each
 * with the words of its one-line message. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/network_conf.h"
#include "core/files.h"
#include "network/network_gen.h"

static const char *const cases[] = {"nat", "route", "open", "isolated", "hostbridge", "default"};

static bool regenerate(void)
{
    const char *v = getenv("LUVIRT_TEST_REGENERATE");
    return v && *v && strcmp(v, "0");
}

static char *data_path(const char *name, const char *suffix)
{
    size_t n = strlen(NETWORK_DATA_DIR) + strlen(name) + strlen(suffix) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s%s", NETWORK_DATA_DIR, name, suffix);
    return p;
}

static char *read_data(const char *name, const char *suffix)
{
    char *path = data_path(name, suffix), *text = NULL;
    size_t len;
    lv_error err;
    if (lv_file_read_all(path, &text, &len, &err) < 0)
        text = NULL;
    free(path);
    return text;
}

/* got must equal NAME+suffix; a NULL got means the file must not exist. */
static void check_golden(const char *name, const char *suffix, const char *got)
{
    char *path = data_path(name, suffix);
    if (regenerate()) {
        if (got)
            assert_int_equal(lv_file_write_atomic(path, got, strlen(got), 0644, NULL), 0);
        else
            unlink(path);
    }
    char *want = read_data(name, suffix);
    if (!got && want)
        fail_msg("%s exists but %s generates nothing for it", path, name);
    if (got && !want)
        fail_msg("%s is missing (LUVIRT_TEST_REGENERATE=1 writes it)", path);
    if (got && strcmp(got, want)) {
        fprintf(stderr, "--- %s\n%s--- generated\n%s", path, want, got);
        fail_msg("%s differs (LUVIRT_TEST_REGENERATE=1 rewrites the golden files)", path);
    }
    free(want);
    free(path);
}

static void test_goldens(void **state)
{
    (void)state;
    const lv__net_dnsmasq_paths paths = {
        .pid = "/run/luvirt/network/NAME.pid",
        .leases = "/run/luvirt/network/NAME.leases",
        .hostsfile = "/run/luvirt/network/NAME.hostsfile",
        .addnhosts = "/run/luvirt/network/NAME.addnhosts",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *name = cases[i];
        char *xml = read_data(name, ".xml");
        assert_non_null(xml);
        lv_error err = {0};
        lv_network_def *def = lv_network_def_parse_xml(xml, &err);
        if (!def)
            fail_msg("%s.xml: %s", name, err.message);
        char *again = lv_network_def_format_xml(def);
        if (strcmp(again, xml))
            fail_msg("%s.xml does not format back unchanged:\n%s", name, again);
        free(again);

        /* A copy formats the same and is freed on its own. */
        lv_network_def *copy = lv_network_def_copy(def);
        again = lv_network_def_format_xml(copy);
        assert_string_equal(again, xml);
        free(again);
        lv_network_def_free(copy);

        bool dnsmasq = lv_network_def_needs_dnsmasq(def);
        char *conf = dnsmasq ? lv__net_dnsmasq_conf(def, &paths) : NULL;
        char *hosts = dnsmasq ? lv__net_dnsmasq_hostsfile(def) : NULL;
        char *addn = dnsmasq ? lv__net_dnsmasq_addnhosts(def) : NULL;
        check_golden(name, ".dnsmasq.conf", conf);
        check_golden(name, ".hostsfile", hosts && *hosts ? hosts : NULL);
        check_golden(name, ".addnhosts", addn && *addn ? addn : NULL);
        bool own_bridge = !def->forward_mode || strcmp(def->forward_mode, "bridge");
        char *ip = own_bridge ? lv__net_bridge_commands(def) : NULL;
        check_golden(name, ".ip", ip);
        free(ip);
        char *nft = lv__net_nft_ruleset(def);
        check_golden(name, ".nft", nft);
        free(conf);
        free(hosts);
        free(addn);
        free(nft);
        lv_network_def_free(def);
        free(xml);
    }
}

/* The defaults parsing fills in, and what a short definition becomes. */
static void test_defaults(void **state)
{
    (void)state;
    lv_error err;
    lv_network_def *def = lv_network_def_parse_xml(
        "<network><name>n</name><forward/><ip address='10.1.2.1' prefix='24'/></network>", &err);
    assert_non_null(def);
    assert_string_equal(def->forward_mode, "nat");
    assert_int_equal(def->nat_port_start.value, 1024);
    assert_int_equal(def->nat_port_end.value, 65535);
    assert_int_equal(def->bridge_stp, LV_TRISTATE_YES);
    assert_true(def->bridge_delay.set);
    assert_true(lv_network_def_forwards(def));
    assert_true(lv_network_def_needs_dnsmasq(def));
    lv_ipv4_subnet s;
    assert_int_equal(lv_network_def_subnet(def, &s), 1);
    assert_int_equal(s.prefix, 24);
    char a[16];
    lv_ipv4_format(s.network, a);
    assert_string_equal(a, "10.1.2.0");
    lv_ipv4_format(s.broadcast, a);
    assert_string_equal(a, "10.1.2.255");
    lv_network_def_free(def);

    /* isolated without an address: a bridge and nothing else */
    def = lv_network_def_parse_xml("<network><name>bare</name></network>", &err);
    assert_non_null(def);
    assert_null(def->forward_mode);
    assert_false(lv_network_def_forwards(def));
    assert_false(lv_network_def_needs_dnsmasq(def));
    lv_network_def_free(def);
}

static void test_subnet_overlap(void **state)
{
    (void)state;
    lv_ipv4_subnet a = {0}, b = {0}, c = {0};
    lv_ipv4_parse("10.0.0.0", &a.network), a.netmask = 0xff000000u, a.prefix = 8;
    lv_ipv4_parse("10.20.0.0", &b.network), b.netmask = 0xffff0000u, b.prefix = 16;
    lv_ipv4_parse("192.168.1.0", &c.network), c.netmask = 0xffffff00u, c.prefix = 24;
    assert_true(lv_ipv4_subnets_overlap(&a, &b));
    assert_true(lv_ipv4_subnets_overlap(&b, &a));
    assert_false(lv_ipv4_subnets_overlap(&a, &c));
    uint32_t x;
    assert_int_equal(lv_ipv4_parse("1.2.3", &x), -1);
    assert_int_equal(lv_ipv4_parse("fe80::1", &x), -1);
}

typedef struct bad_case {
    const char *xml;
    lv_error_code code;
    const char *needle;
} bad_case;

#define NET(body) "<network><name>n</name>" body "</network>"
#define IP24(body) "<ip address='10.5.0.1' prefix='24'>" body "</ip>"

static const bad_case bad[] = {
    {"", LV_ERR_XML, "empty network definition"},
    {"<network>", LV_ERR_XML, "malformed XML"},
    {"<domain/>", LV_ERR_XML, "expected a <network> element, found <domain>"},
    {"<network/>", LV_ERR_XML, "has no <name>"},
    {"<network><name>a/b</name></network>", LV_ERR_INVALID_ARG, "invalid network name 'a/b'"},
    {NET("<forward mode='vepa'/>"), LV_ERR_CONFIG_UNSUPPORTED, "value 'vepa'"},
    {NET("<forward mode='hostdev'/>"), LV_ERR_CONFIG_UNSUPPORTED, "value 'hostdev'"},
    {NET("<forward mode='nat'><interface dev='eth0'/></forward>" IP24("")),
     LV_ERR_CONFIG_UNSUPPORTED, "element <interface> in <forward>"},
    {NET("<forward mode='nat'/>"), LV_ERR_XML, "forward mode 'nat' needs an <ip> address"},
    {NET("<forward mode='route'/>"), LV_ERR_XML, "forward mode 'route' needs an <ip>"},
    {NET("<forward mode='route'><nat><port start='1' end='2'/></nat></forward>" IP24("")),
     LV_ERR_INVALID_ARG, "<nat> in <forward> needs forward mode 'nat', not 'route'"},
    {NET("<forward mode='nat'><nat><port start='3000' end='2000'/></nat></forward>" IP24("")),
     LV_ERR_INVALID_ARG, "invalid NAT port range 3000-2000"},
    {NET("<forward mode='nat'><nat><port start='0' end='2000'/></nat></forward>" IP24("")),
     LV_ERR_INVALID_ARG, "invalid NAT port range 0-2000"},
    {NET("<forward mode='nat'><nat><address start='1.2.3.4'/></nat></forward>" IP24("")),
     LV_ERR_CONFIG_UNSUPPORTED, "element <address> in <nat>"},
    {NET("<forward mode='open' dev='eth0'/>" IP24("")), LV_ERR_INVALID_ARG,
     "<forward dev=...> needs forward mode 'nat' or 'route', not 'open'"},
    {NET("<forward mode='bridge'/>"), LV_ERR_XML, "naming an existing host bridge"},
    {NET("<forward mode='bridge'/><bridge name='br0'/>" IP24("")), LV_ERR_CONFIG_UNSUPPORTED,
     "<ip> with forward mode 'bridge'"},
    {NET("<forward mode='bridge'/><bridge name='br0' stp='on'/>"), LV_ERR_CONFIG_UNSUPPORTED,
     "<bridge stp> with forward mode 'bridge'"},
    {NET("<bridge name='this-name-is-too-long'/>"), LV_ERR_INVALID_ARG,
     "invalid bridge name 'this-name-is-too-long'"},
    {NET("<bridge name='vir%d'/>"), LV_ERR_INVALID_ARG, "invalid bridge name 'vir%d'"},
    {NET("<bridge name='br0' stp='maybe'/>"), LV_ERR_INVALID_ARG, "expected 'on' or 'off'"},
    {NET("<bridge name='br0' macTableManager='libvirt'/>"), LV_ERR_CONFIG_UNSUPPORTED,
     "attribute 'macTableManager'"},
    {NET("<mtu size='20'/>"), LV_ERR_INVALID_ARG, "invalid <mtu size='20'>"},
    {NET("<mac address='01:00:5e:00:00:01'/>"), LV_ERR_INVALID_ARG, "multicast"},
    {NET("<mac address='zz'/>"), LV_ERR_INVALID_ARG, "<mac>"},
    {NET("<ip family='ipv6' address='fd00::1' prefix='64'/>"), LV_ERR_CONFIG_UNSUPPORTED, "IPv6"},
    {NET("<ip address='fd00::1' prefix='64'/>"), LV_ERR_CONFIG_UNSUPPORTED, "IPv6"},
    {NET(IP24("") "<ip address='10.6.0.1' prefix='24'/>"), LV_ERR_CONFIG_UNSUPPORTED,
     "a second <ip> element"},
    {NET("<ip prefix='24'/>"), LV_ERR_XML, "<ip> has no address"},
    {NET("<ip address='10.5.0.300' prefix='24'/>"), LV_ERR_INVALID_ARG,
     "invalid IPv4 address '10.5.0.300' in <ip>"},
    {NET("<ip address='10.5.0.1'/>"), LV_ERR_XML, "needs a prefix or a netmask"},
    {NET("<ip address='10.5.0.1' prefix='24' netmask='255.255.255.0'/>"), LV_ERR_XML,
     "both a prefix and a netmask"},
    {NET("<ip address='10.5.0.1' netmask='255.0.255.0'/>"), LV_ERR_INVALID_ARG,
     "invalid netmask '255.0.255.0'"},
    {NET("<ip address='10.5.0.1' prefix='31'/>"), LV_ERR_INVALID_ARG, "invalid prefix 31"},
    {NET("<ip address='10.5.0.0' prefix='24'/>"), LV_ERR_INVALID_ARG,
     "is the network address of its subnet"},
    {NET("<ip address='10.5.0.255' prefix='24'/>"), LV_ERR_INVALID_ARG, "is the broadcast address"},
    {NET(IP24("<tftp root='/srv'/>")), LV_ERR_CONFIG_UNSUPPORTED, "element <tftp> in <ip>"},
    {NET(IP24("<dhcp/>")), LV_ERR_XML, "<dhcp> needs a <range> or a static <host>"},
    {NET(IP24("<dhcp><range start='10.5.0.10'/></dhcp>")), LV_ERR_XML,
     "DHCP <range> needs start and end"},
    {NET(IP24("<dhcp><range start='10.5.1.10' end='10.5.1.20'/></dhcp>")), LV_ERR_INVALID_ARG,
     "DHCP range start address 10.5.1.10 is outside the subnet 10.5.0.0/24"},
    {NET(IP24("<dhcp><range start='10.5.0.10' end='10.6.0.20'/></dhcp>")), LV_ERR_INVALID_ARG,
     "DHCP range end address 10.6.0.20 is outside the subnet 10.5.0.0/24"},
    {NET(IP24("<dhcp><range start='10.5.0.10' end='10.5.0.255'/></dhcp>")), LV_ERR_INVALID_ARG,
     "is the broadcast address of the subnet"},
    {NET(IP24("<dhcp><range start='10.5.0.20' end='10.5.0.10'/></dhcp>")), LV_ERR_INVALID_ARG,
     "ends before it starts"},
    {NET(IP24("<dhcp><range start='10.5.0.10' end='10.5.0.20'/>"
              "<range start='10.5.0.15' end='10.5.0.30'/></dhcp>")),
     LV_ERR_INVALID_ARG, "overlap"},
    {NET(IP24("<dhcp><range start='10.5.0.10' end='10.5.0.20'><lease expiry='1'/></range>"
              "</dhcp>")),
     LV_ERR_CONFIG_UNSUPPORTED, "element <lease> in <range>"},
    {NET(IP24("<dhcp><host ip='10.5.0.5'/></dhcp>")), LV_ERR_XML, "needs a mac or a name"},
    {NET(IP24("<dhcp><host mac='52:54:00:00:00:01'/></dhcp>")), LV_ERR_XML, "has no ip"},
    {NET(IP24("<dhcp><host mac='52:54:00:00:00:01' ip='10.9.0.5'/></dhcp>")), LV_ERR_INVALID_ARG,
     "DHCP <host> address 10.9.0.5 is outside the subnet"},
    {NET(IP24("<dhcp><host mac='52:54:00:00:00:01' ip='10.5.0.1'/></dhcp>")), LV_ERR_INVALID_ARG,
     "the network's own address"},
    {NET(IP24("<dhcp><host mac='52:54:00:00:00:01' ip='10.5.0.5'/>"
              "<host mac='52:54:00:00:00:01' ip='10.5.0.6'/></dhcp>")),
     LV_ERR_INVALID_ARG, "two DHCP hosts have the MAC address 52:54:00:00:00:01"},
    {NET(IP24("<dhcp><host mac='52:54:00:00:00:01' ip='10.5.0.5'/>"
              "<host mac='52:54:00:00:00:02' ip='10.5.0.5'/></dhcp>")),
     LV_ERR_INVALID_ARG, "two DHCP hosts have the IP address 10.5.0.5"},
    {NET(IP24("<dhcp><host name='bad name' ip='10.5.0.5'/></dhcp>")), LV_ERR_INVALID_ARG,
     "invalid host name 'bad name'"},
    {NET("<dns><host ip='10.5.0.9'/></dns>"), LV_ERR_XML, "needs a <hostname>"},
    {NET("<dns><host ip='nope'><hostname>a</hostname></host></dns>"), LV_ERR_INVALID_ARG,
     "invalid IPv4 address 'nope' in DNS <host>"},
    {NET("<dns><txt name='a' value='b'/></dns>"), LV_ERR_CONFIG_UNSUPPORTED,
     "element <txt> in <dns>"},
    {NET("<dns><srv service='x' protocol='tcp'/></dns>"), LV_ERR_CONFIG_UNSUPPORTED,
     "element <srv> in <dns>"},
    {NET("<dns><forwarder/></dns>"), LV_ERR_XML, "needs an addr or a domain"},
    {NET("<dns enable='no'><host ip='10.5.0.9'><hostname>a</hostname></host></dns>"),
     LV_ERR_INVALID_ARG, "<dns enable='no'> cannot have"},
    {NET("<domain name='bad domain'/>"), LV_ERR_INVALID_ARG, "invalid domain name 'bad domain'"},
    {NET("<portgroup name='pg'/>"), LV_ERR_CONFIG_UNSUPPORTED, "element <portgroup>"},
    {NET("<virtualport type='openvswitch'/>"), LV_ERR_CONFIG_UNSUPPORTED, "element <virtualport>"},
    {NET("<bandwidth/>"), LV_ERR_CONFIG_UNSUPPORTED, "element <bandwidth>"},
    {NET("<route address='10.7.0.0' prefix='24' gateway='10.5.0.2'/>"), LV_ERR_CONFIG_UNSUPPORTED,
     "element <route>"},
    {"<network ipv6='yes'><name>n</name></network>", LV_ERR_CONFIG_UNSUPPORTED, "attribute 'ipv6'"},
    {"<network trustGuestRxFilters='yes'><name>n</name></network>", LV_ERR_CONFIG_UNSUPPORTED,
     "attribute 'trustGuestRxFilters'"},
    {NET("<name>again</name>"), LV_ERR_XML, "appears more than once"},
};

static void test_bad_input(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        lv_error err = {0};
        lv_network_def *def = lv_network_def_parse_xml(bad[i].xml, &err);
        if (def)
            fail_msg("accepted: %s", bad[i].xml);
        if (err.code != bad[i].code || !strstr(err.message, bad[i].needle))
            fail_msg("%s\n  gave %s \"%s\"\n  expected %s \"%s\"", bad[i].xml,
                     lv_error_code_name(err.code), err.message, lv_error_code_name(bad[i].code),
                     bad[i].needle);
        if (strchr(err.message, '\n'))
            fail_msg("message of %s is not one line: %s", bad[i].xml, err.message);
    }
}

static void test_dhcp_host_parse(void **state)
{
    (void)state;
    lv_error err;
    lv_network_def *def = lv_network_def_parse_xml(NET(IP24("")), &err);
    assert_non_null(def);
    lv_network_dhcp_host h;
    assert_int_equal(lv_network_dhcp_host_parse_xml(
                         "<host mac='52:54:00:AB:00:01' name='x' ip='10.5.0.7'/>", def, &h, &err),
                     0);
    assert_string_equal(h.mac, "52:54:00:ab:00:01");
    assert_string_equal(h.ip, "10.5.0.7");
    lv_network_dhcp_host_clear(&h);
    assert_int_equal(lv_network_dhcp_host_parse_xml("<host mac='52:54:00:ab:00:01' "
                                                    "ip='10.8.0.7'/>",
                                                    def, &h, &err),
                     -1);
    assert_non_null(strstr(err.message, "outside the subnet 10.5.0.0/24"));
    assert_int_equal(lv_network_dhcp_host_parse_xml("<range start='a'/>", def, &h, &err), -1);
    assert_non_null(strstr(err.message, "expected a <host> element"));
    assert_int_equal(lv_network_dhcp_host_parse_xml("<host foo='1'/>", def, &h, &err), -1);
    assert_non_null(strstr(err.message, "attribute 'foo'"));
    lv_network_def_free(def);

    def = lv_network_def_parse_xml(NET(""), &err);
    assert_int_equal(lv_network_dhcp_host_parse_xml("<host mac='52:54:00:ab:00:01' "
                                                    "ip='10.8.0.7'/>",
                                                    def, &h, &err),
                     -1);
    assert_non_null(strstr(err.message, "needs a network with an <ip> address"));
    lv_network_def_free(def);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_goldens),         cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_subnet_overlap),  cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_dhcp_host_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
