#ifndef LV_CORE_NAMES_H
#define LV_CORE_NAMES_H

#include "error.h"

#define LV_NAME_MAX 255

/* Object names become file names: refuse empty, longer than 255 bytes, '/',
 * "." and "..", leading '.', control characters and invalid UTF-8.
 * kind is "domain", "network", ... and appears in the message:
 *   invalid domain name 'a/b': contains '/' */
int lv_name_validate(const char *kind, const char *name, lv_error *err);

#endif
