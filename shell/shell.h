/* The luvirt program: the loop, the lua_State, running luvirt.cli functions as
 * tasks, the REPL. Everything here is the shell's own; the rest of luvirt is
 * reached through bindings/runtime.h and the luvirt.cli Lua module
 * (docs/internal/contracts.md). */
#ifndef LV_SHELL_SHELL_H
#define LV_SHELL_SHELL_H

#include <signal.h>
#include <stdbool.h>

#include <lua.h>
#include <uv.h>

#include "runtime.h"

#define LV_EXIT_OK 0
#define LV_EXIT_FAILED 1
#define LV_EXIT_USAGE 2
#define LV_EXIT_INTERRUPTED 130 /* 128 + SIGINT, as shells report it */

typedef struct lv_shell lv_shell;
typedef struct lv_job lv_job;

/* One call of a luvirt.cli function run as a task. */
struct lv_job {
    lv_shell *sh;
    lv_task *task;   /* valid while !done */
    bool foreground; /* Ctrl-C interrupts it */
    bool keep_value; /* store the first result or the error in value_ref */
    bool done;
    bool ok;
    bool cancelled;
    volatile sig_atomic_t interrupted; /* Ctrl-C was sent to it (set by the handler) */
    int value_ref; /* registry ref of the first result (ok) or the error, or LUA_NOREF */
    int status;    /* the second result when it is an integer (an exit status), else -1 */
};

struct lv_shell {
    uv_loop_t loop;
    lua_State *L;
    int cli_ref;             /* registry: the luvirt.cli module table */
    int start_ref;           /* registry: function(f, ...) that first yields once, then runs f */
    uv_async_t sigint_async; /* wakes the loop for a Ctrl-C with no task to interrupt */
    /* Called from the loop for a Ctrl-C at the prompt (no foreground task). */
    void (*on_idle_interrupt)(void *ud);
    void *idle_interrupt_ud;
    lv_job refresh; /* cli.refresh_completion(), in the background */
    bool refresh_started;
};

/* ---- job.c: running cli functions as tasks, Ctrl-C ---- */

/* Pushes cli[name]; returns false (and pushes nothing) when it is not a function. */
bool lv_shell_push_cli(lv_shell *sh, const char *name);
/* Pops the function pushed by lv_shell_push_cli and nargs arguments, and starts
 * them as a task. A foreground job is the one Ctrl-C interrupts; only one runs
 * at a time. The job must stay valid until job->done (or the runtime shut down). */
void lv_job_start(lv_shell *sh, lv_job *job, int nargs, bool foreground, bool keep_value);
/* Runs the loop until the job has ended. Returns false when the loop ran dry
 * first (the task waits on nothing: a bug somewhere below). */
bool lv_job_wait(lv_shell *sh, lv_job *job);
/* Pushes the job's kept value (nil when none) onto L. */
void lv_job_push_value(lv_shell *sh, const lv_job *job);
/* Releases the kept value. */
void lv_job_clear(lv_shell *sh, lv_job *job);
/* Prints a failed job's error as one line "error: ..." on stderr. */
void lv_job_report(lv_shell *sh, const lv_job *job);

/* Installs the SIGINT handler (Ctrl-C goes to the foreground job, or to
 * sh->on_idle_interrupt when none runs) and ignores SIGPIPE. */
int lv_shell_signals_init(lv_shell *sh);
void lv_shell_signals_close(lv_shell *sh);
/* Whether the SIGINT handler writes a newline to stderr when it interrupts a task
 * (after the terminal's "^C" echo). */
void lv_shell_set_interrupt_newline(bool on);

/* ---- repl.c ---- */

/* Runs the REPL until EOF or quit; returns the exit code. */
int lv_repl_run(lv_shell *sh);

#endif
