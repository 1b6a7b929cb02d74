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

unsigned lv__opt_list_flags(lua_State *L, int idx, unsigned active, unsigned inactive)
{
    static const char *const allowed[] = {"active", "inactive", NULL};
    lv__check_opts(L, idx, allowed);
    unsigned flags = 0;
    if (lv__opt_bool(L, idx, "active"))
        flags |= active;
    if (lv__opt_bool(L, idx, "inactive"))
        flags |= inactive;
    return flags;
}

lv_lookup_by lv__opt_lookup_by(lua_State *L, int idx, bool ids)
{
    static const char *const allowed[] = {"by", NULL};
    static const char *const with_ids[] = {"any", "name", "uuid", "id", NULL};
    static const char *const without_ids[] = {"any", "name", "uuid", NULL};
    static const lv_lookup_by values[] = {LV_LOOKUP_ANY, LV_LOOKUP_NAME, LV_LOOKUP_UUID,
                                          LV_LOOKUP_ID};
    lv__check_opts(L, idx, allowed);
    lv_lookup_by by = LV_LOOKUP_ANY;
    if (!lua_isnoneornil(L, idx)) {
        lua_getfield(L, idx, "by");
        if (!lua_isnil(L, -1))
            by = values[luaL_checkoption(L, -1, NULL, ids ? with_ids : without_ids)];
        lua_pop(L, 1);
    }
    return by;
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
