/* Connection URIs, as libvirt writes them:
 *   test:///default   test:///ABS/PATH.xml   qemu:///system   qemu:///session
 *   qemu:///embed?root=DIR   qemu+ssh://user@host:2222/system?keyfile=/k */
#ifndef LV_CORE_URI_H
#define LV_CORE_URI_H

#include <stddef.h>

#include "error.h"

typedef struct lv_uri_param {
    char *name;
    char *value; /* percent-decoded */
} lv_uri_param;

typedef struct lv_uri {
    char *original;  /* the string as given */
    char *scheme;    /* "qemu+ssh" */
    char *driver;    /* "qemu" (scheme before '+') */
    char *transport; /* "ssh", or NULL when none */
    char *user;      /* NULL when none */
    char *host;      /* NULL when none (local) */
    int port;        /* 0 when none */
    char *path;      /* "/system", "/default", "/abs/file.xml"; "" when none */
    lv_uri_param *params;
    size_t nparams;
} lv_uri;

/* Parses str into out (zeroed first). On failure out holds nothing to free.
 * The scheme is lower-cased; user, host, path and query names and values are
 * percent-decoded; the query splits on '&' and ';' ("name" alone has the value
 * "", "=value" is ignored, as libvirt does). An IPv6 host is stored without its
 * brackets. Errors name the URI: invalid URI 'x': missing scheme ... */
int lv_uri_parse(const char *str, lv_uri *out, lv_error *err);
void lv_uri_clear(lv_uri *uri);
/* The value of query parameter name (the last one when repeated), or NULL. */
const char *lv_uri_param_get(const lv_uri *uri, const char *name);
/* Canonical form (malloc'd): scheme://[user@]host[:port]path[?params], with
 * what needs it percent-encoded again; user and port only appear with a host. */
char *lv_uri_format(const lv_uri *uri);

#endif
