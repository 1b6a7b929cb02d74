/* The network part of the luvirt module: its methods on Connection
 * (conn:networks, conn:network, conn:define_network, ...) and luvirt.Network,
 * a handle on one virtual network by UUID. The connection a Network belongs
 * to is kept in the userdata's user value, as for Domain. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "network_internal.h"

typedef lv_handle lv_lnetwork;

static lv_lnetwork *check_network(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, LV_NETWORK_MT);
}

const unsigned char *lv__network_uuid(lua_State *L, int idx)
{
    return check_network(L, idx)->uuid;
}

void lv__network_push(lua_State *L, int conn_idx, const lv_net_info *info)
{
    lv__handle_push(L, LV_NETWORK_MT, conn_idx, info->uuid, info->name);
}

/* ---- Connection methods -------------------------------------------------- */

/* Results that become Network objects need the connection: lv__call_keep. */
static int push_network(lua_State *L, lv_call *call)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, call->ctx_ref);
    lv__network_push(L, -1, call->r.ptr);
    lua_remove(L, -2);
    return 1;
}

static int push_network_list(lua_State *L, lv_call *call)
{
    const lv_net_list *list = call->r.ptr;
    lua_rawgeti(L, LUA_REGISTRYINDEX, call->ctx_ref);
    int conn_idx = lua_gettop(L);
    size_t n = list ? list->count : 0;
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lv__network_push(L, conn_idx, &list->items[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_remove(L, conn_idx);
    return 1;
}

static int push_info_list(lua_State *L, lv_call *call)
{
    const lv_net_list *list = call->r.ptr;
    size_t n = list ? list->count : 0;
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lv__net_info_push(L, &list->items[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* conn:networks([{active=, inactive=}]) -> {Network...}, name-sorted */
static int l_conn_networks(lua_State *L)
{
    lv_conn *c = lv__check_conn(L, 1);
    unsigned flags = lv__opt_list_flags(L, 2, LV_NET_LIST_ACTIVE, LV_NET_LIST_INACTIVE);
    lv_call *call = lv__call_new(L, push_network_list);
    lv__call_keep(L, call, 1);
    lv_net_list_all(c, flags, lv__call_net_list_cb, call);
    return lv__call_wait(L, call);
}

/* conn:network_infos([{active=, inactive=}]) -> {info...}: one driver call */
static int l_conn_network_infos(lua_State *L)
{
    lv_conn *c = lv__check_conn(L, 1);
    unsigned flags = lv__opt_list_flags(L, 2, LV_NET_LIST_ACTIVE, LV_NET_LIST_INACTIVE);
    lv_call *call = lv__call_new(L, push_info_list);
    lv_net_list_all(c, flags, lv__call_net_list_cb, call);
    return lv__call_wait(L, call);
}

/* conn:network(name_or_uuid, [{by="name"|"uuid"}]) -> Network */
static int l_conn_network(lua_State *L)
{
    lv_conn *c = lv__check_conn(L, 1);
    const char *key = luaL_checkstring(L, 2);
    lv_lookup_by by = lv__opt_lookup_by(L, 3, false);
    lv_call *call = lv__call_new(L, push_network);
    lv__call_keep(L, call, 1);
    lv_net_lookup(c, by, key, lv__call_net_cb, call);
    return lv__call_wait(L, call);
}

typedef void (*define_op)(lv_conn *c, const char *xml, unsigned flags, lv_net_cb cb,
                          void *opaque);

static int definition_call(lua_State *L, define_op op)
{
    lv_conn *c = lv__check_conn(L, 1);
    const char *xml = luaL_checkstring(L, 2);
    lv_call *call = lv__call_new(L, push_network);
    lv__call_keep(L, call, 1);
    op(c, xml, 0, lv__call_net_cb, call);
    return lv__call_wait(L, call);
}

/* conn:define_network(xml) -> the defined (persistent) Network */
static int l_conn_define_network(lua_State *L)
{
    return definition_call(L, lv_net_define_xml);
}

/* conn:create_network(xml) -> a transient Network, started */
static int l_conn_create_network(lua_State *L)
{
    return definition_call(L, lv_net_create_xml);
}

/* ---- Network methods ----------------------------------------------------- */

/* A fresh lookup by uuid; refreshes the cached name. ctx_ref: the Network. */
static int push_info(lua_State *L, lv_call *call)
{
    const lv_net_info *info = call->r.ptr;
    lua_rawgeti(L, LUA_REGISTRYINDEX, call->ctx_ref);
    lv_lnetwork *n = lua_touserdata(L, -1);
    lua_pop(L, 1);
    lv__handle_remember_name(n, info->name);
    lv__net_info_push(L, info);
    return 1;
}

/* net:info() -> {name, uuid, active, persistent, autostart, bridge, forward} */
static int l_net_info(lua_State *L)
{
    lv_lnetwork *n = check_network(L, 1);
    lv_conn *c = lv__handle_conn(L, 1);
    char uuid[LV_UUID_STRING_LEN];
    lv_uuid_format(n->uuid, uuid);
    lv_call *call = lv__call_new(L, push_info);
    lv__call_keep(L, call, 1);
    lv_net_lookup(c, LV_LOOKUP_UUID, uuid, lv__call_net_cb, call);
    return lv__call_wait(L, call);
}

/* net:xml([{inactive=bool}]) -> network XML */
static int l_net_xml(lua_State *L)
{
    static const char *const allowed[] = {"inactive", NULL};
    lv_lnetwork *n = check_network(L, 1);
    lv__check_opts(L, 2, allowed);
    lv_conn *c = lv__handle_conn(L, 1);
    unsigned flags = lv__opt_bool(L, 2, "inactive") ? LV_NET_XML_INACTIVE : 0;
    lv_call *call = lv__call_new(L, lv__push_string);
    lv_net_get_xml(c, n->uuid, flags, lv__call_string_cb, call);
    return lv__call_wait(L, call);
}

static int simple_call(lua_State *L, lv_handle_op op, unsigned flags)
{
    return lv__handle_call(L, check_network(L, 1), op, flags);
}

static int l_net_start(lua_State *L)
{
    static const char *const allowed[] = {NULL};
    lv__check_opts(L, 2, allowed);
    return simple_call(L, lv_net_start, 0);
}

/* net:destroy([{force=bool}]): force stops it even while running guests use it */
static int l_net_destroy(lua_State *L)
{
    static const char *const allowed[] = {"force", NULL};
    lv__check_opts(L, 2, allowed);
    return simple_call(L, lv_net_destroy, lv__opt_bool(L, 2, "force") ? LV_NET_DESTROY_FORCE : 0);
}

static int l_net_undefine(lua_State *L)
{
    static const char *const allowed[] = {NULL};
    lv__check_opts(L, 2, allowed);
    return simple_call(L, lv_net_undefine, 0);
}

static int l_net_set_autostart(lua_State *L)
{
    lv_lnetwork *n = check_network(L, 1);
    luaL_checktype(L, 2, LUA_TBOOLEAN);
    lv_conn *c = lv__handle_conn(L, 1);
    lv_call *call = lv__call_new(L, lv__push_true);
    lv_net_set_autostart(c, n->uuid, lua_toboolean(L, 2), lv__call_done_cb, call);
    return lv__call_wait(L, call);
}

/* net:update(command, section, xml, [{parent_index=, live=, config=}])
 * command: "add" (= "add-last"), "add-last", "add-first", "delete", "modify",
 * as virsh net-update; section: "ip-dhcp-host" (the driver refuses others). */
static int l_net_update(lua_State *L)
{
    static const char *const allowed[] = {"parent_index", "live", "config", NULL};
    static const char *const commands[] = {"add", "add-last", "add-first", "delete", "modify",
                                           NULL};
    static const lv_net_update_command values[] = {
        LV_NET_UPDATE_ADD_LAST, LV_NET_UPDATE_ADD_LAST, LV_NET_UPDATE_ADD_FIRST,
        LV_NET_UPDATE_DELETE, LV_NET_UPDATE_MODIFY};
    lv_lnetwork *n = check_network(L, 1);
    lv_net_update_command command = values[luaL_checkoption(L, 2, NULL, commands)];
    const char *section = luaL_checkstring(L, 3);
    const char *xml = luaL_checkstring(L, 4);
    lv__check_opts(L, 5, allowed);
    int parent_index = -1;
    if (!lua_isnoneornil(L, 5)) {
        lua_getfield(L, 5, "parent_index");
        if (!lua_isnil(L, -1)) {
            lua_Integer idx = luaL_checkinteger(L, -1);
            luaL_argcheck(L, idx >= -1 && idx <= 0x7fffffff, 5,
                          "parent_index must be a whole number from 0 (or -1: any)");
            parent_index = (int)idx;
        }
        lua_pop(L, 1);
    }
    unsigned flags = (lv__opt_bool(L, 5, "live") ? LV_NET_UPDATE_LIVE : 0) |
                     (lv__opt_bool(L, 5, "config") ? LV_NET_UPDATE_CONFIG : 0);
    lv_conn *c = lv__handle_conn(L, 1);
    lv_call *call = lv__call_new(L, lv__push_true);
    lv_net_update(c, n->uuid, command, section, parent_index, xml, flags, lv__call_done_cb,
                  call);
    return lv__call_wait(L, call);
}

static int push_leases(lua_State *L, lv_call *call)
{
    lv__lease_list_push(L, call->r.ptr);
    return 1;
}

/* net:leases([{mac=}]) -> {{iface, expiry_time, mac, protocol, ipaddr, prefix,
 * hostname, clientid}...}, as virsh net-dhcp-leases */
static int l_net_leases(lua_State *L)
{
    static const char *const allowed[] = {"mac", NULL};
    lv_lnetwork *n = check_network(L, 1);
    lv__check_opts(L, 2, allowed);
    const char *mac = NULL;
    if (!lua_isnoneornil(L, 2)) {
        lua_getfield(L, 2, "mac");
        if (!lua_isnil(L, -1))
            mac = luaL_checkstring(L, -1);
        lua_replace(L, 2); /* keeps the string alive during the call */
    }
    lv_conn *c = lv__handle_conn(L, 1);
    lv_call *call = lv__call_new(L, push_leases);
    lv_net_dhcp_leases(c, n->uuid, mac, 0, lv__call_lease_list_cb, call);
    return lv__call_wait(L, call);
}

void lv__network_open_lib(lua_State *L)
{
    static const luaL_Reg conn_methods[] = {
        {"networks", l_conn_networks},
        {"network_infos", l_conn_network_infos},
        {"network", l_conn_network},
        {"define_network", l_conn_define_network},
        {"create_network", l_conn_create_network},
        {NULL, NULL},
    };
    static const luaL_Reg methods[] = {
        {"info", l_net_info},
        {"xml", l_net_xml},
        {"start", l_net_start},
        {"destroy", l_net_destroy},
        {"undefine", l_net_undefine},
        {"set_autostart", l_net_set_autostart},
        {"update", l_net_update},
        {"leases", l_net_leases},
        {"on", lv__l_net_on},
        {NULL, NULL},
    };
    /* stack: ... -> the Connection's __index table gets conn_methods */
    luaL_getmetatable(L, LV_CONNECTION_MT);
    lua_getfield(L, -1, "__index");
    luaL_setfuncs(L, conn_methods, 0);
    lua_pop(L, 2);

    lv__handle_open_type(L, LV_NETWORK_MT, methods);
}
