/* A growable string for formatters (XML, argv text). Out-of-memory aborts:
 * there is no useful recovery for a formatter. */
#ifndef LV_CORE_STRBUF_H
#define LV_CORE_STRBUF_H

#include <stddef.h>

typedef struct lv_strbuf {
    char *data;
    size_t len;
    size_t cap;
} lv_strbuf;

void lv_strbuf_init(lv_strbuf *sb);
void lv_strbuf_add(lv_strbuf *sb, const char *s);
void lv_strbuf_addn(lv_strbuf *sb, const char *s, size_t n);
void lv_strbuf_addf(lv_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds s with & < > ' " escaped for XML text and attribute values. CR becomes
 * "&#13;" (a parser would turn a raw one into LF); the other C0 control characters
 * except TAB and LF cannot appear in XML 1.0 at all and are left out. */
void lv_strbuf_add_xml_escaped(lv_strbuf *sb, const char *s);
/* Returns the string (caller frees) and resets sb. Never NULL. */
char *lv_strbuf_steal(lv_strbuf *sb);
void lv_strbuf_clear(lv_strbuf *sb);

#endif
