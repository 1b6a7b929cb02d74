/* The argv being built: appending arguments, and qemu's key=value option lists. */
#include "qemu_command_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

int lv__qc_fail(lv__qcmd *c, const char *fmt, ...)
{
    char msg[LV_ERROR_MESSAGE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return lv_error_set(c->err, LV_ERR_CONFIG_UNSUPPORTED, "unsupported configuration: %s", msg);
}

void lv__qc_push(lv__qcmd *c, char *owned)
{
    if (c->argc + 2 > c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->argv = lv_realloc(c->argv, c->cap * sizeof(char *));
    }
    c->argv[c->argc++] = owned;
    c->argv[c->argc] = NULL;
}

void lv__qc_arg(lv__qcmd *c, const char *s)
{
    lv__qc_push(c, lv_strdup(s));
}

void lv__qc_argf(lv__qcmd *c, const char *fmt, ...)
{
    va_list ap;
    char probe[1];
    int n;

    va_start(ap, fmt);
    n = vsnprintf(probe, 0, fmt, ap);
    va_end(ap);
    char *s = lv_malloc0((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    lv__qc_push(c, s);
}

/* An option and its value, taken from sb (which is reset). */
void lv__qc_opt_sb(lv__qcmd *c, const char *option, lv_strbuf *sb)
{
    lv__qc_arg(c, option);
    lv__qc_push(c, lv_strbuf_steal(sb));
}

/* ---- key=value lists ---------------------------------------------------------------------- */

/* s with every ',' doubled, as qemu's option parsers read it. */
void lv__qc_add_escaped(lv_strbuf *sb, const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p == ',')
            lv_strbuf_addn(sb, ",", 1);
        lv_strbuf_addn(sb, p, 1);
    }
}

/* Starts a list with its first bare word (a driver name, a chardev backend). */
void lv__qc_kv_begin(lv_strbuf *sb, const char *first)
{
    lv_strbuf_init(sb);
    lv__qc_add_escaped(sb, first);
}

/* ",key=value" (or "key=value" first in the list). */
void lv__qc_kv(lv_strbuf *sb, const char *key, const char *value)
{
    if (sb->len)
        lv_strbuf_add(sb, ",");
    lv_strbuf_add(sb, key);
    lv_strbuf_add(sb, "=");
    lv__qc_add_escaped(sb, value);
}

void lv__qc_kvf(lv_strbuf *sb, const char *key, const char *fmt, ...)
{
    char val[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    lv__qc_kv(sb, key, val);
}

void lv__qc_kv_onoff(lv_strbuf *sb, const char *key, bool on)
{
    lv__qc_kv(sb, key, on ? "on" : "off");
}

/* Starts a device list with a virtio device name, its -transitional or
 * -non-transitional variant as the XML model says. */
void lv__qc_kv_begin_virtio(lv_strbuf *sb, const char *base, const char *model)
{
    lv__qc_kv_begin(sb, base);
    if (model && lv__qc_streq(model, "virtio-transitional"))
        lv_strbuf_add(sb, "-transitional");
    else if (model && lv__qc_streq(model, "virtio-non-transitional"))
        lv_strbuf_add(sb, "-non-transitional");
}
