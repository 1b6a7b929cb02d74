/* Table-driven XML <-> struct binding: see xml_bind.h. */
#include "xml_bind.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/mac.h"
#include "core/uuid.h"
#include "domain_conf.h"

#define FIELD(base, off) ((void *)((char *)(base) + (off)))
#define CFIELD(base, off) ((const void *)((const char *)(base) + (off)))

static const char *node_name(xmlNodePtr node)
{
    return (const char *)node->name;
}

/* Parents whose name adds nothing to a message. */
static bool is_plain_parent(xmlNodePtr parent)
{
    if (!parent || parent->type != XML_ELEMENT_NODE)
        return true;
    return !strcmp(node_name(parent), "domain") || !strcmp(node_name(parent), "devices");
}

const char *lv__xb_where(xmlNodePtr node, char *buf, size_t len)
{
    char self[128];

    if (node->ns && node->ns->prefix)
        snprintf(self, sizeof(self), "<%s:%s>", (const char *)node->ns->prefix, node_name(node));
    else
        snprintf(self, sizeof(self), "<%s>", node_name(node));
    if (is_plain_parent(node->parent))
        snprintf(buf, len, "element %s", self);
    else
        snprintf(buf, len, "element %s in <%s>", self, node_name(node->parent));
    return buf;
}

int lv__xb_unsupported_element(xmlNodePtr node, lv__xb_ctx *ctx)
{
    char where[300];

    return lv_error_set(ctx->err, LV_ERR_CONFIG_UNSUPPORTED,
                        "unsupported configuration: %s is not supported",
                        lv__xb_where(node, where, sizeof(where)));
}

char *lv__xb_text(xmlNodePtr node, lv__xb_ctx *ctx)
{
    lv_strbuf sb;
    char where[300];

    lv_strbuf_init(&sb);
    lv_strbuf_add(&sb, "");
    for (xmlNodePtr c = node->children; c; c = c->next) {
        switch (c->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            lv_strbuf_add(&sb, (const char *)c->content);
            break;
        case XML_COMMENT_NODE:
        case XML_PI_NODE:
            break;
        case XML_ELEMENT_NODE:
            lv_strbuf_clear(&sb);
            lv__xb_unsupported_element(c, ctx);
            return NULL;
        default:
            lv_strbuf_clear(&sb);
            lv_error_set(ctx->err, LV_ERR_XML, "XML error: unexpected content in %s",
                         lv__xb_where(node, where, sizeof(where)));
            return NULL;
        }
    }
    return lv_strbuf_steal(&sb);
}

int lv__xb_parse_uint(const char *s, int base, unsigned long long max, unsigned long long *out)
{
    char *end;
    unsigned long long v;

    while (isspace((unsigned char)*s))
        s++;
    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    v = strtoull(s, &end, base);
    if (errno || end == s)
        return -1;
    while (isspace((unsigned char)*end))
        end++;
    if (*end || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_int(const char *s, int *out)
{
    char *end;
    long v;

    while (isspace((unsigned char)*s))
        s++;
    if (!isdigit((unsigned char)*s) && *s != '-')
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s)
        return -1;
    while (isspace((unsigned char)*end))
        end++;
    if (*end || v < INT_MIN || v > INT_MAX)
        return -1;
    *out = (int)v;
    return 0;
}

static char *trim_dup(const char *s)
{
    size_t n;

    while (isspace((unsigned char)*s))
        s++;
    n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return lv_strndup(s, n);
}

/* what: "attribute 'bus' of element <target> in <disk>" or "element <vcpu>". */
/* core's parsers say "invalid X 'value': why" (the value safely quoted);
 * say where it was without repeating it: "invalid X 'value' in WHERE: why". */
static int set_located(lv_error *err, const lv_error *sub, const char *what)
{
    const char *split = strstr(sub->message, "': ");
    if (!split)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "%s in %s", sub->message, what);
    return lv_error_set(err, LV_ERR_INVALID_ARG, "%.*s in %s%s", (int)(split + 1 - sub->message),
                        sub->message, what, split + 1);
}

static int store_value(lv__xb_type type, const char *const *values, void *field, const char *val,
                       const char *what, lv__xb_ctx *ctx)
{
    unsigned long long u;
    lv_error sub;

    switch (type) {
    case LV__XB_NONE:
    case LV__XB_IGNORE:
        return 0;
    case LV__XB_STR:
        free(*(char **)field);
        *(char **)field = *val ? lv_strdup(val) : NULL;
        return 0;
    case LV__XB_ENUM:
        for (size_t i = 0; values && values[i]; i++) {
            if (!strcmp(values[i], val)) {
                free(*(char **)field);
                *(char **)field = lv_strdup(val);
                return 0;
            }
        }
        return lv_error_set(ctx->err, LV_ERR_CONFIG_UNSUPPORTED,
                            "unsupported configuration: value '%s' of %s is not supported", val,
                            what);
    case LV__XB_UINT:
    case LV__XB_HEX:
        if (lv__xb_parse_uint(val, type == LV__XB_HEX ? 0 : 10, UINT_MAX, &u) < 0)
            return lv_error_set(ctx->err, LV_ERR_INVALID_ARG,
                                "invalid value '%s' of %s: expected an unsigned number", val, what);
        ((lv_opt_uint *)field)->set = true;
        ((lv_opt_uint *)field)->value = (unsigned int)u;
        return 0;
    case LV__XB_INT: {
        int v;
        if (parse_int(val, &v) < 0)
            return lv_error_set(ctx->err, LV_ERR_INVALID_ARG,
                                "invalid value '%s' of %s: expected a number", val, what);
        ((lv_opt_int *)field)->set = true;
        ((lv_opt_int *)field)->value = v;
        return 0;
    }
    case LV__XB_YESNO:
    case LV__XB_ONOFF: {
        const char *yes = type == LV__XB_YESNO ? "yes" : "on";
        const char *no = type == LV__XB_YESNO ? "no" : "off";
        if (!strcmp(val, yes))
            *(lv_tristate *)field = LV_TRISTATE_YES;
        else if (!strcmp(val, no))
            *(lv_tristate *)field = LV_TRISTATE_NO;
        else
            return lv_error_set(ctx->err, LV_ERR_INVALID_ARG,
                                "invalid value '%s' of %s: expected '%s' or '%s'", val, what, yes,
                                no);
        return 0;
    }
    case LV__XB_MAC: {
        unsigned char mac[LV_MAC_LEN];
        char *trimmed = trim_dup(val);
        int rc;
        char out[LV_MAC_STRING_LEN];
        rc = lv_mac_parse(trimmed, mac, &sub);
        free(trimmed);
        if (rc < 0)
            return set_located(ctx->err, &sub, what);
        lv_mac_format(mac, out);
        free(*(char **)field);
        *(char **)field = lv_strdup(out);
        return 0;
    }
    case LV__XB_UUID: {
        char *trimmed = trim_dup(val);
        int rc = lv_uuid_parse(trimmed, field, &sub);
        free(trimmed);
        if (rc < 0)
            return set_located(ctx->err, &sub, what);
        return 0;
    }
    }
    return 0;
}

static const lv__xb_child *find_child(const lv__xb_elem *e, xmlNodePtr node)
{
    if (node->ns || !e->children)
        return NULL;
    for (const lv__xb_child *c = e->children; c->name; c++) {
        if (!strcmp(c->name, node_name(node)))
            return c;
    }
    return NULL;
}

static bool child_is_set(const lv__xb_child *c, const void *base)
{
    switch (c->kind) {
    case LV__XB_INLINE:
        return lv__xb_is_set(c->elem, base);
    case LV__XB_ONE:
        return *(void *const *)CFIELD(base, c->off) != NULL;
    case LV__XB_LIST:
        return *(const size_t *)CFIELD(base, c->count_off) > 0;
    case LV__XB_CUSTOM:
        return c->custom->is_set(CFIELD(base, c->off));
    }
    return false;
}

/* Inline and custom children stand for one element: a second one is an error. */
static bool seen_before(xmlNodePtr node)
{
    for (xmlNodePtr p = node->prev; p; p = p->prev) {
        if (p->type == XML_ELEMENT_NODE && !p->ns && !strcmp(node_name(p), node_name(node)))
            return true;
    }
    return false;
}

static int parse_child(const lv__xb_child *c, xmlNodePtr node, void *base, lv__xb_ctx *ctx)
{
    char where[300];

    if ((c->kind == LV__XB_INLINE || c->kind == LV__XB_CUSTOM || c->kind == LV__XB_ONE) &&
        seen_before(node))
        return lv_error_set(ctx->err, LV_ERR_XML, "XML error: %s appears more than once",
                            lv__xb_where(node, where, sizeof(where)));
    switch (c->kind) {
    case LV__XB_INLINE:
        return lv__xb_parse(c->elem, node, base, ctx);
    case LV__XB_ONE: {
        void **slot = FIELD(base, c->off);
        if (!*slot)
            *slot = lv_malloc0(c->size);
        return lv__xb_parse(c->elem, node, *slot, ctx);
    }
    case LV__XB_LIST: {
        void **arr = FIELD(base, c->off);
        size_t *count = FIELD(base, c->count_off);
        *arr = lv_realloc(*arr, (*count + 1) * c->size);
        memset((char *)*arr + *count * c->size, 0, c->size);
        (*count)++;
        return lv__xb_parse(c->elem, node, (char *)*arr + (*count - 1) * c->size, ctx);
    }
    case LV__XB_CUSTOM:
        return c->custom->parse(node, FIELD(base, c->off), ctx);
    }
    return 0;
}

int lv__xb_parse(const lv__xb_elem *e, xmlNodePtr node, void *base, lv__xb_ctx *ctx)
{
    char where[300], what[400];

    if (e->has_flag)
        *(bool *)FIELD(base, e->flag_off) = true;

    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        const lv__xb_attr *found = NULL;
        const char *aname = (const char *)a->name;

        for (const lv__xb_attr *at = e->attrs; at && at->name && !a->ns; at++) {
            if (!strcmp(at->name, aname)) {
                found = at;
                break;
            }
        }
        lv__xb_where(node, where, sizeof(where));
        if (!found) {
            if (a->ns && a->ns->prefix)
                return lv_error_set(ctx->err, LV_ERR_CONFIG_UNSUPPORTED,
                                    "unsupported configuration: attribute '%s:%s' of %s is not "
                                    "supported",
                                    (const char *)a->ns->prefix, aname, where);
            return lv_error_set(ctx->err, LV_ERR_CONFIG_UNSUPPORTED,
                                "unsupported configuration: attribute '%s' of %s is not supported",
                                aname, where);
        }
        xmlChar *val = xmlNodeListGetString(node->doc, a->children, 1);
        snprintf(what, sizeof(what), "attribute '%s' of %s", aname, where);
        int rc = store_value(found->type, found->values, FIELD(base, found->off),
                             val ? (const char *)val : "", what, ctx);
        xmlFree(val);
        if (rc < 0)
            return -1;
    }

    for (xmlNodePtr ch = node->children; ch; ch = ch->next) {
        if (ch->type != XML_ELEMENT_NODE)
            continue;
        const lv__xb_child *c = find_child(e, ch);
        if (!c)
            return lv__xb_unsupported_element(ch, ctx);
        if (parse_child(c, ch, base, ctx) < 0)
            return -1;
    }

    /* Text: only where the table expects it; whitespace elsewhere is layout. */
    bool has_text = false;
    for (xmlNodePtr ch = node->children; ch; ch = ch->next) {
        if (ch->type == XML_ENTITY_REF_NODE)
            return lv_error_set(ctx->err, LV_ERR_XML,
                                "XML error: entity references are not allowed in %s",
                                lv__xb_where(node, where, sizeof(where)));
        if (ch->type == XML_TEXT_NODE || ch->type == XML_CDATA_SECTION_NODE) {
            for (const char *p = (const char *)ch->content; p && *p; p++) {
                if (!isspace((unsigned char)*p))
                    has_text = true;
            }
        }
    }
    if (e->text != LV__XB_NONE) {
        char *text = lv__xb_text(node, ctx);
        if (!text)
            return -1;
        lv__xb_where(node, where, sizeof(where));
        int rc = store_value(e->text, e->text_values, FIELD(base, e->text_off), text, where, ctx);
        free(text);
        if (rc < 0)
            return -1;
    } else if (has_text) {
        return lv_error_set(ctx->err, LV_ERR_CONFIG_UNSUPPORTED,
                            "unsupported configuration: text content in %s is not supported",
                            lv__xb_where(node, where, sizeof(where)));
    }
    return 0;
}

static bool value_is_set(lv__xb_type type, const void *field)
{
    switch (type) {
    case LV__XB_NONE:
    case LV__XB_IGNORE:
        return false;
    case LV__XB_STR:
    case LV__XB_ENUM:
    case LV__XB_MAC:
        return *(char *const *)field != NULL;
    case LV__XB_UINT:
    case LV__XB_HEX:
        return ((const lv_opt_uint *)field)->set;
    case LV__XB_INT:
        return ((const lv_opt_int *)field)->set;
    case LV__XB_YESNO:
    case LV__XB_ONOFF:
        return *(const lv_tristate *)field != LV_TRISTATE_ABSENT;
    case LV__XB_UUID:
        return !lv_uuid_is_null(field);
    }
    return false;
}

bool lv__xb_is_set(const lv__xb_elem *e, const void *base)
{
    if (e->has_flag)
        return *(const bool *)CFIELD(base, e->flag_off);
    for (const lv__xb_attr *a = e->attrs; a && a->name; a++) {
        if (value_is_set(a->type, CFIELD(base, a->off)))
            return true;
    }
    if (e->text != LV__XB_NONE && value_is_set(e->text, CFIELD(base, e->text_off)))
        return true;
    for (const lv__xb_child *c = e->children; c && c->name; c++) {
        if (child_is_set(c, base))
            return true;
    }
    return false;
}

/* Escapes s so that parsing gives s back: beyond & < > ' ", a CR in text and
 * CR, LF and TAB in attribute values become character references (XML parsers
 * normalise them otherwise). */
void lv__xb_escape(lv_strbuf *sb, const char *s, bool attr)
{
    const char *start = s;

    for (; *s; s++) {
        const char *ref = NULL;
        if (*s == '\r')
            ref = "&#13;";
        else if (attr && *s == '\n')
            ref = "&#10;";
        else if (attr && *s == '\t')
            ref = "&#9;";
        if (!ref)
            continue;
        if (s > start) {
            char *chunk = lv_strndup(start, (size_t)(s - start));
            lv_strbuf_add_xml_escaped(sb, chunk);
            free(chunk);
        }
        lv_strbuf_add(sb, ref);
        start = s + 1;
    }
    lv_strbuf_add_xml_escaped(sb, start);
}

static void format_value(lv__xb_type type, unsigned width, const void *field, lv_strbuf *sb,
                         bool attr)
{
    switch (type) {
    case LV__XB_NONE:
    case LV__XB_IGNORE:
        break;
    case LV__XB_STR:
    case LV__XB_ENUM:
    case LV__XB_MAC:
        lv__xb_escape(sb, *(char *const *)field, attr);
        break;
    case LV__XB_UINT:
        lv_strbuf_addf(sb, "%u", ((const lv_opt_uint *)field)->value);
        break;
    case LV__XB_HEX:
        lv_strbuf_addf(sb, "0x%0*x", (int)width, ((const lv_opt_uint *)field)->value);
        break;
    case LV__XB_INT:
        lv_strbuf_addf(sb, "%d", ((const lv_opt_int *)field)->value);
        break;
    case LV__XB_YESNO:
        lv_strbuf_add(sb, *(const lv_tristate *)field == LV_TRISTATE_YES ? "yes" : "no");
        break;
    case LV__XB_ONOFF:
        lv_strbuf_add(sb, *(const lv_tristate *)field == LV_TRISTATE_YES ? "on" : "off");
        break;
    case LV__XB_UUID: {
        char out[LV_UUID_STRING_LEN];
        lv_uuid_format(field, out);
        lv_strbuf_add(sb, out);
        break;
    }
    }
}

static void format_elem(const lv__xb_elem *e, const char *name, const void *base, lv_strbuf *sb,
                        int indent, unsigned flags, bool always);

void lv__xb_indent(lv_strbuf *sb, int indent)
{
    for (int i = 0; i < indent; i++)
        lv_strbuf_add(sb, " ");
}

static bool has_children_to_format(const lv__xb_elem *e, const void *base)
{
    for (const lv__xb_child *c = e->children; c && c->name; c++) {
        if (child_is_set(c, base))
            return true;
    }
    return false;
}

void lv__xb_format_children(const lv__xb_elem *e, const void *base, lv_strbuf *sb, int indent,
                            unsigned flags)
{
    for (const lv__xb_child *c = e->children; c && c->name; c++) {
        switch (c->kind) {
        case LV__XB_INLINE:
            lv__xb_format(c->elem, c->name, base, sb, indent, flags);
            break;
        case LV__XB_ONE: {
            const void *p = *(void *const *)CFIELD(base, c->off);
            if (p)
                format_elem(c->elem, c->name, p, sb, indent, flags, true);
            break;
        }
        case LV__XB_LIST: {
            const char *arr = *(void *const *)CFIELD(base, c->off);
            size_t count = *(const size_t *)CFIELD(base, c->count_off);
            for (size_t i = 0; i < count; i++)
                format_elem(c->elem, c->name, arr + i * c->size, sb, indent, flags, true);
            break;
        }
        case LV__XB_CUSTOM:
            if (c->custom->is_set(CFIELD(base, c->off)))
                c->custom->format(CFIELD(base, c->off), c->name, sb, indent, flags);
            break;
        }
    }
}

static void format_elem(const lv__xb_elem *e, const char *name, const void *base, lv_strbuf *sb,
                        int indent, unsigned flags, bool always)
{
    if (!always && !lv__xb_is_set(e, base))
        return;
    lv__xb_indent(sb, indent);
    lv_strbuf_addf(sb, "<%s", name);
    for (const lv__xb_attr *a = e->attrs; a && a->name; a++) {
        if ((a->flags & LV__XB_SECURE) && !(flags & LV__XB_FMT_SECURE))
            continue;
        if (!value_is_set(a->type, CFIELD(base, a->off)))
            continue;
        lv_strbuf_addf(sb, " %s='", a->name);
        format_value(a->type, a->width, CFIELD(base, a->off), sb, true);
        lv_strbuf_add(sb, "'");
    }
    if (e->text != LV__XB_NONE && value_is_set(e->text, CFIELD(base, e->text_off))) {
        lv_strbuf_add(sb, ">");
        format_value(e->text, 0, CFIELD(base, e->text_off), sb, false);
        lv_strbuf_addf(sb, "</%s>\n", name);
    } else if (has_children_to_format(e, base)) {
        lv_strbuf_add(sb, ">\n");
        lv__xb_format_children(e, base, sb, indent + 2, flags);
        lv__xb_indent(sb, indent);
        lv_strbuf_addf(sb, "</%s>\n", name);
    } else {
        lv_strbuf_add(sb, "/>\n");
    }
}

void lv__xb_format(const lv__xb_elem *e, const char *name, const void *base, lv_strbuf *sb,
                   int indent, unsigned flags)
{
    format_elem(e, name, base, sb, indent, flags, false);
}

static void clear_value(lv__xb_type type, void *field)
{
    switch (type) {
    case LV__XB_STR:
    case LV__XB_ENUM:
    case LV__XB_MAC:
        free(*(char **)field);
        *(char **)field = NULL;
        break;
    default:
        break;
    }
}

void lv__xb_clear(const lv__xb_elem *e, void *base)
{
    for (const lv__xb_attr *a = e->attrs; a && a->name; a++)
        clear_value(a->type, FIELD(base, a->off));
    if (e->text != LV__XB_NONE)
        clear_value(e->text, FIELD(base, e->text_off));
    for (const lv__xb_child *c = e->children; c && c->name; c++) {
        switch (c->kind) {
        case LV__XB_INLINE:
            lv__xb_clear(c->elem, base);
            break;
        case LV__XB_ONE: {
            void **p = FIELD(base, c->off);
            if (*p) {
                lv__xb_clear(c->elem, *p);
                free(*p);
                *p = NULL;
            }
            break;
        }
        case LV__XB_LIST: {
            void **arr = FIELD(base, c->off);
            size_t *count = FIELD(base, c->count_off);
            for (size_t i = 0; i < *count; i++)
                lv__xb_clear(c->elem, (char *)*arr + i * c->size);
            free(*arr);
            *arr = NULL;
            *count = 0;
            break;
        }
        case LV__XB_CUSTOM:
            if (c->custom->clear)
                c->custom->clear(FIELD(base, c->off));
            break;
        }
    }
}

static void deepen_value(lv__xb_type type, void *field)
{
    switch (type) {
    case LV__XB_STR:
    case LV__XB_ENUM:
    case LV__XB_MAC:
        *(char **)field = lv_strdup(*(char **)field);
        break;
    default:
        break;
    }
}

void lv__xb_deepen(const lv__xb_elem *e, void *base)
{
    for (const lv__xb_attr *a = e->attrs; a && a->name; a++)
        deepen_value(a->type, FIELD(base, a->off));
    if (e->text != LV__XB_NONE)
        deepen_value(e->text, FIELD(base, e->text_off));
    for (const lv__xb_child *c = e->children; c && c->name; c++) {
        switch (c->kind) {
        case LV__XB_INLINE:
            lv__xb_deepen(c->elem, base);
            break;
        case LV__XB_ONE: {
            void **p = FIELD(base, c->off);
            if (*p) {
                void *copy = lv_malloc0(c->size);
                memcpy(copy, *p, c->size);
                *p = copy;
                lv__xb_deepen(c->elem, copy);
            }
            break;
        }
        case LV__XB_LIST: {
            void **arr = FIELD(base, c->off);
            size_t count = *(size_t *)FIELD(base, c->count_off);
            if (*arr && count) {
                void *copy = lv_malloc0(count * c->size);
                memcpy(copy, *arr, count * c->size);
                *arr = copy;
                for (size_t i = 0; i < count; i++)
                    lv__xb_deepen(c->elem, (char *)copy + i * c->size);
            } else {
                *arr = NULL;
            }
            break;
        }
        case LV__XB_CUSTOM:
            if (c->custom->deepen)
                c->custom->deepen(FIELD(base, c->off));
            break;
        }
    }
}

xmlDocPtr lv__xb_read_doc(const char *xml, const char *what, const char *url, lv_error *err)
{
    if (!xml || !*xml) {
        lv_error_set(err, LV_ERR_XML, "XML error: empty %s", what);
        return NULL;
    }
    size_t len = strlen(xml);
    if (len > INT32_MAX) {
        lv_error_set(err, LV_ERR_XML, "XML error: %s too large", what);
        return NULL;
    }
    xmlParserCtxtPtr pctx = xmlNewParserCtxt();
    if (!pctx) {
        lv_error_set(err, LV_ERR_NO_MEMORY, "out of memory creating an XML parser");
        return NULL;
    }
    /* Never the network, never entity substitution, no DTD loading, no noise on stderr. */
    xmlDocPtr doc = xmlCtxtReadMemory(pctx, xml, (int)len, url, NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
                                          XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (!doc) {
        const xmlError *e = xmlCtxtGetLastError(pctx);
        char msg[512];
        snprintf(msg, sizeof(msg), "%s", e && e->message ? e->message : "unknown error");
        msg[strcspn(msg, "\n")] = '\0';
        lv_error_set(err, LV_ERR_XML, "XML error: malformed XML at line %d: %s", e ? e->line : 0,
                     msg);
    } else if (doc->intSubset || doc->extSubset) {
        lv_error_set(err, LV_ERR_XML, "XML error: a DOCTYPE is not allowed in a %s", what);
        xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(pctx);
    return doc;
}
