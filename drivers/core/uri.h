/* Connection URIs, as libvirt writes them:
 *   test:///default   test:///ABS/PATH.xml   qemu:///system   qemu:///session
 *   qemu:///embed?root=DIR   qemu+ssh://user@host:2222/system?keyfile=/k */
#ifndef LV_CORE_URI_H
#define LV_CORE_URI_H

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

/* Parses str into out (zeroed first). On failure out holds nothing to free. */
int lv_uri_parse(const char *str, lv_uri *out, lv_error *err);
void lv_uri_clear(lv_uri *uri);
/* The value of query parameter name, or NULL. */
const char *lv_uri_param_get(const lv_uri *uri, const char *name);
/* Canonical form (malloc'd): scheme://[user@]host[:port]path[?params]. */
char *lv_uri_format(const lv_uri *uri);

#endif
