/* fs pool tool lines and readers (storage_fs_cmd.h). */
#include "storage_fs_cmd.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "storage_tool.h"

bool lv__fs_format_known(const char *format)
{
    return strcmp(format, "auto") == 0 || strcmp(format, "ext4") == 0 || strcmp(format, "xfs") == 0;
}

char **lv__fs_blkid_argv(const char *device)
{
    lv__storage_argv a = {0};
    /* -p: probe the device itself, not blkid's cache; -o export: KEY=value lines */
    lv__storage_argv_add(&a, "blkid");
    lv__storage_argv_add(&a, "-p");
    lv__storage_argv_add(&a, "-o");
    lv__storage_argv_add(&a, "export");
    lv__storage_argv_add(&a, device);
    return lv__storage_argv_steal(&a);
}

static char *blkid_value(const char *out, const char *key);

char *lv__fs_blkid_type(const char *out)
{
    char *type = blkid_value(out, "TYPE"); /* a filesystem first, else a partition table */
    return type ? type : blkid_value(out, "PTTYPE");
}

/* The value of KEY= in blkid's export output, malloc'd, or NULL. */
static char *blkid_value(const char *out, const char *key)
{
    size_t klen = strlen(key);
    for (const char *line = out; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len > klen + 1 && strncmp(line, key, klen) == 0 && line[klen] == '=')
            return lv_strndup(line + klen + 1, len - klen - 1);
        line = end ? end + 1 : NULL;
    }
    return NULL;
}

char *lv__fs_blkid_describe(const char *out)
{
    char *type = blkid_value(out, "TYPE"), *usage = blkid_value(out, "USAGE");
    char *text = NULL;
    if (type && usage && strcmp(usage, "filesystem") == 0)
        text = lv_asprintf("a filesystem (%s)", type);
    else if (type)
        text = lv_asprintf("a signature (%s)", type);
    else if ((type = blkid_value(out, "PTTYPE")))
        text = lv_asprintf("a partition table (%s)", type);
    free(type);
    free(usage);
    return text;
}

char **lv__fs_mkfs_argv(const char *format, const char *device)
{
    lv__storage_argv a = {0};
    if (strcmp(format, "xfs") == 0) {
        lv__storage_argv_add(&a, "mkfs.xfs");
        lv__storage_argv_add(&a, "-f"); /* blkid was asked first, or --overwrite */
    } else {
        lv__storage_argv_add(&a, "mkfs.ext4");
        lv__storage_argv_add(&a, "-F"); /* also on an image file; no question on stdin */
    }
    lv__storage_argv_add(&a, "-q");
    lv__storage_argv_add(&a, device);
    return lv__storage_argv_steal(&a);
}

char **lv__fs_mount_argv(const char *format, const char *device, const char *target,
                         bool image_file)
{
    lv__storage_argv a = {0};
    lv__storage_argv_add(&a, "mount");
    if (strcmp(format, "auto") != 0) {
        lv__storage_argv_add(&a, "-t");
        lv__storage_argv_add(&a, format);
    }
    if (image_file) {
        lv__storage_argv_add(&a, "-o");
        lv__storage_argv_add(&a, "loop");
    }
    lv__storage_argv_add(&a, device);
    lv__storage_argv_add(&a, target);
    return lv__storage_argv_steal(&a);
}

char **lv__fs_umount_argv(const char *target)
{
    lv__storage_argv a = {0};
    lv__storage_argv_add(&a, "umount");
    lv__storage_argv_add(&a, target);
    return lv__storage_argv_steal(&a);
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *mountinfo_unescape(const char *s, size_t len)
{
    char *out = lv_malloc0(len + 1), *o = out;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\\' && i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
            s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
            *o++ = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        } else {
            *o++ = s[i];
        }
    }
    return out;
}

/* The n-th space-separated field of line (0-based), its length in *len. */
static const char *field(const char *line, const char *end, int n, size_t *len)
{
    const char *p = line;
    for (int i = 0; i < n; i++) {
        p = memchr(p, ' ', (size_t)(end - p));
        if (!p)
            return NULL;
        p++;
    }
    const char *q = memchr(p, ' ', (size_t)(end - p));
    *len = (size_t)((q ? q : end) - p);
    return p;
}

int lv__fs_mountinfo_find(const char *mountinfo, const char *target, char **source)
{
    int found = 0;
    *source = NULL;
    /* the last mount on target is the one that shows there */
    for (const char *line = mountinfo; line && *line;) {
        const char *end = strchr(line, '\n');
        if (!end)
            end = line + strlen(line);
        size_t len = 0;
        const char *mp = field(line, end, 4, &len);
        if (mp) {
            char *point = mountinfo_unescape(mp, len);
            if (strcmp(point, target) == 0) {
                /* after the optional fields: " - fstype source superopts" */
                const char *sep = strstr(mp, " - ");
                const char *src = sep && sep < end ? field(sep + 3, end, 1, &len) : NULL;
                free(*source);
                *source = src ? mountinfo_unescape(src, len) : NULL;
                found = 1;
            }
            free(point);
        }
        line = *end ? end + 1 : NULL;
    }
    return found;
}
