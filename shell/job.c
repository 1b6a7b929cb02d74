/* Running luvirt.cli functions as tasks, and Ctrl-C.
 *
 * The shell is the scheduler: it runs the loop (UV_RUN_ONCE) until the job it
 * waits for has ended, so timers, driver completions and other tasks keep
 * going meanwhile.
 *
 * Ctrl-C goes to the foreground job through lv_task_interrupt, which is
 * async-signal-safe. lv_task_start only returns once the task first waits, so a
 * function that computes for a long time before waiting would leave the
 * handler without a task to interrupt; foreground jobs therefore start through
 * a small wrapper that yields once (luvirt.sleep(0)) before calling the real
 * function, and the handler knows the task from then on. */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>

#include "shell.h"

/* Signal handler state: written by the loop thread, read by the handler. */
static lv_job *_Atomic sig_job;            /* the foreground job, once its task is known */
static volatile sig_atomic_t sig_starting; /* a foreground job is being started */
static volatile sig_atomic_t sig_pending;  /* Ctrl-C came while starting */
static volatile sig_atomic_t sig_count;    /* Ctrl-C sent to the current foreground job */
static volatile sig_atomic_t sig_newline;  /* write "\n" after the terminal's "^C" echo */
static uv_async_t *_Atomic sig_async;      /* wakes the loop for an idle Ctrl-C */

static void die_on_sigint(void)
{
    static const char msg[] = "\nluvirt: interrupted again, giving up\n";
    ssize_t n = write(STDERR_FILENO, msg, sizeof(msg) - 1);
    (void)n;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    raise(SIGINT);
}

static void on_sigint(int signo)
{
    (void)signo;
    int saved_errno = errno;
    lv_job *job = atomic_load(&sig_job);
    if (job) {
        /* The first Ctrl-C cancels the task, the third gives up on it. */
        if (++sig_count >= 3)
            die_on_sigint();
        if (sig_newline) {
            ssize_t n = write(STDERR_FILENO, "\n", 1);
            (void)n;
        }
        job->interrupted = 1;
        lv_task_interrupt(job->task);
    } else if (sig_starting) {
        sig_pending = 1;
    } else {
        uv_async_t *async = atomic_load(&sig_async);
        if (async)
            uv_async_send(async);
    }
    errno = saved_errno;
}

static void on_idle_interrupt(uv_async_t *async)
{
    lv_shell *sh = async->data;
    if (sh->on_idle_interrupt)
        sh->on_idle_interrupt(sh->idle_interrupt_ud);
}

/* function(f, ...) yields once, then returns f(...): see the top of this file. */
static const char start_wrapper[] = "local sleep = ...\n"
                                    "return function(f, ...)\n"
                                    "    sleep(0)\n"
                                    "    return f(...)\n"
                                    "end\n";

int lv_shell_signals_init(lv_shell *sh)
{
    lua_State *L = sh->L;
    /* stack: */
    if (luaL_loadbuffer(L, start_wrapper, sizeof(start_wrapper) - 1, "=luvirt.shell") != LUA_OK)
        return -1;
    lua_getglobal(L, "luvirt");
    if (!lua_istable(L, -1)) {
        lua_pop(L, 2);
        lua_pushliteral(L, "the luvirt module is not loaded");
        return -1;
    }
    lua_getfield(L, -1, "sleep");
    lua_remove(L, -2);
    /* stack: chunk sleep */
    if (lua_pcall(L, 1, 1, 0) != LUA_OK)
        return -1;
    sh->start_ref = luaL_ref(L, LUA_REGISTRYINDEX);

    uv_async_init(&sh->loop, &sh->sigint_async, on_idle_interrupt);
    sh->sigint_async.data = sh;
    uv_unref((uv_handle_t *)&sh->sigint_async);
    atomic_store(&sig_async, &sh->sigint_async);

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL); /* a closed socket or pipe is an error, not death */
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    return 0;
}

void lv_shell_signals_close(lv_shell *sh)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGINT, &sa, NULL);
    atomic_store(&sig_async, NULL);
    atomic_store(&sig_job, NULL);
    if (sh->start_ref != LUA_NOREF) {
        luaL_unref(sh->L, LUA_REGISTRYINDEX, sh->start_ref);
        sh->start_ref = LUA_NOREF;
    }
    if (sh->sigint_async.loop && !uv_is_closing((uv_handle_t *)&sh->sigint_async))
        uv_close((uv_handle_t *)&sh->sigint_async, NULL);
}

void lv_shell_set_interrupt_newline(bool on)
{
    sig_newline = on;
}

bool lv_shell_push_cli(lv_shell *sh, const char *name)
{
    lua_State *L = sh->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, sh->cli_ref);
    lua_getfield(L, -1, name);
    lua_remove(L, -2);
    if (lua_isfunction(L, -1))
        return true;
    lua_pop(L, 1);
    return false;
}

static void job_done(void *ud, lua_State *co, bool ok, bool cancelled, int nresults)
{
    lv_job *job = ud;
    if (atomic_load(&sig_job) == job)
        atomic_store(&sig_job, NULL);
    job->task = NULL;
    job->done = true;
    job->ok = ok;
    job->cancelled = cancelled;
    if (!job->keep_value || (ok && nresults == 0))
        return;
    /* Copy (not move) the value: the runtime still owns co's stack. */
    lua_State *L = job->sh->L;
    lua_checkstack(co, 1);
    lua_checkstack(L, 1);
    lua_pushvalue(co, ok ? -nresults : -1);
    lua_xmove(co, L, 1);
    job->value_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    if (ok && nresults >= 2 && lua_isinteger(co, -nresults + 1))
        job->status = (int)lua_tointeger(co, -nresults + 1);
}

void lv_job_start(lv_shell *sh, lv_job *job, int nargs, bool foreground, bool keep_value)
{
    lua_State *L = sh->L;
    memset(job, 0, sizeof(*job));
    job->sh = sh;
    job->foreground = foreground;
    job->keep_value = keep_value;
    job->value_ref = LUA_NOREF;
    job->status = -1;
    if (foreground) {
        /* stack: f args...  ->  wrapper f args... */
        lua_rawgeti(L, LUA_REGISTRYINDEX, sh->start_ref);
        lua_insert(L, -(nargs + 2));
        nargs++;
        sig_count = 0;
        sig_pending = 0;
        sig_starting = 1;
    }
    lv_task *task = lv_task_start(L, nargs, job_done, job);
    /* When the task ended already, done has run and the handle is gone. */
    if (!job->done)
        job->task = task;
    if (foreground) {
        if (!job->done)
            atomic_store(&sig_job, job);
        sig_starting = 0;
        if (sig_pending && !job->done) {
            job->interrupted = 1;
            lv_task_interrupt(task);
        }
        sig_pending = 0;
    }
}

bool lv_job_wait(lv_shell *sh, lv_job *job)
{
    while (!job->done) {
        uv_run(&sh->loop, UV_RUN_ONCE);
        if (!job->done && !uv_loop_alive(&sh->loop)) {
            /* Nothing can ever resume it: end it rather than hang. */
            if (atomic_load(&sig_job) == job)
                atomic_store(&sig_job, NULL);
            lv_task_cancel(job->task);
            return job->done;
        }
    }
    return true;
}

void lv_job_push_value(lv_shell *sh, const lv_job *job)
{
    if (job->value_ref == LUA_NOREF || job->value_ref == LUA_REFNIL)
        lua_pushnil(sh->L);
    else
        lua_rawgeti(sh->L, LUA_REGISTRYINDEX, job->value_ref);
}

void lv_job_clear(lv_shell *sh, lv_job *job)
{
    if (job->value_ref != LUA_NOREF)
        luaL_unref(sh->L, LUA_REGISTRYINDEX, job->value_ref);
    job->value_ref = LUA_NOREF;
}

void lv_job_report(lv_shell *sh, const lv_job *job)
{
    lua_State *L = sh->L;
    lv_job_push_value(sh, job);
    size_t len = 0;
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
    if (!msg) {
        msg = job->cancelled ? "cancelled" : "unknown error";
        len = strlen(msg);
    }
    if (len >= 7 && strncmp(msg, "error: ", 7) == 0) {
        msg += 7;
        len -= 7;
    }
    while (len > 0 && msg[len - 1] == '\n')
        len--;
    fflush(stdout);
    fprintf(stderr, "error: %.*s\n", (int)len, msg);
    lua_pop(L, 1);
}
