/* Runs qemu-img for the volume operations: like lv__storage_tool_run
 * (storage_tool.h: uv_spawn with an argv array, stdout and stderr
 * collected, one completion), and while it runs turns its `-p` progress
 * lines into lv_progress_cb calls. */
#ifndef LV_STORAGE_RUN_H
#define LV_STORAGE_RUN_H

#include <stdint.h>
#include <uv.h>

#include "storage.h"
#include "storage_tool.h"

typedef lv__storage_tool_result lv__storage_run_result;
typedef void (*lv__storage_run_cb)(void *opaque, const lv__storage_run_result *res);

/* progress (may be NULL) gets done of total bytes, scaled from the
 * percentage qemu-img prints, never decreasing, never after cb. cb is called
 * exactly once, never before this returns. */
void lv__storage_run(uv_loop_t *loop, char *const *argv, lv_progress_cb progress,
                     void *progress_opaque, uint64_t total, lv__storage_run_cb cb, void *opaque);

/* One line for a failed run, as lv__storage_tool_error. */
int lv__storage_run_error(lv_error *err, lv_error_code code, const lv__storage_run_result *res,
                          char *const *argv, const char *what);

#endif
