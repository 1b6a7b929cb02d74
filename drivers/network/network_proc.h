/* Child processes of the network driver, through uv_spawn (argv arrays,
 * never a shell). */
#ifndef LV_NETWORK_PROC_H
#define LV_NETWORK_PROC_H

#include <uv.h>

/* status: the exit code; signal: what ended it (0: none); errors: the first
 * non-empty line of its stderr, "" when none (borrowed for the call). */
typedef void (*lv__net_proc_cb)(void *opaque, int status, int signal, const char *errors);

/* Runs argv[0] (a full path) with input on stdin (NULL: none). Returns a
 * negative libuv error when it cannot be started (cb is then never called),
 * else 0 and cb once it has exited. */
int lv__net_proc_run(uv_loop_t *loop, const char *const *argv, const char *input,
                     lv__net_proc_cb cb, void *opaque);

/* The full path of a program: $env_var when set (a test or a custom build
 * points it elsewhere), else the first on PATH, /usr/sbin, /sbin, /usr/bin,
 * /bin. NULL when there is none. */
char *lv__net_find_program(const char *name, const char *env_var);

#endif
