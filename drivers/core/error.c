#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const code_names[LV_ERR__COUNT] = {
    [LV_ERR_NONE] = "NONE",
    [LV_ERR_INTERNAL] = "INTERNAL",
    [LV_ERR_NO_MEMORY] = "NO_MEMORY",
    [LV_ERR_INVALID_ARG] = "INVALID_ARG",
    [LV_ERR_NO_SUPPORT] = "NO_SUPPORT",
    [LV_ERR_NO_CONNECT] = "NO_CONNECT",
    [LV_ERR_XML] = "XML",
    [LV_ERR_CONFIG_UNSUPPORTED] = "CONFIG_UNSUPPORTED",
    [LV_ERR_NO_DOMAIN] = "NO_DOMAIN",
    [LV_ERR_DUPLICATE] = "DUPLICATE",
    [LV_ERR_OPERATION_INVALID] = "OPERATION_INVALID",
    [LV_ERR_OPERATION_FAILED] = "OPERATION_FAILED",
    [LV_ERR_READ_ONLY] = "READ_ONLY",
    [LV_ERR_CANCELLED] = "CANCELLED",
    [LV_ERR_TIMEOUT] = "TIMEOUT",
    [LV_ERR_SYSTEM] = "SYSTEM",
    [LV_ERR_NO_NETWORK] = "NO_NETWORK",
    [LV_ERR_NO_POOL] = "NO_POOL",
    [LV_ERR_NO_VOLUME] = "NO_VOLUME",
};

int lv_error_setv(lv_error *err, lv_error_code code, const char *fmt, va_list ap)
{
    if (!err)
        return -1;
    err->code = code;
    err->sys_errno = 0;
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    return -1;
}

int lv_error_set(lv_error *err, lv_error_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lv_error_setv(err, code, fmt, ap);
    va_end(ap);
    return -1;
}

int lv_error_set_errno(lv_error *err, int errnum, const char *fmt, ...)
{
    if (!err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    lv_error_setv(err, LV_ERR_SYSTEM, fmt, ap);
    va_end(ap);
    size_t len = strlen(err->message);
    snprintf(err->message + len, sizeof(err->message) - len, ": %s", strerror(errnum));
    err->sys_errno = errnum;
    return -1;
}

void lv_error_clear(lv_error *err)
{
    if (!err)
        return;
    err->code = LV_ERR_NONE;
    err->sys_errno = 0;
    err->message[0] = '\0';
}

void lv_error_copy(lv_error *dst, const lv_error *src)
{
    if (dst && src)
        memcpy(dst, src, sizeof(*dst));
}

const char *lv_error_code_name(lv_error_code code)
{
    if ((int)code < 0 || code >= LV_ERR__COUNT || !code_names[code])
        return "UNKNOWN";
    return code_names[code];
}
