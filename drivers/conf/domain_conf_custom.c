/* The elements of the domain XML that a table cannot describe: <address> of a
 * device, memory sizes with units, <vcpu> with its cpuset, <metadata> kept
 * verbatim. Each is an lv__xb_custom that the tables in domain_conf_devices.c and
 * domain_conf_domain.c point to. */
#include "domain_conf_priv.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "core/units.h"

static const char *where_buf(xmlNodePtr node, char *buf, size_t len)
{
    return lv__xb_where(node, buf, len);
}

/* ---- <address> ------------------------------------------------------------------------- */

static int address_attr(xmlNodePtr node, const char *name, unsigned int max, unsigned int *out,
                        bool *present, lv__xb_ctx *ctx)
{
    xmlChar *val = xmlGetNoNsProp(node, (const xmlChar *)name);
    unsigned long long v;
    char where[300];

    if (present)
        *present = val != NULL;
    if (!val) {
        *out = 0;
        return 0;
    }
    int rc = lv__xb_parse_uint((const char *)val, 0, max, &v);
    if (rc < 0) {
        lv_error_set(ctx->err, LV_ERR_INVALID_ARG,
                     "invalid value '%s' of attribute '%s' of %s: expected a number up to %u",
                     (const char *)val, name, where_buf(node, where, sizeof(where)), max);
        xmlFree(val);
        return -1;
    }
    xmlFree(val);
    *out = (unsigned int)v;
    return 0;
}

static int address_parse(xmlNodePtr node, void *field, lv__xb_ctx *ctx)
{
    static const char *const pci[] = {"type",     "domain",        "bus", "slot",
                                      "function", "multifunction", NULL};
    static const char *const drive[] = {"type", "controller", "bus", "target", "unit", NULL};
    static const char *const vioser[] = {"type", "controller", "bus", "port", NULL};
    static const char *const usb[] = {"type", "bus", "port", NULL};
    lv_device_address *addr = field;
    const char *const *allowed;
    char where[300];
    xmlChar *type = xmlGetNoNsProp(node, (const xmlChar *)"type");
    int rc = -1;

    where_buf(node, where, sizeof(where));
    if (!type)
        return lv_error_set(ctx->err, LV_ERR_XML, "XML error: missing attribute 'type' of %s",
                            where);
    if (!strcmp((char *)type, "pci")) {
        addr->type = LV_ADDRESS_PCI;
        allowed = pci;
    } else if (!strcmp((char *)type, "drive")) {
        addr->type = LV_ADDRESS_DRIVE;
        allowed = drive;
    } else if (!strcmp((char *)type, "virtio-serial")) {
        addr->type = LV_ADDRESS_VIRTIO_SERIAL;
        allowed = vioser;
    } else if (!strcmp((char *)type, "usb")) {
        addr->type = LV_ADDRESS_USB;
        allowed = usb;
    } else {
        lv_error_set(ctx->err, LV_ERR_CONFIG_UNSUPPORTED,
                     "unsupported configuration: address type '%s' of %s is not supported",
                     (const char *)type, where);
        goto out;
    }
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        bool ok = false;
        for (size_t i = 0; allowed[i] && !a->ns; i++)
            ok = ok || !strcmp(allowed[i], (const char *)a->name);
        if (!ok) {
            lv_error_set(ctx->err, LV_ERR_CONFIG_UNSUPPORTED,
                         "unsupported configuration: attribute '%s' of %s type '%s' is not "
                         "supported",
                         (const char *)a->name, where, (const char *)type);
            goto out;
        }
    }
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            lv__xb_unsupported_element(c, ctx);
            goto out;
        }
    }
    switch (addr->type) {
    case LV_ADDRESS_PCI: {
        xmlChar *mf = xmlGetNoNsProp(node, (const xmlChar *)"multifunction");
        if (address_attr(node, "domain", 0xffff, &addr->domain, NULL, ctx) < 0 ||
            address_attr(node, "bus", 0xff, &addr->bus, NULL, ctx) < 0 ||
            address_attr(node, "slot", 0x1f, &addr->slot, NULL, ctx) < 0 ||
            address_attr(node, "function", 7, &addr->function, NULL, ctx) < 0) {
            xmlFree(mf);
            goto out;
        }
        if (mf && !strcmp((char *)mf, "on")) {
            addr->multifunction = LV_TRISTATE_YES;
        } else if (mf && !strcmp((char *)mf, "off")) {
            addr->multifunction = LV_TRISTATE_NO;
        } else if (mf) {
            lv_error_set(ctx->err, LV_ERR_INVALID_ARG,
                         "invalid value '%s' of attribute 'multifunction' of %s: expected 'on' "
                         "or 'off'",
                         (const char *)mf, where);
            xmlFree(mf);
            goto out;
        }
        xmlFree(mf);
        break;
    }
    case LV_ADDRESS_DRIVE:
        if (address_attr(node, "controller", 0xffff, &addr->controller, NULL, ctx) < 0 ||
            address_attr(node, "bus", 0xffff, &addr->bus, NULL, ctx) < 0 ||
            address_attr(node, "target", 0xffff, &addr->target, NULL, ctx) < 0 ||
            address_attr(node, "unit", 0xffff, &addr->unit, NULL, ctx) < 0)
            goto out;
        break;
    case LV_ADDRESS_VIRTIO_SERIAL: {
        unsigned int port;
        bool has_port;
        if (address_attr(node, "controller", 0xffff, &addr->controller, NULL, ctx) < 0 ||
            address_attr(node, "bus", 0xffff, &addr->bus, NULL, ctx) < 0 ||
            address_attr(node, "port", 0xffff, &port, &has_port, ctx) < 0)
            goto out;
        if (has_port)
            addr->port = lv_asprintf("%u", port);
        break;
    }
    case LV_ADDRESS_USB: {
        xmlChar *port = xmlGetNoNsProp(node, (const xmlChar *)"port");
        if (address_attr(node, "bus", 0xffff, &addr->bus, NULL, ctx) < 0) {
            xmlFree(port);
            goto out;
        }
        if (port) {
            /* a hub path: 1 to 4 numbers separated by dots */
            const char *p = (const char *)port;
            bool ok = isdigit((unsigned char)*p);
            int parts = 1;
            for (; *p && ok; p++) {
                if (*p == '.') {
                    parts++;
                    ok = isdigit((unsigned char)p[1]) && parts <= 4;
                } else {
                    ok = isdigit((unsigned char)*p);
                }
            }
            if (!ok) {
                lv_error_set(ctx->err, LV_ERR_INVALID_ARG,
                             "invalid value '%s' of attribute 'port' of %s: expected a USB port "
                             "path such as '1' or '1.2'",
                             (const char *)port, where);
                xmlFree(port);
                goto out;
            }
            addr->port = lv_strdup((const char *)port);
            xmlFree(port);
        }
        break;
    }
    case LV_ADDRESS_NONE:
        break;
    }
    rc = 0;
out:
    xmlFree(type);
    return rc;
}

static bool address_is_set(const void *field)
{
    return ((const lv_device_address *)field)->type != LV_ADDRESS_NONE;
}

static void address_format(const void *field, const char *name, lv_strbuf *sb, int indent,
                           unsigned flags)
{
    const lv_device_address *a = field;

    (void)flags;
    lv__xb_indent(sb, indent);
    switch (a->type) {
    case LV_ADDRESS_PCI:
        lv_strbuf_addf(sb,
                       "<%s type='pci' domain='0x%04x' bus='0x%02x' slot='0x%02x' "
                       "function='0x%x'",
                       name, a->domain, a->bus, a->slot, a->function);
        if (a->multifunction != LV_TRISTATE_ABSENT)
            lv_strbuf_addf(sb, " multifunction='%s'",
                           a->multifunction == LV_TRISTATE_YES ? "on" : "off");
        break;
    case LV_ADDRESS_DRIVE:
        lv_strbuf_addf(sb, "<%s type='drive' controller='%u' bus='%u' target='%u' unit='%u'", name,
                       a->controller, a->bus, a->target, a->unit);
        break;
    case LV_ADDRESS_VIRTIO_SERIAL:
        lv_strbuf_addf(sb, "<%s type='virtio-serial' controller='%u' bus='%u'", name, a->controller,
                       a->bus);
        if (a->port)
            lv_strbuf_addf(sb, " port='%s'", a->port);
        break;
    case LV_ADDRESS_USB:
        lv_strbuf_addf(sb, "<%s type='usb' bus='%u'", name, a->bus);
        if (a->port)
            lv_strbuf_addf(sb, " port='%s'", a->port);
        break;
    case LV_ADDRESS_NONE:
        break;
    }
    lv_strbuf_add(sb, "/>\n");
}

static void address_clear(void *field)
{
    lv_device_address *a = field;

    free(a->port);
    memset(a, 0, sizeof(*a));
}

static void address_deepen(void *field)
{
    lv_device_address *a = field;

    a->port = lv_strdup(a->port);
}

const lv__xb_custom lv__dc_address_custom = {
    .parse = address_parse,
    .is_set = address_is_set,
    .format = address_format,
    .clear = address_clear,
    .deepen = address_deepen,
};

/* ---- memory sizes ---------------------------------------------------------------------- */

/* <memory unit='GiB'>4</memory> into KiB, rounded up as libvirt does. */
static int parse_size_element(xmlNodePtr node, uint64_t *kib, lv__xb_ctx *ctx,
                              const char *const *extra_attrs)
{
    char where[300];
    xmlChar *unit = xmlGetNoNsProp(node, (const xmlChar *)"unit");
    char *text = NULL;
    unsigned long long value;
    uint64_t bytes;
    lv_error sub;
    int rc = -1;

    where_buf(node, where, sizeof(where));
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        bool ok = !a->ns && !strcmp((const char *)a->name, "unit");
        for (size_t i = 0; extra_attrs && extra_attrs[i] && !ok; i++)
            ok = !a->ns && !strcmp((const char *)a->name, extra_attrs[i]);
        if (!ok) {
            lv_error_set(ctx->err, LV_ERR_CONFIG_UNSUPPORTED,
                         "unsupported configuration: attribute '%s' of %s is not supported",
                         (const char *)a->name, where);
            goto out;
        }
    }
    text = lv__xb_text(node, ctx);
    if (!text)
        goto out;
    if (lv__xb_parse_uint(text, 10, UINT64_MAX, &value) < 0) {
        /* Maybe "12 potatoes" or "1 GiB" written as the text: name the whole thing. */
        lv_error_set(ctx->err, LV_ERR_INVALID_ARG, "invalid size '%s%s%s' in %s", text,
                     unit ? " " : "", unit ? (const char *)unit : "", where);
        goto out;
    }
    if (lv_size_scale(value, unit ? (const char *)unit : NULL, "KiB", &bytes, &sub) < 0) {
        lv_error_set(ctx->err, LV_ERR_INVALID_ARG, "invalid size '%s%s%s' in %s: %s", text,
                     unit ? " " : "", unit ? (const char *)unit : "", where, sub.message);
        goto out;
    }
    *kib = bytes / 1024 + (bytes % 1024 ? 1 : 0);
    rc = 0;
out:
    free(text);
    xmlFree(unit);
    return rc;
}

static int memory_parse(xmlNodePtr node, void *field, lv__xb_ctx *ctx)
{
    char where[300];

    if (parse_size_element(node, field, ctx, NULL) < 0)
        return -1;
    if (*(uint64_t *)field == 0)
        return lv_error_set(ctx->err, LV_ERR_INVALID_ARG,
                            "invalid size 0 in %s: must be larger "
                            "than zero",
                            where_buf(node, where, sizeof(where)));
    return 0;
}

static bool memory_is_set(const void *field)
{
    return *(const uint64_t *)field != 0;
}

static void memory_format(const void *field, const char *name, lv_strbuf *sb, int indent,
                          unsigned flags)
{
    (void)flags;
    lv__xb_indent(sb, indent);
    lv_strbuf_addf(sb, "<%s unit='KiB'>%" PRIu64 "</%s>\n", name, *(const uint64_t *)field, name);
}

const lv__xb_custom lv__dc_memory_custom = {
    .parse = memory_parse,
    .is_set = memory_is_set,
    .format = memory_format,
};

static int max_memory_parse(xmlNodePtr node, void *field, lv__xb_ctx *ctx)
{
    static const char *const extra[] = {"slots", NULL};
    lv_domain_def *def = field;
    xmlChar *slots = xmlGetNoNsProp(node, (const xmlChar *)"slots");
    unsigned long long v;
    char where[300];

    if (parse_size_element(node, &def->max_memory_kib, ctx, extra) < 0) {
        xmlFree(slots);
        return -1;
    }
    if (!slots)
        return lv_error_set(ctx->err, LV_ERR_XML, "XML error: missing attribute 'slots' of %s",
                            where_buf(node, where, sizeof(where)));
    if (lv__xb_parse_uint((const char *)slots, 10, 255, &v) < 0 || v == 0) {
        lv_error_set(ctx->err, LV_ERR_INVALID_ARG,
                     "invalid value '%s' of attribute 'slots' of %s: expected 1 to 255",
                     (const char *)slots, where_buf(node, where, sizeof(where)));
        xmlFree(slots);
        return -1;
    }
    xmlFree(slots);
    def->max_memory_slots = (unsigned int)v;
    return 0;
}

static bool max_memory_is_set(const void *field)
{
    return ((const lv_domain_def *)field)->max_memory_kib != 0;
}

static void max_memory_format(const void *field, const char *name, lv_strbuf *sb, int indent,
                              unsigned flags)
{
    const lv_domain_def *def = field;

    (void)flags;
    lv__xb_indent(sb, indent);
    lv_strbuf_addf(sb, "<%s slots='%u' unit='KiB'>%" PRIu64 "</%s>\n", name, def->max_memory_slots,
                   def->max_memory_kib, name);
}

const lv__xb_custom lv__dc_max_memory_custom = {
    .parse = max_memory_parse,
    .is_set = max_memory_is_set,
    .format = max_memory_format,
};

/* ---- <vcpu> ------------------------------------------------------------------------------ */

#define LV_CPUSET_MAX 4096

/* "0-3,^2,8" -> "0-1,3,8"; NULL with an error message in msg when invalid. */
static char *cpuset_normalise(const char *s, char *msg, size_t msglen)
{
    unsigned char *bits = lv_malloc0(LV_CPUSET_MAX);
    const char *p = s;
    lv_strbuf sb;
    bool any = false;

    while (*p) {
        bool neg = false;
        unsigned long a, b;
        char *end;

        while (isspace((unsigned char)*p))
            p++;
        if (*p == '^') {
            neg = true;
            p++;
        }
        if (!isdigit((unsigned char)*p))
            goto bad;
        a = strtoul(p, &end, 10);
        b = a;
        p = end;
        if (*p == '-' && !neg) {
            p++;
            if (!isdigit((unsigned char)*p))
                goto bad;
            b = strtoul(p, &end, 10);
            p = end;
        }
        if (a > b || b >= LV_CPUSET_MAX) {
            snprintf(msg, msglen, "CPU numbers must be ascending ranges below %d", LV_CPUSET_MAX);
            free(bits);
            return NULL;
        }
        for (unsigned long i = a; i <= b; i++)
            bits[i] = !neg;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == ',')
            p++;
        else if (*p)
            goto bad;
    }
    lv_strbuf_init(&sb);
    for (int i = 0; i < LV_CPUSET_MAX; i++) {
        if (!bits[i])
            continue;
        int j = i;
        while (j + 1 < LV_CPUSET_MAX && bits[j + 1])
            j++;
        lv_strbuf_addf(&sb, "%s%d", any ? "," : "", i);
        if (j > i)
            lv_strbuf_addf(&sb, "-%d", j);
        any = true;
        i = j;
    }
    free(bits);
    if (!any) {
        lv_strbuf_clear(&sb);
        snprintf(msg, msglen, "it selects no CPU");
        return NULL;
    }
    return lv_strbuf_steal(&sb);
bad:
    snprintf(msg, msglen, "expected a list such as '0-3,^2,8'");
    free(bits);
    return NULL;
}

static int vcpu_parse(xmlNodePtr node, void *field, lv__xb_ctx *ctx)
{
    lv_domain_def *def = field;
    char where[300], msg[128];
    unsigned long long v;
    int rc = -1;
    char *text = NULL;
    xmlChar *placement = NULL, *cpuset = NULL, *current = NULL;

    where_buf(node, where, sizeof(where));
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        const char *n = (const char *)a->name;
        if (a->ns || (strcmp(n, "placement") && strcmp(n, "cpuset") && strcmp(n, "current")))
            return lv_error_set(ctx->err, LV_ERR_CONFIG_UNSUPPORTED,
                                "unsupported configuration: attribute '%s' of %s is not "
                                "supported",
                                n, where);
    }
    placement = xmlGetNoNsProp(node, (const xmlChar *)"placement");
    cpuset = xmlGetNoNsProp(node, (const xmlChar *)"cpuset");
    current = xmlGetNoNsProp(node, (const xmlChar *)"current");
    text = lv__xb_text(node, ctx);
    if (!text)
        goto out;
    if (lv__xb_parse_uint(text, 10, 4096, &v) < 0 || v == 0) {
        lv_error_set(ctx->err, LV_ERR_INVALID_ARG,
                     "invalid vCPU count '%s' in %s: expected 1 to 4096", text, where);
        goto out;
    }
    def->vcpus = (unsigned int)v;
    def->vcpus_current = def->vcpus;
    if (current) {
        if (lv__xb_parse_uint((const char *)current, 10, 4096, &v) < 0 || v == 0) {
            lv_error_set(ctx->err, LV_ERR_INVALID_ARG,
                         "invalid value '%s' of attribute 'current' of %s: expected 1 to 4096",
                         (const char *)current, where);
            goto out;
        }
        def->vcpus_current = (unsigned int)v;
    }
    if (placement) {
        if (strcmp((char *)placement, "static") && strcmp((char *)placement, "auto")) {
            lv_error_set(ctx->err, LV_ERR_CONFIG_UNSUPPORTED,
                         "unsupported configuration: value '%s' of attribute 'placement' of %s "
                         "is not supported",
                         (const char *)placement, where);
            goto out;
        }
        def->vcpu_placement = lv_strdup((const char *)placement);
    }
    if (cpuset) {
        def->vcpu_cpuset = cpuset_normalise((const char *)cpuset, msg, sizeof(msg));
        if (!def->vcpu_cpuset) {
            lv_error_set(ctx->err, LV_ERR_INVALID_ARG, "invalid cpuset '%s' of %s: %s",
                         (const char *)cpuset, where, msg);
            goto out;
        }
    }
    rc = 0;
out:
    free(text);
    xmlFree(placement);
    xmlFree(cpuset);
    xmlFree(current);
    return rc;
}

static bool vcpu_is_set(const void *field)
{
    return ((const lv_domain_def *)field)->vcpus != 0;
}

static void vcpu_format(const void *field, const char *name, lv_strbuf *sb, int indent,
                        unsigned flags)
{
    const lv_domain_def *def = field;

    (void)flags;
    lv__xb_indent(sb, indent);
    lv_strbuf_addf(sb, "<%s placement='%s'", name,
                   def->vcpu_placement ? def->vcpu_placement : "static");
    if (def->vcpu_cpuset) {
        lv_strbuf_add(sb, " cpuset='");
        lv__xb_escape(sb, def->vcpu_cpuset, true);
        lv_strbuf_add(sb, "'");
    }
    if (def->vcpus_current && def->vcpus_current != def->vcpus)
        lv_strbuf_addf(sb, " current='%u'", def->vcpus_current);
    lv_strbuf_addf(sb, ">%u</%s>\n", def->vcpus, name);
}

static void vcpu_clear(void *field)
{
    lv_domain_def *def = field;

    free(def->vcpu_placement);
    free(def->vcpu_cpuset);
    def->vcpu_placement = def->vcpu_cpuset = NULL;
}

static void vcpu_deepen(void *field)
{
    lv_domain_def *def = field;

    def->vcpu_placement = lv_strdup(def->vcpu_placement);
    def->vcpu_cpuset = lv_strdup(def->vcpu_cpuset);
}

const lv__xb_custom lv__dc_vcpu_custom = {
    .parse = vcpu_parse,
    .is_set = vcpu_is_set,
    .format = vcpu_format,
    .clear = vcpu_clear,
    .deepen = vcpu_deepen,
};

/* ---- <metadata>: kept verbatim --------------------------------------------------------- */

#define METADATA_INDENT 4

static int metadata_parse(xmlNodePtr node, void *field, lv__xb_ctx *ctx)
{
    char **out = field;
    lv_strbuf sb;
    char where[300];

    lv_strbuf_init(&sb);
    lv_strbuf_add(&sb, "");
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        lv_strbuf_clear(&sb);
        return lv_error_set(ctx->err, LV_ERR_CONFIG_UNSUPPORTED,
                            "unsupported configuration: attribute '%s' of %s is not supported",
                            (const char *)a->name, where_buf(node, where, sizeof(where)));
    }
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type == XML_COMMENT_NODE)
            continue;
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            bool blank = true;
            for (const char *p = (const char *)c->content; p && *p; p++)
                blank = blank && isspace((unsigned char)*p);
            if (blank)
                continue;
        }
        if (c->type != XML_ELEMENT_NODE) {
            lv_strbuf_clear(&sb);
            return lv_error_set(ctx->err, LV_ERR_XML,
                                "XML error: <metadata> may only hold elements");
        }
        /* A copy in its own document carries the namespace declarations it uses,
         * wherever they were declared in the original. */
        xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
        xmlNodePtr copy = xmlDocCopyNode(c, doc, 1);
        xmlBufferPtr buf = xmlBufferCreate();
        if (!doc || !copy || !buf) {
            xmlFreeDoc(doc);
            xmlBufferFree(buf);
            lv_strbuf_clear(&sb);
            return lv_error_set(ctx->err, LV_ERR_NO_MEMORY, "out of memory copying <metadata>");
        }
        xmlDocSetRootElement(doc, copy);
        xmlReconciliateNs(doc, copy);
        xmlNodeDump(buf, doc, copy, METADATA_INDENT / 2, 1);
        lv__xb_indent(&sb, METADATA_INDENT);
        lv_strbuf_add(&sb, (const char *)xmlBufferContent(buf));
        lv_strbuf_add(&sb, "\n");
        xmlBufferFree(buf);
        xmlFreeDoc(doc);
    }
    free(*out);
    *out = lv_strbuf_steal(&sb);
    if (!**out) {
        free(*out);
        *out = NULL;
    }
    return 0;
}

static bool metadata_is_set(const void *field)
{
    return *(char *const *)field != NULL;
}

static void metadata_format(const void *field, const char *name, lv_strbuf *sb, int indent,
                            unsigned flags)
{
    (void)flags;
    lv__xb_indent(sb, indent);
    lv_strbuf_addf(sb, "<%s>\n", name);
    lv_strbuf_add(sb, *(char *const *)field);
    lv__xb_indent(sb, indent);
    lv_strbuf_addf(sb, "</%s>\n", name);
}

static void metadata_clear(void *field)
{
    free(*(char **)field);
    *(char **)field = NULL;
}

static void metadata_deepen(void *field)
{
    *(char **)field = lv_strdup(*(char **)field);
}

const lv__xb_custom lv__dc_metadata_custom = {
    .parse = metadata_parse,
    .is_set = metadata_is_set,
    .format = metadata_format,
    .clear = metadata_clear,
    .deepen = metadata_deepen,
};
