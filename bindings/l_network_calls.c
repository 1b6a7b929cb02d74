/* The network driver's results as Lua sees them: lv_call adapters that keep
 * the result in call->r.ptr, and the tables net:info() and net:leases() give. */
#include <string.h>

#include "network_internal.h"

static void set_failure(lv_call *call, const lv_error *err)
{
    if (!err)
        return;
    call->failed = true;
    lv_error_copy(&call->err, err);
}

static void release_net(lv_call *call)
{
    lv_net_info_free(call->r.ptr);
}

void lv__call_net_cb(void *opaque, lv_net_info *info, const lv_error *err)
{
    lv_call *call = opaque;
    set_failure(call, err);
    call->r.ptr = info;
    call->release = release_net;
    lv__call_complete(call);
}

static void release_net_list(lv_call *call)
{
    lv_net_list_free(call->r.ptr);
}

void lv__call_net_list_cb(void *opaque, lv_net_list *list, const lv_error *err)
{
    lv_call *call = opaque;
    set_failure(call, err);
    call->r.ptr = list;
    call->release = release_net_list;
    lv__call_complete(call);
}

static void release_lease_list(lv_call *call)
{
    lv_net_lease_list_free(call->r.ptr);
}

void lv__call_lease_list_cb(void *opaque, lv_net_lease_list *list, const lv_error *err)
{
    lv_call *call = opaque;
    set_failure(call, err);
    call->r.ptr = list;
    call->release = release_lease_list;
    lv__call_complete(call);
}

static void set_string(lua_State *L, const char *key, const char *value)
{
    if (value) {
        lua_pushstring(L, value);
        lua_setfield(L, -2, key);
    }
}

static void set_bool(lua_State *L, const char *key, bool value)
{
    lua_pushboolean(L, value);
    lua_setfield(L, -2, key);
}

void lv__net_info_push(lua_State *L, const lv_net_info *info)
{
    char uuid[LV_UUID_STRING_LEN];
    lv_uuid_format(info->uuid, uuid);
    lua_createtable(L, 0, 7);
    set_string(L, "name", info->name);
    set_string(L, "uuid", uuid);
    set_bool(L, "active", info->active);
    set_bool(L, "persistent", info->persistent);
    set_bool(L, "autostart", info->autostart);
    set_string(L, "bridge", info->bridge);
    /* the driver says NULL for an isolated network; Lua gets a word for it,
     * as <forward> absent means in formatnetwork */
    set_string(L, "forward", info->forward_mode ? info->forward_mode : "none");
}

void lv__lease_list_push(lua_State *L, const lv_net_lease_list *list)
{
    size_t n = list ? list->count : 0;
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        const lv_net_lease *l = &list->items[i];
        lua_createtable(L, 0, 8);
        set_string(L, "iface", l->iface);
        lua_pushinteger(L, (lua_Integer)l->expiry);
        lua_setfield(L, -2, "expiry_time");
        set_string(L, "mac", l->mac);
        set_string(L, "protocol", l->ipaddr && strchr(l->ipaddr, ':') ? "ipv6" : "ipv4");
        set_string(L, "ipaddr", l->ipaddr);
        lua_pushinteger(L, (lua_Integer)l->prefix);
        lua_setfield(L, -2, "prefix");
        set_string(L, "hostname", l->hostname);
        set_string(L, "clientid", l->clientid);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}
