/* One asynchronous driver call as Lua sees it (the cosocket pattern): return at
 * once when the driver completed synchronously, yield the task otherwise, and
 * run the loop ourselves only when called outside any task (plain lua5.4). */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "internal.h"

lv_call *lv__call_new(lua_State *L, lv_call_push_fn push)
{
    lv_call *call = LV_NEW(lv_call);
    call->rt = lv__runtime_get(L);
    call->push = push;
    call->ctx_ref = LUA_NOREF;
    return call;
}

static void call_free(lv_call *call)
{
    if (call->release)
        call->release(call);
    if (call->ctx_ref != LUA_NOREF && !call->rt->shut_down)
        luaL_unref(call->rt->L, LUA_REGISTRYINDEX, call->ctx_ref);
    free(call);
}

void lv__call_complete(lv_call *call)
{
    call->done = true;
    if (call->orphaned) {
        call_free(call);
        return;
    }
    lv_task *task = call->task;
    if (task && task->wait == call && task->status == LV_TASK_WAITING)
        lv__task_resume(task, 0);
}

void lv__call_orphan(lv_call *call)
{
    call->task = NULL;
    if (call->done) {
        call_free(call);
        return;
    }
    call->orphaned = true;
    if (call->abandon)
        call->abandon(call);
}

void lv__call_keep(lua_State *L, lv_call *call, int idx)
{
    lua_pushvalue(L, idx);
    call->ctx_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

int lv__push_error(lua_State *L, const lv_error *err)
{
    lua_pushnil(L);
    lua_pushstring(L, err->message);
    lua_pushstring(L, lv_error_code_name(err->code));
    return 3;
}

static int call_finish(lua_State *L, lv_call *call)
{
    int n;
    if (call->failed)
        n = lv__push_error(L, &call->err);
    else
        n = call->push(L, call);
    call_free(call);
    return n;
}

static int call_continue(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    lv_task *task = lv__task_of(L);
    if (task && task->cancelling) {
        /* The call was orphaned by the cancel and may be gone: do not touch ctx. */
        task->cancelling = false;
        return luaL_error(L, "cancelled");
    }
    lv_call *call = (lv_call *)ctx;
    if (task)
        task->wait = NULL;
    return call_finish(L, call);
}

int lv__call_wait(lua_State *L, lv_call *call)
{
    if (call->done)
        return call_finish(L, call);
    lv_task *task = lv__task_of(L);
    lv_runtime *rt = call->rt;
    if (task && task->status == LV_TASK_CANCELLED) {
        lv__call_orphan(call);
        return luaL_error(L, "cancelled");
    }
    if (task) {
        call->task = task;
        task->wait = call;
        task->status = LV_TASK_WAITING;
        return lua_yieldk(L, 0, (lua_KContext)call, call_continue);
    }
    if (!rt->owns_loop || rt->blocking || rt->current) {
        /* Outside any task while the loop is someone else's (the shell's), or in a
         * plain coroutine inside a task: waiting here would re-enter uv_run. */
        lv__call_orphan(call);
        return luaL_error(L, "this call waits and must run inside a luvirt task "
                             "(luvirt.spawn), not inside a plain coroutine or callback");
    }
    rt->blocking = true;
    while (!call->done) {
        if (uv_run(rt->loop, UV_RUN_ONCE) == 0 && !call->done) {
            rt->blocking = false;
            lv__call_orphan(call);
            return luaL_error(L, "internal error: the event loop ran dry before the call ended");
        }
    }
    rt->blocking = false;
    return call_finish(L, call);
}

/* ---- adapters from driver callbacks ---- */

static void set_failure(lv_call *call, const lv_error *err)
{
    if (!err)
        return;
    call->failed = true;
    lv_error_copy(&call->err, err);
}

void lv__call_done_cb(void *opaque, const lv_error *err)
{
    lv_call *call = opaque;
    set_failure(call, err);
    lv__call_complete(call);
}

static void release_conn(lv_call *call)
{
    if (call->r.conn)
        lv_conn_close(call->r.conn);
}

void lv__call_conn_cb(void *opaque, lv_conn *conn, const lv_error *err)
{
    lv_call *call = opaque;
    set_failure(call, err);
    call->r.conn = conn;
    call->release = release_conn;
    lv__call_complete(call);
}

static void release_info(lv_call *call)
{
    lv_domain_info_free(call->r.info);
}

void lv__call_domain_cb(void *opaque, lv_domain_info *info, const lv_error *err)
{
    lv_call *call = opaque;
    set_failure(call, err);
    call->r.info = info;
    call->release = release_info;
    lv__call_complete(call);
}

static void release_list(lv_call *call)
{
    lv_domain_list_free(call->r.list);
}

void lv__call_domain_list_cb(void *opaque, lv_domain_list *list, const lv_error *err)
{
    lv_call *call = opaque;
    set_failure(call, err);
    call->r.list = list;
    call->release = release_list;
    lv__call_complete(call);
}

static void release_string(lv_call *call)
{
    free(call->r.str);
}

void lv__call_string_cb(void *opaque, char *str, const lv_error *err)
{
    lv_call *call = opaque;
    set_failure(call, err);
    call->r.str = str;
    call->release = release_string;
    lv__call_complete(call);
}

void lv__call_node_cb(void *opaque, const lv_node_info *info, const lv_error *err)
{
    lv_call *call = opaque;
    set_failure(call, err);
    if (info)
        call->r.node = *info;
    lv__call_complete(call);
}

void lv__call_version_cb(void *opaque, const lv_version_info *info, const lv_error *err)
{
    lv_call *call = opaque;
    set_failure(call, err);
    if (info)
        call->r.version = *info;
    lv__call_complete(call);
}

int lv__push_true(lua_State *L, lv_call *call)
{
    (void)call;
    lua_pushboolean(L, 1);
    return 1;
}

int lv__push_string(lua_State *L, lv_call *call)
{
    lua_pushstring(L, call->r.str ? call->r.str : "");
    return 1;
}

static void release_params(lv_call *call)
{
    lv_params_free(call->r.params);
}

void lv__call_params_cb(void *opaque, lv_params *params, const lv_error *err)
{
    lv_call *call = opaque;
    set_failure(call, err);
    call->r.params = params;
    call->release = release_params;
    lv__call_complete(call);
}

int lv__push_params(lua_State *L, lv_call *call)
{
    const lv_params *p = call->r.params;
    lua_createtable(L, 0, p ? (int)p->count : 0);
    for (size_t i = 0; p && i < p->count; i++) {
        const lv_param *it = &p->items[i];
        switch (it->type) {
        case LV_PARAM_UINT:
            lua_pushinteger(L, (lua_Integer)it->u);
            break;
        case LV_PARAM_INT:
            lua_pushinteger(L, (lua_Integer)it->i);
            break;
        case LV_PARAM_STRING:
            lua_pushstring(L, it->s);
            break;
        }
        lua_setfield(L, -2, it->key);
    }
    return 1;
}
