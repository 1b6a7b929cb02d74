/* The storage part of the luvirt module: its methods on Connection (pools,
 * volume lookups by path or key), the result adapters and info tables shared
 * by luvirt.Pool (l_pool.c) and luvirt.Volume (l_volume.c), and their
 * registration. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/units.h"
#include "l_storage.h"

/* ---- adapters ----------------------------------------------------------- */

static void set_failure(lv_call *call, const lv_error *err)
{
    if (!err)
        return;
    call->failed = true;
    lv_error_copy(&call->err, err);
}

static void release_pool(lv_call *call)
{
    lv_pool_info_free(call->r.ptr);
}

void lv__call_pool_cb(void *opaque, lv_pool_info *info, const lv_error *err)
{
    lv_call *call = opaque;
    set_failure(call, err);
    call->r.ptr = info;
    call->release = release_pool;
    lv__call_complete(call);
}

static void release_pool_list(lv_call *call)
{
    lv_pool_list_free(call->r.ptr);
}

void lv__call_pool_list_cb(void *opaque, lv_pool_list *list, const lv_error *err)
{
    lv_call *call = opaque;
    set_failure(call, err);
    call->r.ptr = list;
    call->release = release_pool_list;
    lv__call_complete(call);
}

static void release_vol(lv_call *call)
{
    lv_vol_info_free(call->r.ptr);
}

void lv__call_vol_cb(void *opaque, lv_vol_info *info, const lv_error *err)
{
    lv_call *call = opaque;
    set_failure(call, err);
    call->r.ptr = info;
    call->release = release_vol;
    lv__call_complete(call);
}

static void release_vol_list(lv_call *call)
{
    lv_vol_list_free(call->r.ptr);
}

void lv__call_vol_list_cb(void *opaque, lv_vol_list *list, const lv_error *err)
{
    lv_call *call = opaque;
    set_failure(call, err);
    call->r.ptr = list;
    call->release = release_vol_list;
    lv__call_complete(call);
}

/* ---- info tables -------------------------------------------------------- */

static const char *pool_state_key(lv_pool_state s)
{
    switch (s) {
    case LV_POOL_INACTIVE:
        return "inactive";
    case LV_POOL_BUILDING:
        return "building";
    case LV_POOL_RUNNING:
        return "running";
    case LV_POOL_DEGRADED:
        return "degraded";
    case LV_POOL_INACCESSIBLE:
        return "inaccessible";
    }
    return "unknown";
}

static const char *vol_type_key(lv_vol_type t)
{
    switch (t) {
    case LV_VOL_FILE:
        return "file";
    case LV_VOL_BLOCK:
        return "block";
    case LV_VOL_DIR:
        return "dir";
    }
    return "unknown";
}

static void set_string(lua_State *L, const char *key, const char *value)
{
    if (value) {
        lua_pushstring(L, value);
        lua_setfield(L, -2, key);
    }
}

static void set_integer(lua_State *L, const char *key, uint64_t value)
{
    lua_pushinteger(L, (lua_Integer)value);
    lua_setfield(L, -2, key);
}

static void set_boolean(lua_State *L, const char *key, bool value)
{
    lua_pushboolean(L, value);
    lua_setfield(L, -2, key);
}

void lv__pool_info_push(lua_State *L, const lv_pool_info *info)
{
    char uuid[LV_UUID_STRING_LEN];
    lv_uuid_format(info->uuid, uuid);
    lua_createtable(L, 0, 12);
    set_string(L, "name", info->name);
    set_string(L, "uuid", uuid);
    set_string(L, "type", info->type);
    set_string(L, "target", info->target);
    set_string(L, "state", pool_state_key(info->state));
    set_boolean(L, "active", info->state != LV_POOL_INACTIVE);
    set_boolean(L, "persistent", info->persistent);
    set_boolean(L, "autostart", info->autostart);
    set_integer(L, "capacity", info->capacity);
    set_integer(L, "allocation", info->allocation);
    set_integer(L, "available", info->available);
}

void lv__vol_info_push(lua_State *L, const lv_vol_info *info)
{
    char uuid[LV_UUID_STRING_LEN];
    lv_uuid_format(info->pool_uuid, uuid);
    lua_createtable(L, 0, 12);
    set_string(L, "name", info->name);
    set_string(L, "key", info->key);
    set_string(L, "path", info->path);
    set_string(L, "pool", info->pool);
    set_string(L, "pool_uuid", uuid);
    set_string(L, "type", vol_type_key(info->type));
    set_string(L, "format", info->format);
    set_integer(L, "capacity", info->capacity);
    set_integer(L, "allocation", info->allocation);
    set_integer(L, "physical", info->physical);
    set_string(L, "backing_path", info->backing_path);
    set_string(L, "backing_format", info->backing_format);
}

/* ---- argument helpers --------------------------------------------------- */

const char *lv__storage_xml_arg(lua_State *L, int idx, const char *fn)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TSTRING)
        return lua_tostring(L, idx);
    luaL_argexpected(L, lua_istable(L, idx), idx, "XML string or definition table");
    lua_getglobal(L, "require");
    lua_pushstring(L, "luvirt.storagexml");
    lua_call(L, 1, 1);
    lua_getfield(L, -1, fn);
    lua_pushvalue(L, idx);
    lua_call(L, 1, 1); /* raises on a bad table: misuse */
    lua_replace(L, idx);
    lua_pop(L, 1);
    return luaL_checkstring(L, idx);
}

uint64_t lv__check_size(lua_State *L, int idx, const char *what)
{
    if (lua_isinteger(L, idx)) {
        lua_Integer n = lua_tointeger(L, idx);
        if (n < 0)
            luaL_argerror(L, idx, lua_pushfstring(L, "%s must not be negative", what));
        return (uint64_t)n;
    }
    const char *text = lua_tostring(L, idx);
    if (lua_type(L, idx) != LUA_TSTRING || !text)
        luaL_typeerror(L, idx, "size (integer bytes or a string such as \"10G\")");
    uint64_t bytes = 0;
    lv_error err = {0};
    if (lv_size_parse(text, NULL, &bytes, &err) < 0) {
        lua_pushfstring(L, "%s: %s", what, err.message);
        lv_error_clear(&err);
        luaL_argerror(L, idx, lua_tostring(L, -1));
    }
    return bytes;
}

/* ---- Connection methods ------------------------------------------------- */

static int push_pool_list(lua_State *L, lv_call *call)
{
    const lv_pool_list *list = call->r.ptr;
    lua_rawgeti(L, LUA_REGISTRYINDEX, call->ctx_ref);
    int conn_idx = lua_gettop(L);
    size_t n = list ? list->count : 0;
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lv__pool_push(L, conn_idx, list->items[i].uuid, list->items[i].name);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_remove(L, conn_idx);
    return 1;
}

static int push_pool_info_list(lua_State *L, lv_call *call)
{
    const lv_pool_list *list = call->r.ptr;
    size_t n = list ? list->count : 0;
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lv__pool_info_push(L, &list->items[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* conn:pools([{active=, inactive=}]) -> {Pool...} sorted by name */
static int l_conn_pools(lua_State *L)
{
    lv_conn *c = lv__check_conn(L, 1);
    unsigned flags = lv__opt_list_flags(L, 2, LV_POOL_LIST_ACTIVE, LV_POOL_LIST_INACTIVE);
    lv_call *call = lv__call_new(L, push_pool_list);
    lv__call_keep(L, call, 1);
    lv_pool_list_all(c, flags, lv__call_pool_list_cb, call);
    return lv__call_wait(L, call);
}

/* conn:pool_infos([{active=, inactive=}]) -> {info...}: one driver call */
static int l_conn_pool_infos(lua_State *L)
{
    lv_conn *c = lv__check_conn(L, 1);
    unsigned flags = lv__opt_list_flags(L, 2, LV_POOL_LIST_ACTIVE, LV_POOL_LIST_INACTIVE);
    lv_call *call = lv__call_new(L, push_pool_info_list);
    lv_pool_list_all(c, flags, lv__call_pool_list_cb, call);
    return lv__call_wait(L, call);
}

/* conn:pool(name_or_uuid, [{by="name"|"uuid"}]) */
static int l_conn_pool(lua_State *L)
{
    lv_conn *c = lv__check_conn(L, 1);
    const char *key = luaL_checkstring(L, 2);
    lv_lookup_by by = lv__opt_lookup_by(L, 3, false);
    lv_call *call = lv__call_new(L, lv__push_pool);
    lv__call_keep(L, call, 1);
    lv_pool_lookup(c, by, key, lv__call_pool_cb, call);
    return lv__call_wait(L, call);
}

/* conn:define_pool(xml_or_table) -> Pool */
static int l_conn_define_pool(lua_State *L)
{
    lv_conn *c = lv__check_conn(L, 1);
    const char *xml = lv__storage_xml_arg(L, 2, "pool_xml");
    lv_call *call = lv__call_new(L, lv__push_pool);
    lv__call_keep(L, call, 1);
    lv_pool_define_xml(c, xml, 0, lv__call_pool_cb, call);
    return lv__call_wait(L, call);
}

/* conn:create_pool(xml_or_table, [{build=bool}]) -> Pool (transient, started) */
static int l_conn_create_pool(lua_State *L)
{
    static const char *const allowed[] = {"build", NULL};
    lv_conn *c = lv__check_conn(L, 1);
    const char *xml = lv__storage_xml_arg(L, 2, "pool_xml");
    lv__check_opts(L, 3, allowed);
    unsigned flags = lv__opt_bool(L, 3, "build") ? LV_POOL_START_BUILD : 0;
    lv_call *call = lv__call_new(L, lv__push_pool);
    lv__call_keep(L, call, 1);
    lv_pool_create_xml(c, xml, flags, lv__call_pool_cb, call);
    return lv__call_wait(L, call);
}

static int volume_lookup(lua_State *L, lv_vol_lookup_by by)
{
    lv_conn *c = lv__check_conn(L, 1);
    const char *key = luaL_checkstring(L, 2);
    lv_call *call = lv__call_new(L, lv__push_volume);
    lv__call_keep(L, call, 1);
    lv_vol_lookup(c, NULL, by, key, lv__call_vol_cb, call);
    return lv__call_wait(L, call);
}

/* conn:volume_by_path(path) -> Volume (in whichever pool holds it) */
static int l_conn_volume_by_path(lua_State *L)
{
    return volume_lookup(L, LV_VOL_LOOKUP_PATH);
}

/* conn:volume_by_key(key) -> Volume */
static int l_conn_volume_by_key(lua_State *L)
{
    return volume_lookup(L, LV_VOL_LOOKUP_KEY);
}

void lv__storage_open_lib(lua_State *L)
{
    static const luaL_Reg conn_methods[] = {
        {"pools", l_conn_pools},
        {"pool_infos", l_conn_pool_infos},
        {"pool", l_conn_pool},
        {"define_pool", l_conn_define_pool},
        {"create_pool", l_conn_create_pool},
        {"volume_by_path", l_conn_volume_by_path},
        {"volume_by_key", l_conn_volume_by_key},
        {NULL, NULL},
    };
    /* stack: luvirt */
    lua_pushcfunction(L, lv__l_isatty);
    lua_setfield(L, -2, "isatty");
    luaL_getmetatable(L, LV_CONNECTION_MT);
    lua_getfield(L, -1, "__index");
    luaL_setfuncs(L, conn_methods, 0);
    lua_pop(L, 2);
    lv__pool_open_lib(L);
    lv__volume_open_lib(L);
}
