/* File helpers. Definitions and state files are written atomically: a temp
 * file in the same directory, fsync, rename, fsync of the directory. */
#ifndef LV_CORE_FILES_H
#define LV_CORE_FILES_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

int lv_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                         lv_error *err);
/* Reads a whole file, NUL-terminated (*len excludes the NUL). */
int lv_file_read_all(const char *path, char **data, size_t *len, lv_error *err);
/* mkdir -p with mode for the created components. */
int lv_mkdir_p(const char *path, mode_t mode, lv_error *err);
/* Removes path (a file, or an empty directory); a missing one is not an error. */
int lv_file_remove(const char *path, lv_error *err);

#endif
