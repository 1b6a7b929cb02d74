/* The one error type of the driver layer: a code and a message naming the
 * object and the cause. No global "last error": every fallible call takes an
 * lv_error * as its last parameter (may be NULL when the caller does not care). */
#ifndef LV_CORE_ERROR_H
#define LV_CORE_ERROR_H

#include <stdarg.h>

typedef enum lv_error_code {
    LV_ERR_NONE = 0,
    LV_ERR_INTERNAL,           /* a bug or an unexpected system failure */
    LV_ERR_NO_MEMORY,
    LV_ERR_INVALID_ARG,        /* a malformed argument: bad name, bad size, bad uuid */
    LV_ERR_NO_SUPPORT,         /* the driver does not implement this operation */
    LV_ERR_NO_CONNECT,         /* no driver for that URI, or it cannot be reached */
    LV_ERR_XML,                /* XML that does not parse, or misses a required part */
    LV_ERR_CONFIG_UNSUPPORTED, /* well-formed, but an element or value luvirt cannot honour */
    LV_ERR_NO_DOMAIN,          /* no such domain */
    LV_ERR_DUPLICATE,          /* name or uuid already used by another object */
    LV_ERR_OPERATION_INVALID,  /* not valid in the object's current state */
    LV_ERR_OPERATION_FAILED,   /* tried, and the system said no */
    LV_ERR_READ_ONLY,          /* a mutating call on a read-only connection */
    LV_ERR_CANCELLED,          /* the caller's task was cancelled */
    LV_ERR_TIMEOUT,
    LV_ERR_SYSTEM,             /* an errno from the system; message names the path or call */
    LV_ERR_NO_NETWORK,
    LV_ERR_NO_POOL,
    LV_ERR_NO_VOLUME,          /* no such storage volume */
    LV_ERR__COUNT
} lv_error_code;

#define LV_ERROR_MESSAGE_MAX 1024

typedef struct lv_error {
    lv_error_code code;
    int sys_errno; /* errno when code == LV_ERR_SYSTEM, else 0 */
    char message[LV_ERROR_MESSAGE_MAX];
} lv_error;

/* Fills err (when not NULL); returns -1 so callers can `return lv_error_set(...)`. */
int lv_error_set(lv_error *err, lv_error_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int lv_error_setv(lv_error *err, lv_error_code code, const char *fmt, va_list ap);
/* code = LV_ERR_SYSTEM; the message gets ": strerror(errnum)" appended. */
int lv_error_set_errno(lv_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void lv_error_clear(lv_error *err);
void lv_error_copy(lv_error *dst, const lv_error *src);
/* Stable upper-case name for the Lua side ("NO_DOMAIN"), never NULL. */
const char *lv_error_code_name(lv_error_code code);

#endif
