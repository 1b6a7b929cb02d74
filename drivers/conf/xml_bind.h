/* Table-driven binding between XML elements and C structs, for the conf parsers.
 *
 * A table (lv__xb_elem) lists, in the order libvirt writes them, the attributes
 * and child elements an element may have and where each lands in a struct.
 * The same table drives parsing (anything not listed is refused with an error
 * naming it, never dropped), formatting (libvirt's attribute and element order,
 * 2-space indentation) and freeing. Semantic checks stay in the callers. */
#ifndef LV_CONF_XML_BIND_H
#define LV_CONF_XML_BIND_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "core/error.h"
#include "core/strbuf.h"

typedef enum lv__xb_type {
    LV__XB_NONE = 0,
    LV__XB_STR,    /* char *; an empty value counts as absent */
    LV__XB_ENUM,   /* char *, one of .values */
    LV__XB_UINT,   /* lv_opt_uint, decimal */
    LV__XB_HEX,    /* lv_opt_uint, read with base 0, written 0x%0*x (.width) */
    LV__XB_INT,    /* lv_opt_int */
    LV__XB_YESNO,  /* lv_tristate as yes/no */
    LV__XB_ONOFF,  /* lv_tristate as on/off */
    LV__XB_MAC,    /* char *, normalised to lower-case aa:bb:cc:dd:ee:ff */
    LV__XB_UUID,   /* unsigned char[LV_UUID_LEN]; all zero is absent */
    LV__XB_IGNORE, /* accepted and not stored (e.g. <domain id>) */
} lv__xb_type;

enum {
    LV__XB_SECURE = 1 << 0, /* formatted only with LV__XB_FMT_SECURE */
};

enum {
    LV__XB_FMT_SECURE = 1 << 1, /* same value as LV_DOMAIN_FORMAT_SECURE */
};

typedef struct lv__xb_attr {
    const char *name;
    lv__xb_type type;
    size_t off;
    const char *const *values; /* LV__XB_ENUM: NULL-terminated */
    unsigned width;            /* LV__XB_HEX */
    unsigned flags;
} lv__xb_attr;

typedef enum lv__xb_kind {
    LV__XB_INLINE = 0, /* the child's fields live in the same struct */
    LV__XB_ONE,        /* a pointer to one struct of .size bytes */
    LV__XB_LIST,       /* an array of .size-byte structs and a size_t count */
    LV__XB_CUSTOM,     /* hand-written functions on the field at .off */
} lv__xb_kind;

typedef struct lv__xb_ctx {
    lv_error *err;
    unsigned flags;
} lv__xb_ctx;

typedef struct lv__xb_custom {
    int (*parse)(xmlNodePtr node, void *field, lv__xb_ctx *ctx);
    bool (*is_set)(const void *field);
    void (*format)(const void *field, const char *name, lv_strbuf *sb, int indent, unsigned flags);
    void (*clear)(void *field);
    /* After a byte copy of the struct: replace the pointers the field shares with
     * the original by copies of their own. NULL when the field holds no pointer. */
    void (*deepen)(void *field);
} lv__xb_custom;

typedef struct lv__xb_elem lv__xb_elem;

typedef struct lv__xb_child {
    const char *name;
    lv__xb_kind kind;
    size_t off;
    size_t count_off; /* LV__XB_LIST */
    size_t size;      /* LV__XB_ONE, LV__XB_LIST */
    const lv__xb_elem *elem;
    const lv__xb_custom *custom;
} lv__xb_child;

struct lv__xb_elem {
    const lv__xb_attr *attrs;     /* ends with name == NULL; may be NULL */
    const lv__xb_child *children; /* ends with name == NULL; may be NULL */
    lv__xb_type text;             /* the element's text content, or LV__XB_NONE */
    size_t text_off;
    const char *const *text_values; /* text == LV__XB_ENUM */
    bool has_flag;                  /* a bool at flag_off is set when present */
    size_t flag_off;
};

/* Fills base from node's attributes, text and children as e says. On failure
 * base may be partly filled: free it with lv__xb_clear. */
int lv__xb_parse(const lv__xb_elem *e, xmlNodePtr node, void *base, lv__xb_ctx *ctx);
/* Writes <name ...>...</name> at indent spaces, or nothing when it is unset. */
void lv__xb_format(const lv__xb_elem *e, const char *name, const void *base, lv_strbuf *sb,
                   int indent, unsigned flags);
/* Writes only the children (for a root element formatted by hand). */
void lv__xb_format_children(const lv__xb_elem *e, const void *base, lv_strbuf *sb, int indent,
                            unsigned flags);
bool lv__xb_is_set(const lv__xb_elem *e, const void *base);
/* base was byte-copied from another struct: give it its own copy of everything e
 * describes, so both can be cleared independently. */
void lv__xb_deepen(const lv__xb_elem *e, void *base);
/* Frees everything e describes inside base (not base itself) and zeroes it. */
void lv__xb_clear(const lv__xb_elem *e, void *base);

/* Parses a definition's text safely (no network, no entities, no DOCTYPE); on
 * failure NULL and one line naming `what` ("domain definition", "DHCP host")
 * or libxml2's complaint with its line. `url` only names the document. */
xmlDocPtr lv__xb_read_doc(const char *xml, const char *what, const char *url, lv_error *err);

/* Helpers shared with hand-written parts. */
/* "element <target> in <disk>" for messages. */
const char *lv__xb_where(xmlNodePtr node, char *buf, size_t len);
int lv__xb_unsupported_element(xmlNodePtr node, lv__xb_ctx *ctx);
/* The concatenated text children of node (malloc'd), or NULL with an error when node
 * holds something other than text (an element, an entity reference). */
char *lv__xb_text(xmlNodePtr node, lv__xb_ctx *ctx);
int lv__xb_parse_uint(const char *s, int base, unsigned long long max, unsigned long long *out);
void lv__xb_indent(lv_strbuf *sb, int indent);
/* XML-escapes s; attr: for an attribute value (also CR, LF, TAB as references). */
void lv__xb_escape(lv_strbuf *sb, const char *s, bool attr);

#endif
