/* Object names become file names: refuse what cannot be one, or would
 * surprise when it is. */
#include "names.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define SHOW_MAX 96 /* room for the name quoted in a message */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one.
 * Refuses overlong forms, surrogates and code points above U+10FFFF. */
static size_t utf8_seq_len(const unsigned char *s, unsigned *cp_out)
{
    unsigned c = s[0];
    size_t n;
    unsigned cp, min;
    if (c < 0x80) {
        *cp_out = c;
        return 1;
    } else if ((c & 0xe0) == 0xc0) {
        n = 2;
        cp = c & 0x1f;
        min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        n = 3;
        cp = c & 0x0f;
        min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        n = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0; /* also stops at the NUL */
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    *cp_out = cp;
    return n;
}

static bool is_control(unsigned cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* The next piece of p as shown in a message: a UTF-8 character as is, a control
 * character or a byte that is not UTF-8 as \xNN per byte. Returns the bytes of p used. */
static size_t next_piece(const unsigned char *p, char piece[16], size_t *plen)
{
    unsigned cp;
    size_t n = utf8_seq_len(p, &cp);
    if (n != 0 && !is_control(cp)) {
        memcpy(piece, p, n);
        *plen = n;
        return n;
    }
    size_t k = n ? n : 1;
    *plen = 0;
    for (size_t j = 0; j < k; j++)
        *plen += (size_t)snprintf(piece + *plen, 16 - *plen, "\\x%02x", p[j]);
    return k;
}

const char *lv_text_for_message(const char *s, char *out, size_t outsz)
{
    const unsigned char *start = (const unsigned char *)(s ? s : "");
    char piece[16];
    size_t plen;
    size_t total = 0;
    for (const unsigned char *p = start; *p;) {
        p += next_piece(p, piece, &plen);
        total += plen;
    }
    /* When it cannot all fit, keep room for "..." and the NUL. */
    size_t reserve = total + 1 > outsz ? 4 : 1;
    size_t o = 0;
    const unsigned char *p = start;
    while (*p) {
        size_t n = next_piece(p, piece, &plen);
        if (o + plen + reserve > outsz) {
            if (o + 4 <= outsz) {
                memcpy(out + o, "...", 3);
                o += 3;
            }
            break;
        }
        memcpy(out + o, piece, plen);
        o += plen;
        p += n;
    }
    out[o] = '\0';
    return out;
}

static int refuse(lv_error *err, const char *kind, const char *name, const char *why)
{
    char shown[SHOW_MAX];
    lv_text_for_message(name, shown, sizeof(shown));
    return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid %s name '%s': %s", kind, shown, why);
}

int lv_name_validate(const char *kind, const char *name, lv_error *err)
{
    if (!kind)
        kind = "object";
    if (!name || !*name)
        return refuse(err, kind, "", "must not be empty");
    size_t len = strlen(name);
    if (len > LV_NAME_MAX) {
        char why[64];
        snprintf(why, sizeof(why), "longer than %d bytes (%zu)", LV_NAME_MAX, len);
        return refuse(err, kind, name, why);
    }
    const unsigned char *s = (const unsigned char *)name;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t n = utf8_seq_len(s + i, &cp);
        if (n == 0)
            return refuse(err, kind, name, "not valid UTF-8");
        if (is_control(cp)) {
            char why[64];
            snprintf(why, sizeof(why), "contains a control character (U+%04X)", cp);
            return refuse(err, kind, name, why);
        }
        i += n;
    }
    if (strchr(name, '/'))
        return refuse(err, kind, name, "contains '/'");
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return refuse(err, kind, name, "'.' and '..' are reserved");
    if (name[0] == '.')
        return refuse(err, kind, name, "must not start with '.'");
    return 0;
}
