/* libvirt domain XML <-> lv_domain_def: the entry points.
 *
 * Tables say, element by element and in libvirt's order, which attributes and
 * children luvirt accepts and where they land (domain_conf_domain.c for <domain>,
 * domain_conf_devices.c for the devices, domain_conf_custom.c for what a table
 * cannot describe); xml_bind.c does the walking, so anything not listed is refused
 * with an error naming it. After the walk, lv__dc_post_parse()
 * (domain_conf_post_parse.c) fills in libvirt's defaults and checks what a table
 * cannot. docs/xml-domain.md is the user-facing description of the same subset. */
#include "domain_conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "domain_conf_priv.h"
#include "xml_bind.h"

_Static_assert((int)LV__XB_FMT_SECURE == (int)LV_DOMAIN_FORMAT_SECURE,
               "xml_bind and domain_conf agree on the secure flag");

/* ---- live-only parts ---------------------------------------------------------------------- */

static void strip_alias(lv_device_info *info)
{
    if (info->alias && strncmp(info->alias, "ua-", 3)) {
        free(info->alias);
        info->alias = NULL;
    }
}

#define STRIP_ALIASES(arr, count)                                                                  \
    for (size_t i_ = 0; i_ < (count); i_++)                                                        \
        strip_alias(&(arr)[i_].info);

static void strip_live(lv_domain_def *def)
{
    STRIP_ALIASES(def->disks, def->ndisks);
    STRIP_ALIASES(def->controllers, def->ncontrollers);
    STRIP_ALIASES(def->nets, def->nnets);
    STRIP_ALIASES(def->serials, def->nserials);
    STRIP_ALIASES(def->consoles, def->nconsoles);
    STRIP_ALIASES(def->channels, def->nchannels);
    STRIP_ALIASES(def->inputs, def->ninputs);
    STRIP_ALIASES(def->videos, def->nvideos);
    STRIP_ALIASES(def->rngs, def->nrngs);
    if (def->memballoon)
        strip_alias(&def->memballoon->info);
    for (size_t i = 0; i < def->ndisks; i++) {
        def->disks[i].source_index.set = false;
        def->disks[i].backing_store = false;
    }
    for (size_t i = 0; i < def->nnets; i++) {
        lv_net_def *n = &def->nets[i];
        if (n->target_dev &&
            (!strncmp(n->target_dev, "vnet", 4) || !strncmp(n->target_dev, "macvtap", 7)))
            lv__dc_clear_str(&n->target_dev);
        lv__dc_clear_str(&n->source_portid);
        if (lv__dc_streq(n->type, "network"))
            lv__dc_clear_str(&n->source_bridge);
    }
    lv_chardev_def *lists[] = {def->serials, def->consoles, def->channels};
    size_t counts[] = {def->nserials, def->nconsoles, def->nchannels};
    for (size_t l = 0; l < 3; l++) {
        for (size_t i = 0; i < counts[l]; i++) {
            lv_chardev_def *c = &lists[l][i];
            lv__dc_clear_str(&c->tty);
            lv__dc_clear_str(&c->target_state);
            if (lv__dc_streq(c->type, "pty"))
                lv__dc_clear_str(&c->source_path);
        }
    }
    for (size_t i = 0; i < def->ngraphics; i++) {
        if (def->graphics[i].autoport == LV_TRISTATE_YES)
            def->graphics[i].port.value = -1;
    }
    for (size_t i = 0; i < def->nseclabels; i++) {
        lv_seclabel_def *s = &def->seclabels[i];
        if (lv__dc_streq(s->type, "dynamic")) {
            lv__dc_clear_str(&s->label);
            lv__dc_clear_str(&s->imagelabel);
        }
    }
}

/* ---- entry points ------------------------------------------------------------------------- */

lv_domain_def *lv_domain_def_parse_node(struct _xmlNode *node, unsigned flags, lv_error *err)
{
    lv_domain_def *def;
    lv__xb_ctx ctx = {.err = err, .flags = flags};

    if (!node || node->type != XML_ELEMENT_NODE || strcmp((const char *)node->name, "domain") ||
        node->ns) {
        lv_error_set(err, LV_ERR_XML, "XML error: expected a <domain> element, found <%s>",
                     node && node->name ? (const char *)node->name : "");
        return NULL;
    }
    def = LV_NEW(lv_domain_def);
    if (lv__xb_parse(&lv__dc_domain_elem, node, def, &ctx) < 0 ||
        lv__dc_post_parse(def, flags, err) < 0) {
        lv_domain_def_free(def);
        return NULL;
    }
    return def;
}

lv_domain_def *lv_domain_def_parse_xml(const char *xml, unsigned flags, lv_error *err)
{
    xmlDocPtr doc = lv__xb_read_doc(xml, "domain definition", "domain.xml", err);
    if (!doc)
        return NULL;
    lv_domain_def *def = lv_domain_def_parse_node(xmlDocGetRootElement(doc), flags, err);
    xmlFreeDoc(doc);
    return def;
}

static char *format_def(const lv_domain_def *def, int id, unsigned flags)
{
    lv_strbuf sb;

    lv_strbuf_init(&sb);
    lv_strbuf_add(&sb, "<domain type='");
    lv__xb_escape(&sb, def->virt_type ? def->virt_type : "qemu", true);
    lv_strbuf_add(&sb, "'");
    if (id >= 0)
        lv_strbuf_addf(&sb, " id='%d'", id);
    lv_strbuf_add(&sb, ">\n");
    lv__xb_format_children(&lv__dc_domain_elem, def, &sb, 2, flags);
    lv_strbuf_add(&sb, "</domain>\n");
    return lv_strbuf_steal(&sb);
}

char *lv_domain_def_format_xml(const lv_domain_def *def, int id, unsigned flags)
{
    if (flags & LV_DOMAIN_FORMAT_INACTIVE) {
        lv_domain_def *tmp = lv_domain_def_copy(def);
        char *xml;
        strip_live(tmp);
        xml = format_def(tmp, -1, flags);
        lv_domain_def_free(tmp);
        return xml;
    }
    return format_def(def, id, flags);
}

lv_domain_def *lv_domain_def_copy(const lv_domain_def *def)
{
    lv_domain_def *copy = LV_NEW(lv_domain_def);

    memcpy(copy, def, sizeof(*copy));
    lv__xb_deepen(&lv__dc_domain_elem, copy);
    return copy;
}

void lv_domain_def_free(lv_domain_def *def)
{
    if (!def)
        return;
    lv__xb_clear(&lv__dc_domain_elem, def);
    free(def);
}

lv_disk_def *lv_domain_def_find_disk(const lv_domain_def *def, const char *dev)
{
    for (size_t i = 0; i < def->ndisks; i++) {
        if (lv__dc_streq(def->disks[i].target_dev, dev))
            return &def->disks[i];
    }
    return NULL;
}

/* Text the XML can carry and give back: valid UTF-8 without control characters
 * other than TAB, LF and CR. */
static int check_text(const char *what, const char *text, lv_error *err)
{
    const unsigned char *p = (const unsigned char *)text;

    while (*p) {
        if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
            return lv_error_set(err, LV_ERR_INVALID_ARG,
                                "a domain %s cannot contain control character 0x%02x", what, *p);
        size_t left = strlen((const char *)p);
        int len = left < 4 ? (int)left : 4;
        if (xmlGetUTF8Char(p, &len) < 0 || len < 1)
            return lv_error_set(err, LV_ERR_INVALID_ARG, "a domain %s must be valid UTF-8", what);
        p += len;
    }
    return 0;
}

int lv_domain_def_set_title(lv_domain_def *def, const char *text, lv_error *err)
{
    if (text && *text) {
        if (strpbrk(text, "\r\n"))
            return lv_error_set(err, LV_ERR_INVALID_ARG, "a domain title must be a single line");
        if (check_text("title", text, err) < 0)
            return -1;
    }
    free(def->title);
    def->title = text && *text ? lv_strdup(text) : NULL;
    return 0;
}

int lv_domain_def_set_description(lv_domain_def *def, const char *text, lv_error *err)
{
    if (text && *text && check_text("description", text, err) < 0)
        return -1;
    free(def->description);
    def->description = text && *text ? lv_strdup(text) : NULL;
    return 0;
}
