/* Sizes with units, as libvirt reads them and as people type them. */
#include "units.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "names.h"

/* "invalid size 'STR': WHY", with STR made safe for one line. */
static int size_error(lv_error *err, const char *str, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int size_error(lv_error *err, const char *str, const char *fmt, ...)
{
    if (!err)
        return -1;
    char shown[96], why[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid size '%s': %s",
                        lv_text_for_message(str, shown, sizeof(shown)), why);
}

/* The multiplier for a unit word, or 0 when the word is not a unit.
 * b, byte, bytes: 1. Then a prefix letter k m g t p e, alone or followed by "ib"
 * (powers of 1024) or by "b" (powers of 1000). Case-insensitive. */
static uint64_t unit_multiplier(const char *unit)
{
    if (strcasecmp(unit, "b") == 0 || strcasecmp(unit, "byte") == 0 ||
        strcasecmp(unit, "bytes") == 0)
        return 1;
    static const char prefixes[] = "kmgtpe";
    const char *at = unit[0] ? strchr(prefixes, unit[0] | 0x20) : NULL;
    if (!at)
        return 0;
    int power = (int)(at - prefixes) + 1;
    uint64_t base;
    const char *rest = unit + 1;
    if (*rest == '\0' || strcasecmp(rest, "ib") == 0)
        base = 1024;
    else if (strcasecmp(rest, "b") == 0)
        base = 1000;
    else
        return 0;
    uint64_t m = 1;
    for (int i = 0; i < power; i++)
        m *= base; /* 1024^6 and 1000^6 both fit in 64 bits */
    return m;
}

static int default_multiplier(const char *default_unit, uint64_t *m, lv_error *err)
{
    if (!default_unit || !*default_unit) {
        *m = 1;
        return 0;
    }
    *m = unit_multiplier(default_unit);
    if (*m == 0)
        return lv_error_set(err, LV_ERR_INTERNAL, "unknown default unit '%s'", default_unit);
    return 0;
}

int lv_size_scale(uint64_t value, const char *unit, const char *default_unit, uint64_t *bytes,
                  lv_error *err)
{
    uint64_t m;
    if (!unit || !*unit) {
        if (default_multiplier(default_unit, &m, err) < 0)
            return -1;
    } else {
        m = unit_multiplier(unit);
        if (m == 0) {
            char shown[64];
            return lv_error_set(err, LV_ERR_INVALID_ARG, "unknown unit '%s'",
                                lv_text_for_message(unit, shown, sizeof(shown)));
        }
    }
    if (value > UINT64_MAX / m)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "size %llu %s is too large",
                            (unsigned long long)value, unit && *unit ? unit : "");
    *bytes = value * m;
    return 0;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int lv_size_parse(const char *str, const char *default_unit, uint64_t *bytes, lv_error *err)
{
    if (!str)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "invalid size: none given");
    const char *p = str;
    while (is_blank(*p))
        p++;
    if (*p == '\0')
        return size_error(err, str, "empty");
    if (*p == '-')
        return size_error(err, str, "must not be negative");
    if (!is_digit(*p) && !(*p == '.' && is_digit(p[1])))
        return size_error(err, str, "expected a number");

    /* Whole part, exactly. */
    unsigned __int128 whole = 0;
    for (; is_digit(*p); p++) {
        whole = whole * 10 + (unsigned)(*p - '0');
        if (whole > UINT64_MAX)
            return size_error(err, str, "too large");
    }
    /* Fraction as num / den, for "1.5 GiB"; digits past the 18th do not matter. */
    uint64_t num = 0, den = 1;
    if (*p == '.') {
        p++;
        for (; is_digit(*p); p++) {
            if (den < 1000000000000000000ULL) {
                num = num * 10 + (uint64_t)(*p - '0');
                den *= 10;
            }
        }
    }

    while (is_blank(*p))
        p++;
    size_t ulen = strlen(p);
    while (ulen > 0 && is_blank(p[ulen - 1]))
        ulen--;
    char unit[32];
    if (ulen >= sizeof(unit)) {
        char *u = lv_strndup(p, ulen);
        char shown[48];
        lv_text_for_message(u, shown, sizeof(shown));
        free(u);
        return size_error(err, str, "unknown unit '%s'", shown);
    }
    memcpy(unit, p, ulen);
    unit[ulen] = '\0';

    uint64_t m;
    if (ulen == 0) {
        if (default_multiplier(default_unit, &m, err) < 0)
            return -1;
    } else {
        m = unit_multiplier(unit);
        if (m == 0) {
            char shown[48];
            return size_error(err, str, "unknown unit '%s'",
                              lv_text_for_message(unit, shown, sizeof(shown)));
        }
    }

    /* Rounded down to whole bytes. */
    unsigned __int128 total = whole * m + ((unsigned __int128)num * m) / den;
    if (total > UINT64_MAX)
        return size_error(err, str, "too large");
    *bytes = (uint64_t)total;
    return 0;
}

char *lv_size_format(uint64_t bytes)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024)
        return lv_asprintf("%llu B", (unsigned long long)bytes);
    /* One decimal below 10, whole numbers above; never "1024 KiB". */
    double v = (double)bytes / 1024;
    size_t i = 0;
    while (i + 1 < sizeof(units) / sizeof(units[0]) && v >= 1023.5) {
        v /= 1024;
        i++;
    }
    if (v < 9.95)
        return lv_asprintf("%.1f %s", v, units[i]);
    return lv_asprintf("%.0f %s", v, units[i]);
}
