/* Domain XML: golden round trips on tests/conf/data and one test per refusal.
 *
 * For every data/NAME.xml (not *.out.xml, *.inactive.xml):
 *   format(parse(NAME.xml)) == NAME.out.xml, or NAME.xml itself when there is no .out;
 *   parsing and formatting that output again gives the same text (stable);
 *   a copy formats the same;
 *   the inactive form (LV_DOMAIN_FORMAT_INACTIVE) == NAME.inactive.xml when present.
 * LUVIRT_TEST_REGENERATE=1 rewrites the .out.xml files (and .inactive.xml files that
 * exist) from the current code: only on purpose, then review the diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "conf/domain_conf.h"
#include "core/alloc.h"
#include "core/files.h"
#include "core/strbuf.h"

#ifndef CONF_DATA_DIR
#error "CONF_DATA_DIR must point at tests/conf/data"
#endif

static bool regenerate(void)
{
    const char *v = getenv("LUVIRT_TEST_REGENERATE");
    return v && *v && strcmp(v, "0");
}

static char *read_file_or_null(const char *path)
{
    char *data = NULL;
    size_t len;

    if (access(path, F_OK) < 0)
        return NULL;
    if (lv_file_read_all(path, &data, &len, NULL) < 0)
        fail_msg("cannot read %s", path);
    return data;
}

static void write_file(const char *path, const char *text)
{
    lv_error err;

    if (lv_file_write_atomic(path, text, strlen(text), 0644, &err) < 0)
        fail_msg("cannot write %s: %s", path, err.message);
}

static void assert_text_equal(const char *what, const char *expected, const char *actual)
{
    if (strcmp(expected, actual)) {
        fprintf(stderr, "---- %s: expected ----\n%s---- actual ----\n%s----\n", what, expected,
                actual);
        fail_msg("%s differs (LUVIRT_TEST_REGENERATE=1 rewrites the golden files)", what);
    }
}

/* <domain type='kvm' id='3'>: the id to format the live form with. */
static int input_id(const char *xml)
{
    const char *d = strstr(xml, "<domain ");
    const char *end = d ? strchr(d, '>') : NULL;
    const char *id = d ? strstr(d, " id='") : NULL;

    if (!id || id > end)
        return -1;
    return atoi(id + 5);
}

static void round_trip_one(const char *name)
{
    char *in_path = lv_asprintf("%s/%s.xml", CONF_DATA_DIR, name);
    char *out_path = lv_asprintf("%s/%s.out.xml", CONF_DATA_DIR, name);
    char *inactive_path = lv_asprintf("%s/%s.inactive.xml", CONF_DATA_DIR, name);
    char *input = read_file_or_null(in_path);
    lv_error err = {0};
    int id;

    assert_non_null(input);
    id = input_id(input);
    lv_domain_def *def = lv_domain_def_parse_xml(input, 0, &err);
    if (!def)
        fail_msg("%s: %s", in_path, err.message);
    char *formatted = lv_domain_def_format_xml(def, id, LV_DOMAIN_FORMAT_SECURE);
    char *inactive =
        lv_domain_def_format_xml(def, -1, LV_DOMAIN_FORMAT_INACTIVE | LV_DOMAIN_FORMAT_SECURE);

    if (regenerate()) {
        if (strcmp(formatted, input))
            write_file(out_path, formatted);
        else
            unlink(out_path);
        if (access(inactive_path, F_OK) == 0)
            write_file(inactive_path, inactive);
    }

    char *expected = read_file_or_null(out_path);
    assert_text_equal(name, expected ? expected : input, formatted);

    /* stable: the output parses to the same output */
    lv_domain_def *again = lv_domain_def_parse_xml(formatted, 0, &err);
    if (!again)
        fail_msg("%s: output does not parse again: %s", name, err.message);
    char *formatted2 = lv_domain_def_format_xml(again, id, LV_DOMAIN_FORMAT_SECURE);
    assert_text_equal("second round", formatted, formatted2);

    /* copy */
    lv_domain_def *copy = lv_domain_def_copy(def);
    assert_non_null(copy);
    char *formatted3 = lv_domain_def_format_xml(copy, id, LV_DOMAIN_FORMAT_SECURE);
    assert_text_equal("copy", formatted, formatted3);

    /* inactive form */
    char *expected_inactive = read_file_or_null(inactive_path);
    if (expected_inactive)
        assert_text_equal("inactive form", expected_inactive, inactive);
    lv_domain_def *inact = lv_domain_def_parse_xml(inactive, 0, &err);
    if (!inact)
        fail_msg("%s: inactive form does not parse: %s", name, err.message);
    char *inactive2 =
        lv_domain_def_format_xml(inact, -1, LV_DOMAIN_FORMAT_INACTIVE | LV_DOMAIN_FORMAT_SECURE);
    assert_text_equal("inactive second round", inactive, inactive2);

    lv_domain_def_free(inact);
    lv_domain_def_free(copy);
    lv_domain_def_free(again);
    lv_domain_def_free(def);
    free(inactive2);
    free(expected_inactive);
    free(formatted3);
    free(formatted2);
    free(expected);
    free(inactive);
    free(formatted);
    free(input);
    free(inactive_path);
    free(out_path);
    free(in_path);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_golden_round_trips(void **state)
{
    DIR *dir = opendir(CONF_DATA_DIR);
    struct dirent *e;
    char *names[256];
    size_t n = 0;

    (void)state;
    assert_non_null(dir);
    while ((e = readdir(dir))) {
        if (!ends_with(e->d_name, ".xml") || ends_with(e->d_name, ".out.xml") ||
            ends_with(e->d_name, ".inactive.xml"))
            continue;
        assert_true(n < sizeof(names) / sizeof(names[0]));
        names[n++] = lv_strndup(e->d_name, strlen(e->d_name) - 4);
    }
    closedir(dir);
    qsort(names, n, sizeof(names[0]), compare_names);
    assert_true(n >= 4);
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, "[ golden   ] %s\n", names[i]);
        round_trip_one(names[i]);
        free(names[i]);
    }
}

/* ---- the shared fields the drivers read -------------------------------------------------- */

static lv_domain_def *parse_file(const char *name, unsigned flags)
{
    char *path = lv_asprintf("%s/%s", CONF_DATA_DIR, name);
    char *xml = read_file_or_null(path);
    lv_error err = {0};
    lv_domain_def *def;

    assert_non_null(xml);
    def = lv_domain_def_parse_xml(xml, flags, &err);
    if (!def)
        fail_msg("%s: %s", name, err.message);
    free(xml);
    free(path);
    return def;
}

static void test_shared_fields(void **state)
{
    lv_domain_def *def = parse_file("full.xml", 0);
    char uuid[LV_UUID_STRING_LEN];

    (void)state;
    assert_string_equal(def->virt_type, "kvm");
    assert_string_equal(def->name, "everything");
    lv_uuid_format(def->uuid, uuid);
    assert_string_equal(uuid, "ac1dc0de-0000-4a5b-8c7d-0123456789ab");
    assert_string_equal(def->title, "All the supported parts");
    assert_string_equal(def->description, "Escaping: <tag> & 'quotes'");
    assert_int_equal(def->memory_kib, 4 * 1024 * 1024);
    assert_int_equal(def->current_memory_kib, 2000000); /* 2048 MB */
    assert_int_equal(def->max_memory_kib, 16 * 1024 * 1024);
    assert_int_equal(def->max_memory_slots, 16);
    assert_int_equal(def->vcpus, 4);
    assert_int_equal(def->vcpus_current, 2);
    assert_string_equal(def->vcpu_cpuset, "0-2,4-5,8");
    assert_string_equal(def->os_type, "hvm");
    assert_int_equal(def->ndisks, 5);
    assert_string_equal(def->disks[0].source_file, "/images/root.qcow2");
    assert_string_equal(def->disks[0].driver_type, "qcow2");
    assert_int_equal(def->disks[0].info.boot_order.value, 2);
    assert_string_equal(def->disks[1].source_dev, "/dev/vg0/data");
    assert_int_equal(def->disks[1].info.address.type, LV_ADDRESS_DRIVE);
    assert_int_equal(def->disks[1].info.address.unit, 1);
    assert_string_equal(def->disks[2].target_bus, "virtio"); /* from the name */
    assert_true(def->disks[3].readonly);                     /* cdroms are */
    assert_ptr_equal(lv_domain_def_find_disk(def, "hdc"), &def->disks[3]);
    assert_null(lv_domain_def_find_disk(def, "vdz"));
    assert_int_equal(def->nnets, 3);
    assert_string_equal(def->nets[0].mac, "52:54:00:ab:cd:ef");
    assert_string_equal(def->nets[0].source_bridge, "br0");
    assert_int_equal(def->ngraphics, 1);
    assert_int_equal(def->graphics[0].port.value, 5905);
    assert_non_null(def->metadata);
    assert_non_null(strstr(def->metadata, "xmlns:app=\"http://example.org/app/1\""));
    lv_domain_def_free(def);

    def = parse_file("minimal.xml", 0);
    assert_int_equal(def->memory_kib, 131072);
    assert_int_equal(def->current_memory_kib, 131072);
    assert_int_equal(def->vcpus, 1);
    assert_int_equal(def->vcpus_current, 1);
    assert_null(def->title);
    assert_null(def->description);
    assert_string_equal(def->os.kernel, "/var/lib/luvirt/guest/vmlinuz");
    assert_string_equal(def->os.cmdline, "console=ttyS0 quiet");
    assert_int_equal(def->nconsoles, 1); /* implied by the serial port */
    lv_domain_def_free(def);
}

static void test_running_id_and_inactive(void **state)
{
    lv_domain_def *def = parse_file("libvirt-running.xml", 0);
    char *live = lv_domain_def_format_xml(def, 7, 0);
    char *inactive = lv_domain_def_format_xml(def, 7, LV_DOMAIN_FORMAT_INACTIVE);

    (void)state;
    assert_true(!strncmp(live, "<domain type='kvm' id='7'>\n", 27));
    assert_non_null(strstr(live, "<alias name='virtio-disk0'/>"));
    assert_true(!strncmp(inactive, "<domain type='kvm'>\n", 20));
    assert_null(strstr(inactive, "<alias"));
    assert_null(strstr(inactive, "/dev/pts"));
    assert_null(strstr(inactive, "vnet2"));
    assert_non_null(strstr(inactive, "<graphics type='vnc' port='-1' autoport='yes'"));
    free(live);
    free(inactive);
    lv_domain_def_free(def);
}

static void test_vnc_password_is_secret(void **state)
{
    const char *xml = "<domain type='qemu'><name>p</name><memory>1024</memory>"
                      "<os><type>hvm</type></os><devices>"
                      "<graphics type='vnc' passwd='s3cret'/></devices></domain>";
    lv_error err = {0};
    lv_domain_def *def = lv_domain_def_parse_xml(xml, 0, &err);
    char *plain, *secure;

    (void)state;
    assert_non_null(def);
    plain = lv_domain_def_format_xml(def, -1, 0);
    secure = lv_domain_def_format_xml(def, -1, LV_DOMAIN_FORMAT_SECURE);
    assert_null(strstr(plain, "s3cret"));
    assert_non_null(strstr(secure, "passwd='s3cret'"));
    free(plain);
    free(secure);
    lv_domain_def_free(def);
}

static void test_metadata_namespaces(void **state)
{
    /* the namespace is declared on <domain>, not on the metadata element */
    const char *xml = "<domain type='qemu' xmlns:x='urn:example:x'><name>m</name>"
                      "<metadata><!-- note --><x:app a='1'><x:v>t &amp; u</x:v></x:app>"
                      "<y:other xmlns:y='urn:example:y'/></metadata>"
                      "<memory>1024</memory><os><type>hvm</type></os></domain>";
    lv_error err = {0};
    lv_domain_def *def = lv_domain_def_parse_xml(xml, 0, &err);

    (void)state;
    if (!def)
        fail_msg("%s", err.message);
    char *out = lv_domain_def_format_xml(def, -1, 0);
    assert_non_null(strstr(out, "  <metadata>\n"
                                "    <x:app xmlns:x=\"urn:example:x\" a=\"1\">\n"
                                "      <x:v>t &amp; u</x:v>\n"
                                "    </x:app>\n"
                                "    <y:other xmlns:y=\"urn:example:y\"/>\n"
                                "  </metadata>\n"));
    lv_domain_def *again = lv_domain_def_parse_xml(out, 0, &err);
    assert_non_null(again);
    char *out2 = lv_domain_def_format_xml(again, -1, 0);
    assert_string_equal(out, out2);
    free(out2);
    free(out);
    lv_domain_def_free(again);
    lv_domain_def_free(def);
}

static void test_parse_node(void **state)
{
    const char *xml = "<node><domain type='test'><name>inner</name><memory>1024</memory>"
                      "<os><type>linux</type></os></domain><network/></node>";
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "node.xml", NULL, XML_PARSE_NONET);
    lv_error err = {0};

    (void)state;
    assert_non_null(doc);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    lv_domain_def *def = lv_domain_def_parse_node(root->children, 0, &err);
    if (!def)
        fail_msg("%s", err.message);
    assert_string_equal(def->name, "inner");
    assert_string_equal(def->os_type, "linux");
    lv_domain_def_free(def);
    assert_null(lv_domain_def_parse_node(root->children->next, 0, &err));
    assert_int_equal(err.code, LV_ERR_XML);
    assert_string_equal(err.message, "XML error: expected a <domain> element, found <network>");
    xmlFreeDoc(doc);
}

static void test_setters_and_escaping(void **state)
{
    lv_domain_def *def = parse_file("minimal.xml", 0);
    lv_error err = {0};

    (void)state;
    assert_int_equal(lv_domain_def_set_title(def, "two\nlines", &err), -1);
    assert_int_equal(err.code, LV_ERR_INVALID_ARG);
    assert_string_equal(err.message, "a domain title must be a single line");
    assert_int_equal(lv_domain_def_set_description(def, "bell\a", &err), -1);
    assert_string_equal(err.message, "a domain description cannot contain control character 0x07");
    assert_int_equal(lv_domain_def_set_description(def, "bad \xff utf8", &err), -1);
    assert_string_equal(err.message, "a domain description must be valid UTF-8");
    assert_null(def->description);
    assert_int_equal(lv_domain_def_set_title(def, "Caf\xc3\xa9 <&> 'x'", &err), 0);
    assert_int_equal(lv_domain_def_set_description(def, "a\r\nb\tc\n", &err), 0);
    /* text and attribute values that XML parsers would normalise survive a round trip */
    free(def->disks);
    def->disks = lv_malloc0(sizeof(*def->disks));
    def->ndisks = 1;
    def->disks[0].type = lv_strdup("file");
    def->disks[0].device = lv_strdup("disk");
    def->disks[0].source_file = lv_strdup("/odd\tname\nwith\r'quotes\"");
    def->disks[0].target_dev = lv_strdup("vda");
    def->disks[0].target_bus = lv_strdup("virtio");

    char *xml = lv_domain_def_format_xml(def, -1, 0);
    lv_domain_def *again = lv_domain_def_parse_xml(xml, 0, &err);
    if (!again)
        fail_msg("%s\n%s", err.message, xml);
    assert_string_equal(again->title, "Caf\xc3\xa9 <&> 'x'");
    assert_string_equal(again->description, "a\r\nb\tc\n");
    assert_string_equal(again->disks[0].source_file, "/odd\tname\nwith\r'quotes\"");
    assert_int_equal(lv_domain_def_set_title(again, NULL, &err), 0);
    assert_null(again->title);
    free(xml);
    lv_domain_def_free(again);
    lv_domain_def_free(def);
}

/* ---- generated parts ---------------------------------------------------------------------- */

static const char generate_xml[] =
    "<domain type='qemu'><name>gen</name><memory unit='MiB'>64</memory>"
    "<os><type>hvm</type></os><devices>"
    "<interface type='network'><source network='default'/></interface>"
    "<interface type='user'/></devices></domain>";

static void test_generate(void **state)
{
    lv_error err = {0};
    lv_domain_def *def, *def2;

    (void)state;
    def = lv_domain_def_parse_xml(generate_xml, LV_DOMAIN_PARSE_GENERATE, &err);
    assert_non_null(def);
    assert_false(lv_uuid_is_null(def->uuid));
    assert_int_equal(def->nnets, 2);
    for (size_t i = 0; i < def->nnets; i++) {
        assert_non_null(def->nets[i].mac);
        assert_true(!strncmp(def->nets[i].mac, "52:54:00:", 9));
    }
    assert_string_not_equal(def->nets[0].mac, def->nets[1].mac);
    def2 = lv_domain_def_parse_xml(generate_xml, LV_DOMAIN_PARSE_GENERATE, &err);
    assert_non_null(def2);
    assert_memory_not_equal(def->uuid, def2->uuid, LV_UUID_LEN);
    /* what was generated is kept */
    char *xml = lv_domain_def_format_xml(def, -1, 0);
    lv_domain_def *again = lv_domain_def_parse_xml(xml, LV_DOMAIN_PARSE_GENERATE, &err);
    assert_non_null(again);
    assert_memory_equal(def->uuid, again->uuid, LV_UUID_LEN);
    assert_string_equal(def->nets[0].mac, again->nets[0].mac);
    free(xml);
    lv_domain_def_free(again);
    lv_domain_def_free(def2);
    lv_domain_def_free(def);

    /* without the flag nothing is made up */
    def = lv_domain_def_parse_xml(generate_xml, 0, &err);
    assert_non_null(def);
    assert_true(lv_uuid_is_null(def->uuid));
    assert_null(def->nets[0].mac);
    xml = lv_domain_def_format_xml(def, -1, 0);
    assert_null(strstr(xml, "<uuid>"));
    assert_null(strstr(xml, "<mac"));
    free(xml);
    lv_domain_def_free(def);
}

/* ---- refusals ------------------------------------------------------------------------------ */

/* A domain with the given pieces: name, memory element, extra top-level XML, os
 * children (after <type>hvm</type>), devices. */
static char *make_domain(const char *name, const char *memory, const char *top, const char *os,
                         const char *devices)
{
    return lv_asprintf("<domain type='qemu'>\n  <name>%s</name>\n  %s\n  %s\n"
                       "  <os><type arch='x86_64'>hvm</type>%s</os>\n"
                       "  <devices>%s</devices>\n</domain>\n",
                       name, memory, top, os, devices);
}

typedef struct bad_case {
    const char *what;
    const char *xml;     /* a whole document, or NULL to build one from the parts */
    const char *name;    /* NULL: "bad" */
    const char *memory;  /* NULL: <memory unit='MiB'>64</memory> */
    const char *top;     /* extra top-level elements */
    const char *os;      /* extra <os> children */
    const char *devices; /* <devices> content */
    lv_error_code code;
    const char *message; /* the whole message, or its start when it ends with '*' */
} bad_case;

#define DISK(target) "<disk type='file'><source file='/x.img'/><target dev='" target "'/></disk>"

static const bad_case bad_cases[] = {
    {"malformed", "<domain type='qemu'><name>x</name>", 0, 0, 0, 0, 0, LV_ERR_XML,
     "XML error: malformed XML at line 1: *"},
    {"empty", "", 0, 0, 0, 0, 0, LV_ERR_XML, "XML error: empty domain definition"},
    {"not a domain", "<network><name>n</name></network>", 0, 0, 0, 0, 0, LV_ERR_XML,
     "XML error: expected a <domain> element, found <network>"},
    {"doctype with entities",
     "<!DOCTYPE domain [<!ENTITY big \"xxxxxxxx\">]><domain type='qemu'><name>&big;</name>"
     "<memory>1024</memory><os><type>hvm</type></os></domain>",
     0, 0, 0, 0, 0, LV_ERR_XML, "XML error: a DOCTYPE is not allowed in a domain definition"},
    {"hostdev", 0, 0, 0, 0, 0,
     "<hostdev mode='subsystem' type='pci'><source><address domain='0' bus='0' slot='1' "
     "function='0'/></source></hostdev>",
     LV_ERR_CONFIG_UNSUPPORTED, "unsupported configuration: element <hostdev> is not supported"},
    {"sound", 0, 0, 0, 0, 0, "<sound model='ich9'/>", LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: element <sound> is not supported"},
    {"filesystem", 0, 0, 0, 0, 0,
     "<filesystem type='mount'><source dir='/a'/><target dir='b'/></filesystem>",
     LV_ERR_CONFIG_UNSUPPORTED, "unsupported configuration: element <filesystem> is not supported"},
    {"sysinfo", 0, 0, 0,
     "<sysinfo type='smbios'><bios><entry name='vendor'>x</entry></bios>"
     "</sysinfo>",
     0, 0, LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: element <sysinfo> is not supported"},
    {"numatune", 0, 0, 0, "<numatune><memory mode='strict' nodeset='0'/></numatune>", 0, 0,
     LV_ERR_CONFIG_UNSUPPORTED, "unsupported configuration: element <numatune> is not supported"},
    {"qemu:commandline",
     "<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
     "<name>q</name><memory>1024</memory><os><type>hvm</type></os>"
     "<qemu:commandline><qemu:arg value='-S'/></qemu:commandline></domain>",
     0, 0, 0, 0, 0, LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: element <qemu:commandline> is not supported"},
    {"disk encryption", 0, 0, 0, 0, 0,
     "<disk type='file'><source file='/x'/><target dev='vda'/><encryption format='luks'/>"
     "</disk>",
     LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: element <encryption> in <disk> is not supported"},
    {"unknown attribute", 0, 0, 0, 0, 0,
     "<disk type='file'><driver name='qemu' iothread='1'/><source file='/x'/>"
     "<target dev='vda'/></disk>",
     LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: attribute 'iothread' of element <driver> in <disk> is not "
     "supported"},
    {"unknown bus", 0, 0, 0, 0, 0,
     "<disk type='file'><source file='/x'/><target dev='xvda' bus='xen'/></disk>",
     LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: value 'xen' of attribute 'bus' of element <target> in <disk> "
     "is not supported"},
    {"disk format", 0, 0, 0, 0, 0,
     "<disk type='file'><driver name='qemu' type='vmdk'/><source file='/x'/>"
     "<target dev='vda'/></disk>",
     LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: value 'vmdk' of attribute 'type' of element <driver> in "
     "<disk> is not supported"},
    {"network disk", 0, 0, 0, 0, 0,
     "<disk type='network'><source protocol='nbd' name='x'/><target dev='vda'/></disk>",
     LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: value 'network' of attribute 'type' of element <disk> is not "
     "supported"},
    {"direct interface", 0, 0, 0, 0, 0,
     "<interface type='direct'><source dev='eth0' mode='bridge'/></interface>",
     LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: value 'direct' of attribute 'type' of element <interface> is "
     "not supported"},
    {"spice", 0, 0, 0, 0, 0, "<graphics type='spice' autoport='yes'/>", LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: value 'spice' of attribute 'type' of element <graphics> is not "
     "supported"},
    {"xen domain",
     "<domain type='xen'><name>x</name><memory>1024</memory>"
     "<os><type>hvm</type></os></domain>",
     0, 0, 0, 0, 0, LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: value 'xen' of attribute 'type' of element <domain> is not "
     "supported"},
    {"isa address", 0, 0, 0, 0, 0,
     "<input type='mouse' bus='ps2'><address type='isa' iobase='0x60'/></input>",
     LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: address type 'isa' of element <address> in <input> is not "
     "supported"},
    {"pci slot range", 0, 0, 0, 0, 0,
     "<memballoon model='virtio'><address type='pci' domain='0x0000' bus='0x00' slot='0x20' "
     "function='0x0'/></memballoon>",
     LV_ERR_INVALID_ARG,
     "invalid value '0x20' of attribute 'slot' of element <address> in <memballoon>: expected "
     "a number up to 31"},
    {"name with slash", 0, "a/b", 0, 0, 0, 0, LV_ERR_INVALID_ARG, "invalid domain name 'a/b'*"},
    {"name dotdot", 0, "..", 0, 0, 0, 0, LV_ERR_INVALID_ARG, "invalid domain name '..'*"},
    {"name control char", 0, "a&#x9;b", 0, 0, 0, 0, LV_ERR_INVALID_ARG, "invalid domain name*"},
    {"name empty", 0, "", 0, 0, 0, 0, LV_ERR_XML, "XML error: missing element <name>"},
    {"name too long", 0,
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     0, 0, 0, 0, LV_ERR_INVALID_ARG, "invalid domain name*"},
    {"two names", 0, "a</name><name>b", 0, 0, 0, 0, LV_ERR_XML,
     "XML error: element <name> appears more than once"},
    {"memory potatoes unit", 0, 0, "<memory unit='potatoes'>12</memory>", 0, 0, 0,
     LV_ERR_INVALID_ARG, "invalid size '12 potatoes' in element <memory>: *"},
    {"memory potatoes text", 0, 0, "<memory>12 potatoes</memory>", 0, 0, 0, LV_ERR_INVALID_ARG,
     "invalid size '12 potatoes' in element <memory>"},
    {"memory missing", 0, 0, "", 0, 0, 0, LV_ERR_XML, "XML error: missing element <memory>"},
    {"memory zero", 0, 0, "<memory unit='GiB'>0</memory>", 0, 0, 0, LV_ERR_INVALID_ARG,
     "invalid size 0 in element <memory>: must be larger than zero"},
    {"memory overflow", 0, 0, "<memory unit='EiB'>100000</memory>", 0, 0, 0, LV_ERR_INVALID_ARG,
     "invalid size '100000 EiB' in element <memory>: *"},
    {"currentMemory larger", 0, 0,
     "<memory unit='MiB'>64</memory><currentMemory unit='MiB'>128</currentMemory>", 0, 0, 0,
     LV_ERR_INVALID_ARG, "currentMemory (131072 KiB) is larger than memory (65536 KiB)"},
    {"maxMemory without slots", 0, 0,
     "<maxMemory unit='GiB'>4</maxMemory><memory unit='MiB'>64</memory>", 0, 0, 0, LV_ERR_XML,
     "XML error: missing attribute 'slots' of element <maxMemory>"},
    {"vcpu current larger", 0, 0, 0, "<vcpu current='4'>2</vcpu>", 0, 0, LV_ERR_INVALID_ARG,
     "vcpu current (4) is larger than the maximum vcpus (2)"},
    {"vcpu zero", 0, 0, 0, "<vcpu>0</vcpu>", 0, 0, LV_ERR_INVALID_ARG,
     "invalid vCPU count '0' in element <vcpu>: expected 1 to 4096"},
    {"bad cpuset", 0, 0, 0, "<vcpu cpuset='1-x'>2</vcpu>", 0, 0, LV_ERR_INVALID_ARG,
     "invalid cpuset '1-x' of element <vcpu>: expected a list such as '0-3,^2,8'"},
    {"topology mismatch", 0, 0, 0,
     "<vcpu>4</vcpu><cpu><topology sockets='1' cores='2' threads='1'/></cpu>", 0, 0,
     LV_ERR_INVALID_ARG, "CPU topology (2 vcpus) does not match the maximum vcpu count (4)"},
    {"duplicate disk target", 0, 0, 0, 0, 0,
     "<disk type='file'><source file='/a.img'/><target dev='vda'/></disk>"
     "<disk type='file'><source file='/b.img'/><target dev='vda'/></disk>",
     LV_ERR_INVALID_ARG, "target 'vda' duplicated for disk sources '/a.img' and '/b.img'"},
    {"bad disk target", 0, 0, 0, 0, 0, DISK("c:"), LV_ERR_INVALID_ARG,
     "invalid disk target 'c:': expected a name such as vda, sda or hdc"},
    {"disk without source", 0, 0, 0, 0, 0, "<disk type='file'><target dev='vda'/></disk>",
     LV_ERR_XML, "XML error: missing <source> for disk 'vda'"},
    {"cdrom on virtio", 0, 0, 0, 0, 0,
     "<disk type='file' device='cdrom'><target dev='vdb' bus='virtio'/></disk>",
     LV_ERR_CONFIG_UNSUPPORTED, "unsupported configuration: cdrom 'vdb' cannot use bus 'virtio'"},
    {"bad mac", 0, 0, 0, 0, 0,
     "<interface type='user'><mac address='52:54:00:zz:00:01'/></interface>", LV_ERR_INVALID_ARG,
     "invalid MAC address '52:54:00:zz:00:01' in attribute 'address' of element <mac> in "
     "<interface>: *"},
    {"multicast mac", 0, 0, 0, 0, 0,
     "<interface type='user'><mac address='01:00:5e:00:00:01'/></interface>", LV_ERR_INVALID_ARG,
     "invalid MAC address '01:00:5e:00:00:01' in attribute 'address' of element <mac> in "
     "<interface>: expected a unicast address, found multicast"},
    {"network without source", 0, 0, 0, 0, 0, "<interface type='network'/>", LV_ERR_XML,
     "XML error: missing attribute 'network' of <source> in <interface type='network'>"},
    {"bad uuid", 0, 0, 0, "<uuid>not-a-uuid</uuid>", 0, 0, LV_ERR_INVALID_ARG,
     "invalid UUID 'not-a-uuid' in element <uuid>: expected 8-4-4-4-12 or 32 hex digits"},
    {"missing os type", "<domain type='qemu'><name>x</name><memory>1024</memory><os/></domain>", 0,
     0, 0, 0, 0, LV_ERR_XML, "XML error: missing element <type> in <os>"},
    {"missing domain type",
     "<domain><name>x</name><memory>1024</memory>"
     "<os><type>hvm</type></os></domain>",
     0, 0, 0, 0, 0, LV_ERR_XML, "XML error: missing attribute 'type' of element <domain>"},
    {"linux os on qemu",
     "<domain type='qemu'><name>x</name><memory>1024</memory>"
     "<os><type>linux</type></os></domain>",
     0, 0, 0, 0, 0, LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: os type 'linux' is only supported by the test driver"},
    {"boot dev and boot order", 0, 0, 0, 0, "<boot dev='hd'/>",
     "<disk type='file'><source file='/a'/><target dev='vda'/><boot order='1'/></disk>", LV_ERR_XML,
     "XML error: per-device boot elements cannot be used together with <os><boot dev=...>"},
    {"boot order twice", 0, 0, 0, 0, 0,
     "<disk type='file'><source file='/a'/><target dev='vda'/><boot order='1'/></disk>"
     "<interface type='user'><boot order='1'/></interface>",
     LV_ERR_INVALID_ARG, "boot order 1 is used twice"},
    {"bad boot dev", 0, 0, 0, 0, "<boot dev='floppy'/>", 0, LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: value 'floppy' of attribute 'dev' of element <boot> in <os> is "
     "not supported"},
    {"title newline", 0, 0, 0, "<title>a\nb</title>", 0, 0, LV_ERR_INVALID_ARG,
     "a domain title must be a single line"},
    {"on_crash coredump", 0, 0, 0, "<on_crash>coredump-destroy</on_crash>", 0, 0,
     LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: value 'coredump-destroy' of element <on_crash> is not "
     "supported"},
    {"bad yes/no", 0, 0, 0, 0, 0, "<graphics type='vnc' autoport='maybe'/>", LV_ERR_INVALID_ARG,
     "invalid value 'maybe' of attribute 'autoport' of element <graphics>: expected 'yes' or "
     "'no'"},
    {"bad number", 0, 0, 0, 0, 0,
     "<disk type='file'><source file='/a'/><target dev='vda'/><boot order='first'/></disk>",
     LV_ERR_INVALID_ARG,
     "invalid value 'first' of attribute 'order' of element <boot> in <disk>: expected an "
     "unsigned number"},
    {"text where none belongs", 0, 0, 0, 0, 0, "<memballoon model='virtio'>hello</memballoon>",
     LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: text content in element <memballoon> is not supported"},
    {"two memballoons", 0, 0, 0, 0, 0, "<memballoon model='virtio'/><memballoon model='none'/>",
     LV_ERR_XML, "XML error: element <memballoon> appears more than once"},
    {"controller model for type", 0, 0, 0, 0, 0, "<controller type='sata' model='qemu-xhci'/>",
     LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: controller model 'qemu-xhci' is not supported for controller "
     "type 'sata'"},
    {"controller twice", 0, 0, 0, 0, 0,
     "<controller type='sata' index='0'/><controller type='sata' index='0'/>", LV_ERR_INVALID_ARG,
     "controller type 'sata' index 0 is defined twice"},
    {"egd rng", 0, 0, 0, 0, 0, "<rng model='virtio'><backend model='egd' type='tcp'/></rng>",
     LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: value 'egd' of attribute 'model' of element <backend> in <rng> "
     "is not supported"},
    {"tcp serial", 0, 0, 0, 0, 0, "<serial type='tcp'/>", LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: value 'tcp' of attribute 'type' of element <serial> is not "
     "supported"},
    {"unix serial without path", 0, 0, 0, 0, 0, "<serial type='unix'/>", LV_ERR_XML,
     "XML error: <serial type='unix'> needs <source path='...'>"},
    {"spice channel", 0, 0, 0, 0, 0, "<channel type='spicevmc'/>", LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: value 'spicevmc' of attribute 'type' of element <channel> is "
     "not supported"},
    {"audio backend", 0, 0, 0, 0, 0, "<audio id='1' type='pulseaudio'/>", LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: value 'pulseaudio' of attribute 'type' of element <audio> is "
     "not supported"},
    {"video acceleration", 0, 0, 0, 0, 0,
     "<video><model type='virtio'><acceleration accel3d='yes'/></model></video>",
     LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: element <acceleration> in <model> is not supported"},
    {"namespaced attribute", 0, 0, 0, 0, 0,
     "<input xmlns:x='urn:x' x:extra='1' type='mouse' bus='ps2'/>", LV_ERR_CONFIG_UNSUPPORTED,
     "unsupported configuration: attribute 'x:extra' of element <input> is not supported"},
    {"vcpus element", 0, 0, 0, "<vcpus><vcpu id='0' enabled='yes'/></vcpus>", 0, 0,
     LV_ERR_CONFIG_UNSUPPORTED, "unsupported configuration: element <vcpus> is not supported"},
};

/* Prints what is wrong and returns false, so one run reports every bad case. */
static bool check_bad_case(const bad_case *c)
{
    char *xml = c->xml ? lv_strdup(c->xml)
                       : make_domain(c->name ? c->name : "bad",
                                     c->memory ? c->memory : "<memory unit='MiB'>64</memory>",
                                     c->top ? c->top : "", c->os ? c->os : "",
                                     c->devices ? c->devices : "");
    lv_error err = {0};
    lv_domain_def *def = lv_domain_def_parse_xml(xml, LV_DOMAIN_PARSE_GENERATE, &err);
    size_t n = strlen(c->message);

    bool ok = false;

    if (def) {
        fprintf(stderr, "%s: accepted:\n%s", c->what, xml);
        lv_domain_def_free(def);
    } else if (err.code != c->code) {
        fprintf(stderr, "%s: code %s, expected %s (%s)\n", c->what, lv_error_code_name(err.code),
                lv_error_code_name(c->code), err.message);
    } else if (c->message[n - 1] == '*' ? strncmp(err.message, c->message, n - 1)
                                        : strcmp(err.message, c->message)) {
        fprintf(stderr, "%s: message\n  '%s'\nexpected\n  '%s'\n", c->what, err.message,
                c->message);
    } else {
        ok = true;
    }
    free(xml);
    return ok;
}

static void test_refusals(void **state)
{
    size_t failed = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
        failed += !check_bad_case(&bad_cases[i]);
    if (failed)
        fail_msg("%zu of %zu refusal cases failed", failed,
                 sizeof(bad_cases) / sizeof(bad_cases[0]));
}

/* The bad-case template itself is valid: every refusal above is the one part it names. */
static void test_template_is_valid(void **state)
{
    char *xml = make_domain("bad", "<memory unit='MiB'>64</memory>", "", "", DISK("vda"));
    lv_error err = {0};
    lv_domain_def *def = lv_domain_def_parse_xml(xml, 0, &err);

    (void)state;
    if (!def)
        fail_msg("%s", err.message);
    lv_domain_def_free(def);
    free(xml);
}

/* test_domain_conf --format: parse stdin (generating uuid and MACs), print the formatted
 * XML, or "error: CODE: message" and exit 1. For the deftable spec. */
static int format_stdin(void)
{
    lv_strbuf sb;
    char buf[4096];
    size_t n;
    lv_error err = {0};

    lv_strbuf_init(&sb);
    lv_strbuf_add(&sb, "");
    while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
        lv_strbuf_addn(&sb, buf, n);
    char *xml = lv_strbuf_steal(&sb);
    lv_domain_def *def = lv_domain_def_parse_xml(xml, LV_DOMAIN_PARSE_GENERATE, &err);
    free(xml);
    if (!def) {
        printf("error: %s: %s\n", lv_error_code_name(err.code), err.message);
        return 1;
    }
    char *out = lv_domain_def_format_xml(def, -1, 0);
    fputs(out, stdout);
    free(out);
    lv_domain_def_free(def);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--format"))
        return format_stdin();

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_round_trips),
        cmocka_unit_test(test_shared_fields),
        cmocka_unit_test(test_running_id_and_inactive),
        cmocka_unit_test(test_vnc_password_is_secret),
        cmocka_unit_test(test_metadata_namespaces),
        cmocka_unit_test(test_parse_node),
        cmocka_unit_test(test_setters_and_escaping),
        cmocka_unit_test(test_generate),
        cmocka_unit_test(test_template_is_valid),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
