/* lvm2 tool lines and report parsers for logical pools (storage_lvm.h). */
#include "storage_lvm.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "storage_tool.h"

/* Every report is one record per line, fields split by ':', no header, sizes in
 * bytes without a suffix. */
#define REPORT_OPTIONS "--noheadings", "--units", "b", "--nosuffix", "--separator", ":"

static char **argv_of(const char *const *args)
{
    lv__storage_argv a = {0};
    for (size_t i = 0; args[i]; i++)
        lv__storage_argv_add(&a, args[i]);
    return lv__storage_argv_steal(&a);
}

char **lv__lvm_pvcreate_argv(const char *device, bool force)
{
    if (force) /* -ff: also over a PV of another VG; --yes: no question on stdin */
        return argv_of((const char *[]){"pvcreate", "-ff", "--yes", device, NULL});
    return argv_of((const char *[]){"pvcreate", device, NULL});
}

char **lv__lvm_vgcreate_argv(const char *vg, char *const *devices, size_t n_devices)
{
    lv__storage_argv a = {0};
    lv__storage_argv_add(&a, "vgcreate");
    lv__storage_argv_add(&a, vg);
    for (size_t i = 0; i < n_devices; i++)
        lv__storage_argv_add(&a, devices[i]);
    return lv__storage_argv_steal(&a);
}

char **lv__lvm_vgchange_argv(const char *vg, bool activate)
{
    return argv_of((const char *[]){"vgchange", activate ? "-ay" : "-an", vg, NULL});
}

char **lv__lvm_vgremove_argv(const char *vg)
{
    return argv_of((const char *[]){"vgremove", "--force", vg, NULL});
}

char **lv__lvm_pvremove_argv(const char *device)
{
    return argv_of((const char *[]){"pvremove", device, NULL});
}

char **lv__lvm_vgs_argv(const char *vg)
{
    return argv_of(
        (const char *[]){"vgs", REPORT_OPTIONS, "-o", "vg_size,vg_free,vg_extent_size", vg, NULL});
}

char **lv__lvm_lvs_argv(const char *vg)
{
    return argv_of((const char *[]){"lvs", REPORT_OPTIONS, "-o",
                                    "lv_name,lv_path,lv_size,lv_attr,origin", vg, NULL});
}

char **lv__lvm_lvcreate_argv(const char *vg, const char *lv, uint64_t capacity)
{
    lv__storage_argv a = {0};
    lv__storage_argv_add(&a, "lvcreate");
    lv__storage_argv_add(&a, "--yes");
    lv__storage_argv_add(&a, "--name");
    lv__storage_argv_add(&a, lv);
    lv__storage_argv_add(&a, "--size");
    lv__storage_argv_addf(&a, "%" PRIu64 "b", capacity);
    lv__storage_argv_add(&a, vg);
    return lv__storage_argv_steal(&a);
}

char **lv__lvm_lvremove_argv(const char *vg, const char *lv)
{
    lv__storage_argv a = {0};
    lv__storage_argv_add(&a, "lvremove");
    lv__storage_argv_add(&a, "--force");
    lv__storage_argv_addf(&a, "%s/%s", vg, lv);
    return lv__storage_argv_steal(&a);
}

char **lv__lvm_lvresize_argv(const char *vg, const char *lv, uint64_t capacity, bool shrink)
{
    lv__storage_argv a = {0};
    lv__storage_argv_add(&a, "lvresize");
    if (shrink)
        lv__storage_argv_add(&a, "--force");
    lv__storage_argv_add(&a, "--size");
    lv__storage_argv_addf(&a, "%" PRIu64 "b", capacity);
    lv__storage_argv_addf(&a, "%s/%s", vg, lv);
    return lv__storage_argv_steal(&a);
}

char **lv__lvm_fill_argv(const char *src, const char *src_format, const char *vg, const char *lv)
{
    lv__storage_argv a = {0};
    const char *fixed[] = {"qemu-img", "convert", "-p", "-n", "-U", "-f", NULL};
    for (size_t i = 0; fixed[i]; i++)
        lv__storage_argv_add(&a, fixed[i]);
    lv__storage_argv_add(&a, src_format ? src_format : "raw");
    lv__storage_argv_add(&a, "-O");
    lv__storage_argv_add(&a, "raw");
    lv__storage_argv_add(&a, src);
    lv__storage_argv_addf(&a, "/dev/%s/%s", vg, lv);
    return lv__storage_argv_steal(&a);
}

/* ---- reports ------------------------------------------------------------ */

/* Splits one trimmed line into at most max fields at ':'; returns the count. */
static size_t split_fields(char *line, char **fields, size_t max)
{
    size_t n = 0;
    while (*line == ' ' || *line == '\t')
        line++;
    fields[n++] = line;
    for (char *p = line; *p && n < max; p++) {
        if (*p == ':') {
            *p = '\0';
            fields[n++] = p + 1;
        }
    }
    return n;
}

static int parse_bytes(const char *s, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end != '\0' || *s == '-')
        return -1;
    *out = v;
    return 0;
}

/* Calls each non-blank line of out with a writable copy. */
#define FOR_EACH_LINE(copy, line, save)                                                            \
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))       \
        if (line[strspn(line, " \t\r")] != '\0')

int lv__lvm_parse_vgs(const char *out, lv__lvm_vg *vg, lv_error *err)
{
    char *copy = lv_strdup(out), *save = NULL;
    int found = 0, rc = 0;
    FOR_EACH_LINE(copy, line, save)
    {
        char *f[4], *whole = lv_strdup(line + strspn(line, " \t")); /* split_fields cuts line up */
        size_t n = split_fields(line, f, 4);
        if (found || n != 3 || parse_bytes(f[0], &vg->size) < 0 ||
            parse_bytes(f[1], &vg->free) < 0 || parse_bytes(f[2], &vg->extent_size) < 0) {
            rc = lv_error_set(err, LV_ERR_OPERATION_FAILED,
                              "cannot read the volume group report of vgs: '%s'", whole);
            free(whole);
            break;
        }
        free(whole);
        found = 1;
    }
    if (rc == 0 && !found)
        rc = lv_error_set(err, LV_ERR_OPERATION_FAILED, "vgs reported no volume group");
    free(copy);
    return rc;
}

void lv__lvm_lv_list_clear(lv__lvm_lv_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].name);
        free(list->items[i].path);
        free(list->items[i].origin);
    }
    free(list->items);
    memset(list, 0, sizeof(*list));
}

int lv__lvm_parse_lvs(const char *out, lv__lvm_lv_list *list, lv_error *err)
{
    char *copy = lv_strdup(out), *save = NULL;
    int rc = 0;
    memset(list, 0, sizeof(*list));
    FOR_EACH_LINE(copy, line, save)
    {
        char *f[6], *whole = lv_strdup(line + strspn(line, " \t"));
        lv__lvm_lv lv = {0};
        size_t n = split_fields(line, f, 6);
        if (n != 5 || !*f[0] || parse_bytes(f[2], &lv.size) < 0 ||
            strlen(f[3]) >= sizeof(lv.attr)) {
            rc = lv_error_set(err, LV_ERR_OPERATION_FAILED,
                              "cannot read the logical volume report of lvs: '%s'", whole);
            free(whole);
            break;
        }
        free(whole);
        lv.name = lv_strdup(f[0]);
        lv.path = lv_strdup(f[1]);
        memcpy(lv.attr, f[3], strlen(f[3]) + 1);
        lv.origin = *f[4] ? lv_strdup(f[4]) : NULL;
        list->items = lv_realloc(list->items, (list->count + 1) * sizeof(*list->items));
        list->items[list->count++] = lv;
    }
    free(copy);
    if (rc < 0)
        lv__lvm_lv_list_clear(list);
    return rc;
}

int lv__lvm_check_name(const char *what, const char *name, lv_error *err)
{
    size_t len = strlen(name);
    if (len == 0 || len > 127 || name[0] == '-' || strcmp(name, ".") == 0 ||
        strcmp(name, "..") == 0 ||
        strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+_.-") != len)
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "invalid %s name '%s': lvm2 allows letters, digits and '+_.-' "
                            "(not a leading '-', at most 127)",
                            what, name);
    return 0;
}
