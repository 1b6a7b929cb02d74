/* What the handles on one object of a connection (Domain, Network, Pool)
 * share: a UUID, the name it had when last seen, the Connection in user value
 * 1, and the methods and metamethods that need nothing more. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "internal.h"

lv_handle *lv__handle_push(lua_State *L, const char *mt, int conn_idx, const unsigned char *uuid,
                           const char *name)
{
    conn_idx = lua_absindex(L, conn_idx);
    lv_handle *h = lua_newuserdatauv(L, sizeof(*h), 1);
    memcpy(h->uuid, uuid, LV_UUID_LEN);
    h->name = lv_strdup(name);
    luaL_setmetatable(L, mt);
    lua_pushvalue(L, conn_idx);
    lua_setiuservalue(L, -2, 1);
    return h;
}

lv_conn *lv__handle_conn(lua_State *L, int idx)
{
    lua_getiuservalue(L, idx, 1);
    lv_conn *c = lv__check_conn(L, -1);
    lua_pop(L, 1);
    return c;
}

void lv__handle_remember_name(lv_handle *h, const char *name)
{
    if (h && name && (!h->name || strcmp(h->name, name) != 0)) {
        free(h->name);
        h->name = lv_strdup(name);
    }
}

int lv__handle_call(lua_State *L, const lv_handle *h, lv_handle_op op, unsigned flags)
{
    lv_conn *c = lv__handle_conn(L, 1);
    lv_call *call = lv__call_new(L, lv__push_true);
    op(c, h->uuid, flags, lv__call_done_cb, call);
    return lv__call_wait(L, call);
}

/* The functions below serve every handle type: upvalue 1 is its metatable's name. */
static lv_handle *check_handle(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, lua_tostring(L, lua_upvalueindex(1)));
}

static int handle_name(lua_State *L)
{
    lua_pushstring(L, check_handle(L, 1)->name);
    return 1;
}

static int handle_uuid(lua_State *L)
{
    char uuid[LV_UUID_STRING_LEN];
    lv_uuid_format(check_handle(L, 1)->uuid, uuid);
    lua_pushstring(L, uuid);
    return 1;
}

static int handle_gc(lua_State *L)
{
    lv_handle *h = check_handle(L, 1);
    free(h->name);
    h->name = NULL;
    return 0;
}

static int handle_tostring(lua_State *L)
{
    lua_pushfstring(L, "%s (%s)", lua_tostring(L, lua_upvalueindex(1)), check_handle(L, 1)->name);
    return 1;
}

static int handle_eq(lua_State *L)
{
    const char *mt = lua_tostring(L, lua_upvalueindex(1));
    lv_handle *a = luaL_testudata(L, 1, mt);
    lv_handle *b = luaL_testudata(L, 2, mt);
    lua_pushboolean(L, a && b && memcmp(a->uuid, b->uuid, LV_UUID_LEN) == 0);
    return 1;
}

void lv__handle_open_type(lua_State *L, const char *mt, const luaL_Reg *methods)
{
    static const luaL_Reg common[] = {
        {"name", handle_name},
        {"uuid", handle_uuid},
        {NULL, NULL},
    };
    static const luaL_Reg meta[] = {
        {"__gc", handle_gc},
        {"__tostring", handle_tostring},
        {"__eq", handle_eq},
        {NULL, NULL},
    };
    luaL_newmetatable(L, mt);
    lua_pushstring(L, mt);
    luaL_setfuncs(L, meta, 1);
    lua_newtable(L);
    lua_pushstring(L, mt);
    luaL_setfuncs(L, common, 1);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}
