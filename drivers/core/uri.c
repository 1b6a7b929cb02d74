/* Connection URIs, as libvirt reads them:
 *   scheme://[user@]host[:port]/path?name=value&name=value
 * with an empty host for local connections (test:///default, qemu:///system).
 * user, host, path and query names and values are percent-decoded; a query is
 * split on '&' and ';', "name" alone has the value "", "=value" is ignored
 * (as libvirt does). */
#include "uri.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "names.h"
#include "strbuf.h"

/* Sets err to "invalid URI 'STR': WHY" with STR made safe for one line. */
static int uri_error(lv_error *err, const char *str, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int uri_error(lv_error *err, const char *str, const char *fmt, ...)
{
    char shown[256];
    lv_text_for_message(str, shown, sizeof(shown));
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid URI '%s': %s", shown, why);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..n) into a new string; what names the part in errors. */
static char *decode(const char *uri, const char *s, size_t n, const char *what, lv_error *err)
{
    char *out = lv_malloc0(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            out[o++] = s[i];
            continue;
        }
        int hi = i + 1 < n ? hexval(s[i + 1]) : -1;
        int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
            uri_error(err, uri, "bad percent-escape '%.*s' in the %s", (int)(n - i < 3 ? n - i : 3),
                      s + i, what);
            free(out);
            return NULL;
        }
        char c = (char)(hi << 4 | lo);
        if (c == '\0') {
            uri_error(err, uri, "the %s contains an encoded NUL (%%00)", what);
            free(out);
            return NULL;
        }
        out[o++] = c;
        i += 2;
    }
    out[o] = '\0';
    return out;
}

static int add_param(lv_uri *uri, const char *src, const char *s, size_t n, lv_error *err)
{
    if (n == 0)
        return 0; /* "&&" */
    const char *eq = memchr(s, '=', n);
    if (eq == s)
        return 0; /* "=value": ignored, as libvirt does */
    size_t nlen = eq ? (size_t)(eq - s) : n;
    char *name = decode(src, s, nlen, "query", err);
    if (!name)
        return -1;
    char *value = eq ? decode(src, eq + 1, n - nlen - 1, "query", err) : lv_strdup("");
    if (!value) {
        free(name);
        return -1;
    }
    uri->params = lv_realloc(uri->params, (uri->nparams + 1) * sizeof(*uri->params));
    uri->params[uri->nparams].name = name;
    uri->params[uri->nparams].value = value;
    uri->nparams++;
    return 0;
}

static int parse_port(const char *src, const char *s, size_t n, int *port, lv_error *err)
{
    if (n == 0) {
        *port = 0; /* "host:" is allowed by RFC 3986 and means no port */
        return 0;
    }
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return uri_error(err, src, "invalid port '%.*s'", (int)n, s);
        v = v * 10 + (s[i] - '0');
        if (v > 65535)
            return uri_error(err, src, "port '%.*s' is out of range (1-65535)", (int)n, s);
    }
    if (v == 0)
        return uri_error(err, src, "port '%.*s' is out of range (1-65535)", (int)n, s);
    *port = (int)v;
    return 0;
}

/* user@host:port, [v6addr]:port */
static int parse_authority(lv_uri *uri, const char *src, const char *s, size_t n, lv_error *err)
{
    const char *end = s + n;
    const char *at = NULL;
    for (const char *p = s; p < end; p++)
        if (*p == '@')
            at = p;
    if (at) {
        if (at == s)
            return uri_error(err, src, "empty user name before '@'");
        uri->user = decode(src, s, (size_t)(at - s), "user name", err);
        if (!uri->user)
            return -1;
        s = at + 1;
    }
    const char *host_start = s, *host_end;
    const char *port_start = NULL;
    if (s < end && *s == '[') {
        const char *close = memchr(s, ']', (size_t)(end - s));
        if (!close)
            return uri_error(err, src, "missing ']' after an IPv6 address");
        host_start = s + 1;
        host_end = close;
        if (close + 1 < end) {
            if (close[1] != ':')
                return uri_error(err, src, "unexpected text after ']'");
            port_start = close + 2;
        }
        if (host_end == host_start)
            return uri_error(err, src, "empty IPv6 address");
    } else {
        const char *colon = memchr(s, ':', (size_t)(end - s));
        host_end = colon ? colon : end;
        if (colon)
            port_start = colon + 1;
    }
    if (host_end > host_start) {
        uri->host = decode(src, host_start, (size_t)(host_end - host_start), "host", err);
        if (!uri->host)
            return -1;
    }
    if (port_start && parse_port(src, port_start, (size_t)(end - port_start), &uri->port, err) < 0)
        return -1;
    if (!uri->host && (uri->user || uri->port))
        return uri_error(err, src, "a user name or port needs a host");
    return 0;
}

int lv_uri_parse(const char *str, lv_uri *out, lv_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!str || !*str)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid URI '': empty");
    for (const char *p = str; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c == 0x7f)
            return uri_error(err, str, "contains %s (write it as %%%02X)",
                             c == ' ' ? "a space" : "a control character", c);
    }

    lv_uri uri = {0};
    const char *p = str;
    if (!isalpha((unsigned char)*p))
        goto no_scheme;
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
    if (*p != ':')
        goto no_scheme;
    uri.scheme = lv_strndup(str, (size_t)(p - str));
    for (char *q = uri.scheme; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    if (strncmp(p, "://", 3) != 0) {
        uri_error(err, str, "expected '//' after '%s:' (for example %s:///system)", uri.scheme,
                  uri.scheme);
        goto fail;
    }
    p += 3;

    const char *plus = strchr(uri.scheme, '+');
    if (plus) {
        if (plus == uri.scheme || plus[1] == '\0') {
            uri_error(err, str, "scheme '%s' needs DRIVER+TRANSPORT", uri.scheme);
            goto fail;
        }
        uri.driver = lv_strndup(uri.scheme, (size_t)(plus - uri.scheme));
        uri.transport = lv_strdup(plus + 1);
    } else {
        uri.driver = lv_strdup(uri.scheme);
    }

    size_t alen = strcspn(p, "/?#");
    if (parse_authority(&uri, str, p, alen, err) < 0)
        goto fail;
    p += alen;

    size_t plen = strcspn(p, "?#");
    uri.path = decode(str, p, plen, "path", err);
    if (!uri.path)
        goto fail;
    p += plen;

    if (*p == '?') {
        p++;
        size_t qlen = strcspn(p, "#");
        const char *qend = p + qlen;
        while (p < qend) {
            size_t n = strcspn(p, "&;#");
            if (add_param(&uri, str, p, n, err) < 0)
                goto fail;
            p += n;
            if (p < qend)
                p++;
        }
    }
    if (*p == '#') {
        uri_error(err, str, "fragments ('#...') are not supported");
        goto fail;
    }
    uri.original = lv_strdup(str);
    *out = uri;
    return 0;

no_scheme:
    return uri_error(err, str, "missing scheme (expected e.g. test:///default or qemu:///system)");
fail:
    lv_uri_clear(&uri);
    return -1;
}

void lv_uri_clear(lv_uri *uri)
{
    if (!uri)
        return;
    free(uri->original);
    free(uri->scheme);
    free(uri->driver);
    free(uri->transport);
    free(uri->user);
    free(uri->host);
    free(uri->path);
    for (size_t i = 0; i < uri->nparams; i++) {
        free(uri->params[i].name);
        free(uri->params[i].value);
    }
    free(uri->params);
    memset(uri, 0, sizeof(*uri));
}

const char *lv_uri_param_get(const lv_uri *uri, const char *name)
{
    /* The last one wins when a name repeats, as libvirt's remote driver reads them. */
    for (size_t i = uri->nparams; i > 0; i--)
        if (strcmp(uri->params[i - 1].name, name) == 0)
            return uri->params[i - 1].value;
    return NULL;
}

/* Adds s, percent-encoding every byte outside RFC 3986's unreserved set and keep. */
static void add_encoded(lv_strbuf *sb, const char *s, const char *keep)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || strchr("-._~", *p) || (*p && strchr(keep, *p)))
            lv_strbuf_addn(sb, (const char *)p, 1);
        else
            lv_strbuf_addf(sb, "%%%02X", *p);
    }
}

char *lv_uri_format(const lv_uri *uri)
{
    lv_strbuf sb;
    lv_strbuf_init(&sb);
    lv_strbuf_add(&sb, uri->scheme ? uri->scheme : "");
    lv_strbuf_add(&sb, "://");
    if (uri->host) {
        if (uri->user) {
            add_encoded(&sb, uri->user, "!$&'()*+,;=");
            lv_strbuf_add(&sb, "@");
        }
        if (strchr(uri->host, ':')) {
            lv_strbuf_add(&sb, "[");
            add_encoded(&sb, uri->host, ":");
            lv_strbuf_add(&sb, "]");
        } else {
            add_encoded(&sb, uri->host, "!$&'()*+,;=");
        }
        if (uri->port)
            lv_strbuf_addf(&sb, ":%d", uri->port);
    }
    if (uri->path)
        add_encoded(&sb, uri->path, "/:@!$&'()*+,;=");
    for (size_t i = 0; i < uri->nparams; i++) {
        lv_strbuf_add(&sb, i == 0 ? "?" : "&");
        add_encoded(&sb, uri->params[i].name, "/:@!$'()*+,");
        lv_strbuf_add(&sb, "=");
        add_encoded(&sb, uri->params[i].value, "/:@!$'()*+,");
    }
    return lv_strbuf_steal(&sb);
}
