/* luvirt.Domain: a handle on one domain, by UUID (stable across renames).
 * The connection it belongs to is kept in the userdata's user value. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/alloc.h"
#include "internal.h"

typedef lv_handle lv_ldomain;

static lv_ldomain *check_domain(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, LV_DOMAIN_MT);
}

const unsigned char *lv__domain_uuid(lua_State *L, int idx)
{
    return check_domain(L, idx)->uuid;
}

void lv__domain_push(lua_State *L, int conn_idx, const lv_domain_info *info)
{
    lv__handle_push(L, LV_DOMAIN_MT, conn_idx, info->uuid, info->name);
}

static void set_field_string(lua_State *L, const char *key, const char *value)
{
    if (value) {
        lua_pushstring(L, value);
        lua_setfield(L, -2, key);
    }
}

static void set_field_int(lua_State *L, const char *key, lua_Integer value)
{
    lua_pushinteger(L, value);
    lua_setfield(L, -2, key);
}

static void set_field_bool(lua_State *L, const char *key, bool value)
{
    lua_pushboolean(L, value);
    lua_setfield(L, -2, key);
}

void lv__domain_info_push(lua_State *L, const lv_domain_info *info)
{
    char uuid[LV_UUID_STRING_LEN];
    lv_uuid_format(info->uuid, uuid);
    lua_createtable(L, 0, 16);
    set_field_string(L, "name", info->name);
    set_field_string(L, "uuid", uuid);
    if (info->id >= 0)
        set_field_int(L, "id", info->id);
    set_field_string(L, "state", lv_domain_state_key(info->state));
    set_field_string(L, "state_text", lv_domain_state_string(info->state));
    set_field_string(L, "reason", lv_domain_reason_string(info->state, info->reason));
    set_field_bool(L, "persistent", info->persistent);
    set_field_bool(L, "autostart", info->autostart);
    set_field_bool(L, "managed_save", info->managed_save);
    set_field_string(L, "title", info->title);
    set_field_string(L, "os_type", info->os_type);
    set_field_int(L, "vcpus", info->vcpus);
    set_field_int(L, "max_memory_kib", (lua_Integer)info->max_memory_kib);
    set_field_int(L, "memory_kib", (lua_Integer)info->memory_kib);
    set_field_int(L, "cpu_time_ns", (lua_Integer)info->cpu_time_ns);
}

/* Info-based methods: a fresh get_info, then one of these views. The Domain
 * userdata rides in ctx_ref so the cached name can be refreshed. */
typedef enum info_view { VIEW_INFO, VIEW_ID, VIEW_STATE, VIEW_AUTOSTART } info_view;

static int push_info_view(lua_State *L, lv_call *call, info_view view)
{
    const lv_domain_info *info = call->r.info;
    lua_rawgeti(L, LUA_REGISTRYINDEX, call->ctx_ref);
    lv_ldomain *d = lua_touserdata(L, -1);
    lua_pop(L, 1);
    lv__handle_remember_name(d, info->name);
    switch (view) {
    case VIEW_INFO:
        lv__domain_info_push(L, info);
        return 1;
    case VIEW_ID:
        if (info->id >= 0)
            lua_pushinteger(L, info->id);
        else
            lua_pushnil(L);
        return 1;
    case VIEW_STATE:
        lua_pushstring(L, lv_domain_state_key(info->state));
        lua_pushstring(L, lv_domain_reason_string(info->state, info->reason));
        return 2;
    case VIEW_AUTOSTART:
        lua_pushboolean(L, info->autostart);
        return 1;
    }
    return 0;
}

static int push_info(lua_State *L, lv_call *call)
{
    return push_info_view(L, call, VIEW_INFO);
}
static int push_id(lua_State *L, lv_call *call)
{
    return push_info_view(L, call, VIEW_ID);
}
static int push_state(lua_State *L, lv_call *call)
{
    return push_info_view(L, call, VIEW_STATE);
}
static int push_autostart(lua_State *L, lv_call *call)
{
    return push_info_view(L, call, VIEW_AUTOSTART);
}

static int info_call(lua_State *L, lv_call_push_fn push)
{
    lv_ldomain *d = check_domain(L, 1);
    lv_conn *c = lv__handle_conn(L, 1);
    lv_call *call = lv__call_new(L, push);
    lua_pushvalue(L, 1);
    call->ctx_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lv_domain_get_info(c, d->uuid, lv__call_domain_cb, call);
    return lv__call_wait(L, call);
}

static int l_dom_info(lua_State *L)
{
    return info_call(L, push_info);
}
static int l_dom_id(lua_State *L)
{
    return info_call(L, push_id);
}
static int l_dom_state(lua_State *L)
{
    return info_call(L, push_state);
}
static int l_dom_autostart(lua_State *L)
{
    return info_call(L, push_autostart);
}

static int simple_call(lua_State *L, lv_handle_op op, unsigned flags)
{
    return lv__handle_call(L, check_domain(L, 1), op, flags);
}

static int l_dom_start(lua_State *L)
{
    static const char *const allowed[] = {"paused", NULL};
    lv__check_opts(L, 2, allowed);
    return simple_call(L, lv_domain_start, lv__opt_bool(L, 2, "paused") ? LV_START_PAUSED : 0);
}

static int l_dom_destroy(lua_State *L)
{
    static const char *const allowed[] = {"graceful", NULL};
    lv__check_opts(L, 2, allowed);
    return simple_call(L, lv_domain_destroy,
                       lv__opt_bool(L, 2, "graceful") ? LV_DESTROY_GRACEFUL : 0);
}

#define NO_OPTS_OP(lname, op)                                                                      \
    static int lname(lua_State *L)                                                                 \
    {                                                                                              \
        static const char *const allowed[] = {NULL};                                               \
        lv__check_opts(L, 2, allowed);                                                                 \
        return simple_call(L, op, 0);                                                              \
    }

NO_OPTS_OP(l_dom_reboot, lv_domain_reboot)
NO_OPTS_OP(l_dom_reset, lv_domain_reset)
NO_OPTS_OP(l_dom_suspend, lv_domain_suspend)
NO_OPTS_OP(l_dom_resume, lv_domain_resume)
NO_OPTS_OP(l_dom_undefine, lv_domain_undefine)

/* dom:shutdown([{wait=bool, timeout=seconds}]): timeout implies wait. */
static int l_dom_shutdown(lua_State *L)
{
    static const char *const allowed[] = {"wait", "timeout", NULL};
    lv__check_opts(L, 2, allowed);
    unsigned flags = lv__opt_bool(L, 2, "wait") ? LV_SHUTDOWN_WAIT : 0;
    if (!lua_isnoneornil(L, 2)) {
        lua_getfield(L, 2, "timeout");
        if (!lua_isnil(L, -1)) {
            lua_Integer secs = luaL_checkinteger(L, -1);
            luaL_argcheck(L, secs > 0 && secs <= 0xffffff, 2,
                          "timeout must be a whole number of seconds from 1 to 16777215");
            flags |= LV_SHUTDOWN_WAIT | LV_SHUTDOWN_TIMEOUT(secs);
        }
        lua_pop(L, 1);
    }
    return simple_call(L, lv_domain_shutdown, flags);
}

/* dom:qemu_monitor_command(text, [{hmp=bool}]) -> qemu's reply text. */
static int l_dom_qemu_monitor_command(lua_State *L)
{
    static const char *const allowed[] = {"hmp", NULL};
    lv_ldomain *d = check_domain(L, 1);
    const char *text = luaL_checkstring(L, 2);
    lv__check_opts(L, 3, allowed);
    lv_conn *c = lv__handle_conn(L, 1);
    unsigned flags = lv__opt_bool(L, 3, "hmp") ? LV_QMP_PASSTHROUGH_HMP : 0;
    lv_call *call = lv__call_new(L, lv__push_string);
    lv_domain_qemu_monitor_command(c, d->uuid, text, flags, lv__call_string_cb, call);
    return lv__call_wait(L, call);
}

/* The reply of dom:qmp: its "return" as Lua, or nil, message, code. ctx_ref
 * holds the command name. */
static int push_qmp_return(lua_State *L, lv_call *call)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, call->ctx_ref);
    const char *cmd = lua_tostring(L, -1);
    json_object *reply = json_tokener_parse(call->r.str ? call->r.str : "");
    json_object *ret = NULL, *error = NULL;
    if (!reply || !json_object_is_type(reply, json_type_object)) {
        lua_pushnil(L);
        lua_pushfstring(L, "QMP command '%s': cannot parse the reply '%s'", cmd,
                        call->r.str ? call->r.str : "");
        lua_pushstring(L, "OPERATION_FAILED");
    } else if (json_object_object_get_ex(reply, "error", &error)) {
        json_object *desc = NULL, *cls = NULL;
        json_object_object_get_ex(error, "desc", &desc);
        json_object_object_get_ex(error, "class", &cls);
        lua_pushnil(L);
        lua_pushfstring(L, "QMP command '%s' failed: %s (%s)", cmd,
                        desc ? json_object_get_string(desc) : "?",
                        cls ? json_object_get_string(cls) : "?");
        lua_pushstring(L, "OPERATION_FAILED");
    } else {
        json_object_object_get_ex(reply, "return", &ret);
        if (ret)
            lv__json_push(L, ret);
        else
            lua_newtable(L);
        json_object_put(reply);
        lua_remove(L, -2);
        return 1;
    }
    json_object_put(reply);
    lua_remove(L, -4);
    return 3;
}

/* dom:qmp(command, [args]) -> the decoded "return" value. */
static int l_dom_qmp(lua_State *L)
{
    lv_ldomain *d = check_domain(L, 1);
    luaL_checkstring(L, 2);
    if (!lua_isnoneornil(L, 3))
        luaL_checktype(L, 3, LUA_TTABLE);
    lv_conn *c = lv__handle_conn(L, 1);
    lua_settop(L, 3);
    /* stack: dom cmd args -> ... {execute=cmd, arguments=args} */
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, "execute");
    if (lua_istable(L, 3)) {
        lua_pushnil(L);
        if (lua_next(L, 3) != 0) { /* empty arguments are left out */
            lua_pop(L, 2);
            lua_pushvalue(L, 3);
            lua_setfield(L, -2, "arguments");
        }
    }
    lv__json_encode(L, -1, false);
    const char *text = lua_tostring(L, -1);
    lv_call *call = lv__call_new(L, push_qmp_return);
    lua_pushvalue(L, 2);
    call->ctx_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lv_domain_qemu_monitor_command(c, d->uuid, text, 0, lv__call_string_cb, call);
    return lv__call_wait(L, call);
}

/* dom:stats([{groups={"state", "cpu-total", ...}}]) -> {["state.state"]=1, ...} */
static int l_dom_stats(lua_State *L)
{
    static const char *const allowed[] = {"groups", NULL};
    static const char *const names[] = {"state", "cpu-total", "balloon", "vcpu",
                                        "interface", "block", NULL};
    static const unsigned bits[] = {LV_STATS_STATE, LV_STATS_CPU_TOTAL, LV_STATS_BALLOON,
                                    LV_STATS_VCPU, LV_STATS_INTERFACE, LV_STATS_BLOCK};
    lv_ldomain *d = check_domain(L, 1);
    lv__check_opts(L, 2, allowed);
    unsigned groups = 0;
    if (!lua_isnoneornil(L, 2)) {
        lua_getfield(L, 2, "groups");
        if (!lua_isnil(L, -1)) {
            luaL_checktype(L, -1, LUA_TTABLE);
            lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
            for (lua_Integer i = 1; i <= n; i++) {
                lua_rawgeti(L, -1, i);
                groups |= bits[luaL_checkoption(L, -1, NULL, names)];
                lua_pop(L, 1);
            }
            if (n == 0)
                luaL_argerror(L, 2, "groups must list at least one group");
        }
        lua_pop(L, 1);
    }
    lv_conn *c = lv__handle_conn(L, 1);
    lv_call *call = lv__call_new(L, lv__push_params);
    lv_domain_get_stats(c, d->uuid, groups, lv__call_params_cb, call);
    return lv__call_wait(L, call);
}

static int l_dom_memory_stats(lua_State *L)
{
    lv_ldomain *d = check_domain(L, 1);
    lv_conn *c = lv__handle_conn(L, 1);
    lv_call *call = lv__call_new(L, lv__push_params);
    lv_domain_memory_stats(c, d->uuid, 0, lv__call_params_cb, call);
    return lv__call_wait(L, call);
}

static int l_dom_block_info(lua_State *L)
{
    lv_ldomain *d = check_domain(L, 1);
    const char *disk = luaL_checkstring(L, 2);
    lv_conn *c = lv__handle_conn(L, 1);
    lv_call *call = lv__call_new(L, lv__push_params);
    lv_domain_block_info(c, d->uuid, disk, 0, lv__call_params_cb, call);
    return lv__call_wait(L, call);
}

static int l_dom_set_autostart(lua_State *L)
{
    lv_ldomain *d = check_domain(L, 1);
    luaL_checktype(L, 2, LUA_TBOOLEAN);
    lv_conn *c = lv__handle_conn(L, 1);
    lv_call *call = lv__call_new(L, lv__push_true);
    lv_domain_set_autostart(c, d->uuid, lua_toboolean(L, 2), lv__call_done_cb, call);
    return lv__call_wait(L, call);
}

static int l_dom_xml(lua_State *L)
{
    static const char *const allowed[] = {"inactive", NULL};
    lv_ldomain *d = check_domain(L, 1);
    lv__check_opts(L, 2, allowed);
    lv_conn *c = lv__handle_conn(L, 1);
    unsigned flags = lv__opt_bool(L, 2, "inactive") ? LV_XML_INACTIVE : 0;
    lv_call *call = lv__call_new(L, lv__push_string);
    lv_domain_get_xml(c, d->uuid, flags, lv__call_string_cb, call);
    return lv__call_wait(L, call);
}

static int l_dom_set_description(lua_State *L)
{
    static const char *const allowed[] = {"title", "live", "config", NULL};
    lv_ldomain *d = check_domain(L, 1);
    const char *text = luaL_optstring(L, 2, NULL);
    lv__check_opts(L, 3, allowed);
    lv_conn *c = lv__handle_conn(L, 1);
    lv_metadata_kind kind = lv__opt_bool(L, 3, "title") ? LV_METADATA_TITLE : LV_METADATA_DESCRIPTION;
    unsigned flags = (lv__opt_bool(L, 3, "live") ? LV_AFFECT_LIVE : 0) |
                     (lv__opt_bool(L, 3, "config") ? LV_AFFECT_CONFIG : 0);
    lv_call *call = lv__call_new(L, lv__push_true);
    lv_domain_set_metadata(c, d->uuid, kind, text, flags, lv__call_done_cb, call);
    return lv__call_wait(L, call);
}

static int push_renamed(lua_State *L, lv_call *call)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, call->ctx_ref);
    lv_ldomain *d = lua_touserdata(L, -1);
    lua_pop(L, 1);
    free(d->name);
    d->name = call->r.str;
    call->r.str = NULL;
    lua_pushboolean(L, 1);
    return 1;
}

static void release_new_name(lv_call *call)
{
    free(call->r.str);
}

static int l_dom_rename(lua_State *L)
{
    lv_ldomain *d = check_domain(L, 1);
    const char *name = luaL_checkstring(L, 2);
    lv_conn *c = lv__handle_conn(L, 1);
    lv_call *call = lv__call_new(L, push_renamed);
    call->r.str = lv_strdup(name);
    call->release = release_new_name;
    lua_pushvalue(L, 1);
    call->ctx_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lv_domain_rename(c, d->uuid, name, lv__call_done_cb, call);
    return lv__call_wait(L, call);
}

void lv__domain_open_lib(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"id", l_dom_id},
        {"info", l_dom_info},
        {"state", l_dom_state},
        {"xml", l_dom_xml},
        {"start", l_dom_start},
        {"shutdown", l_dom_shutdown},
        {"destroy", l_dom_destroy},
        {"reboot", l_dom_reboot},
        {"reset", l_dom_reset},
        {"suspend", l_dom_suspend},
        {"resume", l_dom_resume},
        {"undefine", l_dom_undefine},
        {"autostart", l_dom_autostart},
        {"set_autostart", l_dom_set_autostart},
        {"set_description", l_dom_set_description},
        {"rename", l_dom_rename},
        {"qmp", l_dom_qmp},
        {"stats", l_dom_stats},
        {"memory_stats", l_dom_memory_stats},
        {"block_info", l_dom_block_info},
        {"on", lv__l_dom_on},
        {"wait_state", lv__l_dom_wait_state},
        {"console", lv__l_dom_console},
        {"console_log", lv__l_dom_console_log},
        {"qemu_monitor_command", l_dom_qemu_monitor_command},
        {NULL, NULL},
    };
    lv__handle_open_type(L, LV_DOMAIN_MT, methods);
}
