/* libvirt pool and volume XML <-> lv_pool_def / lv_vol_def (storage_conf.h).
 * The tables list, in libvirt's order, what luvirt accepts; xml_bind.c walks
 * them, so anything else is refused naming the element. The checks after the
 * walk are those a table cannot express (names, paths, modes, pool types). */
#include "storage_conf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "core/alloc.h"
#include "core/names.h"
#include "core/strbuf.h"
#include "core/units.h"
#include "domain_conf_priv.h" /* the table macros (ATTRS, CHILDREN, INL, ...) */
#include "xml_bind.h"

/* ---- sizes ---------------------------------------------------------------------------------- */

static int size_parse(xmlNodePtr node, void *field, lv__xb_ctx *ctx)
{
    char where[300];
    lv__xb_where(node, where, sizeof(where));
    for (xmlAttrPtr a = node->properties; a; a = a->next) {
        if (a->ns || strcmp((const char *)a->name, "unit"))
            return lv_error_set(ctx->err, LV_ERR_CONFIG_UNSUPPORTED,
                                "unsupported configuration: attribute '%s' of %s is not "
                                "supported",
                                (const char *)a->name, where);
    }
    xmlChar *unit = xmlGetNoNsProp(node, (const xmlChar *)"unit");
    char *text = lv__xb_text(node, ctx);
    int rc = -1;
    unsigned long long value;
    uint64_t bytes;
    lv_error sub;
    if (!text)
        goto out;
    if (lv__xb_parse_uint(text, 10, UINT64_MAX, &value) < 0) {
        lv_error_set(ctx->err, LV_ERR_INVALID_ARG, "invalid size '%s%s%s' in %s", text,
                     unit ? " " : "", unit ? (const char *)unit : "", where);
        goto out;
    }
    if (lv_size_scale(value, unit ? (const char *)unit : NULL, NULL, &bytes, &sub) < 0) {
        lv_error_set(ctx->err, LV_ERR_INVALID_ARG, "invalid size '%s%s%s' in %s: %s", text,
                     unit ? " " : "", unit ? (const char *)unit : "", where, sub.message);
        goto out;
    }
    ((lv_opt_size *)field)->set = true;
    ((lv_opt_size *)field)->bytes = bytes;
    rc = 0;
out:
    free(text);
    xmlFree(unit);
    return rc;
}

static bool size_is_set(const void *field)
{
    return ((const lv_opt_size *)field)->set;
}

static void size_format(const void *field, const char *name, lv_strbuf *sb, int indent,
                        unsigned flags)
{
    (void)flags;
    lv__xb_indent(sb, indent);
    lv_strbuf_addf(sb, "<%s unit='bytes'>%" PRIu64 "</%s>\n", name,
                   ((const lv_opt_size *)field)->bytes, name);
}

static const lv__xb_custom size_custom = {
    .parse = size_parse,
    .is_set = size_is_set,
    .format = size_format,
};

/* What libvirt writes and luvirt recomputes (a volume's <source> extents, its
 * <timestamps>): accepted on input so libvirt's own output can be fed back,
 * never kept. */
static int ignore_parse(xmlNodePtr node, void *field, lv__xb_ctx *ctx)
{
    (void)node;
    (void)field;
    (void)ctx;
    return 0;
}

static bool ignore_is_set(const void *field)
{
    (void)field;
    return false;
}

static const lv__xb_custom ignore_custom = {
    .parse = ignore_parse,
    .is_set = ignore_is_set,
};

/* ---- tables --------------------------------------------------------------------------------- */

/* clang-format off */

#define PERMS(st, fld)                                                                             \
    INL("permissions", .children = CHILDREN(                                                       \
        TXT("mode", STR, st, fld.mode), TXT("owner", INT, st, fld.owner),                          \
        TXT("group", INT, st, fld.group), TXT("label", STR, st, fld.label)))

#define P lv_pool_def
static const lv__xb_elem pool_elem = {
    .attrs = ATTRS(A("type", STR, P, type)),
    .children = CHILDREN(
        TXT("name", STR, P, name), TXT("uuid", UUID, P, uuid),
        CUSTOM("capacity", P, capacity, &size_custom),
        CUSTOM("allocation", P, allocation, &size_custom),
        CUSTOM("available", P, available, &size_custom),
        INL("source", .children = CHILDREN(
            LIST("device", P, source_devices, n_source_devices, lv_pool_source_device,
                 ELEM(.attrs = ATTRS(A("path", STR, lv_pool_source_device, path)))),
            TXT("name", STR, P, source_name),
            INL("format", .attrs = ATTRS(A("type", STR, P, source_format))))),
        INL("target", .children = CHILDREN(
            TXT("path", STR, P, target_path),
            PERMS(P, target_perms)))),
};
#undef P

#define V lv_vol_def
static const lv__xb_elem vol_elem = {
    .attrs = ATTRS(AE("type", V, type, "file", "block", "dir")),
    .children = CHILDREN(
        TXT("name", STR, V, name), TXT("key", STR, V, key),
        CUSTOM("source", V, name, &ignore_custom),
        CUSTOM("capacity", V, capacity, &size_custom),
        CUSTOM("allocation", V, allocation, &size_custom),
        CUSTOM("physical", V, physical, &size_custom),
        INL("target", .children = CHILDREN(
            TXT("path", STR, V, target_path),
            INL("format", .attrs = ATTRS(A("type", STR, V, target_format))),
            PERMS(V, target_perms),
            CUSTOM("timestamps", V, name, &ignore_custom),
            TXT("compat", STR, V, target_compat),
            CUSTOM("clusterSize", V, target_cluster_size, &size_custom),
            FLAG("nocow", V, target_nocow),
            INL("features", .children = CHILDREN(FLAG("lazy_refcounts", V,
                                                      target_lazy_refcounts))))),
        INL("backingStore", .children = CHILDREN(
            TXT("path", STR, V, backing_path),
            INL("format", .attrs = ATTRS(A("type", STR, V, backing_format))),
            PERMS(V, backing_perms),
            CUSTOM("timestamps", V, name, &ignore_custom)))),
};
#undef V

/* clang-format on */

/* ---- checks --------------------------------------------------------------------------------- */

static const char *const pool_types[] = {"dir", "fs", "logical", NULL};
/* libvirt's other pool types, named as such in the refusal. */
static const char *const known_other_pool_types[] = {
    "netfs", "disk", "iscsi", "iscsi-direct", "scsi", "mpath", "rbd", "sheepdog",
    "gluster", "zfs", "vstorage", NULL};

static bool in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; s && list[i]; i++)
        if (!strcmp(list[i], s))
            return true;
    return false;
}

bool lv_pool_type_supported(const char *type)
{
    return in_list(pool_types, type);
}

static const char *const vol_formats[] = {
    "raw", "qcow2", "qcow", "qed", "vmdk", "vdi", "vpc", "vhdx", "luks", "iso", "dmg",
    "cloop", "bochs", "parallels", NULL};

bool lv_vol_format_known(const char *format)
{
    return in_list(vol_formats, format);
}

static int check_perms(const lv_storage_perms *p, const char *where, lv_error *err)
{
    if (!p->mode)
        return 0;
    unsigned long long mode;
    if (p->mode[0] < '0' || p->mode[0] > '7' || lv__xb_parse_uint(p->mode, 8, 07777, &mode) < 0)
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "invalid mode '%s' in the permissions of %s: expected octal, at "
                            "most 7777",
                            p->mode, where);
    return 0;
}

/* Absolute, without "." or ".." components, empty components or a trailing
 * '/' (except "/" itself): the form overlap checks compare. */
static int check_path(const char *what, const char *path, lv_error *err)
{
    char shown[256];
    if (!path || path[0] != '/')
        return lv_error_set(err, LV_ERR_INVALID_ARG, "%s '%s' must be an absolute path", what,
                            lv_text_for_message(path, shown, sizeof(shown)));
    for (const char *p = path; *p;) {
        const char *c = p + 1, *e = strchr(c, '/');
        size_t n = e ? (size_t)(e - c) : strlen(c);
        if ((n == 0 && (e || p != path)) || (n == 1 && c[0] == '.') ||
            (n == 2 && c[0] == '.' && c[1] == '.'))
            return lv_error_set(err, LV_ERR_INVALID_ARG,
                                "%s '%s' must be a plain absolute path (no '.', '..', '//' or "
                                "trailing '/')",
                                what, lv_text_for_message(path, shown, sizeof(shown)));
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)c[i] < 0x20)
                return lv_error_set(err, LV_ERR_INVALID_ARG,
                                    "%s '%s' contains a control character", what,
                                    lv_text_for_message(path, shown, sizeof(shown)));
        if (!e)
            break;
        p = e;
    }
    return 0;
}

static int pool_post_parse(lv_pool_def *def, unsigned flags, lv_error *err)
{
    char shown[128];
    if (!def->type)
        return lv_error_set(err, LV_ERR_XML, "XML error: a pool needs a type attribute");
    if (!lv_pool_type_supported(def->type)) {
        if (in_list(known_other_pool_types, def->type))
            return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                                "unsupported configuration: pool type '%s' is not supported "
                                "(luvirt serves dir, fs and logical pools)",
                                def->type);
        return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                            "unsupported configuration: unknown pool type '%s'",
                            lv_text_for_message(def->type, shown, sizeof(shown)));
    }
    if (!def->name)
        return lv_error_set(err, LV_ERR_XML, "XML error: a pool needs a <name>");
    if (lv_name_validate("pool", def->name, err) < 0)
        return -1;
    if (lv_uuid_is_null(def->uuid) && lv_uuid_generate(def->uuid, err) < 0)
        return -1;
    if (!strcmp(def->type, "logical")) {
        if (!def->source_name)
            def->source_name = lv_strdup(def->name);
        if (!def->target_path)
            def->target_path = lv_asprintf("/dev/%s", def->source_name);
    }
    if (!def->target_path)
        return lv_error_set(err, LV_ERR_XML, "XML error: pool '%s' needs a <target><path>",
                            def->name);
    if (check_path("pool target", def->target_path, err) < 0)
        return -1;
    if (!strcmp(def->target_path, "/"))
        return lv_error_set(err, LV_ERR_INVALID_ARG, "pool target '/' is not allowed");
    for (size_t i = 0; i < def->n_source_devices; i++) {
        if (!def->source_devices[i].path)
            return lv_error_set(err, LV_ERR_XML,
                                "XML error: <device> in the <source> of pool '%s' needs a path",
                                def->name);
        if (check_path("pool source device", def->source_devices[i].path, err) < 0)
            return -1;
    }
    if (check_perms(&def->target_perms, "the pool target", err) < 0)
        return -1;
    if (!(flags & LV_POOL_PARSE_KEEP_LIVE)) {
        def->capacity.set = def->allocation.set = def->available.set = false;
    }
    return 0;
}

static int vol_post_parse(lv_vol_def *def, lv_error *err)
{
    char shown[128];
    if (!def->name)
        return lv_error_set(err, LV_ERR_XML, "XML error: a volume needs a <name>");
    if (lv_name_validate("volume", def->name, err) < 0)
        return -1;
    if (!def->capacity.set)
        return lv_error_set(err, LV_ERR_XML, "XML error: volume '%s' needs a <capacity>",
                            def->name);
    if (def->target_format && !lv_vol_format_known(def->target_format))
        return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                            "unsupported configuration: volume format '%s' is not supported",
                            lv_text_for_message(def->target_format, shown, sizeof(shown)));
    if (def->backing_format && !lv_vol_format_known(def->backing_format))
        return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                            "unsupported configuration: backing format '%s' is not supported",
                            lv_text_for_message(def->backing_format, shown, sizeof(shown)));
    if (def->target_compat && strcmp(def->target_compat, "0.10") &&
        strcmp(def->target_compat, "1.1"))
        return lv_error_set(err, LV_ERR_CONFIG_UNSUPPORTED,
                            "unsupported configuration: qcow2 compat '%s' (0.10 or 1.1)",
                            lv_text_for_message(def->target_compat, shown, sizeof(shown)));
    if (def->backing_path && check_path("backing store", def->backing_path, err) < 0)
        return -1;
    if (check_perms(&def->target_perms, "the volume target", err) < 0 ||
        check_perms(&def->backing_perms, "the backing store", err) < 0)
        return -1;
    /* Output only: the pool decides them. */
    free(def->key);
    def->key = NULL;
    free(def->target_path);
    def->target_path = NULL;
    def->physical.set = false;
    return 0;
}

/* ---- parse and format ----------------------------------------------------------------------- */


static xmlNodePtr root_named(xmlDocPtr doc, const char *name, lv_error *err)
{
    xmlNodePtr node = xmlDocGetRootElement(doc);
    if (!node || node->ns || strcmp((const char *)node->name, name)) {
        lv_error_set(err, LV_ERR_XML, "XML error: expected a <%s> element, found <%s>", name,
                     node && node->name ? (const char *)node->name : "");
        return NULL;
    }
    return node;
}

lv_pool_def *lv_pool_def_parse_xml(const char *xml, unsigned flags, lv_error *err)
{
    xmlDocPtr doc = lv__xb_read_doc(xml, "pool definition", "storage.xml", err);
    if (!doc)
        return NULL;
    lv_pool_def *def = NULL;
    xmlNodePtr node = root_named(doc, "pool", err);
    if (node) {
        lv__xb_ctx ctx = {.err = err, .flags = 0};
        def = LV_NEW(lv_pool_def);
        if (lv__xb_parse(&pool_elem, node, def, &ctx) < 0 ||
            pool_post_parse(def, flags, err) < 0) {
            lv_pool_def_free(def);
            def = NULL;
        }
    }
    xmlFreeDoc(doc);
    return def;
}

char *lv_pool_def_format_xml(const lv_pool_def *def, unsigned flags)
{
    lv_pool_def tmp = *def;
    if (flags & LV_POOL_FORMAT_INACTIVE)
        tmp.capacity.set = tmp.allocation.set = tmp.available.set = false;
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    lv_strbuf_add(&sb, "<pool type='");
    lv__xb_escape(&sb, def->type ? def->type : "dir", true);
    lv_strbuf_add(&sb, "'>\n");
    lv__xb_format_children(&pool_elem, &tmp, &sb, 2, 0);
    lv_strbuf_add(&sb, "</pool>\n");
    return lv_strbuf_steal(&sb);
}

lv_pool_def *lv_pool_def_copy(const lv_pool_def *def)
{
    lv_pool_def *copy = LV_NEW(lv_pool_def);
    memcpy(copy, def, sizeof(*copy));
    lv__xb_deepen(&pool_elem, copy);
    return copy;
}

void lv_pool_def_free(lv_pool_def *def)
{
    if (!def)
        return;
    lv__xb_clear(&pool_elem, def);
    free(def);
}

lv_vol_def *lv_vol_def_parse_xml(const char *xml, unsigned flags, lv_error *err)
{
    (void)flags;
    xmlDocPtr doc = lv__xb_read_doc(xml, "volume definition", "storage.xml", err);
    if (!doc)
        return NULL;
    lv_vol_def *def = NULL;
    xmlNodePtr node = root_named(doc, "volume", err);
    if (node) {
        lv__xb_ctx ctx = {.err = err, .flags = 0};
        def = LV_NEW(lv_vol_def);
        if (lv__xb_parse(&vol_elem, node, def, &ctx) < 0 || vol_post_parse(def, err) < 0) {
            lv_vol_def_free(def);
            def = NULL;
        }
    }
    xmlFreeDoc(doc);
    return def;
}

char *lv_vol_def_format_xml(const lv_vol_def *def, unsigned flags)
{
    (void)flags;
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    lv_strbuf_add(&sb, "<volume type='");
    lv__xb_escape(&sb, def->type ? def->type : "file", true);
    lv_strbuf_add(&sb, "'>\n");
    lv__xb_format_children(&vol_elem, def, &sb, 2, 0);
    lv_strbuf_add(&sb, "</volume>\n");
    return lv_strbuf_steal(&sb);
}

lv_vol_def *lv_vol_def_copy(const lv_vol_def *def)
{
    lv_vol_def *copy = LV_NEW(lv_vol_def);
    memcpy(copy, def, sizeof(*copy));
    lv__xb_deepen(&vol_elem, copy);
    return copy;
}

void lv_vol_def_clear(lv_vol_def *def)
{
    if (def)
        lv__xb_clear(&vol_elem, def);
}

void lv_vol_def_free(lv_vol_def *def)
{
    if (!def)
        return;
    lv__xb_clear(&vol_elem, def);
    free(def);
}
