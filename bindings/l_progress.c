/* Progress of long volume operations (upload, download, clone, wipe) to a
 * Lua function. The driver reports on the loop, possibly many times a
 * second; each report the function sees runs as its own task (as event
 * deliveries do, l_events.c), so the function may call the API and wait.
 * While one delivery still runs, newer reports replace each other: the
 * function sees the latest, never a backlog. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "l_storage.h"

struct lv_relay {
    lv_runtime *rt;
    lv_call *call;
    int fn_ref;     /* the progress function, or LUA_NOREF */
    bool busy;      /* a delivery task has not ended yet */
    bool pending;   /* done/total not delivered yet */
    bool ended;     /* the operation completed */
    bool fn_failed; /* the function raised: no more deliveries */
    uint64_t done, total;
};

lv_relay *lv__relay_new(lua_State *L, lv_call *call, int fn_idx)
{
    lv_relay *r = LV_NEW(lv_relay);
    r->rt = call->rt;
    r->call = call;
    r->fn_ref = LUA_NOREF;
    if (fn_idx) {
        lua_pushvalue(L, fn_idx);
        r->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    return r;
}

int lv__opt_progress(lua_State *L, int idx)
{
    if (lua_isnoneornil(L, idx))
        return 0;
    lua_getfield(L, idx, "progress");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    if (!lua_isfunction(L, -1))
        luaL_error(L, "option 'progress' must be a function (done, total)");
    return lua_gettop(L);
}

static void relay_free(lv_relay *r)
{
    if (r->fn_ref != LUA_NOREF && !r->rt->shut_down)
        luaL_unref(r->rt->L, LUA_REGISTRYINDEX, r->fn_ref);
    free(r);
}

static bool can_deliver(const lv_relay *r)
{
    return r->fn_ref != LUA_NOREF && !r->fn_failed && !r->rt->shut_down &&
           !(r->call && r->call->orphaned);
}

static void deliver(lv_relay *r);

static void on_delivered(void *ud, lua_State *co, bool ok, bool cancelled, int nresults)
{
    (void)nresults;
    lv_relay *r = ud;
    r->busy = false;
    if (!ok && !cancelled) {
        /* Reported once; the operation itself goes on. */
        fprintf(stderr, "error: in progress function: %s\n", lua_tostring(co, -1));
        r->fn_failed = true;
    }
    if (r->ended) {
        relay_free(r);
        return;
    }
    deliver(r);
}

/* Runs the function with the latest report unless a delivery is running. */
static void deliver(lv_relay *r)
{
    if (r->busy || !r->pending || !can_deliver(r))
        return;
    r->pending = false;
    r->busy = true;
    lua_State *L = r->rt->L;
    luaL_checkstack(L, 3, "progress");
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->fn_ref);
    lua_pushinteger(L, (lua_Integer)r->done);
    lua_pushinteger(L, (lua_Integer)r->total);
    lv_task_start(L, 2, on_delivered, r); /* may end (and call on_delivered) at once */
}

void lv__relay_progress_cb(void *opaque, uint64_t done, uint64_t total)
{
    lv_relay *r = opaque;
    if (r->ended || !can_deliver(r))
        return;
    r->done = done;
    r->total = total;
    r->pending = true;
    deliver(r);
}

/* Before the call completes: the last report, when the function is free. */
static lv_call *relay_end(lv_relay *r)
{
    deliver(r);
    r->ended = true;
    lv_call *call = r->call;
    r->call = NULL;
    if (!r->busy)
        relay_free(r);
    return call;
}

void lv__relay_done_cb(void *opaque, const lv_error *err)
{
    lv__call_done_cb(relay_end(opaque), err);
}

void lv__relay_vol_cb(void *opaque, lv_vol_info *info, const lv_error *err)
{
    lv__call_vol_cb(relay_end(opaque), info, err);
}

/* luvirt.isatty(fd | "stdin" | "stdout" | "stderr") -> boolean */
int lv__l_isatty(lua_State *L)
{
    static const char *const names[] = {"stdin", "stdout", "stderr", NULL};
    int fd;
    if (lua_type(L, 1) == LUA_TNUMBER)
        fd = (int)luaL_checkinteger(L, 1);
    else
        fd = luaL_checkoption(L, 1, NULL, names);
    lua_pushboolean(L, isatty(fd) == 1);
    return 1;
}
