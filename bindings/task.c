/* Tasks: pinned coroutines that yield on driver calls and are resumed by the
 * completion callbacks. The scheduler is the loop itself: nothing here runs
 * uv_run except a wait outside any task in plain lua5.4 (calls.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "internal.h"

#define LV_TASK_MT "luvirt.Task"

typedef struct task_box {
    lv_task *task;
} task_box;

lv_task *lv__task_of(lua_State *L)
{
    return *(lv_task **)lua_getextraspace(L);
}

static void set_task_of(lua_State *co, lv_task *task)
{
    *(lv_task **)lua_getextraspace(co) = task;
}

static void unlink_task(lv_task *task)
{
    for (lv_task **p = &task->rt->tasks; *p; p = &(*p)->next) {
        if (*p == task) {
            *p = task->next;
            return;
        }
    }
}

static void free_task(lv_task *task)
{
    lv_runtime *rt = task->rt;
    if (task->results_ref != LUA_NOREF && !rt->shut_down)
        luaL_unref(rt->L, LUA_REGISTRYINDEX, task->results_ref);
    free(task->waiters);
    free(task);
}

static bool task_ended(const lv_task *task)
{
    return task->status == LV_TASK_DONE || task->status == LV_TASK_FAILED ||
           task->status == LV_TASK_CANCELLED;
}

static void finish(lv_task *task, bool ok, int nresults)
{
    lv_runtime *rt = task->rt;
    lua_State *co = task->co;
    bool cancelled = !ok && task->status == LV_TASK_CANCELLED;
    task->status = ok ? LV_TASK_DONE : (cancelled ? LV_TASK_CANCELLED : LV_TASK_FAILED);
    task->wait = NULL;
    lua_sethook(co, NULL, 0, 0);

    if (!ok && !lua_isstring(co, -1)) {
        const char *type = luaL_typename(co, -1);
        lua_pushfstring(co, "(error object is a %s value)", type);
    }
    if (task->done)
        task->done(task->done_ud, co, ok, cancelled, ok ? nresults : 0);

    if (task->has_handle) {
        if (ok) {
            /* stack: ... r1 .. rn  ->  {n=n, r1 .. rn} */
            lua_createtable(co, nresults, 1);
            for (int i = nresults; i >= 1; i--) {
                lua_insert(co, -2); /* table below the last result */
                lua_rawseti(co, -2, i);
            }
            lua_pushinteger(co, nresults);
            lua_setfield(co, -2, "n");
        } else {
            lua_createtable(co, 3, 0);
            lua_pushboolean(co, 0);
            lua_rawseti(co, -2, 1);
            lua_pushvalue(co, -2);
            lua_rawseti(co, -2, 2);
            lua_pushstring(co, cancelled ? "CANCELLED" : "TASK_FAILED");
            lua_rawseti(co, -2, 3);
        }
        task->results_ref = luaL_ref(co, LUA_REGISTRYINDEX);
    } else if (!ok && !cancelled && !task->done && !task->quiet && task->nwaiters == 0) {
        fprintf(stderr, "error: in task: %s\n", lua_tostring(co, -1));
    }
    lua_settop(co, 0);

    set_task_of(co, NULL);
    luaL_unref(rt->L, LUA_REGISTRYINDEX, task->co_ref);
    task->co = NULL;
    unlink_task(task);

    /* Whoever waits holds the Task handle; once they are woken the handle may
     * be collected and free the task, so take what is needed first. */
    size_t n = task->nwaiters;
    lv_call **waiters = task->waiters;
    task->waiters = NULL;
    task->nwaiters = 0;
    if (!task->has_handle)
        free_task(task);
    for (size_t i = 0; i < n; i++)
        lv__call_complete(waiters[i]);
    free(waiters);
}

void lv__task_resume(lv_task *task, int nargs)
{
    lv_runtime *rt = task->rt;
    lv_task *prev = rt->current;
    rt->current = task;
    task->status = LV_TASK_RUNNING;
    int nresults = 0;
    int status = lua_resume(task->co, NULL, nargs, &nresults);
    rt->current = prev;
    if (status == LUA_YIELD) {
        if (task->wait) {
            task->status = LV_TASK_WAITING;
            return;
        }
        lua_settop(task->co, 0);
        lua_pushstring(task->co, "coroutine.yield() at the top of a luvirt task: use "
                                 "luvirt.sleep or another luvirt call to wait");
        finish(task, false, 0);
        return;
    }
    if (status == LUA_OK) {
        finish(task, true, nresults);
        return;
    }
    finish(task, false, 0);
}

static lv_task *task_create(lua_State *L, int nargs)
{
    lv_runtime *rt = lv__runtime_get(L);
    lv_task *task = LV_NEW(lv_task);
    task->rt = rt;
    task->id = ++rt->next_task_id;
    task->results_ref = LUA_NOREF;
    lua_State *co = lua_newthread(L);
    task->co_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    task->co = co;
    set_task_of(co, task);
    lua_xmove(L, co, nargs + 1);
    task->next = rt->tasks;
    rt->tasks = task;
    task->status = LV_TASK_RUNNING;
    return task;
}

lv_task *lv_task_start(lua_State *L, int nargs, lv_task_done_fn done, void *ud)
{
    lv_task *task = task_create(L, nargs);
    task->done = done;
    task->done_ud = ud;
    lv__task_resume(task, nargs);
    return task;
}

void lv_task_cancel(lv_task *task)
{
    if (task_ended(task))
        return;
    if (task->status != LV_TASK_WAITING) {
        /* Running (it resumed whoever cancels it): its next wait raises. */
        task->status = LV_TASK_CANCELLED;
        return;
    }
    lv_call *call = task->wait;
    task->wait = NULL;
    task->cancelling = true;
    task->status = LV_TASK_CANCELLED;
    lua_sethook(task->co, NULL, 0, 0);
    if (call)
        lv__call_orphan(call);
    int nresults = 0;
    lv_runtime *rt = task->rt;
    lv_task *prev = rt->current;
    rt->current = task;
    int status = lua_resume(task->co, NULL, 0, &nresults);
    rt->current = prev;
    task->cancelling = false;
    if (status == LUA_YIELD && task->wait) {
        /* It caught the error and waits again: it lives on, no longer cancelled. */
        task->status = LV_TASK_WAITING;
        return;
    }
    if (status == LUA_OK) {
        task->status = LV_TASK_DONE;
        finish(task, true, nresults);
        return;
    }
    if (status == LUA_YIELD) {
        lua_settop(task->co, 0);
        lua_pushstring(task->co, "cancelled");
    }
    task->status = LV_TASK_CANCELLED;
    finish(task, false, 0);
}

static void interrupt_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    lv_task *task = lv__task_of(L);
    if (task)
        task->status = LV_TASK_CANCELLED;
    luaL_error(L, "interrupted");
}

void lv_task_interrupt(lv_task *task)
{
    lv_runtime *rt = task->rt;
    rt->interrupt_id = task->id;
    int mask = LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT;
    if (task->status == LV_TASK_RUNNING && rt->current) {
        /* As lua.c does from its SIGINT handler: the hook raises at the next step. */
        lua_sethook(rt->current->co, interrupt_hook, mask, 1);
        if (rt->current != task)
            lua_sethook(task->co, interrupt_hook, mask, 1);
    }
    uv_async_send(&rt->interrupt_async);
}

void lv__tasks_interrupt_pending(lv_runtime *rt)
{
    int id = rt->interrupt_id;
    rt->interrupt_id = 0;
    if (!id)
        return;
    for (lv_task *t = rt->tasks; t; t = t->next) {
        if (t->id == id) {
            if (t->status == LV_TASK_WAITING)
                lv_task_cancel(t);
            return;
        }
    }
}

bool lv_runtime_busy(lua_State *L)
{
    return lv__runtime_get(L)->tasks != NULL;
}

void lv__tasks_shutdown(lv_runtime *rt)
{
    while (rt->tasks) {
        lv_task *task = rt->tasks;
        rt->tasks = task->next;
        if (task->wait)
            lv__call_orphan(task->wait);
        task->wait = NULL;
        task->status = LV_TASK_CANCELLED;
        for (size_t i = 0; i < task->nwaiters; i++)
            lv__call_orphan(task->waiters[i]);
        task->nwaiters = 0;
        if (task->co)
            set_task_of(task->co, NULL);
        luaL_unref(rt->L, LUA_REGISTRYINDEX, task->co_ref);
        task->co = NULL;
        if (!task->has_handle)
            free_task(task);
    }
}

/* ---- Lua side: luvirt.spawn, Task methods, sleep ---- */

static task_box *check_task(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, LV_TASK_MT);
}

static int spawn_common(lua_State *L, bool quiet)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    int nargs = lua_gettop(L) - 1;
    task_box *box = lua_newuserdatauv(L, sizeof(*box), 0);
    box->task = NULL;
    luaL_setmetatable(L, LV_TASK_MT);
    lua_insert(L, 1); /* stack: box fn args... */
    lv_task *task = task_create(L, nargs);
    task->has_handle = true;
    task->quiet = quiet;
    box->task = task;
    lv__task_resume(task, nargs);
    return 1;
}

int lv__l_spawn(lua_State *L)
{
    return spawn_common(L, false);
}

static int l_spawn_quiet(lua_State *L)
{
    return spawn_common(L, true);
}

static int push_task_results(lua_State *L, lv_call *call)
{
    lv_task *task = call->r.ptr;
    lua_rawgeti(L, LUA_REGISTRYINDEX, task->results_ref);
    int t = lua_gettop(L);
    lua_rawgeti(L, t, 1);
    bool failed = lua_isboolean(L, -1) && !lua_toboolean(L, -1) && task->status != LV_TASK_DONE;
    lua_pop(L, 1);
    if (failed) {
        lua_pushnil(L);
        lua_rawgeti(L, t, 2);
        lua_rawgeti(L, t, 3);
        lua_remove(L, t);
        return 3;
    }
    lua_getfield(L, t, "n");
    int n = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    luaL_checkstack(L, n, "too many results");
    for (int i = 1; i <= n; i++)
        lua_rawgeti(L, t, i);
    lua_remove(L, t);
    return n;
}

static void waiter_abandon(lv_call *call)
{
    lv_task *task = call->r.ptr;
    for (size_t i = 0; i < task->nwaiters; i++) {
        if (task->waiters[i] == call) {
            task->waiters[i] = task->waiters[--task->nwaiters];
            break;
        }
    }
    lv__call_complete(call); /* orphaned: frees it */
}

static int l_task_wait(lua_State *L)
{
    task_box *box = check_task(L, 1);
    lv_task *task = box->task;
    if (task == lv__task_of(L))
        return luaL_error(L, "a task cannot wait for itself");
    lv_call *call = lv__call_new(L, push_task_results);
    call->r.ptr = task;
    lua_pushvalue(L, 1);
    call->ctx_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    if (task_ended(task)) {
        call->done = true;
    } else {
        call->abandon = waiter_abandon;
        task->waiters = lv_realloc(task->waiters, (task->nwaiters + 1) * sizeof(*task->waiters));
        task->waiters[task->nwaiters++] = call;
    }
    return lv__call_wait(L, call);
}

static int l_task_cancel(lua_State *L)
{
    lv_task *task = check_task(L, 1)->task;
    if (task == lv__task_of(L))
        return luaL_error(L, "cancelled");
    lv_task_cancel(task);
    return 0;
}

static int l_task_status(lua_State *L)
{
    static const char *const names[] = {"running", "waiting", "done", "failed", "cancelled"};
    lv_task *task = check_task(L, 1)->task;
    lua_pushstring(L, names[task->status]);
    return 1;
}

static int l_task_gc(lua_State *L)
{
    task_box *box = check_task(L, 1);
    lv_task *task = box->task;
    box->task = NULL;
    if (!task)
        return 0;
    task->has_handle = false;
    if (task_ended(task) || task->rt->shut_down) {
        if (!task_ended(task))
            return 0; /* shut down: tasks were freed or detached already */
        free_task(task);
    }
    return 0;
}

static int l_task_tostring(lua_State *L)
{
    lv_task *task = check_task(L, 1)->task;
    lua_pushfstring(L, "luvirt.Task %d", task ? task->id : 0);
    return 1;
}

/* A sleep's timer lives apart from its call: the task resumes inside the timer
 * callback, so timers due together (a loaded machine, a busy loop) wake their
 * tasks in the order they were due, and the call may be freed by the resumed
 * task while the timer is still closing. */
typedef struct sleep_timer {
    uv_timer_t handle;
    lv_call *call; /* NULL once fired or abandoned */
} sleep_timer;

static void sleep_timer_closed(uv_handle_t *handle)
{
    free(handle->data);
}

static void sleep_timer_end(sleep_timer *timer)
{
    lv_call *call = timer->call;
    timer->call = NULL;
    call->sleep = NULL;
    uv_close((uv_handle_t *)&timer->handle, sleep_timer_closed);
    lv__call_complete(call); /* resumes the task, or frees an orphaned call */
}

static void sleep_fired(uv_timer_t *handle)
{
    sleep_timer_end(handle->data);
}

static void sleep_abandon(lv_call *call)
{
    if (call->sleep)
        sleep_timer_end(call->sleep);
}

int lv__l_sleep(lua_State *L)
{
    lua_Integer ms = luaL_checkinteger(L, 1);
    luaL_argcheck(L, ms >= 0, 1, "milliseconds must not be negative");
    lv_task *task = lv__task_of(L);
    if (task && task->status == LV_TASK_CANCELLED)
        return luaL_error(L, "cancelled");
    lv_call *call = lv__call_new(L, lv__push_true);
    sleep_timer *timer = LV_NEW(sleep_timer);
    timer->call = call;
    uv_timer_init(call->rt->loop, &timer->handle);
    timer->handle.data = timer;
    call->sleep = timer;
    call->abandon = sleep_abandon;
    /* A 0 ms timer started inside a timer callback (a task woken by a sleep)
     * is due at once and libuv (before 1.45) runs it in the same pass, so a
     * task looping on sleep(0) would never let the loop poll: 1 ms at least. */
    uv_timer_start(&timer->handle, sleep_fired, ms > 0 ? (uint64_t)ms : 1, 0);
    return lv__call_wait(L, call);
}

void lv__task_open_lib(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"wait", l_task_wait},
        {"cancel", l_task_cancel},
        {"status", l_task_status},
        {NULL, NULL},
    };
    static const luaL_Reg meta[] = {
        {"__gc", l_task_gc},
        {"__tostring", l_task_tostring},
        {NULL, NULL},
    };
    luaL_newmetatable(L, LV_TASK_MT);
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    /* luvirt._spawn_quiet, for luvirt.all: their failures are raised, not printed */
    lua_pushcfunction(L, l_spawn_quiet);
    lua_setfield(L, -2, "_spawn_quiet");
}
