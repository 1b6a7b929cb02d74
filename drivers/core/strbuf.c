/* A growable string for formatters. */
#include "strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

void lv_strbuf_init(lv_strbuf *sb)
{
    sb->data = NULL;
    sb->len = 0;
    sb->cap = 0;
}

/* Room for extra more bytes plus the NUL. */
static void reserve(lv_strbuf *sb, size_t extra)
{
    if (extra > SIZE_MAX - sb->len - 1) {
        fprintf(stderr, "luvirt: string buffer too large\n");
        abort();
    }
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    sb->data = lv_realloc(sb->data, cap);
    sb->cap = cap;
}

void lv_strbuf_addn(lv_strbuf *sb, const char *s, size_t n)
{
    if (!s)
        return;
    reserve(sb, n);
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void lv_strbuf_add(lv_strbuf *sb, const char *s)
{
    if (s)
        lv_strbuf_addn(sb, s, strlen(s));
}

void lv_strbuf_addf(lv_strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    char probe[1];
    int n = vsnprintf(probe, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    reserve(sb, (size_t)n);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    sb->len += (size_t)n;
}

void lv_strbuf_add_xml_escaped(lv_strbuf *sb, const char *s)
{
    if (!s)
        return;
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        const char *rep = NULL;
        switch (c) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '\'':
            rep = "&apos;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\r':
            rep = "&#13;"; /* a parser would turn a raw CR into LF */
            break;
        default:
            if (c < 0x20 && c != '\t' && c != '\n')
                rep = ""; /* not representable in XML 1.0 at all */
            break;
        }
        if (!rep)
            continue;
        lv_strbuf_addn(sb, run, (size_t)(p - run));
        lv_strbuf_add(sb, rep);
        run = p + 1;
    }
    lv_strbuf_add(sb, run);
}

char *lv_strbuf_steal(lv_strbuf *sb)
{
    char *s = sb->data ? sb->data : lv_strdup("");
    lv_strbuf_init(sb);
    return s;
}

void lv_strbuf_clear(lv_strbuf *sb)
{
    free(sb->data);
    lv_strbuf_init(sb);
}
