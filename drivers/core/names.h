#ifndef LV_CORE_NAMES_H
#define LV_CORE_NAMES_H

#include <stddef.h>

#include "error.h"

#define LV_NAME_MAX 255

/* Object names become file names: refuse empty, longer than 255 bytes, '/',
 * "." and "..", leading '.', control characters and invalid UTF-8.
 * kind is "domain", "network", ... and appears in the message:
 *   invalid domain name 'a/b': contains '/' */
int lv_name_validate(const char *kind, const char *name, lv_error *err);

/* Writes s into out (outsz bytes, at least 8) as it can appear inside a one-line
 * message: control characters and bytes that are not UTF-8 become \xNN, and what
 * does not fit ends in "...". NULL prints as "". Returns out. */
const char *lv_text_for_message(const char *s, char *out, size_t outsz);

#endif
