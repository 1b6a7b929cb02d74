/* luvirt.Connection: an open driver connection. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* As libvirt: the system scope for root, the user's session scope otherwise. */
static const char *default_uri(void)
{
    return geteuid() == 0 ? "qemu:///system" : "qemu:///session";
}

static lv_lconn *check_lconn(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, LV_CONNECTION_MT);
}

lv_conn *lv__check_conn(lua_State *L, int idx)
{
    lv_lconn *lc = check_lconn(L, idx);
    if (!lc->conn)
        luaL_error(L, "attempt to use a closed connection");
    return lc->conn;
}

static int push_new_conn(lua_State *L, lv_call *call)
{
    lv_lconn *lc = lua_newuserdatauv(L, sizeof(*lc), 0);
    lc->conn = call->r.conn;
    lc->hub = NULL;
    call->r.conn = NULL; /* now the userdata's */
    luaL_setmetatable(L, LV_CONNECTION_MT);
    return 1;
}

int lv__l_open(lua_State *L)
{
    static const char *const allowed[] = {"readonly", NULL};
    const char *uri = luaL_optstring(L, 1, NULL);
    lv__check_opts(L, 2, allowed);
    if (!uri || !*uri)
        uri = getenv("LUVIRT_DEFAULT_URI");
    if (!uri || !*uri)
        uri = default_uri();
    unsigned flags = lv__opt_bool(L, 2, "readonly") ? LV_CONNECT_READONLY : 0;
    lv_call *call = lv__call_new(L, push_new_conn);
    lv_conn_open(call->rt->loop, uri, flags, lv__call_conn_cb, call);
    return lv__call_wait(L, call);
}

static int l_conn_close(lua_State *L)
{
    lv_lconn *lc = check_lconn(L, 1);
    if (lc->hub) {
        lv__events_close(lc->hub);
        lc->hub = NULL;
    }
    if (lc->conn) {
        lv_conn_close(lc->conn);
        lc->conn = NULL;
    }
    return 0;
}

static int l_conn_uri(lua_State *L)
{
    lua_pushstring(L, lv__check_conn(L, 1)->uri_string);
    return 1;
}

static int l_conn_driver(lua_State *L)
{
    lua_pushstring(L, lv__check_conn(L, 1)->driver->name);
    return 1;
}

static int l_conn_is_readonly(lua_State *L)
{
    lua_pushboolean(L, lv_conn_is_readonly(lv__check_conn(L, 1)));
    return 1;
}

static int l_conn_hostname(lua_State *L)
{
    lv_conn *c = lv__check_conn(L, 1);
    lv_call *call = lv__call_new(L, lv__push_string);
    lv_conn_hostname(c, lv__call_string_cb, call);
    return lv__call_wait(L, call);
}

static int l_conn_capabilities(lua_State *L)
{
    lv_conn *c = lv__check_conn(L, 1);
    lv_call *call = lv__call_new(L, lv__push_string);
    lv_conn_capabilities(c, lv__call_string_cb, call);
    return lv__call_wait(L, call);
}

/* conn:domxml_to_native(format, xml) -> text */
static int l_conn_domxml_to_native(lua_State *L)
{
    lv_conn *c = lv__check_conn(L, 1);
    const char *format = luaL_checkstring(L, 2);
    const char *xml = luaL_checkstring(L, 3);
    lv_call *call = lv__call_new(L, lv__push_string);
    lv_conn_domxml_to_native(c, format, xml, lv__call_string_cb, call);
    return lv__call_wait(L, call);
}

static void push_version_number(lua_State *L, unsigned long v)
{
    lua_pushfstring(L, "%d.%d.%d", (int)(v / 1000000), (int)(v / 1000 % 1000), (int)(v % 1000));
}

static int push_version(lua_State *L, lv_call *call)
{
    lua_createtable(L, 0, 3);
    lua_pushstring(L, call->r.version.hypervisor);
    lua_setfield(L, -2, "hypervisor");
    push_version_number(L, call->r.version.hv_version);
    lua_setfield(L, -2, "hypervisor_version");
    lua_pushstring(L, LUVIRT_VERSION);
    lua_setfield(L, -2, "library_version");
    return 1;
}

static int l_conn_version(lua_State *L)
{
    lv_conn *c = lv__check_conn(L, 1);
    lv_call *call = lv__call_new(L, push_version);
    lv_conn_version(c, lv__call_version_cb, call);
    return lv__call_wait(L, call);
}

static int push_node(lua_State *L, lv_call *call)
{
    const lv_node_info *n = &call->r.node;
    lua_createtable(L, 0, 8);
    lua_pushstring(L, n->model);
    lua_setfield(L, -2, "model");
    lua_pushinteger(L, (lua_Integer)n->memory_kib);
    lua_setfield(L, -2, "memory_kib");
    lua_pushinteger(L, n->cpus);
    lua_setfield(L, -2, "cpus");
    lua_pushinteger(L, n->mhz);
    lua_setfield(L, -2, "mhz");
    lua_pushinteger(L, n->nodes);
    lua_setfield(L, -2, "nodes");
    lua_pushinteger(L, n->sockets);
    lua_setfield(L, -2, "sockets");
    lua_pushinteger(L, n->cores);
    lua_setfield(L, -2, "cores");
    lua_pushinteger(L, n->threads);
    lua_setfield(L, -2, "threads");
    return 1;
}

static int l_conn_node_info(lua_State *L)
{
    lv_conn *c = lv__check_conn(L, 1);
    lv_call *call = lv__call_new(L, push_node);
    lv_conn_node_info(c, lv__call_node_cb, call);
    return lv__call_wait(L, call);
}

/* Results that become Domain objects need the connection: lv__call_keep. */
static int push_domain(lua_State *L, lv_call *call)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, call->ctx_ref);
    lv__domain_push(L, lua_gettop(L), call->r.info);
    lua_remove(L, -2);
    return 1;
}

static int push_domain_list(lua_State *L, lv_call *call)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, call->ctx_ref);
    int conn_idx = lua_gettop(L);
    size_t n = call->r.list ? call->r.list->count : 0;
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lv__domain_push(L, conn_idx, &call->r.list->items[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_remove(L, conn_idx);
    return 1;
}

static int push_info_list(lua_State *L, lv_call *call)
{
    size_t n = call->r.list ? call->r.list->count : 0;
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lv__domain_info_push(L, &call->r.list->items[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int l_conn_domains(lua_State *L)
{
    lv_conn *c = lv__check_conn(L, 1);
    unsigned flags = lv__opt_list_flags(L, 2, LV_LIST_ACTIVE, LV_LIST_INACTIVE);
    lv_call *call = lv__call_new(L, push_domain_list);
    lv__call_keep(L, call, 1);
    lv_domain_list_all(c, flags, lv__call_domain_list_cb, call);
    return lv__call_wait(L, call);
}

static int l_conn_domain_infos(lua_State *L)
{
    lv_conn *c = lv__check_conn(L, 1);
    unsigned flags = lv__opt_list_flags(L, 2, LV_LIST_ACTIVE, LV_LIST_INACTIVE);
    lv_call *call = lv__call_new(L, push_info_list);
    lv_domain_list_all(c, flags, lv__call_domain_list_cb, call);
    return lv__call_wait(L, call);
}

static int l_conn_domain(lua_State *L)
{
    lv_conn *c = lv__check_conn(L, 1);
    const char *key;
    if (lua_isinteger(L, 2))
        key = lua_tostring(L, 2);
    else
        key = luaL_checkstring(L, 2);
    lv_lookup_by by = lv__opt_lookup_by(L, 3, true);
    lv_call *call = lv__call_new(L, push_domain);
    lv__call_keep(L, call, 1);
    lv_domain_lookup(c, by, key, lv__call_domain_cb, call);
    return lv__call_wait(L, call);
}

/* A definition argument: XML text, or a table turned into XML by luvirt.deftable. */
static const char *definition_xml(lua_State *L, int idx)
{
    if (lua_type(L, idx) == LUA_TSTRING)
        return lua_tostring(L, idx);
    luaL_argexpected(L, lua_istable(L, idx), idx, "XML string or definition table");
    lua_getglobal(L, "require");
    lua_pushstring(L, "luvirt.deftable");
    lua_call(L, 1, 1);
    lua_getfield(L, -1, "to_xml");
    lua_pushvalue(L, idx);
    lua_call(L, 1, 1);
    lua_replace(L, idx);
    lua_pop(L, 1);
    return luaL_checkstring(L, idx);
}

static int l_conn_define(lua_State *L)
{
    lv_conn *c = lv__check_conn(L, 1);
    const char *xml = definition_xml(L, 2);
    lv_call *call = lv__call_new(L, push_domain);
    lv__call_keep(L, call, 1);
    lv_domain_define_xml(c, xml, 0, lv__call_domain_cb, call);
    return lv__call_wait(L, call);
}

static int l_conn_create(lua_State *L)
{
    static const char *const allowed[] = {"paused", NULL};
    lv_conn *c = lv__check_conn(L, 1);
    const char *xml = definition_xml(L, 2);
    lv__check_opts(L, 3, allowed);
    unsigned flags = lv__opt_bool(L, 3, "paused") ? LV_START_PAUSED : 0;
    lv_call *call = lv__call_new(L, push_domain);
    lv__call_keep(L, call, 1);
    lv_domain_create_xml(c, xml, flags, lv__call_domain_cb, call);
    return lv__call_wait(L, call);
}

static int l_conn_gc(lua_State *L)
{
    return l_conn_close(L);
}

static int l_conn_tostring(lua_State *L)
{
    lv_lconn *lc = check_lconn(L, 1);
    if (lc->conn)
        lua_pushfstring(L, "luvirt.Connection (%s)", lc->conn->uri_string);
    else
        lua_pushstring(L, "luvirt.Connection (closed)");
    return 1;
}

void lv__connection_open_lib(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"close", l_conn_close},
        {"uri", l_conn_uri},
        {"driver", l_conn_driver},
        {"is_readonly", l_conn_is_readonly},
        {"hostname", l_conn_hostname},
        {"version", l_conn_version},
        {"node_info", l_conn_node_info},
        {"capabilities", l_conn_capabilities},
        {"domxml_to_native", l_conn_domxml_to_native},
        {"domains", l_conn_domains},
        {"domain_infos", l_conn_domain_infos},
        {"domain", l_conn_domain},
        {"define", l_conn_define},
        {"create", l_conn_create},
        {"on", lv__l_conn_on},
        {NULL, NULL},
    };
    static const luaL_Reg meta[] = {
        {"__gc", l_conn_gc},
        {"__close", l_conn_gc},
        {"__tostring", l_conn_tostring},
        {NULL, NULL},
    };
    luaL_newmetatable(L, LV_CONNECTION_MT);
    luaL_setfuncs(L, meta, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}
