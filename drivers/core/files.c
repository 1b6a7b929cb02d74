/* File helpers: atomic writes (temp file in the same directory, write, fsync,
 * rename, fsync of the directory), whole-file reads, mkdir -p. */
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The directory part of path ("." when there is none). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return lv_strdup(".");
    if (slash == path)
        return lv_strdup("/");
    return lv_strndup(path, (size_t)(slash - path));
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    /* Some file systems cannot fsync a directory; the rename is done anyway. */
    if (rc < 0 && (errno == EINVAL || errno == ENOTSUP))
        return 0;
    return rc;
}

int lv_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode, lv_error *err)
{
    if (!path || !*path)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "cannot write a file with an empty path");
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (!*base)
        return lv_error_set(err, LV_ERR_INVALID_ARG, "cannot write '%s': not a file name", path);

    char *dir = dir_of(path);
    /* Hidden, in the same directory so rename(2) stays on one file system. */
    char *tmp = lv_asprintf("%s/.%s.XXXXXX", dir, base);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        lv_error_set_errno(err, errno, "cannot create a temporary file for '%s'", path);
        goto fail_free;
    }
    if (fchmod(fd, mode) < 0) {
        lv_error_set_errno(err, errno, "cannot set the mode of '%s'", tmp);
        goto fail_close;
    }
    if (write_all(fd, data, len) < 0) {
        lv_error_set_errno(err, errno, "cannot write '%s'", tmp);
        goto fail_close;
    }
    if (fsync(fd) < 0) {
        lv_error_set_errno(err, errno, "cannot flush '%s' to disk", tmp);
        goto fail_close;
    }
    if (close(fd) < 0) {
        fd = -1;
        lv_error_set_errno(err, errno, "cannot write '%s'", tmp);
        goto fail_unlink;
    }
    fd = -1;
    if (rename(tmp, path) < 0) {
        lv_error_set_errno(err, errno, "cannot rename '%s' to '%s'", tmp, path);
        goto fail_unlink;
    }
    if (fsync_dir(dir) < 0) {
        /* The new content is in place; only its durability is in doubt. */
        lv_error_set_errno(err, errno, "cannot flush directory '%s' to disk", dir);
        free(tmp);
        free(dir);
        return -1;
    }
    free(tmp);
    free(dir);
    return 0;

fail_close:
    close(fd);
fail_unlink:
    unlink(tmp);
fail_free:
    free(tmp);
    free(dir);
    return -1;
}

int lv_file_read_all(const char *path, char **data, size_t *len, lv_error *err)
{
    *data = NULL;
    if (len)
        *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return lv_error_set_errno(err, errno, "cannot read '%s'", path);
    struct stat st;
    size_t cap = 4096;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        cap = (size_t)st.st_size + 1; /* one read more sees EOF */
    char *buf = lv_malloc0(cap + 1);
    size_t used = 0;
    for (;;) {
        if (used == cap) {
            cap *= 2;
            buf = lv_realloc(buf, cap + 1);
        }
        ssize_t n = read(fd, buf + used, cap - used);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int saved = errno;
            free(buf);
            close(fd);
            return lv_error_set_errno(err, saved, "cannot read '%s'", path);
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    close(fd);
    buf[used] = '\0';
    *data = buf;
    if (len)
        *len = used;
    return 0;
}

int lv_mkdir_p(const char *path, mode_t mode, lv_error *err)
{
    if (!path || !*path)
        return lv_error_set(err, LV_ERR_INVALID_ARG,
                            "cannot create a directory with an empty path");
    char *copy = lv_strdup(path);
    size_t n = strlen(copy);
    while (n > 1 && copy[n - 1] == '/')
        copy[--n] = '\0';
    /* Each prefix ending before a '/', then the whole path. */
    for (char *p = copy + 1;; p++) {
        bool last = *p == '\0';
        if (!last && *p != '/')
            continue;
        if (p[-1] == '/') { /* "a//b" */
            if (last)
                break;
            continue;
        }
        *p = '\0';
        if (mkdir(copy, mode) < 0) {
            int saved = errno;
            struct stat st;
            if (saved != EEXIST || stat(copy, &st) < 0 || !S_ISDIR(st.st_mode)) {
                if (saved == EEXIST)
                    saved = ENOTDIR;
                lv_error_set_errno(err, saved, "cannot create directory '%s'", copy);
                free(copy);
                return -1;
            }
        }
        if (last)
            break;
        *p = '/';
    }
    free(copy);
    return 0;
}

int lv_file_remove(const char *path, lv_error *err)
{
    if (unlink(path) == 0 || errno == ENOENT)
        return 0;
    if (errno == EISDIR && (rmdir(path) == 0 || errno == ENOENT))
        return 0;
    return lv_error_set_errno(err, errno, "cannot remove '%s'", path);
}
