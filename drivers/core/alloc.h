/* Allocation that aborts on failure: the driver layer does not try to
 * limp on after malloc fails. */
#ifndef LV_CORE_ALLOC_H
#define LV_CORE_ALLOC_H

#include <stddef.h>

void *lv_malloc0(size_t size);
void *lv_realloc(void *ptr, size_t size);
char *lv_strdup(const char *s);   /* NULL in, NULL out */
char *lv_strndup(const char *s, size_t n);
char *lv_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define LV_NEW(type) ((type *)lv_malloc0(sizeof(type)))

#endif
