/* The facts `qemu-img info` gives about raw and qcow2 images, read from the
 * image's first bytes (storage_image_header.h). Anything this reader is not
 * sure of (another format's signature, an encrypted or external-data qcow2,
 * a header it cannot read) is left to qemu-img. */
#include "storage_image_header.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"

#define HEAD_SIZE 4096

static uint64_t be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool starts(const unsigned char *head, size_t n, size_t off, const char *magic, size_t len)
{
    return n >= off + len && !memcmp(head + off, magic, len);
}

/* The signatures of the formats qemu-img probes other than raw and qcow2
 * (qcow, qed, vmdk, vdi, vpc, vhdx, parallels, bochs, cloop, luks; dmg by
 * its name; a vmdk text descriptor by its createType line). */
static bool other_format(const char *path, const unsigned char *head, size_t n)
{
    static const struct {
        size_t off;
        const char *magic;
        size_t len;
    } sigs[] = {
        {0, "QED\0", 4},
        {0, "KDMV", 4},
        {0, "COWD", 4},
        {0x40, "\x7f\x10\xda\xbe", 4},
        {0, "conectix", 8},
        {0, "vhdxfile", 8},
        {0, "WithoutFreeSpace", 16},
        {0, "WithouFreSpacExt", 16},
        {0, "Bochs Virtual HD Image", 22},
        {0, "#!/bin/sh\n#V2.0 Format", 22},
        {0, "LUKS\xba\xbe", 6},
    };
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        if (starts(head, n, sigs[i].off, sigs[i].magic, sigs[i].len))
            return true;
    size_t len = strlen(path);
    if (len >= 4 && !strcmp(path + len - 4, ".dmg"))
        return true;
    return memmem(head, n, "createType", 10) != NULL;
}

/* A string field of the header, bounded by the bytes read. */
static char *head_string(const unsigned char *head, size_t n, uint64_t off, uint64_t len)
{
    if (off > n || len > n - off || len == 0 || len > 1023)
        return NULL;
    return lv_strndup((const char *)head + off, (size_t)len);
}

static int read_qcow2(const char *path, const unsigned char *head, size_t n, lv_vol_def *vol)
{
    if (n < 72)
        return 0;
    uint32_t version = be32(head + 4);
    if (version != 2 && version != 3)
        return 0; /* qcow (1) and anything newer: qemu-img knows */
    if (be32(head + 32) != 0)
        return 0; /* encrypted */
    uint64_t backing_off = be64(head + 8);
    uint32_t backing_len = be32(head + 16);
    uint64_t size = be64(head + 24);
    bool lazy = false;
    uint32_t ext_off = 72;
    if (version == 3) {
        if (n < 104)
            return 0;
        uint64_t incompatible = be64(head + 72);
        /* Only dirty (bit 0), compression type (3) and extended L2 (4) are
         * plain; corrupt (1) or an external data file (2) go to qemu-img. */
        if (incompatible & ~(uint64_t)((1u << 0) | (1u << 3) | (1u << 4)))
            return 0;
        lazy = be64(head + 80) & 1;
        ext_off = be32(head + 100);
    }
    char *backing = NULL, *backing_format = NULL;
    if (backing_off) {
        backing = head_string(head, n, backing_off, backing_len);
        if (!backing)
            return 0;
    }
    /* Header extensions: the backing format; an external data file means
     * qemu-img. */
    for (size_t off = ext_off; off + 8 <= n;) {
        uint32_t type = be32(head + off), len = be32(head + off + 4);
        if (type == 0)
            break;
        if (type == 0x44415441) { /* external data file */
            free(backing);
            free(backing_format);
            return 0;
        }
        if (type == 0xE2792ACA) {
            free(backing_format);
            backing_format = head_string(head, n, off + 8, len);
        }
        off += 8 + (((size_t)len + 7) & ~(size_t)7);
        if (off > n)
            break;
    }
    if (backing && backing[0] != '/' && !strstr(backing, "://") && !strchr(backing, ':')) {
        /* Relative to the image's folder, as qemu-img's full-backing-filename. */
        char *copy = lv_strdup(path);
        char *full = lv_asprintf("%s/%s", dirname(copy), backing);
        free(copy);
        free(backing);
        backing = full;
    }
    free(vol->target_format);
    vol->target_format = lv_strdup("qcow2");
    vol->capacity.set = true;
    vol->capacity.bytes = size;
    free(vol->backing_path);
    vol->backing_path = backing;
    free(vol->backing_format);
    vol->backing_format = backing ? backing_format : NULL;
    if (!backing)
        free(backing_format);
    free(vol->target_compat);
    vol->target_compat = lv_strdup(version == 2 ? "0.10" : "1.1");
    vol->target_lazy_refcounts = lazy;
    return 1;
}

int lv__image_header_read_fd(int fd, const char *path, uint64_t file_size, lv_vol_def *vol)
{
    unsigned char head[HEAD_SIZE];
    ssize_t n = pread(fd, head, sizeof(head), 0);
    if (n < 0)
        return 0;
    if (starts(head, (size_t)n, 0, "QFI\xfb", 4))
        return read_qcow2(path, head, (size_t)n, vol);
    if (other_format(path, head, (size_t)n))
        return 0;
    /* No signature: raw, as large as the file. */
    free(vol->target_format);
    vol->target_format = lv_strdup("raw");
    vol->capacity.set = true;
    vol->capacity.bytes = file_size;
    free(vol->backing_path);
    free(vol->backing_format);
    vol->backing_path = vol->backing_format = NULL;
    return 1;
}

int lv__image_header_read(const char *path, lv_vol_def *vol)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return 0;
    struct stat sb;
    int rc = 0;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
        rc = lv__image_header_read_fd(fd, path, (uint64_t)sb.st_size, vol);
    close(fd);
    return rc;
}
