/* libvirt domain XML <-> lv_domain_def.
 *
 * The tables below say, element by element and in libvirt's order, which
 * attributes and children luvirt accepts and where they land; xml_bind.c does
 * the walking, so anything not listed here is refused with an error naming it.
 * After the walk, post_parse() fills in libvirt's defaults and checks what a
 * table cannot (required parts, ranges, cross-references).
 * docs/xml-domain.md is the user-facing description of the same subset. */
#include "domain_conf.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "core/alloc.h"
#include "core/mac.h"
#include "core/names.h"
#include "core/strbuf.h"
#include "core/units.h"
#include "xml_bind.h"

_Static_assert((int)LV__XB_FMT_SECURE == (int)LV_DOMAIN_FORMAT_SECURE,
               "xml_bind and domain_conf agree on the secure flag");

/* ---- table helpers --------------------------------------------------------------------- */

/* The tables read best laid out by hand. */
/* clang-format off */

#define ATTRS(...)                                                                                 \
    (const lv__xb_attr[])                                                                          \
    {                                                                                              \
        __VA_ARGS__, { 0 }                                                                         \
    }
#define CHILDREN(...)                                                                              \
    (const lv__xb_child[])                                                                         \
    {                                                                                              \
        __VA_ARGS__, { 0 }                                                                         \
    }
#define VALUES(...)                                                                                \
    (const char *const[])                                                                          \
    {                                                                                              \
        __VA_ARGS__, NULL                                                                          \
    }
#define ELEM(...) (&(const lv__xb_elem){__VA_ARGS__})

/* An attribute of struct st stored in field fld. */
#define A(nm, ty, st, fld) {.name = nm, .type = LV__XB_##ty, .off = offsetof(st, fld)}
#define AE(nm, st, fld, ...)                                                                       \
    {.name = nm, .type = LV__XB_ENUM, .off = offsetof(st, fld), .values = VALUES(__VA_ARGS__)}
#define AHEX(nm, st, fld, w) {.name = nm, .type = LV__XB_HEX, .off = offsetof(st, fld), .width = w}
/* A child element whose fields live in the same struct. */
#define INL(nm, ...) {.name = nm, .kind = LV__XB_INLINE, .elem = ELEM(__VA_ARGS__)}
/* <nm>text</nm> */
#define TXT(nm, ty, st, fld) INL(nm, .text = LV__XB_##ty, .text_off = offsetof(st, fld))
#define TXTE(nm, st, fld, ...)                                                                     \
    INL(nm, .text = LV__XB_ENUM, .text_off = offsetof(st, fld), .text_values = VALUES(__VA_ARGS__))
/* <nm/>, a bool */
#define FLAG(nm, st, fld) INL(nm, .has_flag = true, .flag_off = offsetof(st, fld))
#define LIST(nm, st, fld, cnt, type, e)                                                            \
    {.name = nm,                                                                                   \
     .kind = LV__XB_LIST,                                                                          \
     .off = offsetof(st, fld),                                                                     \
     .count_off = offsetof(st, cnt),                                                               \
     .size = sizeof(type),                                                                         \
     .elem = e}
#define ONE(nm, st, fld, type, e)                                                                  \
    {.name = nm, .kind = LV__XB_ONE, .off = offsetof(st, fld), .size = sizeof(type), .elem = e}
#define CUSTOM(nm, st, fld, c)                                                                     \
    {.name = nm, .kind = LV__XB_CUSTOM, .off = offsetof(st, fld), .custom = c}
/* A custom element that works on the whole struct. */
#define WHOLE(nm, c) {.name = nm, .kind = LV__XB_CUSTOM, .off = 0, .custom = c}

/* <boot order>, <alias>: first of a device's info; <address> comes last. */
#define INFO_BOOT_ALIAS(st)                                                                        \
    INL("boot", .attrs = ATTRS(A("order", UINT, st, info.boot_order))),                            \
        INL("alias", .attrs = ATTRS(A("name", STR, st, info.alias)))
#define INFO_ADDRESS(st) CUSTOM("address", st, info.address, &address_custom)
#define INFO(st) INFO_BOOT_ALIAS(st), INFO_ADDRESS(st)

/* clang-format on */

static const char *where_buf(xmlNodePtr node, char *buf, size_t len)
{
    return lv__xb_where(node, buf, len);
}

static bool streq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
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

static const lv__xb_custom address_custom = {
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

static const lv__xb_custom memory_custom = {
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

static const lv__xb_custom max_memory_custom = {
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

static const lv__xb_custom vcpu_custom = {
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

static const lv__xb_custom metadata_custom = {
    .parse = metadata_parse,
    .is_set = metadata_is_set,
    .format = metadata_format,
    .clear = metadata_clear,
    .deepen = metadata_deepen,
};

/* ---- devices ----------------------------------------------------------------------------- */

/* clang-format off */

static const lv__xb_elem disk_elem = {
    .attrs = ATTRS(AE("type", lv_disk_def, type, "file", "block", "volume"),
                   AE("device", lv_disk_def, device, "disk", "cdrom")),
    .children = CHILDREN(
        INL("driver",
            .attrs = ATTRS(AE("name", lv_disk_def, driver_name, "qemu"),
                           AE("type", lv_disk_def, driver_type, "raw", "qcow2"),
                           AE("cache", lv_disk_def, driver_cache, "default", "none",
                              "writethrough", "writeback", "directsync", "unsafe"),
                           AE("error_policy", lv_disk_def, driver_error_policy, "stop", "report",
                              "ignore", "enospace"),
                           AE("rerror_policy", lv_disk_def, driver_rerror_policy, "stop",
                              "report", "ignore"),
                           AE("io", lv_disk_def, driver_io, "native", "threads", "io_uring"),
                           AE("discard", lv_disk_def, driver_discard, "unmap", "ignore"),
                           AE("detect_zeroes", lv_disk_def, driver_detect_zeroes, "off", "on",
                              "unmap"))),
        INL("source", .attrs = ATTRS(A("file", STR, lv_disk_def, source_file),
                                     A("dev", STR, lv_disk_def, source_dev),
                                     A("pool", STR, lv_disk_def, source_pool),
                                     A("volume", STR, lv_disk_def, source_volume),
                                     AE("mode", lv_disk_def, source_mode, "host", "direct"),
                                     A("index", UINT, lv_disk_def, source_index))),
        FLAG("backingStore", lv_disk_def, backing_store),
        INL("target",
            .attrs = ATTRS(A("dev", STR, lv_disk_def, target_dev),
                           AE("bus", lv_disk_def, target_bus, "virtio", "sata", "scsi", "ide",
                              "usb"),
                           AE("tray", lv_disk_def, target_tray, "open", "closed"),
                           A("removable", ONOFF, lv_disk_def, target_removable))),
        FLAG("readonly", lv_disk_def, readonly), FLAG("shareable", lv_disk_def, shareable),
        TXT("serial", STR, lv_disk_def, serial), INFO(lv_disk_def)),
};

#define PCI_MODELS                                                                                 \
    "pci-root", "pcie-root", "pci-bridge", "dmi-to-pci-bridge", "pcie-root-port",                  \
        "pcie-switch-upstream-port", "pcie-switch-downstream-port", "pci-expander-bus",            \
        "pcie-expander-bus", "pcie-to-pci-bridge"
#define USB_MODELS                                                                                 \
    "piix3-uhci", "piix4-uhci", "ehci", "ich9-ehci1", "ich9-uhci1", "ich9-uhci2", "ich9-uhci3",    \
        "vt82c686b-uhci", "pci-ohci", "nec-xhci", "qemu-xhci", "none"
#define SCSI_MODELS "virtio-scsi", "lsilogic", "virtio-transitional", "virtio-non-transitional"
#define VIRTIO_SERIAL_MODELS "virtio", "virtio-transitional", "virtio-non-transitional"

static const char *const pci_models[] = {PCI_MODELS, NULL};
static const char *const usb_models[] = {USB_MODELS, NULL};
static const char *const scsi_models[] = {SCSI_MODELS, NULL};
static const char *const vioser_models[] = {VIRTIO_SERIAL_MODELS, NULL};

static const lv__xb_elem controller_elem = {
    .attrs = ATTRS(AE("type", lv_controller_def, type, "pci", "usb", "sata", "scsi", "ide",
                      "virtio-serial"),
                   A("index", UINT, lv_controller_def, index),
                   AE("model", lv_controller_def, model, PCI_MODELS, USB_MODELS, "virtio-scsi",
                      "lsilogic", VIRTIO_SERIAL_MODELS),
                   A("ports", UINT, lv_controller_def, ports),
                   A("vectors", UINT, lv_controller_def, vectors)),
    .children = CHILDREN(
        INL("model", .attrs = ATTRS(A("name", STR, lv_controller_def, model_name))),
        INL("target", .attrs = ATTRS(A("chassisNr", UINT, lv_controller_def, target_chassis_nr),
                                     A("chassis", UINT, lv_controller_def, target_chassis),
                                     AHEX("port", lv_controller_def, target_port, 0),
                                     A("busNr", UINT, lv_controller_def, target_bus_nr),
                                     A("index", UINT, lv_controller_def, target_index),
                                     A("hotplug", ONOFF, lv_controller_def, target_hotplug))),
        INFO_BOOT_ALIAS(lv_controller_def),
        INL("master", .attrs = ATTRS(A("startport", UINT, lv_controller_def, master_startport))),
        INFO_ADDRESS(lv_controller_def)),
};

static const lv__xb_elem net_elem = {
    .attrs = ATTRS(AE("type", lv_net_def, type, "network", "bridge", "user")),
    .children = CHILDREN(
        INL("mac", .attrs = ATTRS(A("address", MAC, lv_net_def, mac))),
        INL("source", .attrs = ATTRS(A("network", STR, lv_net_def, source_network),
                                     A("portid", STR, lv_net_def, source_portid),
                                     A("bridge", STR, lv_net_def, source_bridge))),
        INL("target", .attrs = ATTRS(A("dev", STR, lv_net_def, target_dev))),
        INL("model", .attrs = ATTRS(AE("type", lv_net_def, model_type, "virtio", "e1000",
                                       "e1000e", "rtl8139", "virtio-transitional",
                                       "virtio-non-transitional"))),
        INL("driver", .attrs = ATTRS(AE("name", lv_net_def, driver_name, "qemu", "vhost"),
                                     A("queues", UINT, lv_net_def, driver_queues))),
        INL("link", .attrs = ATTRS(AE("state", lv_net_def, link_state, "up", "down"))),
        INL("mtu", .attrs = ATTRS(A("size", UINT, lv_net_def, mtu_size))), INFO(lv_net_def)),
};

static const lv__xb_elem chardev_elem = {
    .attrs = ATTRS(AE("type", lv_chardev_def, type, "pty", "unix", "file"),
                   A("tty", STR, lv_chardev_def, tty)),
    .children = CHILDREN(
        INL("source", .attrs = ATTRS(AE("mode", lv_chardev_def, source_mode, "bind", "connect"),
                                     A("path", STR, lv_chardev_def, source_path),
                                     A("append", ONOFF, lv_chardev_def, source_append))),
        INL("log", .attrs = ATTRS(A("file", STR, lv_chardev_def, log_file),
                                  A("append", ONOFF, lv_chardev_def, log_append))),
        INL("target",
            .attrs = ATTRS(AE("type", lv_chardev_def, target_type, "isa-serial", "usb-serial",
                              "pci-serial", "serial", "virtio"),
                           A("port", UINT, lv_chardev_def, target_port),
                           A("name", STR, lv_chardev_def, target_name),
                           AE("state", lv_chardev_def, target_state, "connected",
                              "disconnected")),
            .children = CHILDREN(INL(
                "model", .attrs = ATTRS(AE("name", lv_chardev_def, target_model_name,
                                           "isa-serial", "usb-serial", "pci-serial"))))),
        INFO(lv_chardev_def)),
};

static const lv__xb_elem input_elem = {
    .attrs = ATTRS(AE("type", lv_input_def, type, "mouse", "tablet", "keyboard"),
                   AE("bus", lv_input_def, bus, "ps2", "usb", "virtio")),
    .children = CHILDREN(INFO(lv_input_def)),
};

static const lv__xb_elem graphics_elem = {
    .attrs = ATTRS(AE("type", lv_graphics_def, type, "vnc"), A("port", INT, lv_graphics_def, port),
                   A("autoport", YESNO, lv_graphics_def, autoport),
                   A("websocket", INT, lv_graphics_def, websocket),
                   A("listen", STR, lv_graphics_def, listen),
                   A("keymap", STR, lv_graphics_def, keymap),
                   AE("sharePolicy", lv_graphics_def, share_policy, "allow-exclusive",
                      "force-shared", "ignore"),
                   {.name = "passwd",
                    .type = LV__XB_STR,
                    .off = offsetof(lv_graphics_def, passwd),
                    .flags = LV__XB_SECURE}),
    .children = CHILDREN(INL(
        "listen", .attrs = ATTRS(AE("type", lv_graphics_def, listen_type, "address", "none",
                                    "socket"),
                                 A("address", STR, lv_graphics_def, listen_address),
                                 A("socket", STR, lv_graphics_def, listen_socket)))),
};

static const lv__xb_elem audio_elem = {
    .attrs = ATTRS(A("id", UINT, lv_audio_def, id), AE("type", lv_audio_def, type, "none")),
};

static const lv__xb_elem video_elem = {
    .children = CHILDREN(
        INL("model", .attrs = ATTRS(AE("type", lv_video_def, model_type, "vga", "cirrus",
                                       "virtio", "qxl", "bochs", "ramfb", "none"),
                                    A("ram", UINT, lv_video_def, model_ram),
                                    A("vram", UINT, lv_video_def, model_vram),
                                    A("vgamem", UINT, lv_video_def, model_vgamem),
                                    A("heads", UINT, lv_video_def, model_heads),
                                    A("primary", YESNO, lv_video_def, model_primary))),
        INFO(lv_video_def)),
};

static const lv__xb_elem watchdog_elem = {
    .attrs = ATTRS(AE("model", lv_watchdog_def, model, "itco"),
                   AE("action", lv_watchdog_def, action, "reset")),
};

static const lv__xb_elem memballoon_elem = {
    .attrs = ATTRS(AE("model", lv_memballoon_def, model, "virtio", "virtio-transitional",
                      "virtio-non-transitional", "none"),
                   A("autodeflate", ONOFF, lv_memballoon_def, autodeflate),
                   A("freePageReporting", ONOFF, lv_memballoon_def, free_page_reporting)),
    .children = CHILDREN(INL("stats", .attrs = ATTRS(A("period", UINT, lv_memballoon_def,
                                                       stats_period))),
                         INFO(lv_memballoon_def)),
};

static const lv__xb_elem rng_elem = {
    .attrs = ATTRS(AE("model", lv_rng_def, model, "virtio", "virtio-transitional",
                      "virtio-non-transitional")),
    .children = CHILDREN(INL("rate", .attrs = ATTRS(A("bytes", UINT, lv_rng_def, rate_bytes),
                                                    A("period", UINT, lv_rng_def, rate_period))),
                         INL("backend",
                             .attrs = ATTRS(AE("model", lv_rng_def, backend_model, "random")),
                             .text = LV__XB_STR, .text_off = offsetof(lv_rng_def, backend_path)),
                         INFO(lv_rng_def)),
};

static const lv__xb_elem seclabel_elem = {
    .attrs = ATTRS(AE("type", lv_seclabel_def, type, "dynamic", "static", "none"),
                   A("model", STR, lv_seclabel_def, model),
                   A("relabel", YESNO, lv_seclabel_def, relabel)),
    .children = CHILDREN(TXT("label", STR, lv_seclabel_def, label),
                         TXT("imagelabel", STR, lv_seclabel_def, imagelabel),
                         TXT("baselabel", STR, lv_seclabel_def, baselabel)),
};

/* ---- the domain -------------------------------------------------------------------------- */

#define D lv_domain_def
#define HV(nm, fld) INL(nm, .attrs = ATTRS(A("state", ONOFF, D, features.fld)))

static const lv__xb_elem domain_elem = {
    .attrs = ATTRS(AE("type", D, virt_type, "kvm", "qemu", "test"),
                   {.name = "id", .type = LV__XB_IGNORE}),
    .children = CHILDREN(
        TXT("name", STR, D, name), TXT("uuid", UUID, D, uuid), TXT("title", STR, D, title),
        TXT("description", STR, D, description), CUSTOM("metadata", D, metadata, &metadata_custom),
        WHOLE("maxMemory", &max_memory_custom),
        CUSTOM("memory", D, memory_kib, &memory_custom),
        CUSTOM("currentMemory", D, current_memory_kib, &memory_custom),
        WHOLE("vcpu", &vcpu_custom),
        INL("resource", .children = CHILDREN(TXT("partition", STR, D, resource_partition))),
        INL("os", .attrs = ATTRS(AE("firmware", D, os.firmware, "efi", "bios")),
            .children = CHILDREN(
                INL("type",
                    .attrs = ATTRS(AE("arch", D, os.arch, "x86_64", "i686"),
                                   A("machine", STR, D, os.machine)),
                    .text = LV__XB_ENUM, .text_off = offsetof(D, os_type),
                    .text_values = VALUES("hvm", "linux")),
                INL("firmware",
                    .children = CHILDREN(LIST(
                        "feature", D, os.firmware_features, os.nfirmware_features,
                        lv_firmware_feature,
                        ELEM(.attrs = ATTRS(A("enabled", YESNO, lv_firmware_feature, enabled),
                                            AE("name", lv_firmware_feature, name,
                                               "enrolled-keys", "secure-boot")))))),
                INL("loader",
                    .attrs = ATTRS(A("readonly", YESNO, D, os.loader_readonly),
                                   A("secure", YESNO, D, os.loader_secure),
                                   AE("type", D, os.loader_type, "rom", "pflash"),
                                   AE("format", D, os.loader_format, "raw", "qcow2")),
                    .text = LV__XB_STR, .text_off = offsetof(D, os.loader)),
                INL("nvram", .attrs = ATTRS(A("template", STR, D, os.nvram_template),
                                            AE("format", D, os.nvram_format, "raw", "qcow2")),
                    .text = LV__XB_STR, .text_off = offsetof(D, os.nvram)),
                TXT("kernel", STR, D, os.kernel), TXT("initrd", STR, D, os.initrd),
                TXT("cmdline", STR, D, os.cmdline),
                LIST("boot", D, os.boot, os.nboot, lv_boot_dev,
                     ELEM(.attrs = ATTRS(AE("dev", lv_boot_dev, dev, "hd", "cdrom", "network",
                                            "fd")))),
                INL("bootmenu", .attrs = ATTRS(A("enable", YESNO, D, os.bootmenu_enable),
                                               A("timeout", UINT, D, os.bootmenu_timeout))),
                INL("bios", .attrs = ATTRS(A("useserial", YESNO, D, os.bios_useserial),
                                           A("rebootTimeout", INT, D, os.bios_reboot_timeout))))),
        INL("features", .has_flag = true, .flag_off = offsetof(D, features.present),
            .children = CHILDREN(
                FLAG("acpi", D, features.acpi),
                INL("apic", .has_flag = true, .flag_off = offsetof(D, features.apic),
                    .attrs = ATTRS(A("eoi", ONOFF, D, features.apic_eoi))),
                FLAG("pae", D, features.pae),
                INL("hap", .has_flag = true, .flag_off = offsetof(D, features.hap),
                    .attrs = ATTRS(A("state", ONOFF, D, features.hap_state))),
                INL("hyperv", .attrs = ATTRS(AE("mode", D, features.hyperv_mode, "custom",
                                                "passthrough")),
                    .children = CHILDREN(
                        HV("relaxed", hv_relaxed), HV("vapic", hv_vapic),
                        INL("spinlocks",
                            .attrs = ATTRS(A("state", ONOFF, D, features.hv_spinlocks),
                                           A("retries", UINT, D, features.hv_spinlocks_retries))),
                        HV("vpindex", hv_vpindex), HV("runtime", hv_runtime),
                        HV("synic", hv_synic),
                        INL("stimer", .attrs = ATTRS(A("state", ONOFF, D, features.hv_stimer)),
                            .children = CHILDREN(HV("direct", hv_stimer_direct))),
                        HV("reset", hv_reset),
                        INL("vendor_id",
                            .attrs = ATTRS(A("state", ONOFF, D, features.hv_vendor_id),
                                           A("value", STR, D, features.hv_vendor_id_value))),
                        HV("frequencies", hv_frequencies),
                        HV("reenlightenment", hv_reenlightenment), HV("tlbflush", hv_tlbflush),
                        HV("ipi", hv_ipi), HV("evmcs", hv_evmcs))),
                INL("kvm", .children = CHILDREN(INL(
                               "hidden", .attrs = ATTRS(AE("state", D, features.kvm_hidden_state,
                                                           "on", "off"))))),
                INL("pvspinlock",
                    .attrs = ATTRS(AE("state", D, features.pvspinlock_state, "on", "off"))),
                INL("vmport", .attrs = ATTRS(AE("state", D, features.vmport_state, "on", "off"))),
                INL("smm", .attrs = ATTRS(AE("state", D, features.smm_state, "on", "off"))),
                INL("ioapic", .attrs = ATTRS(AE("driver", D, features.ioapic_driver, "kvm",
                                                "qemu"))),
                INL("vmcoreinfo", .has_flag = true, .flag_off = offsetof(D, features.vmcoreinfo),
                    .attrs = ATTRS(A("state", ONOFF, D, features.vmcoreinfo_state))))),
        INL("cpu",
            .attrs = ATTRS(AE("mode", D, cpu.mode, "custom", "host-model", "host-passthrough",
                              "maximum"),
                           AE("match", D, cpu.match, "minimum", "exact", "strict"),
                           AE("check", D, cpu.check, "none", "partial", "full"),
                           A("migratable", ONOFF, D, cpu.migratable)),
            .children = CHILDREN(
                INL("model", .attrs = ATTRS(AE("fallback", D, cpu.model_fallback, "allow",
                                               "forbid")),
                    .text = LV__XB_STR, .text_off = offsetof(D, cpu.model)),
                TXT("vendor", STR, D, cpu.vendor),
                INL("topology", .attrs = ATTRS(A("sockets", UINT, D, cpu.topology_sockets),
                                               A("dies", UINT, D, cpu.topology_dies),
                                               A("cores", UINT, D, cpu.topology_cores),
                                               A("threads", UINT, D, cpu.topology_threads))),
                LIST("feature", D, cpu.features, cpu.nfeatures, lv_cpu_feature,
                     ELEM(.attrs = ATTRS(AE("policy", lv_cpu_feature, policy, "force",
                                            "require", "optional", "disable", "forbid"),
                                         A("name", STR, lv_cpu_feature, name)))))),
        INL("clock",
            .attrs = ATTRS(AE("offset", D, clock.offset, "utc", "localtime", "variable",
                              "timezone"),
                           A("adjustment", STR, D, clock.adjustment),
                           AE("basis", D, clock.basis, "utc", "localtime"),
                           A("timezone", STR, D, clock.timezone)),
            .children = CHILDREN(LIST(
                "timer", D, clock.timers, clock.ntimers, lv_timer_def,
                ELEM(.attrs = ATTRS(AE("name", lv_timer_def, name, "rtc", "pit", "hpet",
                                       "kvmclock", "tsc", "hypervclock"),
                                    A("present", YESNO, lv_timer_def, present),
                                    AE("tickpolicy", lv_timer_def, tickpolicy, "delay",
                                       "catchup", "merge", "discard"),
                                    AE("track", lv_timer_def, track, "boot", "guest", "wall",
                                       "realtime"),
                                    A("frequency", UINT, lv_timer_def, frequency),
                                    AE("mode", lv_timer_def, mode, "auto", "native", "emulate",
                                       "paravirt", "smpsafe")))))),
        TXTE("on_poweroff", D, on_poweroff, "destroy", "restart", "preserve"),
        TXTE("on_reboot", D, on_reboot, "destroy", "restart", "preserve"),
        TXTE("on_crash", D, on_crash, "destroy", "restart", "preserve"),
        INL("pm", .children = CHILDREN(
                      INL("suspend-to-mem", .attrs = ATTRS(A("enabled", YESNO, D,
                                                             pm_suspend_to_mem))),
                      INL("suspend-to-disk", .attrs = ATTRS(A("enabled", YESNO, D,
                                                              pm_suspend_to_disk))))),
        INL("devices",
            .children = CHILDREN(
                TXT("emulator", STR, D, emulator),
                LIST("disk", D, disks, ndisks, lv_disk_def, &disk_elem),
                LIST("controller", D, controllers, ncontrollers, lv_controller_def,
                     &controller_elem),
                LIST("interface", D, nets, nnets, lv_net_def, &net_elem),
                LIST("serial", D, serials, nserials, lv_chardev_def, &chardev_elem),
                LIST("console", D, consoles, nconsoles, lv_chardev_def, &chardev_elem),
                LIST("channel", D, channels, nchannels, lv_chardev_def, &chardev_elem),
                LIST("input", D, inputs, ninputs, lv_input_def, &input_elem),
                LIST("graphics", D, graphics, ngraphics, lv_graphics_def, &graphics_elem),
                LIST("audio", D, audios, naudios, lv_audio_def, &audio_elem),
                LIST("video", D, videos, nvideos, lv_video_def, &video_elem),
                LIST("watchdog", D, watchdogs, nwatchdogs, lv_watchdog_def, &watchdog_elem),
                ONE("memballoon", D, memballoon, lv_memballoon_def, &memballoon_elem),
                LIST("rng", D, rngs, nrngs, lv_rng_def, &rng_elem))),
        LIST("seclabel", D, seclabels, nseclabels, lv_seclabel_def, &seclabel_elem)),
};

#undef HV
#undef D
/* clang-format on */

/* ---- defaults and checks after the walk -------------------------------------------------- */

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; s && list[i]; i++) {
        if (!strcmp(s, list[i]))
            return true;
    }
    return false;
}

static void clear_str(char **s)
{
    free(*s);
    *s = NULL;
}

static void set_default(char **field, const char *value)
{
    if (!*field)
        *field = lv_strdup(value);
}

static int missing(lv_error *err, const char *what)
{
    return lv_error_set(err, LV_ERR_XML, "XML error: missing %s", what);
}

/* Device names: vda, sdb, hdc, sdaa ... a prefix and lower-case letters. */
static const char *bus_for_target(const char *dev)
{
    if (!strncmp(dev, "vd", 2))
        return "virtio";
    if (!strncmp(dev, "sd", 2))
        return "scsi";
    if (!strncmp(dev, "hd", 2))
        return "ide";
    return NULL;
}

static bool valid_target_dev(const char *dev)
{
    size_t n = strlen(dev);

    if (n < 3 || n > 8 || !bus_for_target(dev))
        return false;
    for (size_t i = 2; i < n; i++) {
        if (dev[i] < 'a' || dev[i] > 'z')
            return false;
    }
    return true;
}

static int post_parse_disks(lv_domain_def *def, lv_error *err)
{
    for (size_t i = 0; i < def->ndisks; i++) {
        lv_disk_def *d = &def->disks[i];
        const char *src = NULL;

        set_default(&d->type, "file");
        set_default(&d->device, "disk");
        if (!d->target_dev)
            return missing(err, "attribute 'dev' of element <target> in <disk>");
        if (!valid_target_dev(d->target_dev))
            return lv_error_set(err, LV_ERR_INVALID_ARG,
                                "invalid disk target '%s': expected a name such as vda, sda "
                                "or hdc",
                                d->target_dev);
        set_default(&d->target_bus, bus_for_target(d->target_dev));
        if (streq(d->type, "file")) {
            src = d->source_file;
            if (d->source_dev || d->source_pool || d->source_volume || d->source_mode)
                return lv_error_set(err, LV_ERR_XML,
                                    "XML error: disk '%s' of type 'file' takes only <source "
                                    "file>",
                                    d->target_dev);
        } else if (streq(d->type, "block")) {
            src = d->source_dev;
            if (d->source_file || d->source_pool || d->source_volume || d->source_mode)
                return lv_error_set(err, LV_ERR_XML,
                                    "XML error: disk '%s' of type 'block' takes only <source "
                                    "dev>",
                                    d->target_dev);
        } else {
            src = d->source_volume;
            if (d->source_file || d->source_dev)
                return lv_error_set(err, LV_ERR_XML,
                                    "XML error: disk '%s' of type 'volume' takes only <source "
                                    "pool volume>",
                                    d->target_dev);
            if (!!d->source_pool != !!d->source_volume)
                return lv_error_set(err, LV_ERR_XML,
                                    "XML error: disk '%s' of type 'volume' needs both 'pool' "
                                    "and 'volume' in <source>",
                                    d->target_dev);
        }
        if (!src && streq(d->device, "disk"))
            return lv_error_set(err, LV_ERR_XML, "XML error: missing <source> for disk '%s'",
                                d->target_dev);
        if (streq(d->device, "cdrom")) {
            if (streq(d->target_bus, "virtio"))
                return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                                    "unsupported configuration: cdrom '%s' cannot use bus "
                                    "'virtio'",
                                    d->target_dev);
            d->readonly = true;
            if (streq(d->target_tray, "closed")) /* the default, and libvirt leaves it out */
                clear_str(&d->target_tray);
        } else if (d->target_tray) {
            return lv_error_set(err, LV_ERR_XML,
                                "XML error: 'tray' is only valid for a cdrom (disk '%s')",
                                d->target_dev);
        }
        if (d->target_removable != LV_TRISTATE_ABSENT && !streq(d->target_bus, "usb"))
            return lv_error_set(err, LV_ERR_XML,
                                "XML error: 'removable' is only valid on bus 'usb' (disk '%s')",
                                d->target_dev);
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(def->disks[j].target_dev, d->target_dev))
                return lv_error_set(err, LV_ERR_INVALID_ARG,
                                    "target '%s' duplicated for disk sources '%s' and '%s'",
                                    d->target_dev,
                                    def->disks[j].source_file     ? def->disks[j].source_file
                                    : def->disks[j].source_dev    ? def->disks[j].source_dev
                                    : def->disks[j].source_volume ? def->disks[j].source_volume
                                                                  : "(none)",
                                    src ? src : "(none)");
        }
    }
    return 0;
}

static int post_parse_controllers(lv_domain_def *def, lv_error *err)
{
    for (size_t i = 0; i < def->ncontrollers; i++) {
        lv_controller_def *c = &def->controllers[i];
        const char *const *models = NULL;

        if (!c->type)
            return missing(err, "attribute 'type' of element <controller>");
        if (!c->index.set) {
            /* as libvirt: the first index not used by a controller of that type */
            unsigned int idx = 0;
            for (bool again = true; again;) {
                again = false;
                for (size_t j = 0; j < def->ncontrollers; j++) {
                    const lv_controller_def *o = &def->controllers[j];
                    if (j != i && o->index.set && o->index.value == idx &&
                        !strcmp(o->type, c->type)) {
                        idx++;
                        again = true;
                    }
                }
            }
            c->index.set = true;
            c->index.value = idx;
        }
        if (streq(c->type, "pci"))
            models = pci_models;
        else if (streq(c->type, "usb"))
            models = usb_models;
        else if (streq(c->type, "scsi"))
            models = scsi_models;
        else if (streq(c->type, "virtio-serial"))
            models = vioser_models;
        if (c->model && (!models || !in_list(c->model, models)))
            return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                                "unsupported configuration: controller model '%s' is not "
                                "supported for controller type '%s'",
                                c->model, c->type);
        for (size_t j = 0; j < i; j++) {
            const lv_controller_def *o = &def->controllers[j];
            /* USB companion controllers share the index of their master */
            if (o->master_startport.set || c->master_startport.set)
                continue;
            if (!strcmp(o->type, c->type) && o->index.value == c->index.value)
                return lv_error_set(err, LV_ERR_INVALID_ARG,
                                    "controller type '%s' index %u is defined twice", c->type,
                                    c->index.value);
        }
    }
    return 0;
}

static int post_parse_nets(lv_domain_def *def, unsigned flags, lv_error *err)
{
    for (size_t i = 0; i < def->nnets; i++) {
        lv_net_def *n = &def->nets[i];

        if (!n->type)
            return missing(err, "attribute 'type' of element <interface>");
        if (streq(n->type, "network") && !n->source_network)
            return missing(err, "attribute 'network' of <source> in <interface type='network'>");
        if (streq(n->type, "bridge") && !n->source_bridge)
            return missing(err, "attribute 'bridge' of <source> in <interface type='bridge'>");
        if (streq(n->type, "user") && (n->source_network || n->source_bridge || n->source_portid))
            return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                                "unsupported configuration: <source> in <interface "
                                "type='user'> is not supported");
        if (streq(n->type, "bridge") && n->source_network)
            return lv_error_set(err, LV_ERR_XML,
                                "XML error: <interface type='bridge'> takes <source bridge>, "
                                "not 'network'");
        if (!n->mac && (flags & LV_DOMAIN_PARSE_GENERATE)) {
            unsigned char mac[LV_MAC_LEN];
            char buf[LV_MAC_STRING_LEN];
            if (lv_mac_generate(mac, err) < 0)
                return -1;
            lv_mac_format(mac, buf);
            n->mac = lv_strdup(buf);
        }
    }
    return 0;
}

static int check_chardev(lv_chardev_def *c, const char *kind, lv_error *err)
{
    if (!c->type)
        return lv_error_set(err, LV_ERR_XML, "XML error: missing attribute 'type' of <%s>", kind);
    if ((streq(c->type, "file") || (streq(c->type, "unix") && strcmp(kind, "channel"))) &&
        !c->source_path)
        return lv_error_set(err, LV_ERR_XML, "XML error: <%s type='%s'> needs <source path='...'>",
                            kind, c->type);
    if (c->source_mode && !streq(c->type, "unix"))
        return lv_error_set(err, LV_ERR_XML,
                            "XML error: <source mode> is only valid for <%s type='unix'>", kind);
    if (c->source_append != LV_TRISTATE_ABSENT && !streq(c->type, "file"))
        return lv_error_set(err, LV_ERR_XML,
                            "XML error: <source append> is only valid for <%s type='file'>", kind);
    if (streq(c->type, "unix") && c->source_path)
        set_default(&c->source_mode, "bind");
    return 0;
}

static int post_parse_chardevs(lv_domain_def *def, lv_error *err)
{
    static const char *const serial_targets[] = {"isa-serial", "usb-serial", "pci-serial", NULL};
    static const char *const console_targets[] = {"serial", "virtio", NULL};

    for (size_t i = 0; i < def->nserials; i++) {
        lv_chardev_def *c = &def->serials[i];
        if (check_chardev(c, "serial", err) < 0)
            return -1;
        if (c->target_type && !in_list(c->target_type, serial_targets))
            return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                                "unsupported configuration: serial target type '%s' is not "
                                "supported",
                                c->target_type);
        if (c->target_name || c->target_state)
            return lv_error_set(err, LV_ERR_XML,
                                "XML error: <target name/state> is only valid for a channel");
        if (!c->target_port.set) {
            c->target_port.set = true;
            c->target_port.value = (unsigned int)i;
        }
    }
    for (size_t i = 0; i < def->nconsoles; i++) {
        lv_chardev_def *c = &def->consoles[i];
        if (check_chardev(c, "console", err) < 0)
            return -1;
        if (c->target_type && !in_list(c->target_type, console_targets))
            return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                                "unsupported configuration: console target type '%s' is not "
                                "supported",
                                c->target_type);
        if (c->target_model_name || c->target_name || c->target_state)
            return lv_error_set(err, LV_ERR_XML,
                                "XML error: <target> of a console takes only 'type' and 'port'");
        set_default(&c->target_type, "serial");
        if (!c->target_port.set) {
            c->target_port.set = true;
            c->target_port.value = 0;
        }
    }
    for (size_t i = 0; i < def->nchannels; i++) {
        lv_chardev_def *c = &def->channels[i];
        if (check_chardev(c, "channel", err) < 0)
            return -1;
        if (!c->target_type)
            return missing(err, "attribute 'type' of <target> in <channel>");
        if (!streq(c->target_type, "virtio"))
            return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                                "unsupported configuration: channel target type '%s' is not "
                                "supported",
                                c->target_type);
        if (!c->target_name)
            return missing(err, "attribute 'name' of <target> in <channel>");
        if (c->target_port.set || c->target_model_name)
            return lv_error_set(err, LV_ERR_XML,
                                "XML error: <target> of a channel takes only 'type', 'name' and "
                                "'state'");
    }
    return 0;
}

static void copy_chardev_source(lv_chardev_def *dst, const lv_chardev_def *src)
{
    dst->type = lv_strdup(src->type);
    dst->source_mode = lv_strdup(src->source_mode);
    dst->source_path = lv_strdup(src->source_path);
    dst->source_append = src->source_append;
}

/* As libvirt does on x86: the first console of target type 'serial' and the first
 * serial port are the same device, and each implies the other. */
static void console_compat(lv_domain_def *def)
{
    if (def->nserials && (!def->nconsoles || (def->consoles[0].target_type &&
                                              strcmp(def->consoles[0].target_type, "serial")))) {
        /* a console for serial port 0 goes first */
        def->consoles = lv_realloc(def->consoles, (def->nconsoles + 1) * sizeof(*def->consoles));
        memmove(&def->consoles[1], &def->consoles[0], def->nconsoles * sizeof(*def->consoles));
        def->nconsoles++;
        lv_chardev_def *c = &def->consoles[0];
        memset(c, 0, sizeof(*c));
        copy_chardev_source(c, &def->serials[0]);
        c->target_type = lv_strdup("serial");
        c->target_port.set = true;
    } else if (!def->nserials && def->nconsoles &&
               (!def->consoles[0].target_type || streq(def->consoles[0].target_type, "serial"))) {
        lv_chardev_def *s = lv_malloc0(sizeof(*s));
        copy_chardev_source(s, &def->consoles[0]);
        def->serials = s;
        def->nserials = 1;
    }
}

static int post_parse_devices(lv_domain_def *def, unsigned flags, lv_error *err)
{
    if (post_parse_disks(def, err) < 0 || post_parse_controllers(def, err) < 0 ||
        post_parse_nets(def, flags, err) < 0)
        return -1;
    for (size_t i = 0; i < def->nserials; i++) {
        if (!def->serials[i].type)
            return missing(err, "attribute 'type' of element <serial>");
    }
    for (size_t i = 0; i < def->nconsoles; i++) {
        if (!def->consoles[i].type)
            return missing(err, "attribute 'type' of element <console>");
    }
    console_compat(def);
    if (post_parse_chardevs(def, err) < 0)
        return -1;

    for (size_t i = 0; i < def->ninputs; i++) {
        lv_input_def *in = &def->inputs[i];
        if (!in->type)
            return missing(err, "attribute 'type' of element <input>");
        set_default(&in->bus, streq(in->type, "tablet") ? "usb" : "ps2");
        if (streq(in->type, "tablet") && streq(in->bus, "ps2"))
            return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                                "unsupported configuration: a tablet cannot use bus 'ps2'");
    }
    for (size_t i = 0; i < def->ngraphics; i++) {
        lv_graphics_def *g = &def->graphics[i];
        if (!g->type)
            return missing(err, "attribute 'type' of element <graphics>");
        if (g->port.set && g->port.value < -1)
            return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid VNC port %d", g->port.value);
        if (g->autoport == LV_TRISTATE_ABSENT && (!g->port.set || g->port.value == -1))
            g->autoport = LV_TRISTATE_YES;
        if (g->autoport == LV_TRISTATE_YES && !g->port.set) {
            g->port.set = true;
            g->port.value = -1;
        }
        if (g->autoport == LV_TRISTATE_NO && !g->port.set)
            return missing(err, "attribute 'port' of <graphics> with autoport='no'");
        /* libvirt keeps the listen attribute and the first <listen> in step */
        if (g->listen && !g->listen_type) {
            g->listen_type = lv_strdup("address");
            g->listen_address = lv_strdup(g->listen);
        } else if (!g->listen && streq(g->listen_type, "address") && g->listen_address) {
            g->listen = lv_strdup(g->listen_address);
        } else if (g->listen && g->listen_address && strcmp(g->listen, g->listen_address)) {
            return lv_error_set(err, LV_ERR_XML,
                                "XML error: graphics 'listen' attribute '%s' does not match "
                                "<listen address='%s'>",
                                g->listen, g->listen_address);
        }
        set_default(&g->listen_type, "address");
        if (streq(g->listen_type, "socket") && !g->listen_socket)
            return missing(err, "attribute 'socket' of <listen type='socket'>");
    }
    for (size_t i = 0; i < def->naudios; i++) {
        if (!def->audios[i].type)
            return missing(err, "attribute 'type' of element <audio>");
        if (!def->audios[i].id.set) {
            def->audios[i].id.set = true;
            def->audios[i].id.value = (unsigned int)i + 1;
        }
    }
    bool primary = false;
    for (size_t i = 0; i < def->nvideos; i++) {
        lv_video_def *v = &def->videos[i];
        if (!v->model_type)
            return missing(err, "attribute 'type' of <model> in <video>");
        if (!v->model_heads.set) {
            v->model_heads.set = true;
            v->model_heads.value = 1;
        }
        if (v->model_primary == LV_TRISTATE_YES) {
            if (primary)
                return lv_error_set(err, LV_ERR_XML, "XML error: only one <video> can be primary");
            primary = true;
        }
    }
    if (def->nvideos && !primary && def->videos[0].model_primary == LV_TRISTATE_ABSENT)
        def->videos[0].model_primary = LV_TRISTATE_YES;
    for (size_t i = 0; i < def->nwatchdogs; i++) {
        if (!def->watchdogs[i].model)
            return missing(err, "attribute 'model' of element <watchdog>");
        set_default(&def->watchdogs[i].action, "reset");
    }
    if (def->nwatchdogs > 1)
        return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                            "unsupported configuration: only one <watchdog> is supported");
    if (def->memballoon && !def->memballoon->model)
        return missing(err, "attribute 'model' of element <memballoon>");
    for (size_t i = 0; i < def->nrngs; i++) {
        if (!def->rngs[i].model)
            return missing(err, "attribute 'model' of element <rng>");
        if (!def->rngs[i].backend_model)
            return missing(err, "<backend model='random'> in <rng>");
    }
    return 0;
}

/* Every <boot order> among the devices, or NULL when the device kind has none. */
static int check_boot_order(const lv_domain_def *def, lv_error *err)
{
    const lv_device_info *infos[512];
    size_t n = 0;

#define COLLECT(arr, count)                                                                        \
    for (size_t i_ = 0; i_ < (count); i_++) {                                                      \
        if ((arr)[i_].info.boot_order.set && n < sizeof(infos) / sizeof(infos[0]))                 \
            infos[n++] = &(arr)[i_].info;                                                          \
    }
    COLLECT(def->disks, def->ndisks);
    COLLECT(def->nets, def->nnets);
    COLLECT(def->controllers, def->ncontrollers);
    COLLECT(def->serials, def->nserials);
    COLLECT(def->consoles, def->nconsoles);
    COLLECT(def->channels, def->nchannels);
    COLLECT(def->inputs, def->ninputs);
    COLLECT(def->videos, def->nvideos);
    COLLECT(def->rngs, def->nrngs);
#undef COLLECT
    if (def->memballoon && def->memballoon->info.boot_order.set)
        return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                            "unsupported configuration: <boot> in <memballoon> is not supported");
    for (size_t i = 0; i < n; i++) {
        if (infos[i]->boot_order.value == 0)
            return lv_error_set(err, LV_ERR_INVALID_ARG, "boot order must be at least 1");
        for (size_t j = 0; j < i; j++) {
            if (infos[j]->boot_order.value == infos[i]->boot_order.value)
                return lv_error_set(err, LV_ERR_INVALID_ARG, "boot order %u is used twice",
                                    infos[i]->boot_order.value);
        }
    }
    if (n && def->os.nboot)
        return lv_error_set(err, LV_ERR_XML,
                            "XML error: per-device boot elements cannot be used together with "
                            "<os><boot dev=...>");
    return (int)n;
}

static int post_parse(lv_domain_def *def, unsigned flags, lv_error *err)
{
    int nboot_order;

    if (!def->virt_type)
        return missing(err, "attribute 'type' of element <domain>");
    if (!def->name)
        return missing(err, "element <name>");
    if (lv_name_validate("domain", def->name, err) < 0)
        return -1;
    if (lv_uuid_is_null(def->uuid) && (flags & LV_DOMAIN_PARSE_GENERATE) &&
        lv_uuid_generate(def->uuid, err) < 0)
        return -1;
    if (def->title && strpbrk(def->title, "\r\n"))
        return lv_error_set(err, LV_ERR_INVALID_ARG, "a domain title must be a single line");

    if (!def->memory_kib)
        return missing(err, "element <memory>");
    if (!def->current_memory_kib)
        def->current_memory_kib = def->memory_kib;
    if (def->current_memory_kib > def->memory_kib)
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "currentMemory (%" PRIu64 " KiB) is larger than memory (%" PRIu64
                            " KiB)",
                            def->current_memory_kib, def->memory_kib);
    if (def->max_memory_kib && def->max_memory_kib < def->memory_kib)
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "maxMemory (%" PRIu64 " KiB) is smaller than memory (%" PRIu64 " KiB)",
                            def->max_memory_kib, def->memory_kib);
    if (!def->vcpus)
        def->vcpus = def->vcpus_current = 1;
    if (def->vcpus_current > def->vcpus)
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "vcpu current (%u) is larger than the maximum vcpus (%u)",
                            def->vcpus_current, def->vcpus);
    if (streq(def->vcpu_placement, "auto") && def->vcpu_cpuset)
        return lv_error_set(err, LV_ERR_XML,
                            "XML error: <vcpu placement='auto'> cannot take a cpuset");

    if (!def->os_type)
        return missing(err, "element <type> in <os>");
    if (streq(def->os_type, "linux") && !streq(def->virt_type, "test"))
        return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                            "unsupported configuration: os type 'linux' is only supported by "
                            "the test driver");
    if ((def->os.initrd || def->os.cmdline) && !def->os.kernel)
        return lv_error_set(err, LV_ERR_XML, "XML error: <initrd> and <cmdline> need <kernel>");
    if (def->os.nvram && !def->os.loader && !def->os.firmware)
        return lv_error_set(err, LV_ERR_XML, "XML error: <nvram> needs <loader> or firmware");
    for (size_t i = 0; i < def->os.nboot; i++) {
        if (!def->os.boot[i].dev)
            return missing(err, "attribute 'dev' of element <boot> in <os>");
    }
    for (size_t i = 0; i < def->os.nfirmware_features; i++) {
        if (!def->os.firmware_features[i].name ||
            def->os.firmware_features[i].enabled == LV_TRISTATE_ABSENT)
            return missing(err, "attribute 'name' or 'enabled' of <feature> in <firmware>");
    }
    if (def->cpu.nfeatures) {
        for (size_t i = 0; i < def->cpu.nfeatures; i++) {
            if (!def->cpu.features[i].name)
                return missing(err, "attribute 'name' of <feature> in <cpu>");
            if (!def->cpu.features[i].policy)
                def->cpu.features[i].policy = lv_strdup("require");
        }
    }
    if (def->cpu.topology_sockets.set || def->cpu.topology_cores.set ||
        def->cpu.topology_threads.set || def->cpu.topology_dies.set) {
        lv_cpu_def *c = &def->cpu;
        if (!c->topology_sockets.set || !c->topology_cores.set || !c->topology_threads.set)
            return missing(err, "'sockets', 'cores' or 'threads' in <cpu><topology>");
        if (!c->topology_dies.set) {
            c->topology_dies.set = true;
            c->topology_dies.value = 1;
        }
        unsigned long long total = (unsigned long long)c->topology_sockets.value *
                                   c->topology_dies.value * c->topology_cores.value *
                                   c->topology_threads.value;
        if (total != def->vcpus)
            return lv_error_set(err, LV_ERR_INVALID_ARG,
                                "CPU topology (%llu vcpus) does not match the maximum vcpu "
                                "count (%u)",
                                total, def->vcpus);
    }
    if (def->cpu.model && !def->cpu.mode)
        def->cpu.mode = lv_strdup("custom");
    if (streq(def->cpu.mode, "custom") && !def->cpu.model)
        return missing(err, "<model> in <cpu mode='custom'>");

    set_default(&def->clock.offset, "utc");
    if (streq(def->clock.offset, "variable")) {
        if (!def->clock.adjustment)
            def->clock.adjustment = lv_strdup("0");
        set_default(&def->clock.basis, "utc");
    } else if (def->clock.adjustment || def->clock.basis) {
        return lv_error_set(err, LV_ERR_XML,
                            "XML error: 'adjustment' and 'basis' need <clock offset='variable'>");
    }
    if (streq(def->clock.offset, "timezone") != (def->clock.timezone != NULL))
        return lv_error_set(err, LV_ERR_XML,
                            "XML error: <clock offset='timezone'> goes with a 'timezone' "
                            "attribute, and only with it");
    for (size_t i = 0; i < def->clock.ntimers; i++) {
        if (!def->clock.timers[i].name)
            return missing(err, "attribute 'name' of element <timer>");
    }
    set_default(&def->on_poweroff, "destroy");
    set_default(&def->on_reboot, "restart");
    set_default(&def->on_crash, "destroy");

    if (post_parse_devices(def, flags, err) < 0)
        return -1;
    nboot_order = check_boot_order(def, err);
    if (nboot_order < 0)
        return -1;
    if (!def->os.nboot && !nboot_order && streq(def->os_type, "hvm")) {
        def->os.boot = lv_malloc0(sizeof(*def->os.boot));
        def->os.boot[0].dev = lv_strdup("hd");
        def->os.nboot = 1;
    }
    for (size_t i = 0; i < def->nseclabels; i++) {
        if (!def->seclabels[i].type && !def->seclabels[i].model)
            return missing(err, "attribute 'type' or 'model' of element <seclabel>");
    }
    return 0;
}

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
            clear_str(&n->target_dev);
        clear_str(&n->source_portid);
        if (streq(n->type, "network"))
            clear_str(&n->source_bridge);
    }
    lv_chardev_def *lists[] = {def->serials, def->consoles, def->channels};
    size_t counts[] = {def->nserials, def->nconsoles, def->nchannels};
    for (size_t l = 0; l < 3; l++) {
        for (size_t i = 0; i < counts[l]; i++) {
            lv_chardev_def *c = &lists[l][i];
            clear_str(&c->tty);
            clear_str(&c->target_state);
            if (streq(c->type, "pty"))
                clear_str(&c->source_path);
        }
    }
    for (size_t i = 0; i < def->ngraphics; i++) {
        if (def->graphics[i].autoport == LV_TRISTATE_YES)
            def->graphics[i].port.value = -1;
    }
    for (size_t i = 0; i < def->nseclabels; i++) {
        lv_seclabel_def *s = &def->seclabels[i];
        if (streq(s->type, "dynamic")) {
            clear_str(&s->label);
            clear_str(&s->imagelabel);
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
    if (lv__xb_parse(&domain_elem, node, def, &ctx) < 0 || post_parse(def, flags, err) < 0) {
        lv_domain_def_free(def);
        return NULL;
    }
    return def;
}

lv_domain_def *lv_domain_def_parse_xml(const char *xml, unsigned flags, lv_error *err)
{
    xmlParserCtxtPtr pctx;
    xmlDocPtr doc;
    lv_domain_def *def = NULL;
    size_t len;

    if (!xml || !*xml) {
        lv_error_set(err, LV_ERR_XML, "XML error: empty domain definition");
        return NULL;
    }
    len = strlen(xml);
    if (len > INT32_MAX) {
        lv_error_set(err, LV_ERR_XML, "XML error: domain definition too large");
        return NULL;
    }
    pctx = xmlNewParserCtxt();
    if (!pctx) {
        lv_error_set(err, LV_ERR_NO_MEMORY, "out of memory creating an XML parser");
        return NULL;
    }
    /* Never the network, never entity substitution, no DTD loading, no noise on stderr. */
    doc = xmlCtxtReadMemory(pctx, xml, (int)len, "domain.xml", NULL,
                            XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (!doc) {
        const xmlError *e = xmlCtxtGetLastError(pctx);
        char msg[512];
        snprintf(msg, sizeof(msg), "%s", e && e->message ? e->message : "unknown error");
        msg[strcspn(msg, "\n")] = '\0';
        lv_error_set(err, LV_ERR_XML, "XML error: malformed XML at line %d: %s", e ? e->line : 0,
                     msg);
        xmlFreeParserCtxt(pctx);
        return NULL;
    }
    if (doc->intSubset || doc->extSubset)
        lv_error_set(err, LV_ERR_XML,
                     "XML error: a DOCTYPE is not allowed in a domain "
                     "definition");
    else
        def = lv_domain_def_parse_node(xmlDocGetRootElement(doc), flags, err);
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(pctx);
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
    lv__xb_format_children(&domain_elem, def, &sb, 2, flags);
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
    lv__xb_deepen(&domain_elem, copy);
    return copy;
}

void lv_domain_def_free(lv_domain_def *def)
{
    if (!def)
        return;
    lv__xb_clear(&domain_elem, def);
    free(def);
}

lv_disk_def *lv_domain_def_find_disk(const lv_domain_def *def, const char *dev)
{
    for (size_t i = 0; i < def->ndisks; i++) {
        if (streq(def->disks[i].target_dev, dev))
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
