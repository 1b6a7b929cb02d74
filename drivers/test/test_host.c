/* The test driver's answers about the host (test:///default's fixed node,
 * hostname, version, capabilities) and about what it has no equivalent for
 * (consoles, native command lines), in libvirt's words. */
#include "test_driver.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "test_priv.h"

void lv__test_hostname(lv_conn *c, lv_string_cb cb, void *opaque)
{
    (void)c;
    char buf[UV_MAXHOSTNAMESIZE];
    size_t size = sizeof(buf);
    int r = uv_os_gethostname(buf, &size);
    if (r < 0) {
        lv_error err;
        lv_error_set_errno(&err, -r, "cannot get the host name");
        cb(opaque, NULL, &err);
        return;
    }
    cb(opaque, lv_strdup(buf), NULL);
}

void lv__test_version(lv_conn *c, lv_version_cb cb, void *opaque)
{
    (void)c;
    /* libvirt's test driver reports hypervisor version 0.0.2. */
    static const lv_version_info v = {.hypervisor = "Test", .hv_version = 2};
    cb(opaque, &v, NULL);
}

void lv__test_node_info(lv_conn *c, lv_node_cb cb, void *opaque)
{
    lv_node_info info = ((lv__test_state *)c->priv)->node;
    cb(opaque, &info, NULL);
}

static void add_siblings(lv_strbuf *sb, unsigned first, unsigned count)
{
    if (count <= 1)
        lv_strbuf_addf(sb, "%u", first);
    else
        lv_strbuf_addf(sb, "%u-%u", first, first + count - 1);
}

void lv__test_capabilities(lv_conn *c, lv_string_cb cb, void *opaque)
{
    const lv_node_info *n = &((lv__test_state *)c->priv)->node;
    const char *arch = n->model;
    bool wide = strcmp(arch, "x86_64") == 0 || strcmp(arch, "aarch64") == 0 ||
                strcmp(arch, "ppc64") == 0 || strcmp(arch, "ppc64le") == 0 ||
                strcmp(arch, "s390x") == 0 || strcmp(arch, "riscv64") == 0;
    unsigned per_node = n->sockets * n->cores * n->threads;
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    lv_strbuf_add(&sb, "<capabilities>\n\n  <host>\n    <cpu>\n      <arch>");
    lv_strbuf_add_xml_escaped(&sb, arch);
    lv_strbuf_add(&sb, "</arch>\n    </cpu>\n    <power_management/>\n    <topology>\n");
    lv_strbuf_addf(&sb, "      <cells num='%u'>\n", n->nodes);
    for (unsigned node = 0; node < n->nodes; node++) {
        lv_strbuf_addf(&sb, "        <cell id='%u'>\n", node);
        lv_strbuf_addf(&sb, "          <memory unit='KiB'>%llu</memory>\n",
                       (unsigned long long)(n->memory_kib / n->nodes));
        lv_strbuf_addf(&sb, "          <cpus num='%u'>\n", per_node);
        for (unsigned s = 0; s < n->sockets; s++) {
            for (unsigned core = 0; core < n->cores; core++) {
                unsigned first = ((node * n->sockets + s) * n->cores + core) * n->threads;
                for (unsigned t = 0; t < n->threads; t++) {
                    lv_strbuf_addf(&sb,
                                   "            <cpu id='%u' socket_id='%u' core_id='%u' "
                                   "siblings='",
                                   first + t, node * n->sockets + s, core);
                    add_siblings(&sb, first, n->threads);
                    lv_strbuf_add(&sb, "'/>\n");
                }
            }
        }
        lv_strbuf_add(&sb, "          </cpus>\n        </cell>\n");
    }
    lv_strbuf_add(&sb, "      </cells>\n    </topology>\n  </host>\n\n");
    lv_strbuf_add(&sb, "  <guest>\n    <os_type>hvm</os_type>\n    <arch name='");
    lv_strbuf_add_xml_escaped(&sb, arch);
    lv_strbuf_addf(&sb,
                   "'>\n      <wordsize>%d</wordsize>\n"
                   "      <emulator>/usr/bin/test-hv</emulator>\n"
                   "      <domain type='test'/>\n    </arch>\n  </guest>\n\n</capabilities>\n",
                   wide ? 64 : 32);
    cb(opaque, lv_strbuf_steal(&sb), NULL);
}

/* No guest, no console: refused in libvirt's words, as virsh users know them. */
void lv__test_open_console(lv_conn *c, const unsigned char *uuid, const char *dev,
                              unsigned flags, lv_console_cb cb, void *opaque)
{
    (void)c;
    (void)uuid;
    (void)dev;
    (void)flags;
    lv_error err;
    lv_error_set(&err, LV_ERR_NO_SUPPORT,
                 "this function is not supported by the connection driver: console");
    cb(opaque, NULL, &err);
}

void lv__test_domxml_to_native(lv_conn *c, const char *format, const char *xml,
                                  lv_string_cb cb, void *opaque)
{
    (void)c;
    (void)format;
    (void)xml;
    lv_error err;
    lv_error_set(&err, LV_ERR_NO_SUPPORT,
                 "this function is not supported by the connection driver: domxml_to_native");
    cb(opaque, NULL, &err);
}
