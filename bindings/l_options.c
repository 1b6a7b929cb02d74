/* Option tables of the Lua API: one trailing table, unknown keys are misuse. */
#include <string.h>

#include "internal.h"

void lv__check_opts(lua_State *L, int idx, const char *const *allowed)
{
    if (lua_isnoneornil(L, idx))
        return;
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        bool ok = false;
        if (lua_type(L, -1) == LUA_TSTRING)
            for (const char *const *a = allowed; *a; a++)
                ok = ok || strcmp(*a, lua_tostring(L, -1)) == 0;
        if (!ok)
            luaL_error(L, "unknown option '%s'", luaL_tolstring(L, -1, NULL));
    }
}

bool lv__opt_bool(lua_State *L, int idx, const char *key)
{
    if (lua_isnoneornil(L, idx))
        return false;
    lua_getfield(L, idx, key);
    bool v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}
