#ifndef LV_CORE_UUID_H
#define LV_CORE_UUID_H

#include <stddef.h>

#include "error.h"

#define LV_UUID_LEN 16
#define LV_UUID_STRING_LEN 37 /* 36 chars + NUL */

/* Random version-4 UUID from getrandom(2). */
int lv_uuid_generate(unsigned char uuid[LV_UUID_LEN], lv_error *err);
/* Accepts the dashed 8-4-4-4-12 form and 32 plain hex digits (as libvirt does). */
int lv_uuid_parse(const char *str, unsigned char uuid[LV_UUID_LEN], lv_error *err);
void lv_uuid_format(const unsigned char uuid[LV_UUID_LEN], char out[LV_UUID_STRING_LEN]);
int lv_uuid_is_null(const unsigned char uuid[LV_UUID_LEN]);

/* len bytes from getrandom(2) (blocks only until the kernel pool is first ready). */
int lv_random_bytes(void *buf, size_t len, lv_error *err);

#endif
