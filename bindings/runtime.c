/* The runtime: one per lua_State, kept in the registry; opens the luvirt module. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/units.h"
#include "internal.h"

#define RUNTIME_KEY "luvirt.runtime"

#ifndef LUVIRT_DATADIR
#define LUVIRT_DATADIR "/usr/local/share/luvirt"
#endif
#ifndef LUVIRT_VERSION
#define LUVIRT_VERSION "0.0.0"
#endif

/* Helpers that are simplest in Lua; `luvirt` is the module table. */
static const char lua_helpers[] =
    "local luvirt = ...\n"
    "function luvirt.all(fns)\n"
    "  assert(type(fns) == 'table', 'luvirt.all: expected a list of functions')\n"
    "  local tasks = {}\n"
    "  for i, fn in ipairs(fns) do tasks[i] = luvirt._spawn_quiet(fn) end\n"
    "  local results, first_err = {}, nil\n"
    "  for i, t in ipairs(tasks) do\n"
    "    local r, msg = t:wait()\n"
    "    if t:status() ~= 'done' then first_err = first_err or msg else results[i] = r end\n"
    "  end\n"
    "  if first_err then error(first_err, 0) end\n"
    "  return results\n"
    "end\n"
    "function luvirt.timeout(ms, fn, ...)\n"
    "  local work = luvirt._spawn_quiet(fn, ...)\n"
    "  local timed_out = false\n"
    "  local timer = luvirt._spawn_quiet(function()\n"
    "    luvirt.sleep(ms); timed_out = true; work:cancel()\n"
    "  end)\n"
    "  local r = table.pack(work:wait())\n"
    "  if timed_out then return nil, ('timed out after %d ms'):format(ms), 'TIMEOUT' end\n"
    "  timer:cancel()\n"
    "  return table.unpack(r, 1, r.n)\n"
    "end\n";

lv_runtime *lv__runtime_get(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, RUNTIME_KEY);
    lv_runtime *rt = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (!rt)
        luaL_error(L, "the luvirt runtime is not initialised");
    return rt;
}

static void interrupt_cb(uv_async_t *handle)
{
    lv__tasks_interrupt_pending(handle->data);
}

static int l_parse_size(lua_State *L)
{
    const char *text = luaL_checkstring(L, 1);
    const char *unit = luaL_optstring(L, 2, NULL);
    uint64_t bytes = 0;
    lv_error err = {0};
    if (lv_size_parse(text, unit, &bytes, &err) < 0)
        return lv__push_error(L, &err);
    lua_pushinteger(L, (lua_Integer)bytes);
    return 1;
}

static void prepend_package_path(lua_State *L, const char *datadir)
{
    lua_getglobal(L, "package");
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        return;
    }
    lua_getfield(L, -1, "path");
    const char *old = lua_tostring(L, -1);
    lua_pushfstring(L, "%s/lib/?.lua;%s/lib/?/init.lua;%s", datadir, datadir, old ? old : "");
    lua_setfield(L, -3, "path");
    lua_pop(L, 2);
}

static int open_module(lua_State *L)
{
    lv_runtime *rt = lv__runtime_get(L);
    static const luaL_Reg funcs[] = {
        {"open", lv__l_open},
        {"spawn", lv__l_spawn},
        {"sleep", lv__l_sleep},
        {"parse_size", l_parse_size},
        {NULL, NULL},
    };
    luaL_newlib(L, funcs);
    lua_pushstring(L, LUVIRT_VERSION);
    lua_setfield(L, -2, "version");
    lua_pushstring(L, rt->datadir);
    lua_setfield(L, -2, "datadir");
    lv__task_open_lib(L);
    lv__process_open(L);
    lv__json_open(L);
    lua_setfield(L, -2, "json");
    lv__connection_open_lib(L);
    lv__domain_open_lib(L);
    lv__events_open_lib(L);
    lv__storage_open_lib(L);
    lv__network_open_lib(L);
    if (luaL_loadbuffer(L, lua_helpers, sizeof(lua_helpers) - 1, "=luvirt") != LUA_OK)
        return lua_error(L);
    lua_pushvalue(L, -2);
    lua_call(L, 1, 0);
    return 1;
}

/* The state may close without lv_runtime_shutdown (os.exit(code, true) in a
 * script): what the runtime allocated goes with it. */
static int runtime_gc(lua_State *L)
{
    lv_runtime *rt = lua_touserdata(L, 1);
    free(rt->datadir);
    rt->datadir = NULL;
    return 0;
}

static int init_runtime(lua_State *L, uv_loop_t *loop, bool owns_loop, const char *datadir)
{
    lv_runtime *rt = lua_newuserdatauv(L, sizeof(*rt), 0);
    memset(rt, 0, sizeof(*rt));
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, runtime_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    rt->loop = loop;
    rt->owns_loop = owns_loop;
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
    rt->L = lua_tothread(L, -1);
    lua_pop(L, 1);
    *(lv_task **)lua_getextraspace(rt->L) = NULL;
    rt->datadir = lv_strdup(datadir && *datadir ? datadir : LUVIRT_DATADIR);
    uv_async_init(loop, &rt->interrupt_async, interrupt_cb);
    rt->interrupt_async.data = rt;
    /* The async must not keep a plain lua5.4 script's loop alive. */
    uv_unref((uv_handle_t *)&rt->interrupt_async);
    lua_setfield(L, LUA_REGISTRYINDEX, RUNTIME_KEY);
    prepend_package_path(L, rt->datadir);
    return 0;
}

int lv_runtime_init(lua_State *L, uv_loop_t *loop, const char *datadir)
{
    init_runtime(L, loop, false, datadir);
    luaL_requiref(L, "luvirt", open_module, 1);
    lua_pop(L, 1);
    return 0;
}

/* For module.c: the lua5.4 module owns its loop. */
int lv__runtime_open_standalone(lua_State *L);
int lv__runtime_open_standalone(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, RUNTIME_KEY);
    bool have = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (!have) {
        /* Sockets to qemu may close under a write: fail that write, not the process. */
        struct sigaction old;
        if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
            signal(SIGPIPE, SIG_IGN);
        uv_loop_t *loop = lv_malloc0(sizeof(*loop));
        uv_loop_init(loop);
        const char *datadir = getenv("LUVIRT_DATADIR");
        init_runtime(L, loop, true, datadir);
    }
    return open_module(L);
}

static void async_closed(uv_handle_t *handle)
{
    (void)handle;
}

void lv_runtime_shutdown(lua_State *L)
{
    lv_runtime *rt = lv__runtime_get(L);
    if (rt->shut_down)
        return;
    lv__tasks_shutdown(rt);
    rt->shut_down = true;
    free(rt->datadir);
    rt->datadir = NULL;
    uv_close((uv_handle_t *)&rt->interrupt_async, async_closed);
}
