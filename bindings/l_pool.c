/* luvirt.Pool: a handle on one storage pool, by UUID. The connection it
 * belongs to is kept in the userdata's user value. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "l_storage.h"

typedef lv_handle lv_lpool;

static lv_lpool *check_pool(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, LV_POOL_MT);
}

const unsigned char *lv__pool_uuid(lua_State *L, int idx)
{
    return check_pool(L, idx)->uuid;
}

lv_conn *lv__pool_conn(lua_State *L, int idx)
{
    check_pool(L, idx);
    return lv__handle_conn(L, idx);
}

void lv__pool_push(lua_State *L, int conn_idx, const unsigned char *uuid, const char *name)
{
    lv__handle_push(L, LV_POOL_MT, conn_idx, uuid, name ? name : "");
}

int lv__push_pool(lua_State *L, lv_call *call)
{
    const lv_pool_info *info = call->r.ptr;
    lua_rawgeti(L, LUA_REGISTRYINDEX, call->ctx_ref);
    lv__pool_push(L, -1, info->uuid, info->name);
    lua_remove(L, -2);
    return 1;
}

/* pool:info(): a fresh lookup; refreshes the cached name. ctx_ref = the Pool. */
static int push_info(lua_State *L, lv_call *call)
{
    const lv_pool_info *info = call->r.ptr;
    lua_rawgeti(L, LUA_REGISTRYINDEX, call->ctx_ref);
    lv_lpool *p = lua_touserdata(L, -1);
    lua_pop(L, 1);
    lv__handle_remember_name(p, info->name);
    lv__pool_info_push(L, info);
    return 1;
}

static int l_pool_info(lua_State *L)
{
    lv_lpool *p = check_pool(L, 1);
    lv_conn *c = lv__pool_conn(L, 1);
    char uuid[LV_UUID_STRING_LEN];
    lv_uuid_format(p->uuid, uuid);
    lv_call *call = lv__call_new(L, push_info);
    lv__call_keep(L, call, 1);
    lv_pool_lookup(c, LV_LOOKUP_UUID, uuid, lv__call_pool_cb, call);
    return lv__call_wait(L, call);
}

static int simple_call(lua_State *L, lv_handle_op op, unsigned flags)
{
    return lv__handle_call(L, check_pool(L, 1), op, flags);
}

/* pool:start([{build=bool}]) */
static int l_pool_start(lua_State *L)
{
    static const char *const allowed[] = {"build", NULL};
    lv__check_opts(L, 2, allowed);
    return simple_call(L, lv_pool_start, lv__opt_bool(L, 2, "build") ? LV_POOL_START_BUILD : 0);
}

/* pool:build([{overwrite=bool, no_overwrite=bool}]) */
static int l_pool_build(lua_State *L)
{
    static const char *const allowed[] = {"overwrite", "no_overwrite", NULL};
    lv__check_opts(L, 2, allowed);
    unsigned flags = 0;
    if (lv__opt_bool(L, 2, "overwrite"))
        flags |= LV_POOL_BUILD_OVERWRITE;
    if (lv__opt_bool(L, 2, "no_overwrite"))
        flags |= LV_POOL_BUILD_NO_OVERWRITE;
    if (flags == (LV_POOL_BUILD_OVERWRITE | LV_POOL_BUILD_NO_OVERWRITE))
        return luaL_argerror(L, 2, "overwrite and no_overwrite exclude each other");
    return simple_call(L, lv_pool_build, flags);
}

#define NO_OPTS_OP(lname, op)                                                                      \
    static int lname(lua_State *L)                                                                 \
    {                                                                                              \
        static const char *const allowed[] = {NULL};                                               \
        lv__check_opts(L, 2, allowed);                                                             \
        return simple_call(L, op, 0);                                                              \
    }

NO_OPTS_OP(l_pool_destroy, lv_pool_destroy)
NO_OPTS_OP(l_pool_delete, lv_pool_delete)
NO_OPTS_OP(l_pool_undefine, lv_pool_undefine)
NO_OPTS_OP(l_pool_refresh, lv_pool_refresh)

static int l_pool_set_autostart(lua_State *L)
{
    lv_lpool *p = check_pool(L, 1);
    luaL_checktype(L, 2, LUA_TBOOLEAN);
    lv_conn *c = lv__pool_conn(L, 1);
    lv_call *call = lv__call_new(L, lv__push_true);
    lv_pool_set_autostart(c, p->uuid, lua_toboolean(L, 2), lv__call_done_cb, call);
    return lv__call_wait(L, call);
}

/* pool:xml([{inactive=bool}]) */
static int l_pool_xml(lua_State *L)
{
    static const char *const allowed[] = {"inactive", NULL};
    lv_lpool *p = check_pool(L, 1);
    lv__check_opts(L, 2, allowed);
    lv_conn *c = lv__pool_conn(L, 1);
    unsigned flags = lv__opt_bool(L, 2, "inactive") ? LV_POOL_XML_INACTIVE : 0;
    lv_call *call = lv__call_new(L, lv__push_string);
    lv_pool_get_xml(c, p->uuid, flags, lv__call_string_cb, call);
    return lv__call_wait(L, call);
}

/* Pushes the Pool's connection and returns its index (for ctx_ref). */
static int push_conn(lua_State *L, int pool_idx)
{
    lua_getiuservalue(L, pool_idx, 1);
    return lua_gettop(L);
}

/* pool:volumes() -> {Volume...} sorted by name */
static int l_pool_volumes(lua_State *L)
{
    lv_lpool *p = check_pool(L, 1);
    lv_conn *c = lv__pool_conn(L, 1);
    lv_call *call = lv__call_new(L, lv__push_volume_list);
    lv__call_keep(L, call, push_conn(L, 1));
    lv_vol_list_all(c, p->uuid, 0, lv__call_vol_list_cb, call);
    return lv__call_wait(L, call);
}

/* pool:volume_infos() -> {info...}: one driver call (vol-list --details) */
static int l_pool_volume_infos(lua_State *L)
{
    lv_lpool *p = check_pool(L, 1);
    lv_conn *c = lv__pool_conn(L, 1);
    lv_call *call = lv__call_new(L, lv__push_vol_info_list);
    lv_vol_list_all(c, p->uuid, 0, lv__call_vol_list_cb, call);
    return lv__call_wait(L, call);
}

/* pool:volume(name) -> Volume */
static int l_pool_volume(lua_State *L)
{
    lv_lpool *p = check_pool(L, 1);
    const char *name = luaL_checkstring(L, 2);
    lv_conn *c = lv__pool_conn(L, 1);
    lv_call *call = lv__call_new(L, lv__push_volume);
    lv__call_keep(L, call, push_conn(L, 1));
    lv_vol_lookup(c, p->uuid, LV_VOL_LOOKUP_NAME, name, lv__call_vol_cb, call);
    return lv__call_wait(L, call);
}

/* The prealloc_metadata flag: from the options table at opts_idx, or from
 * the definition table itself (pool:create_volume{..., prealloc_metadata=true}). */
static unsigned create_flags(lua_State *L, int def_idx, int opts_idx)
{
    bool prealloc = lv__opt_bool(L, opts_idx, "prealloc_metadata");
    if (lua_istable(L, def_idx)) {
        lua_getfield(L, def_idx, "prealloc_metadata");
        prealloc = prealloc || lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    return prealloc ? LV_VOL_CREATE_PREALLOC_METADATA : 0;
}

/* pool:create_volume(xml_or_table, [{prealloc_metadata=bool}]) -> Volume */
static int l_pool_create_volume(lua_State *L)
{
    static const char *const allowed[] = {"prealloc_metadata", NULL};
    lv_lpool *p = check_pool(L, 1);
    lv__check_opts(L, 3, allowed);
    unsigned flags = create_flags(L, 2, 3);
    const char *xml = lv__storage_xml_arg(L, 2, "volume_xml");
    lv_conn *c = lv__pool_conn(L, 1);
    lv_call *call = lv__call_new(L, lv__push_volume);
    lv__call_keep(L, call, push_conn(L, 1));
    lv_vol_create_xml(c, p->uuid, xml, flags, lv__call_vol_cb, call);
    return lv__call_wait(L, call);
}

/* pool:create_volume_from(xml_or_table, source_volume,
 *                         [{prealloc_metadata=bool, progress=fn}]) -> Volume */
static int l_pool_create_volume_from(lua_State *L)
{
    static const char *const allowed[] = {"prealloc_metadata", "progress", NULL};
    lv_lpool *p = check_pool(L, 1);
    const unsigned char *src_pool;
    const char *src_name;
    lv__volume_ids(L, 3, &src_pool, &src_name);
    lv__check_opts(L, 4, allowed);
    lua_settop(L, 4);
    unsigned flags = create_flags(L, 2, 4);
    const char *xml = lv__storage_xml_arg(L, 2, "volume_xml");
    lv_conn *c = lv__pool_conn(L, 1);
    int fn_idx = lv__opt_progress(L, 4);
    lv_call *call = lv__call_new(L, lv__push_volume);
    lv__call_keep(L, call, push_conn(L, 1));
    lv_relay *relay = lv__relay_new(L, call, fn_idx);
    lv_vol_create_from(c, p->uuid, xml, src_pool, src_name, flags, lv__relay_progress_cb,
                       lv__relay_vol_cb, relay);
    return lv__call_wait(L, call);
}

void lv__pool_open_lib(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"info", l_pool_info},
        {"xml", l_pool_xml},
        {"start", l_pool_start},
        {"build", l_pool_build},
        {"destroy", l_pool_destroy},
        {"delete", l_pool_delete},
        {"undefine", l_pool_undefine},
        {"refresh", l_pool_refresh},
        {"set_autostart", l_pool_set_autostart},
        {"volumes", l_pool_volumes},
        {"volume_infos", l_pool_volume_infos},
        {"volume", l_pool_volume},
        {"create_volume", l_pool_create_volume},
        {"create_volume_from", l_pool_create_volume_from},
        {NULL, NULL},
    };
    lv__handle_open_type(L, LV_POOL_MT, methods);
}
