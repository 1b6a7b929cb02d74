/* luvirt.Volume: a handle on one volume, by (pool uuid, name). The
 * connection it belongs to is kept in the userdata's user value. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "l_storage.h"

typedef struct lv_lvolume {
    unsigned char pool_uuid[LV_UUID_LEN];
    char *pool_name;
    char *name;
} lv_lvolume;

static lv_lvolume *check_volume(lua_State *L, int idx)
{
    lv_lvolume *v = luaL_checkudata(L, idx, LV_VOLUME_MT);
    if (!v->name)
        luaL_error(L, "attempt to use a collected volume");
    return v;
}

void lv__volume_ids(lua_State *L, int idx, const unsigned char **pool_uuid, const char **name)
{
    lv_lvolume *v = check_volume(L, idx);
    *pool_uuid = v->pool_uuid;
    *name = v->name;
}

static lv_conn *volume_conn(lua_State *L, int idx)
{
    lua_getiuservalue(L, idx, 1);
    lv_conn *c = lv__check_conn(L, -1);
    lua_pop(L, 1);
    return c;
}

void lv__volume_push(lua_State *L, int conn_idx, const lv_vol_info *info)
{
    conn_idx = lua_absindex(L, conn_idx);
    lv_lvolume *v = lua_newuserdatauv(L, sizeof(*v), 1);
    memcpy(v->pool_uuid, info->pool_uuid, LV_UUID_LEN);
    v->pool_name = lv_strdup(info->pool ? info->pool : "");
    v->name = lv_strdup(info->name ? info->name : "");
    luaL_setmetatable(L, LV_VOLUME_MT);
    lua_pushvalue(L, conn_idx);
    lua_setiuservalue(L, -2, 1);
}

int lv__push_volume(lua_State *L, lv_call *call)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, call->ctx_ref);
    lv__volume_push(L, -1, call->r.ptr);
    lua_remove(L, -2);
    return 1;
}

int lv__push_volume_list(lua_State *L, lv_call *call)
{
    const lv_vol_list *list = call->r.ptr;
    lua_rawgeti(L, LUA_REGISTRYINDEX, call->ctx_ref);
    int conn_idx = lua_gettop(L);
    size_t n = list ? list->count : 0;
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lv__volume_push(L, conn_idx, &list->items[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_remove(L, conn_idx);
    return 1;
}

int lv__push_vol_info_list(lua_State *L, lv_call *call)
{
    const lv_vol_list *list = call->r.ptr;
    size_t n = list ? list->count : 0;
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lv__vol_info_push(L, &list->items[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int l_vol_name(lua_State *L)
{
    lua_pushstring(L, check_volume(L, 1)->name);
    return 1;
}

/* Views of a fresh lookup of the volume. */
typedef enum info_view { VIEW_INFO, VIEW_PATH, VIEW_KEY } info_view;

static int push_view(lua_State *L, lv_call *call, info_view view)
{
    const lv_vol_info *info = call->r.ptr;
    switch (view) {
    case VIEW_INFO:
        lv__vol_info_push(L, info);
        break;
    case VIEW_PATH:
        lua_pushstring(L, info->path ? info->path : "");
        break;
    case VIEW_KEY:
        lua_pushstring(L, info->key ? info->key : "");
        break;
    }
    return 1;
}

static int push_info(lua_State *L, lv_call *call)
{
    return push_view(L, call, VIEW_INFO);
}
static int push_path(lua_State *L, lv_call *call)
{
    return push_view(L, call, VIEW_PATH);
}
static int push_key(lua_State *L, lv_call *call)
{
    return push_view(L, call, VIEW_KEY);
}

static int lookup_call(lua_State *L, lv_call_push_fn push)
{
    lv_lvolume *v = check_volume(L, 1);
    lv_conn *c = volume_conn(L, 1);
    lv_call *call = lv__call_new(L, push);
    lv_vol_lookup(c, v->pool_uuid, LV_VOL_LOOKUP_NAME, v->name, lv__call_vol_cb, call);
    return lv__call_wait(L, call);
}

static int l_vol_info(lua_State *L)
{
    return lookup_call(L, push_info);
}
static int l_vol_path(lua_State *L)
{
    return lookup_call(L, push_path);
}
static int l_vol_key(lua_State *L)
{
    return lookup_call(L, push_key);
}

/* vol:pool() -> Pool (no driver call) */
static int l_vol_pool(lua_State *L)
{
    lv_lvolume *v = check_volume(L, 1);
    lua_getiuservalue(L, 1, 1);
    lv__check_conn(L, -1);
    lv__pool_push(L, -1, v->pool_uuid, v->pool_name);
    return 1;
}

static int l_vol_xml(lua_State *L)
{
    lv_lvolume *v = check_volume(L, 1);
    lv_conn *c = volume_conn(L, 1);
    lv_call *call = lv__call_new(L, lv__push_string);
    lv_vol_get_xml(c, v->pool_uuid, v->name, 0, lv__call_string_cb, call);
    return lv__call_wait(L, call);
}

static int l_vol_delete(lua_State *L)
{
    static const char *const allowed[] = {NULL};
    lv_lvolume *v = check_volume(L, 1);
    lv__check_opts(L, 2, allowed);
    lv_conn *c = volume_conn(L, 1);
    lv_call *call = lv__call_new(L, lv__push_true);
    lv_vol_delete(c, v->pool_uuid, v->name, 0, lv__call_done_cb, call);
    return lv__call_wait(L, call);
}

/* vol:wipe([{progress=fn}]) */
static int l_vol_wipe(lua_State *L)
{
    static const char *const allowed[] = {"progress", NULL};
    lv_lvolume *v = check_volume(L, 1);
    lv__check_opts(L, 2, allowed);
    lua_settop(L, 2);
    lv_conn *c = volume_conn(L, 1);
    int fn_idx = lv__opt_progress(L, 2);
    lv_call *call = lv__call_new(L, lv__push_true);
    lv_relay *relay = lv__relay_new(L, call, fn_idx);
    lv_vol_wipe(c, v->pool_uuid, v->name, 0, lv__relay_progress_cb, lv__relay_done_cb, relay);
    return lv__call_wait(L, call);
}

/* vol:resize(size, [{shrink=, delta=, allocate=}]) */
static int l_vol_resize(lua_State *L)
{
    static const char *const allowed[] = {"shrink", "delta", "allocate", NULL};
    lv_lvolume *v = check_volume(L, 1);
    uint64_t size = lv__check_size(L, 2, "size");
    lv__check_opts(L, 3, allowed);
    unsigned flags = 0;
    if (lv__opt_bool(L, 3, "shrink"))
        flags |= LV_VOL_RESIZE_SHRINK;
    if (lv__opt_bool(L, 3, "delta"))
        flags |= LV_VOL_RESIZE_DELTA;
    if (lv__opt_bool(L, 3, "allocate"))
        flags |= LV_VOL_RESIZE_ALLOCATE;
    lv_conn *c = volume_conn(L, 1);
    lv_call *call = lv__call_new(L, lv__push_true);
    lv_vol_resize(c, v->pool_uuid, v->name, size, flags, lv__call_done_cb, call);
    return lv__call_wait(L, call);
}

typedef void (*transfer_op)(lv_conn *c, const unsigned char *pool_uuid, const char *name,
                            const char *path, uint64_t offset, uint64_t length, unsigned flags,
                            lv_progress_cb progress, lv_done_cb cb, void *opaque);

static uint64_t opt_size(lua_State *L, int idx, const char *key)
{
    if (lua_isnoneornil(L, idx))
        return 0;
    lua_getfield(L, idx, key);
    uint64_t v = lua_isnil(L, -1) ? 0 : lv__check_size(L, lua_gettop(L), key);
    lua_pop(L, 1);
    return v;
}

/* vol:upload(path, [{progress=fn, offset=, length=, sparse=}]) and
 * vol:download(path, [{progress=fn, offset=, length=, sparse=}]) */
static int transfer(lua_State *L, transfer_op op, const char *const *allowed)
{
    lv_lvolume *v = check_volume(L, 1);
    const char *path = luaL_checkstring(L, 2);
    lv__check_opts(L, 3, allowed);
    lua_settop(L, 3);
    uint64_t offset = opt_size(L, 3, "offset");
    uint64_t length = opt_size(L, 3, "length");
    unsigned flags = lv__opt_bool(L, 3, "sparse") ? LV_VOL_TRANSFER_SPARSE : 0;
    lv_conn *c = volume_conn(L, 1);
    int fn_idx = lv__opt_progress(L, 3);
    lv_call *call = lv__call_new(L, lv__push_true);
    lv_relay *relay = lv__relay_new(L, call, fn_idx);
    op(c, v->pool_uuid, v->name, path, offset, length, flags, lv__relay_progress_cb,
       lv__relay_done_cb, relay);
    return lv__call_wait(L, call);
}

static int l_vol_upload(lua_State *L)
{
    static const char *const allowed[] = {"progress", "offset", "length", "sparse", NULL};
    return transfer(L, lv_vol_upload, allowed);
}

static int l_vol_download(lua_State *L)
{
    static const char *const allowed[] = {"progress", "offset", "length", "sparse", NULL};
    return transfer(L, lv_vol_download, allowed);
}

static int l_vol_gc(lua_State *L)
{
    lv_lvolume *v = luaL_checkudata(L, 1, LV_VOLUME_MT);
    free(v->name);
    free(v->pool_name);
    v->name = v->pool_name = NULL;
    return 0;
}

static int l_vol_tostring(lua_State *L)
{
    lv_lvolume *v = check_volume(L, 1);
    lua_pushfstring(L, "luvirt.Volume (%s/%s)", v->pool_name, v->name);
    return 1;
}

static int l_vol_eq(lua_State *L)
{
    lv_lvolume *a = luaL_testudata(L, 1, LV_VOLUME_MT);
    lv_lvolume *b = luaL_testudata(L, 2, LV_VOLUME_MT);
    lua_pushboolean(L, a && b && a->name && b->name &&
                           memcmp(a->pool_uuid, b->pool_uuid, LV_UUID_LEN) == 0 &&
                           strcmp(a->name, b->name) == 0);
    return 1;
}

/* vol:clone(name, [opts]) in Lua: it reads the source's capacity and format
 * first, then creates the copy through pool:create_volume_from. */
static const char clone_lua[] =
    "local methods = ...\n"
    "local allowed = { pool = true, format = true, prealloc_metadata = true, progress = true }\n"
    "function methods.clone(vol, name, opts)\n"
    "  assert(type(name) == 'string', 'vol:clone: the new name must be a string')\n"
    "  opts = opts or {}\n"
    "  for k in pairs(opts) do\n"
    "    if not allowed[k] then error(\"unknown option '\" .. tostring(k) .. \"'\", 2) end\n"
    "  end\n"
    "  local info, msg, code = vol:info()\n"
    "  if not info then return nil, msg, code end\n"
    "  local pool = opts.pool or vol:pool()\n"
    "  local def = { name = name, capacity = info.capacity, format = opts.format or info.format }\n"
    "  return pool:create_volume_from(def, vol, { progress = opts.progress,\n"
    "    prealloc_metadata = opts.prealloc_metadata })\n"
    "end\n";

void lv__volume_open_lib(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"name", l_vol_name},
        {"info", l_vol_info},
        {"path", l_vol_path},
        {"key", l_vol_key},
        {"pool", l_vol_pool},
        {"xml", l_vol_xml},
        {"delete", l_vol_delete},
        {"wipe", l_vol_wipe},
        {"resize", l_vol_resize},
        {"upload", l_vol_upload},
        {"download", l_vol_download},
        {NULL, NULL},
    };
    static const luaL_Reg meta[] = {
        {"__gc", l_vol_gc},
        {"__tostring", l_vol_tostring},
        {"__eq", l_vol_eq},
        {NULL, NULL},
    };
    luaL_newmetatable(L, LV_VOLUME_MT);
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    if (luaL_loadbuffer(L, clone_lua, sizeof(clone_lua) - 1, "=luvirt.Volume") != LUA_OK)
        lua_error(L);
    lua_pushvalue(L, -2);
    lua_call(L, 1, 0);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}
