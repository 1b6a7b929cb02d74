/* File helpers. Definitions and state files are written atomically: a temp
 * file in the same directory, fsync, rename, fsync of the directory. */
#ifndef LV_CORE_FILES_H
#define LV_CORE_FILES_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* The temp file is ".NAME.XXXXXX" next to path and is removed on failure; mode is
 * applied exactly (not masked by the umask). A symlink at path is replaced, not
 * followed. Readers see the old content or the new, never a mix. */
int lv_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                         lv_error *err);
/* Reads a whole file, NUL-terminated (*len excludes the NUL). */
int lv_file_read_all(const char *path, char **data, size_t *len, lv_error *err);
/* mkdir -p with mode (masked by the umask, as mkdir(2)) for the created components;
 * existing directories are fine, an existing non-directory fails with ENOTDIR. */
int lv_mkdir_p(const char *path, mode_t mode, lv_error *err);
/* Removes path (a file, or an empty directory); a missing one is not an error. */
int lv_file_remove(const char *path, lv_error *err);

#endif
