/* The luvirt runtime as the shell and the lua5.4 module see it: one libuv loop,
 * one lua_State, tasks (pinned coroutines) resumed by driver completions.
 * The only C that includes both lua.h and the driver headers is in bindings/. */
#ifndef LV_BINDINGS_RUNTIME_H
#define LV_BINDINGS_RUNTIME_H

#include <stdbool.h>
#include <lua.h>
#include <uv.h>

typedef struct lv_task lv_task;

/* Installs the runtime on L over loop (the caller owns the loop and runs it)
 * and loads the module: package.loaded.luvirt and the global `luvirt`.
 * datadir is where commands/ and lib/ live (NULL: the compiled-in default);
 * its lib/ is prepended to package.path. Returns 0, or -1 with an error message
 * on L's stack. */
int lv_runtime_init(lua_State *L, uv_loop_t *loop, const char *datadir);
/* Closes open connections and pending tasks' handles; call before lua_close,
 * then run the loop once more (UV_RUN_DEFAULT) to let close callbacks finish. */
void lv_runtime_shutdown(lua_State *L);

/* Called once when a task ends. co is the task's coroutine, valid only during
 * the call. ok: the function returned normally, its nresults results are on co's
 * stack top. !ok: it raised (or was cancelled); the error value is on co's top,
 * and cancelled says which. */
typedef void (*lv_task_done_fn)(void *ud, lua_State *co, bool ok, bool cancelled, int nresults);

/* Pops a function and nargs arguments from L (function below the arguments)
 * and runs it as a new task; it runs until its first wait before this returns.
 * done may be NULL. The returned handle is valid until done has been called. */
lv_task *lv_task_start(lua_State *L, int nargs, lv_task_done_fn done, void *ud);
/* Cancels a waiting task: its pending call raises "cancelled" inside it. */
void lv_task_cancel(lv_task *task);
/* Async-signal-safe: from a SIGINT handler, interrupts the task whether it is
 * running Lua (through a hook) or waiting (through a uv_async), as Ctrl-C. */
void lv_task_interrupt(lv_task *task);
/* True while any task is alive (running or waiting). */
bool lv_runtime_busy(lua_State *L);

#endif
