/* luvirt.run_interactive(argv) and luvirt.listdir(dir): small host helpers.
 *
 * run_interactive runs a program on the user's terminal (an
 * editor for `edit`) and waits for it without blocking the loop. uv_spawn with
 * an argv array: never a shell string. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "internal.h"

typedef struct process_call {
    uv_process_t proc;
    lv_call *call;
    int64_t exit_status;
    int term_signal;
} process_call;

static int push_exit(lua_State *L, lv_call *call)
{
    process_call *pc = call->r.ptr;
    if (pc->term_signal) {
        lua_pushnil(L);
        lua_pushfstring(L, "killed by signal %d", pc->term_signal);
        lua_pushstring(L, "OPERATION_FAILED");
        return 3;
    }
    lua_pushinteger(L, (lua_Integer)pc->exit_status);
    return 1;
}

static void process_closed(uv_handle_t *handle)
{
    process_call *pc = handle->data;
    lv__call_complete(pc->call);
}

static void process_exited(uv_process_t *proc, int64_t exit_status, int term_signal)
{
    process_call *pc = proc->data;
    pc->exit_status = exit_status;
    pc->term_signal = term_signal;
    uv_close((uv_handle_t *)proc, process_closed);
}

static void release_process(lv_call *call)
{
    free(call->r.ptr);
}

static int l_run_interactive(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 1);
    luaL_argcheck(L, n >= 1, 1, "argv must name a program");
    char **argv = lv_malloc0(((size_t)n + 1) * sizeof(*argv));
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);
        if (!lua_isstring(L, -1)) {
            free(argv);
            return luaL_error(L, "argv[%d] is not a string", (int)i);
        }
        argv[i - 1] = (char *)lua_tostring(L, -1); /* kept alive by the table */
        lua_pop(L, 1);
    }
    lv_call *call = lv__call_new(L, push_exit);
    process_call *pc = LV_NEW(process_call);
    pc->call = call;
    call->r.ptr = pc;
    call->release = release_process;

    uv_stdio_container_t stdio[3];
    for (int i = 0; i < 3; i++) {
        stdio[i].flags = UV_INHERIT_FD;
        stdio[i].data.fd = i;
    }
    uv_process_options_t opts = {
        .file = argv[0],
        .args = argv,
        .exit_cb = process_exited,
        .stdio_count = 3,
        .stdio = stdio,
    };
    pc->proc.data = pc;
    int rc = uv_spawn(call->rt->loop, &pc->proc, &opts);
    free(argv);
    if (rc < 0) {
        lua_rawgeti(L, 1, 1);
        lv_error_set(&call->err, LV_ERR_SYSTEM, "cannot run '%s': %s", lua_tostring(L, -1),
                     uv_strerror(rc));
        lua_pop(L, 1);
        call->failed = true;
        /* A failed uv_spawn still needs its handle closed. */
        uv_close((uv_handle_t *)&pc->proc, process_closed);
    }
    return lv__call_wait(L, call);
}


/* luvirt.listdir(dir): the entry names of a local folder, sorted. A local
 * directory read is not a wait the loop should yield on (as lua's own io is
 * not), so this is libuv's synchronous scandir and works in any context,
 * including completion callbacks. */
static int l_listdir(lua_State *L)
{
    const char *dir = luaL_checkstring(L, 1);
    uv_fs_t req;
    int rc = uv_fs_scandir(NULL, &req, dir, 0, NULL);
    if (rc < 0) {
        uv_fs_req_cleanup(&req);
        lua_pushnil(L);
        lua_pushfstring(L, "cannot list '%s': %s", dir, uv_strerror(rc));
        lua_pushstring(L, "SYSTEM");
        return 3;
    }
    lua_createtable(L, rc, 0);
    uv_dirent_t ent;
    int i = 0;
    while (uv_fs_scandir_next(&req, &ent) != UV_EOF) {
        lua_pushstring(L, ent.name);
        lua_rawseti(L, -2, ++i);
    }
    uv_fs_req_cleanup(&req);
    lua_getglobal(L, "table");
    lua_getfield(L, -1, "sort");
    lua_pushvalue(L, -3);
    lua_call(L, 1, 0);
    lua_pop(L, 1);
    return 1;
}

void lv__process_open(lua_State *L)
{
    lua_pushcfunction(L, l_run_interactive);
    lua_setfield(L, -2, "run_interactive");
    lua_pushcfunction(L, l_listdir);
    lua_setfield(L, -2, "listdir");
}
