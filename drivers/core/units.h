/* Sizes with units, as libvirt reads them (b, bytes, KB, K, KiB, MB, M, MiB,
 * GB, G, GiB, TB, T, TiB, PB, P, PiB, EB, E, EiB; case-insensitive; "KB" is 1000,
 * "K"/"KiB" is 1024) and as people type them ("1 GiB", "512M", "2048"). */
#ifndef LV_CORE_UNITS_H
#define LV_CORE_UNITS_H

#include <stdint.h>

#include "error.h"

/* value scaled by unit (NULL or "" means default_unit; default_unit NULL means bytes).
 * Fails on an unknown unit or on overflow. */
int lv_size_scale(uint64_t value, const char *unit, const char *default_unit, uint64_t *bytes,
                  lv_error *err);
/* Parses "1 GiB", "1GiB", "512M", "2048" (a bare number is in default_unit).
 * Fails with one line naming the input: invalid size '12 potatoes': unknown unit 'potatoes'. */
int lv_size_parse(const char *str, const char *default_unit, uint64_t *bytes, lv_error *err);
/* Human form with a binary unit, e.g. "1.0 GiB", "512 KiB"; malloc'd. */
char *lv_size_format(uint64_t bytes);

#endif
