/* Allocation that aborts on failure. */
#include "alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void __attribute__((noreturn)) out_of_memory(size_t size)
{
    fprintf(stderr, "luvirt: out of memory (allocating %zu bytes)\n", size);
    abort();
}

void *lv_malloc0(size_t size)
{
    void *p = calloc(1, size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

void *lv_realloc(void *ptr, size_t size)
{
    /* realloc(ptr, 0) may free ptr and return NULL: never ask for 0. */
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

char *lv_strdup(const char *s)
{
    if (!s)
        return NULL;
    return lv_strndup(s, strlen(s));
}

char *lv_strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    size_t len = strnlen(s, n);
    char *p = lv_malloc0(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *lv_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        out_of_memory(strlen(fmt));
    return s;
}
