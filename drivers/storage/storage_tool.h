/* Runs a host tool (lvm2, mkfs, mount, umount, blkid) for the fs and logical
 * pool backends: uv_spawn with an argv array, stdout and stderr collected,
 * one completion with the exit status. Nothing here blocks the loop. */
#ifndef LV_STORAGE_TOOL_H
#define LV_STORAGE_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "core/error.h"
#include "driver.h"

/* What a finished tool left behind. out and errout are NUL-terminated (each
 * kept up to 1 MiB). status is the exit status, 128 + N when signal N ended
 * it, -1 when it could not be started (spawn_error then says why). */
typedef struct lv__storage_tool_result {
    int status;
    char *out;
    size_t out_len;
    char *errout;
    int spawn_error; /* a negative libuv error code, or 0 */
} lv__storage_tool_result;

/* The result belongs to the library and is valid during the call only. */
typedef void (*lv__storage_tool_cb)(void *opaque, const lv__storage_tool_result *res);

/* Runs argv[0] (looked up on PATH) with argv; stdin is /dev/null. The
 * environment is the process's, plus LC_ALL=C (messages we can quote and
 * parse) and LVM_SUPPRESS_FD_WARNINGS=1. cb is called exactly once, on the
 * loop, never before this returns. */
void lv__storage_tool_run(uv_loop_t *loop, char *const *argv, lv__storage_tool_cb cb, void *opaque);

/* Fills err with one line for a failed run: "WHAT: TOOL failed: <its last
 * stderr line>" (or the exit status / spawn error when it printed nothing).
 * Returns -1. */
int lv__storage_tool_error(lv_error *err, lv_error_code code, const lv__storage_tool_result *res,
                           char *const *argv, const char *what);

/* ---- chains of tools ---------------------------------------------------- */

/* Tools run one after the other (pvcreate per device, then vgcreate); the
 * first failure stops the chain, runs the undo lines of the steps that had
 * succeeded, newest first (their failures ignored), and completes with the
 * first error. */
typedef struct lv__storage_chain lv__storage_chain;

/* Judges a finished step: 0 goes on, -1 (err filled) fails the chain. NULL
 * means "exit status 0 or fail with the tool's last stderr line". */
typedef int (*lv__storage_step_check)(void *ctx, char *const *argv,
                                      const lv__storage_tool_result *res, lv_error *err);

/* what prefixes the tools' errors ("pool 'guests'"). cb gets NULL on success. */
lv__storage_chain *lv__storage_chain_new(uv_loop_t *loop, const char *what, void *ctx,
                                         lv_done_cb cb, void *opaque);
/* Takes ownership of argv and undo (undo may be NULL). */
void lv__storage_chain_add(lv__storage_chain *ch, char **argv, lv__storage_step_check check,
                           char **undo);
/* Starts it (at least one step added); the chain frees itself after calling cb (never before this
 * returns). */
void lv__storage_chain_run(lv__storage_chain *ch);

/* ---- argv arrays ------------------------------------------------------- */

/* A NULL-terminated, malloc'd argv being built. */
typedef struct lv__storage_argv {
    char **items;
    size_t count;
    size_t cap;
} lv__storage_argv;

void lv__storage_argv_add(lv__storage_argv *a, const char *arg);
void lv__storage_argv_addf(lv__storage_argv *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The NULL-terminated array (the caller frees it with lv__storage_argv_free); a is reset. */
char **lv__storage_argv_steal(lv__storage_argv *a);
void lv__storage_argv_free(char **argv);
/* The argv joined by single spaces (golden files; messages), malloc'd. */
char *lv__storage_argv_join(char *const *argv);

#endif
